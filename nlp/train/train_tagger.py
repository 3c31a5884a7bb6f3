"""Train the running-text tagger (``nlp/data/tagger.crfsuite`` + ``tagger.json``).

    .venv/bin/python nlp/train/train_tagger.py /work/data/anercorp/ANERCorp.txt [--grid] [--out DIR]

1. Reads ANERcorp ("word TAG" per line) and rebuilds CAMeL Lab's split: tag spellings fixed, middle
   (·) and bold (•) periods to ".", U+200F removed (words left empty dropped), a sentence boundary after
   every run of periods, then sequentially the sentences holding the first 5/6 of the words are train,
   the rest test. The test part is never read further here.
2. The last ``DEV_SHARE`` of the train sentences is the dev part: settings are chosen on it (``--grid``
   tries the L-BFGS c1/c2 grid), then the final model is trained on all of train with them.
3. Person-name words of every origin (``nlp/data/wd_person_words.tsv``, Wikidata) are a feature, less the
   words common in the training part and hardly ever in a person's name (seen ``COMMON_MIN`` times or more,
   under ``COMMON_MAX_PERS`` of them inside PERS): computed on the fit part for the dev runs and on all of
   train for the final model, written to ``nlp/data/tagger_common_words.txt``.
4. Adds generated record prose (``nlp.train.record_prose``, names from one half of the name index;
   dev prose uses the other half) and trains a CRF with L-BFGS.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from athar.arabic import normalize_arabic
from nlp.tagger import bio_spans, sequence_features, tokenize, use_common_words
from nlp.train.record_prose import Generator

OUT = Path(__file__).resolve().parents[1] / "data"
TRAIN_SHARE = 5 / 6  # CAMeL Lab's split: the first 5/6 of the words
DEV_SHARE = 0.1  # of train, from its end
PROSE_SENTENCES = 1500
DEV_PROSE_SENTENCES = 300
DEFAULTS = {"c1": 0.1, "c2": 0.01, "max_iterations": 200, "feature.minfreq": 2}
GRID = [(c1, 0.01) for c1 in (0.02, 0.05, 0.1, 0.3)]  # measured: see README
COMMON_MIN = 3
COMMON_MAX_PERS = 0.05
_TAG_FIXES = {"PER": "PERS", "PRS": "PERS", "LOCC": "LOC", "ORGG": "ORG", "MIS": "MISC", "MISC1": "MISC"}

Sentence = list[tuple[str, str]]


def fix_tag(tag: str) -> str:
    """A tag in BIO spelling (B-PERS, I-LOC, O); unknown spellings are fixed or become O."""
    tag = tag.strip().upper().replace("_", "-")
    if tag in ("O", "") or "-" not in tag:
        return "O"
    prefix, kind = tag.split("-", 1)
    kind = _TAG_FIXES.get(kind, kind)
    if prefix not in ("B", "I") or kind not in ("PERS", "LOC", "ORG", "MISC"):
        return "O"
    return f"{prefix}-{kind}"


def read_anercorp(path: Path) -> list[Sentence]:
    """ANERcorp's sentences, split after every run of periods, CAMeL Lab's clean-up applied."""
    sentences: list[Sentence] = []
    current: Sentence = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        word, _, tag = raw.rstrip().rpartition(" ")
        word = word.replace("\u200f", "").replace("·", ".").replace("•", ".").strip()
        if not word:
            continue
        is_period = set(word) == {"."}
        if current and set(current[-1][0]) == {"."} and not is_period:
            sentences.append(current)
            current = []
        current.append((word, fix_tag(tag)))
    if current:
        sentences.append(current)
    return sentences


def split(sentences: list[Sentence], share: float) -> tuple[list[Sentence], list[Sentence]]:
    """Sequential split: sentences whose first word falls within the first ``share`` of words."""
    total = sum(len(s) for s in sentences)
    seen = 0
    for i, sentence in enumerate(sentences):
        if seen >= share * total:
            return sentences[:i], sentences[i:]
        seen += len(sentence)
    return sentences, []


def words(sentences: Iterable[Sentence]) -> int:
    return sum(len(s) for s in sentences)


def common_words(sentences: Iterable[Sentence]) -> frozenset[str]:
    """Normalised words seen COMMON_MIN+ times, under COMMON_MAX_PERS of them inside a PERS chunk."""
    seen: dict[str, int] = {}
    person: dict[str, int] = {}
    for sentence in sentences:
        for word, tag in sentence:
            w = normalize_arabic(word) or word
            seen[w] = seen.get(w, 0) + 1
            if tag.endswith("PERS"):
                person[w] = person.get(w, 0) + 1
    return frozenset(w for w, n in seen.items() if n >= COMMON_MIN and person.get(w, 0) / n < COMMON_MAX_PERS)


def to_sequence(sentence: Sentence) -> tuple[list[str], list[str]]:
    """The tagger's tokens of a sentence (words cut like the runtime cuts them) and their labels."""
    tokens: list[str] = []
    labels: list[str] = []
    for word, tag in sentence:
        for k, (piece, _a, _b) in enumerate(tokenize(word)):
            tokens.append(piece)
            labels.append(tag if k == 0 or tag == "O" else "I-" + tag[2:])
    return tokens, labels


