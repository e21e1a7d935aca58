"""Present validation results to people: grouped by district and measure, with labels.

Owns: finding each result's district and a readable name for its focus node, filtering by
district, and the text, json, csv and turtle renderings of a ValidationReport. It must not
run validation.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, SKOS

from .engine import lookup_graph
from .formats import Labeler, csv_dict_writer
from .graph import KnowledgeGraph
from .namespaces import RUS
from .validation import SEVERITIES, ValidationReport, ValidationResult

OTHER = "(no district)"


@dataclass(frozen=True)
class Finding:
    result: ValidationResult
    district: str  # label, or OTHER
    district_code: str
    focus_label: str


def _district_of(g: Graph, focus: URIRef) -> URIRef | None:
    d = g.value(focus, RUS.district)
    if d is not None:
        return d
    plan = g.value(focus, RUS.inPlan)
    if plan is not None:
        return g.value(plan, RUS.district)
    # a link qualification or a period: its owner is the subject pointing at it
    for s in g.subjects(None, focus):
        d = g.value(s, RUS.district)
        if d is not None:
            return d
    return None


def findings(report: ValidationReport, kg: KnowledgeGraph, *, lang: str = "nb") -> list[Finding]:
    g = lookup_graph(kg)
    label = Labeler(g, lang)
    out = []
    for r in report.results:
        focus = URIRef(r.focus)
        d = _district_of(g, focus)
        code = str(g.value(d, SKOS.notation) or "") if d is not None else ""
        name = label(d) if d is not None else OTHER
        flabel = label(focus)
        number = g.value(focus, RUS.localNumber) or g.value(focus, RUS.sequence)
        if number is not None and g.value(focus, RUS.sequence) is not None:
            flabel = f"{'Tiltak' if lang == 'nb' else 'Measure'} {number}: {flabel}"
        out.append(Finding(r, name, code, flabel))
    return out


def matches_district(f: Finding, wanted: str | None, kg: KnowledgeGraph) -> bool:
    if not wanted:
        return True
    w = wanted.strip().casefold()
    if f.district_code and f.district_code.casefold() == w:
        return True
    names = {f.district.casefold()}
    g = lookup_graph(kg)
    for d in g.subjects(SKOS.notation, None):
        if str(g.value(d, SKOS.notation)) == f.district_code:
            names |= {str(o).casefold() for o in g.objects(d, FOAF.name)}
            names |= {str(o).casefold() for o in g.objects(d, SKOS.prefLabel)}
    return w in names


def known_district(wanted: str, kg: KnowledgeGraph) -> bool:
    w = wanted.strip().casefold()
    g = lookup_graph(kg)
    from rdflib.namespace import RDF

    for d in g.subjects(RDF.type, RUS.District):
        names = {str(o).casefold() for p in (SKOS.notation, FOAF.name, SKOS.prefLabel) for o in g.objects(d, p)}
        if w in names:
            return True
    return False


_WORD = {"nb": {"Violation": "BRUDD", "Warning": "ADVARSEL", "Info": "INFO", "fix": "Retting",
                "summary": "Sammendrag", "none": "Ingen funn."},
         "en": {"Violation": "VIOLATION", "Warning": "WARNING", "Info": "INFO", "fix": "Fix",
                "summary": "Summary", "none": "No findings."}}


def counts_line(found: list[Finding], lang: str) -> str:
    w = _WORD.get(lang, _WORD["en"])
    counts = {s: sum(1 for f in found if f.result.severity == s) for s in SEVERITIES}
    return f"{w['summary']}: " + ", ".join(f"{counts[s]} {w[s].lower()}" for s in SEVERITIES)


def result_lines(r: Any, lang: str, w: dict[str, str], column: str = "") -> list[str]:
    """One result in the text report: severity, rule (and column): message, then the fix."""
    lines = [f"    {w[r.severity]:<9} {r.rule}{column}: {r.message(lang)}"]
    hint = r.hint(lang)
    if hint:
        lines.append(f"              {w['fix']}: {hint}")
    return lines


def render_text(found: list[Finding], lang: str = "nb") -> str:
    w = _WORD.get(lang, _WORD["en"])
    lines: list[str] = []
    by_district: dict[str, list[Finding]] = {}
    for f in found:
        key = f"{f.district} ({f.district_code})" if f.district_code else f.district
        by_district.setdefault(key, []).append(f)
    for district in sorted(by_district, key=lambda k: (k == OTHER, k)):
        lines.append(district)
        by_focus: dict[str, list[Finding]] = {}
        for f in by_district[district]:
            by_focus.setdefault(f.focus_label, []).append(f)
        for focus in sorted(by_focus, key=_natural):
            lines.append(f"  {focus}")
            for f in sorted(by_focus[focus], key=lambda f: SEVERITIES.index(f.result.severity)):
                lines += result_lines(f.result, lang, w)
        lines.append("")
    if not found:
        lines.append(w["none"])
    return "\n".join(lines).rstrip("\n") + "\n"


def _natural(text: str) -> tuple:
    import re

    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text))


def _record(f: Finding, lang: str) -> dict[str, Any]:
    r = f.result
    return {
        "severity": r.severity,
        "district": f.district if f.district != OTHER else "",
        "district_code": f.district_code,
        "focus": r.focus,
        "focus_label": f.focus_label,
        "rule": r.rule,
        "shape": r.shape,
        "component": r.component,
        "path": r.path or "",
        "value": r.value or "",
        "message": r.message(lang),
        "hint": r.hint(lang),
    }


def render_json(found: list[Finding], report: ValidationReport, lang: str) -> str:
    counts = {s: sum(1 for f in found if f.result.severity == s) for s in SEVERITIES}
    doc = {
        "conforms": not found,  # SHACL 3.1, as sh:conforms: any result breaks conformance
        "counts": counts,
        "results": [_record(f, lang) for f in found],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render_csv(found: list[Finding], lang: str) -> str:
    buf = io.StringIO()
    fields = ["severity", "district", "district_code", "focus", "focus_label", "rule", "message",
              "hint", "path", "value", "shape", "component"]
    w = csv_dict_writer(buf, fields, lineterminator="\r\n", extrasaction="ignore")
    w.writeheader()
    for f in found:
        w.writerow(_record(f, lang))
    return buf.getvalue()
