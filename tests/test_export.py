"""rusgraph export: RDF round trips through two independent parsers, the property-graph
model and its files (GraphML, GEXF, cytoscape.js JSON, CSV), --district slices, the
offline JSON-LD context, atomic output and the CLI wiring."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from rusgraph.cli import main
from rusgraph.exports.writer import export, export_files, write_export
from rusgraph.graph.knowledge import INFERRED_GRAPH, ONTOLOGY_GRAPH
from rusgraph.graph.namespaces import RUS
from rusgraph.exports.propertygraph import EDGE_KEYS, NODE_KEYS, property_graph

pyoxigraph = pytest.importorskip("pyoxigraph", reason="pyoxigraph is the second, independent RDF parser")

TRIPLE_FORMATS = ("turtle", "nt", "xml", "json-ld")
QUAD_FORMATS = ("trig", "nquads")
OX_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "xml": "RDF_XML", "json-ld": "JSON_LD",
              "trig": "TRIG", "nquads": "N_QUADS"}
STOVNER = "https://w3id.org/rusgraph/plan/030111/rusplan-2021-2024"
STOVNER_MEASURE_3 = STOVNER + "/measure/3"
GRORUD_PLAN = "https://w3id.org/rusgraph/plan/030110/"


@pytest.fixture(scope="module")
def kg(bundled_kg):
    """The bundled graph with a small 'inferred' graph, so the inferred named graph is
    exercised without running a reasoner."""
    inferred = Graph()
    m = URIRef(STOVNER_MEASURE_3)
    inferred.add((m, RUS.tracesTo, URIRef("https://w3id.org/rusgraph/plan/0301/strategisk-plan-rusfeltet-2018/s1")))
    inferred.add((URIRef(STOVNER), RUS.hasMeasure, m))
    return replace(bundled_kg, inferred_source=inferred)


@pytest.fixture(scope="module")
def pg(kg):
    return property_graph(kg, lang="nb")


# ------------------------------------------------------------------------ RDF round trips


def _ox_term(t):  # type: ignore[no-untyped-def]
    if isinstance(t, pyoxigraph.NamedNode):
        return URIRef(t.value)
    if isinstance(t, pyoxigraph.BlankNode):
        return BNode(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    dt = t.datatype.value
    return Literal(t.value, datatype=None if dt == "http://www.w3.org/2001/XMLSchema#string" else URIRef(dt))


def _ox_graphs(text: str, fmt: str) -> dict[str, Graph]:
    """Parse with Oxigraph (not rdflib) and group the quads by graph name ('' = default)."""
    out: dict[str, Graph] = {}
    for q in pyoxigraph.parse(text.encode("utf-8"), format=getattr(pyoxigraph.RdfFormat, OX_FORMATS[fmt])):
        name = "" if isinstance(q.graph_name, pyoxigraph.DefaultGraph) else q.graph_name.value
        out.setdefault(name, Graph()).add((_ox_term(q.subject), _ox_term(q.predicate), _ox_term(q.object)))
    return out


def _expected_graph(kg, *, with_inferred=False, with_ontology=True) -> Graph:  # type: ignore[no-untyped-def]
    g = Graph()
    if with_ontology:
        g += kg.ontology
    g += kg.data
    if with_inferred:
        g += kg.inferred
    return g


@pytest.mark.parametrize("fmt,with_inferred", [*((f, False) for f in TRIPLE_FORMATS), ("nt", True)],
                         ids=[*TRIPLE_FORMATS, "nt-with-inferred"])
def test_triple_formats_round_trip_through_rdflib_and_oxigraph(kg, fmt, with_inferred):
    text = export(kg, fmt, with_inferred=with_inferred)
    expected = _expected_graph(kg, with_inferred=with_inferred)
    back = Graph().parse(data=text, format=fmt)
    assert isomorphic(back, expected)
    ox = _ox_graphs(text, fmt)
    assert set(ox) == {""}
    assert isomorphic(ox[""], expected)


@pytest.mark.parametrize("fmt", QUAD_FORMATS)
def test_quad_formats_keep_each_named_graph(kg, fmt):
    text = export(kg, fmt, with_inferred=True)
    expected = {str(ONTOLOGY_GRAPH): kg.ontology, str(INFERRED_GRAPH): kg.inferred,
                **{str(name): part for name, part in kg.parts.items()}}
    ds = Dataset()
    ds.parse(data=text, format=fmt)
    got = {str(g.identifier): g for g in ds.graphs() if len(g)}
    assert set(got) == set(expected)
    ox = _ox_graphs(text, fmt)
    assert set(ox) == set(expected)
    for name, graph in expected.items():
        assert isomorphic(got[name], graph), name
        assert isomorphic(ox[name], graph), name


def test_trig_without_ontology_or_inferred(kg):
    text = export(kg, "trig", with_ontology=False)
    ox = _ox_graphs(text, "trig")
    assert str(ONTOLOGY_GRAPH) not in ox and str(INFERRED_GRAPH) not in ox
    assert set(ox) == {str(n) for n in kg.parts}


def test_rdfxml_alias_is_xml(kg):
    assert export(kg, "rdfxml") == export(kg, "xml")


# --------------------------------------------------------------------------------- JSON-LD


def test_shipped_context_matches_the_ontology(bundled_kg):
    from rusgraph.graph.jsonld import CONTEXT_FILE, context_text

    shipped = (Path(__import__("rusgraph").__file__).parent / CONTEXT_FILE).read_text(encoding="utf-8")
    assert shipped == context_text(bundled_kg.ontology), "run: python -m rusgraph.graph.jsonld"


def test_context_has_a_term_for_every_property_and_class_the_data_uses(bundled_kg):
    from rusgraph.graph.jsonld import shipped_context

    ctx = shipped_context()["@context"]
    iris = set()
    for term in ctx.values():
        curie = term["@id"] if isinstance(term, dict) else term
        if isinstance(curie, str) and ":" in curie and not curie.startswith("http"):
            prefix, local = curie.split(":", 1)
            iris.add(ctx[prefix] + local)
    used = {str(p) for p in bundled_kg.data.predicates()} | {str(o) for o in bundled_kg.data.objects(None, RDF.type)}
    missing = used - {str(RDF.type)} - iris
    assert not missing, (f"no JSON-LD term for {sorted(missing)}: declare it in the ontology or in EXTERNAL_TERMS "
                         "(rusgraph/graph/jsonld.py), then run python -m rusgraph.graph.jsonld")


def test_jsonld_is_compact_with_the_inline_context_and_parses_offline(kg, monkeypatch):
    import urllib.request

    from rusgraph.graph.jsonld import shipped_context

    def no_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a JSON-LD context was fetched from the network")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    text = export(kg, "json-ld")
    doc = json.loads(text)
    assert doc["@context"] == shipped_context()["@context"]  # inlined, never a remote URL
    measure = next(n for n in doc["@graph"] if n["@id"] == STOVNER_MEASURE_3)
    assert measure["@type"] == "Measure"
    assert measure["inPlan"] == STOVNER
    assert "nb" in measure["prefLabel"]
    assert isomorphic(Graph().parse(data=text, format="json-ld"), _expected_graph(kg))
    assert text == export(kg, "json-ld"), "the same graph gives the same text"


# ----------------------------------------------------------------------- district slices


def test_district_slice_keeps_the_plan_and_what_it_reaches(kg):
    text = export(kg, "nt", district="030111", with_ontology=False)
    g = Graph().parse(data=text, format="nt")
    subjects = {str(s) for s in g.subjects()}
    assert STOVNER_MEASURE_3 in subjects and STOVNER in subjects
    assert "https://w3id.org/rusgraph/unit/030111/avl" in subjects
    # the upper levels the plan's measures reach are there ...
    assert "https://w3id.org/rusgraph/plan/0301/strategisk-plan-rusfeltet-2018/s1" in subjects
    assert "https://w3id.org/rusgraph/plan/0301/strategisk-plan-rusfeltet-2018/hm1" in subjects
    # ... other districts' plans, goals, measures and units are not
    assert not any(s.startswith(GRORUD_PLAN) for s in subjects)
    assert "https://w3id.org/rusgraph/unit/030110" not in subjects
    # by name as well as by code
    assert export(kg, "nt", district="Bydel Stovner", with_ontology=False) == text


def test_unknown_district_is_a_clear_error(kg):
    from rusgraph.graph.districts import UnknownDistrict

    with pytest.raises(UnknownDistrict, match="unknown district 'Atlantis'.*Stovner \\(030111\\)"):
        export(kg, "turtle", district="Atlantis")


def test_district_property_graph_has_no_dangling_edges(kg):
    from rusgraph.graph.districts import district_slice

    pg = property_graph(district_slice(kg, "Grorud"))
    ids = {n.id for n in pg.nodes}
    assert all(e.source in ids and e.target in ids for e in pg.edges)
    measures = [n for n in pg.nodes if n.type == "Measure"]
    assert measures and all(n.id.startswith(GRORUD_PLAN) for n in measures)


# ------------------------------------------------------------------- property-graph model

SMALL = """
@prefix rus: <https://w3id.org/rusgraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .

