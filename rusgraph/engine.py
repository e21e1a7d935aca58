"""The fast path: an Oxigraph store behind the same API, and the switch that chooses it.

Owns: which engine runs (``RUSGRAPH_ENGINE`` = ``auto`` | ``oxigraph`` | ``rdflib``, or
:func:`set_backend`), converting terms between pyoxigraph and rdflib, the in-memory Oxigraph
store a KnowledgeGraph is loaded into, SPARQL on that store with rows converted to rdflib
terms, a read-only rdflib-like view of the union for lookups (labels, districts), and
N-Triples export straight from the store. It must not validate or infer (see
``rusgraph.fastshacl`` and ``rusgraph.inference``).

Layout of the store (one per loaded graph, shared by the graphs ``infer`` derives from it):

- the default graph holds the data (every data part, merged: a triple found in two files
  is one triple, as in ``KnowledgeGraph.data``) and the ontology: what ``kg.union`` holds
  before inference. Queries read it alone (a union of graphs makes every triple pattern
  about 25% slower in Oxigraph);
- ``graph/ontology`` holds again the ontology triples that are not data triples (to count
  and export the data alone);
- ``urn:rusgraph:validation-ontology`` holds what pySHACL mixes into the data graph from the
  ontology (its "inoculation") that the default graph lacks; built on first validation;
- ``urn:rusgraph:inferred:N`` holds one inferred graph (never overlapping the asserted
  triples, because ``infer`` keeps only new triples).

Queries on an inferred graph run on the default graph and its inferred graph, passed to
Oxigraph as the default graph; the graphs are disjoint, so no solution is counted twice.

Known differences from the rdflib path (none occurs in rusgraph's own data): Oxigraph keeps
a literal's lexical form as written where rdflib normalises it ("01"^^xsd:integer is "1" in
rdflib); it lower-cases language tags; and it does not tell "x"^^xsd:string from "x" (both
come back as the plain literal "x", as rdflib parses "x").
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from .errors import RusgraphError

ENV_VAR = "RUSGRAPH_ENGINE"
BACKENDS: tuple[str, ...] = ("auto", "oxigraph", "rdflib")

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
VALIDATION_ONTOLOGY = "urn:rusgraph:validation-ontology"
INFERRED_PREFIX = "urn:rusgraph:inferred:"

_override: str | None = None
_found: dict[str, bool] = {}


# ------------------------------------------------------------------------- the switch


def _installed(module: str) -> bool:
    if module not in _found:
        _found[module] = importlib.util.find_spec(module) is not None
    return _found[module]


def set_backend(name: str | None) -> None:
    """Choose the engine for this process (None: back to ``RUSGRAPH_ENGINE``, default auto)."""
    global _override
    if name is not None and name not in BACKENDS:
        raise RusgraphError(f"unknown engine {name!r}", hint="use auto, oxigraph or rdflib")
    _override = name


def requested() -> str:
    name = (_override or os.environ.get(ENV_VAR) or "auto").strip().lower()
    if name not in BACKENDS:
        raise RusgraphError(f"unknown engine {name!r} in {ENV_VAR}", hint="use auto, oxigraph or rdflib")
    return name


def backend() -> str:
    """``oxigraph`` (pyoxigraph installed and not switched off) or ``rdflib``."""
    name = requested()
    if name == "rdflib":
        return "rdflib"
    if _installed("pyoxigraph"):
        return "oxigraph"
    if name == "oxigraph":
        raise RusgraphError(f"{ENV_VAR}=oxigraph, but pyoxigraph is not installed",
                            hint="pip install 'rusgraph[fast]', or unset " + ENV_VAR)
    return "rdflib"


def fast() -> bool:
    return backend() == "oxigraph"


def reasoner() -> str:
    """``owlrl`` when the plain path is asked for, else ``rules`` (rusgraph.rules: the
    ontology's fragment of OWL 2 RL compiled, pure Python; reasonable, else owlrl, runs
    schemas and data beyond it)."""
    return "owlrl" if requested() == "rdflib" else "rules"


def fallback_reasoner() -> str:
    """What runs OWL 2 RL on the fast path when the schema or data leave rules' fragment."""
    return "reasonable" if _installed("reasonable") else "owlrl"


