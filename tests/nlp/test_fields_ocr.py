"""Dates, national IDs and document types read through OCR slips (issue #13)."""

from __future__ import annotations

from nlp.analyze import analyze_text
from nlp.datefix import repair
from nlp.dates import find_date_spans, sane_value
from nlp.doctype import classify
from nlp.ids import find_national_ids
from nlp.text import prepare


def dates(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.iso) for s in find_date_spans(text)]


def ids(text: str) -> list[str]:
    return [m.value or "" for m in find_national_ids(prepare(text))]


def test_month_name_one_letter_off_before_a_year() -> None:
    assert dates("توفي في 5 ديسمير 2013 في المشفى") == [("5 ديسمير 2013", "2013-12-05")]
    assert dates("15 نوفبر 2013") == [("15 نوفبر 2013", "2013-11-15")]
    assert dates("4 تشرن الاول 2015") == [("4 تشرن الاول 2015", "2015-10-04")]


def test_words_one_letter_from_short_month_names_are_no_months() -> None:
    assert dates("ضباط 2013") == []  # شباط
    assert dates("ايام 2013") == []  # ايار
    assert dates("وفق قانون 2011") == []  # كانون


def test_rule_glued_to_day_or_year() -> None:
    assert dates("127 اب 2011 بلا ذوي") == [("27 اب 2011", "2011-08-27")]
    assert dates("وردت بتاريخ 4 تشرين الثاني 12016 الجثث") == [("4 تشرين الثاني 12016", "2016-11-04")]
    assert dates("الغرفة 145 اب 2011") == [("اب 2011", "2011-08")]  # 45 is no day


def test_lost_separator_between_month_and_year() -> None:
    assert dates("1957 04/04 2014") == [("04/04 2014", "2014-04-04")]


def test_clean_text_is_not_repaired() -> None:
    text = "صدر بتاريخ 3 ديسمبر 2018 في الغرفة 12 من السجن رقم 2013"
    fixed = repair(text)
    assert fixed.text == text and fixed.span(3, 8) == (3, 8)


def test_bare_birth_years_under_a_birth_column() -> None:
    page = "الاسم التولد تاريخ الايداع\nعمر زيد 1994 8/8/2017\nزيد عمر حمص 1963 2013/06/20\nمجموع 2 رقم 2024"
    assert dates(page) == [
        ("1994", "1994"),
        ("8/8/2017", "2017-08-08"),
        ("1963", "1963"),
        ("2013/06/20", "2013-06-20"),
    ]
    # without a birth column a bare year is no date
    assert dates("الاسم تاريخ الايداع\nعمر زيد 1994 8/8/2017") == [("8/8/2017", "2017-08-08")]


def test_sane_date_values() -> None:
    assert sane_value("2013-12-05") == "2013-12-05"
    assert sane_value("2012-11-15/2013-11-03") == "2012-11-15/2013-11-03"
    assert sane_value("11967") == "1967"
    assert sane_value("19712") == "1971"
    assert sane_value("99999") is None


def test_ids_cut_in_two_runs() -> None:
    assert ids("الاسم التولد الرقم الوطني\nعمر دمشق 1987 364878 07433 الطابق") == ["07433364878"]
    assert ids("الرقم الوطني 364878 07433") == ["07433364878"]
    # no national number on the page: runs are not joined
    assert ids("رقم الجثة 364878 07433") == []
    # a year is no piece of a number; a start that is no governorate code is no number
    assert ids("الرقم الوطني تولد 1981 0190460") == []
    assert ids("الرقم الوطني 364878 97433") == []


def test_ids_lost_zero_and_glued_one() -> None:
    assert ids("الرقم الوطني ٧٢٥٥٣٥٢٩٦٥") == ["07255352965"]
    assert ids("الرقم الوطني 0933123456") == []  # a mobile number
    assert ids("(الرقم الوطني ١١٣٣١٤٨٨٤٦٥٥ قد أقدم") == ["13314884655"]
    assert ids("الرقم الوطني 123456789012") == []
    # the same number read twice, once with a glued rule, is one number
    assert ids("الرقم الوطني 06158693595 106158693595") == ["06158693595"]


def test_doctype_cue_one_letter_off() -> None:
    page = "إدارة السجون\nجل النزلاء في سجن عدرا\nم الاسم اسم الأب\n1 عمر زيد"
    assert classify(page)[0] == "prison_register"
    assert classify("محضى دفن\nتم دفن الجثث الواردة")[0] == "burial_list"


def test_doctype_head_decides_between_types() -> None:
    body = "\n".join(f"القبر رقم {k}: الجثة رقم {k} عمر زيد المتوفى بتاريخ 2013" for k in range(4))
    burial = "الإدارة المحلية\nدفتر القبور - مقبرة القطيفة\nالصفحة 23\nالجثث الواردة والمدفونة خلال الشهر:\n"
    hospital = "إدارة الخدمات الطبية\nمشفى تشرين العسكري\nتقرير\nالموضوع: الجثث الواردة\n"
    assert classify(burial + body)[0] == "burial_list"
    assert classify(hospital + body)[0] == "death_report"


def test_doctype_head_never_makes_a_record_of_weak_cues() -> None:
    assert classify("سجل حافل\nقال الوزير إن الاجتماع كان مثمرا")[0] == "other"


def test_analysis_repairs_a_glued_birth_year() -> None:
    analysis = analyze_text("الموقوف عمر زيد الحلبي والدته هدى تولد حلب ١١٩٦٧ الرقم الوطني 03406621692")
    values = {m.value for m in analysis.entities if m.type == "DATE"}
    assert "1967" in values
    assert not any(v and len(v) in (5, 6) for v in values)  # no year with a glued digit left


def test_id_at_the_end_of_a_sentence() -> None:
    assert ids("س: ما رقمك الوطني؟ ج: 10420201432.") == ["10420201432"]
    assert ids("الرقم 10420201432.5") == []


def test_birth_years_under_a_birth_date_column() -> None:
    page = "الرقم اسم النزيل الأم سنة الميلاد تاريخ الدخول\n1 عمر زيد هدى 1969 3/4/2015"
    assert ("1969", "1969") in dates(page)


def test_doctype_vocabulary_of_minutes_permits_amnesties_and_movement_registers() -> None:
    assert classify("فرع الأمن\nضبط استماع أقوال رقم 12\nس: ما اسمك؟ ج: عمر")[0] == "interrogation_form"
    assert classify("جدول بأسماء المشمولين بمرسوم العفو العام\n1- عمر زيد أطلق سراحه")[0] == (
        "interrogation_form"
    )
    permit = "وزارة الصحة\nالطبابة الشرعية\nإذن دفن رقم 5\nاسم المتوفى: عمر\nتاريخ الوفاة: 3/4/2015"
    assert classify(permit)[0] == "burial_list"
    assert classify("سجن عدرا\nدفتر الحركة اليومية للنزلاء\nاسم النزيل تاريخ الدخول")[0] == "prison_register"


def test_lost_zero_only_where_nothing_else_fits() -> None:
    # 1110406197 may have lost its zero anywhere after the first digit (11104061970): no guess
    assert ids("رقم وطني ١١١٠٤٠٦١٩٧") == []


def test_dispatch_telegram_is_a_transfer() -> None:
    page = "برقية رقم 12\nمن: فرع الخطيب إلى: سجن حلب\nيساق إليكم تحت الحراسة الموقوفون الآتية:"
    assert classify(page)[0] == "transfer_list"
