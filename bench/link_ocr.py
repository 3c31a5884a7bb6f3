"""Linking measured on real OCR: pages of recurring persons drawn, read and analysed by Athar's stages.

The persons of bench/link_data.py (namesakes and brothers included) are written into prison-register
and transfer-list pages (6 rows each), court records and death reports, in the layouts Athar reads,
drawn by tests/synth.py's renderer (optionally degraded), recognised by the OCR stage, analysed by the
NLP stage, and linked. Each person record the NLP stage found is matched to the row it was read from
(same page, closest name, similarity >= 80); records matching no row are noise of their own identity.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from athar.arabic import normalize_arabic
from bench.link_data import Identity, identities, mention_of
from bench.link_metrics import LinkScore, score
from link.cluster import pending
from link.engine import link_batch
from link.memory import MemoryStore
from tests import synth

SEED = 51515  # its own seed: not the quality runs' development or held-out seed
PAGES_PER_PERSON = 1.46  # 2.5 appearances a person; registers and lists hold 6, reports one
ROWS = 6
MATCH = 80  # name similarity (rapidfuzz ratio) for a read record to count as a written row
PLACE_AR = {
    "place:damascus": "دمشق",
    "place:aleppo": "حلب",
    "place:homs": "حمص",
    "place:hama": "حماة",
    "place:daraa": "درعا",
    "place:idlib": "إدلب",
}
PRISONS = ("سجن صيدنايا العسكري", "سجن عدرا المركزي", "سجن تدمر العسكري", "الفرع 215")


def _row_text(rng: random.Random, ident: Identity, doc_type: str) -> dict[str, str]:
    m = mention_of(rng, ident, doc_type, "x", "x", 1, "text")  # spelling variants, no OCR-like noise
    return {
        "name": m.name,
        "first": m.first or m.name.split()[0],
        "father": m.father or [*m.name.split(), ""][1],
        "family": m.family or m.name.split()[-1],
        "mother": m.mother or "",
        "year": m.birth_date or "",
        "place": PLACE_AR[ident.birth_place],
        "nid": m.national_id or "",
    }


def _page(
    rng: random.Random, doc_type: str, people: list[Identity]
) -> tuple[synth.TruthPage, list[dict[str, str]]]:
    rows = [_row_text(rng, p, doc_type) for p in people]
    layout: list[object] = []
    day = f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(2012, 2018)}"
    if doc_type == "prison_register":
        layout += ["الجمهورية العربية السورية", f"وزارة الداخلية - {rng.choice(PRISONS)}", "سجل الموقوفين"]
        layout.append(
            ("الرقم", "الاسم الثلاثي", "اسم الأم", "محل وتاريخ الولادة", "الرقم الوطني", "تاريخ التوقيف")
        )
        for i, r in enumerate(rows):
            layout.append((str(i + 1), r["name"], r["mother"], f"{r['place']} {r['year']}", r["nid"], day))
    elif doc_type == "transfer_list":
        layout += [
            "قائمة بأسماء الموقوفين المنقولين",
            f"من {PRISONS[0]} إلى {PRISONS[1]}",
            f"تاريخ النقل: {day}",
        ]
        layout.append(("الرقم", "الاسم", "اسم الأم", "التولد", "الرقم الوطني"))
        for i, r in enumerate(rows):
            layout.append((str(i + 1), r["name"], r["mother"], r["year"], r["nid"]))
    elif doc_type == "court_record":
        layout += ["الجمهورية العربية السورية", "محكمة الميدان العسكرية", f"بتاريخ {day} انعقدت المحكمة"]
        layout.append("للنظر في الدعوى المقامة على:")
        for r in rows:
            layout += [f"الاسم: {r['first']}", f"اسم الأب: {r['father']}", f"الشهرة: {r['family']}"]
            layout += [
                f"اسم الأم: {r['mother']}",
                f"تولد: {r['place']} {r['year']}",
                f"الرقم الوطني: {r['nid']}",
            ]
            layout.append("وحكمت عليه بالسجن مدة خمس سنوات.")
    else:
        r = rows[0]
        layout += ["مشفى تشرين العسكري", "تقرير طبي عن حالة وفاة", f"اسم المتوفى: {r['name']}"]
        layout += [
            f"اسم الأم: {r['mother']}",
            f"مواليد: {r['place']} {r['year']}",
            f"الرقم الوطني: {r['nid']}",
        ]
        layout += [f"تاريخ الوفاة: {day}", "سبب الوفاة: توقف القلب والتنفس"]
    lines = tuple(" ".join(x) if isinstance(x, tuple) else str(x) for x in layout)
    page = synth.TruthPage(doc_type, lines, (), (), (), (), "western", layout=tuple(layout))
    return page, rows


def _people(n_pages: int) -> int:
    return max(4, round(n_pages / PAGES_PER_PERSON))


def _pages(people: int) -> list[tuple[str, synth.TruthPage, list[dict[str, str]], list[int]]]:
    rng = random.Random(f"link-ocr:{SEED}")
    idents = identities(people, SEED, trap_share=0.15)
    by_type: dict[str, list[Identity]] = {
        t: [] for t in ("prison_register", "transfer_list", "court_record", "death_report")
    }
    for ident in idents:
        for doc_type in rng.sample(list(by_type), rng.choice((1, 2, 2, 3, 3, 4))):
            by_type[doc_type].append(ident)
    out = []
    for doc_type, members in by_type.items():
        rng.shuffle(members)
        size = {"prison_register": ROWS, "transfer_list": ROWS, "court_record": 1, "death_report": 1}[
            doc_type
        ]
        for start in range(0, len(members), size):
            chunk = members[start : start + size]
            page, rows = _page(rng, doc_type, chunk)
            out.append((doc_type, page, rows, [i.key for i in chunk]))
    rng.shuffle(out)
    return out


def _match(found: list[Any], rows: list[dict[str, str]], keys: list[int], fresh: list[int]) -> dict[str, int]:
    """Mention id -> identity: the closest written row (one to one), else a fresh identity of its own."""
    out: dict[str, int] = {}
    free = list(range(len(rows)))
    for m in found:
        best = max(
            free,
            key=lambda i: fuzz.ratio(normalize_arabic(m.name), normalize_arabic(rows[i]["name"])),
            default=None,
        )
        if (
            best is not None
            and fuzz.ratio(normalize_arabic(m.name), normalize_arabic(rows[best]["name"])) >= MATCH
        ):
            out[m.id] = keys[best]
            free.remove(best)
        else:
            fresh[0] -= 1
            out[m.id] = fresh[0]
    return out


def run(n_pages: int, *, degraded: bool, dump: Path | None = None) -> tuple[LinkScore, dict[str, int]]:
    """Draw about ``n_pages`` pages, read them with the OCR and NLP stages, link them, score; also
    counts of pages, rows written, records read and records matched to a row."""
    from app.dossiers import mentions_of
    from athar.records import ExtractedDocument
    from athar.settings import load_settings
    from nlp.analyze import analyze_pages
    from ocr.pipeline import extract_document

    settings = load_settings()
    pages = _pages(_people(n_pages))
    store = MemoryStore()
    truth: dict[str, int] = {}
    fresh = [0]
    written = 0
    with tempfile.TemporaryDirectory(prefix="athar-bench-link-ocr-") as tmp:
        for n, (_doc_type, page, rows, keys) in enumerate(pages):
            image = synth.render_page(page, seed=SEED + n, font="amiri")
            if degraded:
                kinds = [k for k in synth.DEGRADATIONS if k != "rotate"]
                image, _ = synth.degrade(image, kinds[n % len(kinds)], seed=SEED + n)
            path = Path(tmp) / f"p{n}.png"
            image.save(path, dpi=(300, 300))
            doc = extract_document(path, settings, work_dir=Path(tmp) / f"w{n}", jobs=1)
            doc = ExtractedDocument(doc.document, doc.pages, doc.failures, analyze_pages(doc.pages, settings))
            found = mentions_of(doc)
            written += len(rows)
            if dump is not None:
                with dump.open("a", encoding="utf-8") as out:
                    for m in found:
                        out.write(
                            json.dumps(
                                {"mention": m.to_json(), "rows": rows, "keys": keys}, ensure_ascii=False
                            )
                        )
                        out.write("\n")
            truth.update(_match(found, rows, keys, fresh))
            link_batch(store, found)
    traps = []
    for ident in identities(_people(n_pages), SEED, trap_share=0.15):
        if ident.trap:
            traps.append((ident.key, int(ident.trap.split(":")[1])))
    queue = pending(store.review_pairs(), store.dossier.get, store.history)
    result = score(truth, dict(store.dossier), traps, [(p.a, p.b) for p in queue])
    counts = {
        "pages": len(pages),
        "rows": written,
        "read": len(truth),
        "matched": sum(v >= 0 for v in truth.values()),
    }
    return result, counts
