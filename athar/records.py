"""Typed records that flow between the stages.

SourceDocument -> PageImage -> OcrPage -> Analysis -> index actions.

Every record is a frozen dataclass with a ``to_json`` that returns plain
JSON-compatible data, so records can be printed as JSON Lines, persisted as
Prefect task results, or sent to the search engine without a second schema.
Stages pass records and file paths to each other, never decoded images.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Self, Union

BBox = tuple[int, int, int, int]
"""Pixel box on the (rotation-corrected) page image: x0, y0, x1, y1."""


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(hint: Any, value: Any) -> Any:
    """``value`` (plain JSON data) as the type ``hint`` describes: records, tuples, dicts, Optional."""
    if value is None or hint is Any:
        return value
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        for option in options[:-1]:
            try:
                return _build(option, value)
            except (TypeError, ValueError, KeyError):
                continue
        return _build(options[-1], value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in value)
        return tuple(_build(a, v) for a, v in zip(args, value, strict=True))
    if origin is list:
        return [_build(args[0], v) for v in value]
    if origin is dict:
        return {_build(args[0], k): _build(args[1], v) for k, v in value.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise TypeError(f"{hint.__name__} from {type(value).__name__}")
        return _from_dict(hint, value)
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint in (int, str, bool) and not isinstance(value, hint):
        raise TypeError(f"expected {hint.__name__}, got {type(value).__name__}")
    return value


def _from_dict(cls: type, data: dict[str, Any]) -> Any:
    hints = _hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    return cls(**{name: _build(hints[name], value) for name, value in data.items() if name in known})


class Record:
    """Mixin: JSON view of a frozen dataclass. Records use slots: a long document holds many words.

    ``from_json(to_json(r)) == r`` for every record: ``from_json`` is driven by the dataclass
    fields and their type hints (nested records, tuples, dicts, Optional), so fields added later
    round-trip without more code. Keys it does not know are ignored; missing keys take the
    field's default.
    """

    __slots__ = ()

    def to_json(self) -> dict[str, Any]:
        result = _plain(self)
        assert isinstance(result, dict)
        return result

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        """Rebuild the record from its :meth:`to_json` form."""
        result: Self = _from_dict(cls, data)
        return result


# --------------------------------------------------------------------- intake


@dataclass(frozen=True, slots=True)
class SourceDocument(Record):
    """One input file, identified by the sha256 of its bytes."""

    source: str  # path or URL it was read from (data, never re-used as a path by the index)
    sha256: str
    size: int
    media_type: str  # sniffed from the bytes, e.g. "application/pdf", "image/tiff"
    page_count: int
    has_text_layer: bool | None = None  # PDFs only: whether some page already carries text


@dataclass(frozen=True, slots=True)
class PageImage(Record):
    """One rasterised page, stored as a file; the path is what moves between tasks."""

    sha256: str  # of the source document
    page: int  # 1-based
    path: str  # lossless image file (PNG/PPM/TIFF) of the page as found
    dpi: int
    width: int
    height: int


# ------------------------------------------------------------------------ OCR


@dataclass(frozen=True, slots=True)
class OcrWord(Record):
    """One recognised word with its box on the page image and confidence 0-100."""

    text: str
    conf: float
    bbox: BBox
    line: int = 0  # running line number on the page (reading order)
    block: int = 0


@dataclass(frozen=True, slots=True)
class Preprocessing(Record):
    """What was done to a page before recognition, and why."""

    rotation: int = 0  # clockwise degrees applied to make text upright: 0, 90, 180 or 270
    skew_angle: float = 0.0  # degrees corrected
    binarization: str = "none"  # chosen method, e.g. "otsu", "gray", "adaptive"
    denoise: bool = False
    candidates: dict[str, float] = field(default_factory=dict)  # method -> mean conf on probe
    digit_pass: dict[str, int] = field(default_factory=dict)  # words tried / changed
    layout: str = "page"  # what the image is, by its row profile: "line" (one text line) or "page"
    psm: int = 0  # Tesseract page segmentation mode the image was read with (0: not recorded)


@dataclass(frozen=True, slots=True)
class OcrPage(Record):
    """Recognised text of one page."""

    sha256: str
    page: int
    text: str  # logical reading order, no bidi control marks
    words: tuple[OcrWord, ...]
    confidence: float  # mean word confidence 0-100
    preprocessing: Preprocessing
    engine: str  # e.g. "tesseract 5.3.0"
    model: str  # e.g. "ara (best_int)"
    width: int = 0
    height: int = 0
    dpi: int = 300
    hocr: str | None = None  # path of the hOCR file kept for display, when written
    image: str | None = None  # path of the upright, deskewed page image the word boxes refer to

    def word_spans(self) -> list[tuple[int, int]]:
        """(start, end) of each word in ``text``; ``text`` is exactly :func:`join_words` of ``words``."""
        return join_words(self.words)[1]


def join_words(words: tuple[OcrWord, ...] | list[OcrWord]) -> tuple[str, list[tuple[int, int]]]:
    """Page text from words in reading order: words of a line joined by a space, lines by a newline.

    Returns the text and each word's (start, end) in it, so a span found in the
    text leads back to word boxes on the scan.
    """
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    previous_line: int | None = None
    for word in words:
        if previous_line is not None:
            sep = " " if word.line == previous_line else "\n"
            parts.append(sep)
            pos += 1
        parts.append(word.text)
        spans.append((pos, pos + len(word.text)))
        pos += len(word.text)
        previous_line = word.line
    return "".join(parts), spans


@dataclass(frozen=True, slots=True)
class PageFailure(Record):
    """A page that could not be processed; the rest of the document goes on."""

    sha256: str
    page: int
    code: str
    message: str
    retryable: bool = False


# ------------------------------------------------------------------------ NLP


@dataclass(frozen=True, slots=True)
class Mention(Record):
    """An entity found in a page's text. ``start``/``end`` index the page text."""

    type: str  # PERSON, DATE, LOCATION, FACILITY, NATIONAL_ID, ...
    text: str
    start: int
    end: int
    value: str | None = None  # normalised value: ISO date, canonical place id, digits
    page: int = 0
    source: str = "rules"  # "rules" or "ner"


