"""What changed between two versions of a district's plan, measure by measure.

Owns: reading one plan from each side (Turtle or any RDF file, or a plan spreadsheet .xlsx /
.csv), pairing the measures of the two versions (by the plan's own number where both have
one, else by the most similar text, never below SIMILARITY), and the differences: measures
added, removed, and changed field by field (text, goal, responsible, deadline, status, risk,
placement, links), plus the plan's own title and period; written as table, csv, json, md or
html. It must not validate, and it compares what the plan says (text as written), never IRIs
or row positions, which shift whenever a row is added.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, Sequence

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS

from ..errors import RusgraphError
from ..graph.namespaces import RUS

FIELDS = ("text", "goal", "responsible", "deadline", "status", "risk", "placement", "links")
SIMILARITY = 0.6  # the least text similarity (difflib ratio) that pairs two unnumbered measures
FORMATS = ("table", "csv", "json", "md", "html")
COLUMNS = ("change", "number", "measure", "field", "old", "new", "matched_by")

_WORDS = {
    "nb": {"added": "lagt til", "removed": "fjernet", "changed": "endret", "plan": "plan",
           "number": "nummer", "text": "likhet i tekst", "title": "Endringer i planen",
           "none": "Ingen endringer.", "head": ("endring", "nr", "tiltak", "felt", "før", "etter", "paret etter"),
           "fields": {"text": "tekst", "goal": "mål", "responsible": "ansvarlig", "deadline": "frist",
                      "status": "status", "risk": "risiko", "placement": "plassering", "links": "koblinger",
                      "plan_title": "tittel", "period": "periode"},
           "stated": "uttalt", "curated": "kuratert"},
    "en": {"added": "added", "removed": "removed", "changed": "changed", "plan": "plan",
           "number": "number", "text": "text similarity", "title": "Changes to the plan",
           "none": "No changes.", "head": COLUMNS,
           "fields": {f: f for f in (*FIELDS, "plan_title", "period")} | {"plan_title": "title"},
           "stated": "stated", "curated": "curated"},
}


class DiffError(RusgraphError):
    """A side of the diff cannot be read as one plan."""


@dataclass(frozen=True)
class Measure:
    """One measure as the plan states it."""

    number: str  # the plan's own number ('' when it has none)
    position: int  # its row in the plan (1-based), for messages only
    values: dict[str, str] = field(default_factory=dict)  # FIELDS -> text

    @property
    def text(self) -> str:
        return self.values.get("text", "")


@dataclass(frozen=True)
class PlanVersion:
    source: str
    title: str
    period: str
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class Change:
    kind: str  # 'added' | 'removed' | 'changed' | 'plan'
    number: str
    measure: str  # the text (the new one for changed measures)
    field: str = ""
    old: str = ""
    new: str = ""
    matched_by: str = ""  # 'number' | 'text 0.87' for changed measures


@dataclass(frozen=True)
class PlanDiff:
    old: PlanVersion
    new: PlanVersion
    changes: tuple[Change, ...]
    unchanged: int

    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0}
        seen = set()
        for c in self.changes:
            if c.kind in ("added", "removed"):
                out[c.kind] += 1
            elif c.kind == "changed" and (c.number, c.measure) not in seen:
                seen.add((c.number, c.measure))
                out["changed"] += 1
        return out


# ------------------------------------------------------------------------------ reading


def _graph(path: str | Path) -> Graph:
    from ..sheets.importing import import_plan
    from ..sheets.template import is_spreadsheet

    if is_spreadsheet(path):
        return import_plan(path).graph
    from ..graph.sources import load

    return load([path], ontology=[], shapes=[]).data


def _code(target: Any) -> str:
    """'S1-17' for .../s1-17: the code planners write in the spreadsheet's link columns."""
    return re.split(r"[/#]", str(target).rstrip("/"))[-1].upper()


def _nb(g: Graph, s: Any, p: Any) -> str:
    values = list(g.objects(s, p))
    nb = [v for v in values if getattr(v, "language", None) in ("nb", None)]
    return str((nb or values or [""])[0]).strip()


def read_plan(path: str | Path, district: str | None = None) -> PlanVersion:
    """The one district plan in ``path`` (or the plan of ``district`` when it holds several)."""
    g = _graph(path)
    plans = sorted(set(g.subjects(RDF.type, RUS.DistrictPlan)), key=str)
    if district:
        w = district.strip().casefold()
        plans = [p for p in plans if any(w in (str(g.value(d, SKOS.notation) or "").casefold(),
                                              str(d).rsplit("/", 1)[-1].casefold(), _nb(g, d, SKOS.prefLabel).casefold())
                                         for d in g.objects(p, RUS.district)) or w in str(p).casefold()]
    if len(plans) != 1:
        raise DiffError(f"{'no' if not plans else len(plans)} district plan{'s' * (len(plans) != 1)} in the file",
                        where=str(path), hint="give one plan per side (or --district CODE for a file with several)")
    plan = plans[0]
    period = g.value(plan, DCTERMS.temporal)
    start = str(g.value(period, DCAT.startDate) or "")[:4] if period is not None else ""
    end = str(g.value(period, DCAT.endDate) or "")[:4] if period is not None else ""
    measures = []
    for m in g.subjects(RUS.inPlan, plan):
        if (m, RDF.type, RUS.Measure) not in g:
            continue
        seq = g.value(m, RUS.sequence)
        measures.append(Measure(_nb(g, m, RUS.localNumber), int(seq) if seq is not None else 0, _fields(g, m)))
    measures.sort(key=lambda x: x.position)
    return PlanVersion(str(path), _nb(g, plan, SKOS.prefLabel), f"{start}-{end}" if start or end else "", tuple(measures))


