"""Validate a KnowledgeGraph against its SHACL shapes: ``validate()`` and its two engines.

Owns: the validation API (:func:`validate`), the check that the shapes graph is usable SHACL
at all (else a ShapesError), and the choice of engine. Non-conformance is a result (a
:class:`~rusgraph.validation.results.ValidationReport`), never an exception.

Two engines give the same results (tests hold them to it):

- ``fast`` (default): the shapes compiled to set-at-a-time SPARQL on the Oxigraph store
  (:mod:`.compiled`); shapes it does not compile go to pySHACL, with each ``sh:sparql``
  constraint it can run alike parsed once and run by rusgraph's loop (:mod:`.reference`).
- ``reference``: pySHACL alone, with its defaults apart from inference (:mod:`.reference`).

It must not run pySHACL or build reports itself, load data, or decide exit codes.
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF

from ..errors import ShapesError
from ..graph.knowledge import KnowledgeGraph
from ..graph.namespaces import SH
from .compiled.on_store import validate_report
from .reference import validate_with_pyshacl
from .results import ValidationReport

ENGINES: tuple[str, ...] = ("fast", "reference")


def validate(
    kg: KnowledgeGraph,
    *,
    include_inferred: bool = True,
    engine: str = "fast",
) -> ValidationReport:
    """Validate ``kg``'s data (plus its inferred graph, if any) against ``kg.shapes``.

    The ontology is given to the engines as pySHACL's ``ont_graph``, so ``sh:class`` sees
    subclasses.
    """
    if engine not in ENGINES:
        raise ShapesError(f"unknown validation engine {engine!r}", hint="use fast or reference")
    _check_shapes(kg.shapes)
    if engine == "fast":  # on the Oxigraph store, same results
        on_store = validate_report(kg, include_inferred=include_inferred)
        if on_store is not None:
            return on_store
    return validate_with_pyshacl(kg, include_inferred=include_inferred, one_pass=engine == "fast")


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
