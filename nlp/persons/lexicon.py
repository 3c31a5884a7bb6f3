"""Is a span a person's name? The name lexicon, boilerplate words, and ranks and titles.

Data: ``nlp/data/names.tsv`` (given names, female given names, family names; made by
``nlp/data/make_names.py`` from arabic-name-romanizer's Wikidata index, CC0) and
``nlp/data/person_stopwords.txt`` (words of letters and forms that are never part of a name, and the
ranks and titles written before names). A span is kept when its words are mostly names or unknown
words (an OCR misreading of a name is unknown, not a non-name); a span with no known name word, or
with as many boilerplate words as name words, is rejected.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nlp.layout import Token
from nlp.places import gazetteer

DATA = Path(__file__).resolve().parent.parent / "data"
# parts of compound names: عبد + X, أبو X, بن/ابن/بنت, X الدين, X الله, محمد خير
NAME_PARTS = frozenset({"عبد", "ابو", "ابي", "ابا", "بن", "ابن", "بنت", "ال", "الدين", "الله", "خير"})
# a name word misread by one letter still counts as a name from this length
FUZZY_MIN = 4
NISBA_MIN = 6  # ال + three letters + ي
# a leading glyph is a table rule read as a letter when the rest is this many times more common
RULE_GLYPH_RATIO = 20
RULE_GLYPHS = ("ا", "ل", "|")


@dataclass(frozen=True)
class Lexicon:
    kinds: dict[str, frozenset[str]]  # word -> given / female / family
    counts: dict[str, int]
    deletions: dict[str, frozenset[str]]  # word with one letter deleted -> words
    stop: frozenset[str]  # boilerplate words: never a name
    titles: dict[tuple[str, ...], str]  # rank or title words -> role hint ("" when none)
    title_starts: frozenset[str]
    cues: dict[tuple[str, ...], str]  # position or formula words before a title or name -> role
    cue_starts: frozenset[str]


def _read_sections(path: Path) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        sections.setdefault(current, []).append(line)
    return sections


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The loaded lexicon (read once per process)."""
    kinds: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    with open(DATA / "names.tsv", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            word, kind, n = line.rstrip("\n").split("\t")
            kinds.setdefault(word, set()).add(kind)
            counts[word] = counts.get(word, 0) + int(n)
    deletions: dict[str, set[str]] = {}
    for word in kinds:
        if len(word) >= FUZZY_MIN:
            for i in range(len(word)):
                deletions.setdefault(word[:i] + word[i + 1 :], set()).add(word)
    sections = _read_sections(DATA / "person_stopwords.txt")
    titles: dict[tuple[str, ...], str] = {}
    for line in sections.get("titles", []):
        words, _, role = line.partition("=")
        titles[tuple(words.split())] = role.strip()
    cues: dict[tuple[str, ...], str] = {}
    for line in sections.get("cues", []):
        words, _, role = line.partition("=")
        cues[tuple(words.split())] = role.strip()
    stop = frozenset(w for line in sections.get("boilerplate", []) for w in line.split())
    return Lexicon(
        {w: frozenset(k) for w, k in kinds.items()},
        counts,
        {d: frozenset(ws) for d, ws in deletions.items()},
        stop,
        titles,
        frozenset(k[0] for k in titles),
        cues,
        frozenset(k[0] for k in cues),
    )


@functools.lru_cache(maxsize=1 << 15)
def word_class(norm: str) -> str:
    """``name``, ``stop`` (boilerplate, title or cue word) or ``unknown`` for one normalised word."""
    lex = lexicon()
    if norm in lex.stop or (len(norm) > 3 and norm[0] in "وبلف" and norm[1:] in lex.stop):
        return "stop"
    if norm[:1] == "و" and (norm[1:],) in lex.titles:  # والسيد، والعميد: the next person begins
        return "stop"
    if (norm,) in lex.cues:
        return "stop"
    if norm in lex.kinds or norm in NAME_PARTS:
        return "name"
    if len(norm) > 3 and norm[0] in "وب" and norm[1:] in lex.kinds:
        return "name"
    if len(norm) >= FUZZY_MIN and _near_name(norm):
        return "name"
    if len(norm) >= NISBA_MIN and norm.startswith("ال") and norm.endswith("ي"):
        return "name"  # a nisba (السراقبي، المعراوي): a family name the lexicon may not list
    return "unknown"


def _near_name(norm: str) -> bool:
    """One OCR edit (substitution, insertion or deletion) from a lexicon word."""
    lex = lexicon()
    if norm in lex.deletions:  # one letter too many, or a substitution
        return True
    for i in range(len(norm)):
        shorter = norm[:i] + norm[i + 1 :]
        if shorter in lex.kinds or shorter in lex.deletions:
            return True
    return False


def is_female(norm: str) -> bool:
    return "female" in lexicon().kinds.get(norm, ())


def is_given(norm: str) -> bool:
    return bool({"given", "female"} & lexicon().kinds.get(norm, frozenset()))


def looks_like_name(tokens: Sequence[Token]) -> bool:
    """Whether name words outweigh boilerplate: at least one known name word and more of them than
    boilerplate words."""
    classes = [word_class(t.norm) for t in tokens]
    names = classes.count("name")
    return names > 0 and names > classes.count("stop")


def _longest(tokens: Sequence[Token], table: dict[tuple[str, ...], str]) -> tuple[int, str]:
    for n in range(min(4, len(tokens)), 0, -1):
        key = tuple(t.norm for t in tokens[:n])
        if key in table:
            return n, table[key]
    return 0, ""


def title_length(tokens: Sequence[Token]) -> tuple[int, str | None]:
    """(number of leading tokens that are ranks or titles, role hint of the first that has one)."""
    lex = lexicon()
    at = 0
    role: str | None = None
    while at < len(tokens) and tokens[at].norm in lex.title_starts:
        n, hint = _longest(tokens[at:], lex.titles)
        if not n:
            break
        role = role or hint or None
        at += n
    return at, role


def cue_length(tokens: Sequence[Token]) -> tuple[int, str | None]:
    """(number of leading tokens that are a position or formula cue, its role)."""
    lex = lexicon()
    if not tokens or tokens[0].norm not in lex.cue_starts:
        return 0, None
    n, role = _longest(tokens, lex.cues)
    return n, (role or None) if n else None


def role_length(tokens: Sequence[Token]) -> tuple[int, int, str | None]:
    """(cue tokens, title tokens after them, role): a cue's role wins over the title's."""
    c, cue_role = cue_length(tokens)
    n, title_role = title_length(tokens[c:])
    return c, n, cue_role or title_role


MAX_GLYPHS = 2  # "أا" before a name: a rule read as two letters
MIN_REST = 3


def _known_word(norm: str) -> bool:
    return norm in lexicon().kinds or norm in NAME_PARTS or (norm,) in gazetteer().by_words


def strip_rule_glyph(tok: Token, *, rare_whole: bool = False) -> Token:
    """A table's vertical rule read as a letter glued to a word at a cell edge ("أاسميرة" for "سميرة"):
    the token without it when the rest is a known name (or place) and the whole is not. With
    ``rare_whole`` (a row's first name) a known whole goes too when the rest is far more common
    ("امحمد", a rare spelling, for "محمد"). The article (ال) is never taken for two rules."""
    norm = tok.norm
    lex = lexicon()
    for cut in range(1, MAX_GLYPHS + 1):
        rest = norm[cut:]
        if len(rest) < MIN_REST or norm[cut - 1] not in RULE_GLYPHS or norm[:cut] == "ال":
            return tok
        if not _known_word(rest):
            continue
        if _known_word(norm):
            rare = lex.counts.get(rest, 0) >= RULE_GLYPH_RATIO * max(1, lex.counts.get(norm, 0))
            if not (rare_whole and cut == 1 and rare and is_given(rest)):
                return tok
        return Token(rest, min(tok.start + cut, tok.end), tok.end, tok.x0, tok.x1)
    return tok
