"""Load sources into a KnowledgeGraph.

Owns: reading files, directories and URLs (format from the suffix or the server's
content type), parsing data once, strictly, by Oxigraph straight into the KnowledgeGraph's
store (errors with the file, line and column; no fallback to a laxer parser; blank nodes
renamed per file and kept), parsing with rdflib what rdflib holds (the ontology, the shapes,
and every source for :func:`load_with_rdflib`, the reference the tests hold :func:`load` to),
and turning parse failures into SourceError with the file and line. With no arguments it
loads the bundled ontology, shapes and data. It must not infer or validate.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, Union

from rdflib import Dataset, Graph, URIRef

from .engine import Converter, LazyParts, add_rdflib_graph, finish_backing, new_store
from ..errors import SourceError
from .knowledge import KnowledgeGraph, graph_name_for
from .namespaces import bind_prefixes
from .resources import RDF_SUFFIXES, bundled_dir, rdf_files

Source = Union[str, Path, Graph]

QUAD_FORMATS = ("trig", "nquads")

_URL = re.compile(r"^https?://", re.I)


def _format_for(name: str) -> str:
    suffix = Path(name.split("?")[0]).suffix.lower()
    try:
        return RDF_SUFFIXES[suffix]
    except KeyError:
        raise SourceError(
            f"cannot tell the RDF format from the suffix {suffix or '(none)'!r}",
            where=name,
            hint="use one of " + ", ".join(sorted(set(RDF_SUFFIXES))),
        ) from None


def _line_of(exc: Exception) -> str:
    """Best effort 'line N' from rdflib's varied parser exceptions."""
    text = str(exc)
    for pat in (r"line (\d+)", r"at line (\d+)", r":(\d+):"):
        m = re.search(pat, text)
        if m:
            return f"line {m.group(1)}"
    lineno = getattr(exc, "lineno", None) or getattr(exc, "line", None)
    if isinstance(lineno, int):
        return f"line {lineno}"
    return ""


def _caret_line(message: str, text: str) -> str:
    """'line N' from rdflib's "... at ^ in BEFORE^AFTER" messages (a quote never closed)."""
    m = re.search(r" at \^ in (.*)\^(.*)$", message, re.S)
    if not m:
        return ""
    at = text.find(m.group(1) + m.group(2))
    if at < 0:
        return ""
    from .inputs import line_col

    return f"line {line_col(text, at + len(m.group(1)))[0]}"


def _short_reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300]


def read_source(thing: Path | str, fmt: str | None = None) -> tuple[bytes, str, str, str]:
    """(bytes, format, where, base IRI) of a local file or an http(s) URL."""
    if isinstance(thing, str):
        body, fetched = fetch_url(thing)
        return body, fmt or fetched, thing, thing
    if not thing.exists():
        raise SourceError("file not found", where=str(thing), hint="check the path")
    if thing.is_dir():
        raise SourceError("expected a file, got a directory", where=str(thing))
    fmt = fmt or _format_for(thing.name)
    try:
        data = thing.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror or exc}", where=str(thing)) from None
    return data, fmt, str(thing), thing.resolve().as_uri()


def parse_file(path: Path, fmt: str | None = None) -> Graph:
    """Parse one RDF file with rdflib (the ontology, shapes, and data on the plain engine);
    SourceError names the file and line on failure."""
    return parse_bytes(*read_source(path, fmt))


def parse_bytes(data: bytes, fmt: str, where: str, base: str) -> Graph:
    """``data`` parsed by rdflib after the checks of :mod:`rusgraph.graph.inputs` (no entity
    expansion, no remote context); an IRI that is not one is refused after parsing, since
    rdflib lets some through."""
    from .inputs import check_iris, check_xml_entities, decode_utf8, prepare_jsonld

    if fmt == "xml":
        check_xml_entities(data, where)
    elif fmt == "json-ld":
        data = prepare_jsonld(data, where)
    text = None if fmt == "xml" else decode_utf8(data, where)  # XML declares its own encoding
    g = Dataset() if fmt in QUAD_FORMATS else Graph()
    try:
        g.parse(data=text if text is not None else data, format=fmt, publicID=base)
    except SourceError:
        raise
    except RecursionError:
        raise SourceError(f"cannot parse {fmt}: too deeply nested for rdflib's parser", where=where,
                          hint="as data, rusgraph.load reads it (Oxigraph's parser); rdflib reads only the "
                               "ontology and shapes") from None
    except Exception as exc:  # rdflib raises many unrelated types for bad input
        line = _line_of(exc) or (_caret_line(str(exc), text) if text is not None else "")
        raise SourceError(f"cannot parse {fmt}: {_short_reason(exc)}", where=f"{where}, {line}" if line else where,
                          hint="fix the syntax at that place and run again") from exc
    if isinstance(g, Dataset):
        check_iris(((c.identifier, s, o) for s, _p, o, c in g.quads((None, None, None, None))), where, text)
    check_iris(g.triples((None, None, None)) if not isinstance(g, Dataset) else
               ((s, p, o) for s, p, o, _c in g.quads((None, None, None, None))), where, text)
    return g


