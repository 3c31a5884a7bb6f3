"""Persons that are names: boilerplate rejected, titles split off, roles, facilities from the page's own
context, بن/ابن defendants, rule glyphs, transfer letters. Each case failed before this round's changes."""

from __future__ import annotations

from pathlib import Path

from athar.arabic import normalize_arabic
from athar.records import Person
from nlp.analyze import analyze_text
from nlp.layout import Token
from nlp.persons.lexicon import looks_like_name, strip_rule_glyph, word_class

DEATH = """الجمهورية العربية السورية
وزارة الدفاع - مشفى تشرين العسكري
تقرير وفاة
نعلمكم بوفاة الموقوف صاحب الهوية المبينة أدناه والمحال إلينا من سجن صيدنايا العسكري
الاسم: احمد محمود العلي
اسم الأم: فاطمة
تولد: حمص 1985
تاريخ الوفاة: 12/03/2013
سبب الوفاة: توقف القلب والتنفس
ملاحظات: الجثة في البراد رقم 4
يرجى الاطلاع وإعلامنا بالاستلام
صورة إلى: مدير سجن صيدنايا العسكري
التوقيع: العميد الركن ماهر عدنان الشامي
"""
VERDICT = """محكمة الميدان العسكرية
القرار رقم 245 لعام 2014
بعد الاطلاع على الأوراق حكمت المحكمة على المتهم محمد بن خالد الحسن والدته سعاد تولد درعا 1990 بالإعدام
وعلى المتهم عمر ابن ياسر القاسم والدته هند تولد دمشق 1988 بالأشغال الشاقة
بجرم الانتماء إلى تنظيم إرهابي وفق المادة 8 من قانون الإرهاب
بحضور الشاهد المساعد أول رامي حسن العبدالله
رئيس المحكمة العميد القاضي نزار سليم الأحمد
"""
TRANSFER = """الجمهورية العربية السورية
الشرطة العسكرية في القابون
إلى: إدارة سجن صيدنايا العسكري
الموضوع: نقل موقوفين
نرسل إليكم الموقوفين المدرجة أسماؤهم أدناه من الفرع 215 إلى سجن صيدنايا العسكري بتاريخ 5/6/2013
1 - محمد احمد الخطيب والدته زينب
2 - علي حسين الحموي والدته مريم
يرجى التكرم بالاستلام وإعلامنا
"""


def persons(text: str) -> dict[str, Person]:
    return {normalize_arabic(p.name): p for p in analyze_text(text).persons}


def test_identity_formula_and_acknowledgement_are_no_persons() -> None:
    text = (
        "تقرير وفاة\nنعلمكم بوفاة المدعو المذكور أدناه في مشفى تشرين العسكري\n"
        "الاسم: خالد عمر الزعبي\nاسم الأم: ليلى\n"
        "يرجى من الموقوف المذكور التوقيع بالاستلام\n"
    )
    assert set(persons(text)) == {"خالد عمر الزعبي"}


def test_a_note_line_is_never_a_mother() -> None:
    text = "سجل الموقوفين\nالاسم: محمود علي الحسن\nاسم الأم: لا يوجد ملاحظات\nتولد: حماة 1975\n"
    (person,) = persons(text).values()
    assert person.mother is None
    assert person.birth_date == "1975"


def test_rank_goes_to_title_not_into_the_name() -> None:
    text = "تم توقيف المجند محمد أحمد الخطيب والدته زينب تولد حمص 1990 بتاريخ 3/4/2012.\n"
    (person,) = persons(text).values()
    assert person.name == "محمد أحمد الخطيب"
    assert person.title == "المجند"
    assert person.role == "detainee"
    assert person.mother == "زينب"


def test_verdict_defendants_with_bin_formulas_judge_and_witness() -> None:
    found = persons(VERDICT)
    first, second = found["محمد بن خالد الحسن"], found["عمر ابن ياسر القاسم"]
    assert (first.father, first.family, first.mother, first.role) == ("خالد", "الحسن", "سعاد", "defendant")
    assert (second.father, second.mother, second.birth_date, second.role) == (
        "ياسر",
        "هند",
        "1988",
        "defendant",
    )
    judge = found["نزار سليم الاحمد"]
    assert judge.role == "judge" and judge.title is not None and "القاضي" in judge.title
    witness = found["رامي حسن العبدالله"]
    assert witness.role == "witness"
    assert witness.title == "المساعد أول"  # the witness formula gives the role, the rank is the title


def test_death_report_roles_and_the_hospital_as_facility() -> None:
    found = persons(DEATH)
    deceased = found["احمد محمود العلي"]
    assert deceased.role == "deceased"
    assert deceased.facility == "facility:tishreen_military_hospital"  # where he died, not the first match
    assert any(
        e.type == "death" and e.place == "facility:tishreen_military_hospital" for e in deceased.events
    )
    official = found["ماهر عدنان الشامي"]
    assert (official.title, official.role) == ("العميد الركن", "official")
    assert len(found) == 2  # no person from the identity formula, the notes, the copy-to line


