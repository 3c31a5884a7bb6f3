"""Write ``names.tsv``: the person-name lexicon the NLP stage checks person spans against.

    .venv/bin/python nlp/data/make_names.py

Source: the name index shipped with arabic-name-romanizer (``resources/names.sqlite3``), built from
Wikidata (CC0) and the Algerian Name Transcription Corpus (CC0); see that package's
THIRD_PARTY_NOTICES.md. Kept: single-word units of people from Arabic-speaking countries (or of no
recorded country) seen at least MIN_COUNT times, as given names or surnames, so the lexicon is
independent of the test generator's name pools. Added by hand: the family names and nisbas named in
the project's reference note (``/work/shared/reference/syrian-records.md``) and in the name-key
benchmark's spelling list, and common female given names that do not end in ة (the index records no
sex: a given name ending in ة or اء counts as female unless it is a known male name such as حمزة).

Columns: normalised word (athar.arabic.normalize_arabic: final ة as ه, ى as ي, bare alef), kind
(``given``, ``female``, ``family``), count in the index (0: hand-added).
"""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from athar.arabic import normalize_arabic

MIN_COUNT = 2
OUT = Path(__file__).with_name("names.tsv")


def _words(text: str) -> list[str]:
    return text.split()


# ISO 3166 codes of Arabic-speaking countries; '' is a name with no recorded country
COUNTRIES = (
    "SY", "LB", "PS", "JO", "IQ", "EG", "SA", "YE", "KW", "AE", "QA", "BH", "OM", "LY", "TN", "DZ",
    "MA", "SD", "MR", "",
)  # fmt: skip
# male given names ending in ة/اء (not female despite the ending)
MALE_TA_MARBUTA = _words(
    "حمزه اسامه طلحه عبيده معاويه عطيه حذيفه قتيبه عكرمه ربيعه جبله خليفه عروه عقبه ضياء علاء بهاء "
    "زكريا وفاء صفاء رجاء عباده سلامه جمعه نعمه حماده شحاده عنتره مسلمه ثامره هبه"
)
# common female given names without a final ة (hand-listed)
FEMALE_HAND = _words(
    "زينب مريم هند سعاد نور منى ليلي سلمي هدي رنا ريم دعاء اسماء اسراء الاء اخلاص امل ايمان "
    "ابتسام انتصار اعتدال اعتماد الهام رغد سوسن سحر سهام سمر عبير غدير لبني مها نسرين نجاح هيام "
    "وجدان وداد وصال يسري بشري نجوي سلوي فدوي رباب زهور ضحي عفاف كوثر لميس ميس ميساء هيفاء نهي "
    "رهف شهد جنان حنان ختام خلود رويده صباح فاتن فريال كفاح ماجده ملك منال ناريمان نوال هناء "
    "وعد ولاء يارا ياسمين بتول تغريد جيهان دلال ديما رشا روان زهراء سماح سناء عليا غاده فرح "
    "لينا مني ميرفت نادين نسرين هالا هيا وفاء"
)
# family names and nisbas from the reference note and the name-key benchmark's spellings
FAMILY_HAND = _words(
    "الحموي الحمصي الحلبي الشامي الدمشقي الخطيب الزعبي قباني الرفاعي الدرويش عثمان الحوراني "
    "الادلبي الديري الرقاوي الساحلي الجولاني الكردي التركماني الحسيني"
)


def _rows(db: sqlite3.Connection, role: str, min_count: int) -> dict[str, int]:
    marks = ",".join("?" * len(COUNTRIES))
    rows = db.execute(
        f"SELECT arabic_key, SUM(count) FROM units WHERE role = ? AND country IN ({marks}) "
        "GROUP BY arabic_key HAVING SUM(count) >= ?",
        (role, *COUNTRIES, min_count),
    ).fetchall()
    return {normalize_arabic(key): n for key, n in rows if key and " " not in key}


def names(min_count: int = MIN_COUNT) -> list[tuple[str, str, int]]:
    """(word, kind, count) rows, sorted."""
    index = resources.files("arabic_name_romanizer") / "resources" / "names.sqlite3"
    with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as db:
        given = _rows(db, "given", min_count)
        family = _rows(db, "surname", min_count)
    male = {normalize_arabic(w) for w in MALE_TA_MARBUTA}
    out: dict[tuple[str, str], int] = {}
    for word, n in given.items():
        female = (word.endswith("ه") or word.endswith("اء")) and word not in male and len(word) > 2
        out[(word, "female" if female else "given")] = n
    for word in FEMALE_HAND:
        key = normalize_arabic(word)
        out[(key, "female")] = out.pop((key, "given"), 0)
    for word, n in family.items():
        out[(word, "family")] = n
    for word in FAMILY_HAND:
        out.setdefault((normalize_arabic(word), "family"), 0)
    return sorted((w, k, n) for (w, k), n in out.items())


if __name__ == "__main__":
    rows = names()
    with OUT.open("w", encoding="utf-8") as handle:
        handle.write("word\tkind\tcount\n")
        for word, kind, n in rows:
            handle.write(f"{word}\t{kind}\t{n}\n")
    print(f"{len(rows)} rows -> {OUT}")
