"""CLI wiring: options reach the API, exit codes 0/1/2, stdout carries only data."""

from __future__ import annotations

import json

import pytest

from rusgraph.cli import main

VALID_PLAN = """@prefix rus: <https://w3id.org/rusgraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.org/test/> .
ex:plan a rus:DistrictPlan ; skos:prefLabel "Testplan"@nb ;
    rus:district <https://w3id.org/rusgraph/unit/030110> ; rus:hasResponsibleColumn false .
ex:m1 a rus:Measure ; skos:prefLabel "Tilby HAP"@nb ; rus:measureText "Tilby HAP til unge"@nb ;
    rus:inPlan ex:plan ; rus:district <https://w3id.org/rusgraph/unit/030110> ;
    dcterms:subject <https://w3id.org/rusgraph/vocab/theme/cannabis-cessation> ;
    rus:statedContributesTo <https://w3id.org/rusgraph/plan/0301/strategisk-plan-rusfeltet-2018/s1> .
"""
UNTRACED_PLAN = VALID_PLAN.replace(
    "rus:statedContributesTo <https://w3id.org/rusgraph/plan/0301/strategisk-plan-rusfeltet-2018/s1> .", ".").replace(
    'dcterms:subject <https://w3id.org/rusgraph/vocab/theme/cannabis-cessation> ;\n    .',
    'dcterms:subject <https://w3id.org/rusgraph/vocab/theme/cannabis-cessation> .')


