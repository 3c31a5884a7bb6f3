"""Write ``name-words.txt``: given names Tesseract may prefer when a reading is close (its user words).

    .venv/bin/python ocr/data/make_name_words.py

Source: the name index shipped with arabic-name-romanizer (``resources/names.sqlite3``), built
from Wikidata (CC0) and the Algerian Name Transcription Corpus (CC0); see that package's
THIRD_PARTY_NOTICES.md. Kept: single-word units recorded as given names (or of unknown role)
at least MIN_COUNT times, so the list is independent of the test generator's names. The index
stores a normalised key (final ة as ه, final ى as ي); both written forms are listed.
"""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

MIN_COUNT = 5
OUT = Path(__file__).with_name("name-words.txt")


def name_words(min_count: int = MIN_COUNT) -> list[str]:
    """The sorted word list."""
    index = resources.files("arabic_name_romanizer") / "resources" / "names.sqlite3"
    with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT arabic_key, SUM(count) FROM units WHERE role IN ('given', 'unknown') "
            "GROUP BY arabic_key HAVING SUM(count) >= ?",
            (min_count,),
        ).fetchall()
    words: set[str] = set()
    for key, _count in rows:
        if not key or " " in key:
            continue
        words.add(key)
        if key.endswith("ه"):
            words.add(key[:-1] + "ة")
        if key.endswith("ي"):
            words.add(key[:-1] + "ى")
    return sorted(words)


if __name__ == "__main__":
    words = name_words()
    OUT.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")
