"""OWL 2 RL inference without owlrl, giving owlrl's inferred triples.

Owns: choosing the premises (ontology + the data triples a rule can use); running
rusgraph.inference.rules (the ontology's fragment of OWL 2 RL, compiled) on them; where the schema or
the data go beyond that fragment, running reasonable (Rust) instead, with the one OWL 2 RL
rule it lacks that the ontology uses (prp-spo2, property chains: rus:planCovers =
hasMeasure o tracesTo) run to a fixpoint together with it; and keeping the same delta
owlrl's path keeps (new, non-trivial triples: :func:`trivial`, which rusgraph.inference.reasoner uses too).
``rusgraph.inference.reasoner.infer`` calls it for the ``owlrl`` profile on the fast path;
tests/test_fastpath.py holds the result to owlrl's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..graph.knowledge import KnowledgeGraph

_MAX_ROUNDS = 20
_VOCAB_NS = (str(RDF), str(RDFS), str(OWL), str(XSD))
_TRIVIAL_TYPES = frozenset((RDFS.Resource, OWL.Thing, RDFS.Class, OWL.Class, RDF.Property, RDFS.Datatype,
                            RDFS.Literal, OWL.NamedIndividual))
_REFLEXIVE = frozenset((RDFS.subClassOf, RDFS.subPropertyOf, OWL.sameAs, OWL.equivalentClass,
                        OWL.equivalentProperty))
_SCHEMA_NS = (str(RDFS), str(OWL))
_starts = str.startswith


def trivial(s, p, o) -> bool:  # type: ignore[no-untyped-def]
    """Triples owlrl adds that say nothing about the domain."""
    # URIRef is a str: str.startswith needs no copy (rdflib's own startswith takes no tuple);
    # this runs once per inferred triple
    if not isinstance(s, URIRef):
        return True  # literal subjects and blank nodes from the closure rules
    if _starts(s, _VOCAB_NS):
        return True
    if p == RDF.type:
        return o in _TRIVIAL_TYPES or (isinstance(o, URIRef) and _starts(o, _VOCAB_NS))
    if p in _REFLEXIVE and s == o:
        return True
    # Schema-level closure (domains widened to superclasses, property characteristics, ...)
    # is a fact about the vocabulary, not the plans.
    return _starts(p, _SCHEMA_NS) and p != OWL.sameAs



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
    from .rules import chain

    wanted = {step for _p, steps in chains for step in steps}
    facts: dict[Any, set] = {p: set() for p in wanted}
    for s, p, o in closure:
        if p in facts:
            facts[p].add((s, o))
    return {(x, prop, z) for prop, steps in chains for x, z in chain(facts, steps)}


_VOCABS = (str(RDF), str(RDFS), str(OWL))
# Predicates of OWL 2 RL axioms about properties: a property named in one of these (or typed
# with one of _PROPERTY_TYPES) can take part in a rule; any other property only through
# owl:sameAs (eq-rep-s/o), which is checked separately.
_AXIOMS = (RDFS.domain, RDFS.range, RDFS.subPropertyOf, OWL.equivalentProperty, OWL.inverseOf,
           OWL.propertyChainAxiom, OWL.onProperty, OWL.onProperties, OWL.hasKey, OWL.propertyDisjointWith,
           OWL.members, OWL.assertionProperty)
_PROPERTY_TYPES = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
                   OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.IrreflexiveProperty, OWL.ReflexiveProperty)


def _logical_properties(ontology: Graph) -> set:
    out: set = set()
    for pred in _AXIOMS:
        for s, o in ontology.subject_objects(pred):
            out.add(s)
            out.add(o)
            if isinstance(o, BNode):
                out.update(ontology.items(o))
    for t in _PROPERTY_TYPES:
        out.update(ontology.subjects(RDF.type, t))
    return {x for x in out if isinstance(x, URIRef)}


_ANNOTATIONS = (RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy)


def _inert(prop: Any, ontology: Graph) -> bool:
    """Whether new (x prop z) triples can fire no OWL 2 RL rule: the ontology says nothing
    about prop but its type, annotations and its own chain axiom, and names it nowhere
    else (owl:sameAs, which could still use them, is checked apart)."""
    if any(True for _ in ontology.triples((None, prop, None))) or any(True for _ in ontology.triples((None, None, prop))):
        return False
    for p, o in ontology.predicate_objects(prop):
        if p == OWL.propertyChainAxiom or (p == RDF.type and o not in _PROPERTY_TYPES):
            continue
        if str(p).startswith(_VOCABS) and p not in _ANNOTATIONS:
            return False
    return True


_CACHE: dict[int, tuple[Any, set]] = {}


def _logical_properties_cache(ontology: Graph) -> set:
    hit = _CACHE.get(id(ontology))
    if hit is None or hit[0] is not ontology:
        hit = _CACHE[id(ontology)] = (ontology, _logical_properties(ontology))
    return hit[1]


def _has_same_as(closure: set) -> bool:
    return any(p == OWL.sameAs and s != o for s, p, o in closure)


def closure_with_reasonable(base: list[tuple[Any, Any, Any]], ontology: Graph, *, schema_in_data: bool = True) -> set:
    """The OWL 2 RL closure of ``base`` (normalised rdflib triples), with property chains."""
    import reasonable

    r = reasonable.PyReasoner()
    r.from_graph(base)
    chains = _chains(ontology)
    closure = {_norm(t) for t in r.reason()}
    for _ in range(_MAX_ROUNDS):
        if not chains:
            break
        new = _chain_triples(closure, chains) - closure
        if not new:
            break
        closure |= new
        if not schema_in_data and all(_inert(p, ontology) for p, _ in chains) and not _has_same_as(closure):
            break  # the chains' triples fire no further rule: no second round of reasoning
        r.from_graph(list(new))
        closure = {_norm(t) for t in r.reason()}
    return closure


def _base_triples(kg: KnowledgeGraph) -> list[tuple[Any, Any, Any]]:
    """Ontology + all data as rdflib triples, from the store when there is one."""
    from ..graph.engine import Converter, has_store, view

    if not has_store(kg):
        return list(kg.ontology) + list(kg.data)
    v = view(kg)
    triple = Converter().triple
    return [triple(q.subject, q.predicate, q.object)
            for g in v.query_graphs() if g != v.inferred
            for q in v.store.quads_for_pattern(None, None, None, g)]


def _premises(kg: KnowledgeGraph) -> tuple[list[tuple[Any, Any, Any]], bool, bool]:
    """Ontology + the data triples that can be premises of a rule, as rdflib triples;
    whether that is all the data (False: triples of properties no axiom names were left out;
    they can only matter through owl:sameAs, which the caller checks); and whether the data
    itself has RDFS/OWL statements beyond types, lists and annotations."""
    from ..graph.engine import Converter, has_store, view

    keep = _logical_properties_cache(kg.ontology)
    if not has_store(kg):
        return list(kg.ontology) + list(kg.data), True, True
    import pyoxigraph as ox

    v = view(kg)
    conv = Converter()
    triple = conv.triple
    store = v.store
    default = ox.DefaultGraph()
    out: list[tuple[Any, Any, Any]] = []  # the default graph holds ontology and data
    preds = [row[0] for row in store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }", default_graph=default)]
    complete = True
    plain = {str(RDF.type), str(RDF.first), str(RDF.rest), *map(str, _ANNOTATIONS)}
    schema = any(p.value.startswith(_VOCABS) and p.value not in plain for p in preds)
    for p in preds:
        if p.value.startswith(_VOCABS) or URIRef(p.value) in keep:
            out += [triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, p, None, default)]
        else:
            complete = False
    return out, complete, schema


def _named_properties(base: list[tuple[Any, Any, Any]]) -> set:
    """Properties the premises' schema statements name (list members included: a superset)."""
    axioms = set(_AXIOMS)
    types = set(_PROPERTY_TYPES)
    out: set = set()
    for s, p, o in base:
        if p in axioms:
            out.add(s)
            out.add(o)
        elif p == RDF.type and o in types:
            out.add(s)
        elif p == RDF.first:
            out.add(o)
    return {x for x in out if isinstance(x, URIRef) and not str(x).startswith(_VOCABS)}


