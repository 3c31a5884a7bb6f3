"""Search benchmark: bulk indexing speed, query latency and person-search recall on generated records.

    .venv/bin/python bench/search.py --pages 20000 --rows 2      # 20k pages, 40k persons
    .venv/bin/python bench/search.py --pages 100000 --rows 2     # the issue's 100k pages / 200k persons

Starts the embedded node on a free port in a temporary directory (or uses --url), generates record pages with
tests/synth.py (fictional people, real places), loads them with index.load.load, then measures:
- bulk pages/s (documents + pages + persons in one stream) and, as the in-run baseline, pages/s of the same
  texts bulk-loaded into a plain index with the engine's default mapping (ratio = ours / baseline);
- full-text query latency p50/p95 (client side, through index.query.search) and the latency of match_all as
  the baseline;
- person-search latency p50/p95 and recall@5 for exact names, spelling variants with the mother's name, and
  Latin transliterations from a hand-written table (independent of the romanizer that made the indexed
  Latin variants). Names come from small pools, so namesakes exist: a query counts as found when a top-5 hit
  has the target's name (and, when the mother was given, the same mother); "strict" counts only the exact
  target record.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from athar.arabic import normalize_arabic
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
from athar.settings import load_settings
from tests.synth import DOC_TYPES, TruthPage, make_page

# Hand-written Levantine/English spellings of the generator's name pools, one or more per name.
LATIN = {
    "محمد": ["Mohammad", "Muhammad", "Mohamed"],
    "أحمد": ["Ahmad", "Ahmed"],
    "خالد": ["Khaled", "Khalid"],
    "عبد الرحمن": ["Abdulrahman", "Abd al-Rahman", "Abdelrahman"],
    "محمد خير": ["Mohammad Kheir", "Mhd Khair"],
    "سيف الدين": ["Saif al-Din", "Seifeddin"],
    "عمر": ["Omar", "Umar"],
    "يوسف": ["Youssef", "Yusuf"],
    "إبراهيم": ["Ibrahim", "Ebrahim"],
    "حسن": ["Hassan", "Hasan"],
    "حسين": ["Hussein", "Husain"],
    "علي": ["Ali"],
    "مصطفى": ["Mustafa", "Moustafa"],
    "عبد الله": ["Abdullah", "Abdallah"],
    "عبد القادر": ["Abdulqader", "Abdel Kader"],
    "سامر": ["Samer"],
    "ماهر": ["Maher"],
    "باسل": ["Basel", "Bassel"],
    "وائل": ["Wael", "Wa'il"],
    "رامي": ["Rami"],
    "أيمن": ["Ayman", "Aiman"],
    "فراس": ["Firas", "Feras"],
    "نزار": ["Nizar", "Nezar"],
    "غسان": ["Ghassan"],
    "مازن": ["Mazen", "Mazin"],
    "طارق": ["Tarek", "Tariq"],
    "زياد": ["Ziad", "Ziyad"],
    "جمال": ["Jamal", "Gamal"],
    "كمال": ["Kamal"],
    "عبد الكريم": ["Abdulkarim"],
    "محمود": ["Mahmoud", "Mahmud"],
    "ياسر": ["Yasser", "Yasir"],
    "أنس": ["Anas"],
    "معاذ": ["Moaz", "Muadh"],
    "عماد": ["Imad", "Emad"],
    "نور الدين": ["Nour al-Din", "Nureddin"],
    "عبد السلام": ["Abdulsalam"],
    "هيثم": ["Haitham", "Haytham"],
    "بلال": ["Bilal", "Belal"],
    "حمزة": ["Hamza", "Hamzeh"],
    "سليمان": ["Suleiman", "Sleiman"],
    "عبد الرزاق": ["Abdulrazzaq", "Abdel Razak"],
    "صالح": ["Saleh", "Salih"],
    "إسماعيل": ["Ismail", "Ismael"],
    "موسى": ["Mousa", "Musa"],
    "عيسى": ["Issa", "Eissa"],
    "رضوان": ["Radwan", "Ridwan"],
    "عبد الحميد": ["Abdulhamid", "Abdel Hamid"],
    "فايز": ["Fayez", "Faiz"],
    "نايف": ["Nayef", "Naif"],
    "سعيد": ["Said", "Saeed"],
    "الخطيب": ["al-Khatib", "Alkhatib"],
    "العلي": ["al-Ali", "Alali"],
    "الحموي": ["al-Hamwi", "Hamawi"],
    "الحمصي": ["al-Homsi", "Homsi"],
    "الحلبي": ["al-Halabi", "Halabi"],
    "الشامي": ["al-Shami", "Shami"],
    "الأحمد": ["al-Ahmad", "Alahmad"],
    "الحسن": ["al-Hassan", "Alhasan"],
    "الزعبي": ["al-Zoubi", "Al Zoubi"],
    "المحمد": ["al-Mohammad", "Almohamad"],
    "الدرويش": ["al-Darwish", "Darwish"],
    "الشيخ": ["al-Sheikh", "Sheikh"],
    "القاسم": ["al-Qasem", "Alkassem"],
    "النعسان": ["al-Naasan", "Nasan"],
    "حداد": ["Haddad"],
    "عثمان": ["Othman", "Osman"],
    "البكري": ["al-Bakri", "Bakri"],
    "العمر": ["al-Omar", "Alomar"],
    "الجاسم": ["al-Jasem", "Jassem"],
    "الرفاعي": ["al-Rifai", "Refai"],
    "الكردي": ["al-Kurdi", "Kurdi"],
    "الإدلبي": ["al-Idlibi", "Edlibi"],
    "السعدي": ["al-Saadi", "Saadi"],
    "المصري": ["al-Masri", "Masri"],
    "الحوراني": ["al-Hourani", "Hourani"],
    "الديري": ["al-Deiri", "Deiri"],
    "الطويل": ["al-Tawil", "Taweel"],
    "قباني": ["Kabbani", "Qabbani"],
    "الخالد": ["al-Khaled", "Alkhalid"],
}


def _latin(name: str, rng: random.Random) -> str | None:
    words, out, i = name.split(), [], 0
    while i < len(words):
        two = " ".join(words[i : i + 2])
        if two in LATIN:
            out.append(rng.choice(LATIN[two]))
            i += 2
        elif words[i] in LATIN:
            out.append(rng.choice(LATIN[words[i]]))
            i += 1
        else:
            return None
    return " ".join(out)


_DIACRITICS = "\u064e\u064f\u0650\u0651\u0652"


def _variant(text: str, rng: random.Random) -> str:
    """A plausible other spelling: hamza dropped, ة/ه and ى/ي swapped, tatweel/diacritics, عبد joined."""
    out = text.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
    out = out.replace("ة", "ه").replace("ى", "ي")
    out = out.replace("عبد ال", "عبدال") if rng.random() < 0.5 else out
    chars = list(out)
    for _ in range(2):
        j = rng.randrange(len(chars))
        if "\u0621" <= chars[j] <= "\u064a":
            chars[j] += rng.choice(["ـ", rng.choice(_DIACRITICS)])
    return "".join(chars)


def _record(doc_index: int, pages: list[TruthPage], doc_type: str) -> ExtractedDocument:
    sha = hashlib.sha256(f"bench-{doc_index}".encode()).hexdigest()
    ocr_pages, entities, persons = [], [], []
    for number, truth in enumerate(pages, 1):
        text = truth.text
        ocr_pages.append(OcrPage(sha, number, text, (), 90.0, Preprocessing(), "synthetic", "none"))
        for written, value in truth.dates:
            start = max(0, text.find(written))
            entities.append(Mention("DATE", written, start, start + len(written), value=value, page=number))
        for written, value in truth.places:
            start = max(0, text.find(written))
            entities.append(
                Mention("LOCATION", written, start, start + len(written), value=value, page=number)
            )
        cursor = 0
        for p in truth.persons:
            start = text.find(p.name, cursor)
            start = start if start >= 0 else cursor + 1
            cursor = start + len(p.name)
            persons.append(
                Person(
                    name=p.name,
                    first=p.first,
                    father=p.father,
                    grandfather=p.grandfather,
                    family=p.family,
                    mother=p.mother,
                    birth_date=p.birth_date,
                    birth_place=p.birth_place,
                    national_id=p.national_id,
                    events=tuple(Event(e.type, e.date, e.place) for e in p.events),
                    page=number,
                    start=start,
                    end=start + len(p.name),
                )
            )
    document = SourceDocument(f"bench/{doc_index}.pdf", sha, 1, "application/pdf", len(pages))
    analysis = Analysis(doc_type, 0.9, tuple(entities), tuple(persons))
    return ExtractedDocument(document, tuple(ocr_pages), analysis=analysis)


def corpus(n_pages: int, rows: int, per_doc: int = 10) -> Iterator[ExtractedDocument]:
    for doc_index in range((n_pages + per_doc - 1) // per_doc):
        doc_type = DOC_TYPES[doc_index % len(DOC_TYPES)]
        count = min(per_doc, n_pages - doc_index * per_doc)
        pages = [make_page(doc_index * per_doc + i, doc_type, rows=rows) for i in range(count)]
        yield _record(doc_index, pages, doc_type)


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) >= 2 else values[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=20000)
    ap.add_argument("--rows", type=int, default=2, help="persons per page (synthetic table rows)")
    ap.add_argument("--queries", type=int, default=300, help="full-text queries for latency")
    ap.add_argument("--targets", type=int, default=300, help="persons searched per recall test")
    ap.add_argument("--url", help="use this engine instead of starting the embedded node")
    ap.add_argument("--heap", default="1g")
    args = ap.parse_args()

    from index import node
    from index.client import make_client
    from index.load import load
    from index.query import person, search

    settings = load_settings().with_(index_prefix=f"bench{random.randrange(10**6)}")
    node_dir = None
    if args.url:
        settings = settings.with_(search_url=args.url)
    else:
        node_dir = Path(tempfile.mkdtemp(prefix="athar-bench-node-"))
        status = node.start(settings, node_dir=node_dir, port=node.free_port(), heap=args.heap)
        settings = settings.with_(search_url=status.url)
        print(f"embedded node at {status.url}, heap {args.heap}")
    client = make_client(settings, timeout=120)
    try:
        return run(args, settings, client, load, search, person)
    finally:
        client.indices.delete(index=f"{settings.index_prefix}-*", ignore_unavailable=True)
        client.indices.delete(index="bench-baseline-*", ignore_unavailable=True)
        if node_dir is not None:
            node.stop(settings, node_dir=node_dir)


def run(args: Any, settings: Any, client: Any, load: Any, search: Any, person: Any) -> int:
    from opensearchpy import helpers

    from index.schema import ensure_indices

    print(f"generating and loading {args.pages} pages, {args.rows} persons per page ...")
    ensure_indices(client, settings)  # index creation is not part of the bulk rate
    baseline_index = f"bench-baseline-{settings.index_prefix}"
    client.indices.create(
        index=baseline_index, body={"settings": {"number_of_shards": 1, "number_of_replicas": 0}}
    )
    t0 = time.perf_counter()
    report = load(client, settings, corpus(args.pages, args.rows), refresh=True, prune=False)
    ours = time.perf_counter() - t0
    print(
        f"loaded {report.documents} documents, {report.pages} pages, {report.persons} persons "
        f"in {ours:.1f} s ({len(report.failures)} failures)"
    )
    # Baseline: the same page texts into a plain index (default mapping), same client and chunking.
    t0 = time.perf_counter()
    plain = (
        {"_index": baseline_index, "_id": f"{d.document.sha256}:{p.page}", "_source": {"text": p.text}}
        for d in corpus(args.pages, args.rows)
        for p in d.pages
    )
    for _ in helpers.streaming_bulk(client, plain, chunk_size=500, request_timeout=120):
        pass
    client.indices.refresh(index=baseline_index)
    base = time.perf_counter() - t0
    ours_rate, base_rate = report.pages / ours, report.pages / base
    print(
        f"bulk: {ours_rate:,.0f} pages/s (with their persons); baseline plain pages "
        f"{base_rate:,.0f} pages/s; ratio {ours_rate / base_rate:.2f}"
    )

    rng = random.Random(7)
    from tests import synth_data as data

    words = [*data.FAMILY, *data.MOTHER, *(p for p, _ in data.PLACES), "سجن صيدنايا", "الفرع", "وفاة"]
    latencies, took = [], []
    for i in range(args.queries):
        q = rng.choice(words)
        q = f'"{q}"' if " " in q else q
        kw: dict[str, Any] = {}
        if i % 3 == 1:
            kw["doc_type"] = rng.choice(DOC_TYPES)
        if i % 3 == 2:
            kw["date_from"], kw["date_to"] = "2012", "2016"
        t0 = time.perf_counter()
        search(client, q, settings=settings, **kw)
        latencies.append((time.perf_counter() - t0) * 1000)
    for _ in range(args.queries):
        t0 = time.perf_counter()
        r = client.search(
            index=f"{settings.index_prefix}-pages", body={"query": {"match_all": {}}, "size": 10}
        )
        took.append((time.perf_counter() - t0) * 1000)
        del r
    print(
        f"full-text query latency: p50 {pct(latencies, 50):.1f} ms, p95 {pct(latencies, 95):.1f} ms; "
        f"baseline match_all p50 {pct(took, 50):.1f} ms, p95 {pct(took, 95):.1f} ms; "
        f"p95 ratio {pct(latencies, 95) / pct(took, 95):.1f}"
    )

    # Person recall: targets drawn from the generated pages.
    targets = []
    pages_per_target = max(1, args.pages // args.targets)
    for k in range(args.targets):
        page_no = min(args.pages - 1, k * pages_per_target + rng.randrange(pages_per_target))
        doc_index = page_no // 10
        truth = make_page(page_no, DOC_TYPES[doc_index % len(DOC_TYPES)], rows=args.rows)
        if truth.persons:
            targets.append(rng.choice(truth.persons))
    person_ms: list[float] = []

    def recall(make_query: Any) -> tuple[float, float, int]:
        found = strict = asked = 0
        for t in targets:
            query = make_query(t)
            if query is None:
                continue
            name, kw = query
            t0 = time.perf_counter()
            hits = person(client, name, settings=settings, size=5, **kw)
            person_ms.append((time.perf_counter() - t0) * 1000)
            asked += 1
            same = [
                h
                for h in hits
                if normalize_arabic(h.name) == normalize_arabic(t.name)
                and (
                    "mother" not in kw or normalize_arabic(h.mother or "") == normalize_arabic(t.mother or "")
                )
            ]
            found += bool(same)
            strict += any(h.birth_date == t.birth_date and h.national_id == t.national_id for h in same)
        return found / max(asked, 1), strict / max(asked, 1), asked

    exact = recall(lambda t: (t.name, {}))
    variants = recall(
        lambda t: (_variant(t.name, rng), {"mother": _variant(t.mother, rng)} if t.mother else {})
    )
    latin = recall(lambda t: (lambda s: (s, {}) if s else None)(_latin(t.name, rng)))
    for label, (r, s, n), target in (
        ("exact names", exact, 0.95),
        ("variants + mother", variants, 0.9),
        ("Latin", latin, 0.8),
    ):
        print(f"person recall@5 {label}: {r:.3f} (strict: same record {s:.3f}; {n} queries; target {target})")
    print(f"person query latency: p50 {pct(person_ms, 50):.1f} ms, p95 {pct(person_ms, 95):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
