"""Apache Jena (Debian's libapache-jena-java 4.5) as a third engine.

- ARQ runs every canned report, nb and en, on the exported graph (``export --format nt``,
  ontology included) and gives the same rows as rusgraph's embedded run.
- Jena SHACL reads shapes/plans.ttl as it is and finds the same (shape, focus node,
  severity) results as ``rusgraph validate``, on the bundled graph and on every shape
  fixture, with SHACL's sh:conforms (false with any result) in both reports.

All queries and validations run in one JVM start (tests/jena.py); skipped where Java or
Jena is not installed (.ci/run installs both).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.query import Result

from rusgraph.exports.writer import export
from rusgraph.graph.namespaces import SH
from rusgraph.reports.queries import QueryResult, bindings_for, list_queries, run_query
from rusgraph.graph.sparqltext import inject_values
from rusgraph.graph.sources import load
from rusgraph.validation.validator import validate

from . import jena

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "shapes" / "plans.ttl"
FIXTURE_DIR = Path(__file__).parent / "data" / "shapes"
FIXTURE_IDS = sorted(p.stem for p in FIXTURE_DIR.glob("*.ttl"))
QUERIES = list_queries()
LANGS = ("nb", "en")
PARAMS = {"district": "Grorud"}

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.usefixtures("rdflib_conversions_as_shipped", "quiet_rdflib")]


def params_for(q) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {p.name: PARAMS[p.name] for p in q.params if p.name in PARAMS}


def _sent_text(q, lang: str) -> str:  # type: ignore[no-untyped-def]
    """The query as a store gets it: parameters and ?lang bound by a VALUES block."""
    bindings = bindings_for(q, params_for(q), lang)
    used = {k: v for k, v in bindings.items() if f"?{k}" in q.text or f"${k}" in q.text}
    return inject_values(q.text, used)


class Arq:
    """A query target (like rusgraph.remote.endpoint.Endpoint) answering from the batch's outputs."""

    def __init__(self, answers: dict[str, bytes]):
        self.answers = answers

    def run_sparql(self, query, bindings) -> QueryResult:  # type: ignore[no-untyped-def]
        used = {k: v for k, v in bindings.items() if f"?{k}" in query.text or f"${k}" in query.text}
        res = Result.parse(io.BytesIO(self.answers[inject_values(query.text, used)]), format="json")
        vars_ = tuple(str(v) for v in res.vars)
        rows = tuple(tuple(row[v] if v in row.labels else None for v in vars_) for row in res)
        return QueryResult(kind="select", vars=vars_, rows=rows, query=query)


@pytest.fixture(scope="module")
def jena_run(bundled_kg, upper_dir, tmp_path_factory):
    """Every report (nb, en) in ARQ, and Jena SHACL on the bundled graph and each fixture:
    one JVM start for all of them."""
    jena.require_jena()
    work = tmp_path_factory.mktemp("jena")
    bundled = work / "bundled.nt"
    bundled.write_text(export(bundled_kg, "nt"), encoding="utf-8")
    tasks, sent = [], {}
    for q in QUERIES:
        for lang in LANGS:
            text = _sent_text(q, lang)
            path = work / f"{q.name}-{lang}.rq"
            path.write_text(text, encoding="utf-8")
            sent[text] = work / f"{q.name}-{lang}.json"
            tasks.append(("sparql", bundled, path, sent[text]))
    kgs = {"bundled": bundled_kg}
    tasks.append(("shacl", bundled, SHAPES, work / "bundled.report.ttl"))
    for name in FIXTURE_IDS:
        kgs[name] = load([upper_dir, FIXTURE_DIR / f"{name}.ttl"])
        data = work / f"{name}.nt"
        data.write_text(export(kgs[name], "nt"), encoding="utf-8")
        tasks.append(("shacl", data, SHAPES, work / f"{name}.report.ttl"))
    jena.run_batch(tasks, work)
    answers = {text: jena.read_output(out) for text, out in sent.items()}
    reports = {name: Graph().parse(data=jena.read_output(work / f"{name}.report.ttl").decode("utf-8"),
                                   format="turtle") for name in kgs}
    return Arq(answers), reports, kgs


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("q", QUERIES, ids=[q.name for q in QUERIES])
def test_every_report_in_arq_gives_the_embedded_rows(jena_run, bundled_kg, q, lang):
    arq, _reports, _kgs = jena_run
    ours = run_query(bundled_kg, q, params_for(q), lang=lang)
    theirs = run_query(arq, q, params_for(q), lang=lang)
    assert theirs.vars == ours.vars
    assert sorted(theirs.as_strings()) == sorted(ours.as_strings())
    assert len(theirs.rows) == len(ours.rows)
    if "ORDER BY" in q.text.upper():
        assert theirs.as_strings() == ours.as_strings()  # the report's own order


def _jena_keys(report: Graph) -> set[tuple[str, str, str]]:
    keys = set()
    for r in report.objects(None, SH.result):
        keys.add((str(report.value(r, SH.sourceShape)), str(report.value(r, SH.focusNode)),
                  str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1]))
    return keys


@pytest.mark.parametrize("name", ["bundled", *FIXTURE_IDS])
def test_jena_shacl_finds_what_rusgraph_validate_finds(jena_run, name):
    _arq, reports, kgs = jena_run
    ours = validate(kgs[name])
    report = reports[name]
    expected = {(r.shape, r.focus, r.severity) for r in ours.results}
    assert _jena_keys(report) == expected
    assert name == "valid" or expected, "each fixture makes a shape fire, the bundled data has warnings"
    # sh:conforms as SHACL says, in Jena's report and in ours
    assert set(report.objects(None, SH.conforms)) == {Literal(not expected)}
    assert set(ours.graph.objects(None, SH.conforms)) == {Literal(not expected)}
