"""Labelled fields: ``الاسم: …``, ``اسم الأم: …``, ``تولد: …`` … one block per person."""

from __future__ import annotations

import re
from collections.abc import Sequence

from athar.records import Event
from nlp.layout import Line, Token
from nlp.persons.draft import Draft, assign
from nlp.persons.labels import PERSON_FIELDS, find_labels
from nlp.persons.words import dates_in, is_word, name_units

# the role a name label gives (اسم المتوفى: …، اسم المتهم: …)
LABEL_ROLES = {"المتوفي": "deceased", "المتهم": "defendant", "المحكوم": "defendant", "الموقوف": "detainee",
               "المعتقل": "detainee", "السجين": "detainee"}  # fmt: skip


def _line_labels(toks: list[Token]) -> list[tuple[int, int, str]]:
    """Labels of a labelled-field line (exact, or OCR-tolerant before a colon on a short line)."""
    labels = find_labels(toks, need_colon=True)
    if not labels and len(toks) <= 16 and any(t.norm == ":" for t in toks[:5]):
        labels = [h for h in find_labels(toks, need_colon=True, fuzzy=True) if h[1] < len(toks)]
        labels = [h for h in labels if toks[h[1]].norm == ":"]
    return labels


_OTHER_LABEL_WORDS = 3  # words of a label the lexicon does not hold ("القبر: ٨٩٢", "رقم الملف: …")


def _other_pair_first(toks: Sequence[Token], first: int) -> bool:
    """The line opens with a field of another kind ("القبر: ٨٩٢  المدفون: فلان  والدته: فلانة"): a colon
    among its first words, and only a short value between it and the first person label."""
    colon = next((q for q, t in enumerate(toks[: _OTHER_LABEL_WORDS + 1]) if t.norm == ":"), None)
    return colon is not None and 0 < first - colon - 1 <= _OTHER_LABEL_WORDS


def read_labelled(lines: Sequence[Line], skip: set[int]) -> tuple[list[Draft], set[int]]:
    """Persons of ``الاسم: …`` blocks, and the lines they used. Cards printed side by side (a line with
    two "الاسم:" fields, then two "والدته:" …) are read column by column: the n-th field of a kind on a
    line belongs to the n-th card."""
    drafts: list[Draft] = []
    used: set[int] = set()
    cards: list[Draft] = []  # the persons being read, one per card column
    for index, line in enumerate(lines):
        if index in skip:
            continue
        toks = list(line.tokens)
        labels = _line_labels(toks)
        if not labels or (labels[0][0] > 1 and not _other_pair_first(toks, labels[0][0])):
            continue
        if not cards and all(kind not in PERSON_FIELDS for _s, _e, kind in labels):
            continue  # only numbers' labels (القبر رقم 715: فلان أمه …): a list line's lead, for prose
        used.add(index)
        seen: dict[str, int] = {}
        for k, (s, e, kind) in enumerate(labels):
            occ = seen.get(kind, 0)
            seen[kind] = occ + 1
            stop = labels[k + 1][0] if k + 1 < len(labels) else len(toks)
            value = [t for t in toks[e:stop] if t.norm not in (":", "：")]
            if kind == "name" or (not cards and kind in PERSON_FIELDS):
                if kind == "name" and occ == 0 and any(d.has_name() for d in cards):
                    drafts.extend(d for d in cards if d.has_name())
                    cards = []
                if not cards or (kind == "name" and occ >= len(cards)):
                    cards.append(Draft(reader="labelled"))
            if not cards:
                continue
            current = cards[min(occ, len(cards) - 1)]
            if kind == "name":
                current.role = next((LABEL_ROLES[t.norm] for t in toks[s:e] if t.norm in LABEL_ROLES), None)
            _fill(current, kind, value)
    drafts.extend(d for d in cards if d.has_name())
    # a lone "الاسم" value that is a single unit followed by father/family fields is the first name
    for d in drafts:
        if d.name and (d.father or d.family) and len(name_units(d.name)) == 1:
            d.first, d.name = d.name, d.name + d.father + d.grandfather + d.family
    return drafts, used


def _fill(current: Draft, kind: str, value: list[Token]) -> None:
    """One labelled field's value into the draft."""
    if kind == "name":
        assign(current, "name", value)
    elif kind in ("father", "grandfather", "family", "mother"):
        assign(current, kind, [t for t in value if is_word(t)][:4])
    elif kind == "birth":
        _birth(current, value)
    elif kind == "nid":
        digits = next((t.norm for t in value if re.fullmatch(r"\d{11}", t.norm)), None)
        if digits:
            current.national_id = digits
            current.tokens.extend(value)
    elif kind.startswith("ev:"):
        found = dates_in(value)
        current.events.append(Event(kind[3:], found[0][2] if found else None, None))


def _birth(current: Draft, value: list[Token]) -> None:
    found = dates_in(value)
    if found:
        a, b, iso = found[0]
        current.birth_date = iso
        current.year_tokens.append((value[a], value[b - 1], iso))
        words = [t for t in value[:a] if is_word(t)]
    else:
        words = [t for t in value if is_word(t)]
        year = next((t for t in value if re.fullmatch(r"(?:19|20)\d\d", t.norm)), None)
        if year:
            current.birth_date = year.norm
            current.year_tokens.append((year, year, year.norm))
    if words:
        current.birth_place = words[:3]
    current.tokens.extend(value)
