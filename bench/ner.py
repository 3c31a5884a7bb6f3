"""Names in running text: ANERcorp PERS+LOC exact-span F1 through `athar analyze` as shipped.

    .venv/bin/python bench/ner.py [CORPUS] [--split dev|test] [--limit N] [--no-baseline]

CORPUS (default /work/data/anercorp/ANERCorp.txt) is ANERcorp, one "word TAG" per line. The split is
CAMeL Lab's (``nlp.train.train_tagger``: the first 5/6 of the words train, the rest test); ``dev`` is
the tagger's own dev part (the last tenth of train, which it was tuned on), ``test`` the CAMeL test
split (report it once, never tune on it).

Each sentence's words are joined by single spaces and given to the `athar analyze` function
(``cli.commands.analyze.analysis_json``). A PERSON or LOCATION entity counts as the words its
character span overlaps (a span inside a word with a clitic still counts as that word); gold PERS and
LOC chunks are word spans. Exact match of (type, first word, last word). Counts are printed as
(matched/found/true). The baseline, measured in the
same run, is the same path with the tagger turned off (``ATHAR_TAGGER=0``: the rules alone).
"""

from __future__ import annotations

import argparse
import bisect
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cli.commands.analyze import analysis_json
from nlp.tagger import use_common_words
from nlp.train.train_tagger import DEV_SHARE, TRAIN_SHARE, Sentence, common_words, read_anercorp, split

DEFAULT_CORPUS = Path("/work/data/anercorp/ANERCorp.txt")
_GOLD = {"PERS": "PERSON", "LOC": "LOCATION"}
TYPES = ("PERSON", "LOCATION")

Span = tuple[str, int, int]


def gold_spans(sentence: Sentence) -> set[Span]:
    """(type, first word, last word + 1) of the PERS and LOC chunks."""
    out: set[Span] = set()
    current: list[object] | None = None
    for i, (_word, tag) in enumerate([*sentence, ("", "O")]):
        prefix, _, kind = tag.partition("-")
        mapped = _GOLD.get(kind)
        if current and (prefix != "I" or mapped != current[0]):
            out.add((str(current[0]), int(str(current[1])), i))
            current = None
        if mapped and current is None:
            current = [mapped, i]
    return out


def found_spans(sentence: Sentence) -> set[Span]:
    """The analysis' PERSON/LOCATION entities of the sentence text, as word spans."""
    text = " ".join(w for w, _t in sentence)
    starts, pos = [], 0
    for word, _t in sentence:
        starts.append(pos)
        pos += len(word) + 1
    out: set[Span] = set()
    for e in analysis_json(text)["entities"]:
        if e["type"] not in TYPES or e["end"] <= e["start"]:
            continue
        first = bisect.bisect_right(starts, e["start"]) - 1
        last = bisect.bisect_right(starts, e["end"] - 1) - 1
        out.add((e["type"], first, last + 1))
    return out


def score(sentences: Sequence[Sentence]) -> tuple[dict[str, list[int]], float]:
    """Counts (tp, found, true) per type and overall, and seconds taken."""
    counts = {k: [0, 0, 0] for k in (*TYPES, "PERS+LOC")}
    started = time.process_time()
    for sentence in sentences:
        gold, found = gold_spans(sentence), found_spans(sentence)
        for kind in TYPES:
            g = {s for s in gold if s[0] == kind}
            f = {s for s in found if s[0] == kind}
            for key in (kind, "PERS+LOC"):
                counts[key][0] += len(g & f)
                counts[key][1] += len(f)
                counts[key][2] += len(g)
    return counts, time.process_time() - started


def line(name: str, counts: dict[str, list[int]]) -> str:
    parts = []
    for kind, (tp, found, true) in counts.items():
        p = tp / found if found else 0.0
        r = tp / true if true else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        parts.append(f"{kind} P {p:.3f} R {r:.3f} F1 {f:.3f} ({tp}/{found}/{true})")
    return f"  {name:<22}" + " | ".join(parts)


def page_cost(n_pages: int) -> tuple[float, float]:
    """CPU-ms per record page (tests.synth, clean text) of analyze_text with the tagger on and off.

    Both are measured in this process, alternating page by page, after one warm-up pass (the lexicon
    and model load once per process: about 0.6 CPU-s, not counted).
    """
    from athar.settings import load_settings
    from nlp.analyze import analyze_text
    from tests import synth

    texts = [synth.make_page(1000 + i, synth.DOC_TYPES[i % 4]).text for i in range(n_pages)]
    texts += [synth.make_prose(2000 + i)[0] for i in range(max(1, n_pages // 4))]
    on, off = load_settings().with_(tagger=True), load_settings().with_(tagger=False)
    for text in texts:
        analyze_text(text, on)
    spent = {True: 0.0, False: 0.0}
    for text in texts:
        for settings in (on, off):
            started = time.process_time()
            analyze_text(text, settings)
            spent[settings.tagger] += time.process_time() - started
    return 1000 * spent[True] / len(texts), 1000 * spent[False] / len(texts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--limit", type=int, default=0, help="first N sentences only")
    parser.add_argument(
        "--model", type=Path, help="another tagger model (e.g. the recipe's --keep-dev model for dev figures)"
    )
    parser.add_argument(
        "--speed-pages", type=int, default=48, help="record pages for the speed check (0: skip)"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the rules-only baseline")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        parser.error(f"{args.corpus}: no such file; give the ANERcorp file as the first argument")
    train_part, test_part = split(read_anercorp(args.corpus), TRAIN_SHARE)
    fit, dev = split(train_part, 1 - DEV_SHARE)
    sentences = test_part if args.split == "test" else dev
    if args.split == "dev":  # as the recipe's dev model was trained: common words of the fit part only
        use_common_words(common_words(fit))
    if args.model:
        import nlp.tagger

        nlp.tagger.MODEL = args.model
    if args.limit:
        sentences = sentences[: args.limit]
    n_words = sum(len(s) for s in sentences)
    print(f"ANERcorp {args.split}: {len(sentences):,} sentences, {n_words:,} words")
    os.environ["ATHAR_TAGGER"] = "1"
    counts, seconds = score(sentences)
    print(line("athar analyze", counts) + f"  ({1000 * seconds / len(sentences):.1f} CPU-ms/sentence)")
    if not args.no_baseline:
        os.environ["ATHAR_TAGGER"] = "0"
        base, base_seconds = score(sentences)
        per = 1000 * base_seconds / len(sentences)
        print(line("rules only (baseline)", base) + f"  ({per:.1f} CPU-ms/sentence)")
    if args.speed_pages:
        with_tagger, without = page_cost(args.speed_pages)
        print(
            f"analysis of a generated page: {with_tagger:.1f} CPU-ms with the tagger, {without:.1f} without "
            f"({with_tagger / without:.2f}x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
