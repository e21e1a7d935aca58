"""A plan record as a filled template, and the empty template, written to files.

Owns: turning a transcription record (a bundled plan's) into the template's plan fields and
rows, every link written out (stated ones in their columns, curated ones as 'CODE: reason'),
and writing the template or an exported plan atomically (rusgraph.outputs.atomic). It must not read
spreadsheets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Sequence

from ..build.files import read_record
from ..build.plans import section_links
from .cells import default_label
from .csvfile import csv_text
from .template import COLUMNS, FIELD, FIELDS, Field, sheet_error
from .vocab import Vocab, load_vocab, transcriptions_dir
from .workbook import workbook_bytes

def _lines_text(lines: Sequence[int] | None) -> str:
    if not lines:
        return ""
    start, end = int(lines[0]), int(lines[-1])
    return str(start) if start == end else f"{start}-{end}"


def _period_text(start: int | None, end: int | None) -> str:
    if start is None and end is None:
        return ""
    if start is not None and end is not None:
        return f"{start}-{end}"
    return f"{start}-" if start is not None else f"-{end}"


def record_to_sheet(record: dict[str, Any], vocab: Vocab, lang: str = "nb") -> tuple[
        list[tuple[Field, str]], list[dict[str, str]]]:
    """A transcription record as the template's plan fields and rows.

    Every link the record gives a measure or goal (its own and those of the heading it stands
    under) is written out: stated ones in Strategi, Byplanmål, Oslostandard or Mål:
    byplankobling, curated ones as 'CODE: reason' in the curated columns. The reasons of
    stated links are not written: the import says the table states them.
    """
    p = record["plan"]
    sections = {s["id"]: s for s in record.get("sections") or []}
    goals = {g["id"]: g for g in record.get("goals") or []}
    where = f"record {record['district']}"

    def display(code: str, list_name: str) -> str:
        choice = vocab.list(list_name).get(code)
        if choice is None or choice.code != code:
            raise sheet_error(f"{code} cannot be written in the template's {list_name} column", where)
        return choice.display(lang)

    def link_cells(links: Iterable[dict[str, Any]], *, goal: bool) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for link in links:
            code = link["target"]
            if any(code == s["id"] for s in record.get("strategies") or []) and link["basis"] == "curated":
                out.setdefault("curated", []).append(f"{code}: {link['reason']}")
                continue
            if link["basis"] == "curated":
                out.setdefault("goal_curated" if goal else "curated", []).append(f"{code}: {link['reason']}")
                continue
            kind = vocab.kinds.get(code)
            if goal:
                key, list_name = "goal_link", "goal_link"
            elif kind == "strategy":
                key, list_name = "strategy", "strategy"
            elif kind in ("main_goal", "city_goal"):
                key, list_name = "city_goal", "city_goal"
            elif kind in ("standard", "element"):
                key, list_name = "standard", "standard"
            else:
                raise sheet_error(f"a stated link to {code} has no column in the template", where)
            text = display(code, list_name)
            if text not in out.setdefault(key, []):
                out[key].append(text)
        return out

    themes = vocab.list("theme")
    rows: list[dict[str, str]] = []
    written: set[str] = set()

    def goal_row(gid: str) -> dict[str, str]:
        g = goals[gid]
        links = [*section_links(sections, g.get("section"), where), *(g.get("links") or [])]
        row = {"goal": g["text"], "goal_source": _lines_text(g.get("lines")), "goal_note": g.get("notes") or ""}
        if g.get("section"):
            row["heading"] = sections[g["section"]]["heading"]
        for k, v in link_cells(links, goal=True).items():
            row[k] = "\n".join(v)
        return row

    order = [g["id"] for g in record.get("goals") or []]

    def flush_unused(before: str | None) -> None:
        """Goal-only rows for goals no measure names, kept in the goals' order."""
        for gid in order:
            if gid == before:
                return
            if gid not in written and not any(m.get("goal") == gid for m in record["measures"]):
                rows.append(goal_row(gid))
                written.add(gid)

    for m in record["measures"]:
        row: dict[str, str] = {}
        if m.get("goal"):
            if m["goal"] not in written:
                flush_unused(m["goal"])
                written.add(m["goal"])
            row.update(goal_row(m["goal"]))
        if m.get("section"):
            sec = sections[m["section"]]
            row["heading"] = sec["heading"]
            row["placement"] = display(sec["placement"], "strategy") if sec.get("placement") else ""
            row["heading_source"] = _lines_text(sec.get("lines"))
        acts = m.get("activities") or []
        label = m.get("label") or ""
        row.update({
            "local_number": m.get("local_number") or "",
            "text": m.get("text") or "",
            "label": label if label != default_label(m.get("text") or "", acts) else "",
            "description": m.get("description") or "",
            "activities": "\n".join(acts),
            "responsible": m.get("responsible") or "",
            "units": "\n".join(m.get("units") or []),
            "deadline": m.get("deadline") or "",
            "status": m.get("status") or "",
            "risk": m.get("risk") or "",
            "themes": "\n".join(themes.get(t).display(lang) for t in m.get("themes") or []),
            "source": _lines_text(m.get("lines")),
            "note": m.get("notes") or "",
        })
        links = [*section_links(sections, m.get("section"), where), *(m.get("links") or [])]
        cells = link_cells(links, goal=False)
        for k, v in link_cells(m.get("standards") or [], goal=False).items():
            cells.setdefault(k, []).extend(v)
        for k, v in cells.items():
            row[k] = "\n".join(v)
        rows.append(row)
    flush_unused(None)

    fields: list[tuple[Field, str]] = [
        (FIELD["district"], vocab.district_names.get(record["district"], record["district"])),
        (FIELD["title"], p.get("title") or ""),
    ]
    if not p.get("title") and p.get("label"):
        fields.append((FIELD["label"], p["label"]))
    fields += [
        (FIELD["period"], _period_text(p.get("start"), p.get("end"))),
        (FIELD["source"], record["source"]),
        (FIELD["label_en"], p.get("label_en") or ""),
        (FIELD["slug"], p["slug"]),
        (FIELD["title_lines"], _lines_text(p.get("title_lines"))),
        (FIELD["columns"], " | ".join(p.get("columns") or [])),
        (FIELD["has_responsible_column"], vocab.list("yesno").get(
            "true" if p.get("has_responsible_column") else "false").display(lang)),
    ]
    for st in record.get("strategies") or []:
        link = next(iter(st.get("links") or []), None)
        fields.append((FIELD["strategies"], " | ".join([
            st["id"], st["label"], st.get("label_en") or "", _lines_text(st.get("lines")),
            f"{link['target']}: {link['reason']}" if link else "", st.get("notes") or ""])))
    fields += [(FIELD["notes"], note) for note in p.get("notes") or []]
    return fields, rows