def describe() -> dict[str, str]:
    """What runs each step, for benchmarks and ``--version``-style reports."""
    f = fast()
    return {
        "engine": backend(),
        "load": "pyoxigraph" if f else "rdflib",
        "sparql": "oxigraph" if f else "rdflib",
        "validate": "oxigraph+python (fastshacl)" if f else "pyshacl",
        "infer": "owlrl" if reasoner() == "owlrl" else f"rules (else {fallback_reasoner()})",
    }


# --------------------------------------------------------------------- term conversion


class Converter:
    """pyoxigraph <-> rdflib terms, with caches (IRIs and labels repeat a lot in results)."""

    def __init__(self) -> None:
        import pyoxigraph as ox
        from rdflib import BNode, Literal, URIRef

        self._ox = ox
        self._URIRef, self._BNode, self._Literal = URIRef, BNode, Literal
        self._named: dict[Any, Any] = {}
        self._lits: dict[Any, Any] = {}
        self._back: dict[Any, Any] = {}
        self._NamedNode, self._BlankNode, self._OxLiteral = ox.NamedNode, ox.BlankNode, ox.Literal

    def to_rdflib(self, term: Any) -> Any:
        if term is None:
            return None
        t = type(term)
        if t is self._NamedNode:
            r = self._named.get(term)
            if r is None:
                r = self._named[term] = self._URIRef(term.value)
            return r
        if t is self._OxLiteral:
            r = self._lits.get(term)
            if r is None:
                lang = term.language
                if lang:
                    r = self._Literal(term.value, lang=lang)
                else:
                    dt = term.datatype.value
                    if dt == XSD_STRING:
                        r = self._Literal(term.value)
                    else:
                        r = self._Literal(term.value, datatype=self._URIRef(dt))
                if len(self._lits) < 2_000_000:
                    self._lits[term] = r
            return r
        if t is self._BlankNode:
            return self._BNode(term.value)
        if t is self._ox.DefaultGraph:
            return None
        raise RusgraphError(f"cannot convert the term {term!r} to rdflib (RDF-star is not supported)")

    def triple(self, s: Any, p: Any, o: Any) -> tuple[Any, Any, Any]:
        f = self.to_rdflib
        return f(s), f(p), f(o)

    def to_ox(self, term: Any) -> Any:
        r = self._back.get(term)
        if r is not None:
            return r
        if isinstance(term, self._URIRef):
            r = self._NamedNode(str(term))
        elif isinstance(term, self._BNode):
            r = self._BlankNode(_bnode_id(str(term)))
        elif isinstance(term, self._Literal):
            if term.language:
                r = self._OxLiteral(str(term), language=term.language)
            elif term.datatype is not None:
                r = self._OxLiteral(str(term), datatype=self._NamedNode(str(term.datatype)))
            else:
                r = self._OxLiteral(str(term))
        else:
            raise RusgraphError(f"cannot convert the term {term!r} to Oxigraph")
        if len(self._back) < 2_000_000:
            self._back[term] = r
        return r


def _bnode_id(ident: str) -> str:
    """A blank-node id Oxigraph accepts (rdflib's are alphanumeric; others are hex-encoded)."""
    if ident and all(c.isascii() and (c.isalnum() or c in "_-") for c in ident) and ident[0].isalnum():
        return ident
    return "x" + ident.encode("utf-8").hex()


# -------------------------------------------------------------------------- the store