def test_transfer_letter_is_classified_and_its_list_read_with_from_and_to() -> None:
    analysis = analyze_text(TRANSFER)
    assert analysis.doc_type == "transfer_list"
    names = {normalize_arabic(p.name): p for p in analysis.persons}
    assert set(names) == {"محمد احمد الخطيب", "علي حسين الحموي"}
    for person in names.values():
        assert person.facility == "facility:saydnaya_prison"  # where the list sends them
        assert person.role == "detainee"
        types = {(e.type, e.place) for e in person.events}
        assert ("transfer", "facility:saydnaya_prison") in types
        assert ("detention", "facility:branch_215") in types
    assert names["علي حسين الحموي"].mother == "مريم"


def test_register_facility_from_its_title_line_not_the_letterhead() -> None:
    text = (
        "الشرطة العسكرية في القابون\nسجل النزلاء في سجن صيدنايا العسكري\n"
        "الرقم الاسم الثلاثي اسم الأم محل وتاريخ الولادة الرقم الوطني\n"
        "1 خالد عمر الزعبي فاطمة حمص 1980 01234567890\n"
    )
    (person,) = persons(text).values()
    assert person.facility == "facility:saydnaya_prison"
    assert person.role == "detainee"


def test_table_rule_glued_to_a_first_name_is_dropped() -> None:
    text = (
        "سجل الموقوفين\nالرقم الاسم الثلاثي اسم الأم محل وتاريخ الولادة الرقم الوطني\n"
        "1 امحمد خالد الحسن فاطمة حمص 1980 01234567890\n"
        "2 اعبد الله سامي العلي مريم حلب 1982 01234567891\n"
    )
    assert set(persons(text)) == {"محمد خالد الحسن", "عبد الله سامي العلي"}


def test_lexicon_word_classes_and_rule_glyphs() -> None:
    assert word_class("محمد") == "name" and word_class("زينب") == "name"
    assert word_class("محمو") == "name"  # one OCR error from a name
    assert word_class("ادناه") == "stop" and word_class("الهويه") == "stop"
    words = [Token(w, 0, 0) for w in ("صاحب", "الهويه", "المبينه")]
    assert not looks_like_name(words)
    assert strip_rule_glyph(Token("امحمد", 0, 5), rare_whole=True).norm == "محمد"
    assert strip_rule_glyph(Token("امحمد", 0, 5)).norm == "امحمد"  # a spelling of its own elsewhere
    assert strip_rule_glyph(Token("ااسميره", 0, 7)).norm == "سميره"  # a rule read as two letters
    assert strip_rule_glyph(Token("العلي", 0, 5)).norm == "العلي"  # the article is no rule
    assert strip_rule_glyph(Token("امين", 0, 4)).norm == "امين"  # a name of its own
    assert strip_rule_glyph(Token("احمد", 0, 4)).norm == "احمد"


def test_names_tsv_is_what_its_recipe_writes() -> None:
    from nlp.data.make_names import OUT, names

    rows = Path(OUT).read_text(encoding="utf-8").splitlines()[1:]
    assert rows == [f"{w}\t{k}\t{n}" for w, k, n in names()]


def test_death_report_table_without_a_readable_header_columns_from_content() -> None:
    text = (
        "تقرير وفاة جماعي\nمشفى تشرين العسكري\n"
        "ﻡ\tاﻟ ..ﺳ\t~~ ﺍ\tمـ ..ﻝ\t؟؟\tﺕ.ﺍ\n"  # the header, unreadable
        "1\tخالد عمر الزعبي\tفاطمة\tحمص 1980\t01234567890\t12/3/2013\n"
        "2\tسامر حسن الحلبي\tزينب الأحمد\tحلب 1975\t01234567891\t14/3/2013\n"
        "3\tياسر محمود العلي\tهند\tدرعا 1988\t01234567892\t15/3/2013\n"
    )
    found = persons(text)
    assert set(found) == {"خالد عمر الزعبي", "سامر حسن الحلبي", "ياسر محمود العلي"}
    second = found["سامر حسن الحلبي"]
    assert (second.mother, second.birth_date, second.birth_place) == ("زينب الأحمد", "1975", "حلب")
    assert second.national_id == "01234567891"
    assert ("death", "2013-03-14") in {(e.type, e.date) for e in second.events}
    assert second.role == "deceased"


def test_a_titled_name_in_running_text_ends_at_its_family_name() -> None:
    found = persons("وأصدر القاضي سليم نادر الحلبي حكمه بحق المتهم بعد جلسة طويلة.")
    assert set(found) == {"سليم نادر الحلبي"}
    assert found["سليم نادر الحلبي"].role == "judge"
    # the ال of a compound is no family name: the name goes on
    found = persons("بحضور الشاهد عبد الرحمن سيف الدين الحمصي وقد وقع معنا.")
    assert set(found) == {"عبد الرحمن سيف الدين الحمصي"}
