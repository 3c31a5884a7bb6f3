"""Generic person rules of the dev3 round: tab columns kept in place, names in name order whatever the
column order, a "name / mother" header, lists opened without a role word, name-led record lines, and a
person named twice completed rather than doubled. Each case failed before these rules."""

from __future__ import annotations

from athar.records import Person
from nlp.analyze import analyze_text, load_settings, prepare
from nlp.layout import TAB_COLUMN, Cell, Token, lines_from_text
from nlp.persons.rows import _slashed, _split_spanning


def _persons(text: str) -> dict[str, Person]:
    return {p.name: p for p in analyze_text(text).persons}


def test_an_empty_tab_cell_keeps_the_columns_after_it_in_place() -> None:
    lines = lines_from_text(prepare("أ\tب\tج\nس\t\tع\n", load_settings()))
    head, row = lines
    assert [c.x1 for c in row.cells] == [head.cells[0].x1, head.cells[2].x1]
    assert head.cells[0].x1 - head.cells[1].x1 == TAB_COLUMN


REGISTER = """قائمة بأسماء الموقوفين
الرقم\tالشهرة\tالاسم\tاسم الأب\tاسم الأم\tمكان الولادة\tسنة الولادة\tملاحظات
1\tشعبان\tنبيل\tمنذر\tفاطمة\tدمشق\t1975\t
2\tالحكيم\tجمال\tعبد العزيز\tهند\tحمص\t1990\tقيد التحقيق
"""


def test_a_family_name_column_first_gives_the_name_in_name_order() -> None:
    persons = _persons(REGISTER)
    assert "نبيل منذر شعبان" in persons and "جمال عبد العزيز الحكيم" in persons
    assert persons["نبيل منذر شعبان"].mother == "فاطمة"
    assert persons["نبيل منذر شعبان"].birth_date == "1975"


COMPACT = """سجل التوقيف اليومي
تسلسل\tالموقوف / والدته\tالولادة\tتاريخ التوقيف
1\tعبد القادر بن راتب التدمري / سناء\tمواليد حمص 1982\t15 أيلول 2015
2\tغياث وليد شحادة / مفيدة\tمواليد 1961\t2015/06/06
"""


def test_a_name_and_mother_header_cell_reads_name_and_mother() -> None:
    persons = _persons(COMPACT)
    assert persons["عبد القادر بن راتب التدمري"].mother == "سناء"
    assert persons["غياث وليد شحادة"].mother == "مفيدة"


BIHAQ = """محكمة قضايا الإرهاب
أصدرت المحكمة حكمها بحق كل من: محمود ابن صهيب النجار والدته سهيلة تولد 1981، وغسان بن علي الزبداني \
والدته هدى مواليد السويداء 1994، الموقوفين في سجن تدمر العسكري.
"""


def test_a_list_opened_by_kul_man_reads_every_name_with_its_mother() -> None:
    persons = _persons(BIHAQ)
    assert persons["محمود ابن صهيب النجار"].mother == "سهيلة"
    assert persons["غسان بن علي الزبداني"].mother == "هدى"
    assert persons["غسان بن علي الزبداني"].birth_date == "1994"


NOT_A_LIST = """وزارة العدل
صدر القرار بحق كل من يخالف أحكام هذا القانون وفق الأصول.
"""


def test_a_list_opener_before_no_given_name_reads_no_one() -> None:
    assert analyze_text(NOT_A_LIST).persons == ()


FIELD = """محكمة الميدان العسكرية
نظرت المحكمة في ملف الموقوفين لدى الفرع 227 وهم: فايز كمال السليمان، أيهم مهند الطباع.
فايز كمال السليمان: والدته ليلى، تهريب مواد طبية.
أيهم مهند الطباع: والدته روعة، مواليد 1994، التواصل مع جهات معادية.
"""


def test_name_led_lines_complete_the_persons_listed_before() -> None:
    found = analyze_text(FIELD).persons
    names = [p.name for p in found]
    assert sorted(names) == sorted(["فايز كمال السليمان", "أيهم مهند الطباع"])
    by = {p.name: p for p in found}
    assert by["فايز كمال السليمان"].mother == "ليلى"
    assert by["أيهم مهند الطباع"].birth_date == "1994"


