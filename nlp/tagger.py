"""A learned tagger for names in running text: a linear-chain CRF (python-crfsuite) over words.

Finds PERSON and LOCATION mentions (source ``"crf"``) in prose: judges, officers, witnesses and
places named without a label. The model (``nlp/data/tagger.crfsuite``) is trained by
``nlp/train/train_tagger.py`` on ANERcorp's CAMeL Lab train split plus generated record prose; its
provenance, parameters and dev scores are in ``nlp/data/tagger.json``. It also labels ORG and MISC,
which are not emitted.

Features of a word: its normalised form, the form without proclitics (و ف ب ل ك ال), prefixes and
suffixes, shape, lexicon classes (given name, family name, place, facility; ``nlp.lexicon``), cue
classes (title, speech verb, place noun, preposition), multi-word place matches, position; and the
forms, classes and cues of the two words either side. Tagging is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from athar.arabic import normalize_arabic
from athar.errors import ConfigurationError
from athar.records import Mention
from nlp.lexicon import MAX_PERSON_WORDS, lexicon

DATA = Path(__file__).resolve().parent / "data"
MODEL = DATA / "tagger.crfsuite"
# Words of people's names of every origin in Arabic script (Wikidata, CC0; nlp/data/make_wd_names.py).
PERSON_WORDS = DATA / "wd_person_words.tsv"
# Words of ANERcorp's train split that are common and hardly ever part of a person's name (written by the
# recipe): taken out of PERSON_WORDS, whose Latin-to-Arabic pairs also hold particles and common nouns.
COMMON_WORDS = DATA / "tagger_common_words.txt"
SOURCE = "crf"
# A word: letters (with diacritics and tatweel) and digits; any other non-space character stands alone.
TOKEN = re.compile(r"[\w\u0640\u064b-\u065f\u0670]+|[^\w\s]", re.UNICODE)
MAX_TOKENS = 400  # per sequence: a line longer than this is tagged in pieces (the CRF is linear in length)
_TYPES = {"PERS": "PERSON", "LOC": "LOCATION"}
_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")
_WINDOW = (-2, -1, 1, 2)
_LONG_VOWELS = "اويى"
_MAX_VOWELS = 4  # long-vowel letters in a stem, capped: transcribed foreign names are rich in them
MIN_PROPAGATED = 3  # letters of a one-word name spread to its other occurrences (shorter: too ambiguous)
MAX_PROPAGATED_WORDS = 8  # words of the longest name spread (ism, nasab chain, laqab, nisba)
PROSE_MIN_WORDS = 6
PROSE_MAX_NUMBERS = 0.25


def _strip_clitics(word: str) -> tuple[str, str]:
    """(clitics, stem): a conjunction, a preposition and the article taken off the front."""
    clitics = ""
    if len(word) > 3 and word[0] in _CONJ:
        clitics, word = "c", word[1:]
    if len(word) > 3 and word.startswith("لل"):
        return clitics + "pa", word[2:]
    if len(word) > 3 and word[0] in _PREP and word[1:3] == "ال":
        clitics, word = clitics + "p", word[1:]
    if len(word) > 3 and word.startswith("ال"):
        clitics, word = clitics + "a", word[2:]
    return clitics, word


def _shape(token: str) -> str:
    if token.isdigit():
        return "digit"
    if re.fullmatch(r"[\u0621-\u064a]+", token):
        return "ar"
    if token.isascii() and token.isalpha():
        return "latin"
    if not token[0].isalnum():
        return "punct"
    return "mixed"


@lru_cache(maxsize=65536)
def word_features(token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(own features, features shown to the neighbours) of one word, cached per spelling."""
    lex = lexicon()
    w = normalize_arabic(token) or token
    clitics, stem = _strip_clitics(w)
    classes = set(lex.words.get(w, ()))
    for form in (stem, "ال" + stem, w[1:] if clitics.startswith("c") else ""):
        if form and form != w:
            classes.update(f"{c}~" for c in lex.words.get(form, ()))
    cue = lex.cues.get(w) or lex.cues.get(stem, "")
    own = [
        "w=" + w,
        "stem=" + stem,
        "cl=" + clitics,
        "shape=" + _shape(w),
        "len=" + str(min(len(stem), 8)),
        "p2=" + w[:2],
        "p3=" + w[:3],
        "s1=" + w[-1:],
        "s2=" + w[-2:],
        "s3=" + w[-3:],
        "cue=" + cue,
        "nv=" + str(min(sum(c in _LONG_VOWELS for c in stem), _MAX_VOWELS)),
    ]
    own += ["lex=" + c for c in sorted(classes)]
    shown = ["w=" + w, "stem=" + stem, "cue=" + cue, *("lex=" + c for c in sorted(classes))]
    return tuple(own), tuple(shown)