def _kind_of(path: str | Path, fmt: str | None) -> str:
    kind = (fmt or Path(str(path)).suffix.lstrip(".")).lower()
    if kind not in ("xlsx", "csv"):
        raise sheet_error(f"cannot tell xlsx from csv by {str(path)!r}", str(path), "name the file .xlsx or .csv")
    return kind


def template_content(kind: str, lang: str = "nb", *, vocab: Vocab | None = None) -> bytes | str:
    vocab = vocab or load_vocab()
    fields = [(f, "") for f in FIELDS if f.template]
    columns = [c for c in COLUMNS if c.template]
    if kind == "xlsx":
        return workbook_bytes(fields, [], columns, vocab, lang)
    return csv_text(fields, [], columns, lang)


def write_template(path: str | Path, lang: str = "nb", *, fmt: str | None = None) -> Path:
    """Write an empty template (.xlsx with drop-down lists, or .csv) atomically."""
    kind = _kind_of(path, fmt)
    _write(path, template_content(kind, lang))
    return Path(path)


def bundled_record(district: str, *, vocab: Vocab | None = None) -> dict[str, Any]:
    """The transcription record of a bundled plan, by district name or SSB code."""
    vocab = vocab or load_vocab()
    src = transcriptions_dir()
    planned = sorted(src.glob("0301*.json"))
    choice = vocab.list("district").get(district)
    if choice is None:
        raise sheet_error(f"unknown district {district!r}", "--district",
                     "districts with a bundled plan: " + ", ".join(
                         f"{vocab.district_names.get(p.name[:6], '?')} ({p.name[:6]})" for p in planned))
    found = [p for p in planned if p.name.startswith(choice.value + "-")]
    if not found:
        raise sheet_error(f"no bundled plan for {vocab.district_names.get(choice.value)} ({choice.value})", "--district",
                     "districts with a bundled plan: " + ", ".join(
                         f"{vocab.district_names.get(p.name[:6], '?')} ({p.name[:6]})" for p in planned))
    return read_record(found[0])


def export_content(record: dict[str, Any], kind: str, lang: str = "nb", *, vocab: Vocab | None = None,
                   bom: bool = True) -> bytes | str:
    """A plan record as a filled template: every column, the rusgraph ones included."""
    vocab = vocab or load_vocab()
    fields, rows = record_to_sheet(record, vocab, lang)
    if kind == "xlsx":
        return workbook_bytes(fields, rows, COLUMNS, vocab, lang, validation_rows=len(rows) + 200)
    return csv_text(fields, rows, COLUMNS, lang, bom=bom)


def export_plan(district: str, path: str | Path, *, fmt: str | None = None, lang: str = "nb") -> Path:
    """Write a bundled district plan as a filled template (atomically)."""
    kind = _kind_of(path, fmt)
    _write(path, export_content(bundled_record(district), kind, lang))
    return Path(path)


def _write(path: str | Path, content: bytes | str) -> None:
    from ..outputs.atomic import write_bytes_atomic, write_text_atomic

    if isinstance(content, bytes):
        write_bytes_atomic(path, content)
    else:
        write_text_atomic(path, content)


def export_for_cli(fmt: str, district: str | None, data: Sequence[str], lang: str, output: str | None) -> str:
    """`rusgraph export --format xlsx|plan-csv --district X [-o FILE]`: writes FILE (atomically)
    and returns '', or returns the CSV text for stdout."""
    kind = "xlsx" if fmt == "xlsx" else "csv"
    if data:
        raise sheet_error(f"--format {fmt} writes a bundled plan from its transcription record", "DATA",
                     "leave out DATA and give --district (to turn a spreadsheet into Turtle, use rusgraph import)")
    if not district:
        raise sheet_error(f"--format {fmt} writes one district's plan", "--district",
                     "give --district NAME or SSB code, e.g. --district Grorud")
    if kind == "xlsx" and not output:
        raise sheet_error("--format xlsx writes a binary workbook", "-o", "give -o FILE.xlsx")
    content = export_content(bundled_record(district), kind, lang, bom=bool(output))
    if output:
        _write(output, content)
        return ""
    assert isinstance(content, str)
    return content
