#!/usr/bin/env python3
"""The planner's path of docs/spreadsheets.md, run for real: every output shown there is
what this script prints.

    python scripts/planner-path.py               # uses `rusgraph` from PATH (or $RUSGRAPH)
    python scripts/planner-path.py --keep DIR    # leave the files in DIR

It works in an empty temporary directory: writes the template, fills it in as Bydel Alna
would (openpyxl stands in for Excel; the cells are those of the docs' table), validates,
fixes, imports, puts the plan beside the bundled ones, writes the district page (and, with
Debian's chromium, its screenshot docs/img/district-alna.png), and compares next year's
Grorud plan with this year's. Each step prints `$ command`, its stdout and stderr as they
came, and `[exit N]`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
RUSGRAPH = os.environ.get("RUSGRAPH", "rusgraph")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

PLAN = {"Bydel": "Alna", "Tittel": "Rusplan for Bydel Alna 2024-2027", "Periode": "2024-2027",
        "Kildedokument": "rusplan-alna-2024.pdf"}
ROWS = [
    {"Nr": "1.1", "Overskrift": "Forebyggingsoffensiv", "Mål": "Færre unge begynner å bruke cannabis",
     "Tiltak": "Tilby HAP til ungdom med ruskontrakt", "Ansvarlig": "Forebyggende enhet",
     "Ansvarlige enheter": "Forebyggende enhet", "Frist": "31.12.2025", "Status": "Påbegyndt", "Risiko": "Lav",
     "Strategi": "S1", "Byplanmål": "S1-16 \u2013 Tilby HAP (hasjavvenningsprogram)",
     "Tema": "Hasjavvenning (HAP) og ruskontrakter"},
    {"Nr": "1.2", "Overskrift": "Forebyggingsoffensiv", "Mål": "Færre unge begynner å bruke cannabis",
     "Tiltak": "Dele ut 113-kort på fritidsklubbene", "Aktiviteter": "Kurs for ansatte\nUtdeling",
     "Ansvarlig": "Fritid", "Ansvarlige enheter": "Fritidsklubbene", "Frist": "2025", "Status": "Ikke påbegynt",
     "Oslostandard": "OD-4", "Tema": "Overdose; Barn og unge"},
    {"Nr": "2.1", "Overskrift": "Tidligere innsats", "Mål": "Flere får hjelp tidlig",
     "Tiltak": "Lage en ny samarbeidsavtale med DPS", "Ansvarlig": "Bydelsdirektør", "Frist": "mars 2030"},
]
FIXES = {2: {"Status": "Påbegynt"}, 3: {"Tema": "Overdoseforebygging; Barn og unge"}}
FINISH = {4: {"Strategi": "S2", "Tema": "Samhandling mellom tjenester", "Ansvarlige enheter": "Bydelsdirektørens stab",
              "Frist": "mars 2027"}}


def run(*args: str, cwd: Path, show: str | None = None) -> subprocess.CompletedProcess:
    cmd = [RUSGRAPH, *args]
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    print(f"$ {show or shlex.join(['rusgraph', *args])}")
    sys.stdout.write(r.stdout)
    sys.stdout.write(r.stderr)
    print(f"[exit {r.returncode}]\n")
    return r


def fill(path: Path, plan: dict[str, str], rows: list[dict[str, str]]) -> None:
    wb = openpyxl.load_workbook(path)
    for row in wb["Plan"].iter_rows(min_row=2, max_col=2):
        if row[0].value in plan:
            row[1].value = plan[row[0].value]
    ws = wb["Tiltak"]
    head = [c.value for c in ws[1]]
    for i, values in enumerate(rows, start=2):
        for name, value in values.items():
            ws.cell(row=i, column=head.index(name) + 1).value = value
    wb.save(path)


def edit(path: Path, out: Path, changes: dict[int, dict[str, str]]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Tiltak"]
    head = [c.value for c in ws[1]]
    for row, values in changes.items():
        for name, value in values.items():
            if name in head:
                ws.cell(row=row, column=head.index(name) + 1).value = value
    wb.save(out)


def next_year(path: Path, out: Path) -> None:
    """Grorud's plan revised: row 5's status, row 3 reworded, row 6 deleted, a measure added."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Tiltak"]
    head = [c.value for c in ws[1]]

    def cell(row: int, name: str):  # type: ignore[no-untyped-def]
        return ws.cell(row=row, column=head.index(name) + 1)

    cell(5, "Status").value = "Gjennomført"
    cell(3, "Tiltak").value = cell(3, "Tiltak").value.replace(
        "Kjenne til de ulike organisasjonene", "Kjenne godt til de ulike frivillige organisasjonene")
    last = max(r for r in range(2, ws.max_row + 1) if cell(r, "Tiltak").value)
    for name, value in {"Overskrift": cell(2, "Overskrift").value, "Tiltak": "Sommerskole for ungdom i samarbeid "
                        "med fritidsklubbene", "Ansvarlig": "Forebyggende enhet", "Frist": "2026",
                        "Status": "Ikke påbegynt", "Risiko": "Lav", "Strategi": "S1", "Tema": "Barn og unge"}.items():
        cell(last + 1, name).value = value
    ws.delete_rows(6)
    wb.save(out)


