"""Person records from labelled fields, table rows and prose.

Input: the page's :class:`~nlp.layout.Line` s (tokens with spans in the page text). Three readers:

- tables: a header line made of column labels (الاسم الثلاثي، اسم الأم، محل وتاريخ الولادة، الرقم
  الوطني …); every following row is one person. Cells rebuilt from word boxes are assigned to the
  nearest header column; without boxes the row is read in column order (serial, name, mother, place,
  year, ID, date) with the name/mother split by unit counts and the birth place by the gazetteer.
- labelled fields: ``الاسم: …``, ``اسم الأب: …``, ``اسم الأم: …``, ``تولد: …`` … one block per person.
- prose: a trigger (المدعو، الموقوف، المعتقل، تم توقيف …) followed by the name, then والدته/أمه,
  تولد/مواليد and an event verb with its date and place in the same sentence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from athar.arabic import name_keys
from athar.records import Event, Mention, Person
from nlp.dates import find_date_spans
from nlp.layout import Cell, Line, Token
from nlp.places import Place, branch, gazetteer

# ------------------------------------------------------------------ labels

_LABELS: dict[tuple[str, ...], str] = {}


def _label(field_name: str, *forms: str) -> None:
    for form in forms:
        _LABELS[tuple(form.split())] = field_name


_label(
    "name",
    "الاسم",
    "الاسم الثلاثي",
    "الاسم الكامل",
    "الاسم والشهره",
    "اسم الموقوف",
    "اسم المتوفي",
    "اسم المعتقل",
    "اسم المتهم",
    "اسم المحكوم",
    "اسم السجين",
    "اسم الموقوف الثلاثي",
    "الاسم الرباعي",
)
_label("father", "اسم الاب", "اسم الوالد", "الاب")
_label("grandfather", "اسم الجد")
_label("family", "الشهره", "الكنيه", "اللقب", "النسبه")
_label("mother", "اسم الام", "اسم الوالده", "والدته", "امه", "الام")
_label(
    "birth",
    "محل وتاريخ الولاده",
    "مكان وتاريخ الولاده",
    "تاريخ الولاده",
    "مكان الولاده",
    "محل الولاده",
    "تولد",
    "التولد",
    "مواليد",
    "المواليد",
    "تاريخ ومحل الولاده",
    "سنه الولاده",
)
_label("nid", "الرقم الوطني", "رقم الهويه", "الرقم الوطنى")
_label("ev:detention", "تاريخ التوقيف", "تاريخ الايداع", "تاريخ الدخول")
_label("ev:arrest", "تاريخ الاعتقال", "تاريخ القبض")
_label("ev:transfer", "تاريخ النقل", "تاريخ الترحيل")
_label("ev:death", "تاريخ الوفاه")
_label("ev:release", "تاريخ الافراج", "تاريخ اخلاء السبيل")
_label("ev:sentence", "تاريخ الحكم")
_label("serial", "الرقم", "الرقم المتسلسل", "م", "ت", "التسلسل")
_label(
    "other",
    "رقم الموقوف",
    "المهنه",
    "الجنس",
    "سبب الوفاه",
    "الجهه المحيله",
    "القيد",
    "رقم القيد",
    "ملاحظات",
    "مكان التوقيف",
    "الجهه الموقفه",
    "التهمه",
    "الجرم",
    "العنوان",
    "الطبيب الشرعي",
)
_MAX_LABEL = max(len(k) for k in _LABELS)
_LABEL_STARTS = {k[0] for k in _LABELS}
_PERSON_FIELDS = ("name", "father", "grandfather", "family", "mother", "birth", "nid")

_TRIGGERS = {
    ("المدعو",): None,
    ("المدعوه",): None,
    ("الموقوف",): None,
    ("الموقوفه",): None,
    ("المعتقل",): None,
    ("المعتقله",): None,
    ("السجين",): None,
    ("المتهم",): None,
    ("المحكوم",): None,
    ("تم", "توقيف"): "detention",
    ("تم", "اعتقال"): "arrest",
    ("توقيف",): "detention",
    ("اعتقال",): "arrest",
    ("المرحوم",): "death",
    ("الشهيد",): "death",
}
_STOPS = {
    "والدته",
    "امه",
    "واسم",
    "اسم",
    "تولد",
    "مواليد",
    "من",
    "في",
    "بتاريخ",
    "اوقف",
    "نقل",
    "توفي",
    "الي",
    "عام",
    "وذلك",
    "المولود",
    "وهو",
    "الذي",
    "ابن",
    "عن",
    "بعد",
    "قبل",
    "منذ",
    "حيث",
    "تم",
    "واودع",
    "اودع",
    "وقد",
    "لدي",
    "الموقوف",
    "المعتقل",
    "المدعو",
    "وتوفي",
    "ونقل",
    "واعتقل",
    "اعتقل",
    "والمولود",
    "والدتها",
    "امها",
    "والده",
    "ووالده",
    "والدها",
    "بجرم",
    "بتهمه",
    "وحكم",
    "حكم",
    "وحكمت",
    "سنه",
    "مع",
    "او",
}
_VERBS = (
    ("توفي", "death"),
    ("وتوفي", "death"),
    ("وفاه", "death"),
    ("نقل", "transfer"),
    ("ونقل", "transfer"),
    ("اوقف", "detention"),
    ("واوقف", "detention"),
    ("توقيف", "detention"),
    ("اودع", "detention"),
    ("واودع", "detention"),
    ("اعتقل", "arrest"),
    ("واعتقل", "arrest"),
    ("اعتقال", "arrest"),
    ("افرج", "release"),
    ("اطلق", "release"),
    ("حكم", "sentence"),
    ("وحكم", "sentence"),
    ("وحكمت", "sentence"),
    ("حكمت", "sentence"),
    ("محاكمه", "trial"),
)
_VERB = dict(_VERBS)
# cue words of four letters or more, matched with one OCR error in prose (تواد for تولد, والدنه for والدته)
_MOTHER_CUES = ("والدته", "والدتها")
_BIRTH_CUES = ("تولد", "مواليد", "المولود", "والمولود", "مولود")
_FUZZY_STOPS = (*_MOTHER_CUES, *_BIRTH_CUES, "بتاريخ")


_NOT_CUES = {"والده", "والدها", "ووالده"}  # his/her father: one letter from والدته/والدتها


def _cue(norm: str, cues: Sequence[str]) -> bool:
    """``norm`` is one of ``cues``, exactly or with one OCR error (words of four letters or more)."""
    if norm in cues:
        return True
    return (
        len(norm) >= 4
        and norm not in _NOT_CUES
        and any(len(c) >= 4 and Levenshtein.distance(c, norm, score_cutoff=1) <= 1 for c in cues)
    )


def _is_stop(tok: Token) -> bool:
    """A word that ends a name or a mother's name in prose."""
    return tok.norm in _STOPS or _cue(tok.norm, _FUZZY_STOPS)