def train(
    sentences: Sequence[Sentence], model: Path, params: dict[str, float], verbose: bool = False
) -> None:
    """Train a CRF on ``sentences`` and write it to ``model``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=verbose)
    for sentence in sentences:
        tokens, labels = to_sequence(sentence)
        if tokens:
            trainer.append(sequence_features(tokens), labels)
    trainer.set_params({**params, "feature.possible_transitions": True})
    trainer.train(str(model))


def evaluate(sentences: Sequence[Sentence], model: Path) -> dict[str, dict[str, float]]:
    """Exact-span precision, recall and F1 per type (PERSON, LOCATION, both) of a model."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    counts = {k: [0, 0, 0] for k in ("PERSON", "LOCATION")}  # tp, found, true
    for sentence in sentences:
        tokens, labels = to_sequence(sentence)
        if not tokens:
            continue
        spans = [(i, i + 1) for i in range(len(tokens))]
        true = set(bio_spans(spans, labels))
        found = set(bio_spans(spans, tagger.tag(sequence_features(tokens))))
        for kind, c in counts.items():
            t = {s for s in true if s[0] == kind}
            f = {s for s in found if s[0] == kind}
            c[0] += len(t & f)
            c[1] += len(f)
            c[2] += len(t)
    counts["PERS+LOC"] = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {k: prf(*c) for k, c in counts.items()}


