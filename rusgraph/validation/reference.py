"""The pySHACL hand-off: validation by pySHACL, for the reference engine and the shapes the
compiled engine does not take.

Owns: the call into pySHACL (the only module that runs it), reading its report graph into
ValidationResults, and, for the ``fast`` engine, each ``sh:sparql`` constraint on a node
shape run by rusgraph's own loop (parsed once, evaluated per focus node with ``$this``
pre-bound, as pySHACL does, without pySHACL's parse per focus node, where most of its time
goes). rusgraph never asks pySHACL to infer: the triples it sees are the asserted ones plus,
if the user asked, rusgraph's own inferred graph. It must not compile shapes to SPARQL on the
store (:mod:`.compiled`) nor choose the engine (:mod:`.validator`).
"""

from __future__ import annotations

from typing import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ..errors import ShapesError
from ..graph.knowledge import KnowledgeGraph
from ..graph.namespaces import RUS, SH, bind_prefixes
from .compiled.sparql import PREBOUND, mask_strings, prefix_block
from .results import ValidationReport, ValidationResult, report_node, sort_key, texts


def validate_with_pyshacl(kg: KnowledgeGraph, *, include_inferred: bool, one_pass: bool) -> ValidationReport:
    """Validate ``kg`` with pySHACL; with ``one_pass``, the SPARQL constraints it can run alike
    go to rusgraph's loop instead (the ``fast`` engine's hand-off).

    The ontology is given to pySHACL as ``ont_graph`` so ``sh:class`` sees subclasses.
    """
    import pyshacl

    data = Graph()
    data += kg.data
    if include_inferred:
        data += kg.inferred
    shapes = kg.shapes
    sparql_shapes: list[tuple[URIRef, URIRef]] = []
    if one_pass:
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
    results = tuple(sorted(read_results(report_graph, kg.shapes), key=sort_key))
    report_graph.set((report_node(report_graph), SH.conforms, Literal(not results)))  # SHACL 3.1
    return ValidationReport(results=results, graph=report_graph)


def read_results(report: Graph, shapes: Graph) -> Iterable[ValidationResult]:
    """The ValidationResults of pySHACL's report graph ``report`` (``shapes`` gives the texts)."""
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
        messages = (texts(shapes, constraint, SH.message) if constraint is not None else ()) \
            or (texts(shapes, shape, SH.message) if shape is not None else ()) \
            or texts(report, r, SH.resultMessage)
        yield ValidationResult(
            severity=str(sev).rsplit("#", 1)[-1],
            focus=str(report.value(r, SH.focusNode)),
            shape=str(shape) if isinstance(shape, URIRef) else "(blank shape)",
            component=str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
            path=str(path) if isinstance(path, URIRef) else ("(complex path)" if path is not None else None),
            value=str(value) if value is not None else None,
            messages=messages,
            hints=texts(shapes, shape, RUS.fixHint) if shape is not None else (),
        )


# ---------------------------------------------------------------- one-pass SPARQL constraints


def _one_pass_safe(shapes: Graph, shape, constraint) -> bool:  # type: ignore[no-untyped-def]
    """Whether rusgraph's own loop below gives pySHACL's answer for this SPARQL constraint:
    on a node shape (not a property shape, whose $PATH pySHACL substitutes) using no
    pre-bound variable but $this."""
    select = shapes.value(constraint, SH.select)
    return (shapes.value(shape, SH.path) is None and (None, SH.property, shape) not in shapes
            and select is not None and not PREBOUND.search(mask_strings(str(select))))


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


def _run_sparql_constraints(data: Graph, shapes: Graph, pairs, report: Graph) -> None:  # type: ignore[no-untyped-def]
    from rdflib.plugins.sparql import prepareQuery

    root = report_node(report)
    for shape, constraint in pairs:
        if (constraint, SH.deactivated, Literal(True)) in shapes:
            continue
        select = shapes.value(constraint, SH.select)
        if select is None:
            raise ShapesError(f"SPARQL constraint {constraint} has no sh:select")
        text = prefix_block(shapes, constraint) + "\n" + str(select).replace("$this", "?this")
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
