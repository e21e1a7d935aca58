"""The fast loader: every data file parsed once, strictly, by Oxigraph, into the store that
will hold it.

Owns: ``sources.load`` on the fast path. Each local file and URL body is parsed by
pyoxigraph's parser (Turtle, N-Triples, N-Quads, TriG, N3, RDF/XML, JSON-LD), after the
checks of :mod:`rusgraph.inputs`, straight into the store's default graph; a file it
rejects is a SourceError with the file, line and column, never handed to a laxer parser.
Blank nodes are renamed per file (so ``_:b`` in two files are two nodes), and triples with
blank nodes are kept in a private named graph of the part too (no query reads it), so the
rdflib graph of a part, built only when asked for from the same parser's triples and that
graph, has the very blank nodes the store has. It must not infer, validate or query.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator

from .errors import SourceError

OX_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG", "n3": "N3",
              "xml": "RDF_XML", "json-ld": "JSON_LD"}
PART_PREFIX = "urn:rusgraph:part:"
_POSITION = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")


def _ox_format(fmt: str) -> Any:
    import pyoxigraph as ox

    return getattr(ox.RdfFormat, OX_FORMATS[fmt])


def parse_error(exc: Exception, fmt: str, where: str) -> SourceError:
    """pyoxigraph's SyntaxError as a SourceError with the file, line and column."""
    line, col = getattr(exc, "lineno", None), getattr(exc, "offset", None)
    text = _POSITION.sub("", " ".join(str(exc.msg if isinstance(exc, SyntaxError) else exc).split()))[:300]
    spot = f"{where}, line {line}, column {col}" if line else where
    return SourceError(f"cannot parse {fmt}: {text}", where=spot, hint="fix the file at that place and run again")


def parse_quads(data: bytes, fmt: str, where: str, base: str) -> Iterator[Any]:
    """Quads of ``data`` as the parser yields them (checked first: see :mod:`rusgraph.inputs`);
    a parse error is a SourceError with the line and column."""
    import pyoxigraph as ox

    from .inputs import check_xml_entities, prepare_jsonld

    if fmt == "xml":
        check_xml_entities(data, where)
    elif fmt == "json-ld":
        data = prepare_jsonld(data, where)
    try:
        yield from ox.parse(data, format=_ox_format(fmt), base_iri=base)
    except (SyntaxError, ValueError, OSError) as exc:
        raise parse_error(exc, fmt, where) from None


def may_hold_blank_nodes(data: bytes, fmt: str) -> bool:
    """Whether a Turtle or N-Triples file may hold blank nodes (``_:``, ``[``, ``(``); a
    character inside a literal makes this say yes, which only costs speed."""
    if fmt == "nt":
        return b"_:" in data
    return b"_:" in data or b"[" in data or b"(" in data


def _bulk_load(store: Any, data: bytes, fmt: str, where: str, base: str) -> None:
    try:
        store.bulk_load(input=data, format=_ox_format(fmt), base_iri=base)
    except (SyntaxError, ValueError, OSError) as exc:
        raise parse_error(exc, fmt, where) from None


