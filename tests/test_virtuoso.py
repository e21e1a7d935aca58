"""Virtuoso (Debian's virtuoso-opensource, started here on 127.0.0.1 with a database of its
own): push with its standard Digest authentication, every canned report in nb and en with the
same rows as the embedded run, a read-back isomorphic to the local graph, and the SPARQL
Update path with blank nodes. The comparisons share one server (module scope); tests that
change the store get a fresh one (it starts in about 2 s). Skipped where virtuoso-t is absent."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from rusgraph.cli import main
from rusgraph.reports.formats import write_select
from rusgraph.graph.knowledge import ONTOLOGY_GRAPH
from rusgraph.reports.queries import list_queries, run_query
from rusgraph.remote.push import STAGING_BASE, push
from rusgraph.remote.endpoint import Endpoint
from rusgraph.remote.readback import fetch_parts

from .conftest import REPORT_LANGS, params_for
from .servers import virtuoso_server

QUERIES = list_queries()
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), \"https://w3id.org/rusgraph/\")) }"

pytestmark = pytest.mark.slow


def writer(v, **kw) -> Endpoint:  # type: ignore[no-untyped-def]
    """An endpoint that writes through Virtuoso's authenticated (Digest) endpoints as dba."""
    kw.setdefault("store_url", v.store)
    kw.setdefault("update_url", v.update)
    return Endpoint(v.query, user=v.user, password=v.password, timeout=120, **kw)


def stored_quads(v) -> int:  # type: ignore[no-untyped-def]
    return int(run_query(Endpoint(v.query, graphs="store"), COUNT_QUADS).rows[0][0])


def expected_quads(kg) -> int:  # type: ignore[no-untyped-def]
    return len(kg.ontology) + sum(len(g) for g in kg.parts.values())


@pytest.fixture(scope="module")
def virtuoso(bundled_kg, tmp_path_factory):
    """One Virtuoso for the module, holding the bundled graph pushed by the Graph Store
    Protocol at /sparql-graph-crud-auth with Digest credentials."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso") / "db") as v:
        endpoint = writer(v)
        result = push(bundled_kg, endpoint)
        yield v, Endpoint(v.query, timeout=120), result


@pytest.fixture
def fresh_virtuoso(tmp_path):
    with virtuoso_server(tmp_path / "db") as v:
        yield v


def test_push_with_digest_credentials(bundled_kg, virtuoso):
    v, reader, result = virtuoso
    assert result.ok and result.method == "graph-store", result.summary()
    assert next(w.graph for w in result.written) == str(ONTOLOGY_GRAPH)
    assert {w.graph for w in result.written} == {str(ONTOLOGY_GRAPH)} | {str(n) for n in bundled_kg.parts}
    assert result.triples == expected_quads(bundled_kg) == stored_quads(v)
    assert set(reader.rusgraph_graphs(refresh=True)) == {w.graph for w in result.written}
    assert not [g for g in run_query(Endpoint(v.query, graphs="store"),
                                     "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
                if str(g[0]).startswith(STAGING_BASE)]


@pytest.mark.parametrize("lang", REPORT_LANGS)
@pytest.mark.parametrize("q", QUERIES, ids=[q.name for q in QUERIES])
def test_every_report_matches_embedded(virtuoso, embedded, q, lang):
    _v, reader, _ = virtuoso
    local = embedded(q, lang)
    remote = run_query(reader, q, params_for(q), lang=lang)
    assert remote.kind == local.kind == "select"
    assert remote.vars == local.vars
    assert sorted(remote.as_strings()) == sorted(local.as_strings())
    assert len(remote.rows) == len(local.rows)


@pytest.mark.parametrize("district", ["030110", "frogner", "Alna", "Nowhere"])
def test_district_report_for_other_districts(virtuoso, bundled_kg, district):
    _v, reader, _ = virtuoso
    q = next(q for q in QUERIES if q.name == "district")
    for lang in REPORT_LANGS:
        local = run_query(bundled_kg, q, {"district": district}, lang=lang)
        remote = run_query(reader, q, {"district": district}, lang=lang)
        assert sorted(remote.as_strings()) == sorted(local.as_strings())


@pytest.mark.parametrize("q", QUERIES, ids=[q.name for q in QUERIES])
def test_report_cli_csv_is_the_embedded_csv(runner, virtuoso, embedded, q):
    v, _reader, _ = virtuoso
    args = ["report", q.name, "--endpoint", v.query, "--format", "csv", "--lang", "en", "--timeout", "120"]
    for k, val in params_for(q).items():
        args += ["--param", f"{k}={val}"]
    r = runner.invoke(main, args)
    assert r.exit_code == 0, r.output
    want = write_select(embedded(q, "en"), "csv")
    assert r.stdout.splitlines()[0] == want.splitlines()[0]
    assert sorted(r.stdout.splitlines()) == sorted(want.splitlines())


def test_read_back_is_isomorphic(bundled_kg, virtuoso):
    _v, reader, _ = virtuoso
    parts = fetch_parts(reader)
    assert set(parts) == set(bundled_kg.parts)
    for name, g in parts.items():
        assert isomorphic(g, bundled_kg.parts[name]), name
    ontology = Endpoint(reader.query_url, graphs=[str(ONTOLOGY_GRAPH)], timeout=120)
    whole = run_query(ontology, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert isomorphic(whole.graph, bundled_kg.ontology)  # the blank nodes of its OWL restrictions


def test_reports_and_read_back_at_the_digest_endpoint(runner, bundled_kg, virtuoso, embedded):
    """/sparql-auth answers only with Digest credentials: the report is the embedded one, the
    read-back isomorphic; a wrong password is exit 2 with the store's refusal said plainly."""
    v, _reader, _ = virtuoso
    q = next(q for q in QUERIES if q.name == "coverage")
    args = ["report", "coverage", "--endpoint", v.update, "--user", v.user, "--format", "csv", "--lang", "en",
            "--timeout", "120"]
    r = runner.invoke(main, args + ["--password", v.password])
    assert r.exit_code == 0, r.output
    assert sorted(r.stdout.splitlines()) == sorted(write_select(embedded(q, "en"), "csv").splitlines())
    parts = fetch_parts(Endpoint(v.update, user=v.user, password=v.password, timeout=120))
    assert set(parts) == set(bundled_kg.parts)
    assert all(isomorphic(g, bundled_kg.parts[name]) for name, g in parts.items())
    wrong = runner.invoke(main, args + ["--password", "not-the-password"])
    assert wrong.exit_code == 2 and wrong.stdout == ""
    assert "HTTP 401, the store wants credentials and refused the ones given" in wrong.stderr
    assert "not-the-password" not in wrong.output
    anonymous = runner.invoke(main, args[:4] + args[6:])
    assert anonymous.exit_code == 2 and "HTTP 401, the store wants credentials (" in anonymous.stderr


