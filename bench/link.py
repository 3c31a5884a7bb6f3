"""Linking benchmark: person mentions recurring across documents -> dossiers.

    python bench/link.py [--people 6000] [--persons 100000] [--store memory|sqlite] [--ocr-pages N]

Quality (on generated documents, bench/link_data.py; the linking rules were written before this
generator and not tuned on its held-out seeds): harmful merges (dossiers holding two people; namesake
and brother traps merged), pairwise precision and recall of automatic links, B-cubed F1, and how many
of the joins not made automatically the review queue asks. Three noise levels: text as written, and
OCR-like substitutions at clean-scan and degraded-scan rates. ``--ocr-pages`` also renders register
pages of recurring persons, reads them with the real OCR and NLP stages, and links what they found.

Speed and memory (ratios, never asserted): linking ``--persons`` mentions document by document against
a baseline measured in the same run (computing their blocking keys, the least any blocker does);
linking one 10-page document into the full store against linking it into an empty one (flat means
incremental); peak memory linking 1/10 of the persons against all of them, each in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.link_data import Document, documents, identities
from bench.link_metrics import LinkScore, rss_mib, score
from link.blocking import block_keys
from link.cluster import pending
from link.engine import LinkStore, link_batch
from link.memory import MemoryStore

DEV_SEED = 20261204  # the seed looked at while the rules were written (and adjusted: see README)
HELD_OUT_SEED = 40961  # never looked at before the reported run: the headline figures


def make_store(kind: str, where: Path | None = None) -> Any:
    """A link store: in memory, or the application's SQLite store in ``where``."""
    if kind == "memory":
        return MemoryStore()
    from app.dossier_store import DossierStore  # the application layer's SQL store

    assert where is not None
    return DossierStore.sqlite(where / "athar.db")


def link_all(store: LinkStore, docs: Sequence[Document]) -> float:
    """Link document after document; returns the seconds it took."""
    began = time.perf_counter()
    for doc in docs:
        link_batch(store, doc.mentions)
        if hasattr(store, "assigned"):
            store.assigned.clear()  # the application writes these to the index after each batch
    return time.perf_counter() - began


def review_pairs(store: Any) -> list[tuple[str, str]]:
    """The review queue of a store, as mention pairs."""
    pairs = store.review_pairs()
    dossiers = store.dossiers_of({i for p in pairs for i in (p.a, p.b)})
    judged = store.all_judgements() if hasattr(store, "all_judgements") else store.history
    return [(p.a, p.b) for p in pending(pairs, dossiers.get, judged)]


def quality(people: int, ocr: str, store_kind: str, seed: int) -> LinkScore:
    idents = identities(people, seed)
    docs = documents(idents, seed, ocr)
    truth = {m.id: key for d in docs for m, key in zip(d.mentions, d.truth, strict=True)}
    traps = [(i.key, int(i.trap.split(":")[1])) for i in idents if i.trap]
    with tempfile.TemporaryDirectory(prefix="athar-bench-link-") as tmp:
        store = make_store(store_kind, Path(tmp))
        link_all(store, docs)
        assignment = store.dossiers_of(truth)
        return score(truth, assignment, traps, review_pairs(store))


def speed(persons: int, store_kind: str) -> dict[str, float]:
    """Seconds to link ``persons`` mentions, the baseline, and one 10-page document's increment."""
    people = max(1, int(persons / 2.4))  # about 2.4 mentions per generated person
    docs = documents(identities(people, 7), 7, "clean")
    mentions = [m for d in docs for m in d.mentions]
    while len(mentions) > persons:
        docs.pop()
        mentions = [m for d in docs for m in d.mentions]
    began = time.perf_counter()
    for m in mentions:
        block_keys(m)
    baseline = time.perf_counter() - began
    extra = documents(identities(400, 8), 8, "clean")
    tenpage = next(d for d in extra if d.doc_type == "prison_register" and d.pages >= 6)
    with tempfile.TemporaryDirectory(prefix="athar-bench-link-") as tmp:
        empty = make_store(store_kind, Path(tmp) / "empty")
        began = time.perf_counter()
        link_batch(empty, tenpage.mentions)
        alone = time.perf_counter() - began
        store = make_store(store_kind, Path(tmp) / "full")
        total = link_all(store, docs)
        began = time.perf_counter()
        link_batch(store, tenpage.mentions)
        increment = time.perf_counter() - began
    return {
        "mentions": len(mentions),
        "documents": len(docs),
        "link_s": total,
        "baseline_s": baseline,
        "doc_mentions": len(tenpage.mentions),
        "doc_pages": tenpage.pages,
        "doc_alone_s": alone,
        "doc_full_s": increment,
    }


