"""Register rows as Tesseract returns them: word boxes with crumbs, merged and split cells.

Boxes and confidences follow real Tesseract output on rendered register pages (A5 at 300 dpi): words
about 40 px high, columns 50-150 px apart, crumbs such as '.', '|', '>' or a low-confidence '0' read
from specks and table rules between the columns.
"""

from __future__ import annotations

from athar.records import OcrPage, OcrWord, Preprocessing, join_words
from nlp.analyze import analyze_pages
from nlp.layout import lines_from_words

# (text, x0, x1, conf) per word, right to left; one list per printed line
Row = list[tuple[str, int, int, float]]

HEADER: Row = [
    ("الرقم", 1518, 1576, 90),
    ("الاسم", 1380, 1454, 90),
    ("الثلاثي", 1289, 1370, 90),
    ("اسم", 1040, 1088, 90),
    ("الأم", 981, 1030, 90),
    ("محل", 870, 920, 90),
    ("وتاريخ", 770, 860, 90),
    ("الولادة", 682, 760, 90),
    ("الرقم", 560, 618, 90),
    ("الوطني", 463, 550, 90),
    ("تاريخ", 250, 321, 90),
    ("التوقيف", 148, 240, 90),
]
TITLE: Row = [("سجل", 1500, 1604, 90), ("الموقوفين", 1300, 1490, 90)]


def page_of(*rows: Row) -> OcrPage:
    """An OCR page: one Tesseract line per row, rows 70 px apart, words in reading order."""
    words = []
    for line, row in enumerate(rows, start=1):
        top = 200 + 70 * line
        for text, x0, x1, conf in row:
            words.append(OcrWord(text, conf, (x0, top, x1, top + 40), line=line, block=1))
    text, _spans = join_words(words)
    return OcrPage(
        sha256="0" * 64,
        page=1,
        text=text,
        words=tuple(words),
        confidence=80.0,
        preprocessing=Preprocessing(),
        engine="test",
        model="none",
        width=1748,
        height=2480,
    )


def test_crumb_between_columns_does_not_join_name_and_mother() -> None:
    # a '.' read from a speck between the name and the mother's name, 12 px from each
    row: Row = [
        ("9", 1541, 1576, 88),
        ("يوسف", 1373, 1457, 53),
        ("عبد", 1312, 1355, 93),
        ("الحميد", 1235, 1295, 72),
        ("الخالد", 1152, 1218, 63),
        (".", 1125, 1140, 21),
        ("نوال", 1037, 1088, 79),
        ("داريا", 857, 919, 95),
        ("1973", 762, 839, 97),
        ("05231200310", 382, 616, 81),
        ("12-3-2012", 144, 318, 87),
    ]
    page = page_of(TITLE, HEADER, row)
    cells = [" ".join(t.norm for t in c.tokens) for c in lines_from_words(page)[2].cells]
    assert "نوال" in cells
    (person,) = analyze_pages([page]).persons
    assert (person.name, person.mother, person.birth_date) == ("يوسف عبد الحميد الخالد", "نوال", "1973")


def test_low_confidence_zero_does_not_join_mother_and_birth_columns() -> None:
    # a table rule read as '0' (confidence 38) between the mother's name and the birth year
    row: Row = [
        ("مصطفى", 1355, 1450, 76),
        ("عبد", 1282, 1336, 93),
        ("الله", 1214, 1268, 96),
        ("المصري", 1100, 1200, 80),
        ("عائشة", 952, 1027, 49),
        ("0", 870, 922, 38),
        ("١٩٧٠", 750, 838, 73),
        ("٠٦٢٤٠١٣٤٢٢٨", 399, 682, 73),
        ("٢٠/٥/٢٠١٤", 150, 318, 80),
    ]
    (person,) = analyze_pages([page_of(TITLE, HEADER, row)]).persons
    assert (person.mother, person.birth_date, person.national_id) == ("عائشة", "1970", "06240134228")


TRANSFER_HEADER: Row = [
    ("الرقم", 1630, 1696, 90),
    ("الاسم", 1496, 1570, 90),
    ("اسم", 1120, 1163, 90),
    ("6111", 1043, 1100, 40),  # الأم misread as digits
    ("التولد", 879, 983, 90),
    ("الرقم", 760, 829, 90),
    ("الوطني", 657, 750, 90),
]
TRANSFER_TITLE: Row = [("قائمة", 1600, 1725, 90), ("بأسماء", 1450, 1590, 90), ("المنقولين", 1312, 1440, 90)]


