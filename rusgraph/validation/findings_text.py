"""The text format of validation findings, written for planners.

Owns: the summary line that leads the text, each rule named in plain words (the shape's
``rdfs:label`` in ``--lang``; its IRI only when verbose), the offending values a planner
needs to act (the deadline and the plan period; the district goal that lacks a link upward,
with a fix hint that says so), violations before warnings before infos, and repeated
findings of one rule grouped under it (many findings without values of their own shrink to
one line per district). Findings placed on a spreadsheet (rusgraph.sheets.spreadsheet.place) are
listed by sheet, row and column. It must not run validation nor decide exit codes; the
json, csv and turtle formats stay in rusgraph.validation.findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS

from ..graph.lookup import lookup_graph
from .findings import OTHER, Finding
from ..graph.labels import Labeler
from ..graph.knowledge import KnowledgeGraph
from ..graph.namespaces import RUS
from .validator import SEVERITIES

COMPACT_AFTER = 6  # a rule with more findings than this, none with values of its own, shrinks

WORDS = {
    "nb": {"Violation": ("brudd", "brudd"), "Warning": ("advarsel", "advarsler"), "Info": ("merknad", "merknader"),
           "head": {"Violation": "BRUDD", "Warning": "ADVARSEL", "Info": "MERKNAD"},
           "summary": "Sammendrag", "in": "i", "plan": ("plan", "planer"), "none": "Ingen funn.",
           "fix": "Retting", "rule": "Regel", "value": "Verdi", "measure": "Tiltak", "row": "rad",
           "rows": "rader", "column": "kolonne", "and": "og",
           "order": "Brudd må rettes; advarsler og merknader bør sjekkes.",
           "deadline": "Frist {deadline}, planperiode {period}",
           "goal_unlinked": "Bydelsmålet «{goal}» har ingen kobling oppover til byens plan",
           "goal_fix": "Knytt bydelsmålet «{goal}» til et mål eller en strategi i byens plan (i regnearket: "
                       "kolonnen «Mål: byplankobling»), eller knytt tiltaket direkte til en strategi."},
    "en": {"Violation": ("violation", "violations"), "Warning": ("warning", "warnings"), "Info": ("note", "notes"),
           "head": {"Violation": "VIOLATION", "Warning": "WARNING", "Info": "NOTE"},
           "summary": "Summary", "in": "in", "plan": ("plan", "plans"), "none": "No findings.",
           "fix": "Fix", "rule": "Rule", "value": "Value", "measure": "Measure", "row": "row",
           "rows": "rows", "column": "column", "and": "and",
           "order": "Violations must be fixed; warnings and notes are worth a look.",
           "deadline": "Deadline {deadline}, plan period {period}",
           "goal_unlinked": "The district goal “{goal}” has no link up to the city plan",
           "goal_fix": "Link the district goal “{goal}” to a goal or strategy of the city plan (in the spreadsheet: "
                       "column “Goal: city-plan link”), or link the measure straight to a strategy."},
}
_UP = (RUS.statedContributesTo, RUS.curatedContributesTo, RUS.statedImplementsStandard,
       RUS.curatedImplementsStandard)


@dataclass(frozen=True)
class Item:
    """One finding as a planner reads it."""

    finding: Finding
    head: str  # 'Bydel Alna (030112)' or 'alna.xlsx: Bydel Alna (030112)'
    place: str  # 'Tiltak 2.1: ...' or 'Tiltak, rad 4 (kolonne Frist): ...'
    short: str  # for a compact list: '2.1' or 'rad 4'
    details: tuple[str, ...] = ()
    hint: str | None = None  # a fix hint of its own, instead of the rule's

    @property
    def result(self) -> Any:
        return self.finding.result


def rule_name(shapes: Graph, shape: str, lang: str, fallback: str = "") -> str:
    """The rule in plain words: the shape's rdfs:label in ``lang`` (then nb, then any), else
    ``fallback`` (its message), else its local name."""
    labels = {(o.language or ""): str(o) for o in shapes.objects(URIRef(shape), RDFS.label) if isinstance(o, Literal)}
    return labels.get(lang) or labels.get("nb") or next(iter(labels.values()), "") or fallback or \
        shape.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _district_head(f: Finding) -> str:
    return f"{f.district} ({f.district_code})" if f.district_code else f.district


def _number(g: Graph, focus: URIRef) -> str:
    n = g.value(focus, RUS.localNumber) or g.value(focus, RUS.sequence)
    return str(n) if n is not None else ""


def _year_text(value: Any) -> str:
    return str(value)[:4] if value is not None else "?"


def _explain(f: Finding, g: Graph, label: Labeler, lang: str) -> tuple[tuple[str, ...], str | None]:
    """The offending values of a finding, and a fix hint of its own where the rule's is wrong."""
    w = WORDS[lang]
    r = f.result
    focus = URIRef(r.focus)
    rule = r.rule
    if rule == "DeadlineInPeriodShape":
        deadline = str(g.value(focus, RUS.deadlineText) or r.value or g.value(focus, RUS.deadline) or "?")
        plan = g.value(focus, RUS.inPlan)
        period = g.value(plan, DCTERMS.temporal) if plan is not None else None
        start = g.value(period, DCAT.startDate) if period is not None else None
        end = g.value(period, DCAT.endDate) if period is not None else None
        return (w["deadline"].format(deadline=deadline, period=f"{_year_text(start)}–{_year_text(end)}"),), None
    if rule == "MeasureTraceShape":
        goals = [o for p in (RUS.statedContributesTo, RUS.curatedContributesTo) for o in g.objects(focus, p)
                 if (o, RDF.type, RUS.DistrictGoal) in g]
        unlinked = [o for o in goals if not any(True for p in _UP for _ in g.objects(o, p))]
        if unlinked:
            names = [label(o) for o in unlinked]
            return (tuple(w["goal_unlinked"].format(goal=n) for n in names),
                    w["goal_fix"].format(goal=names[0]))
        return (), None
    if r.value and r.value != r.focus:
        value = URIRef(r.value) if r.value.startswith(("http://", "https://", "urn:")) else r.value
        return (f"{w['value']}: {label(value) if isinstance(value, URIRef) else value}",), None
    return (), None


