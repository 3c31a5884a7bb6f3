"""Generated record prose for the tagger: verdicts, death reports, arrest and transfer notes, letters.

Sentences in the wording of Syrian detention records, with judges, officers, doctors, witnesses,
detainees, mothers, places and facilities, labelled in ANERcorp's BIO scheme (titles and ranks are
``O``; places ``LOC``; facilities and branches ``ORG``). Written for the tagger's training only, and
independent of the test generator (``tests/synth.py``) and of the held-out benchmark generator.

Names: given and family names of the Levant and Iraq from arabic-name-romanizer's name index (CC0).
``split`` takes every other name by a stable hash, so a generated dev set can hold names the training
sentences never used. Places: ``nlp/data/places.tsv``; facilities: ``nlp/data/facilities.tsv``.
"""

from __future__ import annotations

import random
import sqlite3
import zlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
COUNTRIES = ("SY", "LB", "JO", "IQ", "PS")
MIN_COUNT = 2

# {p} a person, {o} an official, {m} a mother's given name, {l} a place, {f} a facility,
# {d} a date, {y} a year, {n} a number. Titles before {o} are written in the template.
TEMPLATES = (
    "حكمت محكمة الجنايات في {l} برئاسة القاضي {o} على المتهم {p} بالسجن لمدة {n} سنوات",
    "أصدرت محكمة الميدان العسكرية حكمها بحق {p} والدته {m} تولد {l} عام {y}",
    "وبعد المداولة قررت الهيئة برئاسة المستشار {o} تجريم المدعو {p} بجرم الانتماء",
    "مثل المتهم {p} أمام القاضي {o} وأنكر ما نسب إليه",
    "توفي الموقوف {p} في {f} بتاريخ {d} نتيجة توقف القلب والتنفس",
    "عاين الطبيب الشرعي {o} جثة المدعو {p} الذي أحضر من {f}",
    "نظم هذا الضبط بحضور العقيد {o} رئيس {f} والمساعد {o}",
    "نقل السجين {p} من {f} إلى {f} بموجب كتاب اللواء {o}",
    "أفاد الشاهد {p} من أهالي {l} بأن المدعو {p} اعتقل على حاجز {l} بتاريخ {d}",
    "تم توقيف {p} ابن {g} من مواليد {l} عام {y} من قبل دورية تابعة ل{f}",
    "دفن المتوفى {p} في مقبرة {l} بحضور ذويه",
    "يطلب إلى {f} إعلامنا عن مصير المواطن {p} الذي اعتقل في {l} بتاريخ {d}",
    "وقع على الضبط النقيب {o} والملازم أول {o}",
    "قال العميد {o} إن {p} نقل إلى {l}",
    "وردنا كتاب من {f} يتضمن وفاة {p} والدته {m} من سكان {l}",
    "أحيل الموقوف {p} إلى القضاء العسكري في {l} وأودع في {f}",
    "تقدمت السيدة {m} {s} بطلب للسؤال عن ابنها {p} المعتقل منذ عام {y}",
    "أخلي سبيل {p} من {f} بقرار من قاضي الإحالة {o}",
    "وصل المدعو {p} إلى {l} قادما من {l}",
    "صادق رئيس المحكمة {o} على الحكم الصادر بحق {p} و{p}",
    "أشرف الدكتور {o} مدير {f} على تسليم الجثة إلى شقيقه {p}",
    "اعتقل {p} في حي {l} بمدينة {l} ونقل إلى {f}",
    "حكمت المحكمة على {p} بجرم النيل من هيبة الدولة وإضعاف الشعور القومي",
    "أدين المتهم {p} بجرم وهن نفسية الأمة ونشر أنباء كاذبة",
    "الجمهورية العربية السورية وزارة الداخلية إلى السيد رئيس {f}",
    "نرجو إعلامنا بما يتوفر لديكم عن المدعو {p} والدته {m} مع التقدير",
    "يرجى إعلام ذوي المتوفى {p} بضرورة مراجعة {f} لاستلام الجثة",
)
_RANK_MONTHS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")


def _stable_half(word: str) -> int:
    return zlib.crc32(word.encode("utf-8")) % 2


@lru_cache(maxsize=1)
def _names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    index = resources.files("arabic_name_romanizer") / "resources" / "names.sqlite3"
    marks = ",".join("?" * len(COUNTRIES))
    with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as db:
        rows = db.execute(
            f"SELECT arabic_key, role FROM units WHERE country IN ({marks}) "
            "GROUP BY arabic_key, role HAVING SUM(count) >= ? ORDER BY arabic_key, role",
            (*COUNTRIES, MIN_COUNT),
        ).fetchall()
    given = tuple(sorted({k for k, r in rows if r == "given" and k}))
    family = tuple(sorted({k for k, r in rows if r == "surname" and k}))
    return given, family


def _column(path: Path, index: int) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        next(handle)
        return [n for line in handle for n in line.rstrip("\n").split("\t")[index].split("|")[:1]]


class Generator:
    """Seeded generator of labelled sentences; ``split`` 0 or 1 picks half of the names (None: all)."""

    def __init__(self, seed: int, split: int | None = None) -> None:
        self.rng = random.Random(seed)
        given, family = _names()
        if split is not None:
            given = tuple(n for n in given if _stable_half(n) == split)
            family = tuple(n for n in family if _stable_half(n) == split)
        self.given, self.family = given, family
        self.places = [p for p in _column(DATA / "places.tsv", 5) if " " not in p.strip()]
        self.facilities = _column(DATA / "facilities.tsv", 3)

    def _name(self, parts: int) -> list[str]:
        words = [self.rng.choice(self.given) for _ in range(parts - 1)]
        words.append(self.rng.choice(self.family if self.rng.random() < 0.7 else self.given))
        return " ".join(words).split()

    def _slot(self, slot: str) -> tuple[list[str], str]:
        rng = self.rng
        if slot in ("p", "o"):
            return self._name(rng.choice((2, 3, 3, 4) if slot == "p" else (2, 2, 3))), "PERS"
        if slot in ("m", "g"):
            return self.rng.choice(self.given).split(), "PERS"
        if slot == "s":
            return self.rng.choice(self.family).split(), "PERS"
        if slot == "l":
            return rng.choice(self.places).split(), "LOC"
        if slot == "f":
            return rng.choice(self.facilities).split(), "ORG"
        if slot == "d":
            return [f"{rng.randint(1, 28)}/{rng.choice(_RANK_MONTHS)}/{rng.randint(2011, 2019)}"], ""
        if slot == "y":
            return [str(rng.randint(1950, 2002))], ""
        return [str(rng.randint(2, 15))], ""

    def sentence(self) -> list[tuple[str, str]]:
        """One labelled sentence: (word, BIO tag) pairs."""
        template = self.rng.choice(TEMPLATES)
        out: list[tuple[str, str]] = []
        for piece in template.split():
            prefix, _, rest = piece.partition("{")
            if not rest:
                out.append((piece, "O"))
                continue
            words, kind = self._slot(rest[0])
            if prefix:
                words = [prefix + words[0], *words[1:]]
            tags = [f"B-{kind}", *[f"I-{kind}"] * (len(words) - 1)] if kind else ["O"] * len(words)
            out += list(zip(words, tags, strict=True))
        out.append((".", "O"))
        return out

    def sentences(self, n: int) -> list[list[tuple[str, str]]]:
        return [self.sentence() for _ in range(n)]
