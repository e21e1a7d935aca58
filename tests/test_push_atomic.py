"""Pushes are atomic per graph (issue 18, item 8), against a real Oxigraph server and a real
Virtuoso: a replacing push stages each graph and puts it in place with one MOVE, so two
concurrent pushes leave every graph as one of the two versions (never a mix), and a replace
that fails half-way leaves the old graph as it was, with no staging graph behind."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS

from rusgraph.errors import EndpointError
from rusgraph.graph.knowledge import ONTOLOGY_GRAPH
from rusgraph.reports.queries import run_query
from rusgraph.remote.push import STAGING_BASE, PushError, push
from rusgraph.remote.endpoint import Endpoint
from rusgraph.remote.readback import fetch_parts

from .servers import oxigraph_server, virtuoso_server

pytestmark = pytest.mark.slow

BATCH = 150  # small batches: every graph takes several requests, so pushes interleave


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request, tmp_path) -> Iterator[dict]:
    """Write and read URLs of a fresh store: Oxigraph (no auth) or Virtuoso (Digest, dba)."""
    if request.param == "oxigraph":
        with oxigraph_server(tmp_path / "store") as ox:
            yield {"query_url": ox.query, "store_url": ox.store, "update_url": ox.update}
    else:
        with virtuoso_server(tmp_path / "db") as v:
            yield {"query_url": v.query, "store_url": v.store, "update_url": v.update,
                   "user": v.user, "password": v.password}


def endpoint(store: dict, cls: type[Endpoint] = Endpoint, **over) -> Endpoint:  # type: ignore[type-arg]
    kw = {**store, "timeout": 120, **over}
    return cls(kw.pop("query_url"), **kw)


def version_b(kg):  # type: ignore[no-untyped-def]
    """Another version of every data graph: a third of the triples gone, a marker added."""
    parts = {}
    for name, g in kg.parts.items():
        new = Graph()
        for i, t in enumerate(sorted(g)):
            if i % 3:
                new.add(t)
        new.add((URIRef(str(name)), RDFS.comment, Literal("version B")))
        parts[name] = new
    return replace(kg, parts=parts)


def read_parts(store: dict) -> dict[URIRef, Graph]:
    return fetch_parts(Endpoint(store["query_url"], timeout=120))


def staging_graphs(store: dict) -> list[str]:
    rows = run_query(Endpoint(store["query_url"], graphs="store"),
                     "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return [str(r[0]) for r in rows if str(r[0]).startswith(STAGING_BASE)]


@pytest.mark.parametrize("how", ["graph-store", "sparql-update"])
def test_concurrent_replacing_pushes_never_mix(bundled_kg, store, how):
    a, b = bundled_kg, version_b(bundled_kg)
    over = {} if how == "graph-store" else {"store_url": None}
    for _round in range(2):
        errors: list[BaseException] = []

        def run(kg) -> None:  # type: ignore[no-untyped-def]
            try:
                push(kg, endpoint(store, **over), replace=True, batch_size=BATCH)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(kg,)) for kg in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not errors, [str(e) for e in errors]
        parts = read_parts(store)
        assert set(parts) == set(a.parts)
        for name, got in parts.items():
            assert isomorphic(got, a.parts[name]) or isomorphic(got, b.parts[name]), \
                f"{name} holds a mix of the two versions ({len(got)} triples)"
        assert staging_graphs(store) == []


class FailingEndpoint(Endpoint):
    """A real endpoint whose n-th write request is lost on the way (a dropped connection)."""

    fail_at = 3

    def __init__(self, *args, **kw):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kw)
        self.calls = 0

    def _write(self, url: str, method: str, body: bytes, content_type: str) -> tuple[int, str]:
        self.calls += 1
        if self.calls == self.fail_at:
            raise EndpointError("cannot reach the store: connection lost (simulated)", where=url)
        return super()._write(url, method, body, content_type)


@pytest.mark.parametrize("how", ["graph-store", "sparql-update"])
def test_failed_replace_keeps_the_old_graph(bundled_kg, store, how):
    over = {} if how == "graph-store" else {"store_url": None}
    push(bundled_kg, endpoint(store, **over), replace=True)
    before = read_parts(store)
    failing = endpoint(store, FailingEndpoint, **over)
    with pytest.raises(PushError) as info:
        push(version_b(bundled_kg), failing, replace=True, batch_size=BATCH)
    failed = info.value.result.failed[0]
    assert "connection lost" in failed.reason
    after = read_parts(store)
    assert set(after) == set(before)
    for name in before:  # the graph being written and all others: the old version, whole
        assert isomorphic(after[name], before[name]), name
    assert staging_graphs(store) == []
    # the ontology (blank nodes) was written first and completely, or not at all
    onto = Endpoint(store["query_url"], graphs=[str(ONTOLOGY_GRAPH)], timeout=120)
    assert isomorphic(run_query(onto, "CONSTRUCT WHERE { ?s ?p ?o }").graph, bundled_kg.ontology)


def test_graph_store_only_replaces_with_one_put(bundled_kg, store):
    """Without an update URL there is no MOVE: each graph goes in one PUT, whatever the batch size."""
    only_gsp = endpoint(store, update_url=None)
    push(version_b(bundled_kg), only_gsp, replace=True, batch_size=BATCH)
    result = push(bundled_kg, only_gsp, replace=True, batch_size=BATCH)
    assert all(w.method == "gsp-put" and w.requests == 1 for w in result.written), result.summary()
    parts = read_parts(store)
    assert all(isomorphic(parts[n], bundled_kg.parts[n]) for n in bundled_kg.parts)