def fetch_url(url: str, timeout: float = 30.0) -> tuple[bytes, str]:
    """The body of an RDF document at ``url`` and its format (from the content type, else
    the suffix); the whole answer within ``timeout`` seconds."""
    from ..errors import EndpointError
    from .transport import exchange

    accept = "text/turtle, application/n-triples;q=0.9, application/ld+json;q=0.8, application/rdf+xml;q=0.7"
    try:
        # A GET without credentials: redirects are followed (w3id.org and the like redirect
        # across hosts), each with the same deadline.
        answer = exchange("GET", url, None, {"Accept": accept, "User-Agent": "rusgraph"}, timeout=timeout,
                          follow_redirects=True)
    except EndpointError as exc:
        raise SourceError(f"cannot fetch: {exc.message}", where=url, hint=exc.hint or "check the URL") from None
    if answer.status >= 400:
        raise SourceError(f"HTTP {answer.status}", where=url, hint="check the URL")
    by_type = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
        "application/rdf+xml": "xml",
        "application/trig": "trig",
        "application/n-quads": "nquads",
    }
    ctype = answer.headers.get("content-type", "").split(";")[0].strip().lower()
    return answer.body, by_type.get(ctype) or _format_for(url)


def parse_url(url: str, timeout: float = 30.0) -> Graph:
    """Fetch and parse an RDF document over HTTP(S) with rdflib."""
    body, fmt = fetch_url(url, timeout)
    return parse_bytes(body, fmt, url, url)


def expand_source(item: Source, key_root: Path | None = None) -> list[tuple[str, Graph | Path | str]]:
    """One source item as (key, thing) pairs; directories expand to their RDF files."""
    if isinstance(item, Graph):
        return [(f"graph-{id(item)}", item)]
    text = str(item)
    if _URL.match(text):
        return [(re.sub(r"[^A-Za-z0-9._-]+", "-", text.split("://", 1)[1]).strip("-"), text)]
    path = Path(item)
    if path.is_dir():
        files = rdf_files(path)
        if not files:
            raise SourceError("directory holds no RDF files", where=str(path),
                              hint="RDF files end in " + ", ".join(sorted(set(RDF_SUFFIXES))))
        return [(str(f.relative_to(path).with_suffix("")).replace("\\", "/"), f) for f in files]
    return [(path.with_suffix("").name, path)]


def parse_any(thing: Graph | Path | str) -> Graph:
    if isinstance(thing, Graph):
        return thing
    if isinstance(thing, str):
        return parse_url(thing)
    return parse_file(thing)


def split_dataset(parsed: Graph, name: URIRef) -> list[tuple[URIRef, Graph]]:
    """A parsed Dataset becomes one part per named graph (its own name) plus its default
    graph under ``name``; a plain Graph is one part."""
    if not isinstance(parsed, Dataset):
        return [(name, parsed)]
    out = []
    for ctx in parsed.graphs():
        if len(ctx) == 0:
            continue
        g = Graph()
        g += ctx
        ident = ctx.identifier
        is_default = str(ident) == "urn:x-rdflib:default" or ident == name
        out.append((name if is_default else URIRef(str(ident)), g))
    return out


def merge_sources(items: Iterable[Source]) -> Graph:
    g = bind_prefixes(Graph())
    for item in items:
        for key, thing in expand_source(item):
            for _name, part in split_dataset(parse_any(thing), graph_name_for(key)):
                g += part
    return g


def bundled_data_sources(*, upper_only: bool = False) -> list[Path]:
    """The bundled data directory, or only its upper levels (national, city, standards, vocabularies)."""
    data = bundled_dir("data")
    if upper_only:
        return [data / "upper"]
    return [data]


