"""What a command works on: the user's DATA, beside the bundled plans when asked.

Owns: turning DATA arguments into a KnowledgeGraph: plan spreadsheets (.xlsx, .csv) among
them imported in memory (each in a named graph of its own, ``plans/<file name>``, and kept
so that results can be placed on sheet, row and column), the bundled upper levels (national
goals, the city plan, the Oslostandards, the vocabularies) added when the data has no city
plan of its own, and the five bundled plans added on request (``--with-bundled``). It must
not parse RDF itself (rusgraph.graph.sources does) nor read spreadsheets (rusgraph.sheets.spreadsheet).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .graph.knowledge import KnowledgeGraph

UPPER_LEVELS = "upper levels"
BUNDLED_PLANS = "bundled plans"


@dataclass(frozen=True)
class Loaded:
    """A loaded graph, the spreadsheets imported into it, and what was added to the data
    the user gave (UPPER_LEVELS, BUNDLED_PLANS)."""

    kg: KnowledgeGraph
    sheets: tuple[Any, ...] = ()  # spreadsheet.ImportedPlan
    added: tuple[str, ...] = ()


def spreadsheet_sources(data: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """DATA with each plan spreadsheet imported: (sources for load(), the imported plans).
    A spreadsheet becomes a Dataset whose one named graph is ``plans/<file name>``, so that
    exports and pushes keep a stable graph name for it."""
    from rdflib import Dataset

    from .graph.knowledge import graph_name_for
    from .sheets.spreadsheet import import_plan, is_spreadsheet, load_vocab

    items: list[Any] = []
    plans: list[Any] = []
    vocab = None
    for item in data:
        if isinstance(item, (str, Path)) and is_spreadsheet(item):
            vocab = vocab or load_vocab()
            plan = import_plan(item, vocab=vocab)
            plans.append(plan)
            ds = Dataset()
            ds.graph(graph_name_for("plans/" + Path(item).stem)).__iadd__(plan.graph)
            items.append(ds)
        else:
            items.append(item)
    return items, plans


_ASK = "PREFIX rus: <https://w3id.org/rusgraph/ontology#>\nASK WHERE {{ ?x a rus:{cls} }}"


def has(kg: KnowledgeGraph, cls: str) -> bool:
    """Whether the graph has a resource of class rus:``cls`` (Strategy, DistrictPlan)."""
    from .reports.queries import run_query

    return bool(run_query(kg, _ASK.format(cls=cls)).boolean)


def load_inputs(data: Sequence[Any], *, ontology: Sequence[Any] | None = None, shapes: Sequence[Any] | None = None,
                with_bundled: bool = False, upper: str = "", store: str | None = None) -> Loaded:
    """Load DATA (no DATA: the bundled data). ``with_bundled`` puts the bundled data (upper
    levels and the five plans) beside DATA. ``upper`` adds the bundled upper levels when
    DATA has no strategies of its own: "plan" only when DATA holds a district plan (a
    district's plan alone; other data, say for an ad-hoc query, stays as given), "always"
    whatever DATA holds (validate: the shapes check links against the city plan)."""
    from .graph.sources import bundled_data_sources, load

    if not data:
        return Loaded(load(None, ontology=ontology, shapes=shapes, store=store))
    items, sheets = spreadsheet_sources(data)
    if with_bundled:
        return Loaded(load([*bundled_data_sources(), *items], ontology=ontology, shapes=shapes, store=store), tuple(sheets),
                      (UPPER_LEVELS, BUNDLED_PLANS))
    kg = load(items, ontology=ontology, shapes=shapes, store=store)
    if upper and not has(kg, "Strategy") and (upper == "always" or has(kg, "DistrictPlan")):
        kg = load([*bundled_data_sources(upper_only=True), *items], ontology=ontology, shapes=shapes, store=store)
        return Loaded(kg, tuple(sheets), (UPPER_LEVELS,))
    return Loaded(kg, tuple(sheets))
