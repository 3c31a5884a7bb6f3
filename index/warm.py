"""Warm a freshly started search node before the first real batch reaches it.

A new node runs its indexing and search code for the first time and compiles it as it goes
(the JVM's JIT): on this machine the first 96-page batch cost the node 2.3 CPU-s, the same
batch once warm 0.9 (`bench/pipeline.py`, node CPU). `athar up` starts the node before
anything is dropped, so that cost is paid there, while the machine is idle, instead of by the
first scans, which share two cores with OCR.

The warm-up writes made-up records (no real data) to scratch indices with the real analysers
and mappings (``{prefix}-warmup-…``), searches them the way researchers do, and deletes them
and their templates again.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from athar.arabic import normalize_arabic, skeleton
from athar.records import (
    Analysis,
    Event,
    ExtractedDocument,
    Mention,
    NameKeys,
    OcrPage,
    Person,
    Preprocessing,
    SourceDocument,
)
from athar.settings import Settings
from index.client import engine_errors
from index.load import load
from index.query import person, search
from index.schema import KINDS, alias_name, ensure_indices

log = logging.getLogger(__name__)

# Made-up names and places only; the warm-up never sees real records.
_FIRST = ("سامي", "عادل", "ناصر", "فادي", "بشير", "كريم", "هاني", "وليد")
_FAMILY = ("الأمين", "السالم", "الناصر", "العبد", "الراشد", "الحسيني")
_MOTHER = ("نادية", "هالة", "رنا", "دعاء", "لمى")
_PLACES = ("دمشق", "حلب", "حمص", "حماة", "درعا", "إدلب")
_MONTHS = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران")


@dataclass(frozen=True)
class WarmUp:
    """What a warm-up did: documents loaded, searches run, seconds taken."""

    documents: int
    searches: int
    seconds: float


def _keys(name: str) -> NameKeys:
    return NameKeys(normalize_arabic(name), skeleton(name), ())


def _document(number: int, rows: int = 5) -> ExtractedDocument:
    sha = hashlib.sha256(f"athar-warmup-{number}".encode()).hexdigest()
    lines, persons, entities = [f"سجل رقم {number}"], [], []
    for row in range(rows):
        k = number * rows + row
        name = f"{_FIRST[k % len(_FIRST)]} {_FIRST[(k // 3) % len(_FIRST)]} {_FAMILY[k % len(_FAMILY)]}"
        mother = _MOTHER[k % len(_MOTHER)]
        place = _PLACES[k % len(_PLACES)]
        year = 1960 + k % 40
        date = f"{1 + k % 28} {_MONTHS[k % len(_MONTHS)]} {2011 + k % 8}"
        line = f"{row + 1} {name} والدته {mother} تولد {place} {year} أوقف بتاريخ {date}"
        start = sum(len(x) + 1 for x in lines) + len(f"{row + 1} ")
        lines.append(line)
        persons.append(
            Person(
                name=name,
                mother=mother,
                birth_date=str(year),
                birth_place=place,
                events=(Event("arrest", f"{2011 + k % 8}", place),),
                page=1,
                start=start,
                end=start + len(name),
                name_keys=_keys(name),
            )
        )
        entities.append(Mention("LOCATION", place, start, start + len(place), value=place, page=1))
    text = "\n".join(lines)
    page = OcrPage(sha, 1, text, (), 90.0, Preprocessing(), "warm-up", "none")
    source = SourceDocument(f"warmup/{number}.png", sha, len(text), "image/png", 1)
    return ExtractedDocument(
        source, (page,), analysis=Analysis("prison_register", 0.9, tuple(entities), tuple(persons))
    )


def warm_node(client: Any, settings: Settings, *, rounds: int = 4, documents: int = 24) -> WarmUp:
    """Load and search made-up records in scratch indices, then remove them; returns what was done."""
    began = time.monotonic()
    scratch = settings.with_(index_prefix=f"{settings.index_prefix}-warmup-{uuid.uuid4().hex[:8]}")
    loaded = searches = 0
    try:
        ensure_indices(client, scratch)
        for r in range(rounds):
            batch = [_document(r * documents + i) for i in range(documents)]
            load(client, scratch, batch, refresh=True, prune=True)
            loaded += len(batch)
            for i in range(3):
                k = r * 7 + i
                search(client, f"{_FAMILY[k % len(_FAMILY)]} {_PLACES[k % len(_PLACES)]}", settings=scratch)
                person(
                    client,
                    f"{_FIRST[k % len(_FIRST)]} {_FAMILY[k % len(_FAMILY)]}",
                    settings=scratch,
                    mother=_MOTHER[k % len(_MOTHER)],
                    born=1960 + k,
                )
                searches += 2
    finally:
        _remove(client, scratch)
    took = WarmUp(loaded, searches, time.monotonic() - began)
    log.info("search node warmed: %d made-up documents, %d searches, %.1f s", loaded, searches, took.seconds)
    return took


def _remove(client: Any, scratch: Settings) -> None:
    with engine_errors():
        for kind in KINDS:
            alias = alias_name(scratch, kind)
            client.indices.delete(index=f"{alias}-v*", ignore=[404])
            client.indices.delete_index_template(name=alias, ignore=[404])