def _place_matches(words: list[str]) -> list[str]:
    """B-/I- marks of the longest multi-word gazetteer names in a normalised word sequence."""
    lex = lexicon()
    marks = [""] * len(words)
    i = 0
    while i < len(words):
        found = 0
        if words[i] in lex.place_starts or words[i][1:] in lex.place_starts:
            for n in range(min(4, len(words) - i), 1, -1):
                key = tuple(words[i : i + n])
                kind = lex.places.get(key) or lex.places.get((key[0][1:], *key[1:]))
                if kind:
                    marks[i] = "B-" + kind
                    for j in range(i + 1, i + n):
                        marks[j] = "I-" + kind
                    found = n
                    break
        i += found or 1
    return marks


def _person_matches(words: list[str]) -> list[str]:
    """B-/I- marks of the longest full names of the name index in a normalised word sequence."""
    lex = lexicon()
    marks = [""] * len(words)
    i = 0
    while i < len(words):
        found = 0
        start = words[i] if words[i] in lex.person_starts else _strip_clitics(words[i])[1]
        if start in lex.person_starts:
            for n in range(min(MAX_PERSON_WORDS, len(words) - i), 1, -1):
                if (start, *words[i + 1 : i + n]) in lex.persons:
                    marks[i : i + n] = ["B-per"] + ["I-per"] * (n - 1)
                    found = n
                    break
        i += found or 1
    return marks


_common_override: frozenset[str] | None = None


def use_common_words(words: frozenset[str] | None) -> None:
    """Take ``words`` (not COMMON_WORDS) out of the person-word list: the recipe's dev runs."""
    global _common_override
    _common_override = words
    person_words.cache_clear()
    person_word_marks.cache_clear()


@lru_cache(maxsize=1)
def person_words() -> dict[str, int]:
    """Normalised name word -> how often Wikidata's Arabic person names hold it, common words left out."""
    if _common_override is not None:
        common: frozenset[str] = _common_override
    elif COMMON_WORDS.is_file():
        common = frozenset(COMMON_WORDS.read_text(encoding="utf-8").split())
    else:
        common = frozenset()
    out: dict[str, int] = {}
    if PERSON_WORDS.is_file():
        for line in PERSON_WORDS.read_text(encoding="utf-8").splitlines():
            word, _, count = line.partition("\t")
            if word and word not in common:
                out[word] = int(count)
    return out


def _count_bin(n: int) -> str:
    return "1" if n < 2 else "2" if n < 5 else "5" if n < 20 else "20" if n < 100 else "100"


@lru_cache(maxsize=65536)
def person_word_marks(token: str) -> tuple[str, ...]:
    """``wdp=<count bin>`` when the word is a name word; ``wdp~=`` when it is one after a proclitic."""
    words = person_words()
    w = normalize_arabic(token) or token
    if w in words:
        return ("wdp=" + _count_bin(words[w]),)
    stem = _strip_clitics(w)[1]
    one = w[1:] if len(w) > 3 and w[0] in "وفبلك" else ""
    two = w[2:] if len(w) > 4 and w[0] in _CONJ and w[1] in _PREP else ""
    for form in (stem, one, two):
        if form and form in words:
            return ("wdp~=" + _count_bin(words[form]),)
    return ()


