"""Human corrections: an overlay on the engine's reading, never an overwrite.

A :class:`Correction` targets a word (page + index into that page's words as `athar extract`
prints them, and its box), a line (page + line number, and the line's box) or a field of a person
(page + the box of the person's words, and the field). It says who, when and why, carries a
version number (1, 2, ... per document, in order) and may revert an earlier version. Corrections
are applied in version order to the engine's OcrPage, which is never changed: the result is a
corrected OcrPage with the same engine and model and the corrected words at confidence 100.

When the OCR is run again (a new model, `athar reprocess`), corrections are re-aligned to the new
words by box overlap (:func:`align`). A correction whose box no longer overlaps any word enough is
*flagged* (``placement.index is None``): it stays in the history, is listed for review and is
not applied, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from athar.errors import PermanentError
from athar.records import Analysis, BBox, OcrPage, OcrWord, Person, Record, join_words
from export.geometry import best_match, line_box, lines, span_box

WORD = "word"
LINE = "line"
PERSON = "person"
KINDS = (WORD, LINE, PERSON)
PERSON_FIELDS = ("name", "mother", "birth_date", "birth_place", "role")
HUMAN_CONF = 100.0  # a word a person corrected is as sure as a reading gets
MIN_IOU = 0.5  # a box overlapping the recorded one less than this is another word (or none)
MAX_TEXT = 2000  # characters in one corrected value


class CorrectionError(PermanentError):
    """A correction that cannot be recorded: its target does not exist or its value is unusable."""

    code = "bad_correction"


@dataclass(frozen=True, slots=True)
class Target(Record):
    """What a correction is about, as it was when the correction was made."""

    kind: str  # word, line or person
    page: int
    index: (
        int  # word: index into the page's words; line: line number; person: index of the person on the page
    )
    bbox: BBox  # the word's, the line's or the person's words' box on the upright page image
    field: str | None = None  # person corrections: one of PERSON_FIELDS


@dataclass(frozen=True, slots=True)
class Correction(Record):
    """One version on top of the engine's reading."""

    sha256: str
    version: int
    target: Target
    text: str  # the corrected value ("" for a revert)
    before: str  # what was shown before this correction (engine reading or an earlier correction)
    by: str
    at: str  # ISO 8601 UTC
    why: str | None = None
    reverts: int | None = None  # the version this one reverts

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Correction:
        """Rebuild a correction from its ``to_json`` form."""
        t = data["target"]
        target = Target(
            kind=str(t["kind"]),
            page=int(t["page"]),
            index=int(t["index"]),
            bbox=(int(t["bbox"][0]), int(t["bbox"][1]), int(t["bbox"][2]), int(t["bbox"][3])),
            field=t.get("field"),
        )
        reverts = data.get("reverts")
        return cls(
            sha256=str(data["sha256"]),
            version=int(data["version"]),
            target=target,
            text=str(data["text"]),
            before=str(data.get("before", "")),
            by=str(data["by"]),
            at=str(data["at"]),
            why=data.get("why"),
            reverts=int(reverts) if reverts is not None else None,
        )


@dataclass(frozen=True, slots=True)
class Placement(Record):
    """Where a correction applies on the current OCR: ``index`` None means its box is gone (flagged)."""

    version: int
    page: int
    index: int | None
    overlap: float


def in_force(corrections: list[Correction] | tuple[Correction, ...]) -> list[Correction]:
    """Corrections that apply, in version order: not reverts, and not reverted (by a revert in force)."""
    ordered = sorted(corrections, key=lambda c: c.version)
    reverted: set[int] = set()
    for c in reversed(ordered):  # a revert that was itself reverted does not count
        if c.reverts is not None and c.version not in reverted:
            reverted.add(c.reverts)
    return [c for c in ordered if c.reverts is None and c.version not in reverted]


def check_value(target: Target, text: str) -> str:
    """The value of a new correction, trimmed; raises CorrectionError for an unusable one."""
    if target.kind not in KINDS:
        raise CorrectionError(f"a correction targets a word, a line or a person, not {target.kind!r}.")
    if target.kind == PERSON and target.field not in PERSON_FIELDS:
        raise CorrectionError(f"a person's field is one of {', '.join(PERSON_FIELDS)}.")
    value = " ".join(text.split())
    if not value and target.kind != PERSON:
        raise CorrectionError("the corrected text is empty; type what the scan says.")
    if len(value) > MAX_TEXT:
        raise CorrectionError(f"the corrected text is longer than {MAX_TEXT} characters.")
    if target.kind == WORD and " " in value:
        raise CorrectionError("a word correction is one word; correct the line to split or join words.")
    return value


# ----------------------------------------------------------------- alignment


def _place_word(target: Target, page: OcrPage) -> tuple[int | None, float]:
    words = page.words
    if 0 <= target.index < len(words) and words[target.index].bbox == target.bbox:
        return target.index, 1.0
    return best_match(target.bbox, [(i, w.bbox) for i, w in enumerate(words)])


def _place_line(target: Target, page: OcrPage) -> tuple[int | None, float]:
    found = lines(page.words)
    if target.index in found and line_box(page, target.index) == target.bbox:
        return target.index, 1.0
    return best_match(target.bbox, [(n, line_box(page, n)) for n in found])


def align(corrections: list[Correction], pages: dict[int, OcrPage]) -> dict[int, Placement]:
    """Version -> where each word or line correction applies on ``pages`` (person corrections are
    placed on the analysis, see :func:`apply_to_analysis`)."""
    placed: dict[int, Placement] = {}
    for c in corrections:
        if c.target.kind == PERSON:
            continue
        page = pages.get(c.target.page)
        index, overlap = (None, 0.0)
        if page is not None:
            place = _place_word if c.target.kind == WORD else _place_line
            index, overlap = place(c.target, page)
        if overlap < MIN_IOU:
            index = None
        placed[c.version] = Placement(c.version, c.target.page, index, round(overlap, 3))
    return placed


