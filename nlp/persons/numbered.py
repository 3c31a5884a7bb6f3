"""Records led by the numbers of a grave, a plot, a body or a ledger entry ("مقسم 4 / صف 2 / قبر 7:
فلان الفلاني", "القبر 12 فلان - القبر 13 فلان", "قيد رقم 207 - فلان الفلاني - أمه …"). Cemetery
ledgers, plot maps and intake ledgers name persons this way, often several to a line. A record starts
where such a lead (numbering words, numbers and marks, one number at least) is followed by a name the
lexicon knows: a given name first, every word a name word."""

from __future__ import annotations

from collections.abc import Sequence

from nlp.layout import Token
from nlp.persons.lexicon import is_given, word_class
from nlp.persons.words import is_word

# words that number a grave, a plot, a body or an entry (normalised)
PLOT_WORDS = frozenset(
    {"القبر", "قبر", "رقم", "الجثه", "جثه", "البراد", "براد", "الضريح", "مقسم", "المقسم", "صف", "الصف",
     "قطعه", "القطعه", "المربع", "مربع", "القطاع", "قطاع", "الحفره", "حفره", "الشاهده", "شاهده",
     # entry numbers of ledgers and files: "قيد رقم 207 - فلان …", "إضبارة 55: فلان …"
     "قيد", "القيد", "اضباره", "الاضباره", "ملف", "الملف", "تسلسل", "التسلسل"}
)  # fmt: skip
_MARKS = frozenset({":", "-", "/", "،", ",", "(", ")", "|", "."})
_KIN = frozenset({"بن", "ابن", "بنت"})
MIN_NAME_WORDS = 3  # a name after a lead: three lexicon words, or two that end at a mark or the line's end
MAX_LEAD = 10


def _lead_end(toks: Sequence[Token], p: int) -> int | None:
    """The end of a numbering lead at ``p`` ("قبر 7 :", "مقسم 4 / صف 2 / قبر 7"), or None."""
    q = p
    numbers = words = 0
    while q < len(toks) and q - p < MAX_LEAD:
        norm = toks[q].norm
        if norm in PLOT_WORDS:
            words += 1
        elif norm[:1].isdigit():
            numbers += 1
        elif norm not in _MARKS:
            break
        q += 1
    return q if words and numbers and q > p else None


def _name_words(toks: Sequence[Token], q: int) -> int:
    """How many name words run from ``q``: lexicon names (and بن/ابن/بنت), a given name first."""
    if q >= len(toks) or not is_word(toks[q]) or not is_given(toks[q].norm):
        return 0
    n = 0
    while q + n < len(toks) and is_word(toks[q + n]):
        norm = toks[q + n].norm
        if norm not in _KIN and word_class(norm) != "name":
            break
        n += 1
    return n


def numbered_starts(toks: Sequence[Token]) -> list[int]:
    """Positions in a line where a name follows a grave, plot or body number."""
    out = []
    p = 0
    while p < len(toks):
        if toks[p].norm in PLOT_WORDS and (
            p == 0 or not is_word(toks[p - 1]) or toks[p - 1].norm[:1].isdigit()
        ):
            q = _lead_end(toks, p)
            n = _name_words(toks, q) if q is not None else 0
            ends = q is not None and (q + n >= len(toks) or not is_word(toks[q + n]))
            if q is not None and (n >= MIN_NAME_WORDS or (n == MIN_NAME_WORDS - 1 and ends)):
                out.append(q)
                p = q
                continue
        p += 1
    return out
