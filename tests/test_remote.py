"""rusgraph.remote.endpoint against a real Oxigraph server (push, every canned report, read-back,
validate --endpoint) and against a small stdlib server that fails on purpose (down, 4xx,
5xx, timeout, malformed answers, a capped result, a push that breaks half-way)."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from rusgraph.cli import main
from rusgraph.errors import EndpointError
from rusgraph.reports.formats import write_select
from rusgraph.graph.knowledge import ONTOLOGY_GRAPH
from rusgraph.reports.queries import list_queries, run_query
from rusgraph.remote.push import PushError, push
from rusgraph.remote.endpoint import Endpoint, redact
from rusgraph.remote.readback import fetch, fetch_parts

from .conftest import REPORT_LANGS, params_for
from .servers import Reply, fake_store, free_port, json_reply, oxigraph_server

LANGS = REPORT_LANGS
QUERIES = list_queries()
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def quads(endpoint: Endpoint) -> int:
    return int(run_query(Endpoint(endpoint.query_url, graphs="store"), COUNT_QUADS).rows[0][0])


def expected_quads(kg) -> int:  # type: ignore[no-untyped-def]
    return len(kg.ontology) + sum(len(g) for g in kg.parts.values())


@pytest.fixture(scope="module")
def pushed(bundled_kg, tmp_path_factory):
    """A real `oxigraph serve` holding the bundled graph, pushed by the Graph Store Protocol."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "store") as ox:
        endpoint = Endpoint(ox.query, store_url=ox.store, update_url=ox.update)
        result = push(bundled_kg, endpoint)
        yield ox, endpoint, result


@pytest.fixture
def fresh(tmp_path):
    with oxigraph_server(tmp_path / "store") as ox:
        yield ox


# ---------------------------------------------------------------------- real Oxigraph


@pytest.mark.slow
def test_push_bundled_graph(bundled_kg, pushed):
    _ox, endpoint, result = pushed
    assert result.ok and result.method == "graph-store"
    assert next(w.graph for w in result.written) == str(ONTOLOGY_GRAPH)
    assert {w.graph for w in result.written} == {str(ONTOLOGY_GRAPH)} | {str(n) for n in bundled_kg.parts}
    assert result.triples == expected_quads(bundled_kg) == quads(endpoint)
    assert set(endpoint.rusgraph_graphs(refresh=True)) == {w.graph for w in result.written}


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("q", QUERIES, ids=[q.name for q in QUERIES])
def test_every_report_matches_embedded(pushed, embedded, q, lang):
    _ox, endpoint, _ = pushed
    local = embedded(q, lang)
    remote = run_query(endpoint, q, params_for(q), lang=lang)
    assert remote.kind == local.kind == "select"
    assert remote.vars == local.vars
    assert sorted(remote.as_strings()) == sorted(local.as_strings())
    assert len(remote.rows) == len(local.rows)


@pytest.mark.slow
@pytest.mark.parametrize("q", QUERIES, ids=[q.name for q in QUERIES])
def test_report_cli_endpoint_csv(runner, pushed, embedded, q):
    ox, _endpoint, _ = pushed
    args = ["report", q.name, "--endpoint", ox.query, "--format", "csv", "--lang", "en"]
    for k, v in params_for(q).items():
        args += ["--param", f"{k}={v}"]
    r = runner.invoke(main, args)
    assert r.exit_code == 0, r.output
    want = write_select(embedded(q, "en"), "csv")
    assert r.stdout.splitlines()[0] == want.splitlines()[0]
    assert sorted(r.stdout.splitlines()) == sorted(want.splitlines())
    assert "row(s)" in r.stderr


@pytest.mark.slow
def test_report_table_labels_come_from_the_endpoint(runner, pushed):
    ox, _e, _ = pushed
    text = "SELECT ?d WHERE { ?d a rus:District ; skos:notation \"030110\" }"
    local = runner.invoke(main, ["query", "-e", text, "--lang", "en"])
    remote = runner.invoke(main, ["query", "-e", text, "--lang", "en", "--endpoint", ox.query])
    assert remote.exit_code == local.exit_code == 0, remote.output
    assert remote.stdout == local.stdout and "Grorud" in remote.stdout


