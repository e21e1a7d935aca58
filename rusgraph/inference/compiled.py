"""OWL 2 RL inference without owlrl, giving owlrl's inferred triples.

Owns: choosing the premises (ontology + the data triples a rule can use); running
rusgraph.inference.rules (the ontology's fragment of OWL 2 RL, compiled) on them; where the schema or
the data go beyond that fragment, running reasonable (Rust) instead, with the one OWL 2 RL
rule it lacks that the ontology uses (prp-spo2, property chains: rus:planCovers =
hasMeasure o tracesTo) run to a fixpoint together with it; and keeping the same delta
owlrl's path keeps (new, non-trivial triples: :func:`trivial`, which rusgraph.inference.reasoner uses too).
The compiled rules read their premises as numbered pyoxigraph terms (rusgraph.inference.facts)
and their delta goes back into the store as pyoxigraph quads, unconverted; only reasonable's
fallback works on rdflib triples. It must not load, validate or report.
``rusgraph.inference.reasoner.infer`` calls it for the ``owlrl`` profile on the fast path;
tests/test_fastpath.py holds the result to owlrl's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..graph.knowledge import KnowledgeGraph
from .facts import Facts, Terms, read_store

_MAX_ROUNDS = 20
_VOCAB_NS = (str(RDF), str(RDFS), str(OWL), str(XSD))
_TRIVIAL_TYPES = frozenset((RDFS.Resource, OWL.Thing, RDFS.Class, OWL.Class, RDF.Property, RDFS.Datatype,
                            RDFS.Literal, OWL.NamedIndividual))
_REFLEXIVE = frozenset((RDFS.subClassOf, RDFS.subPropertyOf, OWL.sameAs, OWL.equivalentClass,
                        OWL.equivalentProperty))
_SCHEMA_NS = (str(RDFS), str(OWL))
_starts = str.startswith
_TRIVIAL_TYPE_IRIS = frozenset(map(str, _TRIVIAL_TYPES))


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


def _premises(kg: KnowledgeGraph, *, everything: bool = False) -> tuple[Terms, Facts, bool, bool]:
    """Ontology + the data triples that can be premises of a rule (all data triples with
    ``everything``), numbered, from the store's default graph; whether that is all the data
    (False: triples of properties no axiom names were left out; they can only matter through
    owl:sameAs, which the caller checks); and whether the data itself has RDFS/OWL
    statements beyond types, lists and annotations."""
    import pyoxigraph as ox

    from ..graph.engine import view

    keep = {str(p) for p in _logical_properties_cache(kg.ontology)}
    store = view(kg).store
    default = ox.DefaultGraph()  # the default graph holds ontology and data
    preds = [row[0] for row in store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }", default_graph=default)]
    plain = {str(RDF.type), str(RDF.first), str(RDF.rest), *map(str, _ANNOTATIONS)}
    schema = any(p.value.startswith(_VOCABS) and p.value not in plain for p in preds)
    wanted = [p for p in preds if everything or p.value.startswith(_VOCABS) or p.value in keep]
    terms = Terms.for_store()
    return terms, read_store(store, default, wanted, terms), len(wanted) == len(preds), schema


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


def infer_owlrl(kg: KnowledgeGraph, *, keep_trivial: bool = False, engine: str = "auto") -> KnowledgeGraph | None:
    """``infer(kg, "owlrl")`` without owlrl: the new, non-trivial triples of the OWL 2 RL
    closure of ontology + data, or None when only owlrl can compute it. They go straight
    into their own graph of ``kg``'s store; no rdflib Graph is built for them.

    ``engine``: ``rules`` (rusgraph.inference.rules, the ontology's fragment compiled; raises
    rules.Outside beyond it), ``reasonable``, or ``auto``: rules, else reasonable when
    installed, else None. Data triples of properties that no schema statement names (labels,
    notes, line numbers ...) are left out of the premises: no OWL 2 RL rule can use them
    unless owl:sameAs enters the closure, and then reasonable runs again on everything.
    """
    from . import rules
    from ..graph.engine import installed, view

    terms, facts, complete, schema = _premises(kg)
    if not complete:
        stated = terms.schema_triples(facts)
        if not _named_properties(stated) <= _logical_properties_cache(kg.ontology) or rules.meta_statements(stated):
            # the data has schema statements of its own, or types can make a property
            # transitive, functional ...: every data triple may be a premise
            terms, facts, complete, schema = _premises(kg, everything=True)
    backing = view(kg).backing
    if engine in ("auto", "rules"):
        try:
            closed = rules.saturate(facts, terms)
        except rules.Outside as exc:
            if engine == "rules":
                raise
            if exc.vocabulary and engine == "auto":
                return None  # reasonable and owlrl disagree on such schemas: owlrl decides
        else:
            name = backing.add_inferred_quads(lambda graph: _delta_quads(terms, facts, closed, graph, keep_trivial))
            return replace(kg, inferred_source=name, backing=backing)
    if engine == "auto" and not installed("reasonable"):
        return None
    base = terms.triples(facts)
    del terms, facts
    closure = closure_with_reasonable(base, kg.ontology, schema_in_data=schema)
    if not complete and _has_same_as(closure):
        terms, facts, _complete, _schema = _premises(kg, everything=True)
        base = terms.triples(facts)
        del terms, facts
        closure = closure_with_reasonable(base, kg.ontology)
    asserted = set(base)
    del base
    delta = (t for t in closure if t not in asserted and (keep_trivial or not trivial(*t)))
    name = backing.add_inferred(delta)
    return replace(kg, inferred_source=name, backing=backing)


def _delta_quads(terms: Terms, before: Facts, after: Facts, graph: Any, keep_trivial: bool) -> Iterator[Any]:
    """The pairs ``after`` has and ``before`` lacks, as quads of ``graph``, less the trivial
    ones (:func:`trivial`, decided once per term). Each predicate's sets are dropped from
    both once written, so the store grows as Python's memory shrinks."""
    import pyoxigraph as ox

    quad = ox.Quad
    term = terms.terms
    subject_ok: dict[int, bool] = {}
    class_ok: dict[int, bool] = {}
    rdf_type = terms.find(RDF.type)
    reflexive = {terms.find(p) for p in _REFLEXIVE} - {None}
    same_as = str(OWL.sameAs)

    def good_subject(i: int) -> bool:
        ok = subject_ok.get(i)
        if ok is None:
            iri = terms.iri(i)
            ok = subject_ok[i] = iri is not None and not iri.startswith(_VOCAB_NS)
        return ok

    def good_class(i: int) -> bool:
        ok = class_ok.get(i)
        if ok is None:
            iri = terms.iri(i)
            ok = class_ok[i] = iri is None or not (iri in _TRIVIAL_TYPE_IRIS or iri.startswith(_VOCAB_NS))
        return ok

    grown = sorted((p for p in after if after[p] is not before.get(p)), key=lambda p: -len(after[p]))
    for p in grown:
        new = after.pop(p)
        old = before.pop(p, None)
        if old:
            new -= old  # ``new`` is saturate's own copy
        del old
        pt = term[p]
        iri = terms.iri(p) or ""
        if keep_trivial:
            yield from (quad(term[s], pt, term[o], graph) for s, o in new)
            continue
        if iri.startswith(_SCHEMA_NS) and iri != same_as:
            continue
        if p == rdf_type:
            yield from (quad(term[s], pt, term[o], graph) for s, o in new if good_subject(s) and good_class(o))
        elif p in reflexive:
            yield from (quad(term[s], pt, term[o], graph) for s, o in new if s != o and good_subject(s))
        else:
            yield from (quad(term[s], pt, term[o], graph) for s, o in new if good_subject(s))