def owlrl_closure(kg: KnowledgeGraph, *, engine: str = "auto") -> tuple[list, set] | None:
    """(premises, closure) of ontology + data under OWL 2 RL, or None when only owlrl can run it.

    ``engine``: ``rules`` (rusgraph.inference.rules, the ontology's fragment compiled; raises
    rules.Outside beyond it), ``reasonable``, or ``auto``: rules, else reasonable when
    installed, else None. Data triples of properties that no schema statement names (labels,
    notes, line numbers ...) are left out of the premises: no OWL 2 RL rule can use them
    unless owl:sameAs enters the closure, and then reasonable runs again on everything.
    """
    from . import rules
    from ..graph.engine import installed

    base, complete, schema = _premises(kg)
    if not complete and (not _named_properties(base) <= _logical_properties_cache(kg.ontology)
                         or rules.meta_statements(base)):
        # the data has schema statements of its own, or types can make a property
        # transitive, functional ...: every data triple may be a premise
        base, complete = _base_triples(kg), True
    if engine in ("auto", "rules"):
        try:
            return base, rules.closure(base)
        except rules.Outside as exc:
            if engine == "rules":
                raise
            if exc.vocabulary and engine == "auto":
                return None  # reasonable and owlrl disagree on such schemas: owlrl decides
    if engine == "auto" and not installed("reasonable"):
        return None
    closure = closure_with_reasonable(base, kg.ontology, schema_in_data=schema)
    if not complete and _has_same_as(closure):
        base = _base_triples(kg)
        closure = closure_with_reasonable(base, kg.ontology)
    return base, closure


def infer_owlrl(kg: KnowledgeGraph, *, keep_trivial: bool = False, engine: str = "auto") -> KnowledgeGraph | None:
    """``infer(kg, "owlrl")`` without owlrl: the new, non-trivial triples of the closure
    (see :func:`owlrl_closure`), or None when only owlrl can compute it. They go straight
    into their own graph of ``kg``'s store; no rdflib Graph is built for them."""
    from ..graph.engine import view

    found = owlrl_closure(kg, engine=engine)
    if found is None:
        return None
    base, closure = found
    asserted = set(base)
    del base
    backing = view(kg).backing
    delta = (t for t in closure if t not in asserted and (keep_trivial or not trivial(*t)))
    name = backing.add_inferred(delta)
    return replace(kg, inferred_source=name, backing=backing)
