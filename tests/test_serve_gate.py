"""`rusgraph serve` in front of hostile clients: every attack is sent to a real served
endpoint (Oxigraph behind the gate, on a free loopback port), and a local listener that a
fetching server would contact must stay silent."""

from __future__ import annotations

import http.client
import time
import urllib.parse
from pathlib import Path

import pytest

from rusgraph.errors import EndpointError
from rusgraph.remote.gateway import forbidden_keyword, host_names
from rusgraph.reports.queries import run_query
from rusgraph.remote.endpoint import Endpoint
from rusgraph.remote.server import serve

from .servers import HOST, free_port, listener, pid_alive

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(bundled_kg):  # type: ignore[no-untyped-def]
    with serve(bundled_kg, port=free_port(), time_limit=1) as server:
        yield server


def request(server, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
            host: str | None = None) -> tuple[int, bytes]:  # type: ignore[no-untyped-def]
    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if host is not None else f"{HOST}:{server.port}")
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def ways_to_send(query: str) -> list[tuple[str, str, bytes | None, dict[str, str]]]:
    """The SPARQL 1.1 Protocol's three ways to send a query: GET, POST form, POST direct."""
    form = urllib.parse.urlencode({"query": query})
    return [("GET", "/query?" + form, None, {}),
            ("POST", "/query", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}),
            ("POST", "/query", query.encode(), {"Content-Type": "application/sparql-query"})]


SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "select * where { service silent <{url}> { ?s ?p ?o } }",
    "PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?x ?y ?z . { SELECT ?s WHERE { SeRvIcE <{url}> { ?s ?p ?o } } } }",
    "SELECT * WHERE { BIND(<{url}> AS ?u) SERVICE ?u { ?s ?p ?o } }",
    "SELECT * WHERE { # a comment\n SERVICE\t<{url}>{?s ?p ?o} }",
    "ASK { SERVICE <{url}> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_is_refused_and_nothing_is_fetched(served, template):
    with listener() as silent:
        query = template.replace("{url}", silent.url)
        for method, path, body, headers in ways_to_send(query):
            status, text = request(served, method, path, body, headers)
            assert status == 403 and b"SERVICE" in text, (method, headers, status, text)
        time.sleep(0.2)
        assert silent.connections == []


def test_service_through_the_rusgraph_client_is_a_clear_error(served):
    with listener() as silent:
        endpoint = Endpoint(served.query_url, graphs="store")
        with pytest.raises(EndpointError, match="HTTP 403.*SERVICE"):
            run_query(endpoint, f"SELECT * WHERE {{ SERVICE <{silent.url}> {{ ?s ?p ?o }} }}")
        assert silent.connections == []


def test_updates_and_load_are_refused(served):
    with listener() as silent:
        load = f"LOAD <{silent.url}>"
        for path, ctype in (("/update", "application/sparql-update"), ("/query", "application/sparql-query")):
            status, _ = request(served, "POST", path, load.encode(), {"Content-Type": ctype})
            assert status == 403
        status, _ = request(served, "POST", "/update", urllib.parse.urlencode({"update": load}).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 403
        status, _ = request(served, "PUT", "/store?default", b"<a:b> <a:c> <a:d> .",
                            {"Content-Type": "application/n-triples"})
        assert status == 403
        assert silent.connections == []


def test_a_query_smuggled_past_the_screen_is_refused(served):
    with listener() as silent:
        hidden = f"SELECT * WHERE {{ SERVICE <{silent.url}> {{ ?s ?p ?o }} }}"
        # two query parameters (a server reading the last one), a query in the URL and the body
        status, _ = request(served, "GET", "/query?" + urllib.parse.urlencode([("query", "ASK {}"), ("query", hidden)]))
        assert status == 400
        status, _ = request(served, "POST", "/query?" + urllib.parse.urlencode({"query": hidden}), b"ASK {}",
                            {"Content-Type": "application/sparql-query"})
        assert status == 400
        status, _ = request(served, "POST", "/query", hidden.encode(), {"Content-Type": "text/plain"})
        assert status == 415
        status, _ = request(served, "GET", "/query?" + urllib.parse.urlencode({"query": "ASK {}", "using-graph-uri": silent.url}))
        assert status == 400
        assert silent.connections == []


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}", "127.0.0.1:1",
                                  "", "[::2]:{port}", "localhost:{port}@evil.example"])
def test_foreign_host_header_is_refused(served, host):
    status, text = request(served, "GET", "/query?query=ASK%7B%7D", host=host.replace("{port}", str(served.port)))
    assert status == 403 and b"Host" in text


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"])
def test_its_own_names_are_answered(served, host):
    status, text = request(served, "GET", "/query?query=ASK%7B%7D", host=host.replace("{port}", str(served.port)),
                           headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and b"true" in text


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks of 1/100 s


CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_runaway_query_is_stopped_at_the_time_limit(served):
    first = served.pid
    status, text = request(served, "POST", "/query", CROSS.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 503 and b"time limit of 1 s" in text
    with pytest.raises(EndpointError, match="HTTP 503.*time limit"):
        run_query(Endpoint(served.query_url, graphs="store", timeout=60), CROSS)
    # The query no longer keeps a core busy: Oxigraph stopped it, or the gate stopped
    # that Oxigraph process and started another on the same store.
    assert served.pid == first or not pid_alive(first)
    if Path(f"/proc/{served.pid}/stat").exists():
        before = cpu_seconds(served.pid)
        time.sleep(1.5)
        assert cpu_seconds(served.pid) - before < 0.5
    status, text = request(served, "GET", "/query?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and b"true" in text


def test_screen_reads_names_strings_and_comments_as_a_parser_does():
    assert forbidden_keyword("SELECT ?service WHERE { ?service <http://x/SERVICE> 'SERVICE' }") is None
    assert forbidden_keyword('PREFIX service: <http://x/> SELECT * { ?s service:SERVICE ?o } # SERVICE') is None
    assert forbidden_keyword('SELECT * { ?s ?p """a "SERVICE" \\" b""" }') is None
    assert forbidden_keyword("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }") == "SERVICE"
    assert forbidden_keyword("SELECT * { ?s ?p 'it''s' . SERVICE <http://x/> {} }") == "SERVICE"
    assert forbidden_keyword("LOAD <http://x/>") == "LOAD"


def test_host_names_of_a_loopback_and_a_named_host():
    assert {"localhost", "127.0.0.1", "::1"} <= host_names("127.0.0.1")
    assert host_names("0.0.0.0", ["plans.example.org"]) == {"0.0.0.0", "plans.example.org"}