ex:plan a rus:DistrictPlan, rus:Plan ; skos:prefLabel "Planen"@nb ; dcterms:temporal ex:period ;
    skos:exactMatch <http://www.wikidata.org/entity/Q1> .
ex:period a dcterms:PeriodOfTime ; dcat:startDate "2021"^^xsd:gYear ; dcat:endDate "2024"^^xsd:gYear .
ex:goal a rus:CityGoal ; skos:prefLabel "Mål"@nb, "Goal"@en ; skos:notation "S1-01" ; skos:inScheme ex:scheme ;
    skos:topConceptOf ex:scheme .
ex:scheme a skos:ConceptScheme ; skos:hasTopConcept ex:goal ; skos:prefLabel "Skjema"@nb .
ex:m1 a rus:Measure ; rus:inPlan ex:plan ; rus:measureText "Gjør noe"@nb ; rus:sequence 1 ;
    rus:activity "a"@nb, "b"@nb ;
    rus:curatedContributesTo ex:goal ; rus:qualifiedLink ex:m1-q .
ex:m1-q a rus:LinkQualification ; rus:linkTarget ex:goal ; rus:linkBasis ex:curated ;
    rus:reason "because"@en .
ex:curated a rus:LinkBasis ; skos:prefLabel "kuratert"@nb .
"""


@pytest.fixture(scope="module")
def small_pg(bundled_kg):
    from rusgraph.graph.sources import load

    g = Graph().parse(data=SMALL, format="turtle")
    return property_graph(load([g], shapes=[]), lang="en")


def test_nodes_take_label_type_colour_and_literal_attributes(small_pg):
    nodes = {n.id.rsplit("/", 1)[1]: n for n in small_pg.nodes}
    assert set(nodes) == {"plan", "goal", "scheme", "m1", "curated"}  # qualification and period folded away
    assert nodes["plan"].type == "DistrictPlan"  # the most specific class, not rus:Plan
    assert nodes["plan"].types == "rus:DistrictPlan rus:Plan"
    assert nodes["goal"].label == "Goal"  # --lang en
    assert nodes["plan"].label == "Planen"  # falls back to nb
    assert nodes["m1"].label == "Gjør noe"  # no label at all: the measure text
    assert nodes["plan"].attrs["dcat_startDate"] == "2021" and nodes["plan"].attrs["dcat_endDate"] == "2024"
    assert nodes["plan"].attrs["skos_exactMatch"] == "http://www.wikidata.org/entity/Q1"
    assert nodes["goal"].attrs["skos_prefLabel_nb"] == "Mål" and nodes["goal"].attrs["skos_notation"] == "S1-01"
    assert nodes["m1"].attrs["activity_nb"] == "a\nb" and nodes["m1"].attrs["sequence"] == "1"
    assert nodes["m1"].colour.startswith("#") and nodes["m1"].colour != nodes["goal"].colour


def test_edges_fold_qualifications_and_drop_redundant_links(small_pg):
    rel = {(e.source.rsplit("/", 1)[1], e.relation, e.target.rsplit("/", 1)[1]): e for e in small_pg.edges}
    assert set(rel) == {("m1", "inPlan", "plan"), ("m1", "curatedContributesTo", "goal"),
                        ("goal", "skos_inScheme", "scheme")}  # no type, hasTopConcept or duplicate topConceptOf
    up = rel[("m1", "curatedContributesTo", "goal")]
    assert (up.basis, up.reason, up.label) == ("curated", "because", "contributes to (curated)")
    assert up.qualification.endswith("/m1-q")
    assert rel[("goal", "skos_inScheme", "scheme")].label == "in scheme"


def test_every_value_is_a_plain_string_and_ids_are_unique(pg):
    for n in pg.nodes:
        assert all(isinstance(v, str) for v in n.data().values())
    for e in pg.edges:
        assert all(isinstance(v, str) for v in e.data().values())
    assert len({n.id for n in pg.nodes}) == len(pg.nodes)
    assert len({e.id for e in pg.edges}) == len(pg.edges)
    ids = {n.id for n in pg.nodes}
    assert all(e.source in ids and e.target in ids for e in pg.edges)
    assert not any(n.type == "LinkQualification" for n in pg.nodes)


def test_edge_ids_are_stable(kg, pg):
    again = property_graph(kg, lang="nb")
    assert [e.id for e in again.edges] == [e.id for e in pg.edges]


def test_inferred_edges_are_marked(kg, pg):
    with_inf = property_graph(kg, with_inferred=True)
    inferred = [e for e in with_inf.edges if e.inferred == "true"]
    assert {(e.relation, e.source) for e in inferred} == {("tracesTo", STOVNER_MEASURE_3), ("hasMeasure", STOVNER)}
    assert len(with_inf.edges) == len(pg.edges) + 2


# ---------------------------------------------------------------------- GraphML and GEXF


def _model_edges(pg):  # type: ignore[no-untyped-def]
    return {e.id: (e.source, e.target, e.label, e.relation) for e in pg.edges}


def test_graphml_reads_back_with_networkx(kg, pg):
    text = export(kg, "graphml")
    g = nx.read_graphml(io.BytesIO(text.encode("utf-8")), force_multigraph=True)
    assert set(g.nodes) == {n.id for n in pg.nodes}
    for n in pg.nodes:
        assert g.nodes[n.id]["label"] == n.label and g.nodes[n.id]["type"] == n.type
    got = {k: (u, v, d["label"], d["relation"]) for u, v, k, d in g.edges(keys=True, data=True)}
    assert got == _model_edges(pg)


def test_gexf_reads_back_with_networkx(kg, pg):
    text = export(kg, "gexf")
    g = nx.read_gexf(io.BytesIO(text.encode("utf-8")), node_type=str)
    assert set(g.nodes) == {n.id for n in pg.nodes}
    for n in pg.nodes:
        data = g.nodes[n.id]
        assert data["label"] == n.label and data["type"] == n.type and data["colour"] == n.colour
        assert data["viz"]["color"]["r"] == int(n.colour[1:3], 16)
    got = {d["id"]: (u, v, d["label"], d["relation"]) for u, v, d in g.edges(data=True)}
    assert got == _model_edges(pg)


# ------------------------------------------------------------------- cytoscape.js and CSV


def test_cytoscape_json_has_elements_with_data(kg, pg):
    doc = json.loads(export(kg, "cytoscape"))
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    assert len(nodes) == len(pg.nodes) and len(edges) == len(pg.edges)
    assert all(set(NODE_KEYS) <= set(n["data"]) and n["data"]["name"] == n["data"]["label"] for n in nodes)
    assert all(set(EDGE_KEYS) == set(e["data"]) for e in edges)
    ids = [x["data"]["id"] for x in nodes + edges]
    assert len(ids) == len(set(ids))


def _read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_nodes_and_edges_are_consistent(kg, pg):
    files = export_files(kg, "csv")
    assert set(files) == {"nodes.csv", "edges.csv"}
    nodes, edges = _read_csv(files["nodes.csv"]), _read_csv(files["edges.csv"])
    assert list(nodes[0])[:5] == list(NODE_KEYS) and list(edges[0]) == list(EDGE_KEYS)
    ids = {r["id"] for r in nodes}
    assert len(ids) == len(nodes) == len(pg.nodes)
    assert len(edges) == len(pg.edges) and len({r["id"] for r in edges}) == len(edges)
    assert all(r["source"] in ids and r["target"] in ids for r in edges)
    m3 = next(r for r in nodes if r["id"] == STOVNER_MEASURE_3)
    assert m3["type"] == "Measure" and m3["label"].startswith("Bydelen tilbyr hasjavvenningsprogram")


def test_csv_to_a_new_directory_an_existing_one_and_a_zip(kg, tmp_path):
    out = tmp_path / "neo4j"
    assert sorted(p.name for p in write_export(kg, "csv", out)) == ["edges.csv", "nodes.csv"]
    (out / "keep.txt").write_text("mine")
    write_export(kg, "csv", out, district="Ullern")
    assert (out / "keep.txt").read_text() == "mine"
    assert "030106" in (out / "nodes.csv").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["neo4j"]  # no temporary directory left behind
    z = tmp_path / "graph.zip"
    write_export(kg, "csv", z)
    with zipfile.ZipFile(z) as f:
        assert sorted(f.namelist()) == ["edges.csv", "nodes.csv"]
        assert f.read("nodes.csv").decode("utf-8") == export_files(kg, "csv")["nodes.csv"]


def test_an_interrupted_directory_write_leaves_nothing(tmp_path, monkeypatch):
    import os

    from rusgraph.outputs import atomic

    calls = {"n": 0}
    real_fsync = os.fsync

    def fail_second(fd):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", fail_second)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_files_atomic(tmp_path / "out", {"nodes.csv": b"a", "edges.csv": b"b"})
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_file_export_keeps_the_old_file(kg, tmp_path, monkeypatch):
    from rusgraph.outputs import atomic

    target = tmp_path / "g.graphml"
    target.write_text("old")

    def boom(fd):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", boom)
    with pytest.raises(KeyboardInterrupt):
        write_export(kg, "graphml", target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["g.graphml"]


# ----------------------------------------------------------------------------------- CLI


@pytest.mark.parametrize("fmt", ["rdfxml", "json-ld", "gexf", "cytoscape"])
def test_cli_writes_a_file(runner, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    r = runner.invoke(main, ["export", "--format", fmt, "--district", "Stovner", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.stat().st_size > 1000
    assert f"wrote {out}" in r.stderr


def test_cli_html_to_stdout_is_one_offline_page(runner):
    r = runner.invoke(main, ["export", "--format", "html", "--lang", "en", "--district", "030111"])
    assert r.exit_code == 0, r.stderr
    page = r.stdout
    assert page.startswith("<!doctype html>") and "Stovner" in page
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert "cytoscape" in page and '<script id="graph-data" type="application/json">' in page


def test_cli_csv_needs_an_output(runner):
    r = runner.invoke(main, ["export", "--format", "csv"])
    assert r.exit_code == 2 and "-o DIR or -o FILE.zip" in r.stderr


def test_cli_unknown_district_exits_2(runner):
    r = runner.invoke(main, ["export", "--format", "gexf", "--district", "Atlantis"])
    assert r.exit_code == 2
    assert "Error: unknown district 'Atlantis'" in r.stderr and "Grorud (030110)" in r.stderr
    assert r.stdout == ""


def test_page_data_cannot_end_its_script_element():
    from rusgraph.exports.graphpage import graph_page
    from rusgraph.graph.sources import load

    nasty = "</script><script>alert(1)</script><!-- {{SCRIPT}}"
    g = Graph().parse(data=f"""
        @prefix rus: <https://w3id.org/rusgraph/ontology#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://example.org/m> a rus:Measure ; skos:prefLabel {json.dumps(nasty)}@nb .""", format="turtle")
    page = graph_page(property_graph(load([g], shapes=[])), lang="en", title="<b>t</b>")
    assert "<script>alert(1)" not in page and "<title>&lt;b&gt;t&lt;/b&gt;</title>" in page
    start = page.index('<script id="graph-data" type="application/json">') + len(
        '<script id="graph-data" type="application/json">')
    data = json.loads(page[start:page.index("</script>", start)])
    assert data["elements"]["nodes"][0]["data"]["label"] == nasty
    assert page.count("<script") == 4  # data, settings, cytoscape.js, the page's script
