"""How a plan spreadsheet prints: page setup and row heights.

Owns: the print layout of the sheets rusgraph writes (A4 landscape, fit to the page's width,
the header row repeated on every page, narrow margins) and row heights that fit the wrapped
text, which Excel and LibreOffice do not compute for files they did not lay out themselves
(rows then print one line high and the wrapped text overlaps). It must not decide what
goes into a sheet (rusgraph.sheets.workbook does).
"""

from __future__ import annotations

import math
from typing import Any

LINE_POINTS = 15.0  # one line of 11-point Calibri, Excel's default row height
MAX_ROW_POINTS = 409.0  # the tallest row Excel allows
CHARS_PER_WIDTH = 1.15  # characters of running text per unit of column width (wrapped, proportional font)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide."""
    per_line = max(1, int(width * CHARS_PER_WIDTH))
    return sum(max(1, math.ceil(len(line) / per_line)) for line in str(text).split("\n"))


def fit_row_heights(ws: Any, *, default_width: float = 8.43) -> None:
    """Give every row with text the height its wrapped cells need."""
    from openpyxl.utils import get_column_letter

    widths = {}
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is None or cell.value == "":
                continue
            letter = get_column_letter(cell.column)
            if letter not in widths:
                widths[letter] = ws.column_dimensions[letter].width or default_width
            lines = max(lines, wrapped_lines(str(cell.value), widths[letter]))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = min(MAX_ROW_POINTS, lines * LINE_POINTS + 2)


def set_print_layout(ws: Any, *, header_rows: int = 1, landscape: bool = True, last_column: int | None = None) -> None:
    """A4, landscape, as many pages high as needed but one page wide, header rows repeated;
    with ``last_column``, the print area stops there (the columns after it stay in the file)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"
    if last_column:
        from openpyxl.utils import get_column_letter

        ws.print_area = f"A1:{get_column_letter(last_column)}{max(ws.max_row, header_rows + 1)}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.gridLines = True
