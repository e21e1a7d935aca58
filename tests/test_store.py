"""The persistent store (``rusgraph --store DIR``, ``load(store=DIR)``): a second load of
unchanged files parses nothing and answers as an in-memory load does; a changed, new or
removed file is found by its bytes and its graph loaded again or dropped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import rusgraph
from rusgraph.graph import store as persistent
from rusgraph.reports.queries import get_query, run_query

RUS = "https://w3id.org/rusgraph/ontology#"
COUNT = f"SELECT (COUNT(?m) AS ?n) WHERE {{ ?m a <{RUS}Measure> }}"


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    from rusgraph.graph.sources import bundled_data_sources

    data = tmp_path / "data"
    shutil.copytree(bundled_data_sources()[0], data)
    return data


def _rows(kg, name: str = "coverage"):  # type: ignore[no-untyped-def]
    return run_query(kg, get_query(name), {}, lang="en").rows


def _count(kg) -> int:  # type: ignore[no-untyped-def]
    return int(run_query(kg, COUNT).rows[0][0])


def test_second_load_parses_nothing_and_answers_the_same(plans, tmp_path, monkeypatch):
    where = tmp_path / "store"
    first = rusgraph.load([plans], store=where)
    memory = rusgraph.load([plans])
    assert _rows(first) == _rows(memory)
    assert _count(first) == _count(memory) > 0
    del first
    # no format is loadable now: the second load must not load any file
    monkeypatch.setattr(persistent, "OX_FORMATS", {})
    again = rusgraph.load([plans], store=where)
    assert _rows(again) == _rows(memory)
    assert rusgraph.validate(again).counts() == rusgraph.validate(memory).counts()
    inferred = rusgraph.infer(again, "owlrl")
    assert set(inferred.inferred) == set(rusgraph.infer(memory, "owlrl").inferred)
    assert {str(n) for n in again.parts} == {str(n) for n in memory.parts}


def test_changed_added_and_removed_files_are_seen(plans, tmp_path):
    where = tmp_path / "store"
    before = _count(rusgraph.load([plans], store=where))
    plan = next((plans / "plans").glob("*.ttl"))
    text = plan.read_text(encoding="utf-8")
    assert "a rus:Measure" in text
    # one file changed: a new measure in it
    plan.write_text(text + f"\n<https://example.org/extra> a <{RUS}Measure> .\n", encoding="utf-8")
    assert _count(rusgraph.load([plans], store=where)) == before + 1
    # changed back: the extra measure is gone again (the old triples were dropped)
    plan.write_text(text, encoding="utf-8")
    assert _count(rusgraph.load([plans], store=where)) == before
    # a file no longer given: its graph leaves the store
    memory_without = rusgraph.load([p for p in plans.rglob("*.ttl") if p != plan])
    kept = rusgraph.load([p for p in plans.rglob("*.ttl") if p != plan], store=where)
    assert _count(kept) == _count(memory_without) < before
    assert _rows(kept) == _rows(memory_without)


def test_a_bad_file_names_the_place_and_the_store_stays_usable(plans, tmp_path):
    where = tmp_path / "store"
    good = _count(rusgraph.load([plans], store=where))
    bad = plans / "broken.ttl"
    bad.write_text("<https://example.org/a> <https://example.org/b> .\n", encoding="utf-8")
    with pytest.raises(rusgraph.SourceError, match="broken.ttl"):
        rusgraph.load([plans], store=where)
    bad.unlink()
    assert _count(rusgraph.load([plans], store=where)) == good


def test_cli_store_option(runner, tmp_path):
    from rusgraph.cli import main

    where = tmp_path / "store"
    plain = runner.invoke(main, ["report", "coverage", "--lang", "en", "--format", "csv"])
    first = runner.invoke(main, ["--store", str(where), "report", "coverage", "--lang", "en", "--format", "csv"])
    second = runner.invoke(main, ["--store", str(where), "report", "coverage", "--lang", "en", "--format", "csv"])
    assert plain.exit_code == first.exit_code == second.exit_code == 0, first.output
    assert plain.stdout == first.stdout == second.stdout
    assert (where / "manifest.json").is_file()


def test_blank_nodes_are_the_same_in_the_parts_and_the_queries(write, tmp_path):
    plan = write("p.ttl", f'<https://example.org/m> a <{RUS}Measure> ; <{RUS}note> [ <{RUS}text> "x" ] .\n')
    kg = rusgraph.load([plan], store=tmp_path / "store")
    rows = run_query(kg, f"SELECT ?b WHERE {{ ?m <{RUS}note> ?b . ?b <{RUS}text> \"x\" }}").rows
    (part,) = kg.parts.values()
    assert [r[0] for r in rows] == list(part.objects(None, rusgraph_term(RUS + "note")))


def rusgraph_term(iri: str):  # type: ignore[no-untyped-def]
    from rdflib import URIRef

    return URIRef(iri)
