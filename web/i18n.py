"""Interface strings in Arabic (default) and English."""

from __future__ import annotations

LANGS = ("ar", "en")

_STRINGS: dict[str, tuple[str, str]] = {
    "title": ("أثر — البحث في الأرشيف", "Athar — archive search"),
    "nav_search": ("بحث في النصوص", "Full-text search"),
    "nav_person": ("بحث عن شخص", "Person search"),
    "nav_operator": ("حالة المعالجة", "Operator"),
    "other_lang": ("English", "العربية"),
    "query": ("عبارة البحث", "Query"),
    "query_help": (
        'كلمات، "عبارة بين علامتي تنصيص"، AND / OR / NOT',
        'words, "a quoted phrase", AND / OR / NOT',
    ),
    "doc_type": ("نوع الوثيقة", "Document type"),
    "any": ("الكل", "any"),
    "date_from": ("من تاريخ", "From date"),
    "date_to": ("إلى تاريخ", "To date"),
    "date_help": ("سنة، أو سنة-شهر، أو سنة-شهر-يوم", "YYYY, YYYY-MM or YYYY-MM-DD"),
    "place": ("المكان أو المنشأة", "Place or facility"),
    "search": ("بحث", "Search"),
    "results": ("نتيجة", "results"),
    "no_results": ("لا توجد نتائج.", "No results."),
    "page": ("صفحة", "page"),
    "prev": ("السابق", "Previous"),
    "next": ("التالي", "Next"),
    "open": ("عرض الوثيقة", "Open document"),
    "name": ("الاسم", "Name"),
    "mother": ("اسم الأم", "Mother's name"),
    "born": ("سنة الولادة", "Birth year"),
    "birth_place": ("مكان الولادة", "Birth place"),
    "person_help": ("بالعربية أو بالحروف اللاتينية", "in Arabic or Latin letters"),
    "score": ("الدرجة", "score"),
    "why": ("سبب التطابق", "why it matched"),
    "document": ("الوثيقة", "Document"),
    "ocr_text": ("النص المستخرج (قد يحتوي على أخطاء)", "Recognised text (may contain errors)"),
    "scan": ("صورة الصفحة", "Page scan"),
    "entities": ("التواريخ والأماكن في الصفحة", "Dates and places on the page"),
    "persons": ("الأشخاص في الصفحة", "Persons on the page"),
    "provenance": ("المصدر", "Provenance"),
    "sha256": ("البصمة sha256", "sha256"),
    "original_name": ("الاسم الأصلي", "Original name"),
    "ingested_at": ("تاريخ الإدخال", "Ingested at"),
    "pipeline": ("إصدارات المعالجة", "Pipeline versions"),
    "download": ("تنزيل الملف الأصلي", "Download the original"),
    "confidence": ("ثقة التعرف", "OCR confidence"),
    "pages": ("الصفحات", "Pages"),
    "highlighted": ("كلمة مطابقة مظللة", "matched words highlighted"),
    "no_boxes": ("لا تتوفر مواقع الكلمات لهذه الصفحة.", "Word boxes are not available for this page."),
    "counts": ("عدد الوثائق حسب الحالة", "Documents per state"),
    "quarantined": ("وثائق معزولة", "Quarantined documents"),
    "integrity_failed": (
        "أصل هذه الوثيقة لم يجتز فحص السلامة (مفقود أو معدَّل): لا يُعرض، وقد لا يطابق النص المسح",
        "This document's original failed its fixity check (missing or altered): it is not served,"
        " and the text may not match the scan",
    ),
    "integrity_failures": ("أصول لم تجتز فحص السلامة", "Originals failing their fixity check"),
    "skipped_objects": ("ملفات في صندوق الوارد لم تُؤخذ", "Inbox objects not taken in"),
    "reason": ("السبب", "Reason"),
    "runs": ("آخر عمليات التشغيل", "Recent runs"),
    "prefect_ui": ("واجهة Prefect", "Prefect UI"),
    "code": ("الرمز", "Code"),
    "message": ("الرسالة", "Message"),
    "since": ("منذ", "Since"),
    "started": ("البداية", "Started"),
    "flow": ("المسار", "Flow"),
    "status": ("الحالة", "Status"),
    "error": ("خطأ", "Error"),
    "login": ("الدخول", "Sign in"),
    "token": ("رمز الدخول", "Access token"),
    "login_help": (
        "هذا الخادم محمي. أدخل رمز الدخول الذي أعطاك إياه المشرف.",
        "This server is protected. Enter the access token your operator gave you.",
    ),
    "not_found": ("غير موجود.", "Not found."),
    "none": ("لا شيء", "none"),
    "prison_register": ("سجل سجن", "prison register"),
    "court_record": ("حكم محكمة", "court record"),
    "death_report": ("تقرير وفاة", "death report"),
    "transfer_list": ("قائمة نقل", "transfer list"),
    "other": ("أخرى", "other"),
    "state_received": ("مستلمة", "received"),
    "state_processing": ("قيد المعالجة", "processing"),
    "state_indexed": ("مفهرسة", "indexed"),
    "state_quarantined": ("معزولة", "quarantined"),
    "event_arrest": ("اعتقال", "arrest"),
    "event_detention": ("احتجاز", "detention"),
    "event_transfer": ("نقل", "transfer"),
    "event_trial": ("محاكمة", "trial"),
    "event_sentence": ("حكم", "sentence"),
    "event_release": ("إفراج", "release"),
    "event_death": ("وفاة", "death"),
    "nav_review": ("للمراجعة", "To review"),
    "engine_text": ("قراءة الآلة كما هي", "The engine's reading, as it was"),
    "corrected_text": ("النص بعد التصحيح", "Text with corrections"),
    "words": ("الكلمات", "Words"),
    "correct": ("تصحيح", "Correct"),
    "person_role": ("الصفة", "role"),
    "corrected_by": ("صححها", "corrected by"),
    "corrections": ("التصحيحات", "Corrections"),
    "revert": ("تراجع", "Revert"),
    "flagged": ("لم تعد كلمتها موجودة في القراءة الحالية", "its word is gone from the current reading"),
    "sign_in_to_edit": ("الدخول للتصحيح", "Sign in to correct"),
    "review_title": ("كلمات قرأتها الآلة بثقة منخفضة", "Words the engine read with low confidence"),
    "review_help": (
        "الأهم أولاً: أسماء الأمهات، ثم الأسماء، ثم تواريخ الولادة.",
        "Most important first: mothers' names, then names, then birth dates.",
    ),
    "role_mother": ("اسم الأم", "mother"),
    "role_name": ("الاسم", "name"),
    "role_birth_date": ("تاريخ الولادة", "birth date"),
    "role_person": ("سطر شخص", "person's row"),
    "role_date": ("تاريخ", "date"),
    "role_place": ("مكان", "place"),
    "role_other": ("غير ذلك", "other"),
    "exports": ("تصدير", "Export"),
    "word_text": ("النص الصحيح", "Correct text"),
}

DOC_TYPES = ("prison_register", "court_record", "death_report", "transfer_list", "other")


def pick_lang(value: str | None) -> str:
    """``en`` or ``ar`` (the default) from a query parameter or cookie value."""
    return "en" if (value or "").lower().startswith("en") else "ar"


def translator(lang: str) -> dict[str, str]:
    """All strings in one language, as a mapping for templates."""
    index = 1 if lang == "en" else 0
    return {key: pair[index] for key, pair in _STRINGS.items()}
