"""Generated documents whose persons recur, for the linking benchmark (bench/link.py).

Independent of the test generator (tests/synth.py) on purpose: names come from the 3,020 given names
of ``ocr/data/name-words.txt`` (Wikidata, CC0), drawn with Zipf-like frequencies (the commonest first
name is about one man in eight, as محمد is in Syria), so common 3-part namesakes arise by themselves;
family names are made from them (``ال`` + name, or a nisba ``…ي``).

Each person (an *identity*) appears in 1-4 documents of different types (prison register, transfer
list, court record, death report), in the order of a detention story. Traps on purpose:

* **namesakes** — another identity with the same first, father and family names but a different
  mother and/or a birth year 4+ years away (so the years as written, each possibly off by one, are
  still more than one apart: namesakes the documents themselves cannot tell apart are not traps but
  unknowables);
* **brothers** — same father, family and mother, a different first name, a different birth year.

Each appearance is written as a document of that type writes it: 2-, 3- or 4-part names, compound names
joined or split, the article dropped, birth year off by one (year of registration), national ID often
missing. ``ocr`` adds character substitutions as OCR makes them (dots, close shapes) and digit misreads.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from link.mention import MentionEvent, PersonMention

NAME_WORDS = Path(__file__).resolve().parent.parent / "ocr" / "data" / "name-words.txt"
DOC_TYPES = ("prison_register", "transfer_list", "court_record", "death_report")
ROWS = {"prison_register": 12, "transfer_list": 10, "court_record": 2, "death_report": 1}
PAGES = {"prison_register": 6, "transfer_list": 3, "court_record": 1, "death_report": 1}
EVENTS = {
    "prison_register": "detention",
    "transfer_list": "transfer",
    "court_record": "trial",
    "death_report": "death",
}
FACILITIES = (
    "facility:saydnaya_prison",
    "facility:adra_prison",
    "facility:branch_215",
    "facility:tadmur_prison",
)
PLACES = ("place:damascus", "place:aleppo", "place:homs", "place:hama", "place:daraa", "place:idlib")
COMPOUNDS = ("عبد الرحمن", "عبد الله", "عبد القادر", "عبد الكريم", "ابو بكر", "نور الدين", "سيف الدين")
# OCR confusions: letters that differ by dots, and shapes Tesseract mixes up (سهام→سبام, عماد→تماد).
CONFUSIONS = {
    "ب": "تثني",
    "ت": "بثن",
    "ث": "تب",
    "ن": "بتي",
    "ي": "بن",
    "ج": "حخ",
    "ح": "جخ",
    "خ": "حج",
    "د": "ذ",
    "ذ": "د",
    "ر": "زو",
    "ز": "ر",
    "س": "ش",
    "ش": "س",
    "ص": "ض",
    "ض": "ص",
    "ع": "غت",
    "غ": "ع",
    "ف": "ق",
    "ق": "ف",
    "ه": "ب",
    "ة": "ه",
    "م": "ه",
}
DIGIT_CONFUSIONS = {"1": "7", "7": "1", "3": "8", "8": "3", "5": "6", "6": "5", "0": "8", "9": "4", "4": "9"}
OCR_RATES = {"text": (0.0, 0.0), "clean": (0.01, 0.005), "degraded": (0.04, 0.02)}  # letters, digits


@dataclass(frozen=True)
class Identity:
    """One (fictional) person."""

    key: int
    first: str
    father: str
    grandfather: str
    family: str
    mother: str
    birth_year: int
    birth_place: str
    national_id: str
    trap: str = ""  # "namesake:<key>" or "brother:<key>"


def _zipf_choices(rng: random.Random, pool: list[str], s: float, k: int) -> list[str]:
    weights = [1.0 / (rank**s) for rank in range(1, len(pool) + 1)]
    return rng.choices(pool, weights=weights, k=k)


class Pools:
    """Name pools drawn from the given-name list, in a seeded random order."""

    def __init__(self, rng: random.Random) -> None:
        words = [w.strip() for w in NAME_WORDS.read_text(encoding="utf-8").splitlines() if w.strip()]
        words = [w for w in words if " " not in w and len(w) >= 3]
        rng.shuffle(words)
        third = len(words) // 3
        self.male = ["محمد", "احمد", *COMPOUNDS, *words[:third]]
        self.female = ["فاطمة", "خديجة", *words[third : 2 * third]]
        family_roots = words[2 * third :]
        self.family = [
            (w + "ي" if i % 3 == 0 else w if w.startswith("ال") else "ال" + w)
            for i, w in enumerate(family_roots)
        ]

    def draw(self, rng: random.Random, n: int) -> Iterator[tuple[str, str, str, str, str]]:
        firsts = _zipf_choices(rng, self.male, 1.0, n)
        fathers = _zipf_choices(rng, self.male, 1.0, n)
        grands = _zipf_choices(rng, self.male, 1.0, n)
        families = _zipf_choices(rng, self.family, 0.8, n)
        mothers = _zipf_choices(rng, self.female, 1.0, n)
        yield from zip(firsts, fathers, grands, families, mothers, strict=True)


def identities(n: int, seed: int, trap_share: float = 0.08) -> list[Identity]:
    """``n`` identities, about ``trap_share`` of them given a namesake and as many a brother."""
    rng = random.Random(f"link-identities:{seed}")
    pools = Pools(rng)
    out: list[Identity] = []
    for first, father, grand, family, mother in pools.draw(rng, n):
        nid = f"{rng.randint(1, 14):02d}{rng.randint(1, 99):02d}{rng.randint(0, 9999999):07d}"
        year = rng.randint(1950, 2000)
        out.append(Identity(len(out), first, father, grand, family, mother, year, rng.choice(PLACES), nid))
    base = list(out)
    for ident in base:
        roll = rng.random()
        if roll < trap_share:
            kind = rng.choice(("mother", "year", "both"))
            mother = ident.mother if kind == "year" else _other(rng, pools.female, ident.mother)
            # years 4+ apart, so they stay more than one apart as written (each may be off by one)
            gap = rng.choice((-1, 1)) * rng.randint(4, 12)
            year = ident.birth_year + (0 if kind == "mother" else gap)
            twin = replace(
                ident,
                key=len(out),
                mother=mother,
                birth_year=year,
                grandfather=rng.choice(pools.male),
                national_id=f"{rng.randint(1, 14):02d}{rng.randint(1, 99):02d}{rng.randint(0, 9999999):07d}",
                trap=f"namesake:{ident.key}",
            )
            out.append(twin)
        elif roll < 2 * trap_share:
            brother = replace(
                ident,
                key=len(out),
                first=_other(rng, pools.male[:200], ident.first),
                birth_year=ident.birth_year + rng.choice((-1, 1)) * rng.randint(1, 8),
                national_id=f"{rng.randint(1, 14):02d}{rng.randint(1, 99):02d}{rng.randint(0, 9999999):07d}",
                trap=f"brother:{ident.key}",
            )
            out.append(brother)
    return out


def _other(rng: random.Random, pool: list[str], not_this: str) -> str:
    while True:
        pick = rng.choice(pool)
        if pick != not_this:
            return pick


def _appearances(rng: random.Random, ident: Identity) -> list[str]:
    count = rng.choices((1, 2, 3, 4), weights=(20, 35, 30, 15))[0]
    story = list(DOC_TYPES)
    chosen = sorted(rng.sample(range(len(story)), count))
    return [story[i] for i in chosen]


def _spell(rng: random.Random, unit: str) -> str:
    """A unit as a clerk may write it: compounds joined or split, hamza and taa marbuta varied."""
    if " " in unit and rng.random() < 0.4:
        unit = unit.replace(" ", "")
    if unit.startswith("ا") and rng.random() < 0.3:
        unit = "أ" + unit[1:]
    if unit.endswith("ه") and rng.random() < 0.5:
        unit = unit[:-1] + "ة"
    return unit


def _family(rng: random.Random, family: str) -> str:
    if family.startswith("ال") and rng.random() < 0.2:
        return family[2:]  # the article dropped
    return _spell(rng, family)


def ocr_noise(rng: random.Random, text: str, rate: float) -> str:
    """Substitute letters as OCR confuses them, each with probability ``rate``."""
    if rate <= 0:
        return text
    return "".join(rng.choice(CONFUSIONS[c]) if c in CONFUSIONS and rng.random() < rate else c for c in text)


def digit_noise(rng: random.Random, digits: str, rate: float) -> str:
    """Misread digits with probability ``rate`` each."""
    return "".join(DIGIT_CONFUSIONS.get(c, c) if rng.random() < rate else c for c in digits)


def mention_of(
    rng: random.Random, ident: Identity, doc_type: str, mention_id: str, sha: str, page: int, ocr: str
) -> PersonMention:
    """One appearance of an identity written the way a document of ``doc_type`` writes it."""
    letters, digits = OCR_RATES[ocr]
    first, father, family = _spell(rng, ident.first), _spell(rng, ident.father), _family(rng, ident.family)
    form = rng.random()
    if doc_type == "transfer_list" and form < 0.15:
        parts = [first, family]
    elif form < 0.2:
        parts = [first, father, _spell(rng, ident.grandfather), family]
    else:
        parts = [first, father, family]
    name = ocr_noise(rng, " ".join(parts), letters)
    fields = {}
    if doc_type == "court_record":  # labelled fields: the NLP stage reads them apart
        fields = {
            "first": ocr_noise(rng, first, letters),
            "father": ocr_noise(rng, father, letters),
            "family": ocr_noise(rng, family, letters),
        }
    year = ident.birth_year + (rng.choice((-1, 1)) if rng.random() < 0.1 else 0)
    year_text = digit_noise(rng, str(year), digits) if rng.random() < 0.95 else None
    nid = digit_noise(rng, ident.national_id, digits) if rng.random() < 0.6 else None
    mother = ocr_noise(rng, _spell(rng, ident.mother), letters) if rng.random() < 0.92 else None
    when = f"{rng.randint(2011, 2019)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    place = rng.choice(FACILITIES) if doc_type != "court_record" else None
    return PersonMention(
        id=mention_id,
        sha256=sha,
        page=page,
        start=0,
        end=len(name),
        name=name,
        mother=mother,
        birth_date=year_text,
        birth_place=ident.birth_place if doc_type != "transfer_list" else None,
        national_id=nid,
        doc_type=doc_type,
        events=(MentionEvent(EVENTS[doc_type], when, place),),
        **fields,
    )


@dataclass(frozen=True)
class Document:
    """One generated document: its type and its pages' mentions, with the truth."""

    sha256: str
    doc_type: str
    mentions: tuple[PersonMention, ...]
    truth: tuple[int, ...]  # identity key of each mention

    @property
    def pages(self) -> int:
        return max((m.page for m in self.mentions), default=0)


def documents(idents: list[Identity], seed: int, ocr: str = "text") -> list[Document]:
    """Documents holding every appearance of the identities, shuffled into a plausible intake order."""
    rng = random.Random(f"link-documents:{seed}:{ocr}")
    by_type: dict[str, list[Identity]] = {t: [] for t in DOC_TYPES}
    for ident in idents:
        for doc_type in _appearances(rng, ident):
            by_type[doc_type].append(ident)
    out: list[Document] = []
    for doc_type, members in by_type.items():
        rng.shuffle(members)
        per_doc = ROWS[doc_type] * PAGES[doc_type]
        for start in range(0, len(members), per_doc):
            sha = f"{rng.getrandbits(256):064x}"
            chunk = members[start : start + per_doc]
            mentions = []
            for i, ident in enumerate(chunk):
                page = i // ROWS[doc_type] + 1
                mentions.append(mention_of(rng, ident, doc_type, f"{sha}:{page}:{i}", sha, page, ocr))
            out.append(Document(sha, doc_type, tuple(mentions), tuple(i.key for i in chunk)))
    rng.shuffle(out)
    return out