@pytest.mark.slow
def test_read_back_is_isomorphic(bundled_kg, pushed):
    _ox, endpoint, _ = pushed
    whole = run_query(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }")
    expected = Graph()
    expected += bundled_kg.ontology
    expected += bundled_kg.data
    assert whole.kind == "construct"
    assert isomorphic(whole.graph, expected)
    parts = fetch_parts(endpoint)
    assert set(parts) == set(bundled_kg.parts)
    assert all(isomorphic(parts[n], bundled_kg.parts[n]) for n in parts)
    assert isomorphic(fetch(endpoint), bundled_kg.data)


@pytest.mark.slow
def test_ask_and_graph_patterns_and_dataset_modes(pushed):
    ox, endpoint, _ = pushed
    assert run_query(endpoint, "ASK { ?m a <https://w3id.org/rusgraph/ontology#Measure> }").boolean is True
    # GRAPH patterns still see the named graphs (sent as named-graph-uri too)
    per_graph = run_query(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert len(per_graph.rows) == len(endpoint.rusgraph_graphs())
    # Oxigraph's own default graph is empty: it is not the union of the named graphs
    measures = "SELECT (COUNT(?m) AS ?n) WHERE { ?m a <https://w3id.org/rusgraph/ontology#Measure> }"
    assert run_query(Endpoint(ox.query, graphs="store"), measures).rows[0][0] == Literal(0)
    grorud = "https://w3id.org/rusgraph/graph/plans/030110-grorud"
    only = int(run_query(Endpoint(ox.query, graphs=[grorud]), measures).rows[0][0])
    everything = int(run_query(endpoint, measures).rows[0][0])
    assert 0 < only < everything


@pytest.mark.slow
def test_push_twice_is_safe(bundled_kg, fresh):
    endpoint = Endpoint(fresh.query, store_url=fresh.store)
    first = push(bundled_kg, endpoint)
    n = quads(endpoint)
    second = push(bundled_kg, endpoint)
    assert n == quads(endpoint) == expected_quads(bundled_kg)
    assert first.triples == second.triples
    # the ontology has blank nodes: it is replaced (PUT), never appended twice
    assert next(w.method for w in second.written if w.graph == str(ONTOLOGY_GRAPH)) == "gsp-put"


@pytest.mark.slow
def test_replace_overwrites(bundled_kg, fresh):
    endpoint = Endpoint(fresh.query, store_url=fresh.store)
    push(bundled_kg, endpoint)
    name = URIRef("https://w3id.org/rusgraph/graph/plans/030110-grorud")
    small = Graph()
    for t in sorted(bundled_kg.parts[name])[:5]:
        small.add(t)
    small.add((URIRef("https://example.org/x"), URIRef("https://example.org/p"), Literal("new")))
    one = replace(bundled_kg, parts={name: small})
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
    push(one, endpoint)  # append: the old triples stay, one new triple
    assert int(run_query(endpoint, count).rows[0][0]) == len(bundled_kg.parts[name]) + 1
    result = push(one, endpoint, replace=True)
    assert {w.method for w in result.written} == {"gsp-put"}
    assert int(run_query(endpoint, count).rows[0][0]) == 6
    assert quads(endpoint) == expected_quads(bundled_kg) - len(bundled_kg.parts[name]) + 6


@pytest.mark.slow
@pytest.mark.parametrize("how", ["graph-store", "sparql-update"])
def test_prune_drops_graphs_this_push_did_not_write(bundled_kg, fresh, how):
    """A source removed since the last push: --replace --prune leaves exactly what was pushed;
    a graph outside rusgraph's namespace is never touched."""
    endpoint = (Endpoint(fresh.query, store_url=fresh.store) if how == "graph-store"
                else Endpoint(fresh.query, update_url=fresh.update))
    push(bundled_kg, endpoint)
    foreign = "https://example.org/not-ours"
    Endpoint(fresh.query, update_url=fresh.update).update(
        f"INSERT DATA {{ GRAPH <{foreign}> {{ <https://example.org/s> <https://example.org/p> 1 }} }}")
    gone = URIRef("https://w3id.org/rusgraph/graph/plans/030110-grorud")
    fewer = replace(bundled_kg, parts={k: v for k, v in bundled_kg.parts.items() if k != gone})
    kept = push(fewer, endpoint, replace=True)  # without --prune the old graph stays
    assert kept.dropped == () and str(gone) in endpoint.rusgraph_graphs(refresh=True)
    result = push(fewer, endpoint, replace=True, prune=True)
    assert result.ok and result.dropped == (str(gone),)
    assert "dropped      " + str(gone) in result.summary()
    assert str(gone) not in endpoint.rusgraph_graphs(refresh=True)
    assert quads(endpoint) == expected_quads(fewer) + 1  # + the foreign graph's triple
    again = push(fewer, endpoint, prune=True)  # nothing left to drop
    assert again.dropped == ()


def test_prune_with_nothing_to_push_refuses(bundled_kg):
    empty = replace(bundled_kg, parts={}, ontology=Graph())
    endpoint = Endpoint("http://127.0.0.1:9/query", store_url="http://127.0.0.1:9/store")
    with pytest.raises(EndpointError, match="would drop every rusgraph graph"):
        push(empty, endpoint, prune=True)


@pytest.mark.slow
@pytest.mark.parametrize("store", ["none", "404"])
def test_sparql_update_fallback_in_batches(bundled_kg, fresh, store):
    store_url = None if store == "none" else fresh.base + "/no-such-store"
    endpoint = Endpoint(fresh.query, store_url=store_url, update_url=fresh.update)
    result = push(bundled_kg, endpoint, batch_size=700)
    assert result.method == "sparql-update" and result.ok
    assert any(w.requests > 1 for w in result.written)
    push(bundled_kg, endpoint, batch_size=700)
    assert quads(endpoint) == expected_quads(bundled_kg)
    whole = run_query(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }").graph
    expected = Graph()
    expected += bundled_kg.ontology
    expected += bundled_kg.data
    assert isomorphic(whole, expected)
    result = push(bundled_kg, endpoint, replace=True, batch_size=5000)
    assert {w.method for w in result.written} == {"update-replace"}
    assert quads(endpoint) == expected_quads(bundled_kg)


@pytest.mark.slow
def test_push_cli_then_validate_endpoint_matches_embedded(runner, fresh):
    r = runner.invoke(main, ["push", "--endpoint", fresh.query, "--store-url", fresh.store])
    assert r.exit_code == 0, r.output
    assert r.stdout == "" and "by Graph Store Protocol" in r.stderr
    args = ["validate", "--format", "json", "--fail-on", "warning", "--lang", "en"]
    local = runner.invoke(main, args)
    remote = runner.invoke(main, [*args, "--endpoint", fresh.query])
    assert remote.exit_code == local.exit_code, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    district = runner.invoke(main, [*args, "--endpoint", fresh.query, "--district", "Grorud", "--format", "csv"])
    assert district.exit_code in (0, 1) and district.stdout.startswith("severity,")


def test_cli_refuses_local_options_with_endpoint(runner, write):
    url = f"http://127.0.0.1:{free_port()}/query"
    f = write("x.ttl", "<https://example.org/a> <https://example.org/b> 1 .")
    for args in (["report", "measures", str(f)], ["query", "-e", "ASK {}", "--inference", "rdfs"],
                 ["validate", str(f)], ["report", "--all", "-d", "out"]):
        r = runner.invoke(main, [*args, "--endpoint", url])
        assert r.exit_code == 2, (args, r.output)
        assert "Error:" in r.stderr


def test_push_needs_a_write_url(bundled_kg):
    with pytest.raises(EndpointError, match="--store-url .* or --update-url"):
        push(bundled_kg, Endpoint("http://127.0.0.1:9/query"))


# ---------------------------------------------------------------- failures, through the CLI


def run_report(runner, url, *extra):  # type: ignore[no-untyped-def]
    return runner.invoke(main, ["query", "-e", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1",
                                "--endpoint", url, "--graphs", "store", *extra])


def test_endpoint_down(runner):
    url = f"http://127.0.0.1:{free_port()}/query"
    started = time.monotonic()
    r = run_report(runner, url)
    assert r.exit_code == 2
    assert "cannot reach the store: connection refused" in r.stderr and url in r.stderr
    assert "Traceback" not in r.output
    assert time.monotonic() - started < 15  # bounded retries


@pytest.mark.parametrize("status, words", [
    (400, ["HTTP 400", "malformed", "expected one of"]),
    (401, ["HTTP 401", "credentials", "--user"]),
    (403, ["HTTP 403", "refused"]),
    (404, ["HTTP 404", "no SPARQL service"]),
    (500, ["HTTP 500", "failed"]),
    (503, ["HTTP 503", "failed"]),
])
def test_http_errors(runner, status, words):
    with fake_store(lambda m, p, b: Reply(status, b"error at 1:5: expected one of ...",
                                          {"Content-Type": "text/plain"})) as fake:
        r = run_report(runner, fake.base + "/sparql")
    assert r.exit_code == 2, r.output
    assert all(w in r.stderr for w in words), r.stderr
    assert fake.base + "/sparql" in r.stderr and "Traceback" not in r.output
    assert len(fake.requests) == 1  # HTTP errors are not retried


def test_credentials_are_never_echoed(runner, monkeypatch):
    monkeypatch.setenv("RUSGRAPH_USER", "planner")
    monkeypatch.setenv("RUSGRAPH_PASSWORD", "s3cret-pw")
    with fake_store(lambda m, p, b: Reply(401, b"denied", {"WWW-Authenticate": 'Basic realm="x"'})) as fake:
        r = runner.invoke(main, ["-vv", "query", "-e", "ASK {}", "--endpoint", fake.base + "/sparql"])
        pushed = runner.invoke(main, ["-vv", "push", "--endpoint", fake.base + "/sparql",
                                      "--store-url", fake.base + "/store"])
    assert r.exit_code == 2 and "refused the ones given" in r.stderr
    assert pushed.exit_code == 2
    assert any(h.get("Authorization", "").startswith("Basic ") for _m, _p, _b, h in fake.requests)
    for out in (r.output, pushed.output, repr(Endpoint(fake.base, user="planner", password="s3cret-pw"))):
        assert "s3cret-pw" not in out
    assert redact("http://u:s3cret-pw@example.org:8890/sparql") == "http://***@example.org:8890/sparql"


def test_timeout(runner):
    with fake_store(lambda m, p, b: Reply(200, b"{}", {"Content-Type": "application/json"}, delay=5)) as fake:
        started = time.monotonic()
        r = run_report(runner, fake.base + "/sparql", "--timeout", "0.5")
        elapsed = time.monotonic() - started
    assert r.exit_code == 2, r.output
    assert "timed out" in r.stderr and "--timeout" in r.stderr and fake.base in r.stderr
    assert elapsed < 4 and len(fake.requests) == 1  # a timeout is not retried


@pytest.mark.parametrize("reply, words", [
    (Reply(200, b"<html><body>Welcome to our proxy</body></html>", {"Content-Type": "text/html"}),
     ["not usable", "text/html", "Welcome"]),
    (json_reply('{"head": {}, "rows": []}'), ["not usable", "results.bindings"]),
    (json_reply('{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "thing", "value": "x"}}]}}'),
     ["unknown term type"]),
    (json_reply("[1, 2]"), ["not an object"]),
])
def test_malformed_answers(runner, reply, words):
    with fake_store(lambda m, p, b: reply) as fake:
        r = run_report(runner, fake.base + "/sparql")
    assert r.exit_code == 2, r.output
    assert all(w in r.stderr for w in words), r.stderr


def test_malformed_graph_answer():
    with fake_store(lambda m, p, b: json_reply('{"head": {"vars": []}}')) as fake:
        with pytest.raises(EndpointError, match="a graph was asked for, the answer is application/sparql-results"):
            run_query(Endpoint(fake.base + "/sparql", graphs="store"), "CONSTRUCT WHERE { ?s ?p ?o }")


def test_capped_result_is_an_error():
    rows = ",".join('{"s": {"type": "uri", "value": "https://example.org/%d"}}' % i for i in range(3))
    doc = '{"head": {"vars": ["s"]}, "results": {"bindings": [%s]}}' % rows
    with fake_store(lambda m, p, b: json_reply(doc, **{"X-SPARQL-MaxRows": "3"})) as fake:
        with pytest.raises(EndpointError, match="cut the answer off at 3 rows.*ResultSetMaxRows"):
            run_query(Endpoint(fake.base + "/sparql", graphs="store"), "SELECT ?s WHERE { ?s ?p ?o }")
    many = ",".join('{"s": {"type": "uri", "value": "https://example.org/%d"}}' % i for i in range(10_000))
    doc = '{"head": {"vars": ["s"]}, "results": {"bindings": [%s]}}' % many
    with fake_store(lambda m, p, b: json_reply(doc, Server="Virtuoso/07.20.3240 (Linux)")) as fake:
        with pytest.raises(EndpointError, match="10000 rows"):
            run_query(Endpoint(fake.base + "/sparql", graphs="store"), "SELECT ?s WHERE { ?s ?p ?o }")


def test_connection_errors_are_retried_with_backoff():
    calls = []

    def respond(m, p, b):  # type: ignore[no-untyped-def]
        calls.append(time.monotonic())
        if len(calls) < 3:
            return Reply(drop=True)
        return json_reply('{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", '
                          '"value": "7", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}')

    with fake_store(respond) as fake:
        endpoint = Endpoint(fake.base + "/sparql", graphs="store", retries=3, backoff=0.05)
        result = run_query(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert result.rows == ((Literal(7),),)
    assert len(calls) == 3 and calls[1] - calls[0] >= 0.04 and calls[2] - calls[1] >= 0.09  # 0.05 s, then 0.1 s
    with fake_store(lambda m, p, b: Reply(drop=True)) as fake:
        with pytest.raises(EndpointError, match="connection lost"):
            run_query(Endpoint(fake.base + "/sparql", graphs="store", retries=2, backoff=0.01), "ASK {}")
    assert len(fake.requests) == 3


def test_auto_dataset_is_sent_as_protocol_parameters():
    from urllib.parse import parse_qs

    graphs = ["https://w3id.org/rusgraph/graph/ontology", "https://w3id.org/rusgraph/graph/plans/x"]
    listing = ('{"head": {"vars": ["g"]}, "results": {"bindings": [%s]}}'
               % ",".join('{"g": {"type": "uri", "value": "%s"}}' % g for g in graphs))
    with fake_store(lambda m, p, b: json_reply(listing)) as fake:
        endpoint = Endpoint(fake.base + "/sparql")
        run_query(endpoint, "SELECT ?g WHERE { ?s ?p ?g }")
        run_query(endpoint, "SELECT ?s FROM <https://example.org/g> WHERE { ?s ?p ?o }")
    discover, query, own = (parse_qs(body.decode()) for _m, _p, body, _h in fake.requests)
    assert "default-graph-uri" not in discover
    assert query["default-graph-uri"] == graphs == query["named-graph-uri"]
    assert "default-graph-uri" not in own  # a query with FROM keeps its own dataset


def test_push_partial_failure_is_reported(runner, bundled_kg):
    count = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
        {"n": {"type": "literal", "value": "388", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}})

    def respond(m, p, b):  # type: ignore[no-untyped-def]
        if p.startswith("/sparql"):  # the size check after a replacing PUT
            return json_reply(count)
        writes = sum(1 for r in fake.requests if r[0] in ("POST", "PUT") and r[1].startswith("/store"))
        return Reply(201) if writes <= 2 else Reply(500, b"disk full")

    with fake_store(respond) as fake:
        endpoint = Endpoint(fake.base + "/sparql", store_url=fake.base + "/store")
        with pytest.raises(PushError) as info:
            push(bundled_kg, endpoint)
        result = info.value.result
        assert next(w.graph for w in result.written) == str(ONTOLOGY_GRAPH) and len(result.written) == 2
        assert len(result.failed) == 1 and "HTTP 500" in result.failed[0].reason
        assert "disk full" in result.failed[0].reason
        assert len(result.not_attempted) == len(bundled_kg.parts) - 2
        fake.requests.clear()
        r = runner.invoke(main, ["push", "--endpoint", fake.base + "/sparql", "--store-url", fake.base + "/store"])
    assert r.exit_code == 2
    assert "push did not finish" in r.stderr and "FAILED" in r.stderr and "not written" in r.stderr
    assert r.stderr.count("  written  ") == 2 and "run the same push again" in r.stderr


def test_push_without_graph_store_and_update_url(runner):
    with fake_store(lambda m, p, b: Reply(405)) as fake:
        r = runner.invoke(main, ["push", "--endpoint", fake.base + "/sparql", "--store-url", fake.base + "/store"])
    assert r.exit_code == 2
    assert "HTTP 405" in r.stderr and "no Graph Store Protocol here and no --update-url" in r.stderr
    assert "nothing" not in r.stdout


def test_bad_urls_and_graph_lists():
    with pytest.raises(EndpointError, match="not an http"):
        Endpoint("localhost:7878/query")
    with pytest.raises(EndpointError, match="not a graph IRI"):
        Endpoint("http://127.0.0.1:1/query", graphs="https://ok.example/g, not an iri")
    assert Endpoint("http://127.0.0.1:1/query", graphs="https://a.example/g,https://b.example/g").graphs == (
        "https://a.example/g", "https://b.example/g")
