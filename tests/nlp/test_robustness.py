"""Malformed input: empty, binary garbage, huge text — a clear result or error, never a hang."""

from __future__ import annotations

import random

import pytest

from athar.errors import InputTooLargeError
from nlp.analyze import analyze_text


def test_empty_and_blank() -> None:
    for text in ("", "   \n\t  ", "\u200f\u200e"):
        analysis = analyze_text(text)
        assert analysis.persons == () and analysis.entities == ()
        assert analysis.doc_type == "other"


def test_binary_garbage() -> None:
    rng = random.Random(5)
    garbage = bytes(rng.randrange(256) for _ in range(200_000)).decode("latin-1")
    analysis = analyze_text(garbage)
    assert analysis.persons == ()
    for m in analysis.entities:
        assert garbage[m.start : m.end] == m.text


def test_random_arabic_digits_and_punctuation() -> None:
    rng = random.Random(9)
    alphabet = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةى٠١٢٣٤٥٦٧٨٩0123456789/-:.، \n"
    text = "".join(rng.choice(alphabet) for _ in range(300_000))
    analysis = analyze_text(text)
    for m in analysis.entities:
        assert text[m.start : m.end] == m.text


def test_ten_megabytes_is_refused_quickly() -> None:
    text = "المدعو خالد يوسف العلي تولد حماة 1979 " * 300_000  # about 11 MB of UTF-8
    with pytest.raises(InputTooLargeError) as info:
        analyze_text(text)
    assert info.value.code == "input_too_large"
    assert "ATHAR_NLP_MAX_CHARS" in info.value.message


def test_cap_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATHAR_NLP_MAX_CHARS", "100")
    with pytest.raises(InputTooLargeError):
        analyze_text("ا" * 101)
    assert analyze_text("ا" * 100).persons == ()


def test_large_repetitive_text_under_the_cap_completes() -> None:
    # pathological for backtracking regexes: long runs of digits, separators and month-like words
    text = ("1/" * 50_000) + ("تشرين " * 20_000) + ("9" * 100_000) + ("المدعو " * 20_000)
    analysis = analyze_text(text)
    assert analysis.persons == ()
