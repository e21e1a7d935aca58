"""Reading the rusgraph graphs back from a store: one rdflib Graph per named graph, or a
KnowledgeGraph whose data is the store's and whose ontology and shapes are local.

Owns: which graphs a read-back takes (the data graphs the Endpoint's dataset names, the
ontology left out, the inferred graph only when asked; with ``graphs="store"`` the store's
default graph as one part) and the error when a store holds none. Every graph comes whole
through one CONSTRUCT per named graph, so a result cap or a broken answer is an error, never
a smaller graph. It must not write to the store, validate or query for reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from rdflib import Graph, URIRef

from ..errors import EndpointError
from ..graph.knowledge import KnowledgeGraph
from ..graph.namespaces import bind_prefixes
from ..graph.sources import load
from .endpoint import GRAPH_BASE, Endpoint

EVERYTHING = "CONSTRUCT WHERE { ?s ?p ?o }"


def fetch_parts(endpoint: Endpoint, *, with_inferred: bool = False) -> dict[URIRef, Graph]:
    """The rusgraph data graphs, one rdflib Graph per named graph (the ontology left out).

    With ``graphs="store"`` the store's default graph comes back as one part.
    """
    if endpoint.graphs == "store":
        return {URIRef(GRAPH_BASE + "endpoint"): endpoint.construct(EVERYTHING, ())}
    graphs = endpoint.data_graphs(with_inferred=with_inferred)
    if not graphs:
        raise EndpointError("the store holds no rusgraph data graphs", where=endpoint.url,
                            hint=f"push them first (rusgraph push --endpoint {endpoint.url} ...), "
                                 "or pass --graphs store to read the store's default graph")
    return {URIRef(g): endpoint.construct(EVERYTHING, (g,)) for g in graphs}


def fetch(endpoint: Endpoint, *, with_inferred: bool = False) -> Graph:
    """The whole rusgraph data of the store as one rdflib Graph (without the ontology)."""
    out = bind_prefixes(Graph())
    for part in fetch_parts(endpoint, with_inferred=with_inferred).values():
        out += part
    return out


def load_from_endpoint(endpoint: Endpoint, *, ontology: Sequence[Any] | None = None,
                       shapes: Sequence[Any] | None = None, with_inferred: bool = False) -> KnowledgeGraph:
    """A KnowledgeGraph whose data parts are read from the store (one per named graph), with
    the ontology and shapes loaded locally (the bundled ones by default)."""
    base = load([], ontology=ontology, shapes=shapes)
    return replace(base, parts=fetch_parts(endpoint, with_inferred=with_inferred), sources=(endpoint.url,))
