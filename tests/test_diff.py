"""rusgraph diff: a bundled plan exported to xlsx and edited as a planner would for next
year's revision (a status changed, a measure added, one removed, one reworded), compared
with the original measure by measure."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from rusgraph.cli import main

from .conftest import ROOT

openpyxl = pytest.importorskip("openpyxl")

GRORUD_TTL = ROOT / "data" / "plans" / "030110-grorud.ttl"
NEW_TEXT = "Sommerskole for ungdom i samarbeid med fritidsklubbene"


def _run(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def _export(runner, tmp_path: Path, district: str) -> Path:
    path = tmp_path / f"{district.lower()}-2024.xlsx"
    assert _run(runner, "export", "--format", "xlsx", "--district", district, "-o", path).exit_code == 0
    return path


def _revise(old: Path, new: Path) -> dict[str, str]:
    """Next year's plan, edited in the sheet: row 5's status, row 3 reworded, row 6 deleted,
    a measure added at the end. Returns the texts the edits touched."""
    wb = openpyxl.load_workbook(old)
    ws = wb["Tiltak"]
    head = [c.value for c in ws[1]]

    def cell(row: int, name: str):
        return ws.cell(row=row, column=head.index(name) + 1)

    touched = {"status": cell(5, "Tiltak").value, "status_old": cell(5, "Status").value,
               "removed": cell(6, "Tiltak").value, "reworded_old": cell(3, "Tiltak").value}
    cell(5, "Status").value = "Gjennomført"
    cell(3, "Tiltak").value = touched["reworded_old"].replace("Kjenne til de ulike organisasjonene",
                                                              "Kjenne godt til de ulike frivillige organisasjonene")
    touched["reworded_new"] = cell(3, "Tiltak").value
    last = max(r for r in range(2, ws.max_row + 1) if cell(r, "Tiltak").value)
    for name, value in {"Overskrift": cell(2, "Overskrift").value, "Tiltak": NEW_TEXT, "Ansvarlig": "Forebyggende enhet",
                        "Frist": "2026", "Status": "Ikke påbegynt", "Risiko": "Lav", "Strategi": "S1",
                        "Tema": "Barn og unge"}.items():
        cell(last + 1, name).value = value
    ws.delete_rows(6)
    wb.save(new)
    return touched


def test_next_years_revision(runner, tmp_path):
    old = _export(runner, tmp_path, "Grorud")
    new = tmp_path / "grorud-2025.xlsx"
    t = _revise(old, new)
    r = _run(runner, "diff", old, new, "--format", "csv")
    assert r.exit_code == 1  # as diff(1): something changed
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    got = [(x["change"], x["field"], x["old"], x["new"]) for x in rows]
    assert got == [
        ("changed", "text", t["reworded_old"], t["reworded_new"]),
        ("changed", "status", t["status_old"], "Gjennomført"),
        ("removed", "", "", ""),
        ("added", "", "", ""),
    ]
    assert rows[2]["measure"] == t["removed"] and rows[3]["measure"] == NEW_TEXT
    assert rows[1]["measure"] == t["status"]
    assert all(x["matched_by"].startswith("text ") for x in rows[:2])  # Grorud's rows have no number
    assert r.stderr == "2 endret, 1 lagt til, 1 fjernet, 18 uendret (før: 21 tiltak, etter: 21 tiltak)\n"

    doc = json.loads(_run(runner, "diff", old, new, "--format", "json").stdout)
    assert doc["counts"] == {"added": 1, "removed": 1, "changed": 2, "unchanged": 18}
    table = _run(runner, "diff", old, new, "--lang", "en").stdout
    assert "text: - Kjenne {+godt+} til de ulike {+frivillige+} organisasjonene" in table
    assert f"status: {t['status_old']}  →  Gjennomført" in table
    md = _run(runner, "diff", old, new, "--format", "md").stdout
    assert md.startswith("| endring | nr | tiltak | felt | før | etter | paret etter |\n")
    html = _run(runner, "diff", old, new, "--format", "html", "--lang", "en").stdout
    assert '<tr class="added">' in html and NEW_TEXT in html and "<th>matched_by</th>" in html


def test_the_turtle_and_its_spreadsheet_are_the_same_plan(runner, tmp_path):
    r = _run(runner, "diff", GRORUD_TTL, _export(runner, tmp_path, "Grorud"))
    assert r.exit_code == 0, r.output
    assert r.stdout == "Ingen endringer.\n"
    assert r.stderr == "0 endret, 0 lagt til, 0 fjernet, 21 uendret (før: 21 tiltak, etter: 21 tiltak)\n"


def test_numbered_measures_pair_by_number(runner, tmp_path):
    """Grünerløkka numbers its measures (2.1.1 ...): a measure rewritten beyond recognition
    keeps its number, so it is the same measure, changed."""
    old = _export(runner, tmp_path, "Grünerløkka")
    new = tmp_path / "new.xlsx"
    wb = openpyxl.load_workbook(old)
    ws = wb["Tiltak"]
    head = [c.value for c in ws[1]]
    number = ws.cell(row=2, column=head.index("Nr") + 1).value
    ws.cell(row=2, column=head.index("Tiltak") + 1).value = "Helt ny tekst for dette tiltaket"
    ws.cell(row=2, column=head.index("Frist") + 1).value = "2027"
    wb.save(new)
    r = _run(runner, "diff", old, new, "--format", "json")
    changes = json.loads(r.stdout)["changes"]
    assert {(c["number"], c["field"], c["matched_by"]) for c in changes} == \
        {(number, "text", "number"), (number, "deadline", "number")}


def test_a_side_with_no_plan_exits_2(runner, tmp_path):
    r = _run(runner, "diff", ROOT / "data" / "upper" / "city-plan.ttl", GRORUD_TTL)
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: no district plans in the file (")
