"""Persons as CSV or XLSX: one row per person mention, streamed (flat memory whatever the count).

XLSX goes through openpyxl's write-only mode, which writes rows to a temporary file as they come
instead of building the sheet in memory (``bench/export.py`` measures time and peak memory at
10,000 and 100,000 rows). Cells that a spreadsheet would run as a formula (starting with = + - @,
tab or carriage return) are written with a leading apostrophe, in CSV and XLSX alike.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from athar.errors import ConfigurationError
from athar.records import BBox, Record

FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class PersonRow(Record):
    """One person mention: who, on which page of which document, and where on the scan."""

    sha256: str
    page: int
    name: str
    mother: str | None = None
    birth_date: str | None = None
    birth_place: str | None = None
    national_id: str | None = None
    role: str | None = None
    doc_type: str | None = None
    source: str | None = None
    scan_url: str = ""
    bbox: BBox = (0, 0, 0, 0)
    corrected: bool = False


COLUMNS = (
    "sha256", "page", "name", "mother", "birth_date", "birth_place", "national_id", "role", "doc_type",
    "source", "scan_url", "x0", "y0", "x1", "y1", "corrected",
)  # fmt: skip


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def row_values(row: PersonRow) -> list[Any]:
    """The cells of one row, in :data:`COLUMNS` order."""
    plain = {f.name: getattr(row, f.name) for f in fields(row)}
    box = plain.pop("bbox")
    values = [plain[c] for c in COLUMNS[:11]] + list(box) + [plain["corrected"]]
    return [_safe(v) for v in values]


def write_csv(rows: Iterable[PersonRow], out: Path) -> int:
    """Write rows as UTF-8 CSV (with a BOM, so spreadsheet programs read the Arabic); returns the count."""
    count = 0
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row_values(row)])
            count += 1
    return count


def write_xlsx(rows: Iterable[PersonRow], out: Path) -> int:
    """Write rows as an XLSX workbook in openpyxl's write-only (streaming) mode; returns the count."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("persons")
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    sheet.append(list(COLUMNS))
    count = 0
    for row in rows:
        sheet.append(row_values(row))
        count += 1
    book.save(str(out))
    return count


def write(rows: Iterable[PersonRow], out: Path, fmt: str) -> int:
    """Write rows to ``out`` as ``fmt`` (csv or xlsx); returns the count."""
    if fmt not in FORMATS:
        raise ConfigurationError(f"--format {fmt!r}: use csv or xlsx.", code="bad_format")
    return write_csv(rows, out) if fmt == "csv" else write_xlsx(rows, out)
