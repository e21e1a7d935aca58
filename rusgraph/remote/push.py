"""Push a KnowledgeGraph into a SPARQL store, one named graph per part, atomically per graph.

Owns: which graphs a push writes and in what order, batching (triples sharing a blank node
stay together; batches a store refuses as too large are split), how a graph is replaced
(staged under STAGING_BASE, then copied over the old one in one operation and checked),
blank nodes in SPARQL Update, --prune, and the account of what was and was not written
(PushResult, PushError). It must not speak HTTP itself (the Endpoint sends every
request through the one transport that queries use, credentials and the store's Digest or
Basic challenge included; :mod:`.answers` turns failures into EndpointErrors), format output
or touch graphs outside https://w3id.org/rusgraph/.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from rdflib import BNode, Graph

from ..errors import EndpointError
from ..graph.knowledge import INFERRED_GRAPH, ONTOLOGY_GRAPH, KnowledgeGraph
from ..graph.namespaces import BASE
from .answers import http_error
from .endpoint import GRAPH_BASE, NO_GSP, Endpoint, plain_iri, redact

log = logging.getLogger(__name__)

#: Where a replacing push stages a graph before copying it over the old one. Outside
#: GRAPH_BASE, so no reader's dataset (``graphs="auto"``) ever includes a staging graph.
STAGING_BASE = BASE + "staging/"
#: How often a replacement is copied again when the graph turns out changed by a concurrent
#: push right after the copy (see :func:`_put_in_place`).
SETTLE_TRIES = 6
# A write the store gave up as a deadlock victim (Virtuoso "40001 Error SR172: Transaction
# deadlocked", two pushes writing at once) was rolled back whole, so it is sent again, at most
# this many times in all, after a random pause; then the push fails with the store's message.
# Virtuoso's race on registering a language tag or datatype new to the database ("SR197: Non
# unique primary key on DB.DBA.RDF_LANGUAGE", openlink/virtuoso-opensource#1329) passes once
# one of the two has registered it; such a write is sent again only where sending it twice
# writes the same (a PUT, or triples without blank nodes), since it may have written part.
WRITE_TRIES = 5


@dataclass(frozen=True)
class GraphWrite:
    """One named graph written by :func:`push`."""

    graph: str
    triples: int
    method: str  # "gsp-post", "gsp-put", "update-insert", "update-replace"
    requests: int = 1


@dataclass(frozen=True)
class GraphFailure:
    """A named graph :func:`push` could not write (``written`` triples may have landed)."""

    graph: str
    triples: int
    reason: str
    written: int = 0


@dataclass(frozen=True)
class PushResult:
    """What :func:`push` did: graphs written (with triple counts), the method, failures."""

    endpoint: str
    method: str  # "graph-store" or "sparql-update"
    replace: bool
    written: tuple[GraphWrite, ...] = ()
    failed: tuple[GraphFailure, ...] = ()
    not_attempted: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()  # with prune: rusgraph graphs this push did not write, removed

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_attempted

    @property
    def triples(self) -> int:
        return sum(w.triples for w in self.written)

    def summary(self) -> str:
        """A plain account of what was written and what was not, one graph a line."""
        how = "Graph Store Protocol" if self.method == "graph-store" else "SPARQL Update"
        mode = "replacing each graph" if self.replace else "appending"
        lines = [f"wrote {len(self.written)} graph(s), {self.triples} triples, by {how}, {mode} ({self.endpoint})"]
        for w in self.written:
            note = " (replaced: it holds blank nodes)" if w.method in ("gsp-put", "update-replace") and not self.replace else ""
            lines.append(f"  written      {w.graph}  {w.triples} triples{note}")
        for f in self.failed:
            part = f", {f.written} of {f.triples} triples written before the failure" if f.written else ""
            lines.append(f"  FAILED       {f.graph}  {f.triples} triples{part}: {f.reason}")
        for g in self.not_attempted:
            lines.append(f"  not written  {g}")
        for g in self.dropped:
            lines.append(f"  dropped      {g}  (a rusgraph graph this push did not write)")
        return "\n".join(lines)


class PushError(EndpointError):
    """A push stopped part-way; ``result`` says which graphs were written and which not."""

    def __init__(self, result: PushResult):
        self.result = result
        super().__init__(
            "push did not finish: " + result.summary(),
            hint="fix the cause and run the same push again: appending triples that are already "
                 "there changes nothing, and graphs with blank nodes are replaced, never doubled")



# --------------------------------------------------------------------------------- batches


def _has_bnodes(g: Graph) -> bool:
    return any(isinstance(t, BNode) for triple in g for t in triple)


def _batches(g: Graph, size: int) -> list[list[tuple]]:
    """Triples in batches of about ``size``; triples that share a blank node stay together
    (a blank node label is scoped to one request, so splitting them would split the node)."""
    parent: dict[Any, Any] = {}

    def find(x: Any) -> Any:
        while parent.setdefault(x, x) is not x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    plain: list[tuple] = []
    linked: list[tuple] = []
    for t in g:
        bn = [x for x in (t[0], t[2]) if isinstance(x, BNode)]
        if not bn:
            plain.append(t)
            continue
        linked.append(t)
        for b in bn[1:]:
            ra, rb = find(bn[0]), find(b)
            if ra is not rb:
                parent[ra] = rb
    groups: dict[Any, list[tuple]] = {}
    for t in linked:
        b = t[0] if isinstance(t[0], BNode) else t[2]
        groups.setdefault(find(b), []).append(t)
    units = [[t] for t in sorted(plain)] + sorted(groups.values(), key=min)
    out: list[list[tuple]] = []
    current: list[tuple] = []
    for unit in units:
        if current and len(current) + len(unit) > size:
            out.append(current)
            current = []
        current.extend(unit)
    if current:
        out.append(current)
    return out


def _ntriples(triples: Sequence[tuple]) -> bytes:
    g = Graph()
    for t in triples:
        g.add(t)
    data = g.serialize(format="nt", encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


def graphs_to_push(kg: KnowledgeGraph, *, with_inferred: bool = False) -> list[tuple[str, Graph]]:
    """(graph IRI, graph) in push order: the ontology, each data part, inferred if asked."""
    out = []
    if len(kg.ontology):
        out.append((str(ONTOLOGY_GRAPH), kg.ontology))
    for name in sorted(kg.parts, key=str):
        if len(kg.parts[name]):
            out.append((str(name), kg.parts[name]))
    if with_inferred and kg.inferred_count():
        out.append((str(INFERRED_GRAPH), kg.inferred))
    for name, _ in out:
        if not plain_iri(name):
            raise EndpointError(f"cannot push a graph named {name!r}: not a plain IRI")
    return out




def _graph_of(triples: Sequence[tuple]) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def _insert(graph: str, batch: Sequence[tuple]) -> str:
    """SPARQL Update text adding ``batch`` to ``graph``. Batches with blank nodes go as an
    ``INSERT { ... } WHERE { }`` template (standard SPARQL 1.1: one fresh blank node per label
    for the one empty solution), because Virtuoso rejects blank nodes in ``INSERT DATA``
    ("SP031 ... not allowed in a constant clause"); all other batches as ``INSERT DATA``."""
    body = _ntriples(batch).decode("utf-8")
    if any(isinstance(t, BNode) for triple in batch for t in triple):
        return f"INSERT {{ GRAPH <{graph}> {{\n{body}}} }} WHERE {{ }}"
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}"


def _deadlocked(status: int, detail: str) -> bool:
    """The store rolled the request back as a deadlock victim (SQLSTATE 40001; Virtuoso SR172)."""
    return status >= 500 and ("SR172" in detail or ("40001" in detail and "deadlock" in detail.lower()))


def _registration_race(status: int, detail: str) -> bool:
    """Virtuoso lost the race to register a new language tag or datatype (SR197/SR175 on
    RDF_LANGUAGE or RDF_DATATYPE): the next try finds it registered."""
    return (status >= 500 and ("SR197" in detail or "SR175" in detail)
            and ("RDF_LANGUAGE" in detail or "RDF_DATATYPE" in detail))


def _too_large(status: int, detail: str) -> bool:
    """The store refused a request for its size: HTTP 413, or Virtuoso's SP031 "The length of
    generated SQL text has exceeded 10000 lines of code" (about 1,200 triples of INSERT DATA)."""
    return status == 413 or (status in (400, 500) and "has exceeded" in detail)