@dataclass
class Backing:
    """The Oxigraph store of one loaded KnowledgeGraph.

    ``parts`` and ``ontology`` are the very objects of the KnowledgeGraph that was loaded;
    a KnowledgeGraph made from it with other parts or another ontology (``replace``) does
    not match them and gets a store of its own.
    """

    store: Any
    parts: Any
    ontology: Any
    onto_graph: Any = None
    validation_ontology: Any = None  # the NamedNode, once built
    inferred: dict[int, tuple[Any, Any]] = field(default_factory=dict)  # id(graph) -> (graph, NamedNode)
    lock: Any = field(default_factory=threading.RLock)
    counter: Any = field(default_factory=itertools.count)

    def matches(self, kg: Any) -> bool:
        return self.parts is kg.parts and self.ontology is kg.ontology

    def inferred_graph(self, graph: Any, quads: Iterable[Any] | None = None) -> Any:
        """The named graph holding ``graph`` (an rdflib inferred graph), added on first use."""
        import pyoxigraph as ox

        with self.lock:
            known = self.inferred.get(id(graph))
            if known is not None and known[0] is graph:
                return known[1]
            name = ox.NamedNode(f"{INFERRED_PREFIX}{next(self.counter)}")
            if quads is None:
                conv = Converter()
                quads = (ox.Quad(conv.to_ox(s), conv.to_ox(p), conv.to_ox(o), name) for s, p, o in graph)
            self.store.bulk_extend(quads)
            self.inferred[id(graph)] = (graph, name)
            return name

    def add_inferred(self, triples: Iterable[tuple[Any, Any, Any]]) -> Any:
        """A new named graph holding ``triples`` (rdflib terms); returns its name. The
        inferred triples of the compiled rules go straight into the store this way: no
        rdflib Graph is built for them."""
        import pyoxigraph as ox

        with self.lock:
            name = ox.NamedNode(f"{INFERRED_PREFIX}{next(self.counter)}")
            t = Converter().to_ox
            self.store.bulk_extend(ox.Quad(t(s), t(p), t(o), name) for s, p, o in triples)
            self.store.add_graph(name)
            return name

    def triples_of(self, name: Any) -> Iterator[tuple[Any, Any, Any]]:
        """The triples of the named graph ``name`` as rdflib terms."""
        triple = Converter().triple
        for q in self.store.quads_for_pattern(None, None, None, name):
            yield triple(q.subject, q.predicate, q.object)

    def size_of(self, name: Any) -> int:
        res = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=name)
        return int(next(iter(res))[0].value)

    def validation_graph(self, ontology: Any) -> Any:
        """The named graph with pySHACL's inoculation of ``ontology`` (less the data triples)."""
        import pyoxigraph as ox

        with self.lock:
            if self.validation_ontology is None:
                from .fastshacl import inoculation

                name = ox.NamedNode(VALIDATION_ONTOLOGY)
                _add_minus_data(self.store, inoculation(ontology), name)
                self.validation_ontology = name
            return self.validation_ontology


def _add_minus_data(store: Any, graph: Any, name: Any) -> None:
    """Add the triples of rdflib ``graph`` to the named graph ``name`` unless the default graph has them."""
    import pyoxigraph as ox

    conv = Converter()
    default = ox.DefaultGraph()
    quads = []
    for s, p, o in graph:
        s2, p2, o2 = conv.to_ox(s), conv.to_ox(p), conv.to_ox(o)
        if ox.Quad(s2, p2, o2, default) in store:
            continue
        quads.append(ox.Quad(s2, p2, o2, name))
    store.extend(quads)
    store.add_graph(name)


def new_store() -> Any:
    import pyoxigraph as ox

    return ox.Store()


def add_rdflib_graph(store: Any, graph: Any, conv: Converter | None = None) -> None:
    """Add an rdflib graph's triples to the store's default graph."""
    import pyoxigraph as ox

    conv = conv or Converter()
    t = conv.to_ox
    default = ox.DefaultGraph()
    store.bulk_extend(ox.Quad(t(s), t(p), t(o), default) for s, p, o in graph)


def finish_backing(store: Any, parts: Any, ontology: Any) -> Backing:
    """Add the ontology (less the data triples) to a store whose default graph holds the data."""
    import pyoxigraph as ox

    name = ox.NamedNode("https://w3id.org/rusgraph/graph/ontology")
    _add_minus_data(store, ontology, name)
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                      for q in store.quads_for_pattern(None, None, None, name))
    return Backing(store=store, parts=parts, ontology=ontology, onto_graph=name)


def has_blank_nodes(store: Any) -> bool:
    return bool(store.query("ASK { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }"))


OX_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES"}


def bulk_load_files(store: Any, files: Iterable[tuple[Path, str]]) -> None:
    """Load local Turtle / N-Triples files into the default graph (base IRI: the file's URI)."""
    import pyoxigraph as ox

    for path, fmt in files:
        store.bulk_load(path=str(path), format=getattr(ox.RdfFormat, OX_FORMATS[fmt]),
                        base_iri=path.resolve().as_uri())


