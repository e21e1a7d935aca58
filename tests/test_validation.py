"""Validation tests: one fixture per SHACL shape, engine agreement, inference, shape hygiene.

Fixtures live in tests/data/shapes/. ``valid.ttl`` is a minimal district plan that gives no
result at all when validated with the bundled upper levels (data/upper). Every other file is
named ``<ShapeLocalName>--<case>.ttl``: a copy of valid.ttl with one defect, whose first
line says what is wrong, and which must make exactly that shape fire, at the severity the
shapes file gives it.

The slow things (the reference engine and OWL-RL inference on the bundled data) run once
per session. ``bundled_kg`` (rusgraph.load()) and ``upper_dir`` (data/upper) are the
session-scoped fixtures of conftest.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

import rusgraph
from rusgraph.errors import ShapesError
from rusgraph.graph.namespaces import RUS, SH
from rusgraph.graph.sources import load
from rusgraph.validation.results import ValidationReport
from rusgraph.validation.validator import validate

from .conftest import reset_lexical_conversions

FIXTURE_DIR = Path(__file__).parent / "data" / "shapes"
SHAPES_FILE = Path(__file__).resolve().parents[1] / "shapes" / "plans.ttl"
SHAPES_NS = "https://w3id.org/rusgraph/shapes#"
VALID = FIXTURE_DIR / "valid.ttl"
FIXTURES = sorted(FIXTURE_DIR.glob("*--*.ttl"))
FIXTURE_IDS = [p.stem for p in FIXTURES]

# rdflib's Literal comparison warns about NotImplemented in a boolean context, hundreds of
# times. owlrl leaves lexical converters behind (conftest.py says how): this module runs on
# rdflib's own, and without rdflib's tracebacks for the fixtures' ill-typed literals.
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.usefixtures("rdflib_conversions_as_shipped", "quiet_rdflib")]

# Fixtures whose defect the current toolchain (pySHACL 0.40 on rdflib 7.6) cannot report.
# They are kept, marked strict xfail, so the day the defect is caught the marker must go.
KNOWN_MISSES: dict[str, str] = {}
assert set(KNOWN_MISSES) <= set(FIXTURE_IDS), "KNOWN_MISSES names a fixture that does not exist"


def _marked(ids: list[str], reasons: dict[str, str]) -> list:
    return [
        pytest.param(i, id=i, marks=pytest.mark.xfail(reason=reasons[i], strict=True))
        if i in reasons else pytest.param(i, id=i)
        for i in ids
    ]


# ----------------------------------------------------------- rdflib's literal conversions

def _infer(kg):  # type: ignore[no-untyped-def]
    try:
        return rusgraph.infer(kg, "owlrl")
    finally:
        reset_lexical_conversions()


# ------------------------------------------------------------------------------ the shapes

# sh: predicates that describe or target a shape but constrain nothing.
_NON_CONSTRAINT = {
    SH.path, SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group,
    SH.deactivated, SH.defaultValue, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.target, SH.property, SH.declare, SH.prefixes,
}


def _shapes_graph() -> Graph:
    g = Graph()
    g.parse(SHAPES_FILE, format="turtle")
    return g


def _typed_shapes(g: Graph) -> set:
    return set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))


def _reporting_shapes(g: Graph) -> set[URIRef]:
    """Shapes that report results themselves: property shapes with a constraint, and node
    shapes with any constraint of their own (sh:sparql or Core) besides sh:property."""
    out = set()
    for s in _typed_shapes(g) - _nested_shapes(g):
        if any(p.startswith(str(SH)) and p not in _NON_CONSTRAINT for p in g.predicates(s, None)):
            out.add(s)
    return out


def _nested_shapes(g: Graph) -> set:
    """Shapes used only through sh:node (and their property shapes): their results are
    reported by the parent shape, so they need no fixture or hint of their own."""
    nested = set(g.objects(None, SH.node))
    for n in list(nested):
        nested |= set(g.objects(n, SH.property))
    return nested


def _local(iri) -> str:  # type: ignore[no-untyped-def]
    return str(iri).rsplit("#", 1)[-1]


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    return _shapes_graph()


@pytest.fixture(scope="session")
def load_fixture(upper_dir: Path) -> Callable[[str], rusgraph.KnowledgeGraph]:
    """load([upper levels, fixture]), memoised for the session."""
    cache: dict[str, rusgraph.KnowledgeGraph] = {}

    def run(name: str) -> rusgraph.KnowledgeGraph:
        if name not in cache:
            cache[name] = load([upper_dir, FIXTURE_DIR / f"{name}.ttl"])
        return cache[name]

    return run


@pytest.fixture(scope="session")
def validate_fixture(load_fixture) -> Callable[[str, str], ValidationReport]:
    """validate(upper levels + fixture, engine), memoised for the session."""
    cache: dict[tuple[str, str], ValidationReport] = {}

    def run(name: str, engine: str = "fast") -> ValidationReport:
        if (name, engine) not in cache:
            cache[(name, engine)] = validate(load_fixture(name), engine=engine)
        return cache[(name, engine)]

    return run


@pytest.fixture(scope="session")
def bundled_fast(bundled_kg) -> ValidationReport:
    return validate(bundled_kg, engine="fast")


@pytest.fixture(scope="session")
def bundled_reference(bundled_kg) -> ValidationReport:
    return validate(bundled_kg, engine="reference")  # ~12 s: once per session


# ------------------------------------------------------------------ (a) the valid fixture


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_valid_fixture_gives_no_results(validate_fixture, engine: str) -> None:
    report = validate_fixture("valid", engine)
    assert report.results == (), [(r.severity, r.rule, r.focus, r.value) for r in report.results]
    assert report.conforms


# ------------------------------------------------------- (b) one shape fires per fixture


@pytest.mark.parametrize("name", _marked(FIXTURE_IDS, KNOWN_MISSES))
def test_fixture_fires_exactly_its_shape(validate_fixture, shapes_graph: Graph, name: str) -> None:
    shape_name = name.split("--", 1)[0]
    shape = URIRef(SHAPES_NS + shape_name)
    severity = shapes_graph.value(shape, SH.severity)
    assert severity is not None, f"{shape_name} has no sh:severity in plans.ttl"

    report = validate_fixture(name, "fast")

    fired = {r.rule for r in report.results}
    assert fired == {shape_name}, [(r.severity, r.rule, r.focus, r.value) for r in report.results]
    assert {r.severity for r in report.results} == {_local(severity)}
    # SHACL 3.1: any result, of any severity, breaks conformance, in the report graph too
    assert not report.conforms
    assert set(report.graph.objects(None, SH.conforms)) == {Literal(False)}
    assert report.fails("violation") == (severity == SH.Violation)


def test_fixture_files_describe_their_defect() -> None:
    for path in FIXTURES + [VALID]:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and len(first) > 20, f"{path.name} must start with a comment saying what is wrong"


# ------------------------------------------------------------ (c) every shape is covered


def test_every_reporting_shape_has_a_fixture(shapes_graph: Graph) -> None:
    reporting = {_local(s) for s in _reporting_shapes(shapes_graph)}
    covered = {i.split("--", 1)[0] for i in FIXTURE_IDS}
    assert reporting - covered == set(), "shapes without a fixture in tests/data/shapes/"
    assert covered - reporting == set(), "fixtures named after no reporting shape"


def test_reporting_shapes_are_the_expected_ones(shapes_graph: Graph) -> None:
    # Guards the detection in _reporting_shapes itself: these are the shapes plans.ttl had
    # when the fixtures were written (a new shape shows up as an extra name, which is fine).
    expected = {
        "MeasureTraceShape", "MeasureTextShape", "MeasurePlanShape", "MeasureDistrictShape",
        "MeasureStatusShape", "MeasureRiskShape", "MeasureThemeVocabularyShape",
        "MeasureDeadlineShape", "LinkTargetExistsShape", "StandardLinkExistsShape",
        "GoalCycleShape", "PeriodOrderShape", "PeriodStartDateShape", "PeriodEndDateShape",
        "CuratedTraceShape", "MeasureResponsibleShape", "LabelNbShape", "LabelUniqueLangShape",
        "MeasureThemeShape", "DeadlineInPeriodShape", "DistrictGoalServedShape",
    }
    assert expected <= {_local(s) for s in _reporting_shapes(shapes_graph)}


# --------------------------------------------------------------- (d) engines agree


def _outcome(run: Callable[[], ValidationReport]):  # type: ignore[no-untyped-def]
    try:
        return sorted(r.key() for r in run().results)
    except ShapesError as exc:  # the same failure on both sides is agreement too
        return ("ShapesError", str(exc))


@pytest.mark.parametrize("name", ["valid", *FIXTURE_IDS])
def test_engines_agree_on_fixture(validate_fixture, name: str) -> None:
    fast = _outcome(lambda: validate_fixture(name, "fast"))
    reference = _outcome(lambda: validate_fixture(name, "reference"))
    assert fast == reference


def test_engines_agree_on_bundled_data(bundled_fast, bundled_reference) -> None:
    assert [r.key() for r in bundled_fast.results] == [r.key() for r in bundled_reference.results]
    assert len(bundled_fast.results) > 0  # the bundled data has Warnings/Infos: a non-trivial check


# ------------------------------------------------------------------- (e) inference


def test_inference_does_not_change_results_on_bundled_data(bundled_kg, bundled_fast) -> None:
    inferred = _infer(bundled_kg)
    assert len(inferred.inferred) > 0
    with_inference = validate(inferred)
    assert [r.key() for r in with_inference.results] == [r.key() for r in bundled_fast.results]


# Not every fixture keeps its results under OWL-RL, and that is by the ontology's design:
# rdfs:range on rus:risk, rus:status, rus:district and rus:inPlan types any value a
# rus:RiskLevel / rus:Status / ..., so the sh:class vocabulary checks cannot fail on
# inferred data (MeasureRiskShape--not-a-risk gives no result at all; in
# MeasureStatusShape--not-a-status the Violation becomes a LabelNbShape Warning), and
# rus:inPlan being functional makes the two plans of MeasurePlanShape--two-plans owl:sameAs.
# The three fixtures below exercise what inference does add (sub-properties, transitivity).
@pytest.mark.parametrize("name", [
    "MeasureTraceShape--goal-leads-nowhere",   # trace paths over sub-properties
    "CuratedTraceShape--curated-standard",     # stated vs curated: statedTracesTo is inferred
    "GoalCycleShape--two-goals",               # transitive tracesTo over a cycle
])
def test_inference_does_not_change_results_on_fixture(load_fixture, validate_fixture, name: str) -> None:
    inferred = _infer(load_fixture(name))
    assert len(inferred.inferred) > 0
    assert sorted(r.key() for r in validate(inferred).results) == \
        sorted(r.key() for r in validate_fixture(name, "fast").results)


EARLIER_INFERENCE = (
    "owlrl leaves its xsd:gYear converter installed in rdflib after rusgraph.infer returns, so "
    "in the same process pySHACL then sees gYear values: '20x4'^^xsd:gYear becomes ill-typed and "
    "is reported (and a reversed gYear period is reported instead of crashing). The results of "
    "validate() depend on whether infer() ran before, e.g. in a server or a notebook"
)


def test_validation_does_not_depend_on_earlier_inference(upper_dir: Path) -> None:
    fixture = FIXTURE_DIR / "PeriodEndDateShape--ill-formed-year.ttl"
    before = sorted(r.key() for r in validate(load([upper_dir, fixture])).results)
    try:
        rusgraph.infer(load([VALID]), "owlrl")  # any inference will do; this one is small
        after = sorted(r.key() for r in validate(load([upper_dir, fixture])).results)
    finally:
        reset_lexical_conversions()
    assert before == after


# ------------------------------------------------------------- (f) the bundled data


def test_bundled_data_has_no_violation(bundled_fast, bundled_reference) -> None:
    for report in (bundled_fast, bundled_reference):
        violations = [(r.rule, r.focus, r.value) for r in report.results if r.severity == "Violation"]
        assert violations == []
        assert not report.fails("violation")
        # Warnings and Infos remain, and SHACL says a report with any result does not conform
        assert report.results and not report.conforms
        assert set(report.graph.objects(None, SH.conforms)) == {Literal(False)}


# ------------------------------------------------------------------ (g) shape hygiene


def test_every_shape_has_an_iri(shapes_graph: Graph) -> None:
    blank = [s for s in _typed_shapes(shapes_graph) if not isinstance(s, URIRef)]
    assert blank == []
    # Shapes reached through sh:property or sh:node are named shapes too.
    for p in (SH.property, SH.node, SH.sparql):
        for s, o in shapes_graph.subject_objects(p):
            assert isinstance(o, URIRef), f"{s} has a blank-node {_local(p)}"
    for s in _typed_shapes(shapes_graph):
        assert str(s).startswith(SHAPES_NS), s


def test_every_shape_has_a_comment(shapes_graph: Graph) -> None:
    for s in _typed_shapes(shapes_graph):
        comments = [c for c in shapes_graph.objects(s, RDFS.comment) if isinstance(c, Literal) and str(c).strip()]
        assert comments, f"{_local(s)} has no rdfs:comment"


def _langs(g: Graph, node, prop) -> set[str]:  # type: ignore[no-untyped-def]
    return {o.language for o in g.objects(node, prop) if isinstance(o, Literal) and str(o).strip()}


def test_every_reporting_shape_has_severity_message_and_hint(shapes_graph: Graph) -> None:
    for s in _reporting_shapes(shapes_graph):
        name = _local(s)
        assert shapes_graph.value(s, SH.severity) in (SH.Violation, SH.Warning, SH.Info), f"{name}: sh:severity"
        assert {"nb", "en"} <= _langs(shapes_graph, s, SH.message), f"{name}: sh:message in nb and en"
        for constraint in shapes_graph.objects(s, SH.sparql):
            # The messages sit on the shape only: Jena 4.5 refuses a SPARQL constraint with more
            # than one sh:message ("More than one match: sh:message"), and the engines fall back
            # to the shape's messages.
            assert shapes_graph.value(constraint, SH.message) is None, f"{_local(constraint)}: sh:message"
        assert {"nb", "en"} <= _langs(shapes_graph, s, RUS.fixHint), f"{name}: rus:fixHint in nb and en"


def test_property_shapes_are_used_and_grouping_shapes_report_nothing(shapes_graph: Graph) -> None:
    used = set(shapes_graph.objects(None, SH.property))
    for node in _nested_shapes(shapes_graph):
        assert (None, SH.node, node) in shapes_graph or node in used
    for s in shapes_graph.subjects(RDF.type, SH.PropertyShape):
        assert s in used, f"{_local(s)} is not reached through any sh:property, so it never runs"
        # Severity sits on the property shape; a severity on the node shape would not reach it.
    for node in set(shapes_graph.subjects(RDF.type, SH.NodeShape)) - _nested_shapes(shapes_graph):
        targets = [p for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                   if shapes_graph.value(node, p) is not None]
        assert targets, f"{_local(node)} has no target"
        if node not in _reporting_shapes(shapes_graph):
            assert shapes_graph.value(node, SH.property) is not None, f"{_local(node)} checks nothing"
            assert shapes_graph.value(node, SH.severity) is None, \
                f"{_local(node)}: severity on a grouping node shape is not inherited by its property shapes"


# ----------------------------------------------------------------- (h) languages


def _check_languages(results, shapes_graph: Graph) -> int:  # type: ignore[no-untyped-def]
    n = 0
    for r in results:
        shape = URIRef(r.shape)
        expected = {o.language: str(o) for o in shapes_graph.objects(shape, SH.message)}
        assert r.message("nb") == expected["nb"], r.rule
        assert r.message("en") == expected["en"], r.rule
        assert r.message("en") != r.message("nb"), r.rule
        hints = {o.language: str(o) for o in shapes_graph.objects(shape, RUS.fixHint)}
        assert r.hint("nb") == hints["nb"] and r.hint("en") == hints["en"], r.rule
        assert r.hint("en") != r.hint("nb"), r.rule
        n += 1
    return n


SPARQL_MESSAGES_LOST = (
    "pySHACL (0.40) rebuilds each sh:message of a SPARQL-based constraint as Literal(text) to "
    "substitute {$this}-style variables, dropping the language tag; the reference engine's "
    "results for SPARQL shapes so carry untagged nb and en texts and message('en') may be Norwegian"
)


def _is_sparql(result, shapes_graph: Graph) -> bool:  # type: ignore[no-untyped-def]
    return shapes_graph.value(URIRef(result.shape), SH.sparql) is not None


def _fixture_results(validate_fixture, engine: str) -> list:  # type: ignore[no-untyped-def]
    return [r for name in FIXTURE_IDS if name not in KNOWN_MISSES
            for r in validate_fixture(name, engine).results]


def test_messages_and_hints_in_chosen_language_fast(validate_fixture, bundled_fast, shapes_graph: Graph) -> None:
    fixture_results = _fixture_results(validate_fixture, "fast")
    assert {r.rule for r in fixture_results} == {_local(s) for s in _reporting_shapes(shapes_graph)}
    assert _check_languages(fixture_results, shapes_graph) > 0
    assert _check_languages(bundled_fast.results, shapes_graph) > 0


def test_messages_and_hints_in_chosen_language_reference_core(validate_fixture, bundled_reference, shapes_graph: Graph) -> None:
    results = [r for r in (*_fixture_results(validate_fixture, "reference"), *bundled_reference.results)
               if not _is_sparql(r, shapes_graph)]
    assert _check_languages(results, shapes_graph) > 0


def test_messages_and_hints_in_chosen_language_reference_sparql(validate_fixture, bundled_reference, shapes_graph: Graph) -> None:
    results = [r for r in (*_fixture_results(validate_fixture, "reference"), *bundled_reference.results)
               if _is_sparql(r, shapes_graph)]
    assert results
    _check_languages(results, shapes_graph)
