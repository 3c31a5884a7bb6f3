"""Several persons after one plural trigger: المتهمين: 1- فلان 2- فلان، المتهمون فلان وفلان و فلان."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from nlp.layout import Token
from nlp.persons.lexicon import is_female, is_given
from nlp.persons.words import is_word

# (start, name start, trigger event, hard limit, role given by a plural trigger)
Start = tuple[int, int, str | None, int, str | None]
_SERIAL = re.compile(r"\d{1,3}")

# plural triggers: several persons follow, joined by و, commas or serials (المتهمين: 1- فلان 2- فلان)
PLURAL_ROLES = {
    "المتهمين": "defendant", "المتهمون": "defendant", "المتهمان": "defendant", "المتهمات": "defendant",
    "الموقوفين": "detainee", "الموقوفون": "detainee", "الموقوفان": "detainee", "المعتقلين": "detainee",
    "المحكومين": "defendant", "المتوفين": "deceased", "المتوفون": "deceased", "المدفونين": "deceased",
    "الموتي": "deceased", "المعتقلون": "detainee", "السجناء": "detainee", "النزلاء": "detainee",
    "المحكومون": "defendant",
}  # fmt: skip


def plural_role(norm: str) -> tuple[bool, str | None]:
    """Whether ``norm`` is a plural trigger, also behind a clitic (للمتوفين، والموقوفين، بالمتهمين), and
    its role."""
    for clitic in ("لل", "وال", "بال", "ولل"):
        if norm.startswith(clitic) and len(norm) > len(clitic) + 2:
            bare = "ال" + norm[len(clitic) :]
            if bare in PLURAL_ROLES:
                return True, PLURAL_ROLES[bare]
    return norm in PLURAL_ROLES, PLURAL_ROLES.get(norm)


_LIST_WINDOW = 80  # tokens after a plural trigger searched for listed names
_LIST_ENDS = frozenset(
    str.split("بالاعدام بالسجن بالاشغال بجرم بتهمه قد لقيامهم وذلك بما وفق لانهم بعقوبه بالحبس حكمت")
)


# words that open a list of persons without naming their role ("بحق كل من: فلان وفلان", "ضد: فلان",
# "الموقوفين … وهم: فلان، فلان", "التالية أسماؤهم: …"); the role comes from the document
LIST_OPENERS: dict[tuple[str, ...], str | None] = {
    ("كل", "من"): None, ("وهم",): None, ("هم",): None, ("ضد",): None, ("اسماؤهم",): None,
    ("اسماوهم",): None, ("المحكوم", "عليهم"): "defendant", ("المدعي", "عليهم"): "defendant",
    ("المشتكي", "عليهم"): "defendant", ("الاظناء",): "defendant",
    # a sentence's verbal noun before the names it falls on (حكمت المحكمة بإعدام فلان وفلان)
    ("باعدام",): "defendant", ("اعدام",): "defendant", ("بتجريم",): "defendant", ("تجريم",): "defendant",
    ("بادانه",): "defendant", ("ادانه",): "defendant", ("بحبس",): "defendant", ("بسجن",): "defendant",
}  # fmt: skip


def opener_length(tokens: Sequence[Token], i: int) -> int:
    """The number of tokens of a list opener at ``tokens[i]`` (0 when there is none)."""
    for n in (2, 1):
        if tuple(t.norm for t in tokens[i : i + n]) in LIST_OPENERS:
            return n
    return 0


def listed_names(
    tokens: list[Token], i: int, starts: list[Start], verbs: Collection[str], *, last: int | None = None
) -> None:
    """Add a start for each name listed after a plural trigger at ``tokens[i]`` (the first name right
    after it, the others after و, a comma or a serial); a و glued to a given name ("وعمر") is split off
    its token so the name starts at the given name. Brackets and colons are no separators: they hold
    mothers. ``last``: the trigger is a list opener ending there (no role of its own)."""
    role = plural_role(tokens[i].norm)[1]
    women = tokens[i].norm.endswith("ات")
    if last is not None:
        role = LIST_OPENERS.get(tuple(t.norm for t in tokens[i : last + 1]))
        i = last
    taken = {e for _s, e, *_rest in starts}
    j = i + 1
    fresh = True  # the next word may start a name (after the trigger, a separator or a serial)
    first = True
    while j < min(len(tokens), i + _LIST_WINDOW):
        tok = tokens[j]
        norm = tok.norm
        if norm in _LIST_ENDS or norm in verbs or (norm == "." and not fresh):
            break
        if len(norm) > 3 and norm[0] == "و" and is_given(norm[1:]) and not is_given(norm):
            tokens[j : j + 1] = [
                Token("و", tok.start, tok.start + 1),
                Token(norm[1:], tok.start + 1, tok.end),
            ]
            starts[:] = [(a + (a > j), b + (b > j), ev, h + (h > j), r) for a, b, ev, h, r in starts]
            taken = {b + (b > j) for b in taken}
            norm = "و"
        if norm in _LIST_SEPARATORS or _SERIAL.fullmatch(norm) or (first and norm == ":"):
            fresh = True
        elif fresh and is_word(tok) and is_given(norm) and (women or not is_female(norm)):
            if j not in taken:
                starts.append((j, j, None, len(tokens), role))
            fresh = first = False
        elif first:
            return  # not a list of names (الموقوفين المرحلين من …)
        else:
            fresh = False
        j += 1


_LIST_SEPARATORS = frozenset({"و", "،", ",", "-", "."})
