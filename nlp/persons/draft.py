"""A person being assembled from a reader, and its finishing into a :class:`Person`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from athar.arabic import name_keys
from athar.records import Event, Person
from nlp.layout import Token
from nlp.persons.lexicon import (
    is_female,
    lexicon,
    looks_like_name,
    strip_rule_glyph,
    title_length,
    word_class,
)
from nlp.persons.words import is_word, name_units
from nlp.places import gazetteer


@dataclass
class Draft:
    """A person being assembled; spans are in the page text."""

    name: list[Token] = field(default_factory=list)
    first: list[Token] = field(default_factory=list)
    father: list[Token] = field(default_factory=list)
    grandfather: list[Token] = field(default_factory=list)
    family: list[Token] = field(default_factory=list)
    mother: list[Token] = field(default_factory=list)
    birth_date: str | None = None
    birth_place: list[Token] = field(default_factory=list)
    national_id: str | None = None
    events: list[Event] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    year_tokens: list[tuple[Token, Token, str]] = field(default_factory=list)
    title: list[Token] = field(default_factory=list)
    role: str | None = None  # from the reader's cue (trigger word, column or field label)
    reader: str = ""  # table, labelled, prose
    facility: str | None = None

    def has_name(self) -> bool:
        return bool(self.name or self.first)


class Page:
    """The original page text, to cut tokens' original spelling from."""

    def __init__(self, text: str) -> None:
        self.text = text

    def cut(self, tokens: Sequence[Token]) -> str | None:
        if not tokens:
            return None
        spans = sorted((t.start, t.end) for t in tokens)
        # tokens are contiguous in reading order when read from text; from OCR they may not be
        parts: list[tuple[int, int]] = []
        for a, b in spans:
            if parts and a <= parts[-1][1] + 2:
                parts[-1] = (parts[-1][0], max(parts[-1][1], b))
            else:
                parts.append((a, b))
        if len(parts) == 1 and parts[0][1] - parts[0][0] <= 6 * sum(len(t.norm) + 1 for t in tokens):
            return self.text[parts[0][0] : parts[0][1]].strip()
        ordered = [self.text[t.start : t.end] or t.norm for t in tokens]
        return " ".join(ordered).strip()


def _trimmed(tokens: list[Token]) -> list[Token]:
    """Name tokens without boilerplate words at either end."""
    a, b = 0, len(tokens)
    while a < b and word_class(tokens[a].norm) == "stop":
        a += 1
    while b > a and word_class(tokens[b - 1].norm) == "stop":
        b -= 1
    return tokens[a:b]


def _cut_at_title(tokens: list[Token]) -> list[Token]:
    """A name ends where another person's rank or title begins (two signatures on one line)."""
    for q in range(2, len(tokens)):
        n, hint = title_length(tokens[q:])
        if n and hint and q + n < len(tokens):
            return tokens[:q]
    return tokens


def _clean(draft: Draft) -> bool:
    """Split a rank or title off the name, trim boilerplate, drop a mother that is no name; False when
    the name is not a name (boilerplate of letters and forms)."""
    head = draft.first or draft.name
    n, hint = title_length(head)
    if n:
        draft.title = head[:n]
        staff = hint in ("official", "judge", "witness")
        draft.role = hint if staff and draft.reader == "table" else (draft.role or hint)
        if staff and draft.reader == "table":
            draft.mother = []  # a signature row under a register: no register fields
        if draft.first:
            draft.first = draft.first[n:]
        if draft.name and draft.name[:n] == head[:n]:
            draft.name = draft.name[n:]
    if draft.reader == "table":
        for part in ("name", "first"):
            tokens = getattr(draft, part)
            if tokens:
                setattr(draft, part, [strip_rule_glyph(tokens[0], rare_whole=True), *tokens[1:]])
    draft.name = _cut_at_title(_trimmed(draft.name))
    words = [t for t in draft.name + draft.first + draft.father + draft.family if is_word(t)]
    if not looks_like_name(words):
        return False
    if draft.mother:
        mother = draft.mother
        if any(word_class(t.norm) == "stop" and not is_female(t.norm) for t in mother):
            mother = []  # a note line or a formula is never a mother (a misread name still is one)
        draft.mother = _mother_trimmed(mother)
    return True


