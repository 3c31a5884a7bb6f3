"""Syrian national numbers (الرقم الوطني): 11 digits, type NATIONAL_ID.

Layout: 2 digits governorate (01-14) + 2 civil-registry office + 7 serial (not Egypt's 14-digit number).
Runs on normalised text, so Eastern and Persian digits are already Western.

On a page that speaks of national numbers (``الوطني``), two OCR slips are undone:

- a number cut in two runs (``364878 07433``): Tesseract writes the runs of a left-to-right number in the
  line's right-to-left order, so the later run is the number's start; taken when the runs add up to 11
  digits, neither is a year and the start is a governorate code;
- a leading zero lost (an Eastern zero is a dot, lost anywhere): a run of 10 digits starting with 2-9,
  where only a zero in front makes a governorate code (with 1 first, a zero lost further on fits too);
- a parenthesis or a table rule read as ``1`` and glued to the number: a run of 12 digits, without that
  first ``1`` (else last ``1``) when the rest starts with a governorate code.
"""

from __future__ import annotations

import re

from athar.records import Mention
from nlp.text import NormText

NATIONAL_ID = re.compile(r"(?<![\d/.-])\d{11}(?![\d/-]|\.\d)")  # a full stop may end the sentence
_CUE = re.compile(r"الوطني|وطني(?![\u0621-\u064a])")
_ECHO = 30  # characters: the same number again this close is one number read twice
_YEAR = re.compile(r"(?:19|20)\d\d")  # a birth year beside a cut number is no piece of it
_RUN = re.compile(r"(?<![\d/.-])\d+(?![\d/-]|\.\d)")


def is_national_id(digits: str) -> bool:
    """Whether a digit string has the shape of a Syrian national number."""
    return len(digits) == 11 and digits.isascii() and digits.isdigit()


def governorate_code(digits: str) -> bool:
    """Whether a number starts with one of the 14 governorate codes (01-14)."""
    return digits[:2].isdigit() and 1 <= int(digits[:2]) <= 14


def find_national_ids(text: NormText, page: int = 0) -> list[Mention]:
    """NATIONAL_ID mentions (value: the 11 Western digits) in a page's text."""
    found: list[tuple[int, int, str]] = [
        (m.start(), m.end(), m.group(0)) for m in NATIONAL_ID.finditer(text.norm)
    ]
    if _CUE.search(text.norm):
        found += _repaired(text.norm, found)
    out = []
    for start, end, value in sorted(found):
        a, b = text.span(start, end)
        out.append(Mention("NATIONAL_ID", text.original[a:b], a, b, value, page))
    return out


def _repaired(norm: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """National numbers OCR cut in two or stripped of their leading zero (see the module docstring)."""
    out: list[tuple[int, int, str]] = []

    def free(a: int, b: int, value: str) -> bool:
        """Overlapping nothing found, and no echo of a number found beside it (OCR read a cell twice)."""
        return not any(
            (s < b and a < e) or (v == value and s - _ECHO < b and a < e + _ECHO)
            for s, e, v in [*found, *out]
        )

    runs = list(_RUN.finditer(norm))
    for m, nxt in zip(runs, [*runs[1:], None], strict=True):
        value = _repair_run(m.group(0))
        if value and free(m.start(), m.end(), value):
            out.append((m.start(), m.end(), value))
        elif nxt is not None and nxt.start() == m.end() + 1 and norm[m.end()] == " ":
            value = nxt.group(0) + m.group(0)  # the later run is the number's start
            pieces_ok = not any(_YEAR.fullmatch(r.group(0)) for r in (m, nxt))
            if (
                len(value) == 11
                and governorate_code(value)
                and pieces_ok
                and free(m.start(), nxt.end(), value)
            ):
                out.append((m.start(), nxt.end(), value))
    return out


def _repair_run(run: str) -> str | None:
    """The national number in a run of 10 or 12 digits (see the module docstring), else None."""
    if len(run) == 10 and run[0] in "23456789":  # with 1 first, a zero lost further on fits as well
        return "0" + run
    if len(run) == 12:
        glued = [v for v, extra in ((run[1:], run[0]), (run[:-1], run[-1])) if extra == "1"]
        return next((v for v in glued if governorate_code(v)), None)
    return None