def sequence_features(tokens: list[str]) -> list[list[str]]:
    """Feature strings of every word of one sequence (sentence or line)."""
    per_word = [word_features(t) for t in tokens]
    marks = [person_word_marks(t) for t in tokens]
    norms = [own[0][2:] for own, _shown in per_word]
    places = _place_matches(norms)
    persons = _person_matches(norms)
    out: list[list[str]] = []
    n = len(tokens)
    for i, (own, _shown) in enumerate(per_word):
        feats = ["bias", *own]
        if places[i]:
            feats.append("gaz=" + places[i])
        if persons[i]:
            feats.append("pgaz=" + persons[i])
        if i == 0:
            feats.append("BOS")
        if i == n - 1:
            feats.append("EOS")
        for d in _WINDOW:
            j = i + d
            if 0 <= j < n:
                feats += [f"{d}:{f}" for f in per_word[j][1]]
                if places[j]:
                    feats.append(f"{d}:gaz=" + places[j])
                if persons[j] and abs(d) == 1:
                    feats.append(f"{d}:pgaz=" + persons[j])
            else:
                feats.append(f"{d}:pad")
        if i > 0:
            feats.append(f"-1|0={norms[i - 1]}|{norms[i]}")
        if i < n - 1:
            feats.append(f"0|1={norms[i]}|{norms[i + 1]}")
        feats += marks[i]
        for d in (-1, 1):
            if 0 <= i + d < n:
                feats += [f"{d}:{m}" for m in marks[i + d]]
        out.append(feats)
    return out


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) of every word and punctuation mark of ``text``."""
    return [(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(text)]


def sequences(text: str) -> Iterator[list[tuple[str, int, int]]]:
    """The tagger's sequences of a text: one per line, long lines cut into MAX_TOKENS pieces."""
    pos = 0
    for line in text.split("\n"):
        tokens = [(t, pos + a, pos + b) for t, a, b in tokenize(line)]
        pos += len(line) + 1
        for start in range(0, len(tokens), MAX_TOKENS):
            if tokens[start : start + MAX_TOKENS]:
                yield tokens[start : start + MAX_TOKENS]


@lru_cache(maxsize=2)
def load_tagger(path: str) -> Any:
    """The CRF model in ``path``, opened once per process."""
    import pycrfsuite

    if not Path(path).is_file():
        raise ConfigurationError(
            f"the tagger model {path} is missing; restore nlp/data/tagger.crfsuite from the repository "
            "or train it with `python nlp/train/train_tagger.py`."
        )
    tagger = pycrfsuite.Tagger()
    tagger.open(path)
    return tagger


def tag_tokens(tokens: list[str], model: str | None = None) -> list[str]:
    """BIO labels (B-PERS, I-LOC, O …) of a word sequence (``model``: the shipped one by default)."""
    if not tokens:
        return []
    return list(load_tagger(model or str(MODEL)).tag(sequence_features(tokens)))


def tag_mentions(text: str, page: int = 0, model: str | None = None, propagate: bool = True) -> list[Mention]:
    """PERSON and LOCATION mentions of ``text``; spans index ``text`` exactly (whole words).

    ``propagate``: a second pass over the whole text (one document) tags as PERSON every other
    occurrence of a word sequence tagged PERSON somewhere in it (:func:`propagate_persons`).
    """
    from nlp.places import resolve_place

    seqs = list(sequences(text))
    tagged = [tag_tokens([t for t, _a, _b in seq], model) for seq in seqs]
    if propagate:
        tagged = propagate_persons([[t for t, _a, _b in seq] for seq in seqs], tagged)
    mentions: list[Mention] = []
    for seq, labels in zip(seqs, tagged, strict=True):
        for kind, a, b in bio_spans([(a, b) for _t, a, b in seq], labels):
            surface = text[a:b]
            value = None
            if kind == "LOCATION":
                place = resolve_place(surface)
                value = place.id if place else None
            mentions.append(Mention(kind, surface, a, b, value, page, SOURCE))
    return mentions


def _name_key(token: str, first: bool) -> str:
    w = normalize_arabic(token) or token
    return _strip_clitics(w)[1] if first else w


