"""The correction overlay on a page the real OCR read: apply, revert, re-align to a new OCR version."""

from __future__ import annotations

from dataclasses import replace

import pytest

from athar.records import OcrPage, join_words
from export import corrections as c
from tests.export.conftest import Read


def _correction(version: int, target: c.Target, text: str, reverts: int | None = None) -> c.Correction:
    return c.Correction(
        sha256="a" * 64, version=version, target=target, text=text, before="", by="archivist",
        at="2026-12-04T10:00:00+00:00", why="read from the scan", reverts=reverts,
    )  # fmt: skip


def test_a_word_correction_is_an_overlay_and_can_be_reverted(read_page: Read) -> None:
    page = read_page.page
    first = _correction(1, c.word_target(page, 5), "سهام")
    corrected = c.apply_to_page(page, [first])
    assert corrected.words[5].text == "سهام" and corrected.words[5].conf == c.HUMAN_CONF
    assert corrected.text == join_words(corrected.words)[0] and "سهام" in corrected.text
    assert corrected.engine == page.engine and corrected.words[5].bbox == page.words[5].bbox
    assert page.words[5].text != "سهام"  # the engine's reading is kept as it was
    second = _correction(2, c.word_target(page, 5), "سهى")
    assert c.apply_to_page(page, [first, second]).words[5].text == "سهى"
    revert = _correction(3, c.word_target(page, 5), "", reverts=2)
    assert c.apply_to_page(page, [first, second, revert]).words[5].text == "سهام"
    assert [x.version for x in c.in_force([first, second, revert])] == [1]
    assert c.Correction.from_json(second.to_json()) == second


def test_a_line_correction_may_split_words(read_page: Read) -> None:
    page = read_page.page
    line = page.words[0].line
    target = c.line_target(page, line)
    corrected = c.apply_to_page(page, [_correction(1, target, "الجمهورية العربية السورية الأولى")])
    assert corrected.text.splitlines()[0] == "الجمهورية العربية السورية الأولى"
    assert corrected.text.splitlines()[1:] == page.text.splitlines()[1:]
    new = [w for w in corrected.words if w.line == line]
    assert len(new) == 4 and new[0].bbox[2] > new[-1].bbox[2]  # right to left


def test_corrections_follow_words_to_a_new_ocr_version_and_flag_lost_boxes(read_page: Read) -> None:
    page = read_page.page
    kept = _correction(1, c.word_target(page, 9), "مصحح")
    lost = _correction(2, c.word_target(page, 2), "مفقود")
    # the new OCR version: boxes moved by a few pixels, the first line's words gone (so indices shift)
    first_line = {i for i, w in enumerate(page.words) if w.line == page.words[0].line}
    assert 2 in first_line and 9 not in first_line
    moved = tuple(
        replace(w, bbox=(w.bbox[0] + 3, w.bbox[1] - 2, w.bbox[2] + 3, w.bbox[3] - 2))
        for i, w in enumerate(page.words)
        if i not in first_line
    )
    new = replace(page, words=moved, text=join_words(moved)[0])
    placed = c.align([kept, lost], {1: new})
    assert placed[1].index == 9 - len(first_line) and placed[1].overlap > c.MIN_IOU
    assert placed[2].index is None
    assert c.flagged([kept, lost], {1: new}) == [lost]  # flagged for review, never dropped
    applied = c.apply_to_page(new, [kept, lost])
    assert applied.words[9 - len(first_line)].text == "مصحح"
    assert len(applied.words) == len(new.words)


def test_person_fields_are_corrected_on_the_persons_words(read_page: Read) -> None:
    page, analysis = read_page.page, read_page.analysis
    person = analysis.persons[1]
    index = list(analysis.persons).index(person)
    target = c.person_target(person, index, "mother", {1: page})
    fixed, missing = c.apply_to_analysis(analysis, {1: page}, [_correction(1, target, "سهام")])
    assert fixed.persons[1].mother == "سهام" and missing == []
    assert fixed.persons[0] == analysis.persons[0]
    role = c.person_target(person, index, "role", {1: page})
    fixed, _ = c.apply_to_analysis(analysis, {1: page}, [_correction(2, role, "detainee")])
    assert fixed.persons[1].role == "detainee"
    with pytest.raises(c.CorrectionError):
        c.person_target(person, index, "shoe_size", {1: page})


def test_bad_corrections_are_refused(read_page: Read) -> None:
    page: OcrPage = read_page.page
    with pytest.raises(c.CorrectionError, match="no word"):
        c.word_target(page, len(page.words))
    with pytest.raises(c.CorrectionError, match="empty"):
        c.check_value(c.word_target(page, 0), "   ")
    with pytest.raises(c.CorrectionError, match="one word"):
        c.check_value(c.word_target(page, 0), "two words")
    assert c.check_value(c.word_target(page, 0), " سهام ") == "سهام"
