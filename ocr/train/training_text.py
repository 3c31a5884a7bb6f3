"""Lines of text for fine-tuning the Arabic model: names, record fields, table rows and general words.

The sources are independent of the benchmark generator (``tests/synth_data.py``): given names and
surnames from arabic-name-romanizer's name index (Wikidata / CC0, Arab countries only), general words from
the base model's own word list, and the field labels and headers of Syrian records. Every word of the
generator's names and places is held out, so the benchmarks measure names the model never saw in training.

The name index stores normalised keys (أ/إ/آ as ا, final ة as ه, final ى as ي). To never teach the model
those spellings, names beginning with ا or ending in ه or ي are left out.
"""

from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from athar.arabic import normalize_arabic

ARAB_COUNTRIES = (
    "SY",
    "LB",
    "PS",
    "JO",
    "IQ",
    "EG",
    "SA",
    "YE",
    "AE",
    "KW",
    "QA",
    "BH",
    "OM",
    "LY",
    "SD",
    "TN",
    "DZ",
    "MA",
)
ARABIC_LETTERS_ONLY = re.compile("^[\u0621-\u064a]+$")
LABELS = (
    "الاسم:",
    "اسم الأب:",
    "اسم الأم:",
    "والدته",
    "تولد",
    "مواليد",
    "المدعو",
    "الرقم الوطني:",
    "محل الولادة:",
    "تاريخ التوقيف:",
    "الجهة:",
    "ملاحظات:",
    "الاسم الثلاثي",
    "والده",
    "النسبة",
    "رقم",
    "نقل إلى",
    "بتاريخ",
    "سبب الوفاة:",
    "الحكم:",
    "المحكمة",
    "القيد",
    "التهمة:",
    "الموقوف",
    "المتوفى",
)
HEADERS = (
    "الرقم",
    "الاسم الثلاثي",
    "اسم الأم",
    "محل وتاريخ الولادة",
    "الرقم الوطني",
    "تاريخ التوقيف",
    "الجهة",
    "ملاحظات",
    "التهمة",
    "تاريخ النقل",
    "الجهة المحال إليها",
    "محل الولادة",
    "سبب الوفاة",
    "تاريخ الوفاة",
    "اسم الأب",
    "الاسم",
    "الشهرة",
    "القيد",
    "رقم الإضبارة",
    "المواليد",
)
COLUMN_GAP = "     "
# Parts of many names and places that also occur in the generator's pools; too common to hold out.
SHARED_PARTS = ("عبد", "الدين", "دير", "الزور")
# Characters some training fonts lack (Noto Naskh Arabic, Kacst Naskh): their text is written without them.
PUNCTUATION_SOME_FONTS_LACK = str.maketrans({":": "", "/": " ", "-": " "})


HELD_OUT_FILE = Path(__file__).with_name("held_out_words.txt")


def held_out_words() -> set[str]:
    """Normalised words of the benchmark generator's names, places and facility names.

    They are listed in ``held_out_words.txt`` (written by ``tests/ocr/test_finetune.py``'s
    ``generator_words``, which a test holds to the generator's pools), so this training tool never
    imports the tests.
    """
    return set(HELD_OUT_FILE.read_text(encoding="utf-8").split())


def _allowed(word: str, held: set[str]) -> bool:
    bare = word[2:] if word.startswith("ال") else word
    forms = {normalize_arabic(word), normalize_arabic(bare), normalize_arabic("ال" + bare)}
    return not forms & held and not bare.startswith("ا")


def _name_pool(db: sqlite3.Connection, roles: Sequence[str], min_count: int, held: set[str]):
    marks = ",".join("?" * len(roles))
    countries = ",".join("?" * len(ARAB_COUNTRIES))
    rows = db.execute(
        f"SELECT arabic_key, SUM(count) FROM units WHERE role IN ({marks}) AND country IN ({countries}) "
        "GROUP BY arabic_key HAVING SUM(count) >= ?",
        (*roles, *ARAB_COUNTRIES, min_count),
    ).fetchall()
    kept = [
        (key, count)
        for key, count in sorted(rows)
        if ARABIC_LETTERS_ONLY.match(key) and key[-1] not in "هي" and _allowed(key, held)
    ]
    return [k for k, _ in kept], [c**0.5 for _, c in kept]


@dataclass
class TextSource:
    """Word pools for training lines."""

    given: list[str]
    given_weights: list[float]
    surnames: list[str]
    surname_weights: list[float]
    words: list[str]

    @classmethod
    def load(cls, general_words: Iterable[str]) -> TextSource:
        """Pools from the romanizer's name index and a general word list (the base model's own)."""
        held = held_out_words()
        index = resources.files("arabic_name_romanizer") / "resources" / "names.sqlite3"
        with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as db:
            given, given_w = _name_pool(db, ("given", "unknown"), 3, held)
            surnames, surname_w = _name_pool(db, ("surname",), 2, held)
        words = sorted(
            w
            for w in {x.strip() for x in general_words}
            if w and "_" not in w and "|" not in w and _allowed(w, held)
        )
        return cls(given, given_w, surnames, surname_w, words)

    def lines(self, n: int, seed: int, *, plain: bool = False) -> list[str]:
        """``n`` training lines; ``plain`` leaves out ':', '/' and '-' for fonts without those glyphs."""
        rng = random.Random(seed)
        out = [self._line(rng) for _ in range(n)]
        return [line.translate(PUNCTUATION_SOME_FONTS_LACK) for line in out] if plain else out

    def _line(self, rng: random.Random) -> str:
        def given() -> str:
            return rng.choices(self.given, self.given_weights)[0]

        def family() -> str:
            name = rng.choices(self.surnames, self.surname_weights)[0]
            return name if name.startswith("ال") or rng.random() < 0.5 else "ال" + name

        def year() -> str:
            return str(rng.randint(1940, 2006))

        def date() -> str:
            return f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(1975, 2020)}"

        def national_id() -> str:
            return "".join(str(rng.randint(0, 9)) for _ in range(11))

        kind = rng.random()
        if kind < 0.12:  # a table header
            return COLUMN_GAP.join(rng.sample(HEADERS, rng.randint(3, 6)))
        if kind < 0.3:  # a table row, columns apart
            cells = [str(rng.randint(1, 300)), f"{given()} {given()} {family()}", given(),
                     f"{rng.choice(self.words)} {year()}", national_id(), date()]  # fmt: skip
            return COLUMN_GAP.join(cells[: rng.randint(3, 6)])
        kind = rng.random()
        if kind < 0.2:  # prose
            return (
                f"{rng.choice(['الاسم:', 'المدعو', 'الموقوف'])} {given()} {given()} {family()} "
                f"{rng.choice(['والدته', 'اسم الأم:', 'أمه'])} {given()} "
                f"{rng.choice(['تولد', 'مواليد'])} {year()}"
            )
        if kind < 0.4:
            number = rng.randint(1, 300)
            return f"{number} {given()} {given()} {family()} {given()} {rng.choice(self.words)} {date()}"
        if kind < 0.55:
            return " ".join(f"{rng.choice(LABELS)} {given()}" for _ in range(3))
        if kind < 0.65:
            return f"{rng.choice(LABELS)} {national_id()} {given()} {family()}"
        return " ".join(rng.choice(self.words) for _ in range(rng.randint(4, 8)))