def flagged(corrections: list[Correction], pages: dict[int, OcrPage]) -> list[Correction]:
    """Corrections in force whose word or line is gone from ``pages`` (to review; never dropped)."""
    placed = align(in_force(corrections), pages)
    return [c for c in in_force(corrections) if c.version in placed and placed[c.version].index is None]


# ------------------------------------------------------------------- applying


def _line_words(text: str, old: list[OcrWord]) -> list[OcrWord]:
    """New words of a corrected line: the old boxes when the word count is the same, else the line's
    box shared out by length, right to left (Arabic reading order)."""
    tokens = text.split()
    if len(tokens) == len(old):
        return [replace(w, text=t, conf=HUMAN_CONF) for w, t in zip(old, tokens, strict=True)]
    x0 = min(w.bbox[0] for w in old)
    y0 = min(w.bbox[1] for w in old)
    x1 = max(w.bbox[2] for w in old)
    y1 = max(w.bbox[3] for w in old)
    total = sum(len(t) for t in tokens) or 1
    right = float(x1)
    out = []
    for token in tokens:
        width = (x1 - x0) * len(token) / total
        box = (round(right - width), y0, round(right), y1)
        out.append(OcrWord(token, HUMAN_CONF, box, line=old[0].line, block=old[0].block))
        right -= width
    return out


def apply_to_page(page: OcrPage, corrections: list[Correction]) -> OcrPage:
    """The page with its corrections in force applied (the engine's page is unchanged)."""
    mine = [c for c in in_force(corrections) if c.target.page == page.page and c.target.kind != PERSON]
    if not mine:
        return page
    placed = align(mine, {page.page: page})
    slots: list[list[OcrWord]] = [[w] for w in page.words]
    by_line = lines(page.words)
    for c in mine:
        index = placed[c.version].index
        if index is None:
            continue
        if c.target.kind == WORD:
            slots[index] = [replace(page.words[index], text=c.text, conf=HUMAN_CONF)]
        else:
            members = by_line[index]
            new = _line_words(c.text, [page.words[i] for i in members])
            for i in members:
                slots[i] = []
            slots[members[0]] = new
    words = tuple(w for slot in slots for w in slot)
    text, _ = join_words(words)
    confidence = round(sum(w.conf for w in words) / len(words), 1) if words else page.confidence
    return replace(page, words=words, text=text, confidence=confidence)


def person_box(person: Person, pages: dict[int, OcrPage]) -> BBox:
    """The box of a person's words on their page (a zero box when the page is not given)."""
    page = pages.get(person.page)
    return span_box(page, person.start, person.end) if page is not None else (0, 0, 0, 0)


def _set_field(person: Person, field: str, value: str) -> Person:
    cleaned = value or None
    if field == "name":
        return replace(person, name=value, name_keys=None, first=None, father=None, family=None)
    if field == "mother":
        return replace(person, mother=cleaned)
    if field == "birth_date":
        return replace(person, birth_date=cleaned)
    if field == "birth_place":
        return replace(person, birth_place=cleaned)
    return replace(person, role=cleaned)


def apply_to_analysis(
    analysis: Analysis, pages: dict[int, OcrPage], corrections: list[Correction]
) -> tuple[Analysis, list[int]]:
    """The analysis with person-field corrections applied; also the versions that found no person.

    ``pages`` are the corrected pages the analysis was made from: a person is matched by the box
    of their words against the box recorded with the correction.
    """
    mine = [c for c in in_force(corrections) if c.target.kind == PERSON]
    if not mine:
        return analysis, []
    persons = list(analysis.persons)
    boxes = [person_box(p, pages) for p in persons]
    missing: list[int] = []
    for c in mine:
        candidates = [(i, boxes[i]) for i, p in enumerate(persons) if p.page == c.target.page]
        index, overlap = best_match(c.target.bbox, candidates)
        if index is None or overlap < MIN_IOU:
            missing.append(c.version)
            continue
        assert c.target.field is not None
        persons[index] = _set_field(persons[index], c.target.field, c.text)
    return replace(analysis, persons=tuple(persons)), missing


def word_target(page: OcrPage, index: int) -> Target:
    """The target of a word as `athar extract` numbers it; raises CorrectionError if there is none."""
    if not 0 <= index < len(page.words):
        raise CorrectionError(
            f"page {page.page} has {len(page.words)} words (0-{len(page.words) - 1}); "
            f"there is no word {index}. `athar extract` lists them."
        )
    return Target(WORD, page.page, index, page.words[index].bbox)


def line_target(page: OcrPage, line: int) -> Target:
    """The target of one line of a page."""
    if line not in lines(page.words):
        raise CorrectionError(f"page {page.page} has no line {line}.")
    return Target(LINE, page.page, line, line_box(page, line))


def person_target(person: Person, index: int, field: str, pages: dict[int, OcrPage]) -> Target:
    """The target of one field of a person (``index``: the person's position on the page)."""
    if field not in PERSON_FIELDS:
        raise CorrectionError(f"a person's field is one of {', '.join(PERSON_FIELDS)}.")
    return Target(PERSON, person.page, index, person_box(person, pages), field)


def current_value(target: Target, page: OcrPage, person: Person | None = None) -> str:
    """What the target shows now on ``page`` (a corrected page), for a correction's ``before``."""
    if target.kind == WORD:
        return page.words[target.index].text
    if target.kind == LINE:
        return " ".join(page.words[i].text for i in lines(page.words).get(target.index, []))
    if person is None or target.field is None:
        return ""
    return str(getattr(person, target.field, None) or "")