def test_validate_bundled_conforms(runner):
    r = runner.invoke(main, ["validate", "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "VIOLATION" not in r.stdout
    assert "Summary: 0 violation" in r.stderr


def test_validate_draft_plan_with_upper_levels(runner, write):
    ok = write("plan.ttl", VALID_PLAN)
    r = runner.invoke(main, ["validate", str(ok), "--fail-on", "info"])
    assert r.exit_code == 0, r.output
    bad = write("bad.ttl", UNTRACED_PLAN)
    r = runner.invoke(main, ["validate", str(bad), "--lang", "en", "--format", "json"])
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert [x["rule"] for x in doc["results"]] == ["MeasureTraceShape"]
    assert doc["results"][0]["district"] == "Grorud district"
    assert doc["results"][0]["message"].startswith("The measure does not trace")


def test_fail_on_levels(runner):
    assert runner.invoke(main, ["validate", "--fail-on", "warning"]).exit_code == 1
    assert runner.invoke(main, ["validate", "--fail-on", "none", "--district", "Stovner"]).exit_code == 0


def test_validate_district_filter_and_csv(runner):
    r = runner.invoke(main, ["validate", "--district", "030111", "--format", "csv", "--fail-on", "none"])
    assert r.exit_code == 0
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("severity,district,district_code")
    assert len(lines) > 1 and all(",030111," in line for line in lines[1:])
    r = runner.invoke(main, ["validate", "--district", "Atlantis"])
    assert r.exit_code == 2 and "unknown district" in r.stderr


def test_validate_turtle_is_a_shacl_report(runner):
    from rdflib import Graph

    r = runner.invoke(main, ["validate", "--format", "turtle"])
    g = Graph().parse(data=r.stdout, format="turtle")
    assert len(g) > 100


def test_parse_error_exit_2_with_file_and_line(runner, write):
    bad = write("broken.ttl", "@prefix ex: <https://example.org/> .\n\nex:a ex:b .\n")
    r = runner.invoke(main, ["validate", str(bad)])
    assert r.exit_code == 2
    assert "broken.ttl" in r.stderr and "line 3" in r.stderr
    assert "Traceback" not in r.output
    assert r.stdout == ""


def test_missing_file_exit_2(runner, tmp_path):
    r = runner.invoke(main, ["report", "coverage", str(tmp_path / "nope.ttl")])
    assert r.exit_code == 2 and "file not found" in r.stderr


def test_shapes_file_that_is_not_shacl(runner, write):
    notshacl = write("shapes.ttl", "@prefix ex: <https://example.org/> . ex:a ex:b ex:c .")
    r = runner.invoke(main, ["validate", "--shapes", str(notshacl)])
    assert r.exit_code == 2 and "SHACL" in r.stderr


def test_unknown_report_lists_available(runner):
    r = runner.invoke(main, ["report", "nonsense"])
    assert r.exit_code == 2
    assert "coverage" in r.stderr and "measures" in r.stderr


def test_report_list(runner):
    r = runner.invoke(main, ["report", "--list", "--lang", "en"])
    assert r.exit_code == 0
    names = [line.split()[0] for line in r.stdout.splitlines()]
    assert {"coverage", "measures", "gaps", "district"} <= set(names)


def test_query_inline_and_formats(runner):
    q = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a rus:Measure }"
    r = runner.invoke(main, ["query", "-e", q, "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == ["n", "120"]
    r = runner.invoke(main, ["query", "-e", q, "--format", "json"])
    assert json.loads(r.stdout)["results"]["bindings"][0]["n"]["value"] == "120"


def test_query_table_shows_labels_not_iris(runner):
    q = "SELECT ?d WHERE { ?d a rus:District ; skos:notation \"030110\" }"
    r = runner.invoke(main, ["query", "-e", q, "--lang", "en"])
    assert "Grorud district" in r.stdout and "https://" not in r.stdout


def test_query_syntax_error_exit_2(runner):
    r = runner.invoke(main, ["query", "-e", "SELEKT nothing"])
    assert r.exit_code == 2 and "does not parse" in r.stderr


def test_query_file_and_param_binding(runner, write):
    rq = write("q.rq", "#+ param: code | required | SSB code\n"
                       "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                       "SELECT ?d WHERE { ?d skos:notation ?code }\n")
    r = runner.invoke(main, ["query", str(rq), "--param", "code=030105", "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1] == "https://w3id.org/rusgraph/unit/030105"
    r = runner.invoke(main, ["query", str(rq)])
    assert r.exit_code == 2 and "needs the parameter" in r.stderr


def test_export_trig_keeps_named_graphs(runner, tmp_path):
    out = tmp_path / "g.trig"
    r = runner.invoke(main, ["export", "--format", "trig", "-o", str(out)])
    assert r.exit_code == 0, r.output
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(out, format="trig")
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert "https://w3id.org/rusgraph/graph/ontology" in names
    assert "https://w3id.org/rusgraph/graph/plans/030110-grorud" in names
    assert not any(n.endswith("/inferred") for n in names)


def test_infer_prints_only_the_delta(runner, tmp_path):
    out = tmp_path / "inf.nt"
    r = runner.invoke(main, ["infer", "--profile", "owlrl", "--format", "nt", "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert "ontology#tracesTo" in text
    from rdflib import Graph

    import rusgraph

    printed = Graph().parse(data=text, format="nt")
    kg = rusgraph.load()
    assert len(printed) > 1000
    assert not (set(printed) & set(kg.data)), "asserted data is not repeated"
    assert not (set(printed) & set(kg.ontology))
    # N-Triples are streamed from the store; Turtle goes through rdflib: the same triples
    r = runner.invoke(main, ["infer", "--profile", "owlrl", "--format", "turtle"])
    assert r.exit_code == 0, r.output
    assert set(Graph().parse(data=r.stdout, format="turtle")) == set(printed)
    r = runner.invoke(main, ["infer", "--profile", "owlrl", "--format", "nt"])  # to stdout
    assert r.exit_code == 0, r.output
    assert set(Graph().parse(data=r.stdout, format="nt")) == set(printed)


def test_debug_shows_traceback(runner, tmp_path):
    r = runner.invoke(main, ["--debug", "report", "coverage", str(tmp_path / "nope.ttl")])
    assert r.exit_code != 0 and r.exception is not None


def test_usage_error_exit_2(runner):
    r = runner.invoke(main, ["report", "--format", "pdf", "coverage"])
    assert r.exit_code == 2


def test_output_written_atomically(runner, tmp_path, monkeypatch):
    """An export that fails half-way leaves the old file in place, and no temp file."""
    out = tmp_path / "out.ttl"
    out.write_text("old content")
    import rusgraph.exports.writer as exp

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr("rusgraph.outputs.rdf.serialize_graph", boom)
    monkeypatch.setattr(exp, "serialize_graph", boom)
    r = runner.invoke(main, ["export", "-o", str(out)])
    assert r.exit_code != 0
    assert out.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_atomic_writer_keeps_old_file_on_error(tmp_path):
    from rusgraph.outputs.atomic import atomic_writer

    target = tmp_path / "x.txt"
    target.write_text("good")
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as fh:
            fh.write("half")
            raise RuntimeError("interrupted")
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]
