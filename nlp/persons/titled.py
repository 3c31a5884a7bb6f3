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

# a titled name needs this many words the lexicon knows (a title before two boilerplate words is no person)
MIN_KNOWN = 2


def read_titled(lines: Sequence[Line], skip: set[int]) -> list[Draft]:
    """Persons named after a title with a role, line by line outside tables."""
    starts = lexicon().title_starts
    drafts: list[Draft] = []
    for index, line in enumerate(lines):
        if index in skip:
            continue
        toks = line.tokens
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
            if role and _known(name) >= MIN_KNOWN:
                draft = Draft(reader="titled", role=role, title=list(toks[i : i + n]))
                assign(draft, "name", name)
                drafts.append(draft)
            i += n + len(name)
    return drafts


def _known(name: Sequence[Token]) -> int:
    return sum(word_class(t.norm) == "name" for t in name)
