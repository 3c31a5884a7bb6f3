"""Name forms for linking: compound units, the article, 2-/3-/4-part forms, OCR-tolerant keys.

Everything here works on Arabic script as written; candidates are never found by transliterating.

* :func:`units` — a name as its units, compounds kept whole whether written joined or split
  (عبدالرحمن = عبد الرحمن, ابوبكر = أبو بكر), after :func:`athar.arabic.normalize_arabic`
  (أ/إ/آ → ا, ة → ه, ى → ي, diacritics, tatweel).
* :func:`unit_key` — a unit without spaces and without the article (الخطيب = خطيب).
* :func:`rasm` — a unit's letters without their dots (ب/ت/ث/ن/ي, ج/ح/خ, د/ذ, ر/ز, س/ش, ص/ض,
  ط/ظ, ع/غ, ف/ق share a shape): what OCR confuses most, so blocking and near matches use it.
* :func:`compare_units` — how two units agree: ``same``, ``variant`` (the same letters but for dots,
  or a close consonant), ``near`` (one other letter substituted, OCR-like), ``partial`` (one letter
  more or less: a dropped letter, or another name such as محمد/محمود) or ``differ``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from athar.arabic import NAMES_NOT_ARTICLE, normalize_arabic, skeleton

SAME = "same"
VARIANT = "variant"
NEAR = "near"
PARTIAL = "partial"  # one letter more or less: OCR drops faint letters (محمد read حمد)
DIFFER = "differ"
MISSING = "missing"

# Heads that join the next word into one unit, and tails that join the previous one.
_HEADS = ("عبد", "ابو", "ابي", "ابا", "ابن", "بن", "بنت")
_TAILS = ("الدين", "الله", "الرحمن")
# A head written joined to its noun: عبدالرحمن, ابوبكر. The rest must be a name of its own (3+ letters),
# so عبده and عبدو stay single names.
_JOINED = re.compile(r"^(عبد|ابو)(?=(?:ال)?[\u0621-\u064a]{3,}$)")
_JOINED_TAIL = re.compile(r"^([\u0621-\u064a]{2,}?)(الدين|الله)$")
_DOTLESS = str.maketrans(
    {
        "ب": "ٮ",
        "ت": "ٮ",
        "ث": "ٮ",
        "ن": "ٮ",
        "ي": "ٮ",
        "ج": "ح",
        "خ": "ح",
        "ذ": "د",
        "ز": "ر",
        "ش": "س",
        "ض": "ص",
        "ظ": "ط",
        "غ": "ع",
        "ق": "ف",
        "ء": "",
        "ئ": "ٮ",
        "ؤ": "و",
    }
)
PARTIAL_MIN_LETTERS = 3  # a letter missing from a 3-letter name still leaves two to compare
NEAR_MIN_LETTERS = 4  # one letter in a shorter name changes it into another common name (علي/على)


def _split_joined(word: str) -> list[str]:
    match = _JOINED.match(word)
    if match:
        return [match.group(1), word[match.end() :]]
    tail = _JOINED_TAIL.match(word)
    if tail:
        return [tail.group(1), tail.group(2)]
    return [word]


@lru_cache(maxsize=4096)
def units(name: str | None) -> tuple[str, ...]:
    """Units of a normalised name, compounds whole: ``عبدالرحمن محمد`` → (``عبد الرحمن``, ``محمد``)."""
    if not name:
        return ()
    words: list[str] = []
    for raw in re.split(r"[^\u0621-\u064a]+", normalize_arabic(name)):
        if raw:
            words.extend(_split_joined(raw))
    out: list[str] = []
    for word in words:
        if out and (out[-1].split(" ")[-1] in _HEADS or word in _TAILS):
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    return tuple(out)


def _strip_article(word: str) -> str:
    if word in NAMES_NOT_ARTICLE:
        return word
    if len(word) > 3 and word.startswith("ال"):
        return word[2:]
    return word


@lru_cache(maxsize=4096)
def unit_key(unit: str) -> str:
    """A unit without spaces and articles: ``عبد الرحمن`` → ``عبدرحمن``, ``الخطيب`` → ``خطيب``."""
    return "".join(_strip_article(w) for w in " ".join(units(unit)).split(" ") if w)


@lru_cache(maxsize=4096)
def rasm(unit: str) -> str:
    """The unit's key with letters that differ only by dots folded together (OCR's usual confusion)."""
    return unit_key(unit).translate(_DOTLESS)


@lru_cache(maxsize=4096)
def _flat(unit: str) -> str:
    """Dotless letters with every space and article removed, wherever they are (joined compounds)."""
    return normalize_arabic(unit).replace(" ", "").replace("ال", "").translate(_DOTLESS)


@lru_cache(maxsize=4096)
def unit_skeleton(unit: str) -> str:
    """Consonant skeleton of a unit (shared Arabic/Latin alphabet), spaces removed."""
    return skeleton(unit).replace(" ", "")


def _one_deletion(a: str, b: str) -> bool:
    """Whether the longer of ``a`` and ``b`` is the shorter with one letter more."""
    short, long_ = sorted((a, b), key=len)
    if len(long_) != len(short) + 1:
        return False
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _one_substitution(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` have the same length and differ in exactly one letter.

    Insertions are not counted: محمد/محمود or حسن/حسين are different names, often brothers'.
    """
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