def excel_csv(xlsx: Path, out: Path, changes: dict[int, dict[str, str]]) -> None:
    """The plan as Excel saves 'CSV (semikolonseparert)': Windows-1252, ';', CRLF, the plan
    fields as '# Field: value' lines, cells with line breaks quoted."""
    import csv
    import io

    wb = openpyxl.load_workbook(xlsx)
    buf = io.StringIO()
    for key, value, *_ in wb["Plan"].iter_rows(min_row=2, values_only=True):
        if key:
            buf.write(f"# {key}: {value or ''}\r\n")
    ws = wb["Tiltak"]
    head = [c.value for c in ws[1]]
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if i > 1 and not any(row):
            continue
        cells = ["" if v is None else str(v) for v in row]
        for name, value in changes.get(i, {}).items():
            cells[head.index(name)] = value
        w.writerow(cells)
    out.write_bytes(buf.getvalue().encode("cp1252"))


def screenshot(page: Path, png: Path) -> None:
    if not Path(CHROMIUM).is_file():
        print(f"(no {CHROMIUM}: screenshot skipped)\n")
        return
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["timeout", "--kill-after=10", "120", CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--no-first-run", "--disable-background-networking", "--hide-scrollbars",
                        f"--user-data-dir={profile}", "--window-size=1000,1500", f"--screenshot={png}", page.as_uri()],
                       check=True, capture_output=True)
    print(f"(screenshot: {png.relative_to(ROOT)})\n")


def main() -> None:
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="rusgraph-planner-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print("## 1. template\n")
        run("template", "-o", "alna.xlsx", cwd=work)
        fill(work / "alna.xlsx", PLAN, ROWS)
        print("## 3. validate\n")
        run("validate", "alna.xlsx", cwd=work)
        edit(work / "alna.xlsx", work / "alna.xlsx", FIXES)
        run("validate", "alna.xlsx", cwd=work)
        run("validate", "alna.xlsx", "--format", "csv", "--lang", "en", cwd=work)
        edit(work / "alna.xlsx", work / "alna.xlsx", FINISH)
        run("validate", "alna.xlsx", cwd=work)
        print("## 4. import\n")
        run("import", "alna.xlsx", "-o", "alna.ttl", cwd=work)
        print("## 5. reports beside the bundled plans\n")
        run("report", "coverage", "alna.xlsx", cwd=work)
        run("report", "coverage", "--with-bundled", "alna.xlsx", cwd=work)
        run("report", "measures", "--param", "district=Alna", "--with-bundled", "alna.xlsx", "--format", "csv",
            cwd=work)
        print("## 6. the district page\n")
        run("report", "district", "--param", "district=Alna", "--with-bundled", "alna.xlsx", "--format", "html",
            "-o", "alna.html", cwd=work)
        (ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
        screenshot(work / "alna.html", ROOT / "docs" / "img" / "district-alna.png")
        run("report", "--all", "--format", "html", "-d", "reports", "--with-bundled", "alna.xlsx", cwd=work)
        print("## 7. next year\n")
        run("export", "--format", "xlsx", "--district", "Grorud", "-o", "grorud-2024.xlsx", cwd=work)
        next_year(work / "grorud-2024.xlsx", work / "grorud-2025.xlsx")
        run("diff", "grorud-2024.xlsx", "grorud-2025.xlsx", cwd=work)
        run("diff", str(ROOT / "data" / "plans" / "030110-grorud.ttl"), "grorud-2024.xlsx", cwd=work,
            show="rusgraph diff data/plans/030110-grorud.ttl grorud-2024.xlsx")
        print("## 8. or start from the current plan\n")
        run("import", "grorud-2024.xlsx", "-o", "grorud.ttl", cwd=work)
        run("validate", "grorud-2024.xlsx", "--fail-on", "none", cwd=work)
        print("## 9. the same in CSV\n")
        run("template", "-o", "alna-template.csv", cwd=work)
        print((work / "alna-template.csv").read_text(encoding="utf-8-sig"))
        excel_csv(work / "alna.xlsx", work / "alna.csv", {2: {"Status": "Ikke startet"}})
        run("validate", "alna.csv", cwd=work)
        excel_csv(work / "alna.xlsx", work / "alna.csv", {})
        run("validate", "alna.csv", cwd=work)
        run("import", "alna.csv", "-o", "alna-csv.ttl", cwd=work)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
