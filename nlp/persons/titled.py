"""Officials, judges and witnesses named after their rank or title (العميد الركن …، القاضي …، الشاهد …).

Signature blocks, court benches and witness formulas name people without a register's labels. A title
with a role (see ``[titles]`` in ``nlp/data/person_stopwords.txt``) followed by two or more words that
the name lexicon knows is a person of that role; the title goes to ``title``, never into the name.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.layout import Line, Token
from nlp.persons.draft import Draft, assign
from nlp.persons.lexicon import lexicon, role_length, word_class
from nlp.persons.prose import name_after

# a titled name needs this many words the lexicon knows, besides passing the name check when finished
MIN_KNOWN = 1
MIN_KNOWN_UNTITLED = 2  # after a title that gives no role, a name needs two words the lexicon knows
MAX_NAME_WORDS = 6
_AFTER_POSITION = frozenset({":", "-", "："})  # marks between a position and the name it labels


def read_titled(lines: Sequence[Line], skip: set[int]) -> list[Draft]:
    """Persons named after a position cue or a title with a role, cell by cell, and signature grids."""
    lex = lexicon()
    starts = lex.title_starts | lex.cue_starts
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
    """A line of positions or titles alone (الرئيس | عضو, أمين السجل | مدير السجن) over a line of as many
    name cells: each name takes the role above it."""
    hints = []
    for cell in roles.cells:
        c, n, role = role_length(cell.tokens)
        if not role or c + n != len(cell.tokens):
            return []
        hints.append(role)
    if len(names.cells) != len(hints):
        return []
    drafts = []
    for role, cell in zip(hints, names.cells, strict=True):
        words = list(cell.tokens)
        c, n, own = role_length(words)
        if c or own or _known(words[n:]) < MIN_KNOWN or len(words) > MAX_NAME_WORDS:
            continue  # a name after a cue or a title with a role is read by _titled_in
        draft = Draft(reader="titled", role=role, title=words[:n])
        assign(draft, "name", words[n:])
        drafts.append(draft)
    return drafts


def _titled_in(toks: Sequence[Token], starts: frozenset[str]) -> list[Draft]:
    """Persons after a cue or a titled rank in one cell; "والسيد فلان" after one takes its role."""
    drafts = []
    i = 0
    previous: str | None = None
    while i < len(toks):
        norm = toks[i].norm
        joined = norm[:1] == "و" and norm[1:] in starts and previous is not None
        if norm not in starts and not joined:
            i += 1
            continue
        view = [Token(norm[1:], toks[i].start, toks[i].end), *toks[i + 1 :]] if joined else list(toks[i:])
        c, n, role = role_length(view)
        role = role or (previous if joined else None)
        if not c + n:
            i += 1
            continue
        previous = role
        at = i + c + n
        while at < len(toks) and toks[at].norm in _AFTER_POSITION:
            at += 1  # "حارس المقبرة: فلان"
        name = name_after(toks, at, len(toks))
        cut = next((q for q in range(2, len(name)) if sum(role_length(name[q:])[:2])), None)
        name = name[:cut] if cut is not None else name  # the next signature's cue or title ends this name
        inside = i > 0 and word_class(toks[i - 1].norm) == "name"  # الشيخ، السيد: a family name too
        if not role and n and not inside and _known(name) >= MIN_KNOWN_UNTITLED:
            role = "other"  # a title without a role (السيد، المحامي، الأستاذ) before a name the lexicon knows
        if role and _known(name) >= MIN_KNOWN:
            draft = Draft(reader="titled", role=role, title=list(toks[i + c : i + c + n]))
            assign(draft, "name", name)
            drafts.append(draft)
        i = at + len(name) if name else i + c + n
    return drafts


def _known(name: Sequence[Token]) -> int:
    return sum(word_class(t.norm) == "name" for t in name)
