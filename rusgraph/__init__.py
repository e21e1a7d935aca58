"""rusgraph: Oslo's drug-policy plans as one linked, queryable, checkable knowledge graph.

The library API (the CLI, the tests and the server all use it)::

    import rusgraph
    kg = rusgraph.load()                        # bundled ontology, shapes and data
    kg = rusgraph.infer(kg, "owlrl")            # optional; inferred triples kept apart
    report = rusgraph.validate(kg)              # ValidationReport of ValidationResult rows
    result = rusgraph.run_query(kg, rusgraph.get_query("coverage"), lang="en")
    rusgraph.build_site(kg, "site/", sources="../shared/seeds")  # the plan atlas

Heavy libraries (rdflib, pyshacl, owlrl, SPARQLWrapper) load only when a function that
needs them is first used, so ``import rusgraph`` and ``rusgraph --help`` stay fast.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("rusgraph")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+unknown"

_API = {
    "load": "graph.sources",
    "KnowledgeGraph": "graph.knowledge",
    "infer": "inference.reasoner",
    "validate": "validation.validator",
    "ValidationReport": "validation.results",
    "ValidationResult": "validation.results",
    "run_query": "reports.queries",
    "get_query": "reports.queries",
    "list_queries": "reports.queries",
    "CannedQuery": "reports.queries",
    "QueryResult": "reports.queries",
    "export": "exports.writer",
    "build_site": "site.atlas",
    "RusgraphError": "errors",
    "SourceError": "errors",
    "QueryError": "errors",
    "ShapesError": "errors",
    "EndpointError": "errors",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module 'rusgraph' has no attribute {name!r}")
