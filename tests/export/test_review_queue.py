"""The word review queue over many documents: every document, ranked by what a fix matters for, paged,
one indexed query per page (the query plan is checked, not the time)."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from pathlib import Path

from app import corrections
from app.review_store import PAGE_SQL
from athar.records import Analysis, Mention, OcrPage, OcrWord, Person, Preprocessing, join_words
from athar.settings import Settings, load_settings

DOCUMENTS = 2000
LINES = (("محمد", "علي", "والدته", "سهام", "مواليد", "1980"), ("نقل", "إلى", "حماة"))


def _document(n: int, rng: random.Random) -> tuple[str, OcrPage, Analysis]:
    sha = f"{n:064x}"
    words: list[OcrWord] = []
    for line, tokens in enumerate(LINES):
        for i, token in enumerate(tokens):
            x1 = 1600 - 150 * i
            words.append(
                OcrWord(
                    token,
                    round(rng.uniform(20, 95), 1),
                    (x1 - 120, 100 + 80 * line, x1, 160 + 80 * line),
                    line,
                )
            )
    text, spans = join_words(words)
    page = OcrPage(sha, 1, text, tuple(words), 60.0, Preprocessing(), "tesseract 5", "ara", 1700, 2400)
    person = Person("محمد علي", mother="سهام", birth_date="1980", page=1, start=0, end=spans[5][1])
    place = Mention("LOCATION", "حماة", spans[8][0], spans[8][1], page=1)
    return sha, page, Analysis(persons=(person,), entities=(place,))


def _settings(tmp_path: Path) -> Settings:
    return load_settings().with_(data_dir=tmp_path / "var")


def test_the_queue_covers_every_document_ranked_and_paged(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    settings.data_dir.mkdir(parents=True)
    rng = random.Random(17)
    pages: dict[str, OcrPage] = {}
    analyses: dict[str, Analysis] = {}
    for n in range(DOCUMENTS):  # in processing order: document 0 is the oldest
        sha, page, analysis = _document(n, rng)
        if n == 0:  # the oldest document holds the worst-read mother's name of the archive
            words = list(page.words)
            words[3] = replace(words[3], conf=1.0)
            page = replace(page, words=tuple(words))
        pages[sha], analyses[sha] = page, analysis
        corrections.refresh_review(settings, sha, {1: page}, analysis, engine={1: page})

    everything = corrections.review_queue(settings, limit=10**6)
    expected = sum(w.conf < corrections.LOW_CONFIDENCE for p in pages.values() for w in p.words)
    assert len(everything) == expected == corrections.review_size(settings)["words"]
    assert {i["sha256"] for i in everything} == set(pages)  # not only the newest documents
    ranks = [(i["priority"], i["conf"]) for i in everything]
    assert ranks == sorted(ranks)
    first = everything[0]
    assert (first["sha256"], first["word"], first["role"], first["conf"]) == (f"{0:064x}", 3, "mother", 1.0)
    roles = {(i["word"], i["role"]) for i in everything}
    assert roles <= {(0, "name"), (1, "name"), (2, "person"), (3, "mother"), (4, "person"),
                     (5, "birth_date"), (6, "other"), (7, "other"), (8, "place")}  # fmt: skip
    order = [r for r in ("mother", "name", "birth_date", "person", "place", "other") if any(
        i["role"] == r for i in everything)]  # fmt: skip
    assert [i["role"] for i in everything if i["role"] in order] == sorted(
        (i["role"] for i in everything), key=order.index
    )

    paged: list[dict[str, object]] = []  # pages of 50 give the same queue
    offset = 0
    while batch := corrections.review_queue(settings, limit=50, offset=offset):
        paged += batch
        offset += 50
    assert paged == everything

    # a page is one indexed scan in rank order: no sort of the whole table
    with sqlite3.connect(settings.data_dir / "athar.db") as db:
        plan = " ".join(str(r[-1]) for r in db.execute("EXPLAIN QUERY PLAN " + PAGE_SQL, (50, 500)))
    assert "review_words_rank" in plan and "TEMP B-TREE" not in plan

    # a correction takes its word out of the queue (the corrected word reads at 100)
    sha = first["sha256"]
    human = corrections.overlay.HUMAN_CONF
    words = tuple(replace(w, conf=human) if i == 3 else w for i, w in enumerate(pages[sha].words))
    fixed = replace(pages[sha], words=words)
    corrections.refresh_review(settings, sha, {1: fixed}, analyses[sha], engine={1: pages[sha]})
    top = corrections.review_queue(settings, limit=1)[0]
    assert (top["sha256"], top["word"]) != (sha, 3)
    assert corrections.review_size(settings)["words"] == expected - 1


def test_documents_indexed_before_the_queue_are_scanned_and_then_no_longer_listed(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    settings.data_dir.mkdir(parents=True)
    assert corrections.review_size(settings) == {"words": 0, "unscanned": 0}  # nothing indexed
    assert corrections.backfill_review(settings) == 0
    assert corrections.review_queue(settings) == []
