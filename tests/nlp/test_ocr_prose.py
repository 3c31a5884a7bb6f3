"""Prose as Tesseract reads it: the Arabic comma comes back as '.', ',', '؛', '»' or a final 'ء' (the
ara model has no '،'), and cue words lose a letter. Lines below are real OCR output of rendered pages
(names changed)."""

from __future__ import annotations

from nlp.analyze import analyze_text


def only_person(text: str) -> tuple[str, str | None, str | None]:
    (person,) = analyze_text(text).persons
    return person.name, person.mother, person.birth_date


def test_comma_read_as_full_stop_does_not_end_the_sentence() -> None:
    text = "الموقوف عماد عيسى عثمان. أمه سميرة. مواليد ١٩٥٠ نقل إلى الفرع ٢٤٨ بتاريخ 9 ديسمبر ٢٠١٩"
    assert only_person(text) == ("عماد عيسى عثمان", "سميرة", "1950")


def test_a_real_full_stop_still_ends_the_sentence() -> None:
    # the next sentence names no one: its mother and year are not this person's
    text = "الموقوف عماد عيسى عثمان. نقل إلى الفرع ٢٤٨. والدته سميرة تولد 1950."
    assert only_person(text) == ("عماد عيسى عثمان", None, None)


def test_comma_read_as_final_hamza_is_split_off() -> None:
    text = (
        "توفي المعتقل أيمن فايز السعدي (اسم الأم: آمنةء تولد حمص 1981) في مشفى حرستا العسكري "
        "بتاريخ 6 ديسمبر 2019."
    )
    assert only_person(text) == ("أيمن فايز السعدي", "آمنة", "1981")
    text = "الموقوف أيمن عبد الرزاق الأحمدء أمه عائشةء مواليد 1985 نقل إلى الفرع 227 بتاريخ 1 نيسان 2011."
    assert only_person(text) == ("أيمن عبد الرزاق الأحمد", "عائشة", "1985")


def test_a_real_final_hamza_stays() -> None:
    text = "المدعو علاء يوسف العلي والدته آلاء تولد حماة 1979 أوقف بتاريخ 12 آذار 2013."
    assert only_person(text) == ("علاء يوسف العلي", "آلاء", "1979")


def test_cue_word_with_one_ocr_error() -> None:
    # تولد read تواد: it must not join the mother's name, and it still introduces the birth
    text = "المدعو طارق أحمد الحسن والدته نوال تواد حمص 1987 أوقف بتاريخ 5 أيار 2012."
    assert only_person(text) == ("طارق أحمد الحسن", "نوال", "1987")
    # والدته read والدنه
    text = "المدعو طارق أحمد الحسن والدنه نوال تولد حمص 1987 أوقف بتاريخ 5 أيار 2012."
    assert only_person(text) == ("طارق أحمد الحسن", "نوال", "1987")


def test_father_is_not_a_misread_mother_cue() -> None:
    # والده (his father) is one letter from والدته: it must not give the father as the mother
    text = "المدعو طارق أحمد الحسن والده أحمد تولد حمص 1987 أوقف بتاريخ 5 أيار 2012."
    assert only_person(text) == ("طارق أحمد الحسن", None, "1987")


def test_full_stop_before_from_birth_continues_but_not_before_other_from() -> None:
    text = "تم توقيف مازن أحمد الحوراني. من مواليد الزبداني عام 1960 واسم والدته ليلى. وذلك في 5/10/2016."
    assert only_person(text) == ("مازن أحمد الحوراني", "ليلى", "1960")
    text = "الموقوف مازن أحمد الحوراني. من سجن صيدنايا نقل معتقل والدته ليلى تولد 1960."
    assert only_person(text) == ("مازن أحمد الحوراني", None, None)
