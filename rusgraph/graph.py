"""The KnowledgeGraph: ontology, data, shapes and inferred triples kept apart.

Owns: the one object every command works on. It composes rdflib graphs rather than
subclassing one; data keeps one named graph per source file so exports and pushes can
keep the layout. Functions elsewhere take a KnowledgeGraph and return a new one or a plain
result; nothing mutates one after it is built.
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

    ``parts`` maps a named-graph IRI to the graph parsed from one source. ``inferred`` is
    empty until :func:`rusgraph.infer` fills it and is never mixed into ``parts``.
    """

    ontology: Graph
    parts: Mapping[URIRef, Graph]
    shapes: Graph
    inferred: Graph = field(default_factory=Graph)
    sources: tuple[str, ...] = ()
    # The Oxigraph store the data was loaded into on the fast path (rusgraph.engine), or None.
    backing: Any = field(default=None, repr=False, compare=False)

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
        if with_inferred and len(self.inferred):
            ds.graph(INFERRED_GRAPH).__iadd__(self.inferred)
        return ds

    def stats(self) -> dict[str, int]:
        return {
            "ontology": len(self.ontology),
            "data": len(self.data),
            "shapes": len(self.shapes),
            "inferred": len(self.inferred),
            "parts": len(self.parts),
        }
