"""The KnowledgeGraph: ontology, data, shapes and inferred triples kept apart.

Owns: the one object every command works on. Its data lives in an Oxigraph store
(``backing``, see :mod:`rusgraph.graph.engine`): loading, queries, the compiled validation and the
compiled rules read and write that store. The ontology and shapes are small rdflib graphs
(the compilers and the reference engines read them); the rdflib graphs of the data parts
and of the inferred triples are built from the store only when code that needs rdflib asks
for them (the reference engines, exports in formats only rdflib writes, pushes). Inferred
triples stay in their own graph of the store. Functions elsewhere take a KnowledgeGraph and
return a new one or a plain result; nothing mutates one after it is built. It must not
parse, query, validate or infer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping

from rdflib import Dataset, Graph, URIRef

from .namespaces import BASE, bind_prefixes

ONTOLOGY_GRAPH = URIRef(BASE + "graph/ontology")
INFERRED_GRAPH = URIRef(BASE + "graph/inferred")


def graph_name_for(key: str) -> URIRef:
    """The named-graph IRI of a data part: its path below data/ without suffix ('plans/030110-grorud')."""
    return URIRef(BASE + "graph/" + key)


@dataclass(frozen=True)
class KnowledgeGraph:
    """Ontology, data (one graph per source), shapes and inferred triples.

    ``parts`` maps a named-graph IRI to the graph of one source. ``inferred`` is empty until
    :func:`rusgraph.infer` fills it and is never mixed into ``parts``; ``inferred_source``
    is what :func:`rusgraph.infer` made: an rdflib Graph (owlrl, the reference) or the name
    of the store graph holding the inferred triples (the compiled rules), read into an
    rdflib Graph only when ``inferred`` is asked for.
    """

    ontology: Graph
    parts: Mapping[URIRef, Graph]
    shapes: Graph
    inferred_source: Any = None
    sources: tuple[str, ...] = ()
    # The Oxigraph store the data was loaded into (rusgraph.graph.engine.Backing), or None (built on first use).
    backing: Any = field(default=None, repr=False, compare=False)

    @cached_property
    def inferred(self) -> Graph:
        """The inferred triples as an rdflib Graph (built from the store when they are there)."""
        src = self.inferred_source
        if src is None:
            return bind_prefixes(Graph())
        if isinstance(src, Graph):
            return src
        g = bind_prefixes(Graph())
        add = g.add
        for t in self.backing.triples_of(src):
            add(t)
        return g

    def inferred_count(self) -> int:
        """How many inferred triples there are (counted in the store, no rdflib copy)."""
        src = self.inferred_source
        if src is None:
            return 0
        if isinstance(src, Graph):
            return len(src)
        return self.backing.size_of(src)

    @cached_property
    def data(self) -> Graph:
        """All data parts in one graph (asserted triples only)."""
        g = bind_prefixes(Graph())
        for part in self.parts.values():
            g += part
        return g

    @cached_property
    def union(self) -> Graph:
        """Ontology + data + inferred: what queries run against."""
        g = bind_prefixes(Graph())
        g += self.ontology
        g += self.data
        g += self.inferred
        return g

    def dataset(self, *, with_inferred: bool = False) -> Dataset:
        """A Dataset with one named graph for the ontology, one per data part, and
        (only when asked) one for inferred triples."""
        ds = Dataset()
        bind_prefixes(ds)
        ds.graph(ONTOLOGY_GRAPH).__iadd__(self.ontology)
        for name, part in self.parts.items():
            ds.graph(name).__iadd__(part)
        if with_inferred and self.inferred_count():
            ds.graph(INFERRED_GRAPH).__iadd__(self.inferred)
        return ds

    def stats(self) -> dict[str, int]:
        return {
            "ontology": len(self.ontology),
            "data": len(self.data),
            "shapes": len(self.shapes),
            "inferred": self.inferred_count(),
            "parts": len(self.parts),
        }
