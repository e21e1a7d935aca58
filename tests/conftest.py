"""Shared fixtures: the bundled graph (session scope: the API never mutates it), a CLI
runner, and paths to the test data and the seed texts."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import rdflib.term
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"
SEEDS = ROOT.parent / "shared" / "seeds"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--skip-slow", action="store_true", help="skip tests marked slow (wheel build, servers)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--skip-slow"):
        skip = pytest.mark.skip(reason="--skip-slow given")
        for item in items:
            if "slow" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def bundled_kg():
    import rusgraph

    return rusgraph.load()


# ----------------------------------------------------------- reports compared across engines

REPORT_PARAMS = {"district": "Grorud"}  # values for required report parameters
REPORT_LANGS = ("nb", "en")


def params_for(q) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The test's values for a canned report's parameters (skips a report it has none for)."""
    missing = [p.name for p in q.params if p.required and p.name not in REPORT_PARAMS]
    if missing:
        pytest.skip(f"no test value for the required parameter(s) {missing} of {q.name}")
    return {p.name: REPORT_PARAMS[p.name] for p in q.params if p.name in REPORT_PARAMS}


@pytest.fixture(scope="session")
def embedded(bundled_kg):
    """The embedded result of each (report, lang), computed once per session."""
    from rusgraph.reports.queries import run_query

    cache: dict[tuple[str, str], object] = {}

    def get(q, lang):  # type: ignore[no-untyped-def]
        key = (q.name, lang)
        if key not in cache:
            cache[key] = run_query(bundled_kg, q, params_for(q), lang=lang)
        return cache[key]

    return get


@pytest.fixture(scope="session")
def upper_dir() -> Path:
    from rusgraph.graph.sources import bundled_data_sources

    return bundled_data_sources(upper_only=True)[0]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def write(tmp_path: Path):
    """write('name.ttl', text) -> Path"""

    def _write(name: str, text: str) -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return _write


@pytest.fixture(scope="session")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS} (they sit beside the repository in ../shared/seeds)")
    return SEEDS


# ----------------------------------------------------------- rdflib's literal conversions

# rusgraph.infer on the plain path runs owlrl, which swaps rdflib's lexical-to-Python
# conversions for its own, process-wide, and does not fully swap them back (its "restore"
# re-applies rdflib's table, which has no xsd:gYear/xsd:gYearMonth entry, so owlrl's
# converters for those stay). After that, rdflib gives gYear literals values and pySHACL's
# answers change (see test_validation_does_not_depend_on_earlier_inference). Taken when this
# file is imported, before any test ran.
AS_SHIPPED = dict(rdflib.term._toPythonMapping)


def reset_lexical_conversions() -> None:
    """Put rdflib's own lexical-to-Python conversions back."""
    rdflib.term._toPythonMapping.clear()
    rdflib.term._toPythonMapping.update(AS_SHIPPED)


@pytest.fixture(scope="module")
def rdflib_conversions_as_shipped():
    """The module runs on rdflib's own conversions, whatever ran before it."""
    reset_lexical_conversions()
    yield
    reset_lexical_conversions()


@pytest.fixture
def quiet_rdflib():
    """rdflib logs a traceback for every ill-typed literal it parses; some test data has
    them on purpose (fixtures, the generated sample's broken deadlines)."""
    logger = logging.getLogger("rdflib.term")
    old = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(old)
