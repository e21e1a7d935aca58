"""Load sources into a KnowledgeGraph.

Owns: reading files, directories and URLs (format from the suffix or the server's
content type), putting the data into the KnowledgeGraph's Oxigraph store (local Turtle and
N-Triples straight from the file by Oxigraph's bulk loader), and turning parse failures into
SourceError with the file and line. With no
arguments it loads the bundled ontology, shapes and data. It must not infer or validate.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, Union

from rdflib import Dataset, Graph, URIRef

from .engine import Converter, LazyParts, add_rdflib_graph, finish_backing, new_store
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


def _short_reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300]


def parse_file(path: Path, fmt: str | None = None) -> Graph:
    """Parse one RDF file; SourceError names the file and line on failure."""
    if not path.exists():
        raise SourceError("file not found", where=str(path), hint="check the path")
    if path.is_dir():
        raise SourceError("expected a file, got a directory", where=str(path))
    fmt = fmt or _format_for(path.name)
    g = Dataset() if fmt in QUAD_FORMATS else Graph()
    try:
        with path.open("rb") as fh:
            g.parse(fh, format=fmt, publicID=path.resolve().as_uri())
    except SourceError:
        raise
    except Exception as exc:  # rdflib raises many unrelated types for bad input
        line = _line_of(exc)
        where = f"{path}, {line}" if line else str(path)
        raise SourceError(f"cannot parse {fmt}: {_short_reason(exc)}", where=where,
                          hint="fix the syntax at that place and run again") from exc
    return g


def parse_url(url: str, timeout: float = 30.0) -> Graph:
    """Fetch and parse an RDF document over HTTP(S)."""
    import urllib.error
    import urllib.request

    accept = "text/turtle, application/n-triples;q=0.9, application/ld+json;q=0.8, application/rdf+xml;q=0.7"
    req = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (http/https checked)
            body = resp.read()
            ctype = resp.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        raise SourceError(f"HTTP {exc.code} {exc.reason}", where=url, hint="check the URL") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SourceError(f"cannot fetch: {reason}", where=url, hint="check the URL and the network") from None
    by_type = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
        "application/rdf+xml": "xml",
        "application/trig": "trig",
    }
    fmt = by_type.get(ctype) or _format_for(url)
    g = Dataset() if fmt in QUAD_FORMATS else Graph()
    try:
        g.parse(data=body, format=fmt, publicID=url)
    except Exception as exc:
        line = _line_of(exc)
        raise SourceError(f"cannot parse {fmt}: {_short_reason(exc)}",
                          where=f"{url}, {line}" if line else url) from exc
    return g


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

    ``store``: a directory for an on-disk Oxigraph store (:mod:`rusgraph.store`); files whose
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

    # Oxigraph store first; rdflib graphs of the parts only when asked for
    kg = fast_load(data_items, onto_items, shape_items)
    if kg is not None:
        return kg
    return load_with_rdflib(data_items, ontology=onto_items, shapes=shape_items)


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


# ------------------------------------------------------- into the Oxigraph store

OX_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES"}


def has_blank_nodes(store: Any) -> bool:
    return bool(store.query("ASK { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }"))


def bulk_load_files(store: Any, files: Iterable[tuple[Path, str]]) -> None:
    """Load local Turtle / N-Triples files into the default graph (base IRI: the file's URI)."""
    import pyoxigraph as ox

    for path, fmt in files:
        store.bulk_load(path=str(path), format=getattr(ox.RdfFormat, OX_FORMATS[fmt]),
                        base_iri=path.resolve().as_uri())


def fast_load(data_items: list[Any], onto_items: list[Any], shape_items: list[Any]) -> Any:
    """``sources.load`` on the fast path: local Turtle and N-Triples data go straight into
    an Oxigraph store (rdflib parses them only if someone asks for ``kg.parts``); other
    sources (URLs, rdflib graphs, other formats) are parsed with rdflib as before and copied
    into the store. Returns None when the plain loader must run instead: a file Oxigraph
    cannot parse (the plain loader then reports it, or reads what rdflib accepts), or data
    with blank nodes (rdflib names them itself, and the store must use the same names).
    """
    from functools import partial

    loaders: dict[Any, list[Callable[[], Any]]] = {}
    names: list[str] = []
    files: list[tuple[Path, str]] = []
    copied: list[Any] = []
    for item in data_items:
        for key, thing in expand_source(item):
            name = graph_name_for(key)
            fmt = RDF_SUFFIXES.get(thing.suffix.lower()) if isinstance(thing, Path) else None
            if fmt in OX_FORMATS and thing.is_file():
                files.append((thing, fmt))
                loaders.setdefault(name, []).append(partial(_parse_part, thing, name))
            else:
                for part_name, g in split_dataset(parse_any(thing), name):
                    loaders.setdefault(part_name, []).append(partial(_same, g))
                    copied.append(g)
            names.append(str(thing) if not isinstance(thing, Graph) else key)
    store = new_store()
    try:
        bulk_load_files(store, files)
    except (SyntaxError, ValueError, OSError):
        return None
    if files and has_blank_nodes(store):
        return None
    conv = Converter()
    for g in copied:
        add_rdflib_graph(store, g, conv)
    ontology = merge_sources(onto_items)
    parts = LazyParts(loaders)
    return KnowledgeGraph(
        ontology=ontology,
        parts=parts,
        shapes=merge_sources(shape_items),
        sources=tuple(names),
        backing=finish_backing(store, parts, ontology),
    )


def _same(g: Any) -> Any:
    return g


def _parse_part(path: Path, name: Any) -> Any:
    graphs = [g for _n, g in split_dataset(parse_file(path), name)]
    g = graphs[0]
    for more in graphs[1:]:
        g += more
    return g
