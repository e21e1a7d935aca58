"""OWL 2 RL inference with ``reasonable`` (Rust), giving owlrl's inferred triples.

Owns: feeding ontology + data to reasonable, the one OWL 2 RL rule it lacks that the
ontology uses (prp-spo2, property chains: rus:planCovers = hasMeasure o tracesTo), run to a
fixpoint together with reasonable, and keeping the same delta owlrl's path keeps (new,
non-trivial triples; see ``rusgraph.inference._trivial``). ``rusgraph.inference.infer`` calls
it for the ``owlrl`` profile on the fast path; tests/test_fastpath.py holds the result to
owlrl's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, XSD

from .graph import KnowledgeGraph
from .namespaces import bind_prefixes

_MAX_ROUNDS = 20


def _norm(t: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
    """reasonable writes plain literals as "x"^^xsd:string; rdflib parses them as "x"."""
    o = t[2]
    if type(o) is Literal and o.datatype == XSD.string and o.language is None:
        return (t[0], t[1], Literal(str(o)))
    return t


def _chains(ontology: Graph) -> list[tuple[Any, list[Any]]]:
    out = []
    for prop, lst in ontology.subject_objects(OWL.propertyChainAxiom):
        steps = list(ontology.items(lst))
        if isinstance(prop, URIRef) and steps and all(isinstance(s, URIRef) for s in steps):
            out.append((prop, steps))
    return out


def _chain_triples(closure: Iterable[tuple[Any, Any, Any]], chains: list[tuple[Any, list[Any]]]) -> set:
    """prp-spo2: (x p1 y1) ... (yn-1 pn z) gives (x p z)."""
    wanted = {step for _p, steps in chains for step in steps}
    index: dict[Any, dict[Any, set]] = {p: {} for p in wanted}
    for s, p, o in closure:
        if p in index:
            index[p].setdefault(s, set()).add(o)
    out = set()
    for prop, steps in chains:
        first = index[steps[0]]
        for x, ys in first.items():
            frontier = set(ys)
            for step in steps[1:]:
                nxt: set = set()
                table = index[step]
                for y in frontier:
                    nxt |= table.get(y, set())
                frontier = nxt
                if not frontier:
                    break
            for z in frontier:
                out.add((x, prop, z))
    return out


def closure_with_reasonable(base: list[tuple[Any, Any, Any]], ontology: Graph) -> tuple[set, set]:
    """(asserted, closure) as sets of normalised rdflib triples."""
    import reasonable

    r = reasonable.PyReasoner()
    r.from_graph(base)
    asserted = {_norm(t) for t in r.get_base_triples()}
    chains = _chains(ontology)
    closure = {_norm(t) for t in r.reason()}
    for _ in range(_MAX_ROUNDS):
        if not chains:
            break
        new = _chain_triples(closure, chains) - closure
        if not new:
            break
        r.from_graph(list(new))
        closure = {_norm(t) for t in r.reason()}
    return asserted, closure


def _base_triples(kg: KnowledgeGraph) -> list[tuple[Any, Any, Any]]:
    """Ontology + data as rdflib triples, from the store when there is one."""
    from .engine import Converter, has_store, view

    if not has_store(kg):
        out = list(kg.ontology)
        out += list(kg.data)
        return out
    v = view(kg)
    conv = Converter()
    triple = conv.triple
    graphs = [g for g in v.query_graphs() if g != v.inferred]
    out = []
    for g in graphs:
        out += [triple(q.subject, q.predicate, q.object) for q in v.store.quads_for_pattern(None, None, None, g)]
    return out


def infer_owlrl(kg: KnowledgeGraph, *, keep_trivial: bool = False) -> KnowledgeGraph:
    """``infer(kg, "owlrl")`` with reasonable: the new, non-trivial triples of the closure."""
    from .inference import _trivial

    base = _base_triples(kg)
    asserted, closure = closure_with_reasonable(base, kg.ontology)
    asserted |= set(base)
    inferred = bind_prefixes(Graph())
    add = inferred.add
    for t in closure:
        if t in asserted:
            continue
        if not keep_trivial and _trivial(*t):
            continue
        add(t)
    return replace(kg, inferred=inferred)
