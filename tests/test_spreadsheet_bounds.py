"""Spreadsheets built to exhaust memory or time (issue 18, item 4) and Excel date serials
(item 13): each stops with exit 2 and a message naming the place, in a child process whose
peak memory is measured; a real plan still imports."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from rusgraph.cli import main

openpyxl = pytest.importorskip("openpyxl")

# The child reports its own peak memory, so other tests' children do not count.
CHILD = """
import resource, sys
from rusgraph.cli import main
try:
    main(sys.argv[1:])
finally:
    print(f"maxrss_kib {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
"""
LIMIT_KIB = 500 * 1024


def _import(path: Path) -> tuple[int, str, int]:
    run = subprocess.run([sys.executable, "-c", CHILD, "import", str(path), "--lang", "en"], capture_output=True, text=True,
                         timeout=300)  # a guard against a hang, not a timing assertion
    rss = int(re.search(r"maxrss_kib (\d+)", run.stderr).group(1))
    return run.returncode, run.stderr, rss


def _builders():  # type: ignore[no-untyped-def]
    """The bombs are built by benchmarks/spreadsheet.py (which also measures them)."""
    import importlib.util

    from .conftest import ROOT

    spec = importlib.util.spec_from_file_location("bench_spreadsheet", ROOT / "benchmarks" / "spreadsheet.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _builders()


@pytest.fixture
def template(tmp_path) -> Path:
    return bench.template(tmp_path / "plan.xlsx")


def test_one_cell_at_the_last_row(tmp_path):
    """A 17 KB workbook whose one extra cell sits at row 1,048,576."""
    path = bench.last_row_bomb(tmp_path / "plan.xlsx")
    assert path.stat().st_size < 40_000
    code, err, rss = _import(path)
    assert code == 2, err
    assert "Error: the sheet declares 1,048,576 rows" in err and "sheet Tiltak" in err
    assert rss < LIMIT_KIB


def test_one_cell_far_below_without_a_declared_size(tmp_path):
    """The same cell with the sheet's <dimension> removed: found while streaming."""
    path = bench.last_row_bomb(tmp_path / "plan.xlsx", declared=False)
    code, err, rss = _import(path)
    assert code == 2, err
    assert "the sheet goes on past row 250,000" in err and "row 1048576" in err
    assert rss < LIMIT_KIB


def test_cell_far_below_the_data(template):
    wb = openpyxl.load_workbook(template)
    wb["Tiltak"]["C30000"] = "x"
    wb.save(template)
    code, err, _ = _import(template)
    assert code == 2, err
    assert "a cell far below the data" in err and "row 30000, column C" in err


def test_zip_bomb(tmp_path):
    """0.55 MB that unpacks to 250 MB of identical cells (about 17 million of them)."""
    path = bench.zip_bomb(tmp_path / "plan.xlsx")
    assert path.stat().st_size < 600_000
    code, err, rss = _import(path)
    assert code == 2, err
    assert "no spreadsheet packs that tightly" in err and "plan.xlsx" in err
    assert rss < LIMIT_KIB


def test_real_plan_still_streams(runner, tmp_path):
    path = tmp_path / "grorud.xlsx"
    assert runner.invoke(main, ["export", "--format", "xlsx", "--district", "Grorud", "-o", str(path)]).exit_code == 0
    r = runner.invoke(main, ["import", str(path)])
    assert r.exit_code == 0, r.output
    assert "imported 21 measures" in r.stderr


@pytest.mark.parametrize("value, shown", [
    (45657, "31.12.2024"),  # a date whose format was lost
    ("45657", "31.12.2024"),  # the same typed as text by a CSV round trip
    (2025, "2025"),  # a year stays a year
    ("Kontinuerlig", "Kontinuerlig"),
])
def test_deadline_typed_as_a_number(runner, tmp_path, value, shown):
    from rusgraph.graph.namespaces import RUS

    path = tmp_path / "grorud.xlsx"
    assert runner.invoke(main, ["export", "--format", "xlsx", "--district", "Grorud", "-o", str(path)]).exit_code == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["Tiltak"]
    col = [c.value for c in ws[1]].index("Frist") + 1
    ws.cell(row=2, column=col).value = value
    ws.cell(row=2, column=col).number_format = "General"
    wb.save(path)
    from rusgraph.sheets.importing import import_plan

    plan = import_plan(path)
    texts = {str(o) for o in plan.graph.objects(None, RUS.deadlineText)} | \
        {str(o) for o in plan.graph.objects(None, RUS.deadline)}
    assert any(shown in t or t == _iso(shown) for t in texts), texts
    assert "45657" not in texts


def _iso(shown: str) -> str:
    m = re.fullmatch(r"(\d\d)\.(\d\d)\.(\d{4})", shown)
    return f"{m.group(3)}-{m.group(2)}-{m.group(1)}" if m else shown


def test_serial_date_rules():
    from rusgraph.sheets.cells import serial_date

    assert serial_date("45657") == "31.12.2024"
    assert serial_date("45657.0") == "31.12.2024"
    assert serial_date("44196", epoch_1904=True) == "01.01.2025"
    assert serial_date("2025") == "2025"
    assert serial_date("12345") == "12345"  # 1933: not a plan's deadline
    assert serial_date("mars 2025") == "mars 2025"


@pytest.mark.parametrize("district", ["Frogner", "Ullern", "Grorud"])
def test_import_streams_each_triple_once(runner, tmp_path, district):
    """`rusgraph import` writes the Turtle as the triples are made (issue 18: a 100,000-row
    plan under 1 GiB), never holding the plan as a graph: the streamed text is the graph
    build.plans makes, each triple once (a unit named by many rows, a link a heading and its
    row both state), each subject's triples in one block."""
    import io

    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from rusgraph.sheets.importing import import_plan

    path = tmp_path / "plan.xlsx"
    assert runner.invoke(main, ["export", "--format", "xlsx", "--district", district, "-o", str(path)]).exit_code == 0
    plan = import_plan(path)
    buf = io.BytesIO()
    plan.write_turtle(buf)
    assert "graph" not in plan.__dict__  # written without building the rdflib Graph
    triples = list(ox.parse(buf.getvalue(), format=ox.RdfFormat.TURTLE))
    assert len(triples) == len(set(triples))
    subjects = [t.subject for t in triples]
    blocks = [s for i, s in enumerate(subjects) if i == 0 or subjects[i - 1] != s]
    assert len(blocks) == len(set(blocks))
    assert isomorphic(Graph().parse(data=buf.getvalue(), format="turtle"), plan.graph)
    assert len(triples) == len(plan.graph)