def propagate_persons(seqs: list[list[str]], tagged: list[list[str]]) -> list[list[str]]:
    """Labels with every untagged occurrence of a tagged PERSON word sequence tagged PERSON too.

    The first word is compared without its proclitics (وسليم نادر is سليم نادر); only words labelled
    O are relabelled, longest sequence first.
    """
    names: set[tuple[str, ...]] = set()
    for tokens, labels in zip(seqs, tagged, strict=True):
        spans = [(i, i + 1) for i in range(len(tokens))]
        for kind, a, b in bio_spans(spans, labels):
            if kind == "PERSON":
                if b - a > MAX_PROPAGATED_WORDS:
                    continue  # no name is that long; a runaway span is not spread (and would cost T x L^2)
                key = tuple(_name_key(t, k == 0) for k, t in enumerate(tokens[a:b]))
                if len(key) > 1 or len(key[0]) >= MIN_PROPAGATED:
                    names.add(key)
    if not names:
        return tagged
    longest = max(len(k) for k in names)
    out = []
    for tokens, labels in zip(seqs, tagged, strict=True):
        labels = list(labels)
        firsts = [_name_key(t, True) for t in tokens]
        rests = [_name_key(t, False) for t in tokens]
        i = 0
        while i < len(tokens):
            step = 1
            for n in range(min(longest, len(tokens) - i), 0, -1):
                window = labels[i : i + n]
                end_ok = i + n == len(labels) or not labels[i + n].startswith("I-")
                key = (firsts[i], *rests[i + 1 : i + n])
                if key in names and end_ok and all(x == "O" for x in window):
                    labels[i : i + n] = ["B-PERS"] + ["I-PERS"] * (n - 1)
                    step = n
                    break
            i += step
        out.append(labels)
    return out


def bio_spans(spans: list[tuple[int, int]], labels: list[str]) -> list[tuple[str, int, int]]:
    """(type, start, end) of the PERSON/LOCATION chunks of BIO ``labels`` over word ``spans``."""
    out: list[tuple[str, int, int]] = []
    current: list[Any] | None = None
    for (a, b), label in [*zip(spans, labels, strict=True), ((0, 0), "O")]:
        prefix, _, kind = label.partition("-")
        mapped = _TYPES.get(kind)
        if current and (prefix != "I" or mapped != current[0]):
            out.append((current[0], current[1], current[2]))
            current = None
        if mapped and current is None:
            current = [mapped, a, b]
        elif mapped and current:
            current[2] = b
    return out


def prose_lines(text: str) -> str:
    """``text`` with every line that does not read as prose blanked out (same length, same offsets).

    Prose: at least PROSE_MIN_WORDS words, of which at most PROSE_MAX_NUMBERS are numbers (a table
    row of a register is names, numbers and dates; a sentence of a verdict is words).
    """
    out = []
    for line in text.split("\n"):
        tokens = [t for t, _a, _b in tokenize(line) if t[0].isalnum()]
        numbers = sum(any(c.isdigit() for c in t) for t in tokens)
        prose = len(tokens) >= PROSE_MIN_WORDS and numbers <= PROSE_MAX_NUMBERS * len(tokens)
        out.append(line if prose else " " * len(line))
    return "\n".join(out)


def merge_tagged(rules: list[Mention], tagged: list[Mention]) -> list[Mention]:
    """The rules' mentions plus the tagger's that overlap none of them (the rules win where both speak),
    except that a tagger PERSON strictly inside a rules PERSON replaces it: in prose the rules' person
    spans, cut after a title, keep nationality adjectives and the words after a name
    (الرئيس [السوداني عمر البشير]).
    """
    persons = [(m.page, m.start, m.end) for m in tagged if m.type == "PERSON"]
    rules = [
        m
        for m in rules
        if m.type != "PERSON"
        or not any(
            p == m.page and m.start <= a and b <= m.end and (a, b) != (m.start, m.end) for p, a, b in persons
        )
    ]
    taken = sorted((m.page, m.start, m.end) for m in rules)
    out = list(rules)
    for m in tagged:
        if not any(p == m.page and a < m.end and m.start < b for p, a, b in taken):
            out.append(m)
    return out
