"""RDF syntaxes by the names users type, and a graph written in one of them.

Owns: the registry of graph formats (turtle, nt, trig, nquads, json-ld, xml) with the
aliases of rdflib, Jena riot and ROBOT users, and serialising an rdflib Graph or Dataset,
with Turtle and TriG written in time linear in the triples. Must not: choose what goes into
the graph or write files (callers write through :mod:`.atomic`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any, Mapping

@dataclass(frozen=True)
class GraphFormat:
    name: str
    rdflib_name: str
    suffix: str
    mime: str
    quads: bool = False


GRAPH_FORMATS: dict[str, GraphFormat] = {
    "turtle": GraphFormat("turtle", "turtle", ".ttl", "text/turtle"),
    "nt": GraphFormat("nt", "nt", ".nt", "application/n-triples"),
    "trig": GraphFormat("trig", "trig", ".trig", "application/trig", quads=True),
    "nquads": GraphFormat("nquads", "nquads", ".nq", "application/n-quads", quads=True),
    "json-ld": GraphFormat("json-ld", "json-ld", ".jsonld", "application/ld+json"),
    "xml": GraphFormat("xml", "xml", ".rdf", "application/rdf+xml"),
}
# The names rdflib, Jena riot and ROBOT users type (any case).
GRAPH_ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "nq": "nquads", "n-quads": "nquads",
                 "jsonld": "json-ld", "rdf/xml": "xml", "rdfxml": "xml", "rdf": "xml"}


def graph_format(name: str) -> GraphFormat:
    name = name.strip().lower()
    name = GRAPH_ALIASES.get(name, name)
    try:
        return GRAPH_FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown RDF format {name!r}; use one of {', '.join(GRAPH_FORMATS)}") from None


def serialize_graph(graph: Any, fmt: str, *, context: Mapping[str, Any] | None = None) -> str:
    """Serialise a Graph (or a Dataset for quad formats) as text."""
    gf = graph_format(fmt)
    kwargs: dict[str, Any] = {}
    if gf.name == "json-ld" and context is not None:
        kwargs["context"] = dict(context)
        kwargs["auto_compact"] = True
    if gf.name in ("turtle", "trig"):
        return _turtle_text(graph, gf.name)
    out = graph.serialize(format=gf.rdflib_name, **kwargs)
    return out if isinstance(out, str) else out.decode("utf-8")


def _turtle_text(graph: Any, name: str) -> str:
    """rdflib's own Turtle (or TriG): sorted and stable, the same text ``graph.serialize``
    gives, in time linear in the triples.

    rdflib looks every IRI up in a trie of the namespaces it has split off so far, and that
    trie grows with every IRI that has no prefix (each measure, link, unit), so serialising
    is quadratic: 5,000 measures took a minute. An IRI that no bound namespace starts
    cannot get a prefixed name whatever the trie says, so it is written in full at once.
    """
    from rdflib import URIRef
    from rdflib.plugins.serializers.trig import TrigSerializer
    from rdflib.plugins.serializers.turtle import TurtleSerializer

    base = TrigSerializer if name == "trig" else TurtleSerializer
    bound = {str(prefix): str(ns) for prefix, ns in graph.namespaces()}
    namespaces = [tuple(bound.values())]

    class Serializer(base):  # type: ignore[misc, valid-type]
        def get_pname(self, uri: Any, gen_prefix: bool = True) -> str | None:
            if not gen_prefix and isinstance(uri, URIRef) and not str(uri).startswith(namespaces[0]):
                return None  # what rdflib answers too, after searching its trie
            out = super().get_pname(uri, gen_prefix)
            if gen_prefix and out is not None and out.split(":", 1)[0] not in bound:  # rdflib made a prefix
                bound.update({str(prefix): str(ns) for prefix, ns in graph.namespaces()})
                namespaces[0] = tuple(bound.values())
            return out

    if name == "turtle":
        text = _flat_turtle(Serializer(graph), graph)
        if text is not None:
            return text
    buf = io.BytesIO()
    Serializer(graph).serialize(buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")


def _flat_turtle(ser: Any, graph: Any) -> str | None:
    """The text rdflib's TurtleSerializer writes for a graph without blank nodes (every
    generated plan), written in one flat loop; None when the graph has a blank node (rdflib
    nests those, and writes them itself).

    Same steps as rdflib 7: prefixed names looked up for every term first (which decides the
    @prefix lines), subjects typed rdfs:Class first, then by how often they are objects and
    then by IRI; rdf:type then rdfs:label then the other predicates sorted; objects sorted;
    the same indentation. tests/test_outputs.py holds it to rdflib's text."""
    from collections import defaultdict

    from rdflib import BNode, Literal
    from rdflib.namespace import RDF, RDFS

    rdf_type, rdfs_label, nil, rdfs_class = RDF.type, RDFS.label, RDF.nil, RDFS.Class
    refs: dict[Any, int] = defaultdict(int)
    props: dict[Any, dict[Any, list]] = {}
    done: set = set()  # (term, is a predicate): rdflib asks once per term what we ask once
    pname = ser.get_pname

    def ask(node: Any, verb: bool) -> None:
        key = (node, verb)
        if key not in done:
            done.add(key)
            pname(node, verb)

    for s, p, o in graph.triples((None, None, None)):
        if type(s) is BNode or type(o) is BNode or isinstance(o, BNode) or isinstance(s, BNode):
            return None
        refs[o] += 1
        by_pred = props.get(s)
        if by_pred is None:
            by_pred = props[s] = {}
        objects = by_pred.get(p)
        if objects is None:
            objects = by_pred[p] = []
            if p not in done:
                done.add(p)
                if p == nil:
                    return None
                if p != rdf_type:
                    ask(p, True)
        objects.append(o)
        ask(s, False)
        if type(o) is Literal or isinstance(o, Literal):
            if o.datatype is not None:
                ask(o.datatype, False)
        elif (o, False) not in done:
            if o == nil:
                return None
            ask(o, False)
    if ser.base is not None or getattr(graph, "base", None) is not None:
        return None
    top = sorted(s for s, by_pred in props.items() if rdfs_class in by_pred.get(rdf_type, ()))
    seen = set(top)
    subjects = top + [s for _, s in sorted((refs[s], s) for s in props if s not in seen)]

    labels: dict[tuple[Any, bool], str] = {}

    def label(node: Any, verb: bool = False) -> str:
        if type(node) is Literal or isinstance(node, Literal):
            return ser.label(node, 2)
        key = (node, verb)
        text = labels.get(key)
        if text is None:
            text = labels[key] = "a" if verb and node == rdf_type else (pname(node, verb) or node.n3())
        return text

    out = [f"@prefix {prefix}: <{uri}> .\n" for prefix, uri in sorted(ser.namespaces.items())]
    for s in subjects:
        by_pred = props[s]
        order = [p for p in (rdf_type, rdfs_label) if p in by_pred]
        order += sorted(p for p in by_pred if p not in (rdf_type, rdfs_label))
        out.append("\n" + label(s))
        for i, p in enumerate(order):
            objects = sorted(by_pred[p])
            out.append((" " if i == 0 else " ;\n    ") + label(p, True) + " " + label(objects[0]))
            for o in objects[1:]:
                out.append(",\n        " + label(o))
        out.append(" .\n")
    out.append("\n")
    text = "".join(out)
    if _SURROGATE.search(text):  # rdflib writes what UTF-8 cannot hold as '?'
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


_SURROGATE = re.compile("[\ud800-\udfff]")