_BIRTH_MISREAD = frozenset({"تود", "تولد", "نولد", "تواد"})  # a birth cue run into the mother's name


def _nisba(norm: str) -> bool:
    return norm.startswith("ال") and norm.endswith("ي")  # الزبداني: a family name as much as a town


def _mother_trimmed(mother: list[Token]) -> list[Token]:
    """A mother's name without what OCR ran into its end: a rule glyph (a lone letter), a birth cue,
    or the birth place of the next cell (نادية قطنا) when that word is a place and no name."""
    while len(mother) > 1:
        last = mother[-1].norm
        place = gazetteer().by_words.get((last,))
        if (
            len(last) == 1
            or last in _BIRTH_MISREAD
            or (
                place is not None
                and place.type == "LOCATION"
                and last not in lexicon().kinds
                and not _nisba(last)
            )
        ):
            mother = mother[:-1]
        else:
            break
    return mother


def finish(draft: Draft, page: Page, page_no: int) -> Person | None:
    """The person of a draft, or None when it has no name of two words or more, or no name at all."""
    if not _clean(draft):
        return None
    name_tokens = draft.name
    units = name_units([t for t in name_tokens if is_word(t)])
    first, father, grandfather, family = draft.first, draft.father, draft.grandfather, draft.family
    if len(units) == 1 and not first and (father or family):  # a given-name column beside a father's
        first = units[0]
        name_tokens = first + father + grandfather + family
    if units and not (first or father or family):
        if len(units) == 1:
            first = units[0]
        elif len(units) == 2:
            first, family = units
        elif len(units) == 3:
            first, father, family = units
        else:
            first, father = units[0], units[1]
            grandfather = [t for u in units[2:-1] for t in u]
            family = units[-1]
    elif not units and first:
        name_tokens = first + father + grandfather + family
    if not first and not name_tokens:
        return None
    if father and father[0].norm in ("بن", "ابن") and len(father) > 1:
        father = father[1:]
    full = page.cut(name_tokens) or ""
    if first and (draft.first or draft.father or draft.family):  # parts read from columns of their own
        full = _in_name_order(page, (first, father, grandfather, family)) or full
    if len([t for t in name_tokens if is_word(t)]) < 2:
        return None  # a single word is too weak to be a person record
    spans = [t for t in draft.tokens + name_tokens if t.end > t.start]
    start = min((t.start for t in spans), default=0)
    end = max((t.end for t in spans), default=0)
    return Person(
        name=full,
        first=page.cut(first),
        father=page.cut(father),
        grandfather=page.cut(grandfather),
        family=page.cut(family),
        mother=page.cut(draft.mother),
        birth_date=draft.birth_date,
        birth_place=page.cut(draft.birth_place),
        national_id=draft.national_id,
        events=tuple(draft.events),
        page=page_no,
        start=start,
        end=end,
        name_keys=name_keys(" ".join(t.norm for t in name_tokens)),
        title=page.cut(draft.title),
        role=draft.role,
        facility=draft.facility,
    )


def _in_name_order(page: Page, parts: Sequence[Sequence[Token]]) -> str:
    """The name's parts in name order (given, father, grandfather, family) whatever their order on the
    page: a register may put the family name ('الشهرة') in its first column."""
    return " ".join(cut for part in parts if (cut := page.cut(part)))


def assign(draft: Draft, kind: str, tokens: Sequence[Token]) -> None:
    words = [t for t in tokens if is_word(t)]
    if not words:
        return
    draft.tokens.extend(words)
    if kind == "name":
        draft.name = words
    elif kind == "father":
        draft.father = words
    elif kind == "grandfather":
        draft.grandfather = words
    elif kind == "family":
        draft.family = words
    elif kind == "mother":
        draft.mother = words
