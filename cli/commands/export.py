"""`athar export persons|alto|hocr|iiif|pdf|bag|training ...`: what leaves Athar, corrections applied.

athar export persons --format csv|xlsx --out FILE [--name N --mother M --born Y --place P]
athar export alto|hocr SHA --page N --out FILE
athar export iiif SHA --out FILE
athar export pdf SHA --out FILE
athar export bag SHA --out DIR          (signed when ATHAR_SIGNING_KEY is set)
athar export bag DOSSIER --out DIR      (a dossier id from `athar dossiers`: all its documents,
                                         its timeline and judgements; also `--dossier ID`)
athar export training --out DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from athar.errors import ConfigurationError
from athar.settings import load_settings

KINDS = ("persons", "alto", "hocr", "iiif", "pdf", "bag", "training")
NEEDS_DOCUMENT = ("alto", "hocr", "iiif", "pdf", "bag")


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "export", help="export persons, ALTO, hOCR, IIIF, PDF, evidence packages, training data"
    )
    parser.add_argument("kind", choices=KINDS, help="what to export")
    parser.add_argument(
        "sha256", nargs="?", metavar="SHA", help="the document (alto, hocr, iiif, pdf, bag) or dossier (bag)"
    )
    parser.add_argument("--out", required=True, type=Path, metavar="FILE|DIR", help="where to write")
    parser.add_argument(
        "--dossier", metavar="ID", help="bag: package a dossier (all its documents) instead of a document"
    )
    parser.add_argument("--page", type=int, metavar="N", help="page (alto, hocr)")
    parser.add_argument("--format", choices=("csv", "xlsx"), help="persons: csv or xlsx")
    parser.add_argument("--name", help="persons: only those the person search finds for this name")
    parser.add_argument("--mother", help="persons: with --name, the mother's name")
    parser.add_argument("--born", help="persons: with --name, the birth year")
    parser.add_argument("--place", help="persons: with --name, a place")
    parser.set_defaults(func=run)


def _check(args: argparse.Namespace) -> None:
    if args.dossier and (args.kind != "bag" or args.sha256):
        raise ConfigurationError(
            "--dossier ID goes with `athar export bag` and no SHA.", code="bad_arguments"
        )
    if args.kind == "bag" and args.dossier:
        return
    if args.kind in NEEDS_DOCUMENT and not args.sha256:
        raise ConfigurationError(
            f"`athar export {args.kind}` needs the document's sha256.", code="bad_arguments"
        )
    if args.kind in ("alto", "hocr") and args.page is None:
        raise ConfigurationError(f"`athar export {args.kind}` needs --page N.", code="bad_arguments")
    if args.kind == "persons" and not args.format:
        raise ConfigurationError("`athar export persons` needs --format csv or xlsx.", code="bad_arguments")
    if (args.mother or args.born or args.place) and not args.name:
        raise ConfigurationError("--mother, --born and --place narrow a --name search.", code="bad_arguments")


def run(args: argparse.Namespace) -> int:
    from app import corrections, exports

    _check(args)
    settings = load_settings()
    dossier = args.dossier or (
        args.sha256 if args.kind == "bag" and exports.is_dossier_id(args.sha256) else None
    )
    needs_document = args.kind in NEEDS_DOCUMENT and dossier is None
    sha256 = corrections.resolve(settings, args.sha256) if needs_document else ""
    out: Path = args.out
    if args.kind not in ("bag", "training"):
        out.parent.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"kind": args.kind, "out": str(out)}
    if args.kind == "persons":
        filters = {"name": args.name, "mother": args.mother, "born": args.born, "place": args.place}
        result["rows"] = exports.export_persons(settings, out, args.format, **filters)
    elif args.kind == "alto":
        exports.export_alto(settings, sha256, args.page, out)
    elif args.kind == "hocr":
        exports.export_hocr(settings, sha256, args.page, out)
    elif args.kind == "iiif":
        exports.export_iiif(settings, sha256, out)
    elif args.kind == "pdf":
        exports.export_pdf(settings, sha256, out)
    elif args.kind == "bag" and dossier is not None:
        result.update(exports.export_dossier_bag(settings, dossier.strip(), out))
    elif args.kind == "bag":
        result.update(exports.export_bag(settings, sha256, out))
    else:
        result["pairs"] = len(exports.export_training(settings, out))
    print(json.dumps(result, ensure_ascii=False), file=sys.stdout)
    return 0
