"""Visual order of right-to-left text, for tools that want characters as they sit on the page, left to
right: PDF text layers (extractors put RTL words back into logical order) and Tesseract's training box
files. A simplified Unicode bidi algorithm for an RTL paragraph: runs of digits and Latin keep their
order, everything else is reversed, and the runs are laid out right to left."""

from __future__ import annotations

import unicodedata

_STRONG_RTL = ("R", "AL")
_LTR_LIKE = ("L", "EN", "AN")
_SEPARATORS = ("CS", "ES", "ET")  # the / of 11/11/2011, the - of 2011-11, % and currency signs


def _ltr_flags(text: str) -> list[bool]:
    classes = [unicodedata.bidirectional(ch) for ch in text]
    ltr = [c in _LTR_LIKE for c in classes]
    for i, c in enumerate(classes):
        if ltr[i] or c in _STRONG_RTL or c == "NSM":
            continue
        before = next((ltr[j] for j in range(i - 1, -1, -1) if classes[j] not in _SEPARATORS), False)
        after = next((ltr[j] for j in range(i + 1, len(text)) if classes[j] not in _SEPARATORS), False)
        ltr[i] = c in _SEPARATORS and before and after  # a separator between two numbers joins them
    return ltr


def visual_order(text: str) -> str:
    """The characters of ``text`` (a word or a line of an RTL paragraph) from left to right on the page."""
    runs: list[tuple[bool, str]] = []
    for ch, is_ltr in zip(text, _ltr_flags(text), strict=True):
        if runs and runs[-1][0] == is_ltr:
            runs[-1] = (is_ltr, runs[-1][1] + ch)
        else:
            runs.append((is_ltr, ch))
    return "".join(part if is_ltr else part[::-1] for is_ltr, part in reversed(runs))