# a full stop read by OCR for a comma does not end the sentence when a field of the person follows
_CONTINUES = {"امه", "امها", "واسم", "اسم", "مواليد", "تولد", "والمولود", "المولود"}


def _continues(tokens: Sequence[Token], at: int, limit: int) -> bool:
    """The words at ``at`` go on describing the person (أمه، تولد، من مواليد، والدته …)."""
    if at >= limit:
        return False
    norm = tokens[at].norm
    if norm == "من":
        return at + 1 < limit and tokens[at + 1].norm == "مواليد"
    return norm in _CONTINUES or _cue(norm, _MOTHER_CUES)


_UNIT_HEADS = {"عبد", "ابو", "ابي", "ابا", "بن", "ابن", "بنت", "ال"}
_UNIT_TAILS = {"الدين", "الله", "خير"}
_ARABIC = re.compile(r"^[\u0621-\u064a]+$")


def _is_word(tok: Token) -> bool:
    return bool(_ARABIC.match(tok.norm))


def _units(tokens: Sequence[Token]) -> list[list[Token]]:
    """Group name tokens into units that stay whole (عبد الرحمن، أبو بكر، سيف الدين، محمد خير)."""
    units: list[list[Token]] = []
    for tok in tokens:
        if units and (units[-1][-1].norm in _UNIT_HEADS or tok.norm in _UNIT_TAILS):
            units[-1].append(tok)
        else:
            units.append([tok])
    return units


# ---------------------------------------------------------------- builders


@dataclass
class _Draft:
    """A person being assembled; spans are in the page text."""

    name: list[Token] = field(default_factory=list)
    first: list[Token] = field(default_factory=list)
    father: list[Token] = field(default_factory=list)
    grandfather: list[Token] = field(default_factory=list)
    family: list[Token] = field(default_factory=list)
    mother: list[Token] = field(default_factory=list)
    birth_date: str | None = None
    birth_place: list[Token] = field(default_factory=list)
    national_id: str | None = None
    events: list[Event] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    year_tokens: list[tuple[Token, Token, str]] = field(default_factory=list)

    def has_name(self) -> bool:
        return bool(self.name or self.first)


class _Page:
    """The original page text, to cut tokens' original spelling from."""

    def __init__(self, text: str) -> None:
        self.text = text

    def cut(self, tokens: Sequence[Token]) -> str | None:
        if not tokens:
            return None
        spans = sorted((t.start, t.end) for t in tokens)
        # tokens are contiguous in reading order when read from text; from OCR they may not be
        parts: list[tuple[int, int]] = []
        for a, b in spans:
            if parts and a <= parts[-1][1] + 2:
                parts[-1] = (parts[-1][0], max(parts[-1][1], b))
            else:
                parts.append((a, b))
        if len(parts) == 1 and parts[0][1] - parts[0][0] <= 6 * sum(len(t.norm) + 1 for t in tokens):
            return self.text[parts[0][0] : parts[0][1]].strip()
        ordered = [self.text[t.start : t.end] or t.norm for t in tokens]
        return " ".join(ordered).strip()


