"""Officials, judges and witnesses named after their rank or title (العميد الركن …، القاضي …، الشاهد …).

Signature blocks, court benches and witness formulas name people without a register's labels. A title
with a role (see ``[titles]`` in ``nlp/data/person_stopwords.txt``) followed by two or more words that
the name lexicon knows is a person of that role; the title goes to ``title``, never into the name.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.layout import Line, Token
from nlp.persons.draft import Draft, assign
from nlp.persons.lexicon import lexicon, title_length, word_class
from nlp.persons.prose import name_after

# a titled name needs this many words the lexicon knows, besides passing the name check when finished
MIN_KNOWN = 1
MAX_NAME_WORDS = 6


def read_titled(lines: Sequence[Line], skip: set[int]) -> list[Draft]:
    """Persons named after a title with a role, line by line outside tables."""
    starts = lexicon().title_starts
    drafts: list[Draft] = []
    for index, line in enumerate(lines):
        if index in skip:
            continue
        for cell in line.cells:
            drafts.extend(_titled_in(cell.tokens, starts))
        if index + 1 < len(lines):
            drafts.extend(_signature_grid(line, lines[index + 1]))
    return drafts


def _signature_grid(roles: Line, names: Line) -> list[Draft]:
    """A line of titles alone (الرئيس | عضو, أمين السجل | مدير السجن) over a line of as many name cells:
    each name takes the role of the title above it."""
    hints = []
    for cell in roles.cells:
        n, role = title_length(cell.tokens)
        if not role or n != len(cell.tokens):
            return []
        hints.append(role)
    if len(names.cells) != len(hints):
        return []
    drafts = []
    for role, cell in zip(hints, names.cells, strict=True):
        words = list(cell.tokens)
        if title_length(words)[0] or _known(words) < 1 or len(words) > MAX_NAME_WORDS:
            continue  # a titled name is read by _titled_in
        draft = Draft(reader="titled", role=role)
        assign(draft, "name", words)
        drafts.append(draft)
    return drafts


def _titled_in(toks: Sequence[Token], starts: frozenset[str]) -> list[Draft]:
    drafts = []
    i = 0
    while i < len(toks):
        if toks[i].norm not in starts:
            i += 1
            continue
        n, role = title_length(toks[i:])
        if not n:
            i += 1
            continue
        name = name_after(toks, i + n, len(toks))
        cut = next(
            (q for q, t in enumerate(name) if q >= 2 and t.norm in starts and title_length(name[q:])[0]), None
        )
        name = name[:cut] if cut is not None else name  # the next signature's title ends this name
        if role and _known(name) >= MIN_KNOWN:
            draft = Draft(reader="titled", role=role, title=list(toks[i : i + n]))
            assign(draft, "name", name)
            drafts.append(draft)
        i += n + len(name)
    return drafts


def _known(name: Sequence[Token]) -> int:
    return sum(word_class(t.norm) == "name" for t in name)