def memory_child(persons: int, store_kind: str) -> None:
    """In a fresh process: link ``persons`` mentions, print peak RSS (MiB) as JSON."""
    people = max(1, int(persons / 2.4))
    docs = documents(identities(people, 9), 9, "clean")
    base = rss_mib()
    with tempfile.TemporaryDirectory(prefix="athar-bench-link-") as tmp:
        store = make_store(store_kind, Path(tmp))
        while docs:  # generated documents are dropped as they are linked, as intake does
            link_batch(store, docs.pop().mentions)
            if hasattr(store, "assigned"):
                store.assigned.clear()  # the application writes these to the index after each batch
    print(json.dumps({"persons": persons, "rss": rss_mib(), "base": base}))


def memory(persons: int, store_kind: str) -> tuple[dict[str, float], dict[str, float]]:
    runs = []
    for n in (persons // 10, persons):
        out = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(n), "--store", store_kind],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    return runs[0], runs[1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=6000, help="generated people for the quality runs")
    parser.add_argument("--persons", type=int, default=100_000, help="mentions for the speed run")
    parser.add_argument("--store", choices=("memory", "sqlite"), default="sqlite")
    parser.add_argument("--ocr-pages", type=int, default=0, help="also link OCR of this many rendered pages")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-quality", action="store_true", help="no generated-text quality runs")
    parser.add_argument("--dev", action="store_true", help="the development seed instead of the held-out one")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child, args.store)
        return 0
    seed = DEV_SEED if args.dev else HELD_OUT_SEED
    label = "development" if args.dev else "held-out"
    print(f"store: {args.store}; {label} seed {seed}; {args.people} generated people")
    for level in () if args.skip_quality else ("text", "clean", "degraded"):
        result = quality(args.people, level, args.store, seed)
        print(f"\n== quality, {level} ==")
        for label, value in result.rows():
            print(f"  {label:34} {value}")
    if args.ocr_pages:
        from bench.link_ocr import run as ocr_run

        for degraded in (False, True):
            kind = "degraded" if degraded else "clean"
            print(f"\n== quality, real OCR of {args.ocr_pages} rendered pages, {kind} ==")
            result, counts = ocr_run(args.ocr_pages, degraded=degraded)
            print(
                f"  {counts['pages']} pages, {counts['rows']} persons written, "
                f"{counts['read']} records read, {counts['matched']} matched to a written row"
            )
            for label, value in result.rows():
                print(f"  {label:34} {value}")
    if args.skip_speed:
        return 0
    s = speed(args.persons, args.store)
    print(f"\n== speed, {s['mentions']:.0f} mentions in {s['documents']:.0f} documents ==")
    rate = s["mentions"] / s["link_s"]
    print(f"  link all, document by document   {s['link_s']:.1f} s ({rate:.0f} mentions/s)")
    ratio = s["link_s"] / s["baseline_s"]
    print(f"  baseline: blocking keys only     {s['baseline_s']:.2f} s  -> ratio {ratio:.1f}x")
    print(
        f"  one {s['doc_pages']:.0f}-page document ({s['doc_mentions']:.0f} mentions): "
        f"{s['doc_full_s'] * 1000:.0f} ms into the full store, "
        f"{s['doc_alone_s'] * 1000:.0f} ms into an empty one "
        f"-> ratio {s['doc_full_s'] / s['doc_alone_s']:.2f}"
    )
    small, big = memory(args.persons, args.store)
    print("\n== memory (peak RSS, fresh process each) ==")
    print(
        f"  {small['persons']} persons {small['rss']:.0f} MiB, {big['persons']} persons {big['rss']:.0f} MiB "
        f"-> ratio {big['rss'] / small['rss']:.2f} (10x the persons)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
