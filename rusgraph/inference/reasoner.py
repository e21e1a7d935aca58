"""Optional inference, kept in its own graph.

Owns: running owlrl (the only module that imports it) over a copy of ontology + data and
keeping just the new, non-trivial triples. The input KnowledgeGraph is never changed; the
result is a new KnowledgeGraph whose ``inferred`` graph holds the delta.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from rdflib import Graph

from ..errors import RusgraphError
from .compiled import trivial
from ..graph.knowledge import KnowledgeGraph
from ..graph.namespaces import bind_prefixes

Profile = Literal["none", "rdfs", "owlrl"]
PROFILES: tuple[str, ...] = ("none", "rdfs", "owlrl")


def infer(kg: KnowledgeGraph, profile: Profile = "owlrl", *, keep_trivial: bool = False,
          engine: str = "fast") -> KnowledgeGraph:
    """Return a new KnowledgeGraph with ``inferred`` set to what ``profile`` adds.

    ``rdfs`` runs owlrl's RDFS semantics, ``owlrl`` its OWL 2 RL semantics (transitive and
    chained properties such as rus:tracesTo and rus:planCovers). ``none`` returns the
    graph with an empty inferred graph. Trivial triples (rdf:type rdfs:Resource, facts
    about the RDF/OWL vocabularies themselves) are dropped unless ``keep_trivial``.

    ``engine``: ``fast`` runs ``owlrl`` by rusgraph's compiled rules on the store (the same
    triples; see :mod:`rusgraph.inference.compiled`), ``reference`` runs owlrl itself.
    """
    if engine not in ("fast", "reference"):
        raise RusgraphError(f"unknown inference engine {engine!r}", hint="use fast or reference")
    if profile not in PROFILES:
        raise RusgraphError(f"unknown inference profile {profile!r}", hint="use none, rdfs or owlrl")
    if profile == "none":
        return replace(kg, inferred_source=None)
    if profile == "owlrl" and not keep_trivial and engine == "fast":
        from .compiled import infer_owlrl  # the same inferred triples, without owlrl

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
        if not keep_trivial and trivial(*t):
            continue
        inferred.add(t)
    return replace(kg, inferred_source=inferred)
