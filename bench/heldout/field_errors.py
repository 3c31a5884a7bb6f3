"""Per-page errors of the non-person fields (dates, national IDs, document type), tunable splits only.

    .venv/bin/python bench/heldout/field_errors.py --split dev2 [--pages 60] [--mode ocr] [--context 30]

For each page: dates and IDs the truth has and the analysis missed, values found that the truth does not
have (with the OCR text around them), and a wrong document type with its score. The heldout split is
refused: it is reported by ``evaluate.py``, never inspected.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.heldout.evaluate import DEFAULT_CACHE, TUNABLE, ocr_all, prepare
from bench.heldout.score import EASTERN_TO_WESTERN


def _around(text: str, needle: str, width: int) -> str:
    k = text.find(needle)
    return "" if k < 0 else text[max(0, k - width) : k + len(needle) + width].replace("\n", " | ")


def page_errors(page, analysis, text: str, width: int) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    ents = analysis.entities
    got_d = Counter(m.value for m in ents if m.type == "DATE")
    want_d = Counter(iso for _s, iso in page.dates)
    for iso in (want_d - got_d).elements():
        surf = next(s for s, i in page.dates if i == iso)
        out.append(f"    date missed   {iso}  truth «{surf}»")
    for iso in (got_d - want_d).elements():
        m = next(m for m in ents if m.type == "DATE" and m.value == iso)
        out.append(f"    date spurious {iso}  «{m.text}»  ctx «{_around(text, m.text, width)}»")
    got_i = Counter((m.value or "").translate(EASTERN_TO_WESTERN) for m in ents if m.type == "NATIONAL_ID")
    want_i = Counter(page.national_ids)
    for v in (want_i - got_i).elements():
        out.append(f"    id missed     {v}")
    for v in (got_i - want_i).elements():
        ids = [m for m in ents if m.type == "NATIONAL_ID"]
        m = next(m for m in ids if (m.value or "").translate(EASTERN_TO_WESTERN) == v)
        out.append(f"    id spurious   {v}  ctx «{_around(text, m.text, width)}»")
    if analysis.doc_type != page.doc_type:
        out.append(f"    doctype {analysis.doc_type} ({analysis.doc_type_confidence}) want {page.doc_type}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from athar.settings import load_settings
    from nlp.analyze import analyze_pages, analyze_text

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", required=True)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mode", choices=("ocr", "text"), default="ocr")
    parser.add_argument("--context", type=int, default=30)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--text", action="store_true", help="also print the OCR text of pages with errors")
    args = parser.parse_args(argv)
    if args.split not in TUNABLE:
        parser.error(f"only tunable splits ({', '.join(TUNABLE)}): heldout is never inspected")
    settings = load_settings()
    items = prepare(args.split, args.pages, args.seed, args.cache)
    ocr = ocr_all(items, args.cache, 2) if args.mode == "ocr" else {}
    for page, _path, kind in items:
        if args.mode == "ocr":
            pages = ocr[page.page_id]
            analysis, text = analyze_pages(pages, settings), "\n".join(p.text for p in pages)
        else:
            analysis, text = analyze_text(page.text, settings), page.text
        lines = page_errors(page, analysis, text, args.context)
        if lines:
            print(f"{page.page_id} {page.family} {kind} {page.digits}")
            print("\n".join(lines))
            if args.text:
                print("    ---\n" + "\n".join("    " + x for x in text.splitlines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
