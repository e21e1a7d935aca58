"""The Oxigraph store under every KnowledgeGraph.

Owns: converting terms between pyoxigraph and rdflib, the Oxigraph store a KnowledgeGraph
is loaded into (in memory, or on disk with :mod:`rusgraph.graph.store`), SPARQL on that store with rows converted to rdflib
terms (answers kept beside an on-disk store live in :mod:`.answers`), and N-Triples export
straight from the store; the rdflib-like view for lookups is :mod:`.lookup`. It must not validate or infer (see
``rusgraph.validation.compiled`` and ``rusgraph.inference.reasoner``).

Layout of the store (one per loaded graph, shared by the graphs ``infer`` derives from it):

- the default graph holds the data (every data part, merged: a triple found in two files
  is one triple, as in ``KnowledgeGraph.data``) and the ontology: what ``kg.union`` holds
  before inference. Queries read it alone. The data is not kept as one named graph per
  file because Oxigraph (0.5) does not merge a union of graphs: a triple in two listed
  default graphs, or in two graphs under ``use_default_graph_as_union``, is matched twice,
  so every count over data repeated across files (labels, shared units) would be too high;
  a union of graphs also makes every triple pattern about 25% slower. Each file's own
  graph (``kg.parts``) is built when code that needs it asks (named-graph exports, push);
- ``graph/ontology`` holds again the ontology triples that are not data triples (to count
  and export the data alone);
- ``urn:rusgraph:validation-ontology`` holds what pySHACL mixes into the data graph from the
  ontology (its "inoculation") that the default graph lacks; built on first validation;
- ``urn:rusgraph:inferred:N`` holds one inferred graph (never overlapping the asserted
  triples, because ``infer`` keeps only new triples).

Queries on an inferred graph run on the default graph and its inferred graph, passed to
Oxigraph as the default graph; the graphs are disjoint, so no solution is counted twice.

The reference engines (pySHACL, owlrl, and rdflib's SPARQL in the tests) read rdflib graphs
built from the store when asked for. Known differences from rdflib (none occurs in rusgraph's own data): Oxigraph keeps
a literal's lexical form as written where rdflib normalises it ("01"^^xsd:integer is "1" in
rdflib); it lower-cases language tags; and it does not tell "x"^^xsd:string from "x" (both
come back as the plain literal "x", as rdflib parses "x").
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

from ..errors import RusgraphError
from .answers import keep_answer, kept_answer

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
VALIDATION_ONTOLOGY = "urn:rusgraph:validation-ontology"
INFERRED_PREFIX = "urn:rusgraph:inferred:"

_found: dict[str, bool] = {}


# ------------------------------------------------------------------------ what runs


def installed(module: str) -> bool:
    if module not in _found:
        _found[module] = importlib.util.find_spec(module) is not None
    return _found[module]


def fallback_reasoner() -> str:
    """What runs OWL 2 RL when the schema or data leave rusgraph.inference.rules' fragment."""
    return "reasonable" if installed("reasonable") else "owlrl"


