"""`validate --endpoint` runs the compiled shapes as SPARQL on the store (rusgraph.remote.shapes)
and gives the results of a local run: on the bundled graph and on every shape fixture,
pushed into a real Oxigraph server."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from rusgraph.cli import main
from rusgraph.remote.push import push
from rusgraph.remote.endpoint import Endpoint
from rusgraph.graph.sources import load
from rusgraph.remote.shapes import validate_at_endpoint
from rusgraph.validation.validator import validate

from .servers import oxigraph_server

FIXTURE_DIR = Path(__file__).parent / "data" / "shapes"
FIXTURE_IDS = sorted(p.stem for p in FIXTURE_DIR.glob("*.ttl"))

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.usefixtures("rdflib_conversions_as_shipped", "quiet_rdflib")]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "store") as ox:
        yield ox, Endpoint(ox.query, store_url=ox.store, update_url=ox.update)


def _keys(report):  # type: ignore[no-untyped-def]
    return [(r.severity, r.focus, r.shape, r.component, r.path, r.value, r.messages, r.hints)
            for r in report.results]


@pytest.mark.parametrize("name", FIXTURE_IDS)
def test_store_validation_equals_local(store, upper_dir, name):
    _ox, endpoint = store
    kg = load([upper_dir, FIXTURE_DIR / f"{name}.ttl"])
    assert push(kg, endpoint, replace=True, prune=True).ok
    local = validate(kg)
    done = validate_at_endpoint(endpoint, load([]))
    assert done is not None, "the bundled shapes run at the store"
    remote, context = done
    assert _keys(remote) == _keys(local)
    assert remote.conforms == local.conforms == (name == "valid")
    # the findings' context came along: every focus node's labels, every district
    assert len(context.data) > 0


def test_cli_validate_endpoint_runs_at_the_store(runner, store, caplog):
    ox, endpoint = store
    assert push(load(), endpoint, replace=True, prune=True).ok
    args = ["validate", "--format", "json", "--fail-on", "warning", "--lang", "en"]
    local = runner.invoke(main, args)
    with caplog.at_level(logging.INFO, logger="rusgraph"):
        remote = runner.invoke(main, [*args, "--endpoint", ox.query])
    assert remote.exit_code == local.exit_code == 1, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    assert any("validated at" in m for m in caplog.messages), caplog.messages
    text = runner.invoke(main, ["validate", "--district", "Grorud", "--endpoint", ox.query])
    local_text = runner.invoke(main, ["validate", "--district", "Grorud"])
    assert text.exit_code == local_text.exit_code == 0, text.output
    # the same findings text; only the summary line's plan count is left out at a store
    assert text.stdout.split("\n", 1)[1] == local_text.stdout.split("\n", 1)[1] and "Grorud" in text.stdout
    # the reference engine still validates a fetched copy, with the same findings
    ref = runner.invoke(main, [*args, "--endpoint", ox.query, "--engine", "reference"])
    assert ref.exit_code == 1, ref.output
    assert json.loads(ref.stdout) == json.loads(local.stdout)


@pytest.mark.parametrize("name", ["MeasureTraceShape--no-link", "MeasureDeadlineShape--ill-formed-date",
                                  "PeriodOrderShape--ends-before-start", "LabelUniqueLangShape--two-nb"])
def test_store_validation_on_a_union_default_graph(upper_dir, name):
    """--graphs store: the queries go to the store's own default graph (here `rusgraph serve`,
    Oxigraph with --union-default-graph), with the same results."""
    from rusgraph.remote.server import serve

    from .servers import free_port

    kg = load([upper_dir, FIXTURE_DIR / f"{name}.ttl"])
    with serve(kg, port=free_port()) as server:
        done = validate_at_endpoint(Endpoint(server.query_url, graphs="store"), load([]))
    assert done is not None
    assert _keys(done[0]) == _keys(validate(kg))
    assert done[0].results
