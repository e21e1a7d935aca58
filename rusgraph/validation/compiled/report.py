"""The compiled engine's results as pySHACL gives them: ValidationResults and the report graph.

Owns: turning evaluated :class:`~.evaluation.Result` values (store terms) into a sorted
:class:`~rusgraph.validation.results.ValidationReport`, with the messages and hints pySHACL's
path gives (messages from the SPARQL constraint, else the shape; hints from the shape), and
SHACL's report graph as pySHACL writes it, built only when read (:class:`LazyGraph`). It must
not compile shapes nor run queries.
"""

from __future__ import annotations

from typing import Any, Callable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from ...graph.engine import Converter
from ...graph.namespaces import RUS, SH, bind_prefixes
from ..results import ValidationReport, ValidationResult, report_node, sort_key, texts
from .evaluation import Result


def make_report(found: list[Result], shapes: Graph) -> ValidationReport:
    """The ValidationReport of the evaluated results (on the local store or a remote one)."""
    conv = Converter()
    known: dict[Any, tuple] = {}

    def cached(node: Any, prop: Any) -> tuple:
        key = (node, prop)
        if key not in known:
            known[key] = texts(shapes, node, prop) if node is not None else ()
        return known[key]

    results = []
    for r in found:
        path = r.path if r.constraint is None or isinstance(r.path, (URIRef, BNode)) else \
            (conv.to_rdflib(r.path) if r.path is not None else None)
        value = conv.to_rdflib(r.value) if r.value is not None else None
        messages = (cached(r.constraint, SH.message) if r.constraint is not None else ()) \
            or cached(r.shape, SH.message)
        results.append(ValidationResult(
            severity=str(r.severity).rsplit("#", 1)[-1],
            focus=str(conv.to_rdflib(r.focus)),
            shape=str(r.shape) if isinstance(r.shape, URIRef) else "(blank shape)",
            component=str(r.component).rsplit("#", 1)[-1],
            path=str(path) if isinstance(path, URIRef) else ("(complex path)" if path is not None else None),
            value=str(value) if value is not None else None,
            messages=messages,
            hints=cached(r.shape, RUS.fixHint),
        ))
    results.sort(key=sort_key)
    conforms = Literal(not results)  # SHACL 3.1: any result, of any severity, breaks conformance

    def fill(graph: Graph) -> None:
        graph += report_graph(found, shapes, conv)
        graph.set((report_node(graph), SH.conforms, conforms))

    return ValidationReport(results=tuple(results), graph=LazyGraph(fill))


def report_graph(results: list[Result], shapes: Graph, ev_conv: Any) -> Graph:
    """pySHACL's report graph for ``results`` (what ``--format turtle`` writes)."""
    report = bind_prefixes(Graph())
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    conv = ev_conv
    copied: dict[Any, Any] = {}
    add = report.add
    for r in results:
        node = BNode()
        add((root, SH.result, node))
        add((node, RDF.type, SH.ValidationResult))
        add((node, SH.focusNode, conv.to_rdflib(r.focus)))
        add((node, SH.resultSeverity, r.severity))
        add((node, SH.sourceShape, r.shape))
        add((node, SH.sourceConstraintComponent, r.component))
        if r.value is not None:
            add((node, SH.value, conv.to_rdflib(r.value)))
        shape_path = r.path is not None and isinstance(r.path, (URIRef, BNode))  # a node of the shapes graph
        if r.constraint is not None:
            add((node, SH.sourceConstraint, r.constraint))
            if r.path is not None and not shape_path:
                add((node, SH.resultPath, conv.to_rdflib(r.path)))
            messages = list(shapes.objects(r.constraint, SH.message)) or list(shapes.objects(r.shape, SH.message))
        if shape_path or r.constraint is None:
            if r.path is not None:
                path = r.path
                if isinstance(path, BNode):
                    if path not in copied:
                        copied[path] = _copy_node(shapes, path, report)
                    path = copied[path]
                add((node, SH.resultPath, path))
            if r.constraint is None:
                messages = list(shapes.objects(r.shape, SH.message))
        for m in messages:
            add((node, SH.resultMessage, m))
    return report


def _copy_node(src: Graph, node: Any, dst: Graph, depth: int = 0) -> Any:
    new = BNode()
    for p, o in src.predicate_objects(node):
        if isinstance(o, BNode) and depth < 20:
            o = _copy_node(src, o, dst, depth + 1)
        dst.add((new, p, o))
    return new


class LazyGraph(Graph):
    """An rdflib Graph filled on first use: the SHACL report graph of a large validation
    takes longer to build in rdflib than the validation itself, and most callers only read
    the results."""

    def __init__(self, fill: Callable[[Graph], None]):
        super().__init__()
        bind_prefixes(self)
        self._fill: Callable[[Graph], None] | None = fill

    def _ensure(self) -> None:
        fill, self._fill = self._fill, None
        if fill is not None:
            fill(self)

    def triples(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def,override]
        self._ensure()
        return super().triples(*args, **kwargs)

    def __len__(self) -> int:
        self._ensure()
        return super().__len__()

    def add(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def,override]
        self._ensure()
        return super().add(*args, **kwargs)

    def addN(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def,override]  # noqa: N802
        self._ensure()
        return super().addN(*args, **kwargs)

    def remove(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def,override]
        self._ensure()
        return super().remove(*args, **kwargs)

    def serialize(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def,override]
        self._ensure()
        return super().serialize(*args, **kwargs)

    def query(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def,override]
        self._ensure()
        return super().query(*args, **kwargs)

    def update(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def,override]
        self._ensure()
        return super().update(*args, **kwargs)