def load(
    data: Sequence[Source] | None = None,
    *,
    ontology: Sequence[Source] | None = None,
    shapes: Sequence[Source] | None = None,
    store: str | Path | None = None,
) -> KnowledgeGraph:
    """Load sources into a :class:`KnowledgeGraph`.

    ``None`` means "the bundled copy" and an empty sequence means "none". Each item may be
    a path to a file, a directory (expanded to its RDF files, sorted), an http(s) URL, or
    an ``rdflib.Graph``. The format comes from the file suffix (.ttl, .nt, .trig, .jsonld,
    .rdf/.owl/.xml). Raises SourceError naming the file and line when a source is bad.

    >>> kg = load()                       # bundled ontology, shapes and data
    >>> kg = load(["plan.ttl"])           # bundled ontology and shapes, only this data
    >>> kg = load(store="cache/")         # kept on disk: the next load of unchanged files parses nothing

    ``store``: a directory for an on-disk Oxigraph store (:mod:`rusgraph.graph.store`); files whose
    bytes did not change since the last load into it are not parsed again.
    """
    onto_items = [bundled_dir("ontology")] if ontology is None else list(ontology)
    shape_items = [bundled_dir("shapes")] if shapes is None else list(shapes)
    data_items = bundled_data_sources() if data is None else list(data)
    if store is not None:
        from .store import load_persistent

        return load_persistent(store, [pair for item in data_items for pair in expand_source(item)],
                               ontology=merge_sources(onto_items), shapes=merge_sources(shape_items),
                               ontology_files=[thing for item in onto_items for _k, thing in expand_source(item)])

    # every file parsed once, by Oxigraph, into the store; rdflib graphs of parts when asked for
    return fast_load(data_items, onto_items, shape_items)


def load_with_rdflib(
    data: Sequence[Source],
    *,
    ontology: Sequence[Source],
    shapes: Sequence[Source],
) -> KnowledgeGraph:
    """Every source parsed by rdflib into its own rdflib graph (the reference the tests
    hold :func:`load` to); the Oxigraph store is built from them on first use."""
    data_items, onto_items, shape_items = list(data), list(ontology), list(shapes)
    parts: dict[URIRef, Graph] = {}
    names: list[str] = []
    for item in data_items:
        for key, thing in expand_source(item):
            for name, g in split_dataset(parse_any(thing), graph_name_for(key)):
                if name in parts:
                    parts[name] = parts[name] + g
                else:
                    parts[name] = g
            names.append(str(thing) if not isinstance(thing, Graph) else key)
    return KnowledgeGraph(
        ontology=merge_sources(onto_items),
        parts=parts,
        shapes=merge_sources(shape_items),
        sources=tuple(names),
    )


def parse_stdin(data: bytes, fmt: str) -> Graph:
    """Parse RDF read from standard input (``-`` among the sources) in the rdflib format
    ``fmt``; a SourceError names <stdin> and the line."""
    g = Dataset() if fmt in QUAD_FORMATS else Graph()
    try:
        g.parse(data=data, format=fmt)
    except Exception as exc:  # rdflib raises many unrelated types for bad input
        line = _line_of(exc)
        raise SourceError(f"cannot parse {fmt}: {_short_reason(exc)}", where="<stdin>" + (f", {line}" if line else ""),
                          hint="fix the syntax at that place, or give the right --input-format") from exc
    return g  # a Dataset (trig, nquads) keeps its named graphs, as a file's does


# ------------------------------------------------ into the Oxigraph store (strict)

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
    """Quads of ``data`` as the parser yields them (checked first: see :mod:`rusgraph.graph.inputs`);
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


    loaders: dict[Any, list[Callable[[], Any]]] = {}
    names: list[str] = []
    store = new_store()
    conv = Converter()
    number = 0
    for item in data_items:
        for key, thing in expand_source(item):
            name = graph_name_for(key)
            names.append(str(thing) if not isinstance(thing, Graph) else key)
            if isinstance(thing, Graph):
                for part_name, g in split_dataset(thing, name):
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
    ontology = merge_sources(onto_items)
    lazy = LazyParts(loaders)
    return KnowledgeGraph(
        ontology=ontology,
        parts=lazy,
        shapes=merge_sources(shape_items),
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

    conv = Converter()
    g = Graph()
    for q in store.quads_for_pattern(None, None, None, graph):
        g.add(conv.triple(q.subject, q.predicate, q.object))
    return g


def _parse_again(source: Path | bytes, fmt: str, where: str, base: str, part: Any, name: Any) -> Any:
    """The triples of one part of a file without blank nodes, parsed again by Oxigraph."""
    import pyoxigraph as ox
    from rdflib import Graph

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
