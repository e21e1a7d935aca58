"""A district plan record (the transcription format) as RDF.

Owns: the plan, its source document, sections, goals, the plan's own strategies, measures
(text, activities, units, deadline, status, risk, themes) and their stated and curated
links, under the IRI policy. The spreadsheet importer (rusgraph.sheets) hands its records
here too. It must not read files.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Iterator

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV as _PROV

from ..errors import BuildError
from ..graph.namespaces import ORG as _ORG
from ..graph.namespaces import district_plan_iri, district_unit_iri, slugify, source_iri
from .terms import (DCTERMS, EN, NB, RDF, RUS, SKOS, CachedNamespace, Context, add, add_link, add_period, lit, norm,
                    parse_deadline)

ORG, PROV = CachedNamespace(_ORG), CachedNamespace(_PROV)
Triple = tuple[Any, Any, Any]


class Batch:
    """The triples of one part of a plan (its head, then one measure at a time), as they are
    made: ``drain`` hands them over without duplicates, each subject's triples together."""

    def __init__(self) -> None:
        self.triples: list[Triple] = []

    def add(self, triple: Triple) -> None:
        self.triples.append(triple)

    def drain(self) -> list[Triple]:
        by_subject: dict[Any, dict[Triple, None]] = {}  # subjects in the order they first come
        for t in self.triples:
            by_subject.setdefault(t[0], {})[t] = None
        self.triples = []
        return [t for group in by_subject.values() for t in group]

# --------------------------------------------------------------------------- district plans


def plan_graph(rec: dict[str, Any], ctx: Context, *, name: str = "record",
               require_lines: bool = True) -> Graph:
    """The RDF for one district plan record (the transcription format).

    ``require_lines=False`` (the spreadsheet importer) lets goals and measures without a
    source line range through: they keep prov:wasDerivedFrom but get no line numbers.
    """
    g = Graph()
    g.addN((s, p, o, g) for s, p, o in plan_triples(rec, ctx, name=name, require_lines=require_lines))
    return g