def items(found: Sequence[Finding], kg: KnowledgeGraph, lang: str = "nb") -> list[Item]:
    """Findings of a graph, each with its district, measure and offending values."""
    lang = lang if lang in WORDS else "en"
    g = lookup_graph(kg)
    label = Labeler(g, lang)
    out = []
    for f in found:
        details, hint = _explain(f, g, label, lang)
        number = _number(g, URIRef(f.result.focus)) if (URIRef(f.result.focus), RUS.sequence, None) in g else ""
        out.append(Item(f, _district_head(f), f.focus_label, number, details, hint))
    return out


def placed_items(placed: Sequence[Any], kg: KnowledgeGraph, lang: str = "nb") -> list[Item]:
    """Findings placed on a spreadsheet (rusgraph.sheets.spreadsheet.Placed) as items by sheet, row, column."""
    lang = lang if lang in WORDS else "en"
    w = WORDS[lang]
    g = lookup_graph(kg)
    label = Labeler(g, lang)
    out = []
    for p in placed:
        f = p.finding
        details, hint = _explain(f, g, label, lang)
        head = f"{p.file}: {_district_head(f)}" if p.file else _district_head(f)
        if p.where is None:
            out.append(Item(f, head, f.focus_label, "", details, hint))
            continue
        where = ", ".join(x for x in (p.sheet, f"{w['row']} {p.row}" if p.row is not None else "") if x)
        column = f" ({w['column']} {p.column})" if p.column else ""
        name = p.field or f.focus_label.split(": ", 1)[-1]
        out.append(Item(f, head, f"{where}{column}: {name}" if where else f"{name}{column}",
                        f"{w['row']} {p.row}" if p.row is not None else "", details, hint))
    return out


def checked_plans(kg: KnowledgeGraph, district: str | None = None) -> int:
    """How many district plans the graph holds (of ``district`` only, by name or code)."""
    from ..graph.districts import planned_districts

    g = lookup_graph(kg)
    wanted = (district or "").strip().casefold()
    codes = {code for code, name in planned_districts(g) if not wanted or wanted in (code.casefold(), name.casefold())}
    return sum(1 for plan in g.subjects(RDF.type, RUS.DistrictPlan)
               for d in g.objects(plan, RUS.district) if _code(g, d) in codes)


