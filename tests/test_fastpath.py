"""The fast path gives the plain path's answers.

The fast path (rusgraph.graph.engine, validation.compiled, inference.rules, inference.compiled: an Oxigraph store, SHACL compiled
to SPARQL on it, OWL 2 RL compiled from the ontology, reasonable beyond its fragment) is what
the library runs. The plain path is the reference, chosen explicitly: rdflib parsing
(``sources.load_with_rdflib``) and SPARQL (``run_query(engine="reference")``), pySHACL
(``validate(engine="reference")``: plain pySHACL, inference none) and owlrl
(``infer(engine="reference")``). On the bundled data and on a generated
sample (benchmarks/generate.py, size tiny, with broken measures) they must give the same
validation results, the same rows for every canned report in nb and en, and the same
inferred triples.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path

import pytest

pytest.importorskip("reasonable", reason="the inference fallback needs reasonable (pip install -e '.[test]')")

from rdflib import Graph, URIRef  # noqa: E402
from rdflib.compare import isomorphic  # noqa: E402

import rusgraph  # noqa: E402
from rusgraph.graph import engine  # noqa: E402
from rusgraph.graph.lookup import StoreGraph  # noqa: E402
from rusgraph.validation.compiled.inoculation import inoculation  # noqa: E402
from rusgraph.validation.compiled.plan import compile_shapes  # noqa: E402
from rusgraph.validation.compiled.sparql import one_pass as rewrite_one_pass  # noqa: E402
from rusgraph.errors import ShapesError  # noqa: E402
from rusgraph.reports.queries import list_queries, run_query  # noqa: E402
from rusgraph.validation.validator import validate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.usefixtures("quiet_rdflib")]  # the generated sample's broken dates


def _generate_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("rusgraph_bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _load(backend: str, data):  # type: ignore[no-untyped-def]
    if backend == "auto":
        return rusgraph.load(data)
    from rusgraph.graph.resources import bundled_dir
    from rusgraph.graph.sources import bundled_data_sources, load_with_rdflib

    return load_with_rdflib(bundled_data_sources() if data is None else data,
                            ontology=[bundled_dir("ontology")], shapes=[bundled_dir("shapes")])


class Pair:
    """The same sources loaded on both paths."""

    def __init__(self, data) -> None:  # type: ignore[no-untyped-def]
        logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
        self.fast = _load("auto", data)
        self.plain = _load("rdflib", data)

    def run(self, backend: str, fn):  # type: ignore[no-untyped-def]
        """fn(kg, engine): the fast graph with "fast", the plain one with "reference"."""
        if backend == "auto":
            return fn(self.fast, "fast")
        return fn(self.plain, "reference")


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated") / "tiny"
    _generate_module().generate("tiny", out)
    return out


@pytest.fixture(scope="session", params=["bundled", "generated"])
def pair(request, upper_dir) -> Pair:  # type: ignore[no-untyped-def]
    if request.param == "bundled":
        return Pair(None)
    return Pair([upper_dir, request.getfixturevalue("sample_dir")])


@pytest.fixture(scope="session")
def inferred(pair):  # type: ignore[no-untyped-def]
    fast = pair.run("auto", lambda kg, e: rusgraph.infer(kg, "owlrl", engine=e))
    plain = pair.run("rdflib", lambda kg, e: rusgraph.infer(kg, "owlrl", engine=e))
    return fast, plain


# ------------------------------------------------------------------------------- loading


def test_fast_load_fills_the_store_and_reads_parts_lazily(pair):
    kg = pair.fast
    assert isinstance(kg.backing, engine.Backing) and isinstance(kg.parts, engine.LazyParts)
    assert not kg.parts.materialised()
    assert set(kg.parts) == set(pair.plain.parts)
    assert not isinstance(pair.plain.parts, engine.LazyParts) and pair.plain.backing is None


def test_store_holds_exactly_the_rdflib_data(pair):
    from rdflib import BNode

    store = Graph()
    for t in StoreGraph(pair.fast).triples((None, None, None)):
        store.add(t)
    plain = pair.plain.union
    named = lambda g: {t for t in g if not any(isinstance(x, BNode) for x in t)}  # noqa: E731
    assert named(store) == named(plain)  # same terms, literals as rdflib parses them
    assert isomorphic(store, plain)  # and the ontology's blank nodes
    assert engine.data_size(pair.fast) == len(pair.plain.data)


def test_lazy_parts_equal_the_plain_parts(pair):
    for name, part in pair.plain.parts.items():
        assert isomorphic(pair.fast.parts[name], part), name


def test_blank_nodes_stay_on_the_fast_path_and_parts_share_them(write):
    text = ("@prefix rus: <https://w3id.org/rusgraph/ontology#> .\n"
            "<https://example.org/m> a rus:Measure ; rus:note [ rus:text \"x\" ] ; rus:label \"(not a list)\" .\n")
    one, two = write("one.ttl", text.replace("_:b", "_:b")), write("two.ttl", text.replace("/m>", "/n>"))
    kg = _load("auto", [one, two])
    assert isinstance(kg.backing, engine.Backing) and isinstance(kg.parts, engine.LazyParts)
    rows = run_query(kg, "SELECT ?m ?t WHERE { ?m <https://w3id.org/rusgraph/ontology#note>/"
                         "<https://w3id.org/rusgraph/ontology#text> ?t }").as_strings()
    notes = run_query(kg, "SELECT DISTINCT ?b WHERE { ?m <https://w3id.org/rusgraph/ontology#note> ?b }")
    assert sorted(rows) == [["https://example.org/m", "x"], ["https://example.org/n", "x"]]
    # each part holds all its triples, with the store's own blank nodes
    store_nodes = {row[0] for row in notes.rows}
    part_nodes = {o for part in kg.parts.values() for o in part.objects(None, URIRef(
        "https://w3id.org/rusgraph/ontology#note"))}
    assert len(store_nodes) == 2 and part_nodes == store_nodes
    assert sum(len(p) for p in kg.parts.values()) == 2 * len(Graph().parse(data=text, format="turtle"))


def test_bad_file_names_the_place_on_both_paths(write):
    bad = write("bad.ttl", "<https://example.org/a> <https://example.org/b> .\n")
    for backend in ("auto", "rdflib"):
        with pytest.raises(rusgraph.SourceError, match=r"bad\.ttl, line 1"):
            _load(backend, [bad])


def test_no_switch_in_the_library(monkeypatch, bundled_kg):
    """The old RUSGRAPH_ENGINE switch is gone: the store runs whatever the environment says."""
    monkeypatch.setenv("RUSGRAPH_ENGINE", "rdflib")
    kg = rusgraph.load()
    assert isinstance(kg.backing, engine.Backing)
    assert engine.fallback_reasoner() == "reasonable"
    assert engine.describe()["sparql"] == "oxigraph"


# ---------------------------------------------------------------------------- validation


def _results(report):  # type: ignore[no-untyped-def]
    return sorted((r.key(), r.component, r.messages, r.hints) for r in report.results)


def test_bundled_shapes_compile(bundled_kg):
    plan = compile_shapes(bundled_kg.shapes)
    assert plan is not None and plan.properties and plan.sparql
    assert all(sc.text for sc in plan.sparql)  # every SPARQL constraint runs once for all focus nodes


def test_validation_equals_the_reference_engine(pair):
    fast = pair.run("auto", lambda kg, e: validate(kg, engine=e))
    reference = pair.run("rdflib", lambda kg, e: validate(kg, engine=e))
    assert _results(fast) == _results(reference)
    assert fast.conforms == reference.conforms
    assert len(fast.results) > 0


def test_validation_with_inferred_triples_equals_the_reference_engine(pair, inferred):
    fast_kg, plain_kg = inferred
    fast = validate(fast_kg, engine="fast")
    reference = validate(plain_kg, engine="reference")
    assert _results(fast) == _results(reference)


def test_unsupported_shapes_run_on_pyshacl(write, upper_dir):
    shapes = write("closed.ttl", """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rus: <https://w3id.org/rusgraph/ontology#> .
