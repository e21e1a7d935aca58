"""Load sources into a KnowledgeGraph.

Owns: reading files, directories and URLs (format from the suffix or the server's
content type), parsing with rdflib what rdflib holds (the ontology, the shapes, and data on
the plain engine; on the fast path :mod:`rusgraph.fastload` parses data with Oxigraph), and
turning parse failures into SourceError with the file and line. With no arguments it loads
the bundled ontology, shapes and data. It must not infer or validate.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Sequence, Union

from rdflib import Dataset, Graph, URIRef

from .errors import SourceError
from .graph import KnowledgeGraph, graph_name_for
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
    """``data`` parsed by rdflib after the checks of :mod:`rusgraph.inputs` (no entity
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
                          hint="the default engine reads it (pip install 'rusgraph[fast]' and leave "
                               "RUSGRAPH_ENGINE unset)") from None
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
    from .errors import EndpointError
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


def _expand(item: Source, key_root: Path | None = None) -> list[tuple[str, Graph | Path | str]]:
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


def _parse_any(thing: Graph | Path | str) -> Graph:
    if isinstance(thing, Graph):
        return thing
    if isinstance(thing, str):
        return parse_url(thing)
    return parse_file(thing)


def _split(parsed: Graph, name: URIRef) -> list[tuple[URIRef, Graph]]:
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


def _merge(items: Iterable[Source]) -> Graph:
    g = bind_prefixes(Graph())
    for item in items:
        for key, thing in _expand(item):
            for _name, part in _split(_parse_any(thing), graph_name_for(key)):
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
) -> KnowledgeGraph:
    """Load sources into a :class:`KnowledgeGraph`.

    ``None`` means "the bundled copy" and an empty sequence means "none". Each item may be
    a path to a file, a directory (expanded to its RDF files, sorted), an http(s) URL, or
    an ``rdflib.Graph``. The format comes from the file suffix (.ttl, .nt, .trig, .jsonld,
    .rdf/.owl/.xml). Raises SourceError naming the file and line when a source is bad.

    >>> kg = load()                       # bundled ontology, shapes and data
    >>> kg = load(["plan.ttl"])           # bundled ontology and shapes, only this data
    """
    onto_items = [bundled_dir("ontology")] if ontology is None else list(ontology)
    shape_items = [bundled_dir("shapes")] if shapes is None else list(shapes)
    data_items = bundled_data_sources() if data is None else list(data)

    from .engine import fast

    if fast():  # every file parsed once, by Oxigraph, into the store; rdflib graphs of parts when asked for
        from .fastload import fast_load

        return fast_load(data_items, onto_items, shape_items)
    parts: dict[URIRef, Graph] = {}
    names: list[str] = []
    for item in data_items:
        for key, thing in _expand(item):
            for name, g in _split(_parse_any(thing), graph_name_for(key)):
                if name in parts:
                    parts[name] = parts[name] + g
                else:
                    parts[name] = g
            names.append(str(thing) if not isinstance(thing, Graph) else key)
    return KnowledgeGraph(
        ontology=_merge(onto_items),
        parts=parts,
        shapes=_merge(shape_items),
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
