"""Name words and units; dates and gazetteer places found in token lists."""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlp.dates import find_date_spans
from nlp.layout import Token
from nlp.places import Place, branch, gazetteer, pattern_facility

_UNIT_HEADS = {"عبد", "ابو", "ابي", "ابا", "بن", "ابن", "بنت", "ال"}
_UNIT_TAILS = {"الدين", "الله", "خير"}
_ARABIC = re.compile(r"^[\u0621-\u064a]+$")


def is_word(tok: Token) -> bool:
    return bool(_ARABIC.match(tok.norm))


def name_units(tokens: Sequence[Token]) -> list[list[Token]]:
    """Group name tokens into units that stay whole (عبد الرحمن، أبو بكر، سيف الدين، محمد خير)."""
    units: list[list[Token]] = []
    for tok in tokens:
        if units and (units[-1][-1].norm in _UNIT_HEADS or tok.norm in _UNIT_TAILS):
            units[-1].append(tok)
        else:
            units.append([tok])
    return units


def _joined(tokens: Sequence[Token]) -> tuple[str, list[int]]:
    """Tokens joined by spaces, and the token index of every character."""
    parts: list[str] = []
    owner: list[int] = []
    for i, tok in enumerate(tokens):
        if parts:
            parts.append(" ")
            owner.append(i)
        parts.append(tok.norm)
        owner.extend([i] * len(tok.norm))
    return "".join(parts), owner


# month names (normalised) that the name lexicon's fuzzy match takes for names: never a person's word
# in a cell such as "كانون الثاني / يناير"
MONTH_WORDS = frozenset(
    [
        "كانون",
        "الثاني",
        "الاول",
        "شباط",
        "اذار",
        "نيسان",
        "ايار",
        "حزيران",
        "تموز",
        "ايلول",
        "تشرين",
        "يناير",
        "فبراير",
        "مارس",
        "ابريل",
        "مايو",
        "يونيو",
        "يوليو",
        "اغسطس",
        "سبتمبر",
        "اكتوبر",
        "نوفمبر",
        "ديسمبر",
    ]
)
_BIRTH_YEARS = (1920, 2012)  # birth years of the persons of detention records
_NOISY_YEAR = re.compile(r"\d{5,6}")


def birth_year(norm: str, *, noisy: bool = False) -> str | None:
    """A plausible birth year in a token: four digits, or with ``noisy`` five or six digits where OCR
    glued a rule or a serial's digit to the year (١١٩٦٧ → 1967, ١٩٧١٢ → 1971; the year's end first)."""
    if len(norm) == 4 and norm.isdigit():
        candidates = [norm]
    elif noisy and _NOISY_YEAR.fullmatch(norm):
        candidates = [norm[-4:], norm[:4]]
    else:
        return None
    return next((y for y in candidates if _BIRTH_YEARS[0] <= int(y) <= _BIRTH_YEARS[1]), None)


def lone_birth_year(tokens: Sequence[Token], latest: int = _BIRTH_YEARS[1]) -> tuple[int, str] | None:
    """The one plausible birth year (up to ``latest``) standing alone in a record line, outside any date:
    (its token index, the year); None when there is none or several different ones."""
    in_dates = {k for a, b, _iso in dates_in(tokens) for k in range(a, b)}
    years = [
        (k, y)
        for k, t in enumerate(tokens)
        if k not in in_dates and (y := birth_year(t.norm)) and int(y) <= latest
    ]
    return years[0] if years and len({y for _k, y in years}) == 1 else None


def dates_in(tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
    """Dates in a token list: (first token, last token + 1, ISO)."""
    text, owner = _joined(tokens)
    return [(owner[s.start], owner[s.end - 1] + 1, s.iso) for s in find_date_spans(text)]


def places_in(tokens: Sequence[Token]) -> list[tuple[int, int, Place]]:
    """Gazetteer places and facilities in a token list: (first token, last token + 1, place)."""
    gazette = gazetteer()
    gaz = gazette.by_words
    norms = [t.norm for t in tokens]
    out = []
    i = 0
    while i < len(tokens):
        hit = None
        longest = gazette.longest_from(tokens[i].norm)
        if tokens[i].norm in ("فرع", "الفرع"):
            k = i + 2 if i + 2 < len(tokens) and tokens[i + 1].norm == "رقم" else i + 1
            if k < len(tokens) and re.fullmatch(r"\d{3}", tokens[k].norm):
                hit = (i, k + 1, branch(tokens[k].norm))
        for n in range(min(longest, len(tokens) - i), 0, -1):
            if hit:
                break
            key = tuple(t.norm for t in tokens[i : i + n])
            place = gaz.get(key)
            if place is None and len(key[0]) > 3 and key[0][0] in "وبلف":
                place = gaz.get((key[0][1:], *key[1:]))
            if place is not None:
                end = i + n
                if (
                    place.type == "FACILITY"
                    and end < len(tokens)
                    and place.id.endswith("_" + tokens[end].norm)
                ):
                    end += 1
                hit = (i, end, place)
        if hit is None and norms[i] in ("مشفي", "مستشفي", "المشفي", "المستشفي", "سجن", "مقبره", "فرع"):
            formed = pattern_facility(norms, i)
            hit = (i, i + formed[0], formed[1]) if formed else None
        if hit:
            out.append(hit)
            i = hit[1]
        else:
            i += 1
    return out
