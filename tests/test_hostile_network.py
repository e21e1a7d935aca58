"""Endpoints that misbehave on purpose (issue 18, items 2 and 7): redirects to another host,
credentials, answers with another report's columns, answers that trickle or break off. All
servers are on 127.0.0.1 (the "other host" is the same machine under the name localhost)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs

import pytest

from rusgraph.cli import main
from rusgraph.errors import EndpointError
from rusgraph.reports.queries import get_query, run_query
from rusgraph.remote.endpoint import Endpoint

from .servers import HOST, Reply, fake_store, json_reply

ONE_COLUMN = json_reply('{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "42"}}]}}')


def other_host(base: str) -> str:
    """The same loopback server under another host name: another origin for a client."""
    return base.replace(HOST, "localhost")


def redirect_to(url: str, status: int = 302) -> Reply:
    return Reply(status, b"", {"Location": url})


def test_redirect_to_another_host_is_refused_and_gets_no_credentials(runner):
    def respond(m, p, b):  # type: ignore[no-untyped-def]
        if "Authorization" not in store.requests[-1][3]:  # the store asks for credentials first
            return Reply(401, b"", {"WWW-Authenticate": 'Basic realm="store"'})
        return redirect_to(other_host(elsewhere.base) + "/sparql", 307)

    with fake_store(lambda m, p, b: ONE_COLUMN) as elsewhere:
        with fake_store(respond) as store:
            r = runner.invoke(main, ["report", "coverage", "--endpoint", store.base + "/sparql", "--graphs", "store",
                                     "--user", "planner", "--password", "s3cret-pw"])
    assert r.exit_code == 2, r.output
    assert "redirects to another host" in r.stderr and "--follow-redirects" in r.stderr
    assert r.stdout == "" and "s3cret-pw" not in r.output
    assert elsewhere.requests == []  # neither the query nor the credentials went there
    assert "Authorization" not in store.requests[0][3]  # none before the store asks
    assert store.requests[1][3].get("Authorization", "").startswith("Basic ")  # then to the store alone


def test_follow_redirects_sends_the_query_but_no_credentials():
    doc = '{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]}}'
    with fake_store(lambda m, p, b: json_reply(doc)) as elsewhere:
        with fake_store(lambda m, p, b: redirect_to(other_host(elsewhere.base) + "/sparql", 307)) as store:
            endpoint = Endpoint(store.base + "/sparql", graphs="store", user="planner", password="s3cret-pw",
                                follow_redirects=True)
            result = run_query(endpoint, "SELECT ?n WHERE { ?s ?p ?n }")
    assert result.as_strings() == [["7"]]
    method, _path, body, headers = elsewhere.requests[0]
    assert method == "POST" and "SELECT ?n" in parse_qs(body.decode())["query"][0]
    assert "Authorization" not in headers


def test_a_redirect_that_would_drop_the_query_is_refused():
    with fake_store(lambda m, p, b: ONE_COLUMN) as elsewhere:
        for status in (301, 302, 303):
            with fake_store(lambda m, p, b: redirect_to(elsewhere.base + "/sparql", status)) as store:
                endpoint = Endpoint(store.base + "/sparql", graphs="store", follow_redirects=True)
                with pytest.raises(EndpointError, match=f"HTTP {status}.*GET without the query.*--endpoint"):
                    run_query(endpoint, "ASK {}")
    assert elsewhere.requests == []


def test_a_same_host_redirect_keeps_query_and_credentials():
    def respond(m, p, b):  # type: ignore[no-untyped-def]
        if "Authorization" not in store.requests[-1][3]:
            return Reply(401, b"", {"WWW-Authenticate": 'Basic realm="store"'})
        if p == "/old":
            return redirect_to("/sparql", 308)
        return json_reply('{"boolean": true}')

    with fake_store(respond) as store:
        endpoint = Endpoint(store.base + "/old", graphs="store", user="planner", password="pw")
        assert run_query(endpoint, "ASK {}").boolean is True
    (_m0, p0, _b0, h0), (_m1, p1, b1, h1), (_m2, p2, b2, h2) = store.requests
    assert (p0, p1, p2) == ("/old", "/old", "/sparql") and b1 == b2
    assert "Authorization" not in h0
    assert h1["Authorization"] == h2["Authorization"]  # the same origin: answered up front


def test_another_reports_columns_are_never_printed(runner):
    with fake_store(lambda m, p, b: ONE_COLUMN) as store:
        r = runner.invoke(main, ["report", "coverage", "--endpoint", store.base + "/sparql", "--graphs", "store"])
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    assert "columns (x)" in r.stderr and "coverage" in r.stderr and store.base in r.stderr


def test_columns_in_another_order_are_put_in_the_declared_order():
    q = get_query("coverage")
    swapped = ", ".join(f'"{c}"' for c in reversed(q.columns))
    cells = ", ".join(f'"{c}": {{"type": "literal", "value": "{c}-value"}}' for c in q.columns)
    doc = '{"head": {"vars": [%s]}, "results": {"bindings": [{%s}]}}' % (swapped, cells)
    with fake_store(lambda m, p, b: json_reply(doc)) as store:
        result = run_query(Endpoint(store.base + "/sparql", graphs="store"), q)
    assert result.vars == q.columns
    assert result.as_strings() == [[f"{c}-value" for c in q.columns]]


# ------------------------------------------------------------------ slow and broken answers


@contextmanager
def raw_server(answer) -> Iterator[tuple[str, list[float]]]:  # type: ignore[no-untyped-def]
    """A socket server on 127.0.0.1 that reads a request and runs ``answer(conn, stop)``;
    yields its URL and the times requests arrived."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))
    sock.listen(8)
    sock.settimeout(0.05)
    stop = threading.Event()
    arrived: list[float] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            arrived.append(time.monotonic())
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(65536)
                    answer(conn, stop)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{sock.getsockname()[1]}/sparql", arrived
    finally:
        stop.set()
        thread.join(timeout=10)
        sock.close()


