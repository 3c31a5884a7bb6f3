"""Shared Arabic text helpers: normalisation (with an offset map) and name keys.

Used by the NLP stage for page text and by the search index for queries, so both
sides normalise the same way. Character-level steps come from camel-tools'
data-free utilities (``normalize_unicode``, ``dediac_ar``, the ``arclean`` map,
alef / alef-maksura / teh-marbuta normalisation), applied one character at a
time and cached, which lets :func:`normalize_with_offsets` keep a map from every
normalised character back to the original text.

Name keys put Arabic and Latin spellings on a common consonant alphabet
(:func:`skeleton`): ``محمد الخطيب`` and ``Mohammad al-Khatib`` both give
``mhmd ktb``. Latin variants come from ``arabic-name-romanizer`` (country SY),
loaded lazily, cached per name unit, and kept only when their skeleton agrees
with the Arabic one (this drops the romanizer's occasional wrong guesses).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from athar.records import NameKeys

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Invisible format characters, removed: bidi marks, embeddings and isolates, zero-width space,
# non-joiner and joiner (a ZWNJ inside a word would split it from its plain spelling), word joiner
# and invisible operators, soft hyphen, BOM.
INVISIBLE = (
    "\u00ad\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
_BIDI = dict.fromkeys(map(ord, INVISIBLE), None)
# Letters camel-tools leaves alone that we fold: Persian yeh/kaf/heh, alef wasla, Farsi/Urdu forms.
_EXTRA = {
    "ی": "ي",
    "ې": "ي",
    "ۍ": "ي",
    "ک": "ك",
    "ڪ": "ك",
    "ھ": "ه",
    "ہ": "ه",
    "ۀ": "ه",
    "ٱ": "ا",
    "ى": "ي",
    "ة": "ه",
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ـ": "",
}
_VERTICAL = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def normalize_digits(s: str) -> str:
    """Eastern (٠-٩) and Persian (۰-۹) digits to Western 0-9; nothing else changes."""
    return s.translate(_DIGITS)


def strip_bidi(s: str) -> str:
    """Remove invisible format characters (:data:`INVISIBLE`: bidi marks, ZWSP/ZWNJ/ZWJ, BOM, ...)."""
    return s.translate(_BIDI)


@lru_cache(maxsize=1)
def _camel() -> tuple[Callable[[str], str], ...]:
    from camel_tools.utils.charmap import CharMapper
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
        normalize_unicode,
    )

    arclean = CharMapper.builtin_mapper("arclean")
    return (
        normalize_unicode,
        dediac_ar,
        arclean.map_string,
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
    )


class _CharTable(dict[int, str]):
    """code point -> normalised replacement, computed once per distinct character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in _VERTICAL:
            out = "\n"
        elif ch.isspace():
            out = " "
        elif ch in _BIDI_CHARS:
            out = ""
        elif code < 0x80:
            out = ch
        elif unicodedata.category(ch) == "Cc" or unicodedata.category(ch) == "Cs":
            out = " "
        else:
            out = ch
            for step in _camel():
                out = step(out)
            out = "".join(_EXTRA.get(c, c) for c in out).translate(_DIGITS)
            out = "".join(_EXTRA.get(c, c) for c in strip_bidi(out))
            out = "".join(" " if c.isspace() else c for c in out)
        self[code] = out
        return out


_BIDI_CHARS = frozenset(chr(c) for c in _BIDI)
_TABLE = _CharTable()
_SPACES = re.compile(r"\s+")

# The table for the scripts scanned pages hold, computed ahead of time: building it needs
# camel-tools' character sets, whose import costs about 0.8 CPU-s in every new process (each
# flow run of a deployment is one). Characters outside these ranges are still computed live.
CHAR_TABLE_FILE = Path(__file__).with_name("arabic_table.json")
CHAR_TABLE_RANGES = (
    (0x80, 0x250),  # Latin-1, Latin Extended-A/B
    (0x300, 0x370),  # combining marks
    (0x600, 0x700),  # Arabic
    (0x750, 0x780),  # Arabic Supplement
    (0x8A0, 0x900),  # Arabic Extended-A
    (0x2000, 0x2070),  # general punctuation, bidi controls
    (0xFB50, 0xFE00),  # Arabic Presentation Forms-A
    (0xFE70, 0xFF00),  # Arabic Presentation Forms-B
    (0xFF00, 0xFFF0),  # half- and full-width forms
)


