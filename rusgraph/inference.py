"""Optional inference, kept in its own graph.

Owns: running owlrl (the only module that imports it) over a copy of ontology + data and
keeping just the new, non-trivial triples. The input KnowledgeGraph is never changed; the
result is a new KnowledgeGraph whose ``inferred`` graph holds the delta.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import RusgraphError
from .graph import KnowledgeGraph
from .namespaces import bind_prefixes

Profile = Literal["none", "rdfs", "owlrl"]
PROFILES: tuple[str, ...] = ("none", "rdfs", "owlrl")

_VOCAB_NS = (str(RDF), str(RDFS), str(OWL), str(XSD))


_TRIVIAL_TYPES = frozenset((RDFS.Resource, OWL.Thing, RDFS.Class, OWL.Class, RDF.Property, RDFS.Datatype,
                            RDFS.Literal, OWL.NamedIndividual))
_REFLEXIVE = frozenset((RDFS.subClassOf, RDFS.subPropertyOf, OWL.sameAs, OWL.equivalentClass,
                        OWL.equivalentProperty))
_SCHEMA_NS = (str(RDFS), str(OWL))
_starts = str.startswith


def _trivial(s, p, o) -> bool:  # type: ignore[no-untyped-def]
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


def infer(kg: KnowledgeGraph, profile: Profile = "owlrl", *, keep_trivial: bool = False) -> KnowledgeGraph:
    """Return a new KnowledgeGraph with ``inferred`` set to what ``profile`` adds.

    ``rdfs`` runs owlrl's RDFS semantics, ``owlrl`` its OWL 2 RL semantics (transitive and
    chained properties such as rus:tracesTo and rus:planCovers). ``none`` returns the
    graph with an empty inferred graph. Trivial triples (rdf:type rdfs:Resource, facts
    about the RDF/OWL vocabularies themselves) are dropped unless ``keep_trivial``.
    """
    if profile not in PROFILES:
        raise RusgraphError(f"unknown inference profile {profile!r}", hint="use none, rdfs or owlrl")
    if profile == "none":
        return replace(kg, inferred=bind_prefixes(Graph()))
    from .engine import reasoner

    if profile == "owlrl" and not keep_trivial and reasoner() == "rules":
        from .fastinfer import infer_owlrl  # the same inferred triples, without owlrl

        fast = infer_owlrl(kg)
        if fast is not None:
            return fast
    import owlrl
    import rdflib.term

    # owlrl installs its own lexical-to-Python converters in rdflib's global table and
    # leaves them there; restore the table so later validation does not depend on
    # whether inference ran before in the same process.
    conversions = dict(rdflib.term._toPythonMapping)
    closure = Graph()
    closure += kg.ontology
    closure += kg.data
    semantics = owlrl.RDFS_Semantics if profile == "rdfs" else owlrl.OWLRL_Semantics
    try:
        owlrl.DeductiveClosure(semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    finally:
        rdflib.term._toPythonMapping.clear()
        rdflib.term._toPythonMapping.update(conversions)
    asserted_onto = kg.ontology
    asserted_data = kg.data
    inferred = bind_prefixes(Graph())
    for t in closure:
        if t in asserted_data or t in asserted_onto:
            continue
        if not keep_trivial and _trivial(*t):
            continue
        inferred.add(t)
    return replace(kg, inferred=inferred)