def _code(g: Graph, d: Any) -> str:
    from rdflib.namespace import SKOS

    return str(g.value(d, SKOS.notation) or "")


def summary(found: Sequence[Finding], lang: str = "nb", *, plans: int | None = None) -> str:
    """'Sammendrag: 1 brudd, 1 advarsel og 2 merknader i 1 plan.'"""
    w = WORDS.get(lang, WORDS["en"])
    parts = []
    for s in SEVERITIES:
        n = sum(1 for f in found if f.result.severity == s)
        parts.append(f"{n} {w[s][0] if n == 1 else w[s][1]}")
    text = f"{w['summary']}: {', '.join(parts[:-1])} {w['and']} {parts[-1]}"
    if plans is not None:
        text += f" {w['in']} {plans} {w['plan'][0] if plans == 1 else w['plan'][1]}"
    return text + "."


def render(all_items: Sequence[Item], shapes: Graph, lang: str = "nb", *, verbose: bool = False,
           plans: int | None = None) -> str:
    """The text report: summary, then one block per rule (violations first), its findings
    by district (or file), offending values and fix hints."""
    w = WORDS.get(lang, WORDS["en"])
    lines = [summary([i.finding for i in all_items], lang, plans=plans)]
    if not all_items:
        return "\n".join([*lines, w["none"]]) + "\n"
    lines.append(w["order"])
    by_rule: dict[tuple[str, str], list[Item]] = {}
    for it in all_items:
        by_rule.setdefault((it.result.severity, it.result.shape), []).append(it)
    order = sorted(by_rule, key=lambda k: (SEVERITIES.index(k[0]), -len(by_rule[k]), k[1]))
    for severity, shape in order:
        group = by_rule[(severity, shape)]
        first = group[0].result
        lines += ["", f"{w['head'][severity]}: {rule_name(shapes, shape, lang, first.message(lang))} ({len(group)})"]
        if verbose:
            lines.append(f"  {w['rule']}: {shape}")
        messages = {i.result.message(lang) for i in group}
        if len(messages) == 1 and first.message(lang):
            lines.append(f"  {_sentence(first.message(lang))}")
        common = {i.result.hint(lang) for i in group if i.hint is None}
        if len(common) == 1 and next(iter(common)):
            lines.append(f"  {w['fix']}: {next(iter(common))}")
        lines += _listing(group, w, compact=len(group) > COMPACT_AFTER and not any(i.details or i.hint for i in group),
                          per_item_hint=len(common) > 1, per_item_message=len(messages) > 1, lang=lang)
    return "\n".join(lines) + "\n"


def _listing(group: Sequence[Item], w: dict[str, Any], *, compact: bool, per_item_hint: bool,
             per_item_message: bool, lang: str) -> list[str]:
    lines: list[str] = []
    by_head: dict[str, list[Item]] = {}
    for it in group:
        by_head.setdefault(it.head, []).append(it)
    for head in sorted(by_head, key=lambda h: (OTHER in h, h)):
        its = sorted(by_head[head], key=lambda i: _natural(i.place))
        if compact and all(i.short for i in its):
            rows = all(i.short.startswith(w["row"] + " ") for i in its)  # 'rad 4' (spreadsheet) or '2.1'
            shorts = [i.short.removeprefix(w["row"] + " ") if rows else i.short for i in its]
            noun = w["rows"] if rows else w["measure"]
            lines.append(f"  {head}: {noun} {', '.join(sorted(shorts, key=_natural))} ({len(its)})")
            continue
        lines.append(f"  {head}")
        for it in its:
            lines.append(f"    {_clip(it.place)}")
            if per_item_message:
                lines.append(f"      {_sentence(it.result.message(lang))}")
            lines += [f"      {d}" for d in it.details]
            hint = it.hint if it.hint is not None else (it.result.hint(lang) if per_item_hint else "")
            if hint:
                lines.append(f"      {w['fix']}: {hint}")
    return lines


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _clip(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _natural(text: str) -> tuple:
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", text))