class LazyParts(Mapping):
    """Named-graph IRI -> rdflib Graph, each parsed with rdflib only when first asked for.

    The fast loader puts the data into the Oxigraph store at once; rdflib graphs of the
    parts are only needed by code that works on rdflib graphs (export of named graphs,
    push, district slices), and are parsed from the same files then.
    """

    def __init__(self, loaders: dict[Any, list[Callable[[], Any]]]):
        self._loaders = loaders
        self._graphs: dict[Any, Any] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: Any) -> Any:
        if name not in self._loaders:
            raise KeyError(name)
        with self._lock:
            g = self._graphs.get(name)
            if g is None:
                graphs = [load() for load in self._loaders[name]]
                g = graphs[0]
                for more in graphs[1:]:
                    g = g + more
                self._graphs[name] = g
            return g

    def __iter__(self) -> Iterator[Any]:
        return iter(self._loaders)

    def __len__(self) -> int:
        return len(self._loaders)

    def materialised(self) -> bool:
        return len(self._graphs) == len(self._loaders)


# ---------------------------------------------------------------------------- views


@dataclass
class View:
    """One KnowledgeGraph's graphs in the store: what queries and validation read."""

    backing: Backing
    inferred: Any = None  # NamedNode of the inferred graph, or None

    @property
    def store(self) -> Any:
        return self.backing.store

    def query_graphs(self) -> list[Any]:
        import pyoxigraph as ox

        graphs = [ox.DefaultGraph()]  # data and ontology
        if self.inferred is not None:
            graphs.append(self.inferred)
        return graphs

    def validation_graphs(self, ontology: Any, include_inferred: bool = True) -> list[Any]:
        """Data + (inferred) + ontology + the inoculation's blank-node copies: pySHACL's data
        graph plus the ontology triples pySHACL leaves out (rusgraph.fastshacl checks that
        the shapes cannot see those)."""
        import pyoxigraph as ox

        graphs = [ox.DefaultGraph(), self.backing.validation_graph(ontology)]
        if include_inferred and self.inferred is not None:
            graphs.append(self.inferred)
        return graphs

    def query(self, text: str, graphs: list[Any] | None = None, substitutions: Mapping[str, Any] | None = None) -> Any:
        import pyoxigraph as ox

        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()} or None
        return self.store.query(text, default_graph=graphs if graphs is not None else self.query_graphs(),
                                named_graphs=[], substitutions=subs)


_VIEW_KEY = "_rusgraph_view"


def view(kg: Any, inferred_quads: Iterable[Any] | None = None) -> View:
    """The store view of ``kg``, built on first use and kept on the KnowledgeGraph."""
    cached = kg.__dict__.get(_VIEW_KEY)
    if cached is not None:
        return cached
    backing = getattr(kg, "backing", None)
    if not (isinstance(backing, Backing) and backing.matches(kg)):
        store = new_store()
        add_rdflib_graph(store, kg.data)
        backing = finish_backing(store, kg.parts, kg.ontology)
    inferred = None
    src = kg.inferred_source
    if src is not None and not _is_rdflib_graph(src) and kg.backing is backing:
        inferred = src  # already in this store (the compiled rules wrote it there)
    elif kg.inferred_count():
        inferred = backing.inferred_graph(kg.inferred, inferred_quads)
    v = View(backing, inferred)
    kg.__dict__[_VIEW_KEY] = v  # KnowledgeGraph is frozen; its __dict__ holds cached values
    return v


def _is_rdflib_graph(thing: Any) -> bool:
    from rdflib import Graph

    return isinstance(thing, Graph)


def has_store(kg: Any) -> bool:
    """Whether ``kg`` already has an Oxigraph store (loaded fast, or viewed before)."""
    if kg.__dict__.get(_VIEW_KEY) is not None:
        return True
    backing = getattr(kg, "backing", None)
    return isinstance(backing, Backing) and backing.matches(kg)