def plan_triples(rec: dict[str, Any], ctx: Context, *, name: str = "record",
                 require_lines: bool = True) -> Iterator[Triple]:
    """The triples of :func:`plan_graph`, streamed: the plan's head (source, plan, sections,
    goals, own strategies), then measure by measure, each triple once, each subject's
    triples together. A large import writes them out as they come, never holding the graph
    (a BuildError can still come after some triples: write to a temporary file)."""
    g = Batch()
    units: set[str] = set()
    code = rec["district"]
    if code not in ctx.districts:
        raise BuildError(f"unknown district code {code!r}", where=name,
                         hint="use an SSB code 030101-030115")
    district = ctx.districts[code]
    p = rec["plan"]
    plan = URIRef(district_plan_iri(code, p["slug"]))
    src = URIRef(source_iri(rec["source"]))
    g.add((src, RDF.type, RUS.SourceDocument))
    g.add((src, DCTERMS.identifier, Literal(rec["source"])))
    add(g, src, SKOS.prefLabel, lit(f"Kildetekst {rec['source']}", NB))
    add(g, src, SKOS.prefLabel, lit(f"Source text {rec['source']}", EN))

    g.add((plan, RDF.type, RUS.DistrictPlan))
    g.add((plan, RUS.district, district))
    g.add((plan, DCTERMS.publisher, district))
    g.add((plan, DCTERMS.source, src))
    g.add((plan, PROV.wasDerivedFrom, src))
    add(g, plan, DCTERMS.title, lit(p.get("title"), NB))
    label = p.get("title") or p.get("label")
    if not label:
        raise BuildError("plan has neither title nor label", where=name)
    add(g, plan, SKOS.prefLabel, lit(label, NB))
    add(g, plan, SKOS.prefLabel, lit(p.get("label_en"), EN))
    add_period(g, plan, p.get("start"), p.get("end"))
    g.add((plan, RUS.hasResponsibleColumn, Literal(bool(p.get("has_responsible_column")))))
    add(g, plan, RUS.tableColumns, lit(" | ".join(p.get("columns") or []) or None, NB))
    if p.get("title_lines"):
        g.add((plan, RUS.sourceLineStart, Literal(int(p["title_lines"][0]))))
        g.add((plan, RUS.sourceLineEnd, Literal(int(p["title_lines"][1]))))
    for note in p.get("notes") or []:
        add(g, plan, SKOS.editorialNote, lit(note, EN))

    sections = {s["id"]: s for s in rec.get("sections") or []}
    section_nodes = {sid: _section(g, ctx, plan, src, sec, f"{name}: section {sid}", require_lines)
                     for sid, sec in sections.items()}
    goals: dict[str, URIRef] = {}
    for goal in rec.get("goals") or []:
        where = f"{name}: goal {goal['id']}"
        s = URIRef(f"{plan}/goal/{goal['id']}")
        goals[goal["id"]] = s
        g.add((s, RDF.type, RUS.DistrictGoal))
        g.add((s, SKOS.inScheme, plan))
        g.add((s, RUS.district, district))
        add(g, s, SKOS.prefLabel, lit(goal["text"], NB))
        add(g, s, SKOS.prefLabel, lit(goal.get("text_en"), EN))
        _source(g, s, src, goal.get("lines"), where, required=require_lines)
        add(g, s, SKOS.editorialNote, lit(goal.get("notes"), EN))
        if goal.get("section"):
            g.add((s, RUS.inSection, section_nodes[goal["section"]]))
        for link in section_links(sections, goal.get("section"), where):
            add_link(g, ctx, s, link, where)

    # Strategies of the district plan itself (Ullern's fourth, 003:41), beside the city's.
    own: dict[str, URIRef] = {}
    for st in rec.get("strategies") or []:
        where = f"{name}: strategy {st['id']}"
        s = URIRef(f"{plan}/strategy/{st['id']}")
        own[st["id"]] = s
        g.add((s, RDF.type, RUS.DistrictStrategy))
        g.add((s, RDF.type, RUS.Strategy))
        g.add((s, SKOS.inScheme, plan))
        g.add((s, DCTERMS.isPartOf, plan))
        g.add((s, RUS.district, district))
        add(g, s, SKOS.prefLabel, lit(st["label"], NB))
        add(g, s, SKOS.prefLabel, lit(st.get("label_en"), EN))
        _source(g, s, src, st.get("lines"), where, required=require_lines)
        add(g, s, SKOS.editorialNote, lit(st.get("notes"), EN))
    local = replace(ctx, codes={**ctx.codes, **goals, **own})
    for goal in rec.get("goals") or []:
        for link in goal.get("links") or []:
            add_link(g, local, goals[goal["id"]], link, f"{name}: goal {goal['id']}")
    for st in rec.get("strategies") or []:
        for link in st.get("links") or []:
            add_link(g, local, own[st["id"]], link, f"{name}: strategy {st['id']}")
    yield from g.drain()
    seen_n: set[int] = set()
    for m in rec["measures"]:
        n = int(m["n"])
        where = f"{name}: measure {n}"
        if n in seen_n:
            raise BuildError(f"measure number {n} used twice", where=name)
        seen_n.add(n)
        s = URIRef(f"{plan}/measure/{n}")
        g.add((s, RDF.type, RUS.Measure))
        g.add((s, RUS.inPlan, plan))
        g.add((s, RUS.district, district))
        g.add((s, RUS.sequence, Literal(n)))
        add(g, s, RUS.localNumber, lit(m.get("local_number"), None))
        add(g, s, SKOS.prefLabel, lit(m.get("label"), NB))
        add(g, s, SKOS.prefLabel, lit(m.get("label_en"), EN))
        add(g, s, RUS.measureText, lit(m.get("text"), NB))
        add(g, s, DCTERMS.description, lit(m.get("description"), NB))
        for act in m.get("activities") or []:
            add(g, s, RUS.activity, lit(act, NB))
        if m.get("section"):
            if m["section"] not in sections:
                raise BuildError(f"unknown section id {m['section']!r}", where=where)
            sec = sections[m["section"]]
            add(g, s, RUS.sectionHeading, lit(sec["heading"], NB))
            g.add((s, RUS.inSection, section_nodes[m["section"]]))
            if sec.get("placement"):
                g.add((s, RUS.placedUnder, ctx.code(sec["placement"], where)))
        _source(g, s, src, m.get("lines"), where, required=require_lines)
        add(g, s, RUS.responsibleText, lit(m.get("responsible"), NB))
        for unit in m.get("units") or []:
            g.add((s, RUS.responsibleUnit, _unit(g, ctx, code, district, unit, units)))
        add(g, s, RUS.deadlineText, lit(m.get("deadline"), NB))
        add(g, s, RUS.deadline, parse_deadline(m.get("deadline")))
        if m.get("status"):
            g.add((s, RUS.statusText, lit(m["status"], NB)))
            g.add((s, RUS.status, _lookup(ctx.status, m["status"], "status", where)))
        if m.get("risk"):
            g.add((s, RUS.riskText, lit(m["risk"], NB)))
            g.add((s, RUS.risk, _lookup(ctx.risk, m["risk"], "risk", where)))
        if m.get("goal"):
            if m["goal"] not in goals:
                raise BuildError(f"unknown goal id {m['goal']!r}", where=where)
            add_link(g, local, s, {"target": m["goal"], "basis": "stated",
                                "reason": "the row stands in this goal's row of the table"}, where)
        links = [*section_links(sections, m.get("section"), where), *(m.get("links") or [])]
        placement = sections[m["section"]].get("placement") if m.get("section") else None
        if placement and not any(x["target"] == placement and x["basis"] == "stated" for x in links):
            # standing under the strategy's heading states the link
            links.append({"target": placement, "basis": "stated",
                          "reason": f"the row stands under the heading '{sections[m['section']]['heading']}', "
                                    f"the strategy's heading"})
        for link in links:
            add_link(g, local, s, link, where)
        for link in m.get("standards") or []:
            add_link(g, ctx, s, link, where, standard=True)
        for theme in m.get("themes") or []:
            if theme not in ctx.themes:
                raise BuildError(f"unknown theme {theme!r}", where=where,
                                 hint="add it to data/transcriptions/vocabularies.json")
            g.add((s, DCTERMS.subject, ctx.themes[theme]))
        add(g, s, SKOS.editorialNote, lit(m.get("notes") or None, EN))
        yield from g.drain()
    if sorted(seen_n) != list(range(1, len(seen_n) + 1)):
        raise BuildError("measure numbers must run 1..N without gaps", where=name)


