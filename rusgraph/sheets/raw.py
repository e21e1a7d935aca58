"""A spreadsheet as text cells, before any cell is understood.

Owns: RawRow and RawPlan (the header fields, the header row and the measure rows of one
file, each with the row and line a planner finds it on), how a cell value reads as text
(dates as 31.12.2024, whole numbers without '.0'), and the bounds a spreadsheet must keep.
It must not open files (rusgraph.sheets.xlsx and rusgraph.sheets.csvfile do).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from .template import Where

@dataclass
class RawRow:
    row: int  # spreadsheet row (1-based), what Excel shows
    line: int | None  # CSV only: the physical line the record starts on
    cells: list[str]


@dataclass
class RawPlan:
    """A spreadsheet as text cells: the header fields and the measure table."""

    file: str
    kind: str  # 'xlsx' | 'csv'
    plan_sheet: str | None
    table_sheet: str | None
    fields: list[tuple[str, str, Where, Where]]  # (key cell text, value text, where of key, where of value)
    header: RawRow
    rows: list[RawRow]
    epoch_1904: bool = False  # xlsx: dates count from 1904 (old Mac Excel), not 1900

    def where(self, row: RawRow | None, column: str | None = None) -> Where:
        if row is None:
            return Where(self.file, self.table_sheet, None, column)
        return Where(self.file, self.table_sheet, row.row, column, row.line)


def as_text(value: Any) -> str:
    """A cell value as the text the planner sees."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            return value.strftime("%d.%m.%Y %H:%M")
        return value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, (time, timedelta)):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


# Bounds on what a spreadsheet may make rusgraph do. The workbook is streamed (openpyxl's
# read-only mode), so memory stays flat whatever the size; these keep time and memory
# bounded for a file built to exhaust them, and each names what to fix.
MAX_UNPACKED = 1 << 30  # bytes all parts of an .xlsx may unpack to
MAX_RATIO = 100  # how much a part larger than 1 MiB may shrink when packed (Excel's own: 5-20)
MAX_CSV_BYTES = 256 << 20
MAX_ROWS = 250_000  # rows of a sheet (a plan of 100,000 measures fits)
MAX_COLUMNS = 200
MAX_GAP = 10_000  # empty rows before a lone filled cell far below the data
