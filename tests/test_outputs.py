"""Outputs that are never left half-new, exit codes that mean what they say, and CSV that
a spreadsheet does not run (issue 18, items 10 and 11)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rusgraph.cli import main

PAYLOAD = '=HYPERLINK("http://127.0.0.1:9/x","klikk")'


def _child(code: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=str(cwd),
                          timeout=300)


# ------------------------------------------------------------------------------ -o targets


def test_dash_is_stdout(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(main, ["report", "status", "--format", "csv", "-o", "-"])
    assert r.exit_code == 0, r.output
    assert "Bydel Grorud," in r.stdout
    assert not (tmp_path / "-").exists()
    r = runner.invoke(main, ["export", "--format", "nt", "--district", "Grorud", "-o", "-"])
    assert r.exit_code == 0 and "<https://w3id.org/rusgraph/" in r.stdout
    assert not (tmp_path / "-").exists()


def test_symlink_is_written_through(runner, tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    r = runner.invoke(main, ["report", "status", "--format", "csv", "-o", str(link)])
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "Bydel Grorud," in real.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_device_is_written_through(runner, tmp_path):
    """A character device like /dev/null (made here, so a regression cannot replace the real one)."""
    import stat

    dev = tmp_path / "null"
    os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    r = runner.invoke(main, ["report", "status", "-o", str(dev)])
    assert r.exit_code == 0, r.output
    assert stat.S_ISCHR(dev.stat().st_mode) and dev.stat().st_rdev == os.makedev(1, 3)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]


def test_fifo_is_written_through(runner, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    r = runner.invoke(main, ["report", "status", "--format", "csv", "-o", str(fifo)])
    out, _ = reader.communicate(timeout=60)
    assert r.exit_code == 0, r.output
    assert "Bydel Grorud," in out.decode()
    assert fifo.is_fifo()


# ------------------------------------------------------------------------------ report --all


def test_report_all_swaps_the_directory_whole(runner, tmp_path):
    out = tmp_path / "reports"
    assert runner.invoke(main, ["report", "--all", "--format", "csv", "-d", str(out)]).exit_code == 0
    (out / "district-grorud.csv").write_text("from an earlier run, one file per district\n", encoding="utf-8")
    inode = out.stat().st_ino
    first = {p.name for p in out.iterdir()}
    assert "index.html" in first and "coverage.csv" in first
    r = runner.invoke(main, ["report", "--all", "--format", "md", "-d", str(out)])
    assert r.exit_code == 0, r.output
    names = {p.name for p in out.iterdir()}
    assert "coverage.md" in names and "coverage.csv" not in names  # the old set is gone whole
    assert "district-grorud.csv" not in names
    assert out.stat().st_ino != inode  # a new directory took its place
    assert [p.name for p in tmp_path.iterdir()] == ["reports"]  # no temporary left beside it


def test_report_all_refuses_a_directory_with_other_files(runner, tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    r = runner.invoke(main, ["report", "--all", "-d", str(tmp_path)])
    assert r.exit_code == 2
    assert "notes.txt" in r.stderr and "new or empty directory" in r.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine\n"


# --------------------------------------------------------------------------- signals, crashes

STOP_MID_WRITE = """
import os, signal, sys
import rusgraph.outputs.atomic as atomic

def write_text_atomic(path, text):  # the real writer, stopped by a signal half way
    with atomic.atomic_writer(path) as fh:
        fh.write(text[:10])
        fh.flush()
        os.kill(os.getpid(), getattr(signal, sys.argv[2]))
        fh.write(text[10:])

atomic.write_text_atomic = write_text_atomic
from rusgraph.cli import main
main(["report", "status", "-o", sys.argv[1]])
"""


@pytest.mark.parametrize("sig, code", [("SIGTERM", 143), ("SIGINT", 130)])
def test_signal_mid_write_leaves_the_old_file_and_no_temporary(tmp_path, sig, code):
    out = tmp_path / "status.txt"
    out.write_text("old\n", encoding="utf-8")
    run = _child(STOP_MID_WRITE, str(out), sig, cwd=tmp_path)
    assert run.returncode == code, run.stderr
    assert "Traceback" not in run.stderr
    assert out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["status.txt"]


CRASH = """
import sys
import rusgraph.reports.queries as queries

def run_query(*a, **k):
    raise RuntimeError("a bug")

