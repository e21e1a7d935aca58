"""Time and memory of importing a plan spreadsheet, and of exporting the plan as Turtle.

    python benchmarks/spreadsheet.py                      # 1,000 and 10,000 rows
    python benchmarks/spreadsheet.py --rows 100000 --json out.json
    python benchmarks/spreadsheet.py --rows 0 --bombs     # the two memory bombs of issue 18
    python benchmarks/spreadsheet.py --rows 100000 --import-only [--inline]   # issue 18's 100,000 rows

Each size is a Tiltak sheet of that many rows: the bundled Grorud plan's 21 rows (real text,
units, links, themes, statuses) repeated, each with its own number, written as .xlsx the way
Excel stores it (text in the shared-string table; ``--inline`` leaves it in the cells as
openpyxl's write-only mode writes it, which reads slower). Each step
runs in its own process, which reports its peak memory (ru_maxrss) and CPU time; wall time
is measured around it. On a machine shared with other jobs, CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

CHILD = """
import resource, sys
from rusgraph.cli import main
try:
    main(sys.argv[1:])
finally:
    r = resource.getrusage(resource.RUSAGE_SELF)
    print(f"@stats {r.ru_maxrss} {r.ru_utime + r.ru_stime}", file=sys.stderr)
"""


def write_plan(path: Path, rows: int, *, inline: bool = False) -> None:
    """A filled template of ``rows`` measures (openpyxl's write-only mode: flat memory), its
    text then moved to the shared-string table as Excel stores it (``inline``: left in the cells)."""
    from openpyxl import Workbook

    from rusgraph.sheets.export import bundled_record, record_to_sheet
    from rusgraph.sheets.template import COLUMNS
    from rusgraph.sheets.vocab import load_vocab

    vocab = load_vocab()
    fields, sample = record_to_sheet(bundled_record("Grorud", vocab=vocab), vocab, "nb")
    wb = Workbook(write_only=True)
    plan = wb.create_sheet("Plan")
    plan.append(["Felt", "Verdi"])
    for f, value in fields:
        plan.append([f.name("nb"), value or None])
    table = wb.create_sheet("Tiltak")
    table.append([c.name("nb") for c in COLUMNS])
    for i in range(rows):
        row = dict(sample[i % len(sample)])
        row["local_number"] = str(i + 1)
        table.append([(row.get(c.key) or None) for c in COLUMNS])
    wb.save(path)
    if not inline:
        share_strings(path)


def share_strings(path: Path) -> None:
    """Store the workbook's text as Excel does: once, in the shared-string table
    (xl/sharedStrings.xml), each cell pointing into it. openpyxl's write-only mode writes
    every cell's text inline instead, which Excel never does and which reads about a third
    slower; ``--inline`` keeps that form."""
    cell = re.compile(rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>', re.S)
    table: dict[bytes, int] = {}
    refs = [0]

    def to_shared(data: bytes, fh) -> None:  # type: ignore[no-untyped-def]
        def one(m: re.Match) -> bytes:
            index = table.setdefault(m.group(2), len(table))
            refs[0] += 1
            return b'<c r="%s" t="s"><v>%d</v></c>' % (m.group(1), index)

        fh.write(cell.sub(one, data))

    for sheet in ("Plan", "Tiltak"):
        rewrite_part(path, sheet_part(path, sheet), to_shared)
    src = path.with_suffix(".orig.xlsx")
    path.rename(src)
    sst = b"".join(b'<si><t xml:space="preserve">%s</t></si>' % text for text in table)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            zout.writestr(info, data)
        zout.writestr("xl/sharedStrings.xml", b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="'
                      b'http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
                      % (refs[0], len(table), sst))
    src.unlink()


def template(path: Path) -> Path:
    """The empty template, as `rusgraph template -o` writes it (about 17 KB)."""
    from rusgraph.sheets.export import write_template

    return write_template(path)


def sheet_part(path: Path, sheet: str = "Tiltak") -> str:
    """The zip part holding ``sheet``'s cells."""
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(path) as z:
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
        rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        for el in ET.fromstring(z.read("xl/workbook.xml")).iter(main + "sheet"):
            if el.get("name") == sheet:
                return "xl/" + rels[el.get(rid)].lstrip("/").removeprefix("xl/")
    raise KeyError(sheet)


def rewrite_part(path: Path, part: str, edit) -> None:  # type: ignore[no-untyped-def]
    """Copy the workbook with one part replaced by what ``edit(old_bytes, writer)`` writes."""
    src = path.with_suffix(".orig.xlsx")
    path.rename(src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                new = zipfile.ZipInfo(part, date_time=info.date_time)
                new.compress_type = zipfile.ZIP_DEFLATED
                with zout.open(new, "w", force_zip64=True) as fh:
                    edit(data, fh)
            else:
                zout.writestr(info, data)
    src.unlink()


def last_row_bomb(path: Path, *, declared: bool = True) -> Path:
    """The template with one more cell, at row 1,048,576 (Excel's last); ``declared=False``
    also drops the sheet's <dimension>, so that only reading finds the cell."""
    import openpyxl

    template(path)
    wb = openpyxl.load_workbook(path)
    wb["Tiltak"]["B1048576"] = "x"
    wb.save(path)
    if not declared:
        rewrite_part(path, sheet_part(path), lambda data, fh: fh.write(re.sub(rb"<dimension [^>]*/>", b"", data)))
    return path


def zip_bomb(path: Path, unpacked_mib: int = 250) -> Path:
    """The template whose measure sheet unpacks to ``unpacked_mib`` MiB of identical cells
    (about 0.55 MB packed at 250 MiB: 17 million cells)."""
    def bomb(data: bytes, fh) -> None:  # type: ignore[no-untyped-def]
        head, _, tail = data.partition(b"</sheetData>")
        fh.write(head)
        block = b"<row>" + b"<c><v>1</v></c>" * 4000 + b"</row>"
        for _ in range(unpacked_mib * 1024 * 1024 // len(block)):
            fh.write(block)
        fh.write(b"</sheetData>" + tail)

    template(path)
    rewrite_part(path, sheet_part(path), bomb)
    return path


def run(args: list[str], cwd: Path, *, ok: bool = True) -> dict:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, cwd=str(cwd))
    wall = time.perf_counter() - t
    m = re.search(r"@stats (\d+) ([\d.]+)", proc.stderr)
    if (ok and proc.returncode != 0) or not m:
        raise SystemExit(f"rusgraph {' '.join(args)} failed ({proc.returncode}): {proc.stderr[-1000:]}")
    return {"wall_s": round(wall, 2), "cpu_s": round(float(m.group(2)), 2), "peak_mib": int(m.group(1)) // 1024,
            "exit": proc.returncode, "error": next((x for x in proc.stderr.splitlines() if x.startswith("Error:")), "")}


def bombs(work: Path) -> str:
    lines = ["| file | size KB | exit | s (CPU s) | peak MiB | message |", "|---|---|---|---|---|---|"]
    for name, make in (("cell at row 1,048,576", last_row_bomb),
                       ("same, no declared size", lambda p: last_row_bomb(p, declared=False)),
                       ("zip bomb (250 MiB of cells)", zip_bomb)):
        path = make(work / "bomb.xlsx")
        r = run(["import", str(path)], work, ok=False)
        lines.append(f"| {name} | {path.stat().st_size // 1000:,} | {r['exit']} | {r['wall_s']} ({r['cpu_s']}) | "
                     f"{r['peak_mib']} | {r['error'][:90]} |")
        path.unlink()
    return "\n".join(lines)


def bench(rows: int, work: Path, *, inline: bool = False, exports: bool = True) -> dict:
    xlsx = work / f"plan-{rows}.xlsx"
    ttl = work / f"plan-{rows}.ttl"
    write_plan(xlsx, rows, inline=inline)
    out: dict = {"rows": rows, "xlsx_mib": round(xlsx.stat().st_size / 2**20, 1), "strings": "inline" if inline else "shared"}
    out["import"] = run(["import", str(xlsx), "-o", str(ttl)], work)
    if not exports:
        import pyoxigraph as ox

        out["triples"] = sum(1 for _ in ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE))
        return out
    out["export_turtle"] = run(["export", "--format", "turtle", "--without-ontology", "-o", str(work / "e.ttl"),
                                str(ttl)], work)
    out["export_nt"] = run(["export", "--format", "nt", "--without-ontology", "-o", str(work / "e.nt"),
                            str(ttl)], work)
    with open(work / "e.nt", encoding="utf-8") as fh:
        out["triples"] = sum(1 for _ in fh)
    return out


def table(results: list[dict]) -> str:
    head = ("| rows | xlsx MiB (strings) | triples | import s (CPU s) | import peak MiB | export turtle s (CPU s) "
            "| export nt s (CPU s) |\n|---|---|---|---|---|---|---|")
    lines = [head]
    for r in results:
        i, t, n = r["import"], r.get("export_turtle"), r.get("export_nt")
        t_s = f"{t['wall_s']} ({t['cpu_s']})" if t else "-"
        n_s = f"{n['wall_s']} ({n['cpu_s']})" if n else "-"
        lines.append(f"| {r['rows']:,} | {r['xlsx_mib']} ({r['strings']}) | {r['triples']:,} | {i['wall_s']} "
                     f"({i['cpu_s']}) | {i['peak_mib']:,} | {t_s} | {n_s} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", default="1000,10000", help="Comma-separated sizes (default 1000,10000).")
    ap.add_argument("--json", type=Path, help="Also write the results as JSON here.")
    ap.add_argument("--bombs", action="store_true", help="Also import the two memory bombs of issue 18.")
    ap.add_argument("--inline", action="store_true",
                    help="Leave the text in the cells (openpyxl's write-only form) instead of Excel's shared strings.")
    ap.add_argument("--import-only", action="store_true",
                    help="Measure the import alone (the exports load the whole plan into the store).")
    ap.add_argument("--workdir", type=Path, help="Where to write the spreadsheets (default: a temporary directory).")
    a = ap.parse_args(argv)
    sizes = [int(x) for x in a.rows.split(",") if x.strip() and int(x) > 0]
    with tempfile.TemporaryDirectory() as tmp:
        work = a.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = []
        for n in sizes:
            results.append(bench(n, work, inline=a.inline, exports=not a.import_only))
            print(table(results[-1:]).splitlines()[-1] if results[1:] else table(results), flush=True)
        if a.bombs:
            print(bombs(work), flush=True)
    if a.json:
        a.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
