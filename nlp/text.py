"""Normalised page text with a map back to the original (step 1 of the NLP stage)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from athar.arabic import normalize_with_offsets
from athar.errors import InputTooLargeError
from athar.settings import Settings, load_settings

WORD = re.compile(r"[\u0621-\u064a]+|\d+")


def check_size(length: int, settings: Settings | None = None) -> None:
    """Raise InputTooLargeError when a text is longer than ``settings.nlp_max_chars``."""
    cap = (settings or load_settings()).nlp_max_chars
    if length > cap:
        raise InputTooLargeError(
            f"text of {length:,} characters is over the analysis limit of {cap:,}; split the document "
            "or raise ATHAR_NLP_MAX_CHARS."
        )


@dataclass(frozen=True)
class NormText:
    """Original text, its normalised form (lines kept) and the offset map between them."""

    original: str
    norm: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of a normalised span."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1

    def original_text(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]

    def words(self, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
        """Arabic words and digit runs of the normalised text."""
        return WORD.finditer(self.norm, start, len(self.norm) if end is None else end)


def prepare(text: str, settings: Settings | None = None) -> NormText:
    """Normalise ``text`` for extraction, keeping line breaks and an offset map."""
    check_size(len(text), settings)
    norm, offsets = normalize_with_offsets(text, keep_lines=True)
    return NormText(original=text, norm=norm, offsets=tuple(offsets))