<https://example.org/S> a sh:NodeShape ; sh:targetClass rus:Status ;
    sh:property [ sh:path rus:nothing ; sh:in ( "a" "b" ) ; sh:message "not in"@en ] .
""")
    kg = rusgraph.load([upper_dir], shapes=[shapes])
    assert compile_shapes(kg.shapes) is None
    assert validate(kg).results == ()


def test_inoculation_is_pyshacls(bundled_kg):
    from pyshacl.rdfutil.inoculate import inoculate

    assert isomorphic(inoculation(bundled_kg.ontology), inoculate(Graph(), bundled_kg.ontology))


@pytest.mark.parametrize("text,one_pass", [
    ("SELECT $this WHERE { $this <p> ?x . FILTER NOT EXISTS { ?x <q> $this } }", True),
    ("SELECT $this ?value WHERE { $this <p> ?value . OPTIONAL { ?value <q> $this } }", True),
    ("SELECT $this WHERE { { $this <p> ?x } UNION { ?x <p> $this } }", False),
    ("SELECT $this WHERE { $this <p> ?x . MINUS { ?x <q> ?y } }", False),
    ("SELECT $this WHERE { { SELECT $this WHERE { $this <p> ?x } } }", False),
    ("SELECT $this (COUNT(?x) AS ?n) WHERE { $this <p> ?x } GROUP BY $this", False),
])
def test_sparql_constraints_run_once_only_when_that_is_the_same(text, one_pass):
    rewritten = rewrite_one_pass(text.replace("$this", "?this"))
    assert bool(rewritten) == one_pass
    if one_pass:
        assert "@TARGETS@" in rewritten and "NOT EXISTS" not in rewritten


def test_unusable_shapes_fail_the_same_way(write, upper_dir, sample_dir):
    shapes = write("broken.ttl", """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rus: <https://w3id.org/rusgraph/ontology#> .