MUSTAFA_ROW: Row = [
    ("1", 1683, 1692, 90),
    ("مصطفى", 1490, 1574, 90),
    ("عيسى", 1390, 1470, 90),
    ("العمر", 1270, 1370, 90),
    ("حياة", 1100, 1167, 90),
    ("1980", 896, 982, 90),
    ("04185014772", 565, 829, 90),
]


def test_mother_column_found_when_its_header_is_half_read() -> None:
    rows: list[Row] = [
        MUSTAFA_ROW,
        [
            ("2", 1679, 1696, 90),
            ("كمال", 1500, 1571, 90),
            ("حسن", 1420, 1480, 90),
            ("الحوراني", 1283, 1400, 90),
            ("فاطمة", 1075, 1163, 90),
            ("1981", 896, 981, 90),
            ("02227831740", 565, 830, 90),
        ],
    ]
    persons = analyze_pages([page_of(TRANSFER_TITLE, TRANSFER_HEADER, *rows)]).persons
    assert [(p.name, p.mother, p.birth_date) for p in persons] == [
        ("مصطفى عيسى العمر", "حياة", "1980"),
        ("كمال حسن الحوراني", "فاطمة", "1981"),
    ]


def test_a_header_as_near_the_fathers_label_as_the_mothers_is_decided_by_the_rows() -> None:
    # Lateef type: الأم read "الأ", one edit from الأم and from الأب; the full names in the rows make it
    # the mother's column (it used to be taken for the father's, losing every mother on the page)
    header = [(text, x0, x1, conf) for text, x0, x1, conf in TRANSFER_HEADER]
    header[3] = ("الأ", 1043, 1100, 34)
    (person,) = analyze_pages([page_of(TRANSFER_TITLE, header, MUSTAFA_ROW)]).persons
    assert (person.name, person.father, person.mother) == ("مصطفى عيسى العمر", "عيسى", "حياة")


def test_half_read_header_after_a_lone_first_name_is_not_the_mother() -> None:
    # a register with the given name alone in the name column: the half-read "اسم ..." is the father's
    rows: list[Row] = [
        [
            ("1", 1683, 1692, 90),
            ("مصطفى", 1490, 1574, 90),
            ("عيسى", 1100, 1167, 90),
            ("1980", 896, 982, 90),
            ("04185014772", 565, 829, 90),
        ],
        [
            ("2", 1679, 1696, 90),
            ("كمال", 1500, 1571, 90),
            ("حسن", 1100, 1163, 90),
            ("1981", 896, 981, 90),
            ("02227831740", 565, 830, 90),
        ],
    ]
    persons = analyze_pages([page_of(TRANSFER_TITLE, TRANSFER_HEADER, *rows)]).persons
    assert [(p.name, p.first, p.father, p.mother) for p in persons] == [
        ("مصطفى عيسى", "مصطفى", "عيسى", None),
        ("كمال حسن", "كمال", "حسن", None),
    ]


def test_cell_spanning_two_header_columns_is_cut_at_its_widest_gap() -> None:
    # the birth year, a garbage word and the national ID read as one cell (the garbage overlaps both)
    header: Row = [
        ("الرقم", 1510, 1575, 90),
        ("الاسم", 1375, 1449, 90),
        ("اسم", 980, 1026, 90),
        ("الأم", 906, 970, 90),
        ("التولد", 760, 845, 90),
        ("الرقم", 610, 682, 90),
        ("الوطني", 510, 600, 90),
    ]
    row: Row = [
        ("حسن", 1392, 1460, 65),
        ("نايف", 1300, 1372, 93),
        ("العلي", 1200, 1284, 91),
        ("ليلى", 982, 1030, 30),
        ("١٩٥٠", 750, 838, 66),
        ("ج١ا6", 700, 740, 0),
        ("١٤٢٣٠٠٥٠٤٢٠", 399, 675, 66),
    ]
    page = page_of(TRANSFER_TITLE, header, row)
    (person,) = analyze_pages([page]).persons
    assert (person.mother, person.birth_date, person.national_id) == ("ليلى", "1950", "14230050420")