@dataclass(frozen=True, slots=True)
class Event(Record):
    """Something that happened to a person: arrest, detention, transfer, trial, ..."""

    type: str
    date: str | None = None  # ISO 8601 at the written precision
    place: str | None = None


@dataclass(frozen=True, slots=True)
class NameKeys(Record):
    """Keys under which a name is findable."""

    normalized: str
    skeleton: str
    latin: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Person(Record):
    """One person record as written on a page (one per register row)."""

    name: str
    first: str | None = None
    father: str | None = None
    grandfather: str | None = None
    family: str | None = None
    mother: str | None = None
    birth_date: str | None = None
    birth_place: str | None = None
    national_id: str | None = None
    events: tuple[Event, ...] = ()
    page: int = 0
    start: int = 0
    end: int = 0
    name_keys: NameKeys | None = None
    role: str | None = None  # detainee, defendant, deceased, official, witness, judge, other (or corrected)
    title: str | None = None  # rank or title written before the name (العميد، القاضي، المجند …)
    facility: str | None = None  # canonical id of the facility the page places the person in


@dataclass(frozen=True, slots=True)
class Analysis(Record):
    """Everything the NLP stage found in one document."""

    doc_type: str | None = None  # prison_register, court_record, death_report, transfer_list, other
    doc_type_confidence: float = 0.0
    entities: tuple[Mention, ...] = ()
    persons: tuple[Person, ...] = ()


@dataclass(frozen=True, slots=True)
class ExtractedDocument(Record):
    """OCR (and, when run, NLP) result for one document: the `athar extract` line."""

    document: SourceDocument
    pages: tuple[OcrPage, ...]
    failures: tuple[PageFailure, ...] = ()
    analysis: Analysis | None = None
