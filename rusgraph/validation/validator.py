"""Validate a KnowledgeGraph against its SHACL shapes.

Owns: the call into pySHACL (the only module that imports it), the one-pass evaluation of
SPARQL-based constraints, and the ValidationReport value. Non-conformance is a result,
never an exception; a shapes graph that is not usable SHACL is a ShapesError.

Two engines give the same results (a test holds them to it):

- ``reference``: pySHACL alone, with its defaults apart from inference (rusgraph never asks
  pySHACL to infer: the triples validation sees are the asserted ones plus, if the user
  asked, rusgraph's own inferred graph).
- ``fast`` (default): pySHACL for the SHACL Core constraints, and each ``sh:sparql``
  constraint run once over the whole graph with ``$this`` left free, instead of pySHACL's
  parse-and-run per focus node, which is where most of its time goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal as TLiteral

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ..errors import ShapesError
from ..graph.knowledge import KnowledgeGraph
from ..graph.namespaces import RUS, SH, bind_prefixes

Severity = TLiteral["Violation", "Warning", "Info"]
SEVERITIES: tuple[str, ...] = ("Violation", "Warning", "Info")
ENGINES: tuple[str, ...] = ("fast", "reference")


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


def _texts(graph: Graph, node, prop) -> tuple[tuple[str, str], ...]:  # type: ignore[no-untyped-def]
    out = []
    for o in graph.objects(node, prop):
        if isinstance(o, Literal):
            out.append((o.language or "", str(o)))
    return tuple(sorted(out))


# What makes a node a shape without an rdf:type (SHACL 2.1: "a subject of a triple with
# sh:targetClass, sh:targetNode, sh:targetObjectsOf or sh:targetSubjectsOf as predicate",
# or a value of a shape-expecting parameter such as sh:property or sh:node).
_SHAPE_MARKS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property, SH.node,
                SH.path, SH.sparql)


def _check_shapes(shapes: Graph) -> None:
    if len(shapes) == 0:
        raise ShapesError("the shapes graph is empty", hint="pass a SHACL shapes file")
    shape_types = (SH.NodeShape, SH.PropertyShape)
    if not any(True for t in shape_types for _ in shapes.subjects(RDF.type, t)) and \
            not any(True for p in _SHAPE_MARKS for _ in shapes.triples((None, p, None))):
        raise ShapesError(
            "the shapes graph has no shapes: nothing is typed sh:NodeShape or sh:PropertyShape, and nothing "
            "has a target (sh:targetClass, sh:targetNode, ...), sh:property or sh:path",
            hint="is this a SHACL file?",
        )


def _one_pass_safe(shapes: Graph, shape, constraint) -> bool:  # type: ignore[no-untyped-def]
    """Whether rusgraph's own loop below gives pySHACL's answer for this SPARQL constraint:
    on a node shape (not a property shape, whose $PATH pySHACL substitutes) using no
    pre-bound variable but $this."""
    from .compiled import PREBOUND, _mask_strings

    select = shapes.value(constraint, SH.select)
    return (shapes.value(shape, SH.path) is None and (None, SH.property, shape) not in shapes
            and select is not None and not PREBOUND.search(_mask_strings(str(select))))


def validate(
    kg: KnowledgeGraph,
    *,
    include_inferred: bool = True,
    engine: str = "fast",
) -> ValidationReport:
    """Validate ``kg``'s data (plus its inferred graph, if any) against ``kg.shapes``.

    The ontology is given to pySHACL as ``ont_graph`` so ``sh:class`` sees subclasses.
    """
    if engine not in ENGINES:
        raise ShapesError(f"unknown validation engine {engine!r}", hint="use fast or reference")
    _check_shapes(kg.shapes)
    if engine == "fast":  # on the Oxigraph store, same results (rusgraph.validation.compiled)
        from .compiled import validate_report

        on_store = validate_report(kg, include_inferred=include_inferred)
        if on_store is not None:
            return on_store
    import pyshacl

    data = Graph()
    data += kg.data
    if include_inferred:
        data += kg.inferred
    shapes = kg.shapes
    sparql_shapes: list[tuple[URIRef, URIRef]] = []
    if engine == "fast":
        shapes = Graph()
        shapes += kg.shapes
        for shape, constraint in list(shapes.subject_objects(SH.sparql)):
            if _one_pass_safe(shapes, shape, constraint):
                sparql_shapes.append((shape, constraint))
                shapes.remove((shape, SH.sparql, constraint))
    try:
        _conforms, report_graph, _text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            ont_graph=kg.ontology,
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
        )
    except Exception as exc:  # pySHACL raises ReportableRuntimeError, ConstraintLoadError, ...
        raise ShapesError(f"the shapes could not be used: {' '.join(str(exc).split())[:400]}") from exc
    bind_prefixes(report_graph)
    if sparql_shapes:
        merged = Graph()
        merged += data
        merged += kg.ontology
        _run_sparql_constraints(merged, kg.shapes, sparql_shapes, report_graph)
    results = tuple(sorted(_read_results(report_graph, kg.shapes), key=_sort_key))
    report_graph.set((_report_node(report_graph), SH.conforms, Literal(not results)))  # SHACL 3.1
    return ValidationReport(results=results, graph=report_graph)


def _sort_key(r: ValidationResult) -> tuple:
    return (SEVERITIES.index(r.severity), r.focus, r.shape, r.path or "", r.value or "")


def _report_node(report: Graph):  # type: ignore[no-untyped-def]
    node = next(report.subjects(RDF.type, SH.ValidationReport), None)
    if node is None:
        node = BNode()
        report.add((node, RDF.type, SH.ValidationReport))
    return node


def _shape_of_result(report: Graph, result) -> URIRef:  # type: ignore[no-untyped-def]
    return report.value(result, SH.sourceShape)


def _read_results(report: Graph, shapes: Graph) -> Iterable[ValidationResult]:
    # Top-level results only: pySHACL also writes the nested results of sh:node as
    # sh:detail, which belong to their parent result.
    for r in report.objects(None, SH.result):
        shape = report.value(r, SH.sourceShape)
        sev = report.value(r, SH.resultSeverity)
        path = report.value(r, SH.resultPath)
        value = report.value(r, SH.value)
        # Messages come from the shapes graph (the SPARQL constraint's, else the shape's) so
        # both engines give them with their language tags; pySHACL's report drops the tags
        # of SPARQL constraint messages.
        constraint = report.value(r, SH.sourceConstraint)
        messages = (_texts(shapes, constraint, SH.message) if constraint is not None else ()) \
            or (_texts(shapes, shape, SH.message) if shape is not None else ()) \
            or _texts(report, r, SH.resultMessage)
        yield ValidationResult(
            severity=str(sev).rsplit("#", 1)[-1],
            focus=str(report.value(r, SH.focusNode)),
            shape=str(shape) if isinstance(shape, URIRef) else "(blank shape)",
            component=str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
            path=str(path) if isinstance(path, URIRef) else ("(complex path)" if path is not None else None),
            value=str(value) if value is not None else None,
            messages=messages,
            hints=_texts(shapes, shape, RUS.fixHint) if shape is not None else (),
        )


# ---------------------------------------------------------------- one-pass SPARQL constraints


def _targets(data: Graph, shapes: Graph, shape: URIRef) -> set:
    """Focus nodes of ``shape`` by its declared targets (SHACL 2.1.3)."""
    nodes: set = set()
    for node in shapes.objects(shape, SH.targetNode):
        nodes.add(node)
    for cls in shapes.objects(shape, SH.targetClass):
        for sub in data.transitive_subjects(RDFS.subClassOf, cls):
            nodes.update(data.subjects(RDF.type, sub))
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        nodes.update(data.subjects(prop, None))
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        nodes.update(data.objects(None, prop))
    if (shape, RDF.type, RDFS.Class) in shapes:
        for sub in data.transitive_subjects(RDFS.subClassOf, shape):
            nodes.update(data.subjects(RDF.type, sub))
    return nodes


def _prefix_block(shapes: Graph, constraint) -> str:  # type: ignore[no-untyped-def]
    lines = []
    for decl_holder in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(decl_holder, SH.declare):
            prefix = shapes.value(decl, SH.prefix)
            ns = shapes.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(set(lines)))


def _run_sparql_constraints(data: Graph, shapes: Graph, pairs, report: Graph) -> None:  # type: ignore[no-untyped-def]
    from rdflib.plugins.sparql import prepareQuery

    root = _report_node(report)
    for shape, constraint in pairs:
        if (constraint, SH.deactivated, Literal(True)) in shapes:
            continue
        select = shapes.value(constraint, SH.select)
        if select is None:
            raise ShapesError(f"SPARQL constraint {constraint} has no sh:select")
        text = _prefix_block(shapes, constraint) + "\n" + str(select).replace("$this", "?this")
        try:
            query = prepareQuery(text)
        except Exception as exc:
            raise ShapesError(f"the SPARQL of {constraint} does not parse: {exc}") from exc
        targets = _targets(data, shapes, shape)
        severity = shapes.value(shape, SH.severity) or SH.Violation
        messages = list(shapes.objects(constraint, SH.message)) or list(shapes.objects(shape, SH.message))
        seen = set()
        # Parsed once, evaluated per focus node with $this pre-bound: the same semantics as
        # pySHACL (SHACL 5.3.1), without pySHACL's parse per focus node.
        for this in sorted(targets, key=str):
            for row in data.query(query, initBindings={"this": this}):
                # SHACL 5.3.2: without a ?value binding the value node is the focus node.
                value = row.get("value")
                if value is None:
                    value = this
                path = row.get("path")
                key = (this, value, path)
                if key in seen:
                    continue
                seen.add(key)
                _add_result(report, root, this, shape, constraint, severity, value, path, messages)


def _add_result(report, root, this, shape, constraint, severity, value, path, messages):  # type: ignore[no-untyped-def]
    r = BNode()
    report.add((root, SH.result, r))
    report.add((r, RDF.type, SH.ValidationResult))
    report.add((r, SH.focusNode, this))
    report.add((r, SH.resultSeverity, severity))
    report.add((r, SH.sourceShape, shape))
    report.add((r, SH.sourceConstraint, constraint))
    report.add((r, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    report.add((r, SH.value, value))
    if path is not None:
        report.add((r, SH.resultPath, path))
    for m in messages:
        report.add((r, SH.resultMessage, m))