def _section(g: Batch, ctx: Context, plan: URIRef, src: URIRef, sec: dict[str, Any], where: str,
             require_lines: bool) -> URIRef:
    """A heading of the plan that rows stand under; where the heading is a strategy's
    (``placement``), the plan itself places its rows under that strategy."""
    # named by its heading, so that a plan read from a spreadsheet (whose sections have no
    # ids of their own) gives the same IRI
    s = URIRef(f"{plan}/section/{slugify(sec['heading']) or sec['id']}")
    g.add((s, RDF.type, RUS.PlanSection))
    g.add((s, DCTERMS.isPartOf, plan))
    add(g, s, SKOS.prefLabel, lit(sec["heading"], NB))
    _source(g, s, src, sec.get("lines"), where, required=require_lines)
    placement = sec.get("placement")
    if placement:
        g.add((s, RUS.sectionStrategy, ctx.code(placement, where)))
    return s


def section_links(sections: dict[str, Any], sid: str | None, where: str) -> Iterable[dict[str, Any]]:
    if not sid:
        return []
    if sid not in sections:
        raise BuildError(f"unknown section id {sid!r}", where=where)
    sec = sections[sid]
    out = []
    for link in sec.get("links") or []:
        reason = link.get("reason") or ""
        out.append({**link, "reason": f"the row stands under the heading '{sec['heading']}'"
                                      f" ({'-'.join(str(x) for x in sec['lines'])}): {reason}".rstrip(": ")})
    return out


def _source(g: Batch, s: URIRef, src: URIRef, lines: list[int] | None, where: str,
            *, required: bool = True) -> None:
    g.add((s, PROV.wasDerivedFrom, src))
    if not lines:
        if not required:
            return
        raise BuildError("missing line range", where=where)
    start, end = int(lines[0]), int(lines[-1])
    if not 0 < start <= end:
        raise BuildError(f"bad line range {lines}", where=where)
    g.add((s, RUS.sourceLineStart, Literal(start)))
    g.add((s, RUS.sourceLineEnd, Literal(end)))


def _lookup(table: dict[str, URIRef], text: str, what: str, where: str) -> URIRef:
    try:
        return table[norm(text)]
    except KeyError:
        raise BuildError(f"{what} {text!r} is not in the {what} vocabulary", where=where,
                         hint=f"map it in data/transcriptions/vocabularies.json ({what})") from None


def _unit(g: Batch, ctx: Context, code: str, district: URIRef, name: str, made: set[str]) -> URIRef:
    """A responsible unit: a city body when the name is one, else a unit of the district
    (its triples made once, where a measure first names it)."""
    org = ctx.unit_orgs.get(norm(name))
    if org is not None:
        return org
    u = URIRef(district_unit_iri(code, name))
    if u in made:
        return u
    made.add(u)
    g.add((u, RDF.type, RUS.Unit))
    g.add((u, ORG.unitOf, district))
    g.add((u, SKOS.prefLabel, Literal(name, lang=NB)))
    return u