def _fields(g: Graph, m: URIRef) -> dict[str, str]:
    goals, links = [], []
    for basis, preds in (("stated", (RUS.statedContributesTo, RUS.statedImplementsStandard)),
                         ("curated", (RUS.curatedContributesTo, RUS.curatedImplementsStandard))):
        for p in preds:
            for o in g.objects(m, p):
                if (o, RDF.type, RUS.DistrictGoal) in g:
                    goals.append(_nb(g, o, SKOS.prefLabel))
                else:
                    links.append(f"{_code(o)} ({basis})")
    section = g.value(m, RUS.inSection)
    placed = [_code(s) for s in g.objects(m, RUS.placedUnder)]
    heading = _nb(g, section, SKOS.prefLabel) if section is not None else _nb(g, m, RUS.sectionHeading)
    status = _nb(g, m, RUS.statusText) or (_code(g.value(m, RUS.status)) if g.value(m, RUS.status) else "")
    risk = _nb(g, m, RUS.riskText) or (_code(g.value(m, RUS.risk)) if g.value(m, RUS.risk) else "")
    return {
        "text": _nb(g, m, RUS.measureText) or _nb(g, m, SKOS.prefLabel),
        "goal": "; ".join(sorted(set(goals))),
        "responsible": _nb(g, m, RUS.responsibleText),
        "deadline": _nb(g, m, RUS.deadlineText) or str(g.value(m, RUS.deadline) or ""),
        "status": status,
        "risk": risk,
        "placement": " · ".join(x for x in (", ".join(sorted(placed)), heading) if x),
        "links": "; ".join(sorted(set(links))),
    }


# ------------------------------------------------------------------------------ pairing


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def pair(old: Sequence[Measure], new: Sequence[Measure]) -> tuple[list[tuple[Measure, Measure, str]], list[Measure], list[Measure]]:
    """(pairs with how each was matched, removed, added). Numbers first; then the most
    similar texts, best pairs first, none below SIMILARITY."""
    pairs: list[tuple[Measure, Measure, str]] = []
    new_by_number = {m.number: m for m in new if m.number}
    left_old, used_new = [], set()
    for m in old:
        twin = new_by_number.get(m.number) if m.number else None
        if twin is not None and id(twin) not in used_new:
            pairs.append((m, twin, "number"))
            used_new.add(id(twin))
        else:
            left_old.append(m)
    left_new = [m for m in new if id(m) not in used_new]
    scored = []
    for i, a in enumerate(left_old):
        for j, b in enumerate(left_new):
            ratio = difflib.SequenceMatcher(None, _norm(a.text), _norm(b.text), autojunk=False).ratio()
            if ratio >= SIMILARITY:
                scored.append((ratio, -i, -j, i, j))
    taken_old, taken_new = set(), set()
    for ratio, _a, _b, i, j in sorted(scored, reverse=True):
        if i in taken_old or j in taken_new:
            continue
        taken_old.add(i)
        taken_new.add(j)
        pairs.append((left_old[i], left_new[j], f"text {ratio:.2f}"))
    removed = [m for i, m in enumerate(left_old) if i not in taken_old]
    added = [m for j, m in enumerate(left_new) if j not in taken_new]
    return pairs, removed, added


def diff_plans(old: PlanVersion, new: PlanVersion) -> PlanDiff:
    changes: list[Change] = []
    for key, a, b in (("plan_title", old.title, new.title), ("period", old.period, new.period)):
        if a != b:
            changes.append(Change("plan", "", new.title or old.title, key, a, b))
    pairs, removed, added = pair(old.measures, new.measures)
    unchanged = 0
    order = {id(m): i for i, m in enumerate(new.measures)}
    for a, b, how in sorted(pairs, key=lambda p: order[id(p[1])]):
        diffs = [f for f in FIELDS if a.values.get(f, "") != b.values.get(f, "")]
        if not diffs:
            unchanged += 1
        number = b.number if a.number in ("", b.number) else f"{a.number} → {b.number}"
        for f in diffs:
            changes.append(Change("changed", number, b.text, f, a.values.get(f, ""), b.values.get(f, ""), how))
    changes += [Change("removed", m.number, m.text) for m in removed]
    changes += [Change("added", m.number, m.text) for m in sorted(added, key=lambda m: order[id(m)])]
    return PlanDiff(old, new, tuple(changes), unchanged)


