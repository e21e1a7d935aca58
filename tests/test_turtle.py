"""Turtle written in linear time (issue 18, item 5) is the text rdflib writes: sorted and
stable, so regenerated data files and imported plans diff only where the triples differ."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from rusgraph.outputs.rdf import serialize_graph
from rusgraph.graph.namespaces import bind_prefixes

from .conftest import ROOT

FILES = sorted(p.relative_to(ROOT) for d in ("data", "ontology", "shapes") for p in (ROOT / d).rglob("*.ttl"))


def _both(g: Graph) -> tuple[str, str]:
    ours = serialize_graph(g, "turtle")
    theirs = g.serialize(format="turtle")
    return ours, theirs


@pytest.mark.parametrize("rel", FILES, ids=[str(f) for f in FILES])
def test_same_text_as_rdflib(rel: Path):
    g = bind_prefixes(Graph())
    g.parse(ROOT / rel)
    ours, theirs = _both(g)
    assert ours == theirs


def test_odd_terms_same_text_as_rdflib():
    g = bind_prefixes(Graph())
    ex = "http://example.org/"
    s = URIRef(ex + "s")
    for o in (Literal("x\ny \"q\" \\"), Literal("1", datatype=URIRef(ex + "dt")), Literal(3), Literal(2.5),
              Literal(True), Literal("nb", lang="nb"), URIRef(ex + "a.b."), URIRef(ex + "a(b)"), URIRef(ex + "%zz"),
              URIRef("urn:x:y"), URIRef("https://w3id.org/rusgraph/ontology#Measure")):
        g.add((s, URIRef(ex + "p"), o))
        g.add((URIRef(ex + "t"), URIRef("http://other.example/q#r"), o))
    ours, theirs = _both(g)
    assert ours == theirs


def test_imported_plan_same_text_as_rdflib(runner, tmp_path):
    from rusgraph.cli import main
    from rusgraph.sheets.spreadsheet import import_plan

    path = tmp_path / "grorud.xlsx"
    assert runner.invoke(main, ["export", "--format", "xlsx", "--district", "Grorud", "-o", str(path)]).exit_code == 0
    g = bind_prefixes(import_plan(path).graph)
    ours, theirs = _both(g)
    assert ours == theirs


def test_iris_without_prefix_are_not_searched(monkeypatch):
    """The quadratic part of rdflib's serializer: every IRI without a prefix was looked up
    in a trie of namespaces that grows with each one. Such IRIs are written in full at once:
    the lookups do not grow with the subjects (time is measured in benchmarks/, not here)."""
    from rdflib.namespace import RDFS, NamespaceManager

    calls = []
    real = NamespaceManager.compute_qname

    def counting(self, uri, generate=True):  # type: ignore[no-untyped-def]
        calls.append(uri)
        return real(self, uri, generate)

    monkeypatch.setattr(NamespaceManager, "compute_qname", counting)
    for n in (200, 400):
        g = bind_prefixes(Graph())
        for i in range(n):
            g.add((URIRef(f"https://example.org/plan/{i}/measure/{i}"), RDFS.label, Literal(f"m{i}")))
            g.add((URIRef(f"https://example.org/plan/{i}/measure/{i}"), RDFS.seeAlso, URIRef(f"urn:x:{i}")))
        calls.clear()
        serialize_graph(g, "turtle")
        assert len(calls) < 10, n


def test_lone_surrogate_same_text_as_rdflib():
    g = bind_prefixes(Graph())
    g.add((URIRef("http://example.org/s"), URIRef("http://example.org/p"), Literal("a\ud800b")))
    ours, theirs = _both(g)
    assert ours == theirs
