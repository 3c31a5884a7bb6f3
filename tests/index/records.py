"""Small hand-built ExtractedDocument/Analysis records for the index tests (no OCR needed)."""

from __future__ import annotations

import hashlib

from athar.records import (
    Analysis,
    Event,
    ExtractedDocument,
    Mention,
    OcrPage,
    Person,
    Preprocessing,
    SourceDocument,
)


def sha(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def page(sha256: str, number: int, text: str) -> OcrPage:
    return OcrPage(
        sha256=sha256,
        page=number,
        text=text,
        words=(),
        confidence=88.0,
        preprocessing=Preprocessing(),
        engine="tesseract 5.3.0",
        model="ara (best_int)",
    )


def mention(kind: str, text: str, page_text: str, *, page: int = 1, value: str | None = None) -> Mention:
    start = page_text.index(text)
    return Mention(kind, text, start, start + len(text), value=value, page=page)


def document(
    label: str,
    texts: list[str],
    *,
    doc_type: str = "prison_register",
    entities: tuple[Mention, ...] = (),
    persons: tuple[Person, ...] = (),
) -> ExtractedDocument:
    digest = sha(label)
    return ExtractedDocument(
        document=SourceDocument(
            source=f"{label}.pdf",
            sha256=digest,
            size=1000,
            media_type="application/pdf",
            page_count=len(texts),
        ),
        pages=tuple(page(digest, i + 1, t) for i, t in enumerate(texts)),
        analysis=Analysis(doc_type=doc_type, doc_type_confidence=0.9, entities=entities, persons=persons),
    )


def person(
    name: str,
    *,
    mother: str | None = None,
    born: str | None = None,
    place: str | None = None,
    page: int = 1,
    start: int = 0,
    events: tuple[Event, ...] = (),
) -> Person:
    return Person(
        name=name,
        mother=mother,
        birth_date=born,
        birth_place=place,
        page=page,
        start=start,
        end=start + len(name),
        events=events,
    )