def _finish(draft: _Draft, page: _Page, page_no: int) -> Person | None:
    name_tokens = draft.name
    units = _units([t for t in name_tokens if _is_word(t)])
    first, father, grandfather, family = draft.first, draft.father, draft.grandfather, draft.family
    if len(units) == 1 and not first and (father or family):  # a given-name column beside a father's
        first = units[0]
        name_tokens = first + father + grandfather + family
    if units and not (first or father or family):
        if len(units) == 1:
            first = units[0]
        elif len(units) == 2:
            first, family = units
        elif len(units) == 3:
            first, father, family = units
        else:
            first, father = units[0], units[1]
            grandfather = [t for u in units[2:-1] for t in u]
            family = units[-1]
    elif not units and first:
        name_tokens = first + father + grandfather + family
    if not first and not name_tokens:
        return None
    if father and father[0].norm in ("بن", "ابن") and len(father) > 1:
        father = father[1:]
    full = page.cut(name_tokens) or ""
    if len([t for t in name_tokens if _is_word(t)]) < 2:
        return None  # a single word is too weak to be a person record
    spans = [t for t in draft.tokens + name_tokens if t.end > t.start]
    start = min((t.start for t in spans), default=0)
    end = max((t.end for t in spans), default=0)
    return Person(
        name=full,
        first=page.cut(first),
        father=page.cut(father),
        grandfather=page.cut(grandfather),
        family=page.cut(family),
        mother=page.cut(draft.mother),
        birth_date=draft.birth_date,
        birth_place=page.cut(draft.birth_place),
        national_id=draft.national_id,
        events=tuple(draft.events),
        page=page_no,
        start=start,
        end=end,
        name_keys=name_keys(" ".join(t.norm for t in name_tokens)),
    )


# ------------------------------------------------------------- line helpers


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