def test_a_line_led_by_boilerplate_words_is_no_record() -> None:
    text = "قرار المحكمة: والدته غير معروفة\n"
    assert analyze_text(text).persons == ()


def _cell(words: list[tuple[str, int, int]]) -> Cell:
    toks = tuple(Token(w, 0, 0, x0, x1) for w, x0, x1 in words)
    return Cell(toks, min(t.x0 for t in toks), max(t.x1 for t in toks))


def _head(label: str, x0: int, x1: int) -> Cell:
    return Cell((Token(label, 0, 0, x0, x1),), x0, x1)


def test_a_row_cell_over_two_columns_is_cut_at_a_rule_glyph_not_at_its_widest_gap() -> None:
    heads = [_head("الاسم", 1700, 2200), _head("الولاده", 1300, 1550)]
    cell = _cell([("عبد", 2126, 2180), ("اللطيف", 1997, 2109), ("منذر", 1853, 1925), ("/", 1652, 1658),
                  ("امنه", 1566, 1630), ("|", 1549, 1561), ("مواليد", 1449, 1541),
                  ("1954", 1359, 1431)])  # fmt: skip
    parts = _split_spanning(cell, heads)
    assert [t.norm for t in parts[-1].tokens] == ["مواليد", "1954"]


def test_a_slash_cell_is_name_and_mother_only_when_names_stand_on_both_sides() -> None:
    assert _slashed(_cell([("حسن", 900, 950), ("مهند", 800, 880), ("زيدان", 700, 780), ("/", 690, 695),
                           ("حياه", 600, 680)]))  # fmt: skip
    assert not _slashed(_cell([("اذار", 900, 950), ("/", 890, 895), ("مارس", 800, 880), ("2012", 700, 780)]))
    assert not _slashed(
        _cell([("كانون", 900, 950), ("الثاني", 800, 880), ("/", 790, 795), ("يناير", 700, 780)])
    )


GRAVES = """دفتر القبور - مقبرة نجها
القبر: 892\tالمدفون: عبد السلام حسن سلامة\tوالدته: ياسمين الكردي
رقم الجثة: 8390\tتاريخ الدفن: 22/11/2014\tالولادة: 1959
القبر: 1680\tالمدفون: ممدوح عبد السلام حمادة\tوالدته: أمل المحمد
رقم الجثة: 3451\tتاريخ الدفن: 24-10-2019\tالولادة: 1953
"""


def test_labelled_fields_after_a_field_of_another_kind_make_one_person_each() -> None:
    persons = _persons(GRAVES)
    assert set(persons) == {"عبد السلام حسن سلامة", "ممدوح عبد السلام حمادة"}
    assert persons["ممدوح عبد السلام حمادة"].mother == "أمل المحمد"
    assert persons["عبد السلام حسن سلامة"].birth_date == "1959"


COURT = "محكمة الجنايات بدمشق\nالقرار رقم 12 لعام 2014\n"


def _court(line: str) -> dict[str, Person]:
    return _persons(COURT + line + "\n")


def test_the_sentenced_and_the_accused_of_lesser_courts_are_defendants() -> None:
    one = _court("المحكوم عليه: محمد بن أحمد العلي والدته فاطمة تولد حمص 1980")
    assert one["محمد بن أحمد العلي"].mother == "فاطمة"
    assert one["محمد بن أحمد العلي"].role == "defendant"
    assert "خالد عمر الحسن" in _court("الظنين خالد عمر الحسن والدته سعاد")
    many = _court("حكمت المحكمة على المحكوم عليهم: محمد أحمد العلي وخالد عمر الحسن بالسجن")
    assert set(many) == {"محمد أحمد العلي", "خالد عمر الحسن"}


def test_names_after_a_sentences_verbal_noun_are_read_and_other_nouns_are_not() -> None:
    found = _court("حكمت المحكمة بإعدام خالد عمر الحسن ومحمد أحمد العلي شنقاً")
    assert set(found) == {"خالد عمر الحسن", "محمد أحمد العلي"}
    assert _court("صدر القرار بإعدام المجرمين حسب الأصول") == {}


