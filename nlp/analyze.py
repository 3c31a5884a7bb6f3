"""The NLP stage's entry points: OCR pages or plain text in, :class:`Analysis` out."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from athar.records import Analysis, Mention, OcrPage, Person
from athar.settings import Settings, load_settings
from nlp.dates import find_dates, sane_value
from nlp.doctype import classify
from nlp.ids import find_national_ids
from nlp.layout import lines_from_text, lines_from_words
from nlp.persons import find_persons
from nlp.places import find_places
from nlp.text import NormText, check_size, prepare

log = logging.getLogger(__name__)


def _merge(mentions: list[Mention]) -> list[Mention]:
    """Sorted, without exact duplicates; a rules mention wins over an overlapping one of the same type.
    A DATE whose value is no ISO date is repaired (a year OCR glued a digit to) or dropped."""
    mentions = [_sane_date(m) for m in mentions]
    mentions = [m for m in mentions if m.type != "DATE" or m.value is None or m.value]
    out: list[Mention] = []
    seen: set[tuple[str, int, int]] = set()
    for m in sorted(mentions, key=lambda m: (m.page, m.start, -(m.end - m.start), m.source != "rules")):
        key = (m.type, m.start, m.end)
        if key in seen:
            continue
        if any(
            o.type == m.type and o.page == m.page and o.start < m.end and m.start < o.end for o in out[-8:]
        ):
            continue
        seen.add(key)
        out.append(m)
    return out


def _sane_date(m: Mention) -> Mention:
    if m.type != "DATE" or m.value is None:
        return m
    return replace(m, value=sane_value(m.value) or "")


def _page_entities(text: str, page: int, limits: Settings) -> tuple[list[Mention], NormText]:
    norm = prepare(text, limits)
    mentions = find_dates(norm, page) + find_places(norm, page) + find_national_ids(norm, page)
    return mentions, norm


def analyze_pages(pages: Sequence[OcrPage], settings: Settings | None = None) -> Analysis:
    """Entities (with ``page``; spans index that page's ``text``), persons and document type.

    Table rows are rebuilt from the word boxes when the pages carry words.
    """
    limits = settings or load_settings()
    check_size(sum(len(p.text) for p in pages), limits)
    doc_type, confidence = classify("\n".join(p.text for p in pages))
    entities: list[Mention] = []
    persons: list[Person] = []
    for page in pages:
        mentions, norm = _page_entities(page.text, page.page, limits)
        lines = lines_from_words(page) if page.words else lines_from_text(norm)
        found, extra = find_persons(lines, page.text, doc_type=doc_type, page=page.page)
        persons.extend(found)
        page_mentions = mentions + extra + _ner_mentions(page.text, page.page, settings)
        entities.extend(_with_tagger(page_mentions, page.text, page.page, limits, prose_only=True))
        log.debug("page %d: %d mentions, %d persons", page.page, len(mentions), len(found))
    return Analysis(doc_type, confidence, tuple(_merge(entities)), tuple(persons))


def analyze_text(text: str, settings: Settings | None = None) -> Analysis:
    """Analyse plain text as one page (page 1, no word boxes)."""
    limits = settings or load_settings()
    check_size(len(text), limits)
    doc_type, confidence = classify(text)
    mentions, norm = _page_entities(text, 1, limits)
    persons, extra = find_persons(lines_from_text(norm), text, doc_type=doc_type, page=1)
    entities = mentions + extra + _ner_mentions(text, 1, settings)
    entities = _with_tagger(entities, text, 1, limits, prose_only=doc_type != "other")
    return Analysis(doc_type, confidence, tuple(_merge(entities)), tuple(persons))


def _with_tagger(
    mentions: list[Mention], text: str, page: int, limits: Settings, *, prose_only: bool
) -> list[Mention]:
    """``mentions`` plus the CRF tagger's PERSON/LOCATION mentions where no other mention speaks.

    OCR pages and record texts: prose lines only (rows, fields and letterheads are the rules' domain);
    other plain text (news, letters, testimony): all of it.
    """
    if not limits.tagger:
        return mentions
    from nlp.tagger import merge_tagged, prose_lines, tag_mentions

    return merge_tagged(mentions, tag_mentions(prose_lines(text) if prose_only else text, page))


def _ner_mentions(text: str, page: int, settings: Settings | None) -> list[Mention]:
    if settings is None or not settings.ner_model_dir:
        return []
    from nlp.ner import ner_mentions

    return ner_mentions(text, settings.ner_model_dir, page)
