"""Plan spreadsheets that print (issue 14): the template and every exported plan have an A4
landscape page setup, one page wide, the header row repeated, and rows as high as their
wrapped text. LibreOffice (Debian libreoffice-calc) converts them to PDF and the pages are
counted; that part skips where LibreOffice is absent."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from rusgraph.cli import main
from rusgraph.sheets.printing import LINE_POINTS, wrapped_lines

openpyxl = pytest.importorskip("openpyxl")

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
DISTRICTS = ("Grorud", "Frogner", "Grünerløkka", "Ullern", "Stovner")
A4_LANDSCAPE = (841.9, 595.3)  # points


def _export(runner, tmp_path: Path, district: str) -> Path:
    path = tmp_path / f"{district}.xlsx"
    assert runner.invoke(main, ["export", "--format", "xlsx", "--district", district, "-o", str(path)]).exit_code == 0
    return path


def _template(runner, tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    assert runner.invoke(main, ["template", "-o", str(path)]).exit_code == 0
    return path


@pytest.mark.parametrize("district", DISTRICTS)
def test_exported_plan_has_a_page_setup(runner, tmp_path, district):
    ws = openpyxl.load_workbook(_export(runner, tmp_path, district))["Tiltak"]
    setup = ws.page_setup
    assert (setup.orientation, int(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$1:$1"  # the header row on every page
    head = [c.value for c in ws[1]]
    last = openpyxl.utils.get_column_letter(head.index("Tema") + 1)
    assert ws.print_area == f"'Tiltak'!$A$1:${last}${ws.max_row}"
    # every row as high as its tallest wrapped cell, so no text runs into the next row
    for row in ws.iter_rows(min_row=2):
        need = max((wrapped_lines(str(c.value), ws.column_dimensions[c.column_letter].width)
                    for c in row if c.value), default=1)
        height = ws.row_dimensions[row[0].row].height
        assert need == 1 or height >= min(409, need * LINE_POINTS), (row[0].row, need, height)
    assert any((ws.row_dimensions[r].height or 0) > LINE_POINTS for r in range(2, ws.max_row + 1))  # text wraps


def test_template_has_a_page_setup(runner, tmp_path):
    wb = openpyxl.load_workbook(_template(runner, tmp_path))
    for ws in wb.worksheets[:3]:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert wb["Tiltak"].print_title_rows == "$1:$1"


def _pdf_pages(path: Path, outdir: Path) -> list[tuple[float, float]]:
    """Convert with LibreOffice headless (its own profile, so runs never share one) and
    return the size of every page."""
    outdir.mkdir(exist_ok=True)
    profile = outdir / "profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(outdir), str(path)],
                   check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(outdir)})
    data = (outdir / (path.stem + ".pdf")).read_bytes()
    boxes = re.findall(rb"/Type\s*/Page[^s].*?/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data, re.S)
    if not boxes:  # MediaBox before /Type in the page dictionary
        boxes = [(b"0", b"0", w, h) for w, h in re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)]
    return [(float(w), float(h)) for _x, _y, w, h in boxes]


def _without_layout(path: Path, out: Path) -> Path:
    """The same workbook as it was written before: no page setup, no row heights."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = None
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.print_title_rows = None
        ws.print_area = None
        for dim in list(ws.row_dimensions.values()):
            dim.height = None
    wb.save(out)
    return out


def _only_table(path: Path, out: Path) -> Path:
    wb = openpyxl.load_workbook(path)
    for ws in list(wb.worksheets):
        if ws.title != "Tiltak":
            wb.remove(ws)
    wb.save(out)
    return out


def _pages_for_rows(ws) -> int:
    """Pages the table needs when it is one page wide: its printed columns scaled to the
    page's width, its rows (at their heights) stacked in the page's height."""
    head = [c.value for c in ws[1]]
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, head.index("Tema") + 2)]
    width_points = sum((7 * w + 5) * 0.75 for w in widths)
    scale = min(1.0, (A4_LANDSCAPE[0] - 0.8 * 72) / width_points)
    heights = [(ws.row_dimensions[r].height or LINE_POINTS) for r in range(2, ws.max_row + 1)]
    usable = (A4_LANDSCAPE[1] - 1.0 * 72) / scale - (ws.row_dimensions[1].height or LINE_POINTS)
    return math.ceil(sum(heights) / usable)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (Debian libreoffice-calc) is not installed")
@pytest.mark.parametrize("district", ("Grorud", "Grünerløkka"))
def test_libreoffice_prints_it_one_page_wide(runner, tmp_path, district):
    sheet = _export(runner, tmp_path, district)
    pages = _pdf_pages(sheet, tmp_path / "pdf")
    before = _pdf_pages(_without_layout(sheet, tmp_path / "before.xlsx"), tmp_path / "pdf")
    assert all(w > h and abs(w - A4_LANDSCAPE[0]) < 2 for w, h in pages)  # every page A4 landscape
    assert len(pages) < len(before)
    table = _only_table(sheet, tmp_path / "table.xlsx")
    table_pages = len(_pdf_pages(table, tmp_path / "pdf"))
    expected = _pages_for_rows(openpyxl.load_workbook(table)["Tiltak"])
    assert abs(table_pages - expected) <= 1  # one page wide: only the rows make pages (an estimate, to a page)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (Debian libreoffice-calc) is not installed")
def test_libreoffice_prints_the_template(runner, tmp_path):
    pages = _pdf_pages(_template(runner, tmp_path), tmp_path / "pdf")
    assert pages and all(w > h for w, h in pages)
