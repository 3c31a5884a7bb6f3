"""Text clean-up of Tesseract output: no bidi control marks, logical order kept."""

from __future__ import annotations

import re
import unicodedata

from athar.records import OcrWord, join_words

# LRM, RLM, ALM, LRE..RLO, LRI..PDI, zero-width no-break space / BOM
BIDI_CONTROLS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]")


ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def clean_word(text: str) -> str:
    """A word without bidi control marks or surrounding space, NFC-normalised; a comma at an Arabic word
    is the Arabic comma ، (Tesseract's ``ara`` models cannot write ،; Athar's model writes it as ,)."""
    word = unicodedata.normalize("NFC", BIDI_CONTROLS.sub("", text)).strip()
    if "," in word and ARABIC_LETTER.search(word):
        word = word.replace(",", "،")
    return word


def page_text(words: list[OcrWord] | tuple[OcrWord, ...]) -> str:
    """The page text in reading order (see :func:`athar.records.join_words`)."""
    return join_words(words)[0]