def fast_load(data_items: list[Any], onto_items: list[Any], shape_items: list[Any]) -> Any:
    """A KnowledgeGraph whose data is in an Oxigraph store, each file parsed once by Oxigraph
    (rdflib graphs given as sources are copied in); the ontology and shapes are rdflib's."""
    from rdflib import Graph

    from .engine import Converter, LazyParts, add_rdflib_graph, finish_backing, new_store
    from .graph import KnowledgeGraph, graph_name_for
    from .sources import _expand, _merge, _split, read_source

    loaders: dict[Any, list[Callable[[], Any]]] = {}
    names: list[str] = []
    store = new_store()
    conv = Converter()
    number = 0
    for item in data_items:
        for key, thing in _expand(item):
            name = graph_name_for(key)
            names.append(str(thing) if not isinstance(thing, Graph) else key)
            if isinstance(thing, Graph):
                for part_name, g in _split(thing, name):
                    loaders.setdefault(part_name, []).append(partial(_same, g))
                    add_rdflib_graph(store, g, conv)
                continue
            number += 1
            data, fmt, where, base = read_source(thing, None)
            seen: dict[str, tuple[Any, Any]] = {}  # the file's graph names -> (part, graph of its blank nodes)
            if fmt in ("turtle", "nt") and not may_hold_blank_nodes(data, fmt):
                _bulk_load(store, data, fmt, where, base)  # the same parser, without a Python step per triple
                seen[""] = (name, None)
            else:
                store.bulk_extend(_placed(parse_quads(data, fmt, where, base), seen, name, number))
            again = thing if isinstance(thing, Path) else data  # a URL is not fetched twice
            for part, kept in seen.values():
                loaders.setdefault(part, []).append(partial(_parse_again, again, fmt, where, base, part, name))
                if kept is not None and next(iter(store.quads_for_pattern(None, None, None, kept)), None) is not None:
                    loaders[part].append(partial(_from_store, store, kept))
    ontology = _merge(onto_items)
    lazy = LazyParts(loaders)
    return KnowledgeGraph(
        ontology=ontology,
        parts=lazy,
        shapes=_merge(shape_items),
        sources=tuple(names),
        backing=finish_backing(store, lazy, ontology),
    )


def _placed(quads: Iterator[Any], seen: dict[str, tuple[Any, Any]], name: Any, number: int) -> Iterator[Any]:
    """Every quad into the default graph, blank nodes renamed ``f{number}x{hex}`` (so ``_:b``
    in two files are two nodes); a quad with a blank node also into its part's private
    graph, so the part's rdflib graph can have the very blank nodes the store has."""
    import pyoxigraph as ox
    from rdflib import URIRef

    default, blank, quad, named_node = ox.DefaultGraph(), ox.BlankNode, ox.Quad, ox.NamedNode
    prefix = f"f{number}x"
    for q in quads:
        g = q.graph_name
        label = g.value if type(g) is named_node else ""  # a graph without an IRI is the file's own
        if label not in seen:
            part = name if not label or label == str(name) else URIRef(label)
            seen[label] = (part, named_node(f"{PART_PREFIX}{number}:{len(seen)}"))
        s, o = q.subject, q.object
        if type(s) is blank or type(o) is blank:
            s = blank(prefix + s.value.encode().hex()) if type(s) is blank else s
            o = blank(prefix + o.value.encode().hex()) if type(o) is blank else o
            yield quad(s, q.predicate, o, default)
            yield quad(s, q.predicate, o, seen[label][1])
        else:
            yield q if type(g) is ox.DefaultGraph else quad(s, q.predicate, o, default)


def _same(g: Any) -> Any:
    return g


def _from_store(store: Any, graph: Any) -> Any:
    from rdflib import Graph

    from .engine import Converter

    conv = Converter()
    g = Graph()
    for q in store.quads_for_pattern(None, None, None, graph):
        g.add(conv.triple(q.subject, q.predicate, q.object))
    return g


def _parse_again(source: Path | bytes, fmt: str, where: str, base: str, part: Any, name: Any) -> Any:
    """The triples of one part of a file without blank nodes, parsed again by Oxigraph."""
    import pyoxigraph as ox
    from rdflib import Graph

    from .engine import Converter

    data = source.read_bytes() if isinstance(source, Path) else source
    conv = Converter()
    g = Graph()
    for q in parse_quads(data, fmt, where, base):
        if type(q.subject) is ox.BlankNode or type(q.object) is ox.BlankNode:
            continue  # those come from the store (their names there)
        gn = q.graph_name
        named = type(gn) is ox.NamedNode
        mine = (not named or gn.value == str(name)) if part == name else (named and gn.value == str(part))
        if mine:
            g.add(conv.triple(q.subject, q.predicate, q.object))
    return g
