"""Plan CSV files: read in the encodings and separators Excel writes, and written.

Owns: decoding (UTF-8 with or without BOM, UTF-16, Windows-1252), the separator (';', ','
or tab, or Excel's 'sep=' line), '# Field: value' header lines, and the CSV form of a
template or a filled plan. A cell rusgraph wrote as '=... reads back as =.... It must not
interpret the cells (rusgraph.sheets.record does).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Sequence

from ..errors import SpreadsheetError
from .raw import MAX_CSV_BYTES, RawPlan, RawRow, as_text
from .template import Column, Field, Where, column_names, field_names, norm, sheet_error

def _decode(data: bytes, name: str) -> str:
    import codecs

    if data[:4] == b"PK\x03\x04":
        raise sheet_error("this is an Excel workbook, not CSV", name, "name the file .xlsx")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body.decode(enc)
            except UnicodeDecodeError as exc:
                line = body[:exc.start].count(b"\n") + 1
                raise sheet_error(f"cannot decode byte 0x{body[exc.start]:02x} as {enc.upper()} (the file starts "
                             f"with a {enc.split('-')[0].upper()} byte order mark)", f"{name}, line {line}",
                             "save the file again as 'CSV UTF-8'") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise sheet_error(f"cannot decode byte 0x{data[exc.start]:02x}: the file is neither UTF-8 nor Windows-1252",
                     f"{name}, line {line}", "save the file from Excel as 'CSV UTF-8'") from None


def _header_score(cells: Sequence[str]) -> int:
    names = column_names()
    return sum(1 for c in cells if norm(c) in names)


def _parse_csv(text: str, delimiter: str, name: str) -> tuple[list[RawRow], SpreadsheetError | None]:
    """The records read with ``delimiter``, and the error that stopped reading (if any).
    A cell rusgraph wrote as '=... (so that Excel shows it as text) reads back as =...."""
    from ..outputs.cells import unsafe_cell

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[RawRow] = []
    recno = 0
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return rows, None
        except csv.Error as exc:
            hint = "a quoted cell never ends: check the quotes (\") from that line on" \
                if "end of data" in str(exc) else "check the quotes (\") on that line"
            return rows, sheet_error(f"the CSV does not parse: {exc}", f"{name}, line {start}", hint)
        recno += 1
        rows.append(RawRow(recno, start, [as_text(unsafe_cell(c)) for c in cells]))


def read_csv(path: Path) -> RawPlan:
    name = path.name
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise sheet_error(f"the file has {size:,} bytes, more than a plan's {MAX_CSV_BYTES >> 20} MiB", name,
                     "split the plan into several files")
    text = _decode(path.read_bytes(), name)
    offset = 0
    forced = None
    first, _, rest = text.partition("\n")
    m = re.fullmatch(r'"?sep=(.)"?[,;\t]*\r?', first.strip("\ufeff"))
    if m:  # Excel's 'sep=;' first line
        forced, text, offset = m.group(1), rest, 1
    best: tuple[int, str, list[RawRow], SpreadsheetError | None] | None = None
    for delim in ([forced] if forced else [";", ",", "\t"]):
        rows, err = _parse_csv(text, delim, name)
        head = next((r for r in rows if any(r.cells) and not r.cells[0].startswith("#")), None)
        score = _header_score(head.cells) if head else 0
        if best is None or score > best[0] or (score == best[0] and best[3] is not None and err is None):
            best = (score, delim, rows, err)
    assert best is not None
    score, delim, rows, err = best
    if err is not None:
        raise err
    for r in rows:
        r.row += offset
        if r.line is not None:
            r.line += offset
    fields: list[tuple[str, str, Where, Where]] = []
    header: RawRow | None = None
    body: list[RawRow] = []
    for r in rows:
        if header is None:
            if not any(r.cells):
                continue
            if r.cells[0].startswith("#"):
                key, sep, val = _split_field(r.cells[0][1:])
                if not sep and len(r.cells) > 1:
                    val = r.cells[1]
                elif not val.strip() and len(r.cells) > 1:
                    val = r.cells[1]
                w = Where(name, None, r.row, "A", r.line)
                fields.append((key.strip(), val.strip(), w, w))
                continue
            if score == 0:
                raise sheet_error("no header row: expected column names such as Tiltak, Mål and Status",
                             Where(name, None, r.row, None, r.line),
                             "copy the header row from `rusgraph template -o plan.csv`")
            header = r
            continue
        body.append(r)
    if header is None:
        raise sheet_error("no header row", name, "copy the header row from `rusgraph template -o plan.csv`")
    return RawPlan(name, "csv", None, None, fields, header, body)


def _split_field(text: str) -> tuple[str, str, str]:
    """'Tittel: kilde: 1-2' -> ('Tittel: kilde', ':', '1-2'): known field names (some hold a
    colon) first, then the first colon."""
    t = text.strip()
    for name in sorted(field_names(), key=len, reverse=True):
        if norm(t).startswith(name + ":") and ":" in t:
            # the name has as many colons as its normalised form
            cut = -1
            for _ in range(name.count(":") + 1):
                cut = t.index(":", cut + 1)
            return t[:cut], ":", t[cut + 1:]
    return t.partition(":")


def csv_text(fields: Sequence[tuple[Field, str]], rows: Sequence[dict[str, str]], columns: Sequence[Column],
             lang: str = "nb", *, bom: bool = True) -> str:
    """The template as CSV: '# Field: value' lines, the header row, one row per measure.
    ';' separates cells (what Excel writes with Norwegian settings); a BOM marks UTF-8."""
    from ..outputs.cells import csv_writer

    buf = io.StringIO()
    w = csv_writer(buf, delimiter=";", lineterminator="\r\n")
    for f, value in fields:
        w.writerow([f"# {f.name(lang)}: {value}".rstrip()])
    w.writerow([c.name(lang) for c in columns])
    for row in rows:
        w.writerow([row.get(c.key, "") for c in columns])
    return ("\ufeff" if bom else "") + buf.getvalue()
