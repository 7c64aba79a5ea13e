"""Writes export rows to CSV or XLSX files for the leaders who want a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path


def _cell(value: object) -> object:
    # A cell starting with = + - @ is a formula to Excel: a pasted question must not run as one.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _xlsx_cell(value: object) -> object:
    # XLSX cannot hold most control characters; one of them in a pasted text would fail the whole file.
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = _cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def write_csv(path: Path, columns: Sequence[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})


def write_xlsx(path: Path, columns: Sequence[str], rows: list[dict], title: str) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_xlsx_cell(row[c]) for c in columns])
    book.save(path)
