"""A filled template as a transcription record: the rows understood.

Owns: the header row (column names in nb or en, aliases, near misses suggested), the plan
fields, and each row's cells turned into the record's plan, sections, goals and measures
(the format rusgraph.build reads), with a Locator that remembers the sheet, row and column
every IRI came from. Problems are collected (rusgraph.sheets.problems), not raised one by
one. It must not open files nor build RDF.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from ..build.terms import norm as build_norm
from .cells import (SLUG, check_deadline, curated_link, default_label, own_link, own_strategy, parse_lines,
                    parse_period, serial_date, source_name, split_cell)
from .problems import Problems
from .raw import RawPlan, RawRow
from .template import (COLUMN, COLUMNS, FIELD, FIELDS, GOAL_KEYS, ROW_KEYS, Where, column_letter, column_names,
                       field_names, norm, sheet_error)
from .vocab import Vocab, resolve

@dataclass
class Locator:
    """Where each IRI of an imported plan came from."""

    file: str
    lang: str
    rows: dict[str, Where] = field(default_factory=dict)  # IRI -> the row (no column)
    link_columns: dict[tuple[str, str], str] = field(default_factory=dict)  # (subject IRI, code) -> column
    columns: dict[str, str] = field(default_factory=dict)  # column key -> header as written in the file
    fields: dict[str, Where] = field(default_factory=dict)  # plan field key -> where its value is
    plan_sheet: str | None = None

    def column(self, key: str) -> str:
        return self.columns.get(key) or COLUMN[key].name(self.lang)

    def field_where(self, key: str) -> Where:
        w = self.fields.get(key)
        if w is not None:
            return w
        return Where(self.file, self.plan_sheet, None, FIELD[key].name(self.lang))


def to_record(raw: RawPlan, vocab: Vocab) -> tuple[dict[str, Any], Locator]:
    """The transcription record a filled template stands for, and where each part came from.
    ``raw.rows`` is consumed (emptied as the rows are read)."""
    from ..graph.namespaces import district_plan_iri, source_iri
    from ..graph.namespaces import slugify

    # ---- header row
    cols: dict[str, int] = {}
    names: dict[str, str] = {}
    votes = {"nb": 0, "en": 0}
    header_names = column_names()
    for i, text in enumerate(raw.header.cells):
        letter = column_letter(i + 1)
        if not text:
            for r in raw.rows:
                if i < len(r.cells) and r.cells[i]:
                    raise sheet_error("a cell in a column without a header", raw.where(r, letter),
                                 "give the column a header from the template, or move the value")
            continue
        col = header_names.get(norm(text))
        if col is None:
            near = difflib.get_close_matches(norm(text), list(header_names), n=3, cutoff=0.6)
            shown = []
            for k in near:
                c = header_names[k]
                name = c.nb if norm(c.nb) == k or norm(c.en) != k else c.en
                if name not in shown:
                    shown.append(name)
            hint = f"Did you mean: {', '.join(shown)}?" if shown else "use the column names of `rusgraph template`"
            raise sheet_error(f"unknown column {text!r}", raw.where(raw.header, letter), hint)
        if col.key in cols:
            raise sheet_error(f"column {text!r} appears twice (also column {column_letter(cols[col.key] + 1)})",
                         raw.where(raw.header, letter), "delete or rename one of them")
        cols[col.key] = i
        names[col.key] = text
        if norm(text) == norm(col.nb) and norm(text) != norm(col.en):
            votes["nb"] += 1
        elif norm(text) == norm(col.en) and norm(text) != norm(col.nb):
            votes["en"] += 1
    lang = "en" if votes["en"] > votes["nb"] else "nb"
    missing = [c for c in COLUMNS if c.required and c.key not in cols]
    if missing:
        shown = ", ".join(repr(c.name(lang)) for c in missing)
        raise sheet_error(f"missing column{'s' if len(missing) > 1 else ''} {shown}",
                     raw.where(raw.header, missing[0].name(lang)),
                     "the template has it; add it back (it may stay empty), or fix a renamed header")
    loc = Locator(raw.file, lang, columns=names, plan_sheet=raw.plan_sheet)
    width = len(raw.header.cells)

    # ---- plan fields
    values: dict[str, list[tuple[str, Where]]] = {}
    known_fields = field_names()
    for key_text, val, wkey, wval in raw.fields:
        if not key_text and not val:
            continue
        if norm(key_text) in ("felt", "field") and norm(val) in ("verdi", "value", ""):
            continue
        f = known_fields.get(norm(key_text))
        if f is None:
            if not key_text:
                raise sheet_error("a value without a field name", wkey, "write the field name in the first column")
            near = difflib.get_close_matches(norm(key_text), list(known_fields), n=3, cutoff=0.6)
            shown = sorted({known_fields[k].name(lang) for k in near})
            hint = f"Did you mean: {', '.join(shown)}?" if shown else \
                "use the fields of `rusgraph template`: " + ", ".join(x.name(lang) for x in FIELDS)
            raise sheet_error(f"unknown plan field {key_text!r}", wkey, hint)
        if f.key not in ("notes", "strategies") and f.key in values:
            raise sheet_error(f"plan field {key_text!r} is given twice (also {values[f.key][0][1]})", wkey,
                         "keep one of them")
        values.setdefault(f.key, []).append((val, wval))
        loc.fields.setdefault(f.key, wval)

    def one(key: str) -> tuple[str, Where]:
        got = values.get(key)
        return got[0] if got else ("", loc.field_where(key))

    problems = Problems()
    text, w = one("district")
    if not text:
        problems.add(sheet_error("the plan has no district", w, "write the district's name (Grorud) or SSB code (030110)"))
    choice = problems.attempt(resolve, vocab, "district", text, w, lang) if text else None
    district = choice.value if choice is not None else "0301"  # read on: the rows may have problems too
    title, w_title = one("title")
    label, _ = one("label")
    if not title and not label:
        problems.add(sheet_error("the plan has no title", w_title, "write the plan's title"))
    start, end = problems.attempt(parse_period, *one("period"), default=(None, None))
    source_text, w_source = one("source")
    source = source_name(source_text or raw.file)
    slug, w_slug = one("slug")
    if slug:
        if not SLUG.fullmatch(slug):
            problems.add(sheet_error(f"plan ID {slug!r} is not lower-case letters, digits and hyphens", w_slug,
                                f"for example {slugify(slug) or 'ruspolitisk-handlingsplan-2024-2027'}"))
            slug = slugify(slug) or "plan"
    else:
        slug = slugify(title or label) or "plan"
    resp_text, w_resp = one("has_responsible_column")
    yes = problems.attempt(resolve, vocab, "yesno", resp_text, w_resp, lang) if resp_text else None
    has_resp = yes.value == "true" if yes is not None else True
    columns_text, _ = one("columns")
    plan = {
        "slug": slug,
        "title": title or None,
        "title_lines": problems.attempt(parse_lines, *one("title_lines")),
        "start": start,
        "end": end,
        "columns": [c.strip() for c in columns_text.split("|") if c.strip()] or None,
        "has_responsible_column": has_resp,
        "notes": [v for v, _ in values.get("notes", []) if v],
    }
    own_strategies = [s for s in (problems.attempt(own_strategy, v, w) for v, w in values.get("strategies", []) if v)
                      if s is not None]
    if label:
        plan["label"] = label
    label_en, _ = one("label_en")
    if label_en:
        plan["label_en"] = label_en
    plan_iri = district_plan_iri(district, slug)
    loc.rows[plan_iri] = Where(raw.file, raw.plan_sheet, w_title.row, None, w_title.line)
    loc.rows[source_iri(source)] = Where(raw.file, raw.plan_sheet, w_source.row, None, w_source.line)
    loc.rows[f"{plan_iri}/period"] = loc.field_where("period").at(None)

    # ---- rows
    sections: dict[str, dict[str, Any]] = {}
    goals: dict[tuple[str, str], dict[str, Any]] = {}
    goal_cells: dict[str, dict[str, tuple[str, RawRow]]] = {}
    measures: list[dict[str, Any]] = []
    numbers: dict[str, int] = {}  # local number -> the first row that has it

    def section_id(heading: str, r: RawRow | None = None, cells: dict[str, str] | None = None) -> str | None:
        if not heading:
            return None
        if heading not in sections:
            sections[heading] = {"id": f"s{len(sections) + 1}", "heading": heading, "lines": None, "links": []}
        sec = sections[heading]
        for key in ("placement", "heading_source"):
            v = (cells or {}).get(key, "")
            if not v or r is None:
                continue
            w = raw.where(r, loc.column(key))
            value = (resolve(vocab, "strategy", v, w, lang).code if key == "placement" else parse_lines(v, w))
            field_ = "placement" if key == "placement" else "lines"
            if sec.get(field_) not in (None, value):
                raise sheet_error(f"the heading {heading[:60]!r} has another {loc.column(key)} in an earlier row", w,
                             "rows under the same heading must agree: make the cells equal or leave this one empty")
            sec[field_] = value
        return sec["id"]

    def goal_id(r: RawRow, heading: str, text: str, cells: dict[str, str]) -> str:
        key = (heading, text)
        if key not in goals:
            gid = f"g{len(goals) + 1}"
            goals[key] = {"id": gid, "text": text, "section": section_id(heading), "links": [], "row": r}
            goal_cells[gid] = {}
        gid = goals[key]["id"]
        for k in GOAL_KEYS:
            v = cells.get(k, "")
            if not v:
                continue
            seen = goal_cells[gid].get(k)
            if seen is None:
                goal_cells[gid][k] = (v, r)
            elif seen[0] != v:
                raise sheet_error(f"the goal {text[:60]!r} has another {loc.column(k)} in row {seen[1].row}",
                             raw.where(r, loc.column(k)),
                             "rows of the same goal must agree: make the cells equal or leave this one empty")
        return gid

    def read_row(r: RawRow) -> None:
        if len(r.cells) > width and any(r.cells[width:]):
            i = next(j for j in range(width, len(r.cells)) if r.cells[j])
            raise sheet_error("a cell in a column without a header", raw.where(r, column_letter(i + 1)),
                         "give the column a header from the template, or move the value")
        cells = {k: (r.cells[i] if i < len(r.cells) else "") for k, i in cols.items()}
        if not any(cells.values()):
            return
        heading, goal_text, text = cells.get("heading", ""), cells.get("goal", ""), cells.get("text", "")
        if not text:
            filled = [k for k in ROW_KEYS if cells.get(k)]
            if filled or not goal_text:
                raise sheet_error("empty measure: the row has no text in column " + loc.column("text"),
                             raw.where(r, loc.column("text")), "write what will be done, or delete the row")
            goal_id(r, heading, goal_text, cells)  # a goal row without a measure: the goal alone
            return
        where = raw.where(r)
        n = len(measures) + 1
        number = cells.get("local_number") or None
        if number:
            if number in numbers:
                problems.add(sheet_error(f"local number {number!r} is used twice (also row {numbers[number]})",
                                    where.at(loc.column("local_number")), "give every measure its own number"))
            numbers.setdefault(number, r.row)
        activities = split_cell(cells.get("activities", ""))
        deadline = cells.get("deadline") or None
        if deadline:
            deadline = serial_date(deadline, epoch_1904=raw.epoch_1904)
            problems.attempt(check_deadline, deadline, where.at(loc.column("deadline")))
        m: dict[str, Any] = {
            "n": n,
            "local_number": number,
            "section": section_id(heading, r, cells),
            "goal": goal_id(r, heading, goal_text, cells) if goal_text else None,
            "lines": problems.attempt(parse_lines, cells.get("source", ""), where.at(loc.column("source"))),
            "label": cells.get("label") or default_label(text, activities),
            "text": text,
            "description": cells.get("description") or None,
            "activities": activities,
            "responsible": cells.get("responsible") or None,
            "units": list(dict.fromkeys(split_cell(cells.get("units", ""), semicolons=True))),
            "deadline": deadline,
            "status": None,
            "risk": None,
            "links": [],
            "standards": [],
            "themes": [],
            "notes": cells.get("note") or None,
        }
        for key, table in (("status", vocab.ctx.status), ("risk", vocab.ctx.risk)):
            v = cells.get(key, "")
            if v:
                if "\n" in v:
                    problems.add(sheet_error(f"one {key} per row, not {len(split_cell(v))}", where.at(loc.column(key)),
                                        "keep one value"))
                    continue
                choice = problems.attempt(resolve, vocab, key, v, where.at(loc.column(key)), lang)
                if choice is None:
                    continue
                m[key] = v if build_norm(v) in table else choice.label_nb
        m_iri = f"{plan_iri}/measure/{n}"
        loc.rows[m_iri] = where
        for key, list_name, target in (("strategy", "strategy", "links"), ("city_goal", "city_goal", "links"),
                                       ("standard", "standard", "standards")):
            for v in split_cell(cells.get(key, ""), semicolons=True):
                choice = problems.attempt(resolve, vocab, list_name, v, where.at(loc.column(key)), lang)
                if choice is None or any(x["target"] == choice.code and x["basis"] == "stated" for x in m[target]):
                    continue
                m[target].append({"target": choice.code, "basis": "stated",
                                  "reason": f"the plan's table links the row to it (column {loc.column(key)})"})
                loc.link_columns[(m_iri, choice.code.lower())] = loc.column(key)
        for v in split_cell(cells.get("themes", ""), semicolons=True):
            theme = problems.attempt(resolve, vocab, "theme", v, where.at(loc.column("themes")), lang)
            slug_ = theme.value if theme is not None else None
            if slug_ is not None and slug_ not in m["themes"]:
                m["themes"].append(slug_)
        for v in split_cell(cells.get("curated", "")):
            own = own_link(v, own_strategies)
            if own is not None:
                m["links"].append(own)
                continue
            got = problems.attempt(curated_link, vocab, v, where.at(loc.column("curated")), lang)
            if got is None:
                continue
            choice, reason = got
            target = "standards" if choice.kind in ("standard", "element") else "links"
            m[target].append({"target": choice.code, "basis": "curated", "reason": reason})
            loc.link_columns.setdefault((m_iri, choice.code.lower()), loc.column("curated"))
        measures.append(m)

    rows, raw.rows = raw.rows[::-1], []  # each row let go once read: a large plan is not held twice
    while rows:
        problems.attempt(read_row, rows.pop())

    if not measures and not problems.found:
        raise sheet_error("the plan has no measures: every row is empty", raw.where(None, loc.column("text")),
                     "write one measure per row under the header row")

    # ---- goals, now that all their rows are read
    goal_list = []
    for g in goals.values():
        gid = g["id"]
        r = g.pop("row")
        g_iri = f"{plan_iri}/goal/{gid}"
        loc.rows[g_iri] = raw.where(r)
        cells = goal_cells[gid]
        if "goal_source" in cells:
            v, rr = cells["goal_source"]
            g["lines"] = problems.attempt(parse_lines, v, raw.where(rr, loc.column("goal_source")))
        else:
            g["lines"] = None
        if "goal_link" in cells:
            v, rr = cells["goal_link"]
            for entry in split_cell(v, semicolons=True):
                choice = problems.attempt(resolve, vocab, "goal_link", entry, raw.where(rr, loc.column("goal_link")), lang)
                if choice is not None and not any(x["target"] == choice.code for x in g["links"]):
                    g["links"].append({"target": choice.code, "basis": "stated",
                                       "reason": f"the plan's table links the goal to it (column "
                                                 f"{loc.column('goal_link')})"})
                    loc.link_columns[(g_iri, choice.code.lower())] = loc.column("goal_link")
        if "goal_curated" in cells:
            v, rr = cells["goal_curated"]
            for entry in split_cell(v):
                got = problems.attempt(curated_link, vocab, entry, raw.where(rr, loc.column("goal_curated")), lang)
                if got is None:
                    continue
                choice, reason = got
                g["links"].append({"target": choice.code, "basis": "curated", "reason": reason})
                loc.link_columns.setdefault((g_iri, choice.code.lower()), loc.column("goal_curated"))
        if "goal_note" in cells:
            g["notes"] = cells["goal_note"][0]
        goal_list.append(g)
    problems.raise_any()

    record = {
        "source": source,
        "district": district,
        "plan": plan,
        "sections": list(sections.values()),
        **({"strategies": own_strategies} if own_strategies else {}),
        "goals": goal_list,
        "measures": measures,
    }
    # units: the first row that names each
    from ..graph.namespaces import district_unit_iri

    for m in measures:
        for unit in m["units"]:
            org = vocab.ctx.unit_orgs.get(build_norm(unit))
            iri = str(org) if org is not None else district_unit_iri(district, unit)
            loc.rows.setdefault(iri, loc.rows[f"{plan_iri}/measure/{m['n']}"])
    return record, loc