<https://example.org/S> a sh:NodeShape ; sh:targetClass rus:Measure ;
    sh:property [ sh:path rus:status ; sh:minCount "one" ; sh:message "x"@en ] .
""")
    outcomes = []
    for backend in ("auto", "rdflib"):
        if backend == "auto":
            kg = rusgraph.load([upper_dir, sample_dir], shapes=[shapes])
        else:
            from rusgraph.graph.resources import bundled_dir
            from rusgraph.graph.sources import load_with_rdflib

            kg = load_with_rdflib([upper_dir, sample_dir], ontology=[bundled_dir("ontology")], shapes=[shapes])
        assert compile_shapes(kg.shapes) is None
        try:
            outcomes.append(sorted(r.key() for r in validate(kg, engine="fast" if backend == "auto" else "reference").results))
        except ShapesError as exc:
            outcomes.append(("ShapesError", str(exc)))
    assert outcomes[0] == outcomes[1]


# ------------------------------------------------------------------------------- reports


REPORT_PARAMS = {"district": "030101"}


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_report_gives_the_same_rows(pair, lang):
    checked = 0
    for q in list_queries():
        params = {p.name: REPORT_PARAMS[p.name] for p in q.params if p.required}  # optional ones narrow the rows
        fast = pair.run("auto", lambda kg, e, q=q: run_query(kg, q, params, lang=lang, engine=e))
        plain = pair.run("rdflib", lambda kg, e, q=q: run_query(kg, q, params, lang=lang, engine=e))
        assert fast.vars == plain.vars, q.name
        assert fast.rows == plain.rows, q.name  # rdflib terms, in order
        checked += bool(plain.rows)
    assert checked >= 8


def test_ad_hoc_queries(pair):
    texts = [
        "PREFIX rus: <https://w3id.org/rusgraph/ontology#> ASK { ?m a rus:Measure }",
        "PREFIX rus: <https://w3id.org/rusgraph/ontology#> "
        "CONSTRUCT { ?m a rus:Measure } WHERE { ?m a rus:Measure ; rus:inPlan ?p }",
        "PREFIX rus: <https://w3id.org/rusgraph/ontology#> "
        "SELECT ?m (COUNT(?x) AS ?n) WHERE { ?m rus:responsibleUnit ?x } GROUP BY ?m ORDER BY DESC(?n) ?m LIMIT 5",
    ]
    for text in texts:
        fast = pair.run("auto", lambda kg, e: run_query(kg, text, engine=e))
        plain = pair.run("rdflib", lambda kg, e: run_query(kg, text, engine=e))
        assert fast.kind == plain.kind
        if fast.kind == "construct":
            assert isomorphic(fast.graph, plain.graph)
        else:
            assert (fast.boolean, fast.rows) == (plain.boolean, plain.rows)


def test_a_query_oxigraph_refuses_runs_on_rdflib(bundled_kg):
    # DESCRIBE goes to rdflib (the engines describe differently); so would a syntax error
    result = run_query(bundled_kg, "DESCRIBE <https://w3id.org/rusgraph/unit/030110>")
    assert result.kind == "describe" and len(result.graph) > 0


# ----------------------------------------------------------------------------- inference


def test_inferred_triples_equal_owlrls(inferred):
    fast, plain = inferred
    assert len(fast.inferred) > 0
    assert set(fast.inferred) == set(plain.inferred)


def test_reasonable_fallback_infers_what_owlrl_does(pair, inferred):
    """The fallback for schemas beyond rusgraph.inference.rules' fragment gives the same triples."""
    from rusgraph.inference.compiled import infer_owlrl

    _fast, plain = inferred
    by_reasonable = pair.run("auto", lambda kg, _e: infer_owlrl(kg, engine="reasonable"))
    assert set(by_reasonable.inferred) == set(plain.inferred)


