"""Write ``wd_person_words.tsv``: words of people's names in Arabic script, of every origin.

    .venv/bin/python nlp/data/make_wd_names.py PATH/TO/wd_arabic.normalized.aligned.tokens

Source: the English-Arabic person-name dictionary mined from **Wikidata** by Merhav & Ash, "Design
Challenges in Named Entity Transliteration" (COLING 2018), public GitHub repository
steveash/NETransliteration-COLING2018, file ``data/wd_arabic.normalized.aligned.tokens`` (one name
word per line: Latin spelling, Arabic letters separated by spaces, count). Its data is Wikidata's,
**CC0 1.0** (the repository's ``data/LICENSE``). Unlike the romanizer's index it holds European,
American, African and Asian names (جونز، فينغر، كاسياس), which ANERcorp's news is full of.

Columns: normalised word (``athar.arabic.normalize_arabic``), how often it was seen (summed over its
Latin spellings). Every word is kept: the tagger weighs the classes by count, so noise such as
particles seen once or twice costs little.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from athar.arabic import normalize_arabic

OUT = Path(__file__).with_name("wd_person_words.tsv")


def main(source: Path) -> int:
    counts: Counter[str] = Counter()
    for line in source.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or not parts[2].strip().isdigit():
            continue
        word = normalize_arabic(parts[1].replace(" ", ""))
        if word and " " not in word:
            counts[word] += int(parts[2])
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    OUT.write_text("".join(f"{w}\t{n}\n" for w, n in rows), encoding="utf-8")
    print(f"{OUT}: {len(rows):,} words")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__.split("\n\n")[1].strip())
    raise SystemExit(main(Path(sys.argv[1])))