def describe() -> dict[str, str]:
    """What runs each step, for benchmarks and reports."""
    return {
        "engine": "oxigraph",
        "load": "pyoxigraph",
        "sparql": "oxigraph",
        "validate": "oxigraph+python (compiled shapes)",
        "infer": f"rules (else {fallback_reasoner()})",
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
    # (directory, key) where SELECT answers on this store are kept (rusgraph.graph.store), or None
    answers: Any = None
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
        inferred triples of the reasoner fallback go straight into the store this way: no
        rdflib Graph is built for them."""
        import pyoxigraph as ox

        t = Converter().to_ox
        return self.add_inferred_quads(lambda name: (ox.Quad(t(s), t(p), t(o), name) for s, p, o in triples))

    def add_inferred_quads(self, quads: Callable[[Any], Iterable[Any]]) -> Any:
        """A new named graph holding the pyoxigraph quads ``quads(name)`` gives for its
        name; returns the name (the compiled rules write their delta this way)."""
        import pyoxigraph as ox

        with self.lock:
            name = ox.NamedNode(f"{INFERRED_PREFIX}{next(self.counter)}")
            self.store.bulk_extend(quads(name))
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

    def validation_graph(self, inoculation: Callable[[], Any]) -> Any:
        """The named graph with pySHACL's inoculation of the ontology (less the data
        triples); ``inoculation()`` gives it as an rdflib graph on first use."""
        import pyoxigraph as ox

        with self.lock:
            if self.validation_ontology is None:
                name = ox.NamedNode(VALIDATION_ONTOLOGY)
                _add_minus_data(self.store, inoculation(), name)
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

    def validation_graphs(self, inoculation: Callable[[], Any], include_inferred: bool = True) -> list[Any]:
        """Data + (inferred) + ontology + the inoculation's blank-node copies: pySHACL's data
        graph plus the ontology triples pySHACL leaves out (rusgraph.validation.compiled checks that
        the shapes cannot see those)."""
        import pyoxigraph as ox

        graphs = [ox.DefaultGraph(), self.backing.validation_graph(inoculation)]
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


def run_query(kg: Any, text: str, *, describe: bool = False) -> Any:
    """Run SPARQL ``text`` (parameters already bound in it, see ``queries.inject_values``)
    on ``kg``'s store.

    Returns ``(kind, vars, rows, boolean, graph)`` with rdflib terms, or None when Oxigraph
    cannot run the query (a syntax it does not take, or a DESCRIBE, which the caller says):
    the caller then runs it on rdflib, which gives the same answers or the error users know.
    """
    import pyoxigraph as ox

    if describe:
        return None
    v = view(kg)
    kept = v.backing.answers if v.inferred is None else None
    if kept is not None:
        hit = kept_answer(kept, text)
        if hit is not None:
            return hit
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
        if kept is not None:
            keep_answer(kept, text, vars_, rows)
        return ("select", vars_, rows, None, None)
    if isinstance(res, ox.QueryBoolean):
        return ("ask", (), (), bool(res), None)
    from rdflib import Graph

    from .namespaces import bind_prefixes

    g = bind_prefixes(Graph())
    for t in res:
        g.add(conv.triple(t.subject, t.predicate, t.object))
    return ("construct", (), (), None, g)


# ---------------------------------------------------------------------------- export


def ntriples(kg: Any, *, with_inferred: bool = False) -> str:
    """Ontology + data (+ inferred) as N-Triples straight from the store (the triples
    rdflib's export writes)."""
    buf = io.BytesIO()
    dump_ntriples(kg, buf, with_inferred=with_inferred)
    return buf.getvalue().decode("utf-8")


def inferred_in_store(kg: Any) -> bool:
    """Whether ``kg``'s inferred triples are in its store already (the compiled rules put them
    there), so that they can be dumped without reading them into rdflib. owlrl's output
    (the reference, or with trivia kept) is an rdflib Graph and may hold triples a store
    cannot (a literal as subject)."""
    src = kg.inferred_source
    return src is not None and not _is_rdflib_graph(src) and has_store(kg)


def dump_ntriples(kg: Any, output: Any, *, with_inferred: bool = False, only_inferred: bool = False) -> None:
    """:func:`ntriples` written to the binary file ``output`` as the store streams it (no
    copy of the whole text in memory); with ``only_inferred`` the inferred triples alone
    (what ``kg.inferred`` holds, without reading them into rdflib)."""
    import pyoxigraph as ox

    v = view(kg)
    graphs = [] if only_inferred else [ox.DefaultGraph()]
    if (with_inferred or only_inferred) and v.inferred is not None:
        graphs.append(v.inferred)
    for g in graphs:
        v.store.dump(output, format=ox.RdfFormat.N_TRIPLES, from_graph=g)