def test_crumb_lines_between_rows_do_not_end_the_table() -> None:
    # specks on a noisy scan read as lines of their own between the register rows
    rows: list[Row] = [
        [
            ("702", 1515, 1575, 90),
            ("غسان", 1400, 1457, 90),
            ("سعيد", 1320, 1385, 90),
            ("الخطيب", 1230, 1305, 90),
            ("حياة", 1037, 1088, 90),
            ("دمشق", 857, 919, 90),
            ("1985", 762, 839, 90),
            ("09886212345", 382, 616, 90),
            ("28/11/2012", 144, 318, 90),
        ],
        [(".", 1180, 1190, 20), (":", 1200, 1225, 20), ("ا", 661, 747, 10), ("0", 151, 187, 30)],
        [
            ("703", 1515, 1575, 90),
            ("أنس", 1410, 1457, 90),
            ("رضوان", 1320, 1395, 90),
            ("السعدي", 1230, 1305, 90),
            ("نعيمة", 1030, 1088, 90),
            ("عدرا", 857, 919, 90),
            ("1981", 762, 839, 90),
            ("05644787123", 382, 616, 90),
            ("12/5/2013", 144, 318, 90),
        ],
    ]
    persons = analyze_pages([page_of(TITLE, HEADER, *rows)]).persons
    assert [(p.name, p.mother) for p in persons] == [
        ("غسان سعيد الخطيب", "حياة"),
        ("أنس رضوان السعدي", "نعيمة"),
    ]


def test_crumb_glued_to_a_word_stays_out_of_the_name() -> None:
    # Tesseract glued a speck to the mother's name and to the first name: ".زينب", ".يوسف"
    row: Row = [
        ("697", 1512, 1575, 90),
        (".يوسف", 1380, 1457, 60),
        ("عبد", 1312, 1355, 93),
        ("الرزاق", 1230, 1295, 72),
        ("الرفاعي", 1130, 1218, 63),
        (".زينب", 1029, 1101, 55),
        ("حلب", 857, 919, 95),
        ("1989", 762, 839, 97),
        ("05231200310", 382, 616, 81),
        ("12-3-2012", 144, 318, 87),
    ]
    page = page_of(TITLE, HEADER, row)
    (person,) = analyze_pages([page]).persons
    assert (person.name, person.first, person.mother) == ("يوسف عبد الرزاق الرفاعي", "يوسف", "زينب")
    assert page.text[person.start : person.end].startswith("يوسف")


KAMAL_ROW: Row = [
    ("2", 1679, 1696, 90),
    ("كمال", 1500, 1571, 90),
    ("حسن", 1420, 1480, 90),
    ("الحوراني", 1283, 1400, 90),
    ("فاطمة", 1075, 1163, 90),
    ("1981", 896, 981, 90),
    ("02227831740", 565, 830, 90),
]


def test_a_dash_line_under_the_header_keeps_the_table_and_a_signature_ends_it() -> None:
    dashes: Row = [("-", 1500, 1510, 30), ("-", 900, 910, 30)]
    position: Row = [("مدير", 1500, 1560, 90), ("السجن", 1420, 1490, 90)]
    signature: Row = [("العميد", 1500, 1580, 90), ("سامر", 1420, 1490, 90), ("يوسف", 1340, 1410, 90)]
    signature.append(("الحلبي", 1230, 1330, 90))
    persons = analyze_pages(
        [page_of(TRANSFER_TITLE, TRANSFER_HEADER, dashes, MUSTAFA_ROW, position, signature)]
    )
    found = {p.name: p for p in persons.persons}
    assert found["مصطفى عيسى العمر"].mother == "حياة"
    official = found["سامر يوسف الحلبي"]
    assert (official.title, official.role, official.mother) == ("العميد", "official", None)
    assert len(found) == 2


def test_rows_under_an_unreadable_header_are_read_by_their_content() -> None:
    garbage: Row = [
        ("ﻡ", 1680, 1696, 20),
        ("اﻟ..", 1450, 1570, 20),
        ("~~", 1043, 1100, 20),
        ("؟؟", 760, 829, 20),
    ]
    persons = analyze_pages([page_of(TRANSFER_TITLE, garbage, MUSTAFA_ROW, KAMAL_ROW)]).persons
    assert [(p.name, p.mother, p.birth_date, p.national_id) for p in persons] == [
        ("مصطفى عيسى العمر", "حياة", "1980", "04185014772"),
        ("كمال حسن الحوراني", "فاطمة", "1981", "02227831740"),
    ]


def test_a_rule_read_as_alef_at_the_cell_edge_is_dropped() -> None:
    row = [("1", 1683, 1692, 90), ("امحمد", 1480, 1574, 90), *MUSTAFA_ROW[2:4], ("أاحياة", 1090, 1167, 90)]
    row += MUSTAFA_ROW[5:]
    (person,) = analyze_pages([page_of(TRANSFER_TITLE, TRANSFER_HEADER, row)]).persons
    assert person.name == "محمد عيسى العمر"
    assert person.first == "محمد"
    assert person.mother == "حياة"  # a rule read as two letters before the mother's name
