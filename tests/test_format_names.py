"""The conventions of rdflib, Jena riot/ARQ and ROBOT users on the command line: format names
and aliases in any case, '-' for standard input, SPARQL XML results, ASK and CONSTRUCT
answers in the asked format, default prefixes for .rq files, GraphML edges without an
attribute that collides with the edge id."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.query import Result

from rusgraph.cli import main
from rusgraph.cli.options import RDF_ALIASES
from rusgraph.outputs.rdf import GRAPH_ALIASES

PLAN = """@prefix rus: <https://w3id.org/rusgraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/m1> a rus:Measure ; skos:prefLabel "Tiltak én"@nb, "Measure one"@en .
<https://example.org/m2> a rus:Measure ; skos:prefLabel "Tiltak to"@nb .
"""
SELECT = "SELECT ?m ?l WHERE { ?m a rus:Measure ; skos:prefLabel ?l FILTER(lang(?l) = 'nb') } ORDER BY ?m"
ISSUE_NAMES = {"ttl": "turtle", "turtle": "turtle", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
               "nq": "nquads", "nquads": "nquads", "jsonld": "json-ld", "json-ld": "json-ld",
               "rdfxml": "xml", "xml": "xml", "trig": "trig"}


def _ok(r):  # type: ignore[no-untyped-def]
    assert r.exit_code == 0, r.output
    return r.stdout


def test_cli_and_library_aliases_agree():
    assert set(RDF_ALIASES) == set(GRAPH_ALIASES)


@pytest.mark.parametrize("name", sorted(ISSUE_NAMES))
def test_export_takes_every_usual_name(runner, write, name):
    plan = write("plan.ttl", PLAN)
    base = ["export", str(plan), "--no-ontology", "--format"]
    got = _ok(runner.invoke(main, [*base, name.upper() if name == "ttl" else name]))
    assert got == _ok(runner.invoke(main, [*base, ISSUE_NAMES[name]]))


def test_infer_takes_aliases(runner, write):
    plan = write("plan.ttl", PLAN)
    # the same lines: N-Triples come as the store streams them, in no set order
    assert sorted(_ok(runner.invoke(main, ["infer", str(plan), "--format", "n-triples"])).splitlines()) == \
        sorted(_ok(runner.invoke(main, ["infer", str(plan), "--format", "nt"])).splitlines())


def test_data_from_stdin_in_input_format(runner, write):
    rq = str(write("q.rq", SELECT))
    nt = Graph().parse(data=PLAN, format="turtle").serialize(format="nt")
    r = runner.invoke(main, ["query", rq, "-", "--input-format", "n-triples", "--format", "csv"], input=nt)
    assert _ok(r).splitlines() == ["m,l", "https://example.org/m1,Tiltak én", "https://example.org/m2,Tiltak to"]
    bad = runner.invoke(main, ["query", rq, "-", "--input-format", "ttl"], input=PLAN + "\n<a> <b> .\n")
    assert bad.exit_code == 2 and "<stdin>" in bad.stderr and "line" in bad.stderr
    twice = runner.invoke(main, ["query", "-", "-"], input=SELECT)
    assert twice.exit_code == 2


def test_query_from_stdin_and_rq_file_get_default_prefixes(runner, write):
    plan = write("plan.ttl", PLAN)
    rq = write("q.rq", SELECT)  # no PREFIX lines: rus: and skos: are predeclared
    want = _ok(runner.invoke(main, ["query", str(rq), str(plan), "--format", "csv"]))
    assert "Tiltak to" in want
    assert _ok(runner.invoke(main, ["query", "-", str(plan), "--format", "csv"], input=SELECT)) == want
    # a query's own declaration wins over the default
    own = write("own.rq", "PREFIX rus: <https://example.org/other#>\n" + SELECT)
    assert _ok(runner.invoke(main, ["query", str(own), str(plan), "--format", "csv"])).splitlines() == ["m,l"]


def test_select_as_sparql_xml_and_json(runner, write):
    plan = write("plan.ttl", PLAN)
    base = ["query", str(write("q.rq", SELECT)), str(plan), "--format"]
    srj = _ok(runner.invoke(main, [*base, "srj"]))
    assert srj == _ok(runner.invoke(main, [*base, "json"]))
    srx = _ok(runner.invoke(main, [*base, "srx"]))
    assert srx == _ok(runner.invoke(main, [*base, "XML"]))
    from_xml = Result.parse(io.BytesIO(srx.encode("utf-8")), format="xml")
    from_json = Result.parse(io.BytesIO(srj.encode("utf-8")), format="json")
    assert [tuple(r) for r in from_xml] == [tuple(r) for r in from_json]
    assert [str(r[1]) for r in from_xml] == ["Tiltak én", "Tiltak to"]
    assert {r[1].language for r in from_xml} == {"nb"}
    turtle = runner.invoke(main, [*base, "turtle"])
    assert turtle.exit_code == 2 and "not a graph" in turtle.stderr


def test_ask_honours_format(runner, write):
    plan = write("plan.ttl", PLAN)
    base = ["query", str(write("ask.rq", "ASK { ?m a rus:Measure }")), str(plan), "--format"]
    assert json.loads(_ok(runner.invoke(main, [*base, "json"]))) == {"head": {}, "boolean": True}
    srx = _ok(runner.invoke(main, [*base, "srx"]))
    assert Result.parse(io.BytesIO(srx.encode("utf-8")), format="xml").askAnswer is True
    assert _ok(runner.invoke(main, [*base, "table"])) == "true\n"


@pytest.mark.parametrize("fmt,parse_as", [("nt", "nt"), ("ttl", "turtle"), ("jsonld", "json-ld"),
                                          ("rdfxml", "xml"), ("xml", "xml"), ("json", "json-ld")])
def test_construct_honours_format(runner, write, fmt, parse_as):
    plan = write("plan.ttl", PLAN)
    rq = write("c.rq", "CONSTRUCT WHERE { ?m a rus:Measure ; skos:prefLabel ?l }")
    text = _ok(runner.invoke(main, ["query", str(rq), str(plan), "--no-ontology", "--format", fmt]))
    assert isomorphic(Graph().parse(data=text, format=parse_as), Graph().parse(data=PLAN, format="turtle"))
    csv_ = runner.invoke(main, ["query", str(rq), str(plan), "--format", "csv"])
    assert csv_.exit_code == 2 and "RDF format" in csv_.stderr


def test_graphml_edges_carry_no_id_attribute():
    import networkx as nx

    import rusgraph
    from rusgraph.exports.writer import export

    text = export(rusgraph.load(), "graphml")
    assert '<key id="' in text
    assert 'for="edge" attr.name="id"' not in text
    g = nx.read_graphml(io.BytesIO(text.encode("utf-8")), force_multigraph=True)
    edges = list(g.edges(keys=True, data=True))
    assert edges and all("id" not in d and k for _u, _v, k, d in edges)
