"""`athar analyze [FILE|-]`: entities, persons and document type of a UTF-8 text, as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from athar.errors import EmptyFileError, UnreadablePathError, UnsupportedTypeError


def register(sub: Any) -> None:
    parser = sub.add_parser("analyze", help="find persons, dates, places and IDs in Arabic text (JSON)")
    parser.add_argument(
        "file", nargs="?", default="-", help="UTF-8 text file, or - for standard input (default)"
    )
    parser.add_argument("--compact", action="store_true", help="one line of JSON instead of indented")
    parser.set_defaults(func=run)


def read_text(source: str) -> str:
    """The UTF-8 text of a file or of standard input ('-'); project errors for unreadable input."""
    if source == "-":
        data = sys.stdin.buffer.read()
        label = "standard input"
    else:
        path = Path(source)
        if not path.is_file():
            raise UnreadablePathError(
                f"{source}: no such file; give a UTF-8 text file or - for standard input."
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadablePathError(
                f"{source}: cannot be read ({exc.strerror}); check its permissions."
            ) from None
        label = source
    if not data.strip():
        raise EmptyFileError(f"{label} is empty; nothing to analyse.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsupportedTypeError(
            f"{label} is not UTF-8 text (invalid byte at offset {exc.start}); convert it to UTF-8 first, "
            "or run `athar extract` for scans and PDFs."
        ) from None
    if "\x00" in text:
        raise UnsupportedTypeError(
            f"{label} contains NUL bytes: it looks binary, not text; use `athar extract`."
        )
    return text


def analysis_json(text: str) -> dict[str, Any]:
    """The `athar analyze` output for a text: entities, persons, doc_type and its confidence."""
    from athar.settings import load_settings
    from nlp.analyze import analyze_text

    analysis = analyze_text(text, load_settings())
    return {
        "entities": [
            {
                "type": m.type,
                "text": m.text,
                "start": m.start,
                "end": m.end,
                "value": m.value,
                "source": m.source,
            }
            for m in analysis.entities
        ],
        "persons": [p.to_json() for p in analysis.persons],
        "doc_type": analysis.doc_type,
        "doc_type_confidence": analysis.doc_type_confidence,
    }


def run(args: argparse.Namespace) -> int:
    result = analysis_json(read_text(args.file))
    print(json.dumps(result, ensure_ascii=False, indent=None if args.compact else 2))
    return 0