# A unit's precomputed forms in one string: key, skeleton, dotless key and flat dotless, joined by
# FORM_SEP. Computed once per mention (:mod:`link.features`) so pair scoring compares strings and never
# normalises again; two equal form strings are the same name without looking inside.
Form = str
FORM_SEP = "\x1e"


def form(unit: str | None) -> Form | None:
    """A unit's forms (None for no unit)."""
    if not unit:
        return None
    return FORM_SEP.join((unit_key(unit), unit_skeleton(unit), rasm(unit), _flat(unit)))


def form_rasm(f: Form) -> str:
    """The dotless key of a unit's forms."""
    return f.split(FORM_SEP, 3)[2]


def compare_forms(a: Form | None, b: Form | None) -> str:
    """:func:`compare_units` on precomputed forms (the linker's hot path)."""
    if a is None or b is None:
        return MISSING
    if a == b:
        return SAME
    ka, sa, ra, fa = a.split(FORM_SEP)
    kb, sb, rb, fb = b.split(FORM_SEP)
    if ka == kb:
        return SAME
    if len(ka) == len(kb) and sa == sb and sa:
        return VARIANT  # a letter for a close one, as Syrians say it (عثمان/عتمان, ذ/ز, ق/ك)
    if ra == rb or (len(fa) >= NEAR_MIN_LETTERS and fa == fb):
        return VARIANT  # the same letters but for their dots (عبدالرحمن misread عثدالرحمن too)
    shortest = min(len(ka), len(kb))
    if shortest >= NEAR_MIN_LETTERS and _one_substitution(ra, rb):
        return NEAR
    if shortest >= PARTIAL_MIN_LETTERS and _one_deletion(ra, rb):
        return PARTIAL  # not the same name (محمد/محمود are brothers' names), not a proof of another either
    return DIFFER


@lru_cache(maxsize=4096)
def compare_units(a: str | None, b: str | None) -> str:
    """``same``, ``variant``, ``near``, ``partial``, ``differ``, or ``missing`` (either side has no unit)."""
    return compare_forms(form(a), form(b))


def first_unit(name: str | None) -> str | None:
    """The first unit of a name (a mother written ``فاطمة الأحمد`` is compared on ``فاطمة``)."""
    found = units(name)
    return found[0] if found else None


def agrees(level: str) -> bool:
    """Whether a comparison level counts as the same name (``same``, ``variant`` or ``near``)."""
    return level in (SAME, VARIANT, NEAR)
