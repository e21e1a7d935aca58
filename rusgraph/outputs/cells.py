"""CSV and TSV cells a spreadsheet will not run: the one rule every CSV writer goes through.

Owns: the OWASP rule for a cell that Excel, LibreOffice or Google Sheets would run as a
formula (it begins with =, +, -, @, tab or CR), the writers that apply it, its inverse for
reading a cell back, and ``--raw-cells`` for programs. Must not: know what the rows mean.
"""

from __future__ import annotations

import contextvars
import csv
import re
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_RAW_CELLS: contextvars.ContextVar[bool] = contextvars.ContextVar("rusgraph_raw_cells", default=False)


def safe_cell(value: Any) -> Any:
    """A text cell Excel, LibreOffice or Google Sheets would run as a formula (it begins with
    =, +, -, @, tab or carriage return), made plain text by a leading apostrophe, as OWASP
    recommends ("CSV Injection"). Numbers such as -3 or +1.5 are not formulas and stay as
    they are; a cell that already begins with apostrophes before such a character gets one
    more, so that reading a cell back (:func:`unsafe_cell`) is exact. Not applied inside
    :func:`raw_cells`."""
    if not isinstance(value, str) or not value or _RAW_CELLS.get():
        return value
    if value.lstrip("'").startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def unsafe_cell(text: str) -> str:
    """The cell :func:`safe_cell` was given: one leading apostrophe before =, +, -, @, tab
    or CR dropped (as Excel drops the apostrophe a user types before a formula)."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


@contextmanager
def raw_cells(raw: bool = True) -> Iterator[None]:
    """Write CSV/TSV cells exactly as they are while inside (for programs, not spreadsheets:
    ``rusgraph --raw-cells``)."""
    token = _RAW_CELLS.set(raw)
    try:
        yield
    finally:
        _RAW_CELLS.reset(token)


class _SafeWriter:
    def __init__(self, writer: Any, dict_rows: bool):
        self._w, self._dict = writer, dict_rows

    def writerow(self, row: Any) -> Any:
        if self._dict:
            return self._w.writerow({k: safe_cell(v) for k, v in row.items()})
        return self._w.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Any]) -> None:
        for row in rows:
            self.writerow(row)

    def writeheader(self) -> Any:
        return self._w.writeheader()


def csv_writer(fh: Any, **kwargs: Any) -> _SafeWriter:
    """``csv.writer`` whose cells go through :func:`safe_cell`."""
    return _SafeWriter(csv.writer(fh, **kwargs), dict_rows=False)


def csv_dict_writer(fh: Any, fieldnames: Any, **kwargs: Any) -> _SafeWriter:
    """``csv.DictWriter`` whose cells go through :func:`safe_cell`."""
    return _SafeWriter(csv.DictWriter(fh, fieldnames=fieldnames, **kwargs), dict_rows=True)