def prf(tp: int, found: int, true: int) -> dict[str, float]:
    p = tp / found if found else 0.0
    r = tp / true if true else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="ANERcorp file, one 'word TAG' per line")
    parser.add_argument("--out", type=Path, default=OUT, help="directory for tagger.crfsuite and tagger.json")
    parser.add_argument("--grid", action="store_true", help="choose c1/c2 on the dev part first")
    parser.add_argument("--prose", type=int, default=PROSE_SENTENCES, help="generated prose sentences")
    parser.add_argument(
        "--keep-dev", action="store_true", help="keep the model trained without dev (tagger.dev.crfsuite)"
    )
    parser.add_argument("--max-iterations", type=int, default=int(DEFAULTS["max_iterations"]))
    parser.add_argument(
        "--minfreq", type=float, default=DEFAULTS["feature.minfreq"], help="drop features seen fewer times"
    )
    args = parser.parse_args(argv)

    sentences = read_anercorp(args.corpus)
    train_part, test_part = split(sentences, TRAIN_SHARE)
    fit, dev = split(train_part, 1 - DEV_SHARE)
    print(f"ANERcorp: {words(sentences):,} words; train {words(train_part):,} / test {words(test_part):,}")
    print(f"  train is cut into fit {words(fit):,} + dev {words(dev):,} words (dev: the end of train)")
    prose = Generator(seed=1, split=0).sentences(args.prose)
    dev_prose = Generator(seed=2, split=1).sentences(DEV_PROSE_SENTENCES if args.prose else 0)
    params = {**DEFAULTS, "max_iterations": args.max_iterations, "feature.minfreq": args.minfreq}
    args.out.mkdir(parents=True, exist_ok=True)
    model = args.out / "tagger.crfsuite"
    scratch = args.out / "tagger.dev.crfsuite"
    results = []
    use_common_words(common_words(fit))
    for c1, c2 in GRID if args.grid else [(params["c1"], params["c2"])]:
        trial = {**params, "c1": c1, "c2": c2}
        started = time.perf_counter()
        train([*fit, *prose], scratch, trial)
        scores = {"anercorp_dev": evaluate(dev, scratch), "prose_dev": evaluate(dev_prose, scratch)}
        results.append((scores["anercorp_dev"]["PERS+LOC"]["f1"], trial, scores))
        print(f"  c1={c1} c2={c2}: dev {json.dumps(scores)} ({time.perf_counter() - started:.0f} s)")
    _f1, chosen, dev_scores = max(results, key=lambda r: r[0])
    if args.grid or not args.keep_dev:  # the scratch file holds the last trial, not the chosen one
        scratch.unlink(missing_ok=True)
    if args.grid and args.keep_dev:
        train([*fit, *prose], scratch, chosen)
    common = common_words(train_part)
    (args.out / "tagger_common_words.txt").write_text("".join(f"{w}\n" for w in sorted(common)), "utf-8")
    use_common_words(common)
    train([*train_part, *prose], model, chosen)
    use_common_words(None)  # the process goes on with the files in nlp/data
    info = provenance(args.corpus, sentences, train_part, test_part, fit, dev, chosen, dev_scores, args.prose)
    (args.out / "tagger.json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"model: {model} ({model.stat().st_size / 1e6:.1f} MB), params {chosen}")
    return 0


def provenance(
    corpus: Path,
    sentences: list[Sentence],
    train_part: list[Sentence],
    test_part: list[Sentence],
    fit: list[Sentence],
    dev: list[Sentence],
    params: dict[str, float],
    dev_scores: Mapping[str, object],
    prose: int,
) -> dict[str, object]:
    return {
        "model": "linear-chain CRF (python-crfsuite, L-BFGS), features in nlp/tagger.py",
        "labels": ["B/I-PERS", "B/I-LOC", "B/I-ORG", "B/I-MISC", "O"],
        "data": [
            {
                "name": "ANERcorp (Benajiba & Rosso 2008), CAMeL Lab train split",
                "licence": "CC BY-SA 4.0",
                "file": corpus.name,
                "words": words(sentences),
                "train_words": words(train_part),
                "test_words_not_used": words(test_part),
            },
            {
                "name": "generated record prose (nlp/train/record_prose.py, seed 1, names half 0)",
                "licence": "names: arabic-name-romanizer index (Wikidata, CC0); places: GeoNames CC BY 4.0",
                "sentences": prose,
            },
        ],
        "lexicons": "nlp/lexicon.py: romanizer name units + full names (CC0), GeoNames (CC BY 4.0), nlp/data",
        "person_words": {
            "file": "wd_person_words.tsv",
            "source": "Wikidata person names in Arabic, mined by Merhav & Ash 2018 "
            "(github steveash/NETransliteration-COLING2018, data/wd_arabic.normalized.aligned.tokens)",
            "licence": "CC0 1.0",
            "minus": f"tagger_common_words.txt: train-split words seen {COMMON_MIN}+ times, "
            f"under {COMMON_MAX_PERS:.0%} of them in PERS",
        },
        "dev": {"fit_words": words(fit), "dev_words": words(dev), "scores": dev_scores},
        "params": params,
    }


if __name__ == "__main__":
    raise SystemExit(main())
