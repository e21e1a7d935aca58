"""What a validation gives back, and the SHACL report-graph helpers both engines share.

Owns: the :class:`ValidationResult` and :class:`ValidationReport` values (plain data; a
report's ``graph`` is SHACL's report graph for ``--format turtle``), the severities in their
order, and the small helpers the pySHACL hand-off (:mod:`.reference`) and the compiled
engine (:mod:`.compiled.report`) use alike: a node's texts by language, the order results are
listed in, and the report node of a report graph. It must not validate, read a
KnowledgeGraph, or import pySHACL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal as TLiteral

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF

from ..graph.namespaces import SH

Severity = TLiteral["Violation", "Warning", "Info"]
SEVERITIES: tuple[str, ...] = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL validation result, as plain values."""

    severity: str
    focus: str
    shape: str
    component: str
    path: str | None = None
    value: str | None = None
    messages: tuple[tuple[str, str], ...] = ()  # (language, text)
    hints: tuple[tuple[str, str], ...] = ()

    def message(self, lang: str = "nb") -> str:
        return _pick(self.messages, lang)

    def hint(self, lang: str = "nb") -> str:
        return _pick(self.hints, lang)

    @property
    def rule(self) -> str:
        """The shape's local name, e.g. 'MeasureTraceShape'."""
        return self.shape.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def key(self) -> tuple[str, str, str, str | None, str | None]:
        return (self.severity, self.focus, self.shape, self.path, self.value)


@dataclass(frozen=True)
class ValidationReport:
    """All results of one validation run."""

    results: tuple[ValidationResult, ...]
    graph: Graph = field(repr=False, compare=False)

    @property
    def conforms(self) -> bool:
        """SHACL's sh:conforms: True only when there is no result of any severity (SHACL 3.1:
        a Warning or an Info breaks conformance too). What fails a run is ``fails(level)``."""
        return not self.results

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in SEVERITIES}

    def fails(self, level: str) -> bool:
        """Whether results at ``level`` or worse exist (level: violation|warning|info|none)."""
        level = level.capitalize()
        if level == "None":
            return False
        worst = SEVERITIES.index(level)
        return any(SEVERITIES.index(r.severity) <= worst for r in self.results)


def _pick(pairs: tuple[tuple[str, str], ...], lang: str) -> str:
    by_lang = dict(pairs)
    for candidate in (lang, "nb", "en", ""):
        if candidate in by_lang:
            return by_lang[candidate]
    return next(iter(by_lang.values()), "")


def texts(graph: Graph, node: Any, prop: Any) -> tuple[tuple[str, str], ...]:
    """The literal values of ``node prop`` as sorted (language, text) pairs."""
    out = []
    for o in graph.objects(node, prop):
        if isinstance(o, Literal):
            out.append((o.language or "", str(o)))
    return tuple(sorted(out))


def sort_key(r: ValidationResult) -> tuple:
    """Results are listed violations first, then by focus node, shape, path and value."""
    return (SEVERITIES.index(r.severity), r.focus, r.shape, r.path or "", r.value or "")


def report_node(report: Graph) -> Any:
    """The sh:ValidationReport node of ``report``, added when it has none."""
    node = next(report.subjects(RDF.type, SH.ValidationReport), None)
    if node is None:
        node = BNode()
        report.add((node, RDF.type, SH.ValidationReport))
    return node
