"""The CRF tagger for names in running text: shipped model, exact spans, determinism, recipe, merge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from athar.records import Mention
from athar.settings import Settings
from nlp import tagger
from nlp.analyze import analyze_text
from nlp.train import train_tagger

# Handwritten sentences (not from any corpus or generator): a judge, an officer, a city.
JUDGE = "وأصدر القاضي سليم نادر الحلبي حكمه بحق المتهم بعد جلسة طويلة."
OFFICER = "وقال العميد فراس عبد الكريم الزعبي إن الموقوفين نقلوا صباح أمس."
CITY = "وصل الوفد إلى مدينة حمص بعد ظهر الخميس قادما من بيروت."


def found(text: str) -> list[tuple[str, str]]:
    return [(m.type, m.text) for m in tagger.tag_mentions(text)]


def test_shipped_model_finds_a_judge_an_officer_and_cities() -> None:
    assert ("PERSON", "سليم نادر الحلبي") in found(JUDGE)
    assert ("PERSON", "فراس عبد الكريم الزعبي") in found(OFFICER)
    assert {("LOCATION", "حمص"), ("LOCATION", "بيروت")} <= set(found(CITY))
    assert not [m for m in found(CITY) if m[0] == "PERSON"]


def test_spans_are_exact_character_spans_of_the_input() -> None:
    text = f"  {JUDGE}\n\n{OFFICER}\r\n{CITY}"
    mentions = tagger.tag_mentions(text, page=4)
    assert mentions
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.source == "crf" and m.page == 4
        assert m.text == m.text.strip()
    homs = next(m for m in mentions if m.text == "حمص")
    assert homs.value == "place:homs"


def test_tagging_is_deterministic() -> None:
    text = f"{JUDGE} {OFFICER} {CITY}"
    first = tagger.tag_mentions(text)
    tagger.load_tagger.cache_clear()
    assert tagger.tag_mentions(text) == first
    assert tagger.tag_mentions(text) == first


def test_analyze_text_merges_the_tagger_and_can_turn_it_off() -> None:
    # no rank, title or trigger before the name: the rules (nlp.persons) do not read it, the tagger does
    text = "وصل سليم نادر الحلبي إلى المدينة بعد جلسة طويلة."
    on = analyze_text(text, Settings())
    assert ("PERSON", "سليم نادر الحلبي", "crf") in [(m.type, m.text, m.source) for m in on.entities]
    off = analyze_text(text, Settings(tagger=False))
    assert not [m for m in off.entities if m.source == "crf"]


def test_rules_win_where_both_speak() -> None:
    rules = [Mention("FACILITY", "سجن صيدنايا", 10, 21, "facility:saydnaya_prison", 1)]
    tagged = [
        Mention("LOCATION", "صيدنايا", 14, 21, None, 1, "crf"),
        Mention("LOCATION", "صيدنايا", 14, 21, None, 2, "crf"),  # another page
        Mention("PERSON", "سليم", 30, 34, None, 1, "crf"),
    ]
    merged = tagger.merge_tagged(rules, tagged)
    assert merged == [rules[0], tagged[1], tagged[2]]


def test_a_tagged_person_inside_a_rules_person_replaces_it() -> None:
    text = "والتقى الرئيس السوداني عمر البشير والرئيس بشار الأسد"
    a, b = text.index("السوداني"), text.index("بشار")
    rules = [
        Mention("PERSON", "السوداني عمر البشير", a, a + 19, None, 1, "rules"),
        Mention("LOCATION", "السوداني", a, a + 8, None, 1, "rules"),
        Mention("PERSON", "بشار الأسد", b, b + 10, None, 1, "rules"),
    ]
    tagged = [Mention("PERSON", "عمر البشير", a + 9, a + 19, None, 1, "crf")]
    assert tagger.merge_tagged(rules, tagged) == [rules[1], rules[2], tagged[0]]


def test_only_prose_lines_are_tagged_on_ocr_pages() -> None:
    row = "1 محمد أحمد الخطيب فاطمة دمشق 1985 01234567890 12/3/2013"
    text = f"{row}\n{JUDGE}\nسجل الموقوفين"
    masked = tagger.prose_lines(text)
    assert len(masked) == len(text)
    assert masked.split("\n") == [" " * len(row), JUDGE, " " * len("سجل الموقوفين")]


TINY = """\
قال O
الرئيس O
سليم B-PERS
الحلبي I-PERS
في O
دمشق B-LOC
. O
وصل O
الوفد O
إلى O
حلب B-LOC
\u200f O
· O
"""


def test_recipe_runs_end_to_end_on_a_tiny_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "tiny.txt"
    corpus.write_text(TINY * 12, encoding="utf-8")
    sentences = train_tagger.read_anercorp(corpus)
    assert len(sentences) == 24 and all(w != "" for s in sentences for w, _t in s)
    assert sentences[1][-1] == (".", "O")  # the middle period became a period and ended the sentence
    out = tmp_path / "model"
    code = train_tagger.main([str(corpus), "--out", str(out), "--prose", "20", "--max-iterations", "15"])
    assert code == 0
    info = json.loads((out / "tagger.json").read_text(encoding="utf-8"))
    ane = info["data"][0]
    assert ane["train_words"] + ane["test_words_not_used"] == ane["words"] == 12 * 12
    labels = tagger.tag_tokens(["قال", "الرئيس", "سليم", "الحلبي"], model=str(out / "tagger.crfsuite"))
    assert len(labels) == 4 and set(labels) <= {"O", "B-PERS", "I-PERS", "B-LOC", "I-LOC"}
    common = (out / "tagger_common_words.txt").read_text(encoding="utf-8").split()
    assert "في" in common and "سليم" not in common  # a preposition of every sentence; a name
    assert tagger._common_override is None  # the recipe left the shipped word lists in force


def test_name_words_of_every_origin_are_a_feature_less_common_words() -> None:
    assert tagger.person_word_marks("جونز") == ("wdp=100",)  # a Wikidata name word seen 100+ times
    assert tagger.person_word_marks("وجونز") == ("wdp~=100",)  # behind a conjunction
    assert tagger.person_word_marks("قررت") == ()
    tagger.use_common_words(frozenset({"جونز"}))
    try:
        assert tagger.person_word_marks("جونز") == ()
        assert "wdp=100" not in tagger.sequence_features(["قال", "جونز"])[1]
    finally:
        tagger.use_common_words(None)
    assert "wdp=100" in tagger.sequence_features(["قال", "جونز"])[1]
    assert "-1:wdp=100" in tagger.sequence_features(["جونز", "قال"])[1]


@pytest.mark.parametrize(
    ("tag", "fixed"), [("B-PER", "B-PERS"), ("i-loc", "I-LOC"), ("B-XYZ", "O"), ("O", "O"), ("PERS", "O")]
)
def test_tag_spellings_are_fixed(tag: str, fixed: str) -> None:
    assert train_tagger.fix_tag(tag) == fixed


def test_a_name_tagged_once_is_tagged_at_its_other_occurrences_in_the_text() -> None:
    seqs = [
        ["قال", "القاضي", "سليم", "نادر", "إن", "الجلسة", "انتهت"],
        ["وسليم", "نادر", "غادر", "القاعة", "مع", "نادر"],
        ["وصل", "سليم", "نادر", "إلى", "حمص"],
    ]
    tagged = [
        ["O", "O", "B-PERS", "I-PERS", "O", "O", "O"],
        ["O"] * 6,
        ["O", "O", "O", "O", "B-LOC"],
    ]
    out = tagger.propagate_persons(seqs, tagged)
    assert out[0] == tagged[0]
    assert out[1] == ["B-PERS", "I-PERS", "O", "O", "O", "O"]  # the conjunction stays on the first word
    assert out[2] == ["O", "B-PERS", "I-PERS", "O", "B-LOC"]
    # a word already tagged otherwise is left alone; nothing tagged, nothing spread
    assert tagger.propagate_persons([["سليم", "نادر"]], [["B-LOC", "O"]]) == [["B-LOC", "O"]]


def test_full_names_of_the_name_index_are_marked_across_words() -> None:
    marks = tagger._person_matches(["وقال", "محمد", "علي", "كلاي"])
    assert marks[0] == "" and marks[1] == "B-per" and marks[2].startswith("I-per")
