"""Syrian national numbers (الرقم الوطني): 11 digits, type NATIONAL_ID.

Layout: 2 digits governorate + 2 civil-registry office + 7 serial (not Egypt's 14-digit number).
Runs on normalised text, so Eastern and Persian digits are already Western.
"""

from __future__ import annotations

import re

from athar.records import Mention
from nlp.text import NormText

NATIONAL_ID = re.compile(r"(?<![\d/.-])\d{11}(?![\d/.-])")


def is_national_id(digits: str) -> bool:
    """Whether a digit string has the shape of a Syrian national number."""
    return len(digits) == 11 and digits.isascii() and digits.isdigit()


def find_national_ids(text: NormText, page: int = 0) -> list[Mention]:
    """NATIONAL_ID mentions (value: the 11 Western digits) in a page's text."""
    out = []
    for m in NATIONAL_ID.finditer(text.norm):
        a, b = text.span(m.start(), m.end())
        out.append(Mention("NATIONAL_ID", text.original[a:b], a, b, m.group(0), page))
    return out