def diff_files(old: str | Path, new: str | Path, *, district: str | None = None) -> PlanDiff:
    return diff_plans(read_plan(old, district), read_plan(new, district))


# ------------------------------------------------------------------------------ writing


def _cells(c: Change, w: dict[str, Any]) -> list[str]:
    kind = w["plan"] if c.kind == "plan" else w[c.kind]
    how = c.matched_by.replace("number", w["number"]).replace("text", w["text"]) if c.matched_by else ""
    return [kind, c.number, c.measure, w["fields"].get(c.field, c.field), c.old, c.new, how]


def summary(d: PlanDiff, lang: str = "nb") -> str:
    n = d.counts()
    if lang == "nb":
        return (f"{n['changed']} endret, {n['added']} lagt til, {n['removed']} fjernet, {d.unchanged} uendret "
                f"(før: {len(d.old.measures)} tiltak, etter: {len(d.new.measures)} tiltak)")
    return (f"{n['changed']} changed, {n['added']} added, {n['removed']} removed, {d.unchanged} unchanged "
            f"(old: {len(d.old.measures)} measures, new: {len(d.new.measures)} measures)")


def render(d: PlanDiff, fmt: str = "table", lang: str = "nb") -> str:
    w = _WORDS.get(lang, _WORDS["en"])
    rows = [_cells(c, w) for c in d.changes]
    if fmt == "csv":  # stable column names and values, as every csv of rusgraph
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\r\n")
        out.writerow(COLUMNS)
        for c in d.changes:
            out.writerow([c.kind, c.number, c.measure, c.field, c.old, c.new, c.matched_by])
        return buf.getvalue()
    if fmt == "json":
        doc = {"old": {"source": d.old.source, "title": d.old.title, "period": d.old.period,
                       "measures": len(d.old.measures)},
               "new": {"source": d.new.source, "title": d.new.title, "period": d.new.period,
                       "measures": len(d.new.measures)},
               "counts": {**d.counts(), "unchanged": d.unchanged},
               "changes": [{k: getattr(c, k) for k in ("kind", "number", "measure", "field", "old", "new", "matched_by")}
                           for c in d.changes]}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        head = "| " + " | ".join(w["head"]) + " |\n|" + "---|" * len(COLUMNS) + "\n"
        body = "".join("| " + " | ".join(_md(x) for x in r) + " |\n" for r in rows)
        return f"{head}{body}" if rows else w["none"] + "\n"
    if fmt == "html":
        return _html(d, rows, w, lang)
    if fmt != "table":
        raise DiffError(f"unknown format {fmt!r}", hint="use " + ", ".join(FORMATS))
    if not rows:
        return w["none"] + "\n"
    lines = []
    for r in rows:
        kind, number, text, fld, old, new, how = r
        head = f"{kind:<9} {number + ' ' if number else ''}{_clip(text, 70)}"
        if fld and old and new and max(len(old), len(new)) > 40:
            lines.append(f"{head}\n          {fld}: {word_diff(old, new)}" + (f"  [{how}]" if how else ""))
        elif fld:
            lines.append(f"{head}\n          {fld}: {_clip(old, 60) or '–'}  →  {_clip(new, 60) or '–'}"
                         + (f"  [{how}]" if how else ""))
        else:
            lines.append(head)
    return "\n".join(lines) + "\n"


def word_diff(old: str, new: str, *, mark: tuple[str, str, str, str] = ("[-", "-]", "{+", "+}")) -> str:
    """The words that changed, marked in place ('Kjenne {+godt+} til de ulike ...'), with
    the unchanged stretches longer than a few words shortened to '…'."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            same = a[i1:i2]
            out.append(" ".join(same) if len(same) <= 8 else " ".join([*same[:3], "…", *same[-3:]]))
            continue
        if i2 > i1:
            out.append(mark[0] + " ".join(a[i1:i2]) + mark[1])
        if j2 > j1:
            out.append(mark[2] + " ".join(b[j1:j2]) + mark[3])
    return " ".join(out)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _html(d: PlanDiff, rows: list[list[str]], w: dict[str, Any], lang: str) -> str:
    from .html import page

    head = "".join(f"<th>{escape(h)}</th>" for h in w["head"])
    body = "".join(
        f'<tr class="{escape(c.kind)}">' + "".join(f"<td>{escape(x)}</td>" for x in r).replace("\n", "<br>") + "</tr>"
        for c, r in zip(d.changes, rows))
    table = f'<table class="rows" id="diff"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>' if rows \
        else f"<p>{escape(w['none'])}</p>"
    style = ("<style>tr.added td{background:#e9f6ec}tr.removed td{background:#fdecea}"
             "tr.changed td:nth-child(5){color:#8a1c12}tr.changed td:nth-child(6){color:#14622b}</style>")
    meta = f"{escape(d.old.source)} → {escape(d.new.source)} · {escape(summary(d, lang))}"
    return page(w["title"], style + table, lang=lang, meta=meta)