def test_store_errors_are_shown_in_full_without_the_echoed_query(runner, virtuoso):
    v, _reader, _ = virtuoso
    r = runner.invoke(main, ["query", "--endpoint", v.query, "-e",
                             "SELECT * WHERE { ?s ?p ?o FILTER(bif:no_such_function_here(?o)) }"])
    assert r.exit_code == 2
    assert "Virtuoso 37000 Error SP031" in r.stderr and "no_such_function_here" in r.stderr
    assert "SPARQL query:" not in r.stderr and "define " not in r.stderr


def test_wrong_password_is_refused_and_nothing_written(bundled_kg, fresh_virtuoso):
    v = fresh_virtuoso
    endpoint = Endpoint(v.query, store_url=v.store, user=v.user, password="not-the-password")
    with pytest.raises(Exception, match="refused the ones given"):
        push(bundled_kg, endpoint)
    assert stored_quads(v) == 0
    # and no credentials at all: the store asks for them
    with pytest.raises(Exception, match="HTTP 401"):
        push(bundled_kg, Endpoint(v.query, store_url=v.store))


def test_push_cli_with_user_and_password(runner, bundled_kg, fresh_virtuoso, monkeypatch):
    v = fresh_virtuoso
    monkeypatch.setenv("RUSGRAPH_PASSWORD", v.password)
    r = runner.invoke(main, ["push", "--endpoint", v.query, "--store-url", v.store, "--user", v.user])
    assert r.exit_code == 0, r.output
    assert f"{expected_quads(bundled_kg)} triples, by Graph Store Protocol" in r.stderr
    assert v.password not in r.output
    assert stored_quads(v) == expected_quads(bundled_kg)


def test_sparql_update_with_blank_nodes_and_replace(bundled_kg, fresh_virtuoso):
    """Only /sparql-auth: INSERT DATA cannot carry blank nodes on Virtuoso, so those batches go
    as an INSERT template; --replace stages and copies; Virtuoso refuses an INSERT DATA of
    about 1,200 triples or more ("SQL text has exceeded 10000 lines"), so the default batch
    of 10,000 is split; the read-back is isomorphic."""
    v = fresh_virtuoso
    endpoint = writer(v, store_url=None)
    for size in (10_000, 300):  # the second run replaces every graph: nothing is doubled
        result = push(bundled_kg, endpoint, replace=True, batch_size=size)
        assert result.ok and result.method == "sparql-update", result.summary()
        assert all(w.method == "update-replace" for w in result.written)
    assert stored_quads(v) == expected_quads(bundled_kg)
    reader = Endpoint(v.query, timeout=120)
    parts = fetch_parts(reader)
    assert all(isomorphic(parts[n], bundled_kg.parts[n]) for n in bundled_kg.parts)
    onto = Endpoint(v.query, graphs=[str(ONTOLOGY_GRAPH)], timeout=120)
    assert isomorphic(run_query(onto, "CONSTRUCT WHERE { ?s ?p ?o }").graph, bundled_kg.ontology)
    # appending (no --replace) by Update: blank-node graphs are still replaced, never doubled
    result = push(bundled_kg, endpoint, batch_size=300)
    assert result.ok and stored_quads(v) == expected_quads(bundled_kg)
    whole = Graph()
    for g in fetch_parts(reader).values():
        whole += g
    assert isomorphic(whole, bundled_kg.data)
