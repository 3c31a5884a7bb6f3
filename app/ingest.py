"""Ingest local files: the same intake and processing as a watch run, for paths given by hand.

Each file is stored in the originals store and recorded in the state store (its folder as the
drop's bucket), then the documents are processed in one recorded run by :func:`app.process.process_batch`:
the same originals, state rows, OCR cache and index entries as a `watch-bucket` run.
Files are recognised by their content (magic bytes), never by their names.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from app import steps
from app.intake import intake_file
from app.process import process_batch
from app.reports import DocumentSummary, recorded_run
from app.runner import PLAIN, Runner
from app.state import open_state
from athar.errors import AtharError, UnreadablePathError
from athar.settings import Settings

log = logging.getLogger(__name__)

SNIFF_BYTES = 2048  # enough for every supported format's signature (PDF's may follow a short preamble)


@dataclass(frozen=True)
class Ingested:
    """One file's outcome: its summary once processed, or the error that stopped it before."""

    path: str
    sha256: str | None = None
    summary: DocumentSummary | None = None
    error: AtharError | None = None


def is_scan(path: Path) -> bool:
    """Whether a file's first bytes are a supported scan type (PDF, TIFF, JPEG, PNG, WebP)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return False
    return steps.media_type(head) is not None


def scan_files(paths: list[str]) -> list[Path]:
    """The files to ingest: each file named (always tried), and in each folder (recursively) the
    visible files whose content is a supported scan type. Raises for a path that does not exist."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            files.extend(sorted(p for p in found if is_scan(p)))
        elif path.is_file():
            files.append(path)
        else:
            raise UnreadablePathError(f"{raw}: no such file or directory.")
    return files


def ingest(files: list[Path], settings: Settings, *, runner: Runner = PLAIN) -> list[Ingested]:
    """Store, record and process files as one recorded run ("ingest"); one outcome per file, in order.

    The search engine is checked first, so an engine that is down fails at once, before any OCR.
    """
    steps.prepare_index(settings)
    store = open_state(settings)
    taken: dict[Path, str | AtharError] = {}
    for path in files:
        try:
            taken[path] = intake_file(path, settings, store).sha256
        except AtharError as exc:
            taken[path] = exc
    sha256s = [v for v in taken.values() if isinstance(v, str)]
    with recorded_run(settings, "ingest", runner.run_id(), runner.publish) as summaries:
        summaries.extend(process_batch(sha256s, settings, runner=runner))
    by_sha = {s.sha256: s for s in summaries}
    return [
        Ingested(str(path), error=value)
        if isinstance(value, AtharError)
        else Ingested(str(path), sha256=value, summary=by_sha.get(value))
        for path, value in taken.items()
    ]