def _dates(tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
    """Dates in a token list: (first token, last token + 1, ISO)."""
    text, owner = _joined(tokens)
    return [(owner[s.start], owner[s.end - 1] + 1, s.iso) for s in find_date_spans(text)]


def _places(tokens: Sequence[Token]) -> list[tuple[int, int, Place]]:
    """Gazetteer places and facilities in a token list: (first token, last token + 1, place)."""
    gazette = gazetteer()
    gaz = gazette.by_words
    out = []
    i = 0
    while i < len(tokens):
        hit = None
        longest = gazette.longest_from(tokens[i].norm)
        if (
            tokens[i].norm in ("فرع", "الفرع")
            and i + 1 < len(tokens)
            and re.fullmatch(r"\d{3}", tokens[i + 1].norm)
        ):
            hit = (i, i + 2, branch(tokens[i + 1].norm))
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
        if hit:
            out.append(hit)
            i = hit[1]
        else:
            i += 1
    return out


def _near(label: str, seen: str) -> bool:
    """OCR-tolerant token equality: one edit in label words of 4-5 letters, two from 6 letters."""
    if label == seen:
        return True
    if len(label) < 4 or len(seen) < 3:
        return False
    allowed = 1 if len(label) < 6 else 2
    return Levenshtein.distance(label, seen, score_cutoff=allowed) <= allowed


def _label_at(key: tuple[str, ...], fuzzy: bool) -> str | None:
    found = _LABELS.get(key)
    if found is not None or not fuzzy:
        return found
    return _fuzzy_label(key)


@functools.lru_cache(maxsize=1 << 16)
def _fuzzy_label(key: tuple[str, ...]) -> str | None:
    """The field of the labels within OCR tolerance of ``key`` (same word count), or None when none is,
    or when labels of different fields are (اسم الأ is as near اسم الأب as اسم الأم: the table's rows
    decide such a half-read header, see :func:`_mother_header`).

    Cached: OCR'd pages repeat their header words, and each page's tokens are tried at every length.
    """
    kinds = {
        kind
        for label, kind in _labels_by_length().get(len(key), ())
        if abs(len(label[0]) - len(key[0])) <= 2 and all(_near(a, b) for a, b in zip(label, key, strict=True))
    }
    return kinds.pop() if len(kinds) == 1 else None


@functools.lru_cache(maxsize=1)
def _labels_by_length() -> dict[int, list[tuple[tuple[str, ...], str]]]:
    """_LABELS grouped by word count, in _LABELS' order (the first near label wins, as before)."""
    grouped: dict[int, list[tuple[tuple[str, ...], str]]] = {}
    for label, kind in _LABELS.items():
        grouped.setdefault(len(label), []).append((label, kind))
    return grouped


def _find_labels(
    tokens: Sequence[Token], *, need_colon: bool, fuzzy: bool = False
) -> list[tuple[int, int, str]]:
    """Labels in a token list: (start, end, field). With ``need_colon`` a label must start the list,
    follow punctuation, or be followed by ':'. ``fuzzy`` tolerates one OCR error per long word."""
    out = []
    i = 0
    while i < len(tokens):
        hit = None
        if not fuzzy and tokens[i].norm not in _LABEL_STARTS:
            i += 1
            continue
        for n in range(min(_MAX_LABEL, len(tokens) - i), 0, -1):
            kind = _label_at(tuple(t.norm for t in tokens[i : i + n]), fuzzy)
            if kind is not None:
                hit = (i, i + n, kind)
                break
        if hit:
            at_start = i == 0 or (not _is_word(tokens[i - 1]) and not tokens[i - 1].norm.isdigit())
            colon = hit[1] < len(tokens) and tokens[hit[1]].norm in (":", "：")
            if not need_colon or at_start or colon:
                out.append(hit)
                i = hit[1]
                continue
        i += 1
    return out


# ---------------------------------------------------------------- page context


@dataclass
class _Context:
    """Page-level facts used for row events: where and when."""

    doc_type: str | None
    facility: Place | None = None  # first facility named outside tables
    destination: Place | None = None  # transfer lists: the facility after الى
    hospital: Place | None = None
    court: Place | None = None
    date: str | None = None  # first full date outside tables (session, transfer, report)
    transfer_date: str | None = None


def _context(lines: Sequence[Line], skip: set[int], doc_type: str | None) -> _Context:
    ctx = _Context(doc_type)
    for index, line in enumerate(lines):
        if index in skip:
            continue
        toks = line.tokens
        for a, _b, place in _places(toks):
            if place.type != "FACILITY":
                continue
            if place.kind == "hospital" and ctx.hospital is None:
                ctx.hospital = place
            if place.kind == "court" and ctx.court is None:
                ctx.court = place
            if ctx.facility is None and place.kind not in ("court",):
                ctx.facility = place
            if a > 0 and toks[a - 1].norm in ("الي", "والي") and place.kind != "hospital":
                ctx.destination = place
        labels = _find_labels(toks, need_colon=True)
        for _s, e, kind in labels:
            if kind == "ev:transfer":
                found = _dates(toks[e:])
                if found:
                    ctx.transfer_date = found[0][2]
        if ctx.date is None:
            for _a, _b, iso in _dates(toks):
                if len(iso) >= 7 and not any(k in ("birth",) for *_x, k in labels):
                    ctx.date = iso
                    break
    return ctx


# ---------------------------------------------------------------- tables


def _row_like(line: Line | None) -> bool:
    """A table row: two or more name words and an ID or year-like number."""
    if line is None:
        return False
    toks = line.tokens
    return sum(_is_word(t) for t in toks) >= 2 and any(re.fullmatch(r"\d{4,11}", t.norm) for t in toks)


def _header(line: Line, following: Line | None = None) -> list[tuple[int, int, str]] | None:
    """Column labels of a table header line, or None. A header whose name label was unreadable
    counts when three person columns are read, or two and the next line looks like a row."""
    toks = line.tokens
    words = sum(1 for t in toks if _is_word(t))
    if words < 2 or words > 30 or sum(t.norm.isdigit() for t in toks) > 2:
        return None
    labels = _find_labels(toks, need_colon=False, fuzzy=True)
    fields = [k for *_x, k in labels]
    covered = sum(e - s for s, e, _k in labels)
    person_columns = {"name", "mother", "birth", "nid", "serial"} & set(fields)
    enough = len(labels) >= 3 and ("name" in fields or len(person_columns) >= 3)
    if not enough and len(labels) == 2 and len(person_columns) == 2 and len(line.cells) >= 3:
        enough = _row_like(following)
    if enough and covered >= 0.6 * max(1, words) and not any(t.norm == ":" for t in toks):
        return labels
    return None


_HALF_READ = "name-of?"  # a header "اسم ..." whose second word was unreadable: the mother's or the father's


def _mother_header(cell: Cell, kinds: list[str]) -> bool:
    """A half-read header cell "اسم ..." after the name column of a table without a father's or a mother's
    column (e.g. اسم الأم read "اسم 6111"). Rows decide: after a full name it is the mother's column,
    after a lone first name the father's (see :func:`_read_row`)."""
    words = [t for t in cell.tokens if _is_word(t)]
    return (
        bool(words)
        and words[0].norm in ("اسم", "امم")
        and len(words) <= 2
        and not {"mother", "father", "grandfather", "family"} & set(kinds)
    )


def _column_fields(line: Line, labels: list[tuple[int, int, str]]) -> list[tuple[Cell | None, list[str]]]:
    """Header columns: (header cell or None, fields in that cell, in reading order)."""
    kinds = [k for *_x, k in labels]
    has_name = "name" in kinds
    if all(c.x0 < 0 for c in line.cells) or len(line.cells) < 2:
        if not has_name:  # the name label was unreadable: the name follows the serial number
            at = 1 if kinds and kinds[0] == "serial" else 0
            kinds = [*kinds[:at], "name", *kinds[at:]]
        return [(None, kinds)]
    out: list[tuple[Cell | None, list[str]]] = []
    index = 0
    bounds = []
    for cell in line.cells:
        bounds.append((index, index + len(cell.tokens), cell))
        index += len(cell.tokens)
    for a, b, cell in bounds:
        fields = [k for s, _e, k in labels if a <= s < b]
        if fields:
            out.append((cell, fields))
        elif not has_name:  # an unreadable header cell where the name label should be
            out.append((cell, ["name"]))
            has_name = True
        elif _mother_header(cell, kinds) and any(fs == ["name"] for _c, fs in out):
            out.append((cell, [_HALF_READ]))
            kinds.append(_HALF_READ)
    if not has_name:
        return [(None, [k for _c, fs in out for k in fs])]
    return out


def _read_segment(tokens: list[Token], fields: list[str], name_label: str, draft: _Draft) -> None:
    """Read tokens of one or more consecutive columns, in column order."""
    i = 0
    n = len(tokens)
    for pos, kind in enumerate(fields):
        while i < n and tokens[i].norm in ("|", "-", ":", "،", ",", "(", ")"):
            i += 1
        if i >= n:
            break
        if kind == "serial":
            if re.fullmatch(r"\d{1,6}", tokens[i].norm):
                i += 1
            continue
        if kind == "nid":
            for j in range(i, min(n, i + 6)):  # after a few crumbs at most
                if re.fullmatch(r"\d{11}", tokens[j].norm):
                    draft.national_id = tokens[j].norm
                    draft.tokens.append(tokens[j])
                    i = j + 1
                    break
            continue
        if kind.startswith("ev:") or kind == "other":
            found = _dates(tokens[i:])
            if kind.startswith("ev:") and found and found[0][0] <= 1:
                a, b, iso = found[0]
                draft.events.append(Event(kind[3:], iso, None))
                draft.tokens.extend(tokens[i + a : i + b])
                i += b
            elif kind == "other":
                i += 1
            continue
        if kind == "birth":
            j = i
            while j < n and _is_word(tokens[j]):
                j += 1
            place_tokens = tokens[i:j]
            if place_tokens:
                draft.birth_place = list(place_tokens)
            found = _dates(tokens[j:])
            if found and found[0][0] <= 1:
                a, b, iso = found[0]
                draft.birth_date = iso
                year_toks = tokens[j + a : j + b]
                draft.year_tokens.append((year_toks[0], year_toks[-1], iso))
                i = j + b
            else:
                # the year, possibly after a crumb read as a digit or a mark ("0 1970")
                year = next(
                    (q for q in range(j, min(n, j + 2)) if re.fullmatch(r"(?:19|20)\d\d", tokens[q].norm)),
                    None,
                )
                if year is not None and (year == j or re.fullmatch(r"\d|\W", tokens[j].norm)):
                    draft.birth_date = tokens[year].norm
                    draft.year_tokens.append((tokens[year], tokens[year], tokens[year].norm))
                    i = year + 1
                else:
                    i = j
            continue
        # a run of name words shared by this and the following word columns; a serial number or
        # stray mark before it (serial and name read as one cell) is skipped
        while i < n - 1 and not _is_word(tokens[i]) and re.fullmatch(r"\d{1,6}|\W", tokens[i].norm):
            i += 1
        j = i
        while j < n and _is_word(tokens[j]):
            j += 1
        run = tokens[i:j]
        following = []
        for nxt in fields[pos + 1 :]:
            if nxt in ("name", "father", "grandfather", "family", "mother", "birth"):
                following.append(nxt)
            else:
                break
            if nxt == "birth":
                break
        if kind != "name" or not following:
            _assign(draft, kind, run)
            i = j
            continue
        units = _units(run)
        place: list[Token] = []
        if following and following[-1] == "birth":
            for size in (3, 2, 1):
                tail = [t for u in units[-size:] for t in u] if len(units) > size else []
                if tail and len(_places(tail)) == 1 and _places(tail)[0][:2] == (0, len(tail)):
                    place = tail
                    units = units[:-size]
                    break
            else:
                if len(units) >= 5:
                    place = units[-1]
                    units = units[:-1]
        if "mother" in following and len(units) >= 2:
            keep = 3 if ("ثلاثي" in name_label and len(units) >= 4) else len(units) - 1
            _assign(draft, "name", [t for u in units[:keep] for t in u])
            _assign(draft, "mother", [t for u in units[keep:] for t in u])
        else:
            _assign(draft, "name", [t for u in units for t in u])
        if place:
            draft.birth_place = place
        # the run covered the following word columns; birth continues with its year
        rest = fields[pos + 1 :]
        skip = [k for k in rest if k in ("father", "grandfather", "family", "mother")]
        remaining = [k for k in rest if k not in skip]
        if remaining and remaining[0] == "birth":
            found = _dates(tokens[j:])
            if found and found[0][0] <= 1:
                a, b, iso = found[0]
                draft.birth_date = iso
                draft.year_tokens.append((tokens[j + a], tokens[j + b - 1], iso))
                j += b
            elif j < n and re.fullmatch(r"(?:19|20)\d\d", tokens[j].norm):
                draft.birth_date = tokens[j].norm
                draft.year_tokens.append((tokens[j], tokens[j], tokens[j].norm))
                j += 1
            remaining = remaining[1:]
        _read_segment(tokens[j:], remaining, name_label, draft)
        return


def _assign(draft: _Draft, kind: str, tokens: Sequence[Token]) -> None:
    words = [t for t in tokens if _is_word(t)]
    if not words:
        return
    draft.tokens.extend(words)
    if kind == "name":
        draft.name = words
    elif kind == "father":
        draft.father = words
    elif kind == "grandfather":
        draft.grandfather = words
    elif kind == "family":
        draft.family = words
    elif kind == "mother":
        draft.mother = words


def _settle_half_read(
    line: Line, columns: list[tuple[Cell | None, list[str]]]
) -> list[tuple[Cell | None, list[str]]]:
    """The half-read "اسم ..." column is the mother's when the row holds two or more name units before
    it (a full name), else the father's."""
    half = next(c for c, fs in columns if fs == [_HALF_READ])
    units = 0
    if half is not None:  # name words right of the half-read column (reading order is right to left)
        for cell in line.cells:
            if (cell.x0 + cell.x1) / 2 > half.x1:
                units += len(_units([t for t in cell.tokens if _is_word(t)]))
    kind = "mother" if units >= 2 else "father"
    return [(c, [kind] if fs == [_HALF_READ] else fs) for c, fs in columns]


def _split_spanning(cell: Cell, headers: Sequence[Cell]) -> list[Cell]:
    """A row cell that overlaps two or more header cells (neighbouring columns read as one cell) cut
    at its widest gap between words, until every part overlaps at most one header cell."""

    def overlapped(c: Cell) -> int:
        return sum(1 for h in headers if min(c.x1, h.x1) - max(c.x0, h.x0) > 0)

    tokens = [t for t in cell.tokens if t.x0 >= 0]
    if len(tokens) < 2 or len(tokens) != len(cell.tokens) or overlapped(cell) < 2:
        return [cell]
    # tokens are in reading order (right to left); a gap is between a token's left edge and the
    # right edge of the next word (tokens of one OCR word share its box and have no gap)
    gaps = [
        (tokens[q].x0 - tokens[q + 1].x1, q + 1)
        for q in range(len(tokens) - 1)
        if (tokens[q].x0, tokens[q].x1) != (tokens[q + 1].x0, tokens[q + 1].x1)
    ]
    if not gaps:
        return [cell]
    _gap, at = max(gaps)
    parts = []
    for chunk in (tokens[:at], tokens[at:]):
        part = Cell(tuple(chunk), min(t.x0 for t in chunk), max(t.x1 for t in chunk))
        parts.extend(_split_spanning(part, headers))
    return parts


def _read_row(line: Line, columns: list[tuple[Cell | None, list[str]]], name_label: str) -> _Draft:
    draft = _Draft()
    if any(fs == [_HALF_READ] for _c, fs in columns):
        columns = _settle_half_read(line, columns)
    if len(columns) == 1 or any(c is None for c, _f in columns) or all(c.x0 < 0 for c in line.cells):
        fields = [f for _c, fs in columns for f in fs]
        _read_segment(list(line.tokens), fields, name_label, draft)
        return draft
    centres = [((c.x0 + c.x1) / 2 if c else 0.0) for c, _f in columns]
    assigned: list[list[Token]] = [[] for _ in columns]
    headers = [c for c, _f in columns if c is not None]
    for cell in (part for c in line.cells for part in _split_spanning(c, headers)):
        centre = (cell.x0 + cell.x1) / 2
        # a cell inside a header column's extent goes there; otherwise the nearest centre
        inside = [k for k, (c, _f) in enumerate(columns) if c and c.x0 - 5 <= centre <= c.x1 + 5]
        k = inside[0] if inside else min(range(len(columns)), key=lambda q: abs(centres[q] - centre))
        assigned[k].extend(cell.tokens)
    # a name column with fewer than three units next to a mother column with several: the family
    # name was read into the mother's cell
    for k, (_c, fields) in enumerate(columns[:-1]):
        if fields == ["name"] and columns[k + 1][1] == ["mother"]:
            name_units = _units([t for t in assigned[k] if _is_word(t)])
            mother_units = _units([t for t in assigned[k + 1] if _is_word(t)])
            while name_units and len(name_units) < 3 and len(mother_units) > 1:
                name_units.append(mother_units.pop(0))
            assigned[k] = [t for u in name_units for t in u] or assigned[k]
            assigned[k + 1] = [t for u in mother_units for t in u] or assigned[k + 1]
    # words that landed in a serial-number column belong to the next column (e.g. "8 - علي ...")
    for k, (_c, fields) in enumerate(columns[:-1]):
        if fields == ["serial"]:
            first_word = next((q for q, t in enumerate(assigned[k]) if _is_word(t)), None)
            if first_word is not None and sum(_is_word(t) for t in assigned[k]) >= 2:
                assigned[k + 1] = assigned[k][first_word:] + assigned[k + 1]
                assigned[k] = assigned[k][:first_word]
    for (_c, fields), tokens in zip(columns, assigned, strict=True):
        if tokens:
            _read_segment(tokens, fields, name_label, draft)
    return draft


def _row_events(draft: _Draft, ctx: _Context) -> None:
    events = []
    for ev in draft.events:
        place = ctx.destination if ev.type == "transfer" else ctx.facility
        events.append(Event(ev.type, ev.date, place.id if place else None))
    if not events and ctx.doc_type == "transfer_list":
        place = ctx.destination or ctx.facility
        events.append(Event("transfer", ctx.transfer_date or ctx.date, place.id if place else None))
    if not events and ctx.doc_type == "prison_register":
        events.append(Event("detention", None, ctx.facility.id if ctx.facility else None))
    draft.events = events


def _crumbs(tokens: Sequence[Token]) -> bool:
    """OCR crumbs between register rows (". : ا 0", "- 00000 ن"): no word of three letters or more and
    no number of three digits or more."""
    return not any(len(t.norm) >= 3 and (_is_word(t) or t.norm.isdigit()) for t in tokens)


def _tables(lines: Sequence[Line]) -> list[tuple[int, list[int]]]:
    """(header line index, row line indexes) of each table."""
    tables = []
    i = 0
    while i < len(lines):
        if _header(lines[i], lines[i + 1] if i + 1 < len(lines) else None) is None:
            i += 1
            continue
        rows = []
        junk = 0
        j = i + 1
        while j < len(lines):
            toks = lines[j].tokens
            if _header(lines[j]) is not None or (
                _find_labels(toks, need_colon=True) and any(t.norm == ":" for t in toks)
            ):
                break
            if sum(1 for t in toks if _is_word(t)) >= 2:
                rows.append(j)
                junk = 0
            elif (len(toks) > 3 and not _crumbs(toks)) or junk >= 2:
                break  # a line of other text ends the table; OCR crumbs do not
            else:
                junk += 1
            j += 1
        tables.append((i, rows))
        i = j
    return tables


# ------------------------------------------------------------------ labelled fields


def _labelled(lines: Sequence[Line], skip: set[int]) -> tuple[list[_Draft], set[int]]:
    drafts: list[_Draft] = []
    used: set[int] = set()
    current: _Draft | None = None
    for index, line in enumerate(lines):
        if index in skip:
            continue
        toks = list(line.tokens)
        labels = _find_labels(toks, need_colon=True)
        if not labels and len(toks) <= 16 and any(t.norm == ":" for t in toks[:5]):
            labels = [h for h in _find_labels(toks, need_colon=True, fuzzy=True) if h[1] < len(toks)]
            labels = [h for h in labels if toks[h[1]].norm == ":"]
        if not labels or labels[0][0] > 1:
            continue
        used.add(index)
        for k, (_s, e, kind) in enumerate(labels):
            stop = labels[k + 1][0] if k + 1 < len(labels) else len(toks)
            value = [t for t in toks[e:stop] if t.norm not in (":", "：")]
            if kind == "name" or (current is None and kind in _PERSON_FIELDS):
                if kind == "name" and current is not None and current.has_name():
                    drafts.append(current)
                    current = None
                if current is None:
                    current = _Draft()
            if current is None:
                continue
            if kind == "name":
                _assign(current, "name", value)
            elif kind in ("father", "grandfather", "family", "mother"):
                _assign(current, kind, [t for t in value if _is_word(t)][:4])
            elif kind == "birth":
                found = _dates(value)
                if found:
                    a, b, iso = found[0]
                    current.birth_date = iso
                    current.year_tokens.append((value[a], value[b - 1], iso))
                    words = [t for t in value[:a] if _is_word(t)]
                else:
                    words = [t for t in value if _is_word(t)]
                    year = next((t for t in value if re.fullmatch(r"(?:19|20)\d\d", t.norm)), None)
                    if year:
                        current.birth_date = year.norm
                        current.year_tokens.append((year, year, year.norm))
                if words:
                    current.birth_place = words[:3]
                current.tokens.extend(value)
            elif kind == "nid":
                digits = next((t.norm for t in value if re.fullmatch(r"\d{11}", t.norm)), None)
                if digits:
                    current.national_id = digits
                    current.tokens.extend(value)
            elif kind.startswith("ev:"):
                found = _dates(value)
                current.events.append(Event(kind[3:], found[0][2] if found else None, None))
    if current is not None and current.has_name():
        drafts.append(current)
    # a lone "الاسم" value that is a single unit followed by father/family fields is the first name
    for d in drafts:
        if d.name and (d.father or d.family) and len(_units(d.name)) == 1:
            d.first, d.name = d.name, d.name + d.father + d.grandfather + d.family
    return drafts, used


# ------------------------------------------------------------------------ prose


def _prose(lines: Sequence[Line], skip: set[int]) -> list[_Draft]:
    tokens = [t for i, line in enumerate(lines) if i not in skip for t in line.tokens]
    drafts: list[_Draft] = []
    starts = []
    i = 0
    while i < len(tokens):
        for n in (2, 1):
            key = tuple(t.norm for t in tokens[i : i + n])
            if len(key) == n and key in _TRIGGERS:
                starts.append((i, i + n, _TRIGGERS[key]))
                i += n - 1
                break
        i += 1
    for k, (s, e, trigger_event) in enumerate(starts):
        limit = starts[k + 1][0] if k + 1 < len(starts) else len(tokens)
        # the sentence ends at a full stop after the name
        j = e
        name: list[Token] = []
        while j < limit and _is_word(tokens[j]) and not _is_stop(tokens[j]) and len(name) < 6:
            name.append(tokens[j])
            j += 1
        if len([t for t in name if _is_word(t)]) < 2:
            continue
        end = j
        while end < limit and (tokens[end].norm != "." or _continues(tokens, end + 1, limit)):
            end += 1
        rest = tokens[j:end]
        draft = _Draft()
        _assign(draft, "name", name)
        draft.tokens.extend(tokens[s:end])
        _prose_fields(rest, draft)
        ev_type = trigger_event
        before = tokens[s - 1].norm if s > 0 else ""
        if before in _VERB:
            ev_type = _VERB[before]
        else:
            ev_type = next((_VERB[t.norm] for t in rest if t.norm in _VERB), ev_type)
        if ev_type is None and tokens[s].norm in ("الموقوف", "الموقوفه", "المعتقل", "المعتقله"):
            ev_type = "detention"
        if ev_type:
            birth_tokens = {id(t) for a, b, _iso in draft.year_tokens for t in (a, b)}
            when = next(
                (iso for a, _b, iso in _dates(rest) if id(rest[a]) not in birth_tokens and len(iso) >= 7),
                None,
            )
            where = next((p for _a, _b, p in _places(rest) if p.type == "FACILITY"), None)
            draft.events.append(Event(ev_type, when, where.id if where else None))
        drafts.append(draft)
    return drafts


def _prose_fields(rest: list[Token], draft: _Draft) -> None:
    n = len(rest)
    for i, tok in enumerate(rest):
        norm = tok.norm
        if (
            norm in ("امه", "امها")
            or _cue(norm, _MOTHER_CUES)
            or (norm == "الام" and i > 0 and rest[i - 1].norm in ("اسم", "واسم"))
        ):
            j = i + 1
            while j < n and rest[j].norm in (":", "اسم", "هي"):
                j += 1
            mother: list[Token] = []
            while j < n and _is_word(rest[j]) and not _is_stop(rest[j]) and len(mother) < 2:
                mother.append(rest[j])
                j += 1
            if mother and not draft.mother:
                _assign(draft, "mother", mother)
        if _cue(norm, _BIRTH_CUES) and draft.birth_date is None:
            window = rest[i + 1 : i + 8]
            stop = next(
                (k for k, t in enumerate(window) if t.norm in _VERB or t.norm == "بتاريخ"), len(window)
            )
            window = window[:stop]
            found = _dates(window)
            places = [p for p in _places(window) if p[2].type == "LOCATION"]
            year = next((k for k, t in enumerate(window) if re.fullmatch(r"(?:19|20)\d\d", t.norm)), None)
            if found and (year is None or found[0][0] <= year):
                a, b, iso = found[0]
                draft.birth_date = iso
                draft.year_tokens.append((window[a], window[b - 1], iso))
            elif year is not None:
                draft.birth_date = window[year].norm
                draft.year_tokens.append((window[year], window[year], window[year].norm))
                found = [(year, year + 1, window[year].norm)]
            if places and (not found or places[0][0] < found[0][0]):
                draft.birth_place = list(window[places[0][0] : places[0][1]])
        if re.fullmatch(r"\d{11}", norm) and draft.national_id is None:
            draft.national_id = norm


# ------------------------------------------------------------------------ entry


def find_persons(
    lines: Sequence[Line], text: str, *, doc_type: str | None = None, page: int = 0
) -> tuple[list[Person], list[Mention]]:
    """Persons of one page, plus PERSON mentions and DATE mentions of birth years read from rows.

    ``text`` is the page text the tokens' spans index.
    """
    cut = _Page(text)
    tables = _tables(lines)
    table_lines = {h for h, _r in tables} | {r for _h, rows in tables for r in rows}
    ctx = _context(lines, table_lines, doc_type)
    drafts: list[_Draft] = []
    for header_index, rows in tables:
        following = lines[header_index + 1] if header_index + 1 < len(lines) else None
        labels = _header(lines[header_index], following) or []
        columns = _column_fields(lines[header_index], labels)
        name_label = next(
            (" ".join(t.norm for t in lines[header_index].tokens[s:e]) for s, e, k in labels if k == "name"),
            "",
        )
        for r in rows:
            draft = _read_row(lines[r], columns, name_label)
            _row_events(draft, ctx)
            if draft.has_name():
                drafts.append(draft)
    labelled, used = _labelled(lines, table_lines)
    for draft in labelled:
        _doc_events(draft, ctx)
    drafts.extend(labelled)
    drafts.extend(_prose(lines, table_lines | used))
    persons: list[Person] = []
    mentions: list[Mention] = []
    for draft in drafts:
        person = _finish(draft, cut, page)
        if person is None:
            continue
        persons.append(person)
        names = [t for t in draft.name if t.end > t.start]
        if names:
            a, b = min(t.start for t in names), max(t.end for t in names)
            mentions.append(Mention("PERSON", text[a:b], a, b, None, page))
        for first, last, iso in draft.year_tokens:
            if last.end > first.start:
                mentions.append(
                    Mention("DATE", text[first.start : last.end], first.start, last.end, iso, page)
                )
    return persons, mentions


def _doc_events(draft: _Draft, ctx: _Context) -> None:
    events = []
    for ev in draft.events:
        place = ctx.hospital if ev.type == "death" else ctx.facility
        events.append(Event(ev.type, ev.date, place.id if place else None))
    types = {e.type for e in events}
    if ctx.doc_type == "court_record" and "trial" not in types:
        court = ctx.court.id if ctx.court else None
        events += [Event("trial", ctx.date, court), Event("sentence", ctx.date, court)]
    if ctx.doc_type == "death_report" and "death" not in types:
        events.append(Event("death", None, ctx.hospital.id if ctx.hospital else None))
    draft.events = events
