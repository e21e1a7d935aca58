"""Reading an .xlsx plan: streamed, bounded, and checked before anything unpacks.

Owns: the package checks (declared sizes, packing ratio: a zip bomb is refused before it
unpacks), merged cells, formulas, and streaming the Plan and Tiltak sheets (openpyxl's
read-only mode) into a RawPlan within the bounds of rusgraph.sheets.raw. It must not
interpret the cells (rusgraph.sheets.record does).
"""

from __future__ import annotations

import re
from pathlib import Path

from .raw import MAX_COLUMNS, MAX_GAP, MAX_RATIO, MAX_ROWS, MAX_UNPACKED, RawPlan, RawRow, as_text
from .template import Where, column_letter, norm, sheet_error

def _check_package(path: Path, name: str) -> dict[str, str]:
    """Check an .xlsx's parts before anything unpacks them; {sheet name: part} of its sheets.

    A zip declares each part's unpacked size, and Python's zipfile stops at that size (a
    part that unpacks to more fails its check), so the declared sizes bound the work."""
    import posixpath
    import xml.etree.ElementTree as ET
    import zipfile

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise sheet_error(f"not an Excel workbook (.xlsx): {' '.join(str(exc).split())[:200]}", name,
                     "save the file from Excel as 'Excel Workbook (*.xlsx)'") from None
    with zf:
        total = 0
        for info in zf.infolist():
            total += info.file_size
            if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise sheet_error(f"the part {info.filename} unpacks to {info.file_size:,} bytes from "
                             f"{info.compress_size:,}: no spreadsheet packs that tightly (a zip bomb?)", name,
                             "open the file in Excel and save it again; if it is not yours, do not open it")
            if total > MAX_UNPACKED:
                raise sheet_error(f"the workbook unpacks to more than {MAX_UNPACKED >> 20} MiB", name,
                             "split the plan into several workbooks")
        parts: dict[str, str] = {}
        try:
            main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
            rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
            targets = {r.get("Id"): r.get("Target") or "" for r in ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))}
            for sheet in ET.fromstring(zf.read("xl/workbook.xml")).iter(main + "sheet"):
                target = targets.get(sheet.get(rel + "id"), "")
                parts[sheet.get("name") or ""] = target.lstrip("/") if target.startswith("/") else \
                    posixpath.normpath("xl/" + target)
        except (KeyError, ET.ParseError):
            pass  # not the usual layout: openpyxl says what is wrong below
        return parts


