"""One district's slice of the graph.

Owns: finding a district by name or SSB code, and cutting a KnowledgeGraph down to that
district's plan, goals, measures, units and everything they reach by following links
outward (the city goals, strategies, main goals, national goals, standards, themes,
statuses, source texts, organisations and vocabularies above them). Other districts'
plans, goals, measures and units are left out. It must not serialise or write anything.
"""

from __future__ import annotations

from dataclasses import replace

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDF, SKOS

from ..errors import RusgraphError
from .knowledge import KnowledgeGraph
from .namespaces import ORG, RUS, bind_prefixes

# Links followed outward from the district's own resources. skos:hasTopConcept points
# down from a scheme to all its concepts (every theme, every city goal), so it is never
# followed: a slice keeps the schemes its resources are in, not their whole contents.
NOT_FOLLOWED = (RDF.type, SKOS.hasTopConcept)


class UnknownDistrict(RusgraphError):
    """--district names no district of the graph."""


def districts(graph: Graph) -> dict[URIRef, tuple[str, str]]:
    """Every rus:District as IRI -> (SSB code, name), sorted by code."""
    out = {}
    for d in graph.subjects(RDF.type, RUS.District):
        if isinstance(d, URIRef):
            code = str(graph.value(d, SKOS.notation) or "")
            name = str(graph.value(d, FOAF.name) or graph.value(d, SKOS.prefLabel) or d)
            out[d] = (code, name)
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


def planned_districts(graph: Graph) -> list[tuple[str, str]]:
    """(SSB code, name) of every district with a plan in the graph, sorted by code."""
    planned = {d for plan in graph.subjects(RDF.type, RUS.DistrictPlan) for d in graph.objects(plan, RUS.district)}
    return [cn for d, cn in districts(graph).items() if d in planned]


def resolve_district(kg: KnowledgeGraph, wanted: str) -> URIRef:
    """The district IRI for a name ('Stovner', 'Bydel Stovner'), an SSB code ('030111')
    or an IRI. Raises UnknownDistrict, listing the districts that have a plan."""
    w = wanted.strip().casefold()
    g = kg.union
    for d in districts(g):
        names = {str(d).casefold()}
        names |= {str(o).casefold() for p in (SKOS.notation, FOAF.name, SKOS.prefLabel, SKOS.altLabel)
                  for o in g.objects(d, p)}
        if w in names:
            return d
    known = districts(g)
    planned = {d for plan in g.subjects(RDF.type, RUS.DistrictPlan) for d in g.objects(plan, RUS.district)}
    examples = [f"{known[d][1]} ({known[d][0]})" for d in known if d in planned]
    hint = ("districts with a plan: " + ", ".join(examples)) if examples else "use a district name or SSB code"
    raise UnknownDistrict(f"unknown district {wanted!r}", hint=hint)


def own_resources(graph: Graph, district: URIRef) -> set[URIRef]:
    """The district itself, its plans, and the goals, measures and units of those plans."""
    own: set[URIRef] = {district}
    own |= {s for s in graph.subjects(RUS.district, district) if isinstance(s, URIRef)}
    own |= {s for s in graph.subjects(ORG.unitOf, district) if isinstance(s, URIRef)}
    plans = {s for s in own if (s, RDF.type, RUS.DistrictPlan) in graph}
    for plan in plans:
        own |= {s for s in graph.subjects(RUS.inPlan, plan) if isinstance(s, URIRef)}
        own |= {s for s in graph.subjects(SKOS.inScheme, plan) if isinstance(s, URIRef)}
    return own


def reach(graph: Graph, start: set[URIRef]) -> set[URIRef]:
    """``start`` and every resource reached from it by following links outward."""
    seen = set(start)
    todo = list(start)
    while todo:
        s = todo.pop()
        for p, o in graph.predicate_objects(s):
            if p in NOT_FOLLOWED or not isinstance(o, URIRef) or o in seen:
                continue
            seen.add(o)
            todo.append(o)
    return seen


def _restrict(graph: Graph, keep: set[URIRef]) -> Graph:
    out = bind_prefixes(Graph())
    for s, p, o in graph:
        if s in keep and not (p == SKOS.hasTopConcept and o not in keep):
            out.add((s, p, o))
    return out


def district_slice(kg: KnowledgeGraph, wanted: str) -> KnowledgeGraph:
    """A KnowledgeGraph holding only the triples about the district's own resources and
    what they reach; the ontology and shapes stay whole. Inferred triples are cut the
    same way. Named graphs keep their names (a part that ends up empty is dropped)."""
    district = resolve_district(kg, wanted)
    data = kg.data
    keep = reach(data, own_resources(data, district))
    parts = {name: _restrict(part, keep) for name, part in kg.parts.items()}
    parts = {name: part for name, part in parts.items() if len(part)}
    inferred = _restrict(kg.inferred, keep) if kg.inferred_count() else None
    return replace(kg, parts=parts, inferred_source=inferred)


def district_label(kg: KnowledgeGraph, wanted: str) -> str:
    """'030111 Stovner' for messages."""
    d = resolve_district(kg, wanted)
    code, name = districts(kg.union)[d]
    return f"{code} {name}"