queries.run_query = run_query
from rusgraph.cli import main
main(sys.argv[1:])
"""


def test_crash_exits_2(tmp_path):
    run = _child(CRASH, "report", "status", cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert "Error: internal error: RuntimeError: a bug" in run.stderr and "Traceback" not in run.stderr
    run = _child(CRASH, "--debug", "report", "status", cwd=tmp_path)
    assert run.returncode == 2
    assert "Traceback" in run.stderr and "RuntimeError: a bug" in run.stderr


def test_debug_error_exits_2(runner):
    r = runner.invoke(main, ["--debug", "report", "nosuch"])
    assert r.exit_code == 2


def test_closed_pipe_ends_quietly(tmp_path):
    p = subprocess.Popen([sys.executable, "-m", "rusgraph", "export", "--format", "nt"], cwd=str(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()  # the reader has gone before the first byte
    err = p.stderr.read().decode()
    assert p.wait(timeout=300) == 141
    assert err == ""


# ------------------------------------------------------------------------- formula injection


def _plan_with_payload(tmp_path: Path) -> Path:
    from rusgraph.sheets.spreadsheet import bundled_record, export_content

    text = export_content(bundled_record("Grorud"), "csv", bom=False)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    head = next(i for i, r in enumerate(rows) if "Tiltak" in r)
    for name in ("Tiltak", "Kortnavn"):
        rows[head + 1][rows[head].index(name)] = PAYLOAD
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    path = tmp_path / "plan.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _cells(text: str, delimiter: str = ",") -> list[str]:
    return [c for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for c in row]


def _assert_neutral(cells: list[str]) -> None:
    assert "'" + PAYLOAD in cells
    bad = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not c[1:2].isdigit())]
    assert bad == []


def test_no_formula_in_any_csv(runner, tmp_path):
    plan = _plan_with_payload(tmp_path)
    r = runner.invoke(main, ["import", str(plan), "-o", str(tmp_path / "plan.ttl")])
    assert r.exit_code == 0, r.output
    ttl = str(tmp_path / "plan.ttl")

    r = runner.invoke(main, ["report", "measures", "--format", "csv", ttl])
    assert r.exit_code == 0, r.output
    _assert_neutral(_cells(r.stdout))

    r = runner.invoke(main, ["report", "measures", "--format", "tsv", ttl])
    assert r.exit_code == 0
    _assert_neutral([c for line in r.stdout.splitlines() for c in line.split("\t")])

    q = tmp_path / "texts.rq"
    q.write_text("PREFIX rus: <https://w3id.org/rusgraph/ontology#>\n"
                 "SELECT ?t WHERE { ?m rus:measureText ?t }\n", encoding="utf-8")
    r = runner.invoke(main, ["query", str(q), "--format", "csv", ttl])
    assert r.exit_code == 0
    _assert_neutral(_cells(r.stdout))

    out = tmp_path / "pg.zip"
    r = runner.invoke(main, ["export", "--format", "csv", "-o", str(out), ttl])
    assert r.exit_code == 0, r.output
    import zipfile

    with zipfile.ZipFile(out) as z:
        _assert_neutral(_cells(z.read("nodes.csv").decode()))

    bad = tmp_path / "bad.ttl"  # a status given as text: the finding's value is the text
    bad.write_text(Path(ttl).read_text(encoding="utf-8") + f"""
<https://w3id.org/rusgraph/plan/030110/x/measure/1> a rus:Measure ; rus:status {json.dumps(PAYLOAD)} .
""", encoding="utf-8")
    for args in (["validate", "--format", "csv", str(bad)], ["validate", "--format", "csv", str(plan)]):
        r = runner.invoke(main, [*args, "--fail-on", "none"])
        assert r.exit_code == 0, r.output
        cells = _cells(r.stdout)
        assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert "'" + PAYLOAD in _cells(runner.invoke(main, ["validate", "--format", "csv", str(bad)]).stdout)


def test_plan_csv_round_trip_keeps_the_text(runner, tmp_path):
    plan = _plan_with_payload(tmp_path)
    from rusgraph.sheets.spreadsheet import export_content, import_plan

    first = import_plan(plan)
    text = export_content(first.record, "csv", bom=False)
    assert "'" + PAYLOAD.replace('"', '""') in text
    again = tmp_path / "again.csv"
    again.write_text(text, encoding="utf-8")
    back = import_plan(again)
    assert [m["text"] for m in back.record["measures"]] == [m["text"] for m in first.record["measures"]]
    assert any(m["text"] == PAYLOAD for m in back.record["measures"])


def test_raw_cells_for_programs(runner, tmp_path):
    plan = _plan_with_payload(tmp_path)
    ttl = tmp_path / "plan.ttl"
    assert runner.invoke(main, ["import", str(plan), "-o", str(ttl)]).exit_code == 0
    r = runner.invoke(main, ["--raw-cells", "report", "measures", "--format", "csv", str(ttl)])
    assert r.exit_code == 0
    assert PAYLOAD in _cells(r.stdout)
    r = runner.invoke(main, ["report", "measures", "--format", "csv", str(ttl)], env={"RUSGRAPH_RAW_CELLS": "1"})
    assert PAYLOAD in _cells(r.stdout)


def test_safe_cell_rules():
    from rusgraph.outputs.cells import raw_cells, safe_cell, unsafe_cell

    for text in ("=1+2", "+47 22 00 00 00", "-x", "@SUM(A1)", "\tx", "\rx", "'=x"):
        assert safe_cell(text) == "'" + text
        assert unsafe_cell(safe_cell(text)) == text
    for text in ("plain", "-3", "+1.5", "12", "", "a=b"):
        assert safe_cell(text) == text
    with raw_cells():
        assert safe_cell("=1") == "=1"
