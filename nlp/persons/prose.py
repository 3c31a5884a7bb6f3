"""Prose: a trigger (المدعو، الموقوف، تم توقيف …) then the name, mother, birth and an event verb."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from athar.records import Event
from nlp.layout import Line, Token
from nlp.persons.draft import Draft, assign
from nlp.persons.lexicon import NAME_PARTS, is_female, is_given, title_length, word_class
from nlp.persons.listed import Start, listed_names, opener_length, plural_role
from nlp.persons.numbered import numbered_starts
from nlp.persons.words import birth_year, dates_in, is_word, lone_birth_year, name_units, places_in

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
    ("المتهمه",): None,
    ("المدعي", "عليه"): None,
    ("المدعي", "عليها"): None,
    ("المحكوم", "عليه"): None,
    ("المحكوم", "عليها"): None,
    ("المحكومه", "عليها"): None,
    ("المشتكي", "عليه"): None,
    ("المشتكي", "عليها"): None,
    ("الظنين",): None,
    ("الظنينه",): None,
    ("المتوفي",): "death",
    ("المتوفاه",): "death",
}
_STOPS = {
    "و",  # a conjunction split off the next given name (وغسان): never part of a name
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
VERB = dict(_VERBS)
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


# the role a trigger word gives the person it introduces
_TRIGGER_ROLES = {
    "الموقوف": "detainee", "الموقوفه": "detainee", "المعتقل": "detainee", "المعتقله": "detainee",
    "السجين": "detainee", "توقيف": "detainee", "اعتقال": "detainee", "المتهم": "defendant",
    "المتهمه": "defendant", "المحكوم": "defendant", "عليه": "defendant", "عليها": "defendant",
    "الظنين": "defendant", "الظنينه": "defendant", "المرحوم": "deceased",
    "الشهيد": "deceased", "المتوفي": "deceased", "المتوفاه": "deceased", "الشاهد": "witness",
}  # fmt: skip
_SERIAL = re.compile(r"\d{1,3}")
_LIST_MARKS = {"-", ".", ")", "(", "/", ":"}
_MAX_NAME = 6


# leading numbers and marks a record line may carry before its name (serial, a date, an ID, "/")
_MAX_LEAD = 5
_RECORD_CUES = frozenset({"امه", "والدته", "مواليد", "تولد", "المولود", "والدتها", "امها"})


def _lead(tok: Token) -> bool:
    """A token a list line may open with before the name: a number, a mark, or a lone letter (a serial
    digit misread, ه for ٥)."""
    return not is_word(tok) or len(tok.norm) == 1


def _cued(toks: Sequence[Token]) -> bool:
    """The rest of a record line names a mother or a birth: a cue word, or a female given name after a
    slash or in brackets ("… / حنان", "… (خلود)")."""
    for k, tok in enumerate(toks):
        if tok.norm in _RECORD_CUES:
            return True
        if tok.norm in ("/", "(") and k + 1 < len(toks) and is_female(toks[k + 1].norm):
            return True
    return False


_NUMBERED = frozenset({"القبر", "الجثه", "البراد", "الضريح"})


def _list_head(toks: Sequence[Token]) -> int | None:
    """Where the name starts on a list line: after a serial and a mark ("1 - محمد …"), or after any
    leading numbers and marks on a line that goes on with a mother or birth (a cue word, or "/ فاطمة")
    and whose first word is a given name ("١٢ صبحي علي العلي / أمه فوزية", the bracket lost to OCR)."""
    if len(toks) > 3 and toks[0].norm in _NUMBERED and toks[1].norm == "رقم" and toks[2].norm.isdigit():
        q = _list_head(toks[3:])  # "القبر رقم 715: فلان أمه …": a grave or body number leads the record
        return None if q is None else q + 3
    if toks and not _lead(toks[0]):
        return 0 if _name_led(toks) else None
    if not toks:
        return None
    q = 1
    while q < len(toks) and toks[q].norm in _LIST_MARKS:
        q += 1
    word = q + 1 < len(toks) and is_word(toks[q]) and toks[q].norm not in _TRIGGER_KEYS
    if word and q > 1 and _SERIAL.fullmatch(toks[0].norm):
        return q
    q = 0
    while q < min(len(toks), _MAX_LEAD) and _lead(toks[q]):
        q += 1
    named = q + 1 < len(toks) and is_given(toks[q].norm) and toks[q].norm not in _TRIGGER_KEYS
    return q if named and _cued(toks[q:]) else None


_MAX_LED = 5  # name words before the cue of a name-led record line
_KIN_LINKS = frozenset({"بن", "ابن", "بنت"})
_LED_MARKS = frozenset({":", "-", "،", ","})


def _name_led(toks: Sequence[Token]) -> bool:
    """A record line that opens with a name and goes straight on to the person's mother or birth
    ("فلان بن فلان الفلاني: والدته فلانة، مواليد …"): a given name first, two to five words the name
    lexicon knows (no boilerplate), then at most a mark, then a mother or birth cue."""
    if not toks or not is_given(toks[0].norm):
        return False
    q = 0
    while q < len(toks) and q <= _MAX_LED and is_word(toks[q]):
        norm = toks[q].norm
        if norm not in _KIN_LINKS and _is_stop(toks[q]):
            break
        if norm not in _KIN_LINKS and word_class(norm) != "name":
            return False
        q += 1
    if q < 2 or q > _MAX_LED:
        return False
    while q < len(toks) and toks[q].norm in _LED_MARKS:
        q += 1
    return q < len(toks) and (toks[q].norm in _RECORD_CUES or _cue(toks[q].norm, _MOTHER_CUES + _BIRTH_CUES))


def _starts(lines: Sequence[Line], skip: set[int]) -> tuple[list[Token], list[Start]]:
    """All prose tokens, and where each person they introduce starts: after a trigger word, in a list
    after a plural trigger, or at the head of a numbered list line ("1 - محمد أحمد …")."""
    tokens: list[Token] = []
    starts: list[Start] = []
    for index, line in enumerate(lines):
        if index in skip:
            continue
        at = len(tokens)
        toks = line.tokens
        tokens.extend(toks)
        q = _list_head(toks)
        if q is not None:
            starts.append((at, at + q, None, at + len(toks), None))
        for n in numbered_starts(toks):
            if n != q:
                starts.append((at + n, at + n, None, at + len(toks), None))
    i = 0
    while i < len(tokens):
        opened = opener_length(tokens, i)
        if opened == 2:  # "المحكوم عليهم": a plural opener before the singular trigger it starts with
            listed_names(tokens, i, starts, VERB, last=i + 1)
            i += 2
            continue
        for n in (2, 1):
            key = tuple(t.norm for t in tokens[i : i + n])
            if n == 1 and key and key[0][:1] == "و" and (key[0][1:],) in _TRIGGERS:
                key = (key[0][1:],)  # "والمتهم فلان": the next person of a sentence
            if len(key) == n and key in _TRIGGERS:
                starts.append((i, i + n, _TRIGGERS[key], len(tokens), None))
                i += n - 1
                break
        else:
            if plural_role(tokens[i].norm)[0]:
                listed_names(tokens, i, starts, VERB)
            elif opened:
                listed_names(tokens, i, starts, VERB, last=i + opened - 1)
        i += 1
    starts.sort()
    return tokens, starts


_TRIGGER_KEYS = {k[0] for k in _TRIGGERS}


def name_after(tokens: Sequence[Token], j: int, limit: int) -> list[Token]:
    """The name words from ``j``: words up to a stop word; بن/ابن/بنت + a word stay in the name."""
    titled, _role = title_length(tokens[j:limit])
    name: list[Token] = list(tokens[j : j + titled])  # a rank before the name: split off when finished
    j += titled
    while j < limit and is_word(tokens[j]) and len(name) < _MAX_NAME + titled:
        norm = tokens[j].norm
        joins = norm in ("بن", "ابن", "بنت") and name and j + 1 < limit and is_word(tokens[j + 1])
        if joins:
            if _is_stop(tokens[j + 1]):
                break
            name += [tokens[j], tokens[j + 1]]
            j += 2
            continue
        if (
            _is_stop(tokens[j])
            or word_class(norm) == "stop"
            or _prose_resumes(tokens, j, limit, name[titled:])
        ):
            break
        name.append(tokens[j])
        j += 1
        if _family_end(name, titled):
            break  # the family name (الحلبي، الخطيب) is the last word of a name
    return name


_PROSE_WORD = 3  # letters of a word that can tell prose from a name


def _prose_resumes(tokens: Sequence[Token], j: int, limit: int, name: Sequence[Token]) -> bool:
    """After two name words or more, two words in a row that the name lexicon does not know: the
    sentence goes on ("فلان الفلاني اعترف بما نسب إليه", "… بالاعتقال المؤقت"). One unknown word alone
    stays: it may be a family name the lexicon lacks, or a misread one."""
    if len(name) < 2 or j + 1 >= limit or not is_word(tokens[j + 1]):
        return False
    here, nxt = tokens[j], tokens[j + 1]
    if min(len(here.norm), len(nxt.norm)) < _PROSE_WORD or _is_stop(nxt):
        return False  # OCR crumbs of one or two letters say nothing
    return word_class(here.norm) == "unknown" and word_class(nxt.norm) == "unknown"


_UNIT_HEADS = frozenset({"عبد", "ابو", "ابي", "ابا", "بن", "ابن", "بنت"})


def _family_end(name: Sequence[Token], titled: int) -> bool:
    """The name's last word is a family name with the article after a given name: the name ends there
    (not the ال of a compound: عبد الرحمن، سيف الدين)."""
    if len(name) - titled < 2:
        return False
    last, before = name[-1].norm, name[-2].norm
    return last.startswith("ال") and last not in NAME_PARTS and before not in _UNIT_HEADS


_ORDINALS = frozenset(str.split("الاول الثاني الثالث الرابع الخامس السادس السابع الثامن التاسع العاشر الاخر"))


def read_prose(lines: Sequence[Line], skip: set[int]) -> list[Draft]:
    """Persons introduced by trigger words or list numbers in the text outside tables and fields."""
    tokens, starts = _starts(lines, skip)
    drafts: list[Draft] = []
    for k, (s, e, trigger_event, hard, listed) in enumerate(starts):
        limit = min(hard, starts[k + 1][0] if k + 1 < len(starts) else len(tokens))
        role = listed or _TRIGGER_ROLES.get(tokens[e - 1].norm)
        while e < limit and (
            tokens[e].norm in (":", "-") or tokens[e].norm in _ORDINALS
        ):  # المتهم الأول: فلان
            e += 1
        name = name_after(tokens, e, limit)
        if len([t for t in name if is_word(t)]) < 2:
            continue
        j = tokens.index(name[-1], e) + 1 if name else e
        end = j
        while end < limit and (tokens[end].norm != "." or _continues(tokens, end + 1, limit)):
            end += 1
        rest = tokens[j:end]
        draft = Draft(reader="prose", role=role)
        assign(draft, "name", name)
        draft.tokens.extend(tokens[s:end])
        _prose_fields(rest, draft)
        if trigger_event is None and listed is None and e > s and draft.birth_date is None:
            _list_year([*tokens[s:e], *rest], draft)  # a list line: "١. فلان (فاطمة) ١٩٨٣"
        _slash_mother(rest, draft)
        _kin_formula(rest, draft)
        _prose_event(tokens, s, rest, trigger_event, draft)
        drafts.append(draft)
    return drafts


def _list_year(line: Sequence[Token], draft: Draft) -> None:
    """The one plausible birth year standing alone on a list line (not part of a date)."""
    found = lone_birth_year(line)
    if found:
        k, year = found
        draft.birth_date = year
        draft.year_tokens.append((line[k], line[k], year))


def _kin_formula(rest: Sequence[Token], draft: Draft) -> None:
    """The civil-registry formula after a name: "فلان الفلاني ابن أحمد وفاطمة" (son of his father and
    his mother): the word after ابن/بن/بنت is the father, a female given name joined by و the mother."""
    if len(rest) < 3 or rest[0].norm not in _KIN_LINKS or not is_word(rest[1]):
        return
    units = name_units([t for t in rest[1:4] if is_word(t)])
    if not units or word_class(units[0][0].norm) != "name":
        return
    father = units[0]
    after = rest[1 + len(father)] if 1 + len(father) < len(rest) else None
    if after is None or not after.norm.startswith("و") or not is_female(after.norm[1:]):
        return
    if not draft.father:
        assign(draft, "father", father)
    if not draft.mother:
        assign(
            draft,
            "mother",
            [Token(after.norm[1:], min(after.start + 1, after.end), after.end, after.x0, after.x1)],
        )


def _slash_mother(rest: Sequence[Token], draft: Draft) -> None:
    """A list entry "فلان الفلاني / فاطمة": a female given name right after the name is the mother's."""
    if draft.mother or len(rest) < 2 or rest[0].norm not in ("/", "-", "،", ",", "("):
        return
    words = []
    for tok in rest[1:3]:
        if not is_word(tok) or (word_class(tok.norm) == "stop" and not is_female(tok.norm)):
            break
        words.append(tok)
    if words and is_female(words[0].norm):
        assign(draft, "mother", words)