def camel_tools_version() -> str:
    """Installed camel-tools version (the precomputed table is only used with the same one)."""
    try:
        return metadata.version("camel-tools")
    except metadata.PackageNotFoundError:
        return "missing"


def compute_char_table() -> dict[int, str]:
    """The normalisation of every code point in CHAR_TABLE_RANGES, computed live with camel-tools."""
    live = _CharTable()
    return {code: live[code] for lo, hi in CHAR_TABLE_RANGES for code in range(lo, hi)}


def write_char_table(path: Path = CHAR_TABLE_FILE) -> None:
    """Write the precomputed table; run after changing camel-tools' version or the steps above."""
    entries = {str(code): out for code, out in compute_char_table().items() if out != chr(code)}
    path.write_text(
        json.dumps({"camel_tools": camel_tools_version(), "changed": entries}, ensure_ascii=False, indent=0)
        + "\n",
        encoding="utf-8",
    )


def _load_char_table(path: Path = CHAR_TABLE_FILE) -> bool:
    """Fill the table from the precomputed file if it was made with the installed camel-tools."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if data.get("camel_tools") != camel_tools_version():
        return False
    changed = {int(code): out for code, out in data["changed"].items()}
    for lo, hi in CHAR_TABLE_RANGES:
        for code in range(lo, hi):
            _TABLE[code] = changed.get(code, chr(code))
    return True


_load_char_table()


def normalize_arabic(s: str) -> str:
    """Normalised form for matching: Unicode NFKC, no diacritics or tatweel, أإآٱ→ا, ى→ي, ة→ه,
    Persian ی/ک→ي/ك, Western digits, no bidi marks, whitespace folded to single spaces."""
    return _SPACES.sub(" ", s.translate(_TABLE)).strip()


def normalize_with_offsets(s: str, *, keep_lines: bool = False) -> tuple[str, list[int]]:
    """Like :func:`normalize_arabic`, plus ``offsets``: ``offsets[i]`` is the index in ``s`` of the
    character that produced normalised character ``i``; ``offsets[len(norm)] == len(s)``.

    With ``keep_lines`` line breaks survive (runs of blank lines fold to one ``\\n``) and the text is
    not stripped, so line structure stays usable. Map a span back with :func:`original_span`.
    """
    table = _TABLE
    chars: list[str] = []
    offsets: list[int] = []
    prev = "\n"  # so leading spaces are dropped
    for index, ch in enumerate(s):
        rep = table[ord(ch)] if ch not in _FAST_KEEP else ch
        for out in rep:
            if out == "\n" and not keep_lines:
                out = " "
            if out == " " and prev in " \n":
                continue
            if out == "\n" and prev == " " and chars:
                chars[-1] = "\n"  # a line break swallows the space before it
                offsets[-1] = index
                prev = out
                continue
            if out == "\n" and prev == "\n" and chars:
                continue
            chars.append(out)
            offsets.append(index)
            prev = out
    while chars and chars[-1] in " \n":
        chars.pop()
        offsets.pop()
    offsets.append(len(s))
    return "".join(chars), offsets


# ASCII letters and digits map to themselves: skip the table lookup for them.
_FAST_KEEP = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;/-()")


def original_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a ``[start, end)`` span of normalised text back to the original string."""
    if end <= start:
        return offsets[start], offsets[start]
    return offsets[start], offsets[end - 1] + 1


# ------------------------------------------------------------------ name keys