def test_inferred_traces_and_plan_coverage(inferred):
    fast, _plain = inferred
    rus = "https://w3id.org/rusgraph/ontology#"
    preds = {str(p) for _s, p, _o in fast.inferred}
    assert {rus + "tracesTo", rus + "statedTracesTo", rus + "planCovers", rus + "hasMeasure"} <= preds


def _rdflib_nt(kg, with_inferred: bool = False) -> str:  # type: ignore[no-untyped-def]
    """What rdflib's own serializer writes for ontology + data (+ inferred)."""
    g = Graph()
    g += kg.ontology
    g += kg.data
    if with_inferred:
        g += kg.inferred
    return g.serialize(format="nt")


def test_export_nt_from_the_store_equals_rdflibs(pair):
    from rusgraph.exports.writer import export

    fast = export(pair.fast, "nt")
    plain = _rdflib_nt(pair.plain)
    assert isomorphic(Graph().parse(data=fast, format="nt"), Graph().parse(data=plain, format="nt"))


def test_nt_file_streamed_from_the_store_equals_rdflibs(pair, inferred, tmp_path):
    """`export --format nt -o FILE` on the fast path streams from the store; the file must
    hold the plain path's triples, with and without the inferred ones."""
    from rusgraph.exports.writer import write_export

    fast_kg, plain_kg = inferred
    for with_inferred in (False, True):
        target = tmp_path / f"all-{with_inferred}.nt"
        write_export(fast_kg, "nt", target, with_inferred=with_inferred)
        plain = _rdflib_nt(plain_kg, with_inferred=with_inferred)
        assert isomorphic(Graph().parse(target, format="nt"), Graph().parse(data=plain, format="nt"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_lookups_on_the_store_equal_rdflibs(pair):
    from rdflib.namespace import SKOS

    store = StoreGraph(pair.fast)
    union = pair.plain.union
    d = URIRef("https://w3id.org/rusgraph/unit/030101")
    assert store.value(d, SKOS.notation) == union.value(d, SKOS.notation)
    assert sorted(store.objects(d, SKOS.prefLabel)) == sorted(union.objects(d, SKOS.prefLabel))
    assert sorted(store.subject_objects(SKOS.notation)) == sorted(union.subject_objects(SKOS.notation))
    assert ((d, SKOS.notation, union.value(d, SKOS.notation)) in store) is True