class _NoGraphStore(Exception):
    def __init__(self, status: int):
        self.status = status


class _Writer:
    """Writes one graph's batches for :func:`push`, counting requests and triples written."""

    def __init__(self, endpoint: Endpoint, first_of_push: bool):
        self.endpoint = endpoint
        self.first_of_push = first_of_push
        self.requests = 0
        self.done = 0

    def write(self, request: Callable[[], tuple[int, str]], repeatable: bool = True) -> tuple[int, str]:
        """``request()``, sent again after a random pause while the store rolls it back as a
        deadlock victim, or, when sending it twice writes the same (``repeatable``), while it
        loses Virtuoso's registration race (at most WRITE_TRIES in all); counted as requests."""
        attempt = 0
        while True:
            status, detail = request()
            self.requests += 1
            attempt += 1
            again = _deadlocked(status, detail) or (repeatable and _registration_race(status, detail))
            if not again or attempt == WRITE_TRIES:
                return status, detail
            pause = random.uniform(0.05, 0.25) * 2 ** attempt
            log.info("the store failed a write for a passing cause (%s); sending it again in %.2f s",
                     detail[:120], pause)
            time.sleep(pause)

    def check(self, status: int, detail: str, url: str | None, action: str = "write") -> None:
        if status >= 300:
            raise http_error(status, redact(url or ""), action, detail, self.endpoint.has_credentials)

    def send(self, batches: Sequence[list[tuple]], request: Callable[[list[tuple], bool], tuple[int, str]],
             url: str | None, *, count: bool = True, put_first: bool = False) -> None:
        """Send each batch with ``request(batch, first)``; a batch the store refuses as too
        large is split in two (blank-node groups kept whole) and the rest follow at that size.
        ``put_first``: the first request replaces the graph (a PUT), so it may be sent twice."""
        queue = list(batches)
        limit: int | None = None
        first = True
        while queue:
            batch = queue.pop(0)
            if limit is not None and len(batch) > limit:
                smaller = _batches(_graph_of(batch), limit)
                if len(smaller) > 1:
                    queue[0:0] = smaller
                    continue
            repeatable = (first and put_first) or not any(isinstance(t, BNode) for triple in batch for t in triple)
            status, detail = self.write(lambda b=batch, f=first: request(b, f), repeatable)
            if status in NO_GSP and first and self.first_of_push and url == self.endpoint.store_url:
                raise _NoGraphStore(status)
            if _too_large(status, detail) and len(batch) > 1:
                smaller = _batches(_graph_of(batch), max(1, len(batch) // 2))
                if len(smaller) > 1:
                    limit = max(1, len(batch) // 2)
                    log.info("the store refused %d triples in one request; sending at most %d", len(batch), limit)
                    queue[0:0] = smaller
                    continue
            self.check(status, detail, url)
            first = False
            if count:
                self.done += len(batch)

    # ------------------------------------------------------------------ replacing

    def replace(self, name: str, g: Graph, batches: list[list[tuple]], by_gsp: bool) -> None:
        """Stage the whole new graph, then put it in place; the old graph stays whole until
        the copy, and a failure before it leaves only a staging graph, which is dropped."""
        e = self.endpoint
        staging = f"{STAGING_BASE}{uuid.uuid4()}"
        try:
            if by_gsp:
                self.send(batches, lambda b, first: e.gsp_write(staging, _ntriples(b), put=first),
                          e.store_url, count=False, put_first=True)
            else:
                self.send(batches, lambda b, _first: e.update(_insert(staging, b)), e.update_url, count=False)
            self._put_in_place(staging, name)
        finally:
            self._drop(staging, by_gsp)
        self.done = len(g)

    def _put_in_place(self, staging: str, name: str) -> None:
        """``COPY`` the staging graph over ``name`` (one operation), then check the result.

        A store whose transactions are snapshot-isolated (Oxigraph) can interleave two copies
        into the same graph: each clears what it saw and adds its own, leaving both versions'
        triples. Such a mix holds all of this push's triples and more; then the copy is made
        again after a random pause. A graph that lacks some of this push's triples was
        replaced by a later push, which checks its own version."""
        e = self.endpoint
        expected = e.count_triples(staging)
        missing = (f"ASK {{ GRAPH <{staging}> {{ ?s ?p ?o }} "
                   f"FILTER NOT EXISTS {{ GRAPH <{name}> {{ ?s ?p ?o }} }} }}")
        for attempt in range(SETTLE_TRIES):
            status, detail = self.write(lambda: e.update(f"COPY SILENT GRAPH <{staging}> TO GRAPH <{name}>"))
            self.check(status, detail, e.update_url)
            if e.count_triples(name) <= expected or e.ask(missing):
                return
            pause = random.uniform(0.05, 0.25) * 2 ** attempt
            log.info("%s holds more than this push wrote (a concurrent push); copying again in %.2f s", name, pause)
            time.sleep(pause)
        raise EndpointError(f"{name} kept changing under concurrent pushes; it may hold triples of another "
                            "push besides this one's", where=redact(e.update_url or ""),
                            hint="run the push again once the other pushes have finished")

    def put_whole(self, name: str, g: Graph) -> None:
        """Replace by one Graph Store PUT (no update URL, so no staging); checked as above by
        size: a mix of two PUTs is larger than this push's graph, and is PUT again."""
        e = self.endpoint
        body = _ntriples(list(g))
        for attempt in range(SETTLE_TRIES):
            status, detail = self.write(lambda: e.gsp_write(name, body, put=True))
            if status in NO_GSP and self.first_of_push:
                raise _NoGraphStore(status)
            self.check(status, detail, e.store_url)
            if e.count_triples(name) <= len(g):
                self.done = len(g)
                return
            time.sleep(random.uniform(0.05, 0.25) * 2 ** attempt)
        raise EndpointError(f"{name} kept changing under concurrent pushes; it may hold triples of another "
                            "push besides this one's", where=redact(e.store_url or ""),
                            hint="run the push again once the other pushes have finished")

    def _drop(self, staging: str, by_gsp: bool) -> None:
        """Best effort: a staging graph left behind is outside every reader's dataset."""
        e = self.endpoint
        try:
            if e.update_url:
                status, detail = self.write(lambda: e.update(f"DROP SILENT GRAPH <{staging}>"))
                if status >= 300:
                    log.warning("could not remove the staging graph %s: HTTP %d %s", staging, status, detail[:200])
            elif by_gsp:
                e.gsp_delete(staging)
        except EndpointError as exc:
            log.warning("could not remove the staging graph %s: %s", staging, exc.message)


def _write_graph(w: _Writer, method: str, name: str, g: Graph, batches: list[list[tuple]], force: bool) -> str:
    """Write one graph; the method name for GraphWrite."""
    e = w.endpoint
    if method == "graph-store":
        if not force:
            w.send(batches, lambda b, _first: e.gsp_write(name, _ntriples(b), put=False), e.store_url)
            return "gsp-post"
        if e.update_url:
            w.replace(name, g, batches, by_gsp=True)
        else:
            w.put_whole(name, g)
        return "gsp-put"
    if not force:
        w.send(batches, lambda b, _first: e.update(_insert(name, b)), e.update_url)
        return "update-insert"
    w.replace(name, g, batches, by_gsp=False)
    return "update-replace"


def push(kg: KnowledgeGraph, endpoint: Endpoint, *, replace: bool = False, with_inferred: bool = False,
         batch_size: int = 10_000, prune: bool = False) -> PushResult:
    """Write the graph into a store: one named graph for the ontology, one per data part and,
    only when asked, one for inferred triples.

    The Graph Store Protocol comes first (POST appends; N-Triples bodies; ``?graph=IRI``);
    when the store has none (404/405/501 on the store URL, or no store URL) it falls back to
    SPARQL Update ``INSERT DATA`` in batches. Running it twice is safe: appending triples a
    graph already holds changes nothing, and a graph with blank nodes (which a second append
    would copy) is always replaced.

    A replacement (``replace``, or a graph with blank nodes) is atomic per graph: the new
    graph is written whole into a staging graph under STAGING_BASE and then copied over the
    old one by one ``COPY`` (checked against concurrent pushes, see ``_put_in_place``), so a
    failure half-way leaves the old graph as it was, and two concurrent pushes leave each
    graph as one of their two versions. With a store URL and no update URL there is no
    COPY: each graph goes in one PUT, whatever the batch size.

    If a graph cannot be written, push stops and raises :class:`PushError`, whose ``result``
    lists what was and was not written.

    ``prune``: once every graph is written, drop the store's other rusgraph graphs (named
    under https://w3id.org/rusgraph/graph/): sources removed or renamed since an earlier
    push, or an inferred graph when this push has none. Graphs outside that namespace are
    never touched.
    """
    if batch_size < 1:
        raise EndpointError("the batch size must be at least 1")
    if not endpoint.store_url and not endpoint.update_url:
        raise EndpointError("push needs somewhere to write", where=endpoint.url,
                            hint="pass --store-url (Graph Store Protocol, e.g. http://localhost:7878/store) "
                                 "or --update-url (SPARQL Update, e.g. http://localhost:7878/update)")
    todo = graphs_to_push(kg, with_inferred=with_inferred)
    if prune and not todo:
        raise EndpointError("nothing to push, and --prune would drop every rusgraph graph in the store",
                            where=endpoint.url, hint="check the sources given, or push without --prune")
    method = "graph-store" if endpoint.store_url else "sparql-update"
    written: list[GraphWrite] = []
    target = redact(endpoint.store_url or endpoint.update_url or endpoint.query_url)
    dropped: list[str] = []

    def result(failed: tuple[GraphFailure, ...] = (), rest: tuple[str, ...] = ()) -> PushResult:
        return PushResult(endpoint=target, method=method, replace=replace, written=tuple(written),
                          failed=failed, not_attempted=rest, dropped=tuple(dropped))

    for i, (name, g) in enumerate(todo):
        force = replace or _has_bnodes(g)
        batches = _batches(g, batch_size)
        w = _Writer(endpoint, first_of_push=not written)
        try:
            try:
                how = _write_graph(w, method, name, g, batches, force)
            except _NoGraphStore as exc:
                if not endpoint.update_url:
                    raise http_error(exc.status, redact(endpoint.store_url or ""), "write",
                                     "no Graph Store Protocol here and no --update-url to fall back to") from None
                log.info("no Graph Store Protocol at %s (HTTP %s); using SPARQL Update at %s",
                         redact(endpoint.store_url or ""), exc.status, redact(endpoint.update_url))
                method = "sparql-update"
                target = redact(endpoint.update_url)
                w = _Writer(endpoint, first_of_push=False)
                how = _write_graph(w, method, name, g, batches, force)
        except EndpointError as exc:
            failure = GraphFailure(graph=name, triples=len(g), reason=str(exc), written=w.done)
            raise PushError(result((failure,), tuple(n for n, _ in todo[i + 1:]))) from None
        written.append(GraphWrite(graph=name, triples=len(g), method=how, requests=w.requests))
        log.info("wrote %s (%d triples, %s)", name, len(g), how)
    endpoint.forget_graphs()  # the store's graph list has changed
    if prune:
        dropped.extend(_prune(endpoint, method, target, {name for name, _ in todo}, result))
    return result()


def _prune(endpoint: Endpoint, method: str, target: str, pushed: set[str],
           result: Callable[..., PushResult]) -> list[str]:
    """Drop the store's rusgraph graphs this push did not write; the IRIs dropped."""
    dropped: list[str] = []
    stale = [g for g in endpoint.rusgraph_graphs(refresh=True) if g not in pushed and g.startswith(GRAPH_BASE)]
    for i, name in enumerate(stale):
        try:
            status, detail = 405, ""
            if method == "graph-store":
                status, detail = endpoint.gsp_delete(name)
                if status == 404:
                    status = 200  # gone already
            if status in NO_GSP[1:] or method != "graph-store":
                if not endpoint.update_url:
                    raise http_error(status, target, "drop", detail or "the store does not take DELETE here "
                                     "and there is no --update-url", endpoint.has_credentials)
                status, detail = endpoint.update(f"DROP SILENT GRAPH <{name}>")
            if status >= 300:
                raise http_error(status, target, "drop", detail, endpoint.has_credentials)
        except EndpointError as exc:
            failure = GraphFailure(graph=name, triples=0, reason=f"could not drop it: {exc}")
            partial = result((failure,), tuple(stale[i + 1:]))
            raise PushError(replace(partial, dropped=tuple(dropped))) from None
        dropped.append(name)
        log.info("dropped %s (not in this push)", name)
    endpoint.forget_graphs()
    return dropped
