"""Which shapes the compiled engine takes, and the plan it runs for them.

Owns: recognising a shapes graph the compiled engine answers exactly as pySHACL does (the
SHACL Core components in ``PROPERTY_COMPONENTS`` on property shapes reached through
``sh:property`` from node shapes with ``sh:targetClass``/``sh:targetNode``/
``sh:targetSubjectsOf``/``sh:targetObjectsOf``, shapes used as values of ``sh:or``,
``sh:node`` and ``sh:qualifiedValueShape``, and ``sh:sparql`` constraints), turning it into a
:class:`Plan` (each node shape's targets as a SPARQL group, its property shapes read into
:class:`PropertyShape`), and the set of predicates the plan's queries can match. A shapes
graph with anything else (``sh:closed``, ``sh:in``, SHACL rules, generic messages ...) gets
no plan: :func:`compile_shapes` returns None and validation runs on pySHACL. It must not run
queries (:mod:`.evaluation`) nor build reports (:mod:`.report`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ...graph.namespaces import SH
from .components import (
    DESCRIPTIVE, NODE_KINDS, SEVERITY_NODES, TARGETS, TYPE_PATH, Check, Inner, Unsupported, class_check,
    datatype_check, deactivated, has_targets, inner_shape, iri, language_check, languages, list_items,
    non_negative, one_value, own_sh, sparql_path,
)
from .sparql import SparqlConstraint, sparql_constraint, sparql_predicates

PROPERTY_COMPONENTS = {
    SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH.languageIn,
    SH.uniqueLang, SH["or"], SH.node, SH.qualifiedValueShape, SH.qualifiedMinCount,
    SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, SH.hasValue, SH.pattern, SH.flags,
    SH.lessThan, SH.lessThanOrEquals, SH.sparql,
}


@dataclass
class PropertyShape:
    """A property shape reached from a targeted node shape, its components read and checked."""

    node: Any
    path_node: Any
    path: str
    severity: Any
    parent: Any
    min_count: int | None = None
    max_count: int | None = None
    classes: list[Any] = field(default_factory=list)
    value_checks: list[tuple[Any, Check]] = field(default_factory=list)  # (component, check)
    ors: list[list[Inner]] = field(default_factory=list)
    nodes: list[Inner] = field(default_factory=list)
    qualified: tuple[Inner, int | None, int | None] | None = None
    unique_lang: bool = False
    has_values: list[Any] = field(default_factory=list)
    patterns: list[Any] = field(default_factory=list)  # compiled regexes
    compares: list[tuple[Any, Any]] = field(default_factory=list)  # (component, property)
    sparql: list[SparqlConstraint] = field(default_factory=list)  # $PATH substituted


@dataclass
class Plan:
    """What runs for a shapes graph: the targets of each node shape, its property shapes and
    SPARQL constraints, and the predicates the queries can match."""

    targets: dict[Any, str]  # node shape -> SPARQL group binding ?this
    properties: list[PropertyShape]
    sparql: list[SparqlConstraint]
    predicates: set = field(default_factory=set)  # every predicate the queries can match
    any_predicate: bool = False  # a SPARQL constraint has a variable or negated predicate


def compile_shapes(shapes: Graph) -> Plan | None:
    """The plan for ``shapes``, or None when something in them is not supported."""
    try:
        return _compile(shapes)
    except Unsupported:
        return None


def _compile(shapes: Graph) -> Plan:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    for t in TARGETS:
        node_shapes |= set(shapes.subjects(t, None))
    property_shapes = set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.objects(None, SH.property))
    inner_roots = set(shapes.objects(None, SH.node)) | set(shapes.objects(None, SH.qualifiedValueShape))
    for lst in shapes.objects(None, SH["or"]):
        inner_roots |= set(list_items(shapes, lst))
    # Anything else using the sh: vocabulary must be a prefix declaration or a path node.
    known = node_shapes | property_shapes | inner_roots | set(shapes.objects(None, SH.sparql))
    for s in set(shapes.subjects(None, None)):
        own = own_sh(shapes, s)
        if not own or s in known:
            continue
        if own <= {SH.declare, SH.prefix, SH.namespace}:
            continue
        if isinstance(s, BNode) and own <= {SH.alternativePath, SH.inversePath, SH.zeroOrMorePath,
                                            SH.oneOrMorePath, SH.zeroOrOnePath}:
            continue
        raise Unsupported(f"unrecognised use of the SHACL vocabulary on {s}")
    for s in node_shapes | property_shapes:
        if (s, RDF.type, RDFS.Class) in shapes or (s, RDF.type, OWL.Class) in shapes:
            raise Unsupported("implicit class targets")

    targets: dict[Any, str] = {}
    properties: list[PropertyShape] = []
    sparql: list[SparqlConstraint] = []
    for ns in sorted(node_shapes, key=str):
        own = own_sh(shapes, ns) - DESCRIPTIVE - TARGETS
        if SH.path in own:
            raise Unsupported("property shapes with their own targets")
        extra = own - {SH.property, SH.sparql, SH.declare, SH.prefixes}
        if extra:
            if has_targets(shapes, ns):
                raise Unsupported(f"node-shape constraints {sorted(map(str, extra))}")
            continue  # an untargeted node shape used only through sh:node: compiled as Inner
        if not has_targets(shapes, ns):
            continue  # no targets: only checked through sh:node (compiled as Inner)
        if deactivated(shapes, ns):
            continue
        severity = shapes.value(ns, SH.severity) or SH.Violation
        if severity not in SEVERITY_NODES:
            raise Unsupported("custom severity")
        targets[ns] = _target_group(shapes, ns)
        for ps in sorted(shapes.objects(ns, SH.property), key=str):
            compiled = _property(shapes, ps, ns)
            if compiled is not None:
                properties.append(compiled)
                sparql += compiled.sparql
        for constraint in sorted(shapes.objects(ns, SH.sparql), key=str):
            if (constraint, SH.deactivated, Literal(True)) in shapes:
                continue
            sparql.append(sparql_constraint(shapes, ns, constraint, severity))
    # Property shapes reached from no targeted node shape never run (as in pySHACL), but
    # must still be well formed for pySHACL not to refuse the shapes graph.
    for ps in property_shapes:
        if not any(p.node == ps for p in properties):
            if has_targets(shapes, ps):
                raise Unsupported("property shapes with their own targets")
            _property(shapes, ps, None, require_message=False)
    for root in inner_roots:
        inner_shape(shapes, root)
    plan = Plan(targets, properties, sparql)
    plan.predicates = {RDF.type, RDFS.subClassOf} | _path_predicates(shapes)
    for t in (SH.targetSubjectsOf, SH.targetObjectsOf):
        plan.predicates |= set(shapes.objects(None, t))
    for sc in sparql:
        preds = sparql_predicates(sc.original)
        if preds is None:
            plan.any_predicate = True
        else:
            plan.predicates |= preds
    return plan


def _path_predicates(shapes: Graph) -> set:
    out: set = set()
    todo = list(shapes.objects(None, SH.path))
    seen: set = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, URIRef):
            out.add(node)
        elif isinstance(node, BNode):
            for p, o in shapes.predicate_objects(node):
                if p != RDF.rest or o != RDF.nil:
                    todo.append(o)
    return out - {RDF.nil}


def _target_group(shapes: Graph, ns: Any) -> str:
    branches = []
    for c in shapes.objects(ns, SH.targetClass):
        if not isinstance(c, URIRef):
            raise Unsupported("sh:targetClass must be an IRI")
        branches.append(f"{{ ?this {TYPE_PATH} {iri(c)} }}")
    for p in shapes.objects(ns, SH.targetSubjectsOf):
        if not isinstance(p, URIRef):
            raise Unsupported("sh:targetSubjectsOf must be an IRI")
        branches.append(f"{{ ?this {iri(p)} ?_t }}")
    for p in shapes.objects(ns, SH.targetObjectsOf):
        if not isinstance(p, URIRef):
            raise Unsupported("sh:targetObjectsOf must be an IRI")
        branches.append(f"{{ ?_t {iri(p)} ?this }}")
    nodes = list(shapes.objects(ns, SH.targetNode))
    if nodes:
        if not all(isinstance(n, (URIRef, Literal)) for n in nodes):
            raise Unsupported("blank-node sh:targetNode")
        branches.append("{ VALUES ?this { " + " ".join(n.n3() for n in nodes) + " } }")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(branches) + " } }"


def _property(shapes: Graph, ps: Any, parent: Any, require_message: bool = True) -> PropertyShape | None:
    if deactivated(shapes, ps):
        return None
    own = own_sh(shapes, ps) - DESCRIPTIVE
    unknown = own - PROPERTY_COMPONENTS
    if unknown or own & TARGETS:
        raise Unsupported(f"property-shape components {sorted(map(str, unknown))}")
    if require_message and not list(shapes.objects(ps, SH.message)):
        raise Unsupported("a shape without sh:message (pySHACL writes generic messages)")
    severity = shapes.value(ps, SH.severity) or SH.Violation
    if severity not in SEVERITY_NODES:
        raise Unsupported("custom severity")
    path_node = one_value(shapes, ps, SH.path)
    out = PropertyShape(node=ps, path_node=path_node, path=sparql_path(shapes, path_node), severity=severity,
                        parent=parent)
    out.min_count = non_negative(shapes, ps, SH.minCount)
    out.max_count = non_negative(shapes, ps, SH.maxCount)
    out.classes = list(shapes.objects(ps, SH["class"]))
    for c in out.classes:
        class_check(c)
    if SH.datatype in own:
        out.value_checks.append((SH.DatatypeConstraintComponent, datatype_check(one_value(shapes, ps, SH.datatype))))
    if SH.nodeKind in own:
        kind = one_value(shapes, ps, SH.nodeKind)
        if kind not in NODE_KINDS:
            raise Unsupported("unknown sh:nodeKind")
        out.value_checks.append((SH.NodeKindConstraintComponent, Check(NODE_KINDS[kind])))
    if SH.languageIn in own:
        out.value_checks.append((SH.LanguageInConstraintComponent,
                                 language_check(languages(shapes, one_value(shapes, ps, SH.languageIn)))))
    for lst in shapes.objects(ps, SH["or"]):
        members = list_items(shapes, lst)
        if not members:
            raise Unsupported("empty sh:or")
        out.ors.append([inner_shape(shapes, m) for m in members])
    for n in shapes.objects(ps, SH.node):
        if not list(shapes.objects(n, SH.property)) and not (own_sh(shapes, n) - DESCRIPTIVE):
            raise Unsupported("sh:node to an empty or unknown shape")
        out.nodes.append(inner_shape(shapes, n))
    if SH.qualifiedValueShape in own:
        if (ps, SH.qualifiedValueShapesDisjoint, Literal(True)) in shapes:
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        qmin, qmax = non_negative(shapes, ps, SH.qualifiedMinCount), non_negative(shapes, ps, SH.qualifiedMaxCount)
        out.qualified = (inner_shape(shapes, one_value(shapes, ps, SH.qualifiedValueShape)), qmin, qmax)
    elif SH.qualifiedMinCount in own or SH.qualifiedMaxCount in own:
        raise Unsupported("qualified counts without sh:qualifiedValueShape")
    if SH.uniqueLang in own:
        u = one_value(shapes, ps, SH.uniqueLang)
        if not isinstance(u, Literal) or not isinstance(u.value, bool):
            raise Unsupported("sh:uniqueLang must be a boolean")
        out.unique_lang = bool(u.value)
    for hv in shapes.objects(ps, SH.hasValue):
        if not isinstance(hv, URIRef):
            raise Unsupported("sh:hasValue with a literal or blank node")
        out.has_values.append(hv)
    if SH.pattern in own:
        flags = next(iter(shapes.objects(ps, SH.flags)), None)
        re_flags = 0
        if flags is not None:
            text = str(flags.value if isinstance(flags, Literal) else flags).lower()
            re_flags |= re.I if "i" in text else 0
            re_flags |= re.M if "m" in text else 0
        for p in shapes.objects(ps, SH.pattern):
            if not isinstance(p, Literal):
                raise Unsupported("sh:pattern must be a literal")
            source = str(p.value) if p.value is not None and len(p.value) > 1 else str(p)
            out.patterns.append(re.compile(source, re_flags))
    for comp, pred in ((SH.LessThanConstraintComponent, SH.lessThan),
                       (SH.LessThanOrEqualsConstraintComponent, SH.lessThanOrEquals)):
        for other in shapes.objects(ps, pred):
            if not isinstance(other, URIRef):
                raise Unsupported(f"{pred} must be an IRI")
            out.compares.append((comp, other))
    for constraint in sorted(shapes.objects(ps, SH.sparql), key=str):
        if parent is None:
            raise Unsupported("a SPARQL constraint on a property shape used only through sh:node")
        if (constraint, SH.deactivated, Literal(True)) in shapes:
            continue
        sc = sparql_constraint(shapes, ps, constraint, severity, path=out.path)
        sc.focus_shape, sc.path_node = parent, path_node
        out.sparql.append(sc)
    return out
