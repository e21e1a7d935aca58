"""The neo4j-admin flavoured CSV export (``export --format neo4j``) loads as is: Kuzu
(PyPI ``kuzu``, embedded) runs the export's own kuzu.cypher, with the default parallel CSV
reader and the files as written, and then counts the same measures per district as SPARQL
on the graph. The headers are the ones neo4j-admin import reads."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from rusgraph.exports.writer import export_files, write_export
from rusgraph.exports.propertygraph import property_graph
from rusgraph.reports.queries import run_query

kuzu = pytest.importorskip("kuzu", reason="Kuzu is not installed: pip install kuzu")

PER_DISTRICT = """
PREFIX rus: <https://w3id.org/rusgraph/ontology#>
SELECT ?district (COUNT(DISTINCT ?m) AS ?measures) WHERE { ?m a rus:Measure ; rus:district ?district }
GROUP BY ?district
"""


@pytest.fixture(scope="module")
def exported(bundled_kg, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("neo4j") / "graph-import"
    assert sorted(p.name for p in write_export(bundled_kg, "neo4j", out)) == ["edges.csv", "kuzu.cypher", "nodes.csv"]
    return out


def test_headers_are_neo4j_admin_import_headers(exported):
    nodes = next(csv.reader(io.StringIO((exported / "nodes.csv").read_text(encoding="utf-8"))))
    edges = next(csv.reader(io.StringIO((exported / "edges.csv").read_text(encoding="utf-8"))))
    assert nodes[:2] == ["id:ID", ":LABEL"]
    assert edges[:3] == [":START_ID", ":END_ID", ":TYPE"] and edges[-1] == "inferred:boolean"
    # numbers typed from the RDF datatypes (xsd:integer), codes with leading zeros stay strings
    assert "sequence:long" in nodes and "skos_notation" in nodes
    for path in (exported / "nodes.csv", exported / "edges.csv"):
        text = path.read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        assert text.count("\n") == len(rows), f"{path.name}: a record spans lines"  # (splitlines would split at U+2028)
        assert len({len(r) for r in rows}) == 1


def test_kuzu_bulk_load_counts_measures_per_district(bundled_kg, exported, monkeypatch, tmp_path):
    monkeypatch.chdir(exported)  # kuzu.cypher names the files relative to the export directory
    conn = kuzu.Connection(kuzu.Database(str(tmp_path / "db")))
    for statement in (exported / "kuzu.cypher").read_text(encoding="utf-8").splitlines():
        conn.execute(statement)
    rows = conn.execute("MATCH (m:Resource)-[l:Link]->(d:Resource) WHERE l.type = 'district' AND m.type = 'Measure' "
                        "RETURN d.id, count(DISTINCT m.id)").get_all()
    in_kuzu = {d: n for d, n in rows}
    sparql = run_query(bundled_kg, PER_DISTRICT)
    expected = {str(d): int(n) for d, n in sparql.rows}
    assert len(expected) >= 5 and sum(expected.values()) > 100  # every plan, not a toy count
    assert in_kuzu == expected
    # typed columns arrive typed, multi-line texts whole
    seq = conn.execute("MATCH (m:Resource) WHERE m.type = 'Measure' RETURN m.sequence LIMIT 1").get_all()[0][0]
    assert isinstance(seq, int)
    nodes = {n.id: n for n in property_graph(bundled_kg).nodes}
    multi = next(n for n in nodes.values() if "\n" in n.attrs.get("measureText_nb", ""))
    got = conn.execute("MATCH (m:Resource) WHERE m.id = $id RETURN m.measureText_nb", {"id": multi.id}).get_all()
    assert got[0][0].replace("\u2028", "\n") == multi.attrs["measureText_nb"]
    edges = conn.execute("MATCH ()-[l:Link]->() RETURN count(*)").get_all()[0][0]
    assert edges == export_files(bundled_kg, "neo4j")["edges.csv"].count("\n") - 1
