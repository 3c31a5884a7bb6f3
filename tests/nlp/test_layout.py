"""Rows rebuilt from word boxes when the OCR text runs column by column."""

from __future__ import annotations

from athar.records import OcrPage, OcrWord, Preprocessing
from nlp.analyze import analyze_pages

# right edge of each column (right to left), as on a register page
COLUMNS = (1600, 1450, 1000, 820, 560, 260)
HEADER = ("الرقم", "الاسم الثلاثي", "اسم الأم", "محل وتاريخ الولادة", "الرقم الوطني", "تاريخ التوقيف")
ROWS = (
    ("١٢", "عبد الرحمن يوسف العلي", "مريم", "حماة ١٩٨٥", "٠٦٠٣٨٢٦٣٢١٤", "٢٠/٥/٢٠١٤"),
    ("١٣", "محمد خير أحمد الخطيب", "سعاد", "دمشق 1979", "01234567890", "6/7/2013"),
    ("١٤", "سامر علي حداد", "ليلى", "حلب ١٩٩١", "١٤٢١٧٢٩١٢٧٧", "٣/٩/٢٠١٨"),
)


def _cell_words(
    text: str, right: int, top: int, char_width: int
) -> list[tuple[str, tuple[int, int, int, int]]]:
    words = []
    x = right
    for word in text.split():
        width = char_width * len(word)
        words.append((word, (x - width, top, x, top + 40)))
        x -= width + 12  # ordinary word gap; columns are much further apart
    return words


def column_major_page() -> OcrPage:
    """A page whose text (and word order) goes column by column, as Tesseract reads some tables."""
    table = [HEADER, *ROWS]
    words: list[OcrWord] = []
    line = 0
    for col, right in enumerate(COLUMNS):
        for r, row in enumerate(table):
            line += 1
            for text, box in _cell_words(row[col], right, 300 + 70 * r, 10 if r == 0 else 18):
                words.append(OcrWord(text, 90.0, box, line=line, block=col))
    parts: list[str] = []
    previous = None
    for w in words:
        if previous is not None:
            parts.append(" " if w.line == previous else "\n")
        parts.append(w.text)
        previous = w.line
    return OcrPage(
        sha256="0" * 64,
        page=2,
        text="".join(parts),
        words=tuple(words),
        confidence=90.0,
        preprocessing=Preprocessing(),
        engine="test",
        model="none",
        width=1700,
        height=1000,
    )


def test_rows_rebuilt_from_boxes() -> None:
    page = column_major_page()
    analysis = analyze_pages([page])
    assert analysis.doc_type == "prison_register"
    assert [p.name for p in analysis.persons] == [r[1] for r in ROWS]
    first = analysis.persons[0]
    assert (first.first, first.father, first.family) == ("عبد الرحمن", "يوسف", "العلي")
    assert [(p.mother, p.birth_date, p.national_id) for p in analysis.persons] == [
        ("مريم", "1985", "06038263214"),
        ("سعاد", "1979", "01234567890"),
        ("ليلى", "1991", "14217291277"),
    ]
    assert [p.events[0].date for p in analysis.persons] == ["2014-05-20", "2013-07-06", "2018-09-03"]
    for person in analysis.persons:
        assert person.page == 2
        assert 0 <= person.start < person.end <= len(page.text)


def test_entity_spans_index_the_page_text() -> None:
    page = column_major_page()
    analysis = analyze_pages([page])
    assert analysis.entities
    for m in analysis.entities:
        assert m.page == 2
        assert page.text[m.start : m.end] == m.text
    ids = {m.value for m in analysis.entities if m.type == "NATIONAL_ID"}
    assert ids == {"06038263214", "01234567890", "14217291277"}
