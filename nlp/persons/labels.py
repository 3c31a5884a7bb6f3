"""Field labels (الاسم، اسم الأم، تولد، الرقم الوطني …) and finding them in token lists, OCR-tolerant."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from nlp.layout import Token
from nlp.persons.words import is_word

LABELS: dict[tuple[str, ...], str] = {}


def _label(field_name: str, *forms: str) -> None:
    for form in forms:
        LABELS[tuple(form.split())] = field_name


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
    "اسم المتوفي الثلاثي",
    "اسم الشهيد",
    "اسم الجثه",
    "المدفون",
    "اسم المدفون",
    "الاسم والنسبه",
    "الاسم والكنيه",
    "الاسم واللقب",
)
_label("father", "اسم الاب", "اسم الوالد", "الاب")
_label("grandfather", "اسم الجد")
_label("family", "الشهره", "الكنيه", "اللقب", "النسبه")
_label("mother", "اسم الام", "اسم الوالده", "والدته", "امه", "الام", "الوالده")
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
    "الولاده",
)
_label("nid", "الرقم الوطني", "رقم الهويه", "الرقم الوطنى")
_label("ev:detention", "تاريخ التوقيف", "تاريخ الايداع", "تاريخ الدخول")
_label("ev:arrest", "تاريخ الاعتقال", "تاريخ القبض")
_label("ev:transfer", "تاريخ النقل", "تاريخ الترحيل")
_label("ev:death", "تاريخ الوفاه", "تاريخ ومكان الوفاه", "تاريخ الوفاه ومكانها")
_label("ev:release", "تاريخ الافراج", "تاريخ اخلاء السبيل")
_label("ev:sentence", "تاريخ الحكم")
_label("ev:burial", "تاريخ الدفن")
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
    "رقم القبر",
    "رقم الجثه",
    "الجهه",
    "مكان الدفن",
    "المقبره",
    "المهجع",
    "مكان الاحتجاز",
    "مكان الوفاه",
    "العمر",
    "الجهه المرسله",
    "تاريخ الاستلام",
    "رقم البراد",
    "الجثه رقم",
    "تاريخ القبول",
    "تاريخ الادخال",
)
_MAX_LABEL = max(len(k) for k in LABELS)
_LABEL_STARTS = {k[0] for k in LABELS}
PERSON_FIELDS = ("name", "father", "grandfather", "family", "mother", "birth", "nid")


def _near(label: str, seen: str) -> bool:
    """OCR-tolerant token equality: one edit in label words of 4-5 letters, two from 6 letters."""
    if label == seen:
        return True
    if len(label) < 4 or len(seen) < 3:
        return False
    allowed = 1 if len(label) < 6 else 2
    return Levenshtein.distance(label, seen, score_cutoff=allowed) <= allowed


def _label_at(key: tuple[str, ...], fuzzy: bool) -> str | None:
    found = LABELS.get(key)
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
    """LABELS grouped by word count, in LABELS' order (the first near label wins, as before)."""
    grouped: dict[int, list[tuple[tuple[str, ...], str]]] = {}
    for label, kind in LABELS.items():
        grouped.setdefault(len(label), []).append((label, kind))
    return grouped


def find_labels(
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
            at_start = i == 0 or (not is_word(tokens[i - 1]) and not tokens[i - 1].norm.isdigit())
            colon = hit[1] < len(tokens) and tokens[hit[1]].norm in (":", "：")
            if not need_colon or at_start or colon:
                out.append(hit)
                i = hit[1]
                continue
        i += 1
    return out
