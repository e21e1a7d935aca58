"""The compiled engine on the local Oxigraph store: ``validate(engine="fast")`` starts here.

Owns: compiling the KnowledgeGraph's shapes (:mod:`.plan`), checking that they cannot see
ontology triples pySHACL leaves out of its data graph, choosing the store's graphs that make
pySHACL's data graph (data, inferred if asked, ontology, the inoculation's blank-node copies
only when the shapes can match them), evaluating (:mod:`.evaluation`) and making the report
(:mod:`.report`). Where the results could differ from pySHACL's it returns None and the
caller (:mod:`rusgraph.validation.validator`) hands the shapes to pySHACL. It must not import
pySHACL nor speak to a remote store (:mod:`rusgraph.validation.at_store` does).
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, URIRef

from ...graph.engine import view
from ..results import ValidationReport
from .components import Unsupported
from .evaluation import Result, evaluate
from .inoculation import hidden_predicates, inoculation
from .plan import compile_shapes
from .report import make_report


def _hidden_predicates(backing: Any, ontology: Graph) -> set:
    """:func:`hidden_predicates`, kept on the store's backing for its ontology."""
    cached = getattr(backing, "_hidden", None)
    if cached is not None and cached[0] is ontology:
        return cached[1]
    hidden = hidden_predicates(ontology)
    backing._hidden = (ontology, hidden)
    return hidden


def validate_on_store(kg: Any, shapes: Graph, *, include_inferred: bool) -> list[Result] | None:
    """pySHACL's results for ``kg`` computed on the store, or None when the shapes are not
    supported or could see ontology triples pySHACL leaves out (the caller runs pySHACL)."""
    plan = compile_shapes(shapes)
    if plan is None:
        return None
    v = view(kg)
    if plan.any_predicate or plan.predicates & _hidden_predicates(v.backing, kg.ontology):
        return None
    graphs = v.validation_graphs(lambda: inoculation(kg.ontology), include_inferred=include_inferred)
    # The inoculation's own triples (copies of the ontology's blank-node structures) count
    # only if the shapes can match their predicates; reading one graph fewer is faster.
    extra = graphs[1]
    extra_preds = {URIRef(q.predicate.value) for q in v.store.quads_for_pattern(None, None, None, extra)}
    if not plan.any_predicate and not extra_preds & plan.predicates:
        graphs = [g for g in graphs if g != extra]
    try:
        return evaluate(plan, v, graphs, shapes)
    except Unsupported:
        return None


def validate_report(kg: Any, *, include_inferred: bool) -> ValidationReport | None:
    """A ValidationReport computed on the store, or None (run pySHACL instead).

    The ValidationResults are made (:mod:`.report`) as the pySHACL hand-off reads them from
    pySHACL's report graph (messages from the constraint, else the shape; hints from the
    shape); the report graph is built when read, for ``--format turtle``.
    """
    shapes = kg.shapes
    found = validate_on_store(kg, shapes, include_inferred=include_inferred)
    if found is None:
        return None
    return make_report(found, shapes)
