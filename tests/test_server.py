"""`rusgraph serve`: the real Oxigraph server, read-only, on a free loopback port, stopped by pid."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from rusgraph.cli import main
from rusgraph.errors import EndpointError
from rusgraph.reports.formats import write_select
from rusgraph.reports.queries import get_query, list_queries, run_query
from rusgraph.remote.endpoint import Endpoint
from rusgraph.remote.server import find_oxigraph, serve

from .servers import HOST, free_port, pid_alive, stop_pid, wait_until_up

INSERT = b"INSERT DATA { <https://example.org/a> <https://example.org/b> <https://example.org/c> }"


def a_report():  # type: ignore[no-untyped-def]
    """A canned report without required parameters (the reports are still being written)."""
    names = [q.name for q in list_queries() if not any(p.required for p in q.params)]
    return get_query("coverage" if "coverage" in names else names[0])


def post_status(url: str, body: bytes, content_type: str) -> int:
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.mark.slow
def test_serve_answers_reports_and_refuses_writes(bundled_kg):
    q = a_report()
    with serve(bundled_kg, port=free_port()) as server:
        assert server.host == HOST and pid_alive(server.pid)
        remote = run_query(Endpoint(server.query_url), q, lang="en")
        # --union-default-graph: the store's own default graph is the union of the named graphs
        store = run_query(Endpoint(server.query_url, graphs="store"), q, lang="en")
        local = run_query(bundled_kg, q, lang="en")
        assert sorted(remote.as_strings()) == sorted(local.as_strings()) == sorted(store.as_strings())
        assert post_status(server.url + "/update", INSERT, "application/sparql-update") == 403
        assert post_status(server.url + "/store?graph=https://example.org/g", b"", "application/n-triples") == 403
        pid, location = server.pid, server.location
    assert not pid_alive(pid) and not location.exists()


@pytest.mark.slow
def test_serve_keeps_a_location_and_refuses_a_busy_one(bundled_kg, tmp_path):
    kept = tmp_path / "kept"
    with serve(bundled_kg, port=free_port(), location=kept) as server:
        assert server.location == kept
    assert (kept / "CURRENT").exists() or any(kept.iterdir())
    with pytest.raises(EndpointError, match="new or empty directory"):
        serve(bundled_kg, port=free_port(), location=kept).stop()


@pytest.mark.slow
def test_serve_port_in_use(bundled_kg):
    with serve(bundled_kg, port=free_port()) as first:
        with pytest.raises(EndpointError, match="in use"):
            serve(bundled_kg, port=first.port, ready_timeout=10).stop()  # stopped even if it wrongly starts


@pytest.mark.slow
def test_cli_serve_until_interrupted(tmp_path, runner, bundled_kg):
    port = free_port()
    err = tmp_path / "stderr"
    with err.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "rusgraph", "serve", "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=fh, stdin=subprocess.DEVNULL)
    oxigraph_pid = None
    try:
        wait_until_up(f"http://{HOST}:{port}/query?query=ASK%7B%7D", proc, timeout=60)
        deadline = time.monotonic() + 10
        while "oxigraph pid" not in err.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        text = err.read_text()
        assert f"serving http://{HOST}:{port}/query" in text
        oxigraph_pid = int(text.split("oxigraph pid ")[1].split(",")[0])
        q = a_report()
        r = runner.invoke(main, ["report", q.name, "--endpoint", f"http://{HOST}:{port}/query", "--format", "csv"])
        assert r.exit_code == 0, r.output
        want = write_select(run_query(bundled_kg, q), "csv")
        assert sorted(r.stdout.splitlines()) == sorted(want.splitlines())
        assert post_status(f"http://{HOST}:{port}/update", INSERT, "application/sparql-update") == 403
        os.kill(proc.pid, signal.SIGINT)  # Ctrl-C
        assert proc.wait(timeout=20) == 0
        assert "stopped" in err.read_text()
        assert not pid_alive(oxigraph_pid)
    finally:
        stop_pid(proc)
        if oxigraph_pid and pid_alive(oxigraph_pid):
            os.kill(oxigraph_pid, signal.SIGKILL)


def test_serve_refuses_a_non_loopback_host(bundled_kg, runner):
    with pytest.raises(EndpointError, match="not a loopback address.*--allow-remote"):
        serve(bundled_kg, host="0.0.0.0", port=free_port()).stop()
    r = runner.invoke(main, ["serve", "--host", "0.0.0.0", "--port", str(free_port())])
    assert r.exit_code == 2 and "--allow-remote" in r.stderr


def test_missing_oxigraph_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EndpointError, match=r"pip install 'rusgraph\[serve\]'"):
        find_oxigraph()
