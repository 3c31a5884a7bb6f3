"""Document type from weighted cue words.

Types: prison_register, court_record, death_report, transfer_list, interrogation_form (interrogations,
release orders), burial_list (cemetery lists and burial minutes), other.
"""

from __future__ import annotations

import re

from athar.arabic import normalize_arabic

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
    ),
    "burial_list": (
        ("دفن", 2),
        ("محضر دفن", 4),
        ("دفن الموتي", 4),
        ("مقبره", 2),
        ("رقم القبر", 3),
        ("تاريخ الدفن", 3),
        ("دفنهم", 3),
    ),
}
_PATTERNS = {
    kind: [(cue, re.compile(r"(?<![\u0621-\u064a])(?:ال|وال|بال)?" + re.escape(cue)), w) for cue, w in cues]
    for kind, cues in _CUES.items()
}


def classify(text: str) -> tuple[str, float]:
    """(doc_type, confidence 0-1) of a document's text; ``other`` when no cue is strong enough."""
    norm = text if text.isascii() else normalize_arabic(text[:20000])
    scores = {
        kind: sum(w * min(3, len(p.findall(norm))) for cue, p, w in patterns if cue in norm)
        for kind, patterns in _PATTERNS.items()
    }
    best = max(scores, key=lambda k: scores[k])
    total = sum(scores.values())
    if scores[best] < 2.5:
        return "other", round(1.0 - min(scores[best], 2.5) / 2.5 * 0.5, 2) if total else 0.5
    margin = scores[best] / total
    strength = min(1.0, scores[best] / 8)
    return best, round(0.5 * margin + 0.5 * strength, 2)
