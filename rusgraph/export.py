"""Export the graph as RDF (named graphs kept where the format can carry them).

Owns: choosing what to export (data, optionally the ontology and inferred triples, or one
district's plan) and serialising it. Output files are written atomically by the caller.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from .formats import graph_format, serialize_graph
from .graph import INFERRED_GRAPH, ONTOLOGY_GRAPH, KnowledgeGraph
from .namespaces import bind_prefixes


def export(kg: KnowledgeGraph, fmt: str = "turtle", *, with_inferred: bool = False,
           with_ontology: bool = True) -> str:
    """The graph as text in ``fmt``. Quad formats (trig, nquads) keep one named graph for
    the ontology, one per data part and, only when asked, one for inferred triples."""
    gf = graph_format(fmt)
    if gf.quads:
        ds = kg.dataset(with_inferred=with_inferred)
        if not with_ontology:
            ds.remove_graph(ds.graph(ONTOLOGY_GRAPH))
        return serialize_graph(ds, gf.name)
    g = bind_prefixes(Graph())
    if with_ontology:
        g += kg.ontology
    g += kg.data
    if with_inferred:
        g += kg.inferred
    return serialize_graph(g, gf.name)


__all__ = ["export", "INFERRED_GRAPH", "ONTOLOGY_GRAPH", "URIRef"]
