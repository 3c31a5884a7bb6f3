"""`athar correct SHA --page N --word I --text TEXT --by NAME [--why TEXT]`: correct one word.

I is the index into that page's ``words`` as `athar extract` prints them (the engine's reading);
`--line L` corrects a whole line instead (words split or joined as the text says). The correction
is a new version on top of the engine's reading (nothing is overwritten). `--person K --field F`
corrects a field (name, mother, birth_date, place, role) of the K-th person record of the page (0-based,
in the order of that page's records in `athar extract`'s ``persons`` and on the document view).
The document is re-analysed, re-indexed from its cached OCR and linked again before the command
returns, so the corrected text is searchable and its dossiers are updated at once.
`athar correct SHA --revert V --by NAME` reverts version V.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from athar.errors import ConfigurationError
from athar.settings import load_settings

FIELDS = ("name", "mother", "birth_date", "place", "birth_place", "role")  # place: the birth place


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "correct", help="correct a word, a line or a person's field (an overlay: the reading is kept)"
    )
    parser.add_argument("sha256", metavar="SHA", help="the document (sha256 or a prefix of 8+ characters)")
    parser.add_argument("--page", type=int, metavar="N", help="page number (1-based)")
    parser.add_argument(
        "--word", type=int, metavar="I", help="index into the page's words as `athar extract` prints them"
    )
    parser.add_argument(
        "--line", type=int, metavar="L", help="correct line L of the page instead (its words' `line`)"
    )
    parser.add_argument(
        "--person", type=int, metavar="K", help="correct a field of the page's K-th person record (0-based)"
    )
    parser.add_argument("--field", choices=FIELDS, help="with --person: which field")
    parser.add_argument("--text", metavar="TEXT", help="what the scan says ('' clears a person's field)")
    parser.add_argument("--by", required=True, metavar="NAME", help="who makes the correction")
    parser.add_argument("--why", metavar="TEXT", help="why (e.g. 'read on the scan')")
    parser.add_argument("--revert", type=int, metavar="V", help="revert correction version V instead")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app import corrections

    settings = load_settings()
    sha256 = corrections.resolve(settings, args.sha256)
    if args.revert is not None:
        done = corrections.revert(settings, sha256, args.revert, by=args.by, why=args.why)
    else:
        chosen = [x for x in (args.word, args.line, args.person) if x is not None]
        if args.page is None or len(chosen) != 1 or args.text is None:
            raise ConfigurationError(
                "give --page N, one of --word I, --line L or --person K --field F, and --text TEXT "
                "(or --revert V).",
                code="bad_arguments",
            )
        if (args.person is None) != (args.field is None):
            raise ConfigurationError("--person K and --field F go together.", code="bad_arguments")
        if args.person is not None:
            field = "birth_place" if args.field == "place" else args.field
            target = corrections.person(settings, sha256, args.page, args.person, field)
        elif args.word is not None:
            target = corrections.word(settings, sha256, args.page, args.word)
        else:
            target = corrections.line(settings, sha256, args.page, args.line)
        done = corrections.correct(settings, sha256, target, args.text, by=args.by, why=args.why)
    print(json.dumps(done.to_json(), ensure_ascii=False))
    return 0