def test_the_civil_registry_formula_gives_father_and_mother() -> None:
    found = _court("الموقوف محمد العلي ابن أحمد وفاطمة تولد 1985 دمشق")
    assert found["محمد العلي"].mother == "فاطمة"
    assert found["محمد العلي"].father == "أحمد"
    assert found["محمد العلي"].birth_date == "1985"


def test_a_trigger_joined_by_wa_starts_the_next_person() -> None:
    found = _court("المتهم خالد الحسن بن عبد الله والمتهم محمد العلي")
    assert set(found) == {"خالد الحسن", "محمد العلي"}


CEMETERY = "مقبرة نجها\nسجل الدفن\n"


def _cemetery(line: str) -> dict[str, Person]:
    return _persons(CEMETERY + line + "\n")


def test_graves_numbered_before_their_names_are_persons_several_to_a_line() -> None:
    found = _cemetery("القبر 12 خالد عمر الحسن - القبر 13 محمد أحمد العلي")
    assert set(found) == {"خالد عمر الحسن", "محمد أحمد العلي"}
    assert set(_cemetery("مقسم 4 / صف 2 / قبر 7 : خالد عمر الحسن")) == {"خالد عمر الحسن"}
    assert _cemetery("القبر 12 جثة مجهولة الهوية") == {}


def test_a_plural_trigger_behind_a_clitic_opens_a_list() -> None:
    found = _cemetery("تم دفن الجثث العائدة للمتوفين: خالد عمر الحسن، محمد أحمد العلي، فادي سمير النجار")
    assert set(found) == {"خالد عمر الحسن", "محمد أحمد العلي", "فادي سمير النجار"}


def test_a_position_with_a_colon_names_an_official() -> None:
    found = _cemetery("حارس المقبرة: خالد عمر الحسن")
    assert found["خالد عمر الحسن"].role == "official"
    grid = _cemetery("أمين المقبرة\tمسؤول الدفن\nخالد عمر الحسن\tمحمد أحمد العلي")
    assert {p.role for p in grid.values()} == {"official"} and len(grid) == 2


def test_a_prose_name_ends_where_two_unknown_words_resume_the_sentence() -> None:
    assert set(_court("وحيث أن المتهم زهير نذير بكور اعترف بما نسب إليه")) == {"زهير نذير بكور"}
    assert set(_court("حكمت المحكمة على المتهم كمال عصام عبد الواحد بالاعتقال المؤقت")) == {
        "كمال عصام عبد الواحد"
    }
    # one word the lexicon lacks before a cue stays in the name (a family name it does not hold)
    kept = _court("يخلى سبيل الموقوف عبد المجيد ابن شادي خربوطلي والدته هدى العطار")
    assert set(kept) == {"عبد المجيد ابن شادي خربوطلي"}


CARDS = """بطاقات الموقوفين
الاسم: منذر يمان الحكيم\tالاسم: أبو بكر طارق الأتاسي
والدته: غادة\tوالدته: ديمة
التولد: دوما 1999\tالتولد: 1984
"""


def test_cards_side_by_side_give_each_person_its_own_fields() -> None:
    persons = _persons(CARDS)
    assert persons["منذر يمان الحكيم"].mother == "غادة"
    assert persons["أبو بكر طارق الأتاسي"].mother == "ديمة"
    assert persons["أبو بكر طارق الأتاسي"].birth_date == "1984"


def test_a_ledger_entry_number_leads_a_record() -> None:
    found = _persons("دفتر الإيداع\nقيد رقم 2077 - أنس ماهر الأحمد - أمه نجوى - تولد 1958\n")
    assert found["أنس ماهر الأحمد"].mother == "نجوى"


def test_a_roleless_title_after_a_name_is_a_family_name_not_a_new_person() -> None:
    row = "سجل الموقوفين\n251 أيمن مصطفى الشيخ رقية إدلب 1995 07620395976 22/12/2018\n"
    assert "رقية إدلب" not in {p.name for p in analyze_text(row).persons}
