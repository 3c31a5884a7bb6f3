"""athar.arabic: normalisation, offsets and cross-script name keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from athar import arabic
from athar.arabic import (
    name_keys,
    normalize_arabic,
    normalize_digits,
    normalize_with_offsets,
    original_span,
    skeleton,
    strip_bidi,
)


def test_digits_all_sets() -> None:
    assert normalize_digits("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹ 42") == "0123456789 0123456789 42"


def test_strip_bidi() -> None:
    assert strip_bidi("\u200fمحمد\u200e \u2067x\u2069") == "محمد x"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أَحْمَدُ", "احمد"),
        ("إسلام آمنة ٱلقاهرة", "اسلام امنه القاهره"),
        ("مصطفى", "مصطفي"),
        ("محـــمد", "محمد"),
        ("علی کریم", "علي كريم"),
        ("  مواليد\t\n ١٩٨٥  ", "مواليد 1985"),
        ("ﻻ", "لا"),
    ],
)
def test_normalize_arabic(raw: str, expected: str) -> None:
    assert normalize_arabic(raw) == expected


def test_offsets_point_into_original() -> None:
    original = "\u200fالمدعو  مُحَمَّد ٱلخطيب\n\nتولد ١٩٨٥"
    norm, offsets = normalize_with_offsets(original)
    assert norm == normalize_arabic(original)
    assert len(offsets) == len(norm) + 1 and offsets[-1] == len(original)
    start = norm.index("محمد")
    a, b = original_span(offsets, start, start + len("محمد"))
    assert original[a:b] == "مُحَمَّد"
    start = norm.index("1985")
    a, b = original_span(offsets, start, start + 4)
    assert original[a:b] == "١٩٨٥"


def test_offsets_keep_lines() -> None:
    norm, offsets = normalize_with_offsets("سطر اول  \n\n\n  سطر ثاني", keep_lines=True)
    assert norm == "سطر اول\nسطر ثاني"
    assert len(offsets) == len(norm) + 1


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ("محمد الخطيب", "Mohammad al-Khatib"),
        ("محمد الخطيب", "Mhd Khateeb"),
        ("عبد الرحمن يوسف العلي", "Abdulrahman Youssef Al-Ali"),
        ("عبد الرحمن يوسف العلي", "Abd-Elrahman Yusuf el-Ali"),
        ("حمزة الحموي", "Hamzeh al-Hamawi"),
        ("سيف الدين", "Saif Eddine"),
        ("عبدالله", "Abdullah"),
        ("شعبان", "Chaabane"),
        ("ابراهيم", "Ibrahim"),
    ],
)
def test_skeleton_meets_across_scripts(arabic: str, latin: str) -> None:
    assert skeleton(arabic) == skeleton(latin)


def test_skeleton_separates_different_names() -> None:
    assert skeleton("محمد الخطيب") != skeleton("احمد الخطيب")
    assert skeleton("Khaled") != skeleton("Walid")


def test_name_keys_arabic_has_latin_variants() -> None:
    keys = name_keys("محمد الخطيب")
    assert keys.normalized == "محمد الخطيب"
    assert keys.skeleton == "mhmd ktb"
    assert keys.latin and all(skeleton(v) == keys.skeleton for v in keys.latin)
    assert any("Khatib" in v for v in keys.latin)


def test_name_keys_latin_input() -> None:
    keys = name_keys("Mohammad al-Khatib")
    assert keys.normalized == "mohammad al khatib"
    assert keys.skeleton == name_keys("محمد الخطيب").skeleton


def test_name_keys_empty_and_garbage() -> None:
    assert name_keys("").skeleton == ""
    assert name_keys("\x00\x01###").skeleton == ""


def test_precomputed_character_table_is_what_camel_tools_computes() -> None:
    # The shipped table spares each new process camel-tools' 0.8 s import; it must never differ.
    data = json.loads(arabic.CHAR_TABLE_FILE.read_text(encoding="utf-8"))
    assert data["camel_tools"] == arabic.camel_tools_version(), (
        "camel-tools changed: regenerate with athar.arabic.write_char_table()"
    )
    live = arabic.compute_char_table()
    shipped = {code: data["changed"].get(str(code), chr(code)) for code in live}
    assert shipped == live
    assert live[ord("إ")] == "ا" and live[ord("\u064e")] == "" and live[ord("٣")] == "3"


def test_a_table_from_another_camel_tools_version_is_not_used(tmp_path: Path) -> None:
    stale = tmp_path / "table.json"
    stale.write_text(json.dumps({"camel_tools": "0.0.1", "changed": {"1575": "X"}}), encoding="utf-8")
    assert not arabic._load_char_table(stale)
    assert arabic.normalize_arabic("ا") == "ا"


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ("إلياس", "Elias"),
        ("الياس", "Ilyas"),
        ("إلهام", "Ilham"),
        ("ألفت", "Olfat"),
        ("إليسار", "Elissar"),
        ("الحسن", "al-Hasan"),  # and the article itself still drops
        ("الخطيب", "Khatib"),
    ],
)
def test_names_that_start_like_the_article_keep_their_first_letters(arabic: str, latin: str) -> None:
    assert skeleton(arabic) == skeleton(latin)