def _prose_event(
    tokens: Sequence[Token], s: int, rest: list[Token], trigger_event: str | None, draft: Draft
) -> None:
    ev_type = trigger_event
    before = tokens[s - 1].norm if s > 0 else ""
    if before in VERB:
        ev_type = VERB[before]
    else:
        ev_type = next((VERB[t.norm] for t in rest if t.norm in VERB), ev_type)
    if ev_type is None and tokens[s].norm in ("الموقوف", "الموقوفه", "المعتقل", "المعتقله"):
        ev_type = "detention"
    if ev_type:
        birth_tokens = {id(t) for a, b, _iso in draft.year_tokens for t in (a, b)}
        when = next(
            (iso for a, _b, iso in dates_in(rest) if id(rest[a]) not in birth_tokens and len(iso) >= 7),
            None,
        )
        where = next((p for _a, _b, p in places_in(rest) if p.type == "FACILITY"), None)
        draft.events.append(Event(ev_type, when, where.id if where else None))


def _mother_words(mother: Sequence[Token]) -> int:
    """How many words a mother's name may have: two, three when a compound runs on (مفيدة عبد الواحد)."""
    return 3 if len(mother) == 2 and mother[1].norm in ("عبد", "ابو", "ام") else 2


def _prose_fields(rest: list[Token], draft: Draft) -> None:
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
            while (
                j < n and is_word(rest[j]) and not _is_stop(rest[j]) and len(mother) < _mother_words(mother)
            ):
                mother.append(rest[j])
                j += 1
            if mother and not draft.mother:
                assign(draft, "mother", mother)
        if _cue(norm, _BIRTH_CUES) and draft.birth_date is None:
            window = rest[i + 1 : i + 8]
            stop = next(
                (k for k, t in enumerate(window) if t.norm in VERB or t.norm == "بتاريخ"), len(window)
            )
            window = window[:stop]
            found = dates_in(window)
            places = [p for p in places_in(window) if p[2].type == "LOCATION"]
            year = next((k for k, t in enumerate(window) if birth_year(t.norm, noisy=True)), None)
            if found and (year is None or found[0][0] <= year):
                a, b, iso = found[0]
                draft.birth_date = iso
                draft.year_tokens.append((window[a], window[b - 1], iso))
            elif year is not None:
                draft.birth_date = birth_year(window[year].norm, noisy=True)
                draft.year_tokens.append((window[year], window[year], window[year].norm))
                found = [(year, year + 1, window[year].norm)]
            if places and (not found or places[0][0] < found[0][0]):
                draft.birth_place = list(window[places[0][0] : places[0][1]])
        if re.fullmatch(r"\d{11}", norm) and draft.national_id is None:
            draft.national_id = norm
