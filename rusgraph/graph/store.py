"""A KnowledgeGraph kept on disk between commands (``rusgraph --store DIR``).

Owns: an on-disk Oxigraph store in DIR and its manifest (``DIR/manifest.json``: for each
data file its path, SHA-256 of its bytes and its named graph; the same for the ontology and
shapes files). A second command on unchanged files opens the store and answers without
parsing the data again; a file whose bytes changed, a new file or a file no longer given is
found by its hash, and only its named graph is loaded again (or dropped); the query graph
is then rebuilt inside the store. It must not validate, infer or query (the store is a
KnowledgeGraph's ``backing`` like the in-memory one, see :mod:`rusgraph.graph.engine`).

The answers of SELECT queries (reports, ``query``) on a store without inferred triples are
kept in ``DIR/answers`` under the digest of the inputs, so the same report on unchanged
files is read back rather than computed again (:func:`rusgraph.graph.answers.kept_answer`).

Layout of the store: one named graph per data file (``graph/<key>``, as ``kg.parts``
names them), and the layout of :mod:`rusgraph.graph.engine` beside them: the default graph holds
the RDF merge of the data and the ontology (what queries read: in Oxigraph a union of named
graphs counts a triple held by two graphs twice), ``graph/ontology`` the ontology triples
that are not data triples. Inferred triples and the validation graph are made per command
and dropped when the store is opened again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any, Sequence

from .engine import INFERRED_PREFIX, VALIDATION_ONTOLOGY, Backing, LazyParts, finish_backing
from ..errors import RusgraphError, SourceError
from .knowledge import KnowledgeGraph, graph_name_for
from .resources import RDF_SUFFIXES

MANIFEST = "manifest.json"
LAYOUT = 1
OX_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG", "xml": "RDF_XML",
              "n3": "N3"}


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files(items: Sequence[tuple[str, Any]]) -> list[tuple[str, Path]]:
    """(key, file) of every expanded source; only local files can be kept."""
    out = []
    for key, thing in items:
        if not isinstance(thing, Path):
            raise RusgraphError("--store keeps local files only", where=str(key),
                                hint="download the data first, or run without --store")
        if not thing.is_file():
            raise SourceError("file not found", where=str(thing), hint="check the path")
        out.append((key, thing))
    return out


def _open(directory: Path) -> Any:
    import pyoxigraph as ox

    directory.mkdir(parents=True, exist_ok=True)
    try:
        return ox.Store(str(directory / "oxigraph"))
    except OSError as exc:
        raise RusgraphError(f"cannot open the store: {' '.join(str(exc).split())[:300]}", where=str(directory),
                            hint="another rusgraph command may be using it; wait for it, or use another "
                                 "--store directory") from None


def load_persistent(directory: str | Path, data: Sequence[tuple[str, Any]], *, ontology: Any, shapes: Any,
                    ontology_files: Sequence[Any]) -> KnowledgeGraph:
    """The KnowledgeGraph of ``data`` ((key, file) pairs, as ``sources.expand_source`` gives
    them) with the parsed ``ontology`` and ``shapes``, from the store in ``directory`` (made
    or brought up to date first); ``ontology_files`` are hashed to see a changed ontology."""
    import pyoxigraph as ox

    directory = Path(directory)
    files = _files(data)
    wanted = {str(path.resolve()): {"sha256": _digest(path), "graph": str(graph_name_for(key))}
              for key, path in files}
    names = list(dict.fromkeys(graph_name_for(key) for key, _path in files))  # files of one name share a graph
    ontology_digest = hashlib.sha256("".join(_digest(p) if isinstance(p, Path) else str(p)
                                             for p in ontology_files).encode()).hexdigest()
    manifest_path = directory / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    if manifest.get("layout") != LAYOUT:
        manifest = {}
    store = _open(directory)
    had = manifest.get("files", {})
    stale = had != wanted or manifest.get("ontology") != ontology_digest
    if stale:
        manifest_path.unlink(missing_ok=True)  # until the store is whole again
        shutil.rmtree(directory / "answers", ignore_errors=True)
    fresh = not manifest  # a new store: the query graph is filled file by file below
    if fresh:
        store.clear()
    # a graph is loaded again when any of its files changed, came or went
    dirty = {e["graph"] for p, e in had.items() if wanted.get(p) != e}
    dirty |= {e["graph"] for p, e in wanted.items() if had.get(p) != e}
    for graph in dirty:
        if store.contains_named_graph(ox.NamedNode(graph)):
            store.remove_graph(ox.NamedNode(graph))
    todo = []
    for key, path in files:
        name = graph_name_for(key)
        if str(name) not in dirty:
            continue
        fmt = RDF_SUFFIXES.get(path.suffix.lower())
        if fmt not in OX_FORMATS:
            raise RusgraphError(f"--store reads Turtle, N-Triples, N-Quads, TriG, N3 and RDF/XML, not {fmt}",
                                where=str(path), hint="convert the file, or run without --store")
        todo.append((path, fmt, ox.NamedNode(str(name))))
    failed: list[tuple[Path, str, Exception]] = []
    try:
        # one bulk load for all the files (the bulk loader's cost on disk is per call); a new
        # store gets each triple in its file's graph and in the query graph at once, the same
        # blank nodes in both
        store.bulk_extend(_parsed(todo, fresh, failed))
    except (SyntaxError, ValueError, OSError) as exc:
        if not failed:
            raise RusgraphError(f"cannot write the store: {' '.join(str(exc).split())[:300]}",
                                where=str(directory)) from None
    if failed:
        store.clear()  # the query graph may hold part of it: start anew next time
        path, fmt, exc = failed[0]
        line = getattr(exc, "lineno", None)
        raise SourceError(f"cannot parse {fmt}: {' '.join(str(exc).split())[:300]}",
                          where=f"{path}, line {line}" if line else str(path),
                          hint="fix the syntax at that place and run again")
    if stale and not fresh:
        _rebuild_query_graph(store, names)
    elif not stale:
        _drop_per_command_graphs(store)
    parts = LazyParts({name: [_reader(store, name)] for name in names})
    if stale:
        backing = finish_backing(store, parts, ontology)
        store.flush()
        store.optimize()  # compacted: queries on the store read about 1.6x faster (5 s of CPU, not 8, at 18k)
        tmp = manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"layout": LAYOUT, "files": wanted, "ontology": ontology_digest}, indent=1),
                       encoding="utf-8")
        tmp.replace(manifest_path)
    else:
        backing = Backing(store=store, parts=parts, ontology=ontology,
                          onto_graph=ox.NamedNode(str(graph_name_for("ontology"))))
    # SELECT answers on this store are kept beside it under the digest of the inputs; a new
    # digest (a changed file or ontology) leaves the old answers unread, and they are removed
    # with the next rebuild
    key = hashlib.sha256(json.dumps([wanted, ontology_digest], sort_keys=True).encode()).hexdigest()
    backing.answers = (directory / "answers" / key[:16], key)
    return KnowledgeGraph(ontology=ontology, parts=parts, shapes=shapes,
                          sources=tuple(str(p) for _k, p in files), backing=backing)


def _parsed(todo: Sequence[tuple[Path, str, Any]], fresh: bool, failed: list) -> Any:
    """The quads of every file in its own graph (and in the default graph when ``fresh``);
    a parse error is put into ``failed`` and ends the load."""
    import pyoxigraph as ox

    quad, default = ox.Quad, ox.DefaultGraph()
    for path, fmt, target in todo:
        try:
            for q in ox.parse(path=str(path), format=getattr(ox.RdfFormat, OX_FORMATS[fmt]),
                              base_iri=path.resolve().as_uri()):
                s, p, o = q.subject, q.predicate, q.object
                yield quad(s, p, o, target)
                if fresh:
                    yield quad(s, p, o, default)
        except (SyntaxError, ValueError) as exc:
            failed.append((path, fmt, exc))
            raise


def _drop_per_command_graphs(store: Any) -> None:
    for g in list(store.named_graphs()):
        if g.value.startswith(INFERRED_PREFIX) or g.value == VALIDATION_ONTOLOGY:
            store.remove_graph(g)


def _rebuild_query_graph(store: Any, names: Sequence[Any]) -> None:
    """The default graph anew: the merge of the data graphs (the ontology is added after),
    copied inside the store with one bulk load."""
    import pyoxigraph as ox

    _drop_per_command_graphs(store)
    onto = ox.NamedNode(str(graph_name_for("ontology")))
    if store.contains_named_graph(onto):
        store.remove_graph(onto)
    store.clear_graph(ox.DefaultGraph())
    quad, default = ox.Quad, ox.DefaultGraph()
    store.bulk_extend(quad(q.subject, q.predicate, q.object, default)
                      for name in names for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))))


def _reader(store: Any, name: Any) -> Any:
    def read() -> Any:
        import pyoxigraph as ox
        from rdflib import Graph

        from .engine import Converter

        conv = Converter()
        g = Graph()
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            g.add(conv.triple(q.subject, q.predicate, q.object))
        return g

    return read
