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

from link.features import Features, features
from link.mention import PersonMention
from link.names import form_rasm

MAX_BLOCK = 400  # candidates per key; beyond this the key is a stop-word (e.g. a common first + year)
MIN_NID_DIGITS = 6  # shorter numbers are register row numbers read as IDs, not IDs


def block_keys(m: PersonMention) -> tuple[str, ...]:
    """Every blocking key of a mention (deduplicated, in a stable order)."""
    return keys_of(features(m))


def keys_of(f: Features) -> tuple[str, ...]:
    """Every blocking key of a mention's features; an official's keys are apart from everyone else's
    (prefixed ``o``), so officials only ever meet officials."""
    first = form_rasm(f.first) if f.first else ""
    father = form_rasm(f.father) if f.father else ""
    family = form_rasm(f.family) if f.family else ""
    mother = form_rasm(f.mother) if f.mother else ""
    year = str(f.year) if f.year else ""
    keys: list[str] = []
    nid = f.nid
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
    if f.official:
        keys = [f"o{k}" for k in keys]
    return tuple(dict.fromkeys(keys))