def data_size(kg: Any) -> int:
    """Number of data triples, from the store when there is one (no rdflib parse)."""
    if has_store(kg):
        v = view(kg)
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        n = int(next(iter(v.query(count, graphs=[_default()])))[0].value)
        return n - int(next(iter(v.query(count, graphs=[v.backing.onto_graph])))[0].value)
    return len(kg.data)


def _default() -> Any:
    import pyoxigraph as ox

    return ox.DefaultGraph()


# --------------------------------------------------------------------------- queries


def run_query(kg: Any, text: str, bindings: Mapping[str, Any]) -> Any:
    """Run SPARQL ``text`` on ``kg``'s store with ``bindings`` (rdflib terms) bound.

    Returns ``(kind, vars, rows, boolean, graph)`` with rdflib terms, or None when Oxigraph
    cannot run the query (a syntax it does not take, DESCRIBE): the caller then runs it on
    rdflib, which gives the same answers or the error users know.
    """
    import pyoxigraph as ox

    from .errors import QueryError
    from .queries import inject_values

    # Bound as a VALUES block at the start of the outer WHERE group, as for endpoints
    # (pyoxigraph's substitutions only take projected variables).
    try:
        text = inject_values(text, bindings)
    except QueryError:
        return None
    v = view(kg)
    conv = Converter()
    try:
        res = v.query(text)
    except (SyntaxError, ValueError, OSError, RuntimeError):
        return None
    if isinstance(res, ox.QuerySolutions):
        vars_ = tuple(var.value for var in res.variables)
        n = len(vars_)
        f = conv.to_rdflib
        rows = tuple(tuple(f(sol[i]) for i in range(n)) for sol in res)
        return ("select", vars_, rows, None, None)
    if isinstance(res, ox.QueryBoolean):
        return ("ask", (), (), bool(res), None)
    from rdflib import Graph

    from .namespaces import bind_prefixes

    if _is_describe(text):
        return None
    g = bind_prefixes(Graph())
    for t in res:
        g.add(conv.triple(t.subject, t.predicate, t.object))
    return ("construct", (), (), None, g)


def _is_describe(text: str) -> bool:
    import re

    from .queries import _strip_comments

    return re.search(r"\bDESCRIBE\b", _strip_comments(text), re.I) is not None


# ----------------------------------------------------------------- read-only graph view


class StoreGraph:
    """The parts of rdflib's Graph API that lookups use (value, subjects, objects,
    subject_objects, predicate_objects, triples, ``in``), answered from the store.

    It reads the union of the KnowledgeGraph (ontology, data, inferred) like ``kg.union``.
    """

    def __init__(self, kg: Any):
        from rdflib import Graph

        from .namespaces import bind_prefixes

        self._view = view(kg)
        self._graphs = self._view.query_graphs()
        self._conv = Converter()
        self.namespace_manager = bind_prefixes(Graph()).namespace_manager

    def _ox(self, term: Any) -> Any:
        return None if term is None else self._conv.to_ox(term)

    def triples(self, pattern: tuple[Any, Any, Any]) -> Iterator[tuple[Any, Any, Any]]:
        s, p, o = (self._ox(t) for t in pattern)
        store = self._view.store
        conv = self._conv
        seen: set | None = set() if len(self._graphs) > 1 else None
        for g in self._graphs:
            for q in store.quads_for_pattern(s, p, o, g):
                t = (q.subject, q.predicate, q.object)
                if seen is not None:
                    if t in seen:
                        continue
                    seen.add(t)
                yield conv.triple(*t)

    def __iter__(self) -> Iterator[tuple[Any, Any, Any]]:
        return self.triples((None, None, None))

    def __contains__(self, triple: tuple[Any, Any, Any]) -> bool:
        return next(iter(self.triples(triple)), None) is not None

    def value(self, subject: Any = None, predicate: Any = None, object: Any = None, default: Any = None,
              any: bool = True) -> Any:  # noqa: A002 (rdflib's names)
        for s, p, o in self.triples((subject, predicate, object)):
            if subject is None:
                return s
            if predicate is None:
                return p
            return o
        return default

    def subjects(self, predicate: Any = None, object: Any = None, unique: bool = False) -> Iterator[Any]:
        for s, _, _ in self.triples((None, predicate, object)):
            yield s

    def objects(self, subject: Any = None, predicate: Any = None, unique: bool = False) -> Iterator[Any]:
        for _, _, o in self.triples((subject, predicate, None)):
            yield o

    def predicates(self, subject: Any = None, object: Any = None, unique: bool = False) -> Iterator[Any]:
        for _, p, _ in self.triples((subject, None, object)):
            yield p

    def subject_objects(self, predicate: Any = None, unique: bool = False) -> Iterator[tuple[Any, Any]]:
        for s, _, o in self.triples((None, predicate, None)):
            yield s, o

    def predicate_objects(self, subject: Any = None, unique: bool = False) -> Iterator[tuple[Any, Any]]:
        for _, p, o in self.triples((subject, None, None)):
            yield p, o

    def subject_predicates(self, object: Any = None, unique: bool = False) -> Iterator[tuple[Any, Any]]:
        for s, p, _ in self.triples((None, None, object)):
            yield s, p