def _merged_ranges(path: Path, part: str | None) -> list[str]:
    """The merged ranges of one sheet, scanning its XML as it unpacks (mergeCells follow the
    cells, and most sheets have none)."""
    import zipfile

    if not part:
        return []
    pattern = re.compile(rb'<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
    found: list[str] = []
    with zipfile.ZipFile(path) as zf:
        try:
            fh = zf.open(part)
        except KeyError:
            return []
        with fh:
            tail = b""
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                buf = tail + chunk
                if b"mergeCell" in buf:
                    cut = buf.rfind(b"<")
                    cut = cut if cut > len(buf) - 200 else len(buf)  # keep a tag cut in two for the next round
                    found += [m.group(1).decode() for m in pattern.finditer(buf[:cut])]
                    tail = buf[cut:]
                else:
                    tail = buf[-200:]
            found += [m.group(1).decode() for m in pattern.finditer(tail)]
    return found


def _stream_rows(ws, name: str):  # type: ignore[no-untyped-def]
    """(row number, cells) of every row holding a value, within the bounds above."""
    from openpyxl.utils.cell import get_column_letter

    rows, cols = ws.max_row or 0, ws.max_column or 0
    if rows > MAX_ROWS or cols > MAX_COLUMNS:
        raise sheet_error(f"the sheet declares {rows:,} rows and {cols:,} columns (more than {MAX_ROWS:,} rows or "
                     f"{MAX_COLUMNS} columns)", Where(name, ws.title),
                     "delete the rows and columns after the data (select them, right-click, Delete) and save again")
    ws.reset_dimensions()  # stream what is there, not what the header says
    last = 0
    for r, row in enumerate(ws.iter_rows(min_row=1), start=1):
        if not row:
            continue
        if r > MAX_ROWS:
            raise sheet_error(f"the sheet goes on past row {MAX_ROWS:,}", Where(name, ws.title, r),
                         "delete the rows after the data and save again")
        if len(row) > MAX_COLUMNS:
            far = next((c for c in row[MAX_COLUMNS:] if c.value is not None), None)
            if far is not None:
                raise sheet_error("a cell far to the right of the data", Where(name, ws.title, r, far.column_letter),
                             f"rusgraph reads up to column {get_column_letter(MAX_COLUMNS)}: move or delete it")
            row = row[:MAX_COLUMNS]
        if all(c.value is None for c in row):
            continue
        if last and r - last > MAX_GAP:
            col = next(c.column_letter for c in row if c.value is not None)
            raise sheet_error(f"a cell far below the data (the rows before it are empty back to row {last})",
                         Where(name, ws.title, r, col), "delete it, or move it up to the data")
        last = r
        yield r, row


def read_xlsx(path: Path) -> RawPlan:
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    import zipfile
    import zlib

    name = path.name
    # A damaged package can fail anywhere a part is unpacked, while the sheets stream too:
    # a bad CRC or deflate stream, an unsupported compression method, an encrypted part.
    damaged = (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, RuntimeError)
    try:
        parts = _check_package(path, name)
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except Exception as exc:  # BadZipFile, InvalidFileException, KeyError, XML errors ...
            raise sheet_error(f"not an Excel workbook (.xlsx): {' '.join(str(exc).split())[:200]}", name,
                         "save the file from Excel as 'Excel Workbook (*.xlsx)'") from None
        try:
            return _read_workbook(wb, path, parts, range_boundaries)
        finally:
            wb.close()
    except damaged as exc:
        raise sheet_error(f"the workbook is damaged: {' '.join(str(exc).split())[:200]}", name,
                     "open it in Excel and save it again as 'Excel Workbook (*.xlsx)'") from None


def _read_workbook(wb, path: Path, parts: dict[str, str], range_boundaries) -> RawPlan:  # type: ignore[no-untyped-def]
    name = path.name
    by_norm = {norm(ws.title): ws for ws in wb.worksheets}
    plan_ws = by_norm.get("plan")
    table_ws = by_norm.get("tiltak") or by_norm.get("measures")
    present = ", ".join(ws.title for ws in wb.worksheets)
    if table_ws is None:
        raise sheet_error("no sheet named Tiltak (or Measures)", Where(name, "Tiltak"),
                     f"the workbook has the sheets {present}; rename the measure table's sheet Tiltak")
    if plan_ws is None:
        raise sheet_error("no sheet named Plan", Where(name, "Plan"),
                     f"the workbook has the sheets {present}; add the sheet Plan from `rusgraph template`")
    for ws in (plan_ws, table_ws):
        ranges = sorted((range_boundaries(r) for r in _merged_ranges(path, parts.get(ws.title))),
                        key=lambda b: (b[1], b[0]))
        if ranges:
            min_col, min_row, max_col, max_row = ranges[0]
            coord = f"{column_letter(min_col)}{min_row}:{column_letter(max_col)}{max_row}"
            col = column_letter(min_col)
            if ws is table_ws:
                head = next(ws.iter_rows(min_row=1, max_row=1, min_col=min_col, max_col=min_col, values_only=True),
                            (None,))[0]
                col = as_text(head) or col
            raise sheet_error(f"merged cells {coord}", Where(name, ws.title, min_row, col),
                         "unmerge them and write the value in every row it belongs to")
    epoch = wb.epoch

    def cell_text(ws, cell, r: int, column: str | None = None) -> str:  # type: ignore[no-untyped-def]
        if cell.data_type == "f" or type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula"):
            formula = getattr(cell.value, "text", cell.value)
            raise sheet_error(f"the cell holds a formula {str(formula)!r}",
                         Where(name, ws.title, r, column or cell.column_letter),
                         "type the value itself: rusgraph reads values, not formulas")
        return as_text(cell.value)

    fields: list[tuple[str, str, Where, Where]] = []
    key_col, val_col = "A", "B"
    for r, row in _stream_rows(plan_ws, name):
        key_cell, val_cell = row[0], (row[1] if len(row) > 1 else None)
        key = cell_text(plan_ws, key_cell, r)
        val = cell_text(plan_ws, val_cell, r) if val_cell is not None else ""
        if r == 1 and norm(key) in ("felt", "field"):  # name the columns as the sheet does
            key_col, val_col = key, val or "B"
        fields.append((key, val, Where(name, plan_ws.title, r, key_col), Where(name, plan_ws.title, r, val_col)))

    rows: list[RawRow] = []
    header: RawRow | None = None
    for r, row in _stream_rows(table_ws, name):
        heads = header.cells if header else []
        cells = [cell_text(table_ws, c, r, heads[i] if i < len(heads) and heads[i] else None)
                 for i, c in enumerate(row)]
        if header is None:
            if any(cells):
                header = RawRow(r, None, cells)
            continue
        rows.append(RawRow(r, None, cells))
    if header is None:
        raise sheet_error("the sheet is empty: no header row", Where(name, table_ws.title, 1),
                     "copy the header row from `rusgraph template`")
    return RawPlan(name, "xlsx", plan_ws.title, table_ws.title, fields, header, rows, epoch_1904=epoch.year == 1904)
