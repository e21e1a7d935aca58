"""Fuzzing (issue 18): whatever bytes reach the parsers, the spreadsheet reader or the
parameter binding, rusgraph either does its job or raises its own error (a RusgraphError:
exit 2 with a message naming the file); never another exception, never a hang.

Bounded in time: a fixed number of small examples per property, derandomised so that CI
sees the same inputs every run. For a longer, random hunt:
RUSGRAPH_FUZZ_EXAMPLES=5000 RUSGRAPH_FUZZ_RANDOM=1 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from rusgraph.errors import RusgraphError  # noqa: E402

EXAMPLES = int(os.environ.get("RUSGRAPH_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize=not os.environ.get("RUSGRAPH_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

TURTLE = """@prefix ex: <http://example.org/> .
@prefix rus: <https://w3id.org/rusgraph/ontology#> .
ex:m1 a rus:Measure ; rus:measureText "Tiltak «én»"@nb ; ex:n 3, 4.5 ; ex:l ( ex:a ex:b ) ;
  ex:b [ ex:c "x" ] .
"""
TOKENS = ["@prefix", "ex:", "<http://example.org/a>", "<", ">", "\"", "'''", "\"\"\"", "[", "]", "(", ")",
          ";", ",", ".", " ", "\n", "a", "_:b", "@nb", "^^", "xsd:int", "1", "-", "\\", "\\u00", "#", "{", "}",
          "\x00", "\ud800", "é", "true", "@base", "GRAPH"]


def _mutations(base: str):  # type: ignore[no-untyped-def]
    """A valid document with a few pieces cut out, repeated or replaced by tokens."""
    @st.composite
    def mutate(draw):  # type: ignore[no-untyped-def]
        text = base
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(text)))
            j = draw(st.integers(i, min(len(text), i + 12)))
            piece = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6), st.just(text[i:j] * 3)))
            text = text[:i] + piece + text[j:]
        return text

    return mutate()


def _load(text: str | bytes, suffix: str) -> None:
    """Through the command line as a user meets it: ``export --format nt`` of the file parses
    it and writes every triple back out. Exit 0, or exit 2 with one 'Error: ...' line;
    never an internal error or a traceback."""
    from click.testing import CliRunner

    from rusgraph.cli import main

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"data{suffix}"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        r = CliRunner().invoke(main, ["export", "--format", "nt", "--no-ontology", str(path)])
        assert r.exit_code in (0, 2), (r.exit_code, r.output)
        if r.exit_code == 2:
            assert r.stderr.startswith("Error: ") and "internal error" not in r.stderr, r.stderr
        assert not isinstance(r.exception, Exception) or isinstance(r.exception, SystemExit), r.exception


@FUZZ
@given(st.one_of(_mutations(TURTLE), st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)))
def test_turtle_parser(text):
    _load(text, ".ttl")


@FUZZ
@given(st.one_of(_mutations('<http://example.org/a> <http://example.org/p> "x\\n"@nb .\n'
                            '_:b <http://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#int> .\n'),
                 st.binary(max_size=200)))
def test_ntriples_parser(text):
    _load(text, ".nt")


@FUZZ
@given(_mutations('{"@context": {"ex": "http://example.org/"}, "@id": "ex:a", "ex:p": [{"@value": "x", '
                  '"@language": "nb"}, {"@id": "ex:b"}]}'))
def test_jsonld_parser(text):
    _load(text, ".jsonld")


@FUZZ
@given(_mutations('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                  'xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a">'
                  '<ex:p xml:lang="nb">x</ex:p></rdf:Description></rdf:RDF>'))
def test_rdfxml_parser(text):
    _load(text, ".rdf")


# ------------------------------------------------------------------------- spreadsheets


@pytest.fixture(scope="module")
def plan_csv() -> str:
    from rusgraph.sheets.spreadsheet import bundled_record, export_content

    return export_content(bundled_record("Stovner"), "csv", bom=False)


@pytest.fixture(scope="module")
def plan_xlsx() -> bytes:
    from rusgraph.sheets.spreadsheet import bundled_record, export_content

    return export_content(bundled_record("Stovner"), "xlsx")


def _import(data: bytes, suffix: str) -> None:
    from rusgraph.sheets.spreadsheet import import_plan

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"plan{suffix}"
        path.write_bytes(data)
        try:
            import_plan(path)
        except RusgraphError as exc:
            assert "plan" + suffix in str(exc)


@FUZZ
@given(data=st.data())
def test_spreadsheet_csv(plan_csv, data):
    text = data.draw(_mutations(plan_csv[:1500]))
    encoding = data.draw(st.sampled_from(["utf-8", "utf-16", "cp1252"]))
    _import(text.encode(encoding, "replace"), ".csv")


@FUZZ
@given(data=st.data())
def test_spreadsheet_xlsx_bytes(plan_xlsx, data):
    """Bytes of a real workbook overwritten here and there (a broken zip, broken XML)."""
    raw = bytearray(plan_xlsx)
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    _import(bytes(raw), ".xlsx")


@FUZZ
@given(data=st.data())
def test_spreadsheet_xlsx_cells(plan_xlsx, data):
    """A real workbook whose cells hold odd values: any text, numbers, dates, formulas."""
    import datetime

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(plan_xlsx))
    for _ in range(data.draw(st.integers(1, 6))):
        ws = wb[data.draw(st.sampled_from(["Plan", "Tiltak"]))]
        row, col = data.draw(st.integers(1, 15)), data.draw(st.integers(1, 25))
        ws.cell(row=row, column=col).value = data.draw(st.one_of(
            st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
            st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
            st.dates(datetime.date(1900, 3, 1), datetime.date(2200, 1, 1)), st.booleans(),
            st.just("=1+1"), st.none()))
    buf = io.BytesIO()
    wb.save(buf)
    _import(buf.getvalue(), ".xlsx")


# ------------------------------------------------------------------------ parameter binding

PARAM_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@pytest.fixture(scope="module")
def tiny_kg():  # type: ignore[no-untyped-def]
    from rdflib import Graph

    from rusgraph.graph.sources import load

    return load([Graph()], ontology=[], shapes=[])


@FUZZ
@given(value=PARAM_TEXT)
def test_parameter_is_a_value_never_query_text(tiny_kg, value):
    """A --param value is bound as a literal: it comes back unchanged, whatever it holds."""
    from rusgraph.reports.queries import query_from_text, run_query

    q = query_from_text("SELECT ?out WHERE { BIND(STR(?v) AS ?out) }", name="fuzz")
    result = run_query(tiny_kg, q, {"v": value})
    assert [str(r[0]) for r in result.rows] == [value]


@FUZZ
@given(value=PARAM_TEXT)
def test_parameter_sent_to_an_endpoint(value):
    """The VALUES block sent to an endpoint parses and carries the value unchanged."""
    from rdflib import Graph, Literal

    from rusgraph.graph.sparqltext import inject_values

    text = inject_values("SELECT ?out WHERE { BIND(STR(?v) AS ?out) }", {"v": Literal(value)})
    assert [str(r[0]) for r in Graph().query(text)] == [value]
