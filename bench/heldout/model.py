"""Truth records and the page builder shared by the held-out layout families.

A page is a list of blocks (what is drawn) and the truth of what is on it. Its text is the blocks'
text in reading order: a line as written, a table row as its cells joined by a tab, a two-column form
line as its right then left pair. Every truth span (names, mothers, dates, places, IDs) is a substring
of that text, by construction: the builder records a span only when it writes it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.heldout import pools

DOC_TYPES = (
    "prison_register",
    "court_record",
    "death_report",
    "transfer_list",
    "interrogation_form",
    "burial_list",
)
ROLES = ("detainee", "defendant", "deceased", "official", "witness", "judge", "other")
DETAINEE_LIKE = ("detainee", "defendant", "deceased")
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
LEVANTINE = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
             "تشرين الأول", "تشرين الثاني", "كانون الأول")  # fmt: skip
EGYPTIAN = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
            "نوفمبر", "ديسمبر")  # fmt: skip


@dataclass(frozen=True)
class Person:
    """One person on a page, as the page states it."""

    name: str  # as written on the page, without label, rank or title
    first: str
    father: str | None
    family: str | None
    mother: str | None = None
    birth_year: str | None = None
    birth_place: str | None = None  # Latin key of the place (gazetteer name, or "unlisted:...")
    national_id: str | None = None  # 11 Western digits
    role: str = "detainee"
    title: str | None = None  # rank or title written before the name
    facility: str | None = None  # Latin key of the facility the person is in / died in / is sent to


@dataclass(frozen=True)
class Page:
    """One generated page and its truth."""

    page_id: str
    split: str
    doc_type: str
    family: str
    style: str
    digits: str
    blocks: tuple[tuple[Any, ...], ...]
    persons: tuple[Person, ...]
    dates: tuple[tuple[str, str], ...]  # (surface, ISO at written precision)
    places: tuple[tuple[str, str], ...]  # (surface, Latin key), locations and facilities
    facilities: tuple[str, ...]  # Latin keys of the facilities named on the page
    national_ids: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(block_lines(self.blocks))

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["text"] = self.text
        out["blocks"] = [list(b) for b in self.blocks]
        return out

    @staticmethod
    def from_json(obj: dict[str, Any]) -> Page:
        def tup(x: Any) -> Any:
            return tuple(tup(i) for i in x) if isinstance(x, list) else x

        return Page(
            page_id=obj["page_id"],
            split=obj["split"],
            doc_type=obj["doc_type"],
            family=obj["family"],
            style=obj["style"],
            digits=obj["digits"],
            blocks=tup(obj["blocks"]),
            persons=tuple(Person(**p) for p in obj["persons"]),
            dates=tup(obj["dates"]),
            places=tup(obj["places"]),
            facilities=tuple(obj["facilities"]),
            national_ids=tuple(obj["national_ids"]),
        )


def block_lines(blocks: Sequence[tuple[Any, ...]]) -> list[str]:
    """The text lines of blocks, in reading order (see the module docstring)."""
    out: list[str] = []
    for block in blocks:
        kind = block[0]
        if kind == "line":
            out.append(block[1])
        elif kind == "table":
            _kind, header, rows, _rules = block
            out.extend("\t".join(r) for r in (header, *rows) if r)
        elif kind == "pairs":
            for pair_row in block[1]:
                out.append("\t".join(f"{label} {value}".strip() for label, value in pair_row))
        elif kind == "signs":
            depth = max(len(s) for s in block[1])
            for i in range(depth):
                out.append("\t".join(s[i] for s in block[1] if i < len(s)))
        # "gap" and "rule" carry no text
    return out


@dataclass
class Builder:
    """Chooses content for one page and records its truth as it is written."""

    rng: random.Random
    digits: str  # western, eastern, mixed
    blocks: list[tuple[Any, ...]] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    dates: list[tuple[str, str]] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)
    facilities: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    fac_surfaces: dict[str, str] = field(default_factory=dict)  # facility as written -> Latin key

    # ---------------------------------------------------------------- writing
    def line(self, text: str, align: str = "right", size: float = 1.0) -> None:
        self.blocks.append(("line", text, align, size))

    def gap(self, height: float = 0.6) -> None:
        self.blocks.append(("gap", height))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], rules: str = "grid") -> None:
        """rules: grid (vertical and horizontal), rows (horizontal only), none."""
        self.blocks.append(("table", tuple(header), tuple(tuple(r) for r in rows), rules))

    def pairs(self, rows: Sequence[Sequence[tuple[str, str]]]) -> None:
        self.blocks.append(("pairs", tuple(tuple(r) for r in rows)))

    def signs(self, *stacks: Sequence[str]) -> None:
        self.blocks.append(("signs", tuple(tuple(s) for s in stacks)))

    # ---------------------------------------------------------------- numbers, dates, IDs
    def num(self, value: int | str) -> str:
        text = str(value)
        east = self.digits == "eastern" or (self.digits == "mixed" and self.rng.random() < 0.5)
        return text.translate(EASTERN) if east else text

    def ref(self) -> str:
        """A reference number such as 1234/ص/2 (never a date, never an ID)."""
        r = self.rng
        return (
            f"{self.num(r.randint(100, 9999))}/{r.choice(('ص', 'س', 'م ع', 'ق'))}/{self.num(r.randint(1, 9))}"
        )

    def date(self, lo: int = 2011, hi: int = 2019, style: str | None = None) -> str:
        r = self.rng
        y, m, d = r.randint(lo, hi), r.randint(1, 12), r.randint(1, 28)
        style = style or r.choice(("dmy/", "dmy/", "dmy-", "ymd/", "lev", "lev", "pair", "egy"))
        if style == "dmy/":
            surface = f"{self.num(d)}/{self.num(m)}/{self.num(y)}"
        elif style == "dmy-":
            surface = f"{self.num(f'{d:02d}')}-{self.num(f'{m:02d}')}-{self.num(y)}"
        elif style == "ymd/":
            surface = f"{self.num(y)}/{self.num(f'{m:02d}')}/{self.num(f'{d:02d}')}"
        elif style == "lev":
            surface = f"{self.num(d)} {LEVANTINE[m - 1]} {self.num(y)}"
        elif style == "pair":
            surface = f"{self.num(d)} {LEVANTINE[m - 1]}/{EGYPTIAN[m - 1]} {self.num(y)}"
        else:
            surface = f"{self.num(d)} {EGYPTIAN[m - 1]} {self.num(y)}"
        self.dates.append((surface, f"{y:04d}-{m:02d}-{d:02d}"))
        return surface

    def year(self, lo: int = 1952, hi: int = 2001) -> tuple[str, str]:
        y = str(self.rng.randint(lo, hi))
        surface = self.num(y)
        self.dates.append((surface, y))
        return surface, y

    def national_id(self) -> tuple[str, str]:
        r = self.rng
        value = f"{r.randint(1, 14):02d}{r.randint(1, 60):02d}{r.randint(0, 9999999):07d}"
        self.ids.append(value)
        return self.num(value), value

    # ---------------------------------------------------------------- places
    def place(self) -> tuple[str, str]:
        ar, latin = self.rng.choice(pools.PLACES)
        self.places.append((ar, latin))
        return ar, latin

    def facility(self, pool: Sequence[tuple[str, str, str]]) -> tuple[str, str]:
        """Choose a facility (its digits in the page's digits). Its mentions are counted on the finished
        page (``page``), so writing it any number of times, in any block, keeps the truth right."""
        ar, latin, _kind = self.rng.choice(pool)
        ar = "".join(self.num(c) if c.isdigit() else c for c in ar)
        self.register_facility(ar, latin)
        return ar, latin

    def register_facility(self, ar: str, latin: str) -> None:
        self.fac_surfaces.setdefault(ar, latin)

    def mention_facility(self, ar: str, latin: str) -> str:
        """Write a facility already chosen (readability only: mentions are counted on the page)."""
        self.register_facility(ar, latin)
        return ar

    def _facility_mentions(self, text: str) -> tuple[list[tuple[str, str]], list[str]]:
        """Every mention of the chosen facilities in ``text``, longest names first, never overlapping."""
        taken = [False] * len(text)
        mentions: list[tuple[str, str]] = []
        for ar in sorted(self.fac_surfaces, key=len, reverse=True):
            start = text.find(ar)
            while start >= 0:
                end = start + len(ar)
                if not any(taken[start:end]):
                    taken[start:end] = [True] * (end - start)
                    mentions.append((ar, self.fac_surfaces[ar]))
                start = text.find(ar, end)
        named = list(dict.fromkeys(latin for _ar, latin in mentions))
        return mentions, named

    # ---------------------------------------------------------------- persons
    def name_parts(self, female: bool = False) -> tuple[str, str, str]:
        r = self.rng
        first = r.choice(pools.WOMEN if female else pools.MEN)
        father = r.choice(pools.MEN)
        family = r.choice(pools.FAMILIES)
        return first, father, family

    def mother_name(self) -> str:
        r = self.rng
        given = r.choice(pools.WOMEN)
        return f"{given} {r.choice(pools.FAMILIES)}" if r.random() < 0.25 else given

    def add(self, person: Person) -> Person:
        self.persons.append(person)
        return person

    def official(self, titles: Sequence[str], role: str = "official", facility: str | None = None) -> str:
        """An official's name with a title before it; records the person; returns 'title name'."""
        r = self.rng
        title = r.choice(titles)
        first, father, family = self.name_parts()
        parts = (first, family) if r.random() < 0.6 else (first, father, family)
        name = " ".join(parts)
        self.add(
            Person(name, first, father if len(parts) == 3 else None, family, role=role, title=title,
                   facility=facility)
        )  # fmt: skip
        return f"{title} {name}"

    def bare(self, written: str) -> str:
        """The name of an official written as 'title name' (for a signature that repeats it)."""
        for p in self.persons:
            if p.title and written == f"{p.title} {p.name}":
                return p.name
        return written

    def page(self, page_id: str, split: str, doc_type: str, family: str, style: str) -> Page:
        text = " ".join("\n".join(block_lines(self.blocks)).split())
        mentions, named = self._facility_mentions(text)
        self.places = [*self.places, *mentions]
        self.facilities = named
        return Page(
            page_id, split, doc_type, family, style, self.digits, tuple(self.blocks), tuple(self.persons),
            tuple(self.dates), tuple(self.places), tuple(self.facilities), tuple(self.ids),
        )  # fmt: skip
