"""Present validation results to people: grouped by district and measure, with labels.

Owns: finding each result's district and a readable name for its focus node, filtering by
district, and the json and csv renderings of a ValidationReport (the text format for
planners is rusgraph.validation.findings_text). It must not run validation.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, SKOS

from ..graph.lookup import lookup_graph
from ..graph.labels import Labeler
from ..outputs.cells import csv_dict_writer
from ..graph.knowledge import KnowledgeGraph
from ..graph.namespaces import RUS
from .validator import SEVERITIES, ValidationReport, ValidationResult

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
