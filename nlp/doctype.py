"""Document type from weighted cue words.

Types: prison_register, court_record, death_report, transfer_list, interrogation_form (interrogations,
release orders), burial_list (cemetery lists and burial minutes), other.

Cues are counted over the whole page. Two things make this hold under OCR and across layouts:

- a cue of 7 letters or more that does not occur as written counts once where a line holds it with one
  letter wrong, lost or added (``جل النزلاء``, ``محضى دفن``);
- cues in the page's head (its first lines: letterhead, title, subject) count twice: a title says what
  a page is, while the body of a burial list speaks of the dead as much as a death report does.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from athar.arabic import normalize_with_offsets

# (normalised cue, weight) per type; several weak cues or one strong cue decide.
_CUES: dict[str, tuple[tuple[str, float], ...]] = {
    "prison_register": (
        ("سجل الموقوفين", 4),
        ("سجل السجناء", 4),
        ("سجل", 1.5),
        ("تاريخ التوقيف", 2),
        ("الاسم الثلاثي", 1),
        ("الموقوفين", 0.5),
        ("رقم الموقوف", 0.5),
        ("تاريخ الدخول", 1),
        ("قيود الموقوفين", 4),
        ("سجل النزلاء", 4),
        ("النزلاء", 1),
        ("قيد الموقوفين", 4),
        ("دفتر قيد", 3),
        ("تاريخ الايداع", 2),
        ("النزيل", 1),
        ("الحركه اليوميه", 3),
    ),
    "court_record": (
        ("محكمه", 2),
        ("القرار رقم", 2),
        ("حكمت", 2),
        ("الدعوي", 2),
        ("بجرم", 2),
        ("وجاهيا", 2),
        ("المتهم", 1.5),
        ("قاضي", 1),
        ("الحكم", 1),
        ("قرار", 0.5),
    ),
    "death_report": (
        ("وفاه", 3),
        ("المتوفي", 3),
        ("سبب الوفاه", 3),
        ("تقرير طبي", 2),
        ("الطبيب الشرعي", 2),
        ("توفي", 2),
        ("الجثه", 2),
        ("شهاده وفاه", 3),
    ),
    "transfer_list": (
        ("المنقولين", 4),
        ("تاريخ النقل", 3),
        ("قائمه", 1.5),
        ("نقل", 1),
        ("ترحيل", 2),
        ("الي", 0.3),
        ("نقل موقوفين", 3),
        ("نقل الموقوفين", 3),
        ("نقل السجناء", 3),
        ("تم نقل", 2),
        ("نقلهم", 2),
        ("المنقول", 1.5),
        ("المرحلين", 3),
        ("اسماوهم", 1),
        ("اسماؤهم", 1),
        ("بالاستلام", 1),
        ("تسليم", 1),
        ("نرسل", 1),
        ("يساق", 3),
        ("تحت الحراسه", 2),
    ),
    "interrogation_form": (
        ("استجواب", 4),
        ("استماره استجواب", 4),
        ("اقوال الموقوف", 3),
        ("المحقق", 1.5),
        ("اخلاء سبيل", 4),
        ("يخلي سبيل", 4),
        ("مذكره اخلاء", 4),
        ("امر افراج", 4),
        ("بالافراج", 2),
        ("محضر تحقيق", 4),
        ("ضبط استماع", 4),
        ("استماع", 2),
        ("التحقيق", 1),
        ("العفو", 2),
        ("مرسوم العفو", 3),
        ("اطلق سراح", 3),
        ("اطلاق سراح", 3),
    ),
    "burial_list": (
        ("دفن", 2),
        ("محضر دفن", 4),
        ("دفن الموتي", 4),
        ("مقبره", 2),
        ("رقم القبر", 3),
        ("تاريخ الدفن", 3),
        ("دفنهم", 3),
        ("دفنت", 3),
        ("اذن دفن", 4),
        ("تصريح دفن", 4),
        ("بدفن", 2),
        ("قبر", 2),
        ("قبور", 3),
        ("المدفون", 3),
    ),
}
_PATTERNS = {
    kind: [(cue, re.compile(r"(?<![\u0621-\u064a])(?:ال|وال|بال)?" + re.escape(cue)), w) for cue, w in cues]
    for kind, cues in _CUES.items()
}


HEAD_LINES = 4  # the letterhead and title of a page
_FUZZY_MIN = 7  # letters: shorter cues one letter off are other words too often


def _count(norm: str, cue: str, pattern: re.Pattern[str]) -> int:
    return min(3, len(pattern.findall(norm))) if cue in norm else 0


def _near(lines: list[str], cue: str) -> bool:
    """Whether a line holds ``cue`` with one letter wrong, lost or added."""
    cutoff = 100.0 * (1 - 1 / len(cue)) - 0.5
    return any(
        fuzz.partial_ratio(cue, line, score_cutoff=cutoff) for line in lines if len(line) >= len(cue) - 1
    )


def _scores(norm: str) -> tuple[dict[str, float], dict[str, float]]:
    """Per type: the score of the whole page, and the same with the head's cues counted twice."""
    lines = [line for line in norm.split("\n") if line.strip()]
    head = "\n".join(lines[:HEAD_LINES])
    scores, headed = {}, {}
    for kind, patterns in _PATTERNS.items():
        score = bonus = 0.0
        for cue, pattern, weight in patterns:
            count = _count(norm, cue, pattern)
            if count:
                score += weight * count
                bonus += weight * min(1, _count(head, cue, pattern))
            elif len(cue.replace(" ", "")) >= _FUZZY_MIN and _near(lines, cue):
                score += weight
                bonus += weight * _near(lines[:HEAD_LINES], cue)
        scores[kind], headed[kind] = score, score + bonus
    return scores, headed


def classify(text: str) -> tuple[str, float]:
    """(doc_type, confidence 0-1) of a document's text; ``other`` when no cue is strong enough. The head
    decides between types; it never makes a page of weak cues a record."""
    norm = text if text.isascii() else normalize_with_offsets(text[:20000], keep_lines=True)[0]
    plain, scores = _scores(norm)
    best = max(scores, key=lambda k: scores[k])
    total = sum(scores.values())
    if max(plain.values()) < 2.5:
        weak = max(plain.values())
        return "other", round(1.0 - min(weak, 2.5) / 2.5 * 0.5, 2) if total else 0.5
    margin = scores[best] / total
    strength = min(1.0, plain[best] / 8)
    return best, round(0.5 * margin + 0.5 * strength, 2)
