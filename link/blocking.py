"""Blocking: the keys under which a mention meets its candidates.

Keys pair two fields, each reduced to its dotless form (:func:`link.names.rasm`), so a letter
misread by OCR in one field leaves the other keys intact, and the same name written joined or
split, with or without the article, gives the same key. Nothing is transliterated:

* ``n:`` the national ID;
* ``ff:`` first + family, ``fa:`` first + father, ``fm:`` first + mother;
* ``pf:`` father + family (catches a first name misread; brothers meet here and are kept apart by
  scoring), ``my:`` mother + birth year, ``ly:`` family + birth year.

A key shared by more than :data:`MAX_BLOCK` mentions is too common to be useful; the linker skips it
(the other keys of the same mention still find its candidates).
"""

from __future__ import annotations

from link.mention import PersonMention, name_parts
from link.names import first_unit, rasm

MAX_BLOCK = 400  # candidates per key; beyond this the key is a stop-word (e.g. a common first + year)
MIN_NID_DIGITS = 6  # shorter numbers are register row numbers read as IDs, not IDs


def block_keys(m: PersonMention) -> tuple[str, ...]:
    """Every blocking key of a mention (deduplicated, in a stable order)."""
    parts = name_parts(m)
    first = rasm(parts.first) if parts.first else ""
    father = rasm(parts.father) if parts.father else ""
    family = rasm(parts.family) if parts.family else ""
    mother_unit = first_unit(m.mother)
    mother = rasm(mother_unit) if mother_unit else ""
    year = str(m.birth_year) if m.birth_year else ""
    keys: list[str] = []
    nid = m.nid
    if nid and len(nid) >= MIN_NID_DIGITS:
        keys.append(f"n:{nid}")
    pairs = (
        ("ff", first, family),
        ("fa", first, father),
        ("fm", first, mother),
        ("pf", father, family),
        ("my", mother, year),
        ("ly", family, year),
    )
    for tag, one, two in pairs:
        if one and two:
            keys.append(f"{tag}:{one}|{two}")
    if first and family and not father:
        keys.append(f"fa:{first}|{family}")  # a 2-part form may be first + father
    return tuple(dict.fromkeys(keys))