def lookup_graph(kg: Any) -> Any:
    """A graph to look things up in (labels, districts): the store view on the fast path,
    else ``kg.union``."""
    if fast() and not _rdflib_union_built(kg):
        return StoreGraph(kg)
    return kg.union


def _rdflib_union_built(kg: Any) -> bool:
    return "union" in kg.__dict__ and not has_store(kg)


# ---------------------------------------------------------------------------- export


def ntriples(kg: Any, *, with_inferred: bool = False) -> str:
    """Ontology + data (+ inferred) as N-Triples straight from the store (the triples
    rdflib's export writes)."""
    buf = io.BytesIO()
    dump_ntriples(kg, buf, with_inferred=with_inferred)
    return buf.getvalue().decode("utf-8")


def dump_ntriples(kg: Any, output: Any, *, with_inferred: bool = False) -> None:
    """:func:`ntriples` written to the binary file ``output`` as the store streams it (no
    copy of the whole text in memory)."""
    import pyoxigraph as ox

    v = view(kg)
    graphs = [ox.DefaultGraph()]
    if with_inferred and v.inferred is not None:
        graphs.append(v.inferred)
    for g in graphs:
        v.store.dump(output, format=ox.RdfFormat.N_TRIPLES, from_graph=g)


# ---------------------------------------------------------------------------- loading


def fast_load(data_items: list[Any], onto_items: list[Any], shape_items: list[Any]) -> Any:
    """``sources.load`` on the fast path: local Turtle and N-Triples data go straight into
    an Oxigraph store (rdflib parses them only if someone asks for ``kg.parts``); other
    sources (URLs, rdflib graphs, other formats) are parsed with rdflib as before and copied
    into the store. Returns None when the plain loader must run instead: a file Oxigraph
    cannot parse (the plain loader then reports it, or reads what rdflib accepts), or data
    with blank nodes (rdflib names them itself, and the store must use the same names).
    """
    from functools import partial

    from rdflib import Graph

    from .graph import KnowledgeGraph, graph_name_for
    from .resources import RDF_SUFFIXES
    from .sources import _expand, _merge, _parse_any, _split

    loaders: dict[Any, list[Callable[[], Any]]] = {}
    names: list[str] = []
    files: list[tuple[Path, str]] = []
    copied: list[Any] = []
    for item in data_items:
        for key, thing in _expand(item):
            name = graph_name_for(key)
            fmt = RDF_SUFFIXES.get(thing.suffix.lower()) if isinstance(thing, Path) else None
            if fmt in OX_FORMATS and thing.is_file():
                files.append((thing, fmt))
                loaders.setdefault(name, []).append(partial(_parse_part, thing, name))
            else:
                for part_name, g in _split(_parse_any(thing), name):
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
    ontology = _merge(onto_items)
    parts = LazyParts(loaders)
    return KnowledgeGraph(
        ontology=ontology,
        parts=parts,
        shapes=_merge(shape_items),
        sources=tuple(names),
        backing=finish_backing(store, parts, ontology),
    )


def _same(g: Any) -> Any:
    return g


def _parse_part(path: Path, name: Any) -> Any:
    from .sources import _split, parse_file

    graphs = [g for _n, g in _split(parse_file(path), name)]
    g = graphs[0]
    for more in graphs[1:]:
        g += more
    return g