def trickle(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 100\r\n\r\n")
    for _ in range(100):  # one byte every 0.4 s: each wait is short, the whole answer is not
        if stop.wait(0.4):
            return
        conn.sendall(b" ")


def broken(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 1000\r\n\r\n"
                 b'{"head": {"vars": ["x"]}, "results": {"bindings": [')


def test_timeout_is_a_deadline_for_the_whole_answer(runner):
    with raw_server(trickle) as (url, arrived):
        started = time.monotonic()
        r = runner.invoke(main, ["query", "-e", "ASK {}", "--endpoint", url, "--graphs", "store", "--timeout", "2"])
        elapsed = time.monotonic() - started
    assert r.exit_code == 2, r.output
    assert "no complete answer within 2 s" in r.stderr and "--timeout" in r.stderr
    assert elapsed < 10  # the trickle would take 40 s
    assert len(arrived) == 1  # not asked again


def test_a_broken_answer_is_an_error_and_not_asked_again(runner):
    with raw_server(broken) as (url, arrived):
        r = runner.invoke(main, ["query", "-e", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", url, "--graphs", "store"])
    assert r.exit_code == 2, r.output
    assert "broke off its answer" in r.stderr and r.stdout == ""
    assert len(arrived) == 1


def test_invalid_iris_from_a_store_never_reach_an_output():
    turtle = b"<https://example.org/a b> <https://example.org/p> <https://example.org/c> .\n"
    with fake_store(lambda m, p, b: Reply(200, turtle, {"Content-Type": "text/turtle"})) as store:
        with pytest.raises(EndpointError, match="invalid IRI 'https://example.org/a b'"):
            run_query(Endpoint(store.base + "/sparql", graphs="store"), "CONSTRUCT WHERE { ?s ?p ?o }")


def test_every_canned_report_declares_the_columns_it_returns(bundled_kg):
    from rusgraph.reports.queries import list_queries

    for q in list_queries():
        assert q.columns, f"{q.name} declares no #+ columns"
        params = {p.name: "Grorud" for p in q.params if p.required}
        assert run_query(bundled_kg, q, params).vars == q.columns, q.name  # the check refuses no real report