_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
# Arabic letter -> common consonant class ('' = dropped: long vowels, hamza, ain, final teh marbuta)
_AR_SKELETON = {
    "ب": "b",
    "ت": "t",
    "ط": "t",
    "ث": "t",
    "ج": "j",
    "ح": "h",
    "ه": "h",
    "خ": "k",
    "ك": "k",
    "ق": "k",
    "د": "d",
    "ذ": "z",
    "ض": "d",
    "ظ": "z",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ص": "s",
    "ش": "x",
    "غ": "g",
    "ف": "f",
    "ل": "l",
    "م": "m",
    "ن": "n",
}
# Latin spellings -> the same classes, longest first.
_LATIN_RULES = (
    ("sch", "x"),
    ("kh", "k"),
    ("gh", "g"),
    ("sh", "x"),
    ("ch", "x"),
    ("th", "t"),
    ("dh", "z"),
    ("dj", "j"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("g", "j"),
    ("v", "f"),
    ("p", "b"),
    ("x", "ks"),
)
_LATIN_KEEP = set("bdfghjklmnrstxz")
_LATIN_ARTICLE = re.compile(r"\b(?:al|el|ul|ol|a[dnrstz]|e[dnrstz]|ash|esh)-", re.IGNORECASE)
_LATIN_ABD = re.compile(r"\babd(?:[ -]?(?:ou?l|ul|el|(?:al|ol)(?![aeiouy])))?[ -]?(?=\w)", re.IGNORECASE)
_AR_ABD = re.compile(r"(?:^|(?<=\s))عبد ?ال")


def _collapse(chars: str) -> str:
    out: list[str] = []
    for c in chars:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


# Given names whose first two letters are not the article ال (normalised: إ/أ → ا). Without this
# list إلياس would key as "s" and never meet Elias/Ilyas ("ls"). Common in Syria, Muslim and Christian.
NAMES_NOT_ARTICLE = frozenset(
    {
        "الياس",  # Elias, Ilyas
        "اليا",  # Elia
        "اليان",  # Elian
        "الين",  # Eline
        "الينا",  # Elena, Alina
        "اليسار",  # Elissar
        "اليسا",  # Elissa, Alissa
        "اليس",  # Alice
        "الهام",  # Ilham, Elham
        "الفت",  # Olfat, Ulfat
        "الطاف",  # Altaf
        "الماس",  # Almas
        "الكسندر",  # Alexander
        "البير",  # Albert
        "الفريد",  # Alfred
    }
)


@lru_cache(maxsize=65536)
def _arabic_word_skeleton(word: str) -> str:
    if word in NAMES_NOT_ARTICLE:
        pass
    elif len(word) > 3 and word.startswith("ال"):
        word = word[2:]
    elif len(word) > 3 and word.startswith("لل"):
        word = word[1:]
    if word.endswith("ه") and len(word) >= 2:
        word = word[:-1]
    return _collapse("".join(_AR_SKELETON.get(c, "") for c in word))


@lru_cache(maxsize=65536)
def _latin_word_skeleton(word: str) -> str:
    word = word.lower()
    if word in ("al", "el", "ul"):
        return ""
    if word in ("mhd", "mohd", "muhd"):
        return "mhmd"
    for src, dst in _LATIN_RULES:
        word = word.replace(src, dst.upper())  # upper: already mapped, not re-read by later rules
    word = word.lower()
    if word.endswith("h") and len(word) > 2 and word[-2] not in _LATIN_KEEP:
        word = word[:-1]  # -ah / -eh / -ih endings (teh marbuta, final heh)
    return _collapse("".join(c for c in word if c in _LATIN_KEEP))


def skeleton(name: str) -> str:
    """Consonant skeleton on an alphabet shared by Arabic and Latin spellings (e.g. ``mhmd ktb``).

    Vowels, long vowels, hamza, ain and the article are dropped; close consonants share a class
    (ق/ك/خ → k, ث/ت/ط → t, ض/د → d, ذ/ظ/ز → z as Syrians say them, ص/س → s); doubled letters
    are collapsed.
    """
    text = normalize_arabic(name)
    if _ARABIC_LETTER.search(text):
        text = _AR_ABD.sub("عبد ", text)
        words = [_arabic_word_skeleton(w) for w in re.split(r"[^\u0621-\u064a]+", text)]
    else:
        text = re.sub(r"['’‘`ʿʾ]", "", text)
        text = _LATIN_ABD.sub("abd ", text)
        text = _LATIN_ARTICLE.sub(" ", text)
        words = [_latin_word_skeleton(w) for w in re.split(r"[^A-Za-z]+", text)]
    return " ".join(w for w in words if w)


_UNIT_HEADS = ("عبد", "ابو", "ابي", "ابا", "بن", "ابن", "بنت", "ال")
_UNIT_TAILS = ("الدين", "الله", "خير")


def name_units(name: str) -> list[str]:
    """Split a normalised Arabic name into units that stay whole (عبد الرحمن، أبو بكر، سيف الدين)."""
    units: list[str] = []
    for word in normalize_arabic(name).split(" "):
        if not word:
            continue
        if units and (units[-1] in _UNIT_HEADS or word in _UNIT_TAILS):
            units[-1] = f"{units[-1]} {word}"
        else:
            units.append(word)
    return units


@lru_cache(maxsize=1)
def _romanizer() -> Any:
    """The romanizer's default transliterator, with its ONNX models on one thread each.

    The package's default is two intra-op threads per session, which spin while they wait: on a
    loaded 2-core box, where OCR processes already fill the cores, that cost 3.5x the CPU for the
    same output (bench/e2e.py; identical candidates and scores on 100 names).
    """
    from arabic_name_romanizer import api
    from arabic_name_romanizer.inference import OnnxModel

    def one_thread(folder: Path) -> Any:
        files = ("encoder.onnx", "decoder.onnx", "vocab.json", "meta.json")
        return OnnxModel(folder, intra_op_threads=1) if all((folder / f).exists() for f in files) else None

    resources = Path(api.default_resources_dir())
    return api.Transliterator(
        model=one_thread(resources), persian_model=one_thread(resources / "persian"), auto_load_model=False
    )


@lru_cache(maxsize=65536)
def _unit_variants(unit: str) -> tuple[str, ...]:
    """Up to three Latin spellings of one name unit whose skeleton agrees with the Arabic one."""
    target = skeleton(unit)
    try:
        candidates = _romanizer().transliterate(unit, top_k=3, country="SY")
    except Exception:  # the romanizer is a best-effort helper; a key without variants is still useful
        return ()
    variants: list[str] = []
    for candidate in candidates:
        text = str(candidate.text).strip()
        if text and skeleton(text) == target and text not in variants:
            variants.append(text)
    return tuple(variants)


def latin_variants(name: str, top_k: int = 3) -> tuple[str, ...]:
    """Ranked Latin spellings of an Arabic name (per-unit romanizer output, combined by rank)."""
    per_unit = [_unit_variants(unit) for unit in name_units(name)]
    if not per_unit or any(not v for v in per_unit):
        per_unit = [v for v in per_unit if v]
        if not per_unit:
            return ()
    out: list[str] = []
    for rank in range(top_k):
        text = " ".join(v[min(rank, len(v) - 1)] for v in per_unit)
        if text not in out:
            out.append(text)
    return tuple(out)


@lru_cache(maxsize=262144)
def name_keys(name: str) -> NameKeys:
    """Search keys of a name written in Arabic or Latin script (normalised form, skeleton, Latin)."""
    normalized = normalize_arabic(name)
    if _ARABIC_LETTER.search(normalized):
        latin = latin_variants(normalized)
    else:
        normalized = _SPACES.sub(" ", re.sub(r"[-_'’`]", " ", normalized.casefold())).strip()
        latin = (normalized,) if normalized else ()
    return NameKeys(normalized=normalized, skeleton=skeleton(name), latin=latin)
