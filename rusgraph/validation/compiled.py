"""SHACL validation on the Oxigraph store, with the results pySHACL gives.

Owns: compiling a shapes graph into set-at-a-time SPARQL queries over the store (one query
per constraint for all focus nodes at once, instead of pySHACL's Python loop per focus
node), the few checks that need rdflib's view of a literal (``sh:datatype``, ``sh:pattern``,
``sh:lessThan``), run in Python with the same code pySHACL runs, and the "inoculation" of the
ontology that pySHACL mixes into the data graph. ``rusgraph.validation.validator`` calls it for the
``fast`` engine when pyoxigraph is installed; the results must equal the ``reference``
engine's (plain pySHACL) and tests hold them to it.

Only what the shapes need is compiled: the SHACL Core components listed in
``PROPERTY_COMPONENTS`` on property shapes reached through ``sh:property`` from node shapes
with ``sh:targetClass``/``sh:targetNode``/``sh:targetSubjectsOf``/``sh:targetObjectsOf``,
shapes used as values of ``sh:or``, ``sh:node`` and ``sh:qualifiedValueShape``, and
``sh:sparql`` constraints. A shapes graph with anything else (``sh:closed``, ``sh:in``,
SHACL rules, generic messages ...) is not compiled: :func:`compile_shapes` returns None and
validation runs on pySHACL as before.

Semantics kept from pySHACL 0.40 (and checked by tests/test_fastpath.py):

- the data graph is data + inferred + pySHACL's inoculation of the ontology;
- value nodes are sets (one result per distinct focus/value pair);
- ``sh:uniqueLang`` and ``sh:hasValue`` give results without ``sh:value``; the cardinality
  and qualified cardinality components give one result per focus node without a value;
- ``sh:datatype`` on a literal whose datatype matches asks rdflib whether it is ill-typed
  (rdflib checks no lexical form for xsd:gYear and xsd:gYearMonth, so neither does this);
- ``sh:lessThan(OrEquals)`` compares rdflib values with Python's operators (a TypeError is
  the same error pySHACL raises).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..graph.namespaces import RUS, SH

SH_NS = str(SH)

# sh: predicates that describe a shape without constraining anything.
_DESCRIPTIVE = {SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
                SH.deactivated}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
PROPERTY_COMPONENTS = {
    SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH.languageIn,
    SH.uniqueLang, SH["or"], SH.node, SH.qualifiedValueShape, SH.qualifiedMinCount,
    SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, SH.hasValue, SH.pattern, SH.flags,
    SH.lessThan, SH.lessThanOrEquals, SH.sparql,
}
_VALUE_COMPONENTS = {SH["class"], SH.datatype, SH.nodeKind, SH.languageIn}
_SEVERITIES = {SH.Violation, SH.Warning, SH.Info}
_NODE_KINDS = {
    SH.IRI: "isIRI(?v)", SH.BlankNode: "isBlank(?v)", SH.Literal: "isLiteral(?v)",
    SH.BlankNodeOrIRI: "(isBlank(?v) || isIRI(?v))", SH.BlankNodeOrLiteral: "(isBlank(?v) || isLiteral(?v))",
    SH.IRIOrLiteral: "(isIRI(?v) || isLiteral(?v))",
}
_TYPE_PATH = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"


class Unsupported(Exception):
    """The shapes use something this module does not compile (pySHACL runs instead)."""


# ------------------------------------------------------------------------- value checks


def _iri(term: Any) -> str:
    return f"<{term}>"


def _sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


@dataclass
class Check:
    """One condition on a value node ?v: SPARQL (exact, or only necessary when ``python`` is
    set, which then decides on the rdflib term)."""

    sparql: str
    python: Callable[[Any], bool] | None = None
    klass: Any = None  # for sh:class: the class, so evaluation can join instead of EXISTS


def _datatype_check(dt: Any) -> Check:
    if not isinstance(dt, URIRef):
        raise Unsupported("sh:datatype must be an IRI")
    if dt == RDFS.Literal:
        return Check("isLiteral(?v)")
    if dt == XSD.string:
        return Check(f"(isLiteral(?v) && DATATYPE(?v) = {_iri(XSD.string)})")
    if dt == RDF.langString:
        return Check('(isLiteral(?v) && LANG(?v) != "")')
    if dt == RDFS.Datatype:
        raise Unsupported("sh:datatype rdfs:Datatype")

    def ok(v: Any, dt: Any = dt) -> bool:  # pySHACL DatatypeConstraintComponent, same branches
        if not isinstance(v, Literal) or v.datatype != dt:
            return False
        if getattr(v, "ill_typed", None) is True:
            return False
        return _actual_datatype(v, dt)

    return Check(f"(isLiteral(?v) && DATATYPE(?v) = {_iri(dt)})", ok)


def _actual_datatype(v: Literal, dt: Any) -> bool:
    from datetime import date, datetime, time
    from decimal import Decimal

    value = v.value
    if dt == XSD.string or dt == RDF.langString:
        return isinstance(value, (str, bytes))
    if dt == XSD.integer:
        return isinstance(value, int)
    if dt == XSD.float:
        return isinstance(value, float)
    if dt == XSD.decimal:
        return isinstance(value, Decimal)
    if dt == XSD.boolean:
        return isinstance(value, bool)
    if dt == XSD.date:
        return isinstance(value, date)
    if dt == XSD.time:
        return isinstance(value, time)
    if dt == XSD.dateTime:
        return isinstance(value, datetime)
    return True


def _languages(shapes: Graph, lst: Any) -> list[str]:
    out = []
    for item in _items(shapes, lst):
        if not isinstance(item, Literal) or item.language or item.datatype not in (None, XSD.string):
            raise Unsupported("sh:languageIn items must be plain strings")
        out.append(str(item).lower())
    return out


def _language_check(langs: list[str]) -> Check:
    has_lang = 'isLiteral(?v) && LANG(?v) != ""'
    if "*" in langs:
        return Check(f"({has_lang})")
    options = ", ".join(_sparql_string(x) for x in sorted(set(langs)))
    if not options:
        return Check("false")
    return Check(f'({has_lang} && (LCASE(LANG(?v)) IN ({options}) || '
                 f'LCASE(STRBEFORE(CONCAT(LANG(?v), "-"), "-")) IN ({options})))')


def _class_check(cls: Any) -> Check:
    if not isinstance(cls, URIRef):
        raise Unsupported("sh:class must be an IRI")
    return Check(f"(!isLiteral(?v) && EXISTS {{ ?v {_TYPE_PATH} {_iri(cls)} }})", klass=cls)


def _items(shapes: Graph, lst: Any) -> list[Any]:
    items = list(Collection(shapes, lst))
    if lst != RDF.nil and not items:
        raise Unsupported("not an RDF list")
    return items


def _single(shapes: Graph, node: Any, pred: Any) -> Any:
    values = list(shapes.objects(node, pred))
    if len(values) != 1:
        raise Unsupported(f"{pred} must have one value")
    return values[0]


def _int(shapes: Graph, node: Any, pred: Any) -> int | None:
    values = list(shapes.objects(node, pred))
    if not values:
        return None
    if len(values) > 1 or not isinstance(values[0], Literal) or values[0].datatype != XSD.integer \
            or not isinstance(values[0].value, int) or values[0].value < 0:
        raise Unsupported(f"{pred} must be one non-negative xsd:integer")
    return int(values[0].value)


def _deactivated(shapes: Graph, node: Any) -> bool:
    values = list(shapes.objects(node, SH.deactivated))
    if not values:
        return False
    if len(values) == 1 and isinstance(values[0], Literal) and isinstance(values[0].value, bool):
        return bool(values[0].value)
    raise Unsupported("sh:deactivated must be one boolean")


def _has_targets(shapes: Graph, node: Any) -> bool:
    return any((node, t, None) in shapes for t in _TARGETS)


def _own_sh(shapes: Graph, node: Any) -> set:
    return {p for p in shapes.predicates(node, None) if str(p).startswith(SH_NS)}


# ----------------------------------------------------------------------------- paths


def sparql_path(shapes: Graph, path: Any, depth: int = 0) -> str:
    """A SHACL path as a SPARQL property path (SHACL 2.3.1 maps them one to one)."""
    if depth > 20:
        raise Unsupported("path too deep")
    if isinstance(path, URIRef):
        return _iri(path)
    if not isinstance(path, BNode):
        raise Unsupported("a path is an IRI or a blank node")
    preds = set(shapes.predicates(path, None))
    if RDF.first in preds:
        parts = _items(shapes, path)
        if len(parts) < 2:
            raise Unsupported("a sequence path has two or more members")
        return "(" + "/".join(sparql_path(shapes, p, depth + 1) for p in parts) + ")"
    if len(preds) != 1:
        raise Unsupported("a path node has one predicate")
    (pred,) = preds
    obj = _single(shapes, path, pred)
    if pred == SH.alternativePath:
        parts = _items(shapes, obj)
        if len(parts) < 2:
            raise Unsupported("an alternative path has two or more members")
        return "(" + "|".join(sparql_path(shapes, p, depth + 1) for p in parts) + ")"
    suffix = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}.get(pred)
    if suffix:
        return "(" + sparql_path(shapes, obj, depth + 1) + ")" + suffix
    if pred == SH.inversePath:
        return "^(" + sparql_path(shapes, obj, depth + 1) + ")"
    raise Unsupported(f"path predicate {pred}")


# ----------------------------------------------------------------------- inner shapes


@dataclass
class Inner:
    """A shape whose conformance for a value node is asked (sh:or members, sh:node,
    sh:qualifiedValueShape): a conjunction of checks on ?v."""

    checks: list[Check]

    def exact(self) -> str | None:
        if any(c.python for c in self.checks):
            return None
        return "(" + " && ".join(c.sparql for c in self.checks) + ")" if self.checks else "true"

    def necessary(self) -> str:
        return "(" + " && ".join(c.sparql for c in self.checks) + ")" if self.checks else "true"

    def python_ok(self, v: Any) -> bool:
        return all(c.python(v) for c in self.checks if c.python)

    def single_class(self) -> Any:
        """C when the shape is just sh:class C."""
        if len(self.checks) == 1 and self.checks[0].klass is not None:
            return self.checks[0].klass
        return None


def _inner(shapes: Graph, node: Any, depth: int = 0) -> Inner:
    if depth > 5:
        raise Unsupported("shapes nested too deep")
    if _deactivated(shapes, node):
        raise Unsupported("deactivated inner shape")
    own = _own_sh(shapes, node) - _DESCRIPTIVE
    if own & _TARGETS:
        raise Unsupported("an inner shape with targets")
    if SH.path in own:
        raise Unsupported("a property shape used as a node shape")
    checks: list[Check] = []
    for pred in own:
        if pred == SH["class"]:
            checks += [_class_check(c) for c in shapes.objects(node, pred)]
        elif pred == SH.datatype:
            checks.append(_datatype_check(_single(shapes, node, pred)))
        elif pred == SH.nodeKind:
            kind = _single(shapes, node, pred)
            if kind not in _NODE_KINDS:
                raise Unsupported("unknown sh:nodeKind")
            checks.append(Check(_NODE_KINDS[kind]))
        elif pred == SH.languageIn:
            checks.append(_language_check(_languages(shapes, _single(shapes, node, pred))))
        elif pred == SH.property:
            for ps in shapes.objects(node, pred):
                checks.append(_inner_property(shapes, ps))
        else:
            raise Unsupported(f"{pred} in an inner shape")
    return Inner(checks)


def _inner_property(shapes: Graph, ps: Any) -> Check:
    """A property shape of an inner node shape, as a condition on its focus ?v."""
    if _deactivated(shapes, ps):
        raise Unsupported("deactivated inner property shape")
    own = _own_sh(shapes, ps) - _DESCRIPTIVE
    path = sparql_path(shapes, _single(shapes, ps, SH.path))
    parts = []
    for pred in own - {SH.path}:
        if pred == SH.hasValue:
            for hv in shapes.objects(ps, pred):
                if not isinstance(hv, URIRef):
                    raise Unsupported("sh:hasValue with a literal or blank node")
                parts.append(f"EXISTS {{ ?v {path} {_iri(hv)} }}")
        elif pred == SH.minCount:
            n = _int(shapes, ps, pred)
            if n is not None and n > 1:
                raise Unsupported("sh:minCount > 1 in an inner shape")
            if n == 1:
                parts.append(f"EXISTS {{ ?v {path} ?_x }}")
        elif pred == SH["class"]:
            for c in shapes.objects(ps, pred):
                if not isinstance(c, URIRef):
                    raise Unsupported("sh:class must be an IRI")
                parts.append(f"NOT EXISTS {{ ?v {path} ?_y . FILTER NOT EXISTS {{ ?_y {_TYPE_PATH} {_iri(c)} }} }}")
        else:
            raise Unsupported(f"{pred} in an inner property shape")
    return Check("(" + " && ".join(parts) + ")" if parts else "true")


# ------------------------------------------------------------------------ compilation


@dataclass
class PropertyShape:
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
    sparql: list["SparqlConstraint"] = field(default_factory=list)  # $PATH substituted


@dataclass
class SparqlConstraint:
    shape: Any
    constraint: Any
    severity: Any
    text: str  # the rewritten one-pass query, or "" to run per focus node on rdflib
    original: str
    focus_shape: Any = None  # whose targets give the focus nodes (a property shape's node shape)
    path_node: Any = None  # a property shape's sh:path: the result path when ?path is unbound


@dataclass
class Plan:
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
    for t in _TARGETS:
        node_shapes |= set(shapes.subjects(t, None))
    property_shapes = set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.objects(None, SH.property))
    inner_roots = set(shapes.objects(None, SH.node)) | set(shapes.objects(None, SH.qualifiedValueShape))
    for lst in shapes.objects(None, SH["or"]):
        inner_roots |= set(_items(shapes, lst))
    # Anything else using the sh: vocabulary must be a prefix declaration or a path node.
    known = node_shapes | property_shapes | inner_roots | set(shapes.objects(None, SH.sparql))
    for s in set(shapes.subjects(None, None)):
        own = _own_sh(shapes, s)
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
        own = _own_sh(shapes, ns) - _DESCRIPTIVE - _TARGETS
        if SH.path in own:
            raise Unsupported("property shapes with their own targets")
        extra = own - {SH.property, SH.sparql, SH.declare, SH.prefixes}
        if extra:
            if _has_targets(shapes, ns):
                raise Unsupported(f"node-shape constraints {sorted(map(str, extra))}")
            continue  # an untargeted node shape used only through sh:node: compiled as Inner
        if not _has_targets(shapes, ns):
            continue  # no targets: only checked through sh:node (compiled as Inner)
        if _deactivated(shapes, ns):
            continue
        severity = shapes.value(ns, SH.severity) or SH.Violation
        if severity not in _SEVERITIES:
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
            sparql.append(_sparql_constraint(shapes, ns, constraint, severity))
    # Property shapes reached from no targeted node shape never run (as in pySHACL), but
    # must still be well formed for pySHACL not to refuse the shapes graph.
    for ps in property_shapes:
        if not any(p.node == ps for p in properties):
            if _has_targets(shapes, ps):
                raise Unsupported("property shapes with their own targets")
            _property(shapes, ps, None, require_message=False)
    for root in inner_roots:
        _inner(shapes, root)
    plan = Plan(targets, properties, sparql)
    plan.predicates = {RDF.type, RDFS.subClassOf} | _path_predicates(shapes)
    for t in (SH.targetSubjectsOf, SH.targetObjectsOf):
        plan.predicates |= set(shapes.objects(None, t))
    for sc in sparql:
        preds = _sparql_predicates(sc.original)
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


def _sparql_predicates(text: str) -> set | None:
    """The IRIs a query matches as predicates (None: it has a variable or negated one)."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    out: set = set()

    def path(p: Any) -> bool:
        if isinstance(p, URIRef):
            out.add(p)
            return True
        if isinstance(p, (SequencePath, AlternativePath)):
            return all(path(a) for a in p.args)
        if isinstance(p, MulPath):
            return path(p.path)
        if isinstance(p, InvPath):
            return path(p.arg)
        return False  # a variable, a negated path (NegatedPath), anything else

    def walk(node: Any) -> bool:
        if isinstance(node, CompValue):
            for k, v in node.items():
                if k == "triples" and isinstance(v, list):
                    if not all(path(t[1]) for t in v):
                        return False
                elif not walk(v):
                    return False
        elif isinstance(node, (list, tuple)):
            return all(walk(x) for x in node)
        elif isinstance(node, dict):
            return all(walk(x) for x in node.values())
        return True

    _ = (Variable, NegatedPath)
    try:
        algebra = prepareQuery(text).algebra
    except Exception:
        return None
    return out if walk(algebra) else None


def _target_group(shapes: Graph, ns: Any) -> str:
    branches = []
    for c in shapes.objects(ns, SH.targetClass):
        if not isinstance(c, URIRef):
            raise Unsupported("sh:targetClass must be an IRI")
        branches.append(f"{{ ?this {_TYPE_PATH} {_iri(c)} }}")
    for p in shapes.objects(ns, SH.targetSubjectsOf):
        if not isinstance(p, URIRef):
            raise Unsupported("sh:targetSubjectsOf must be an IRI")
        branches.append(f"{{ ?this {_iri(p)} ?_t }}")
    for p in shapes.objects(ns, SH.targetObjectsOf):
        if not isinstance(p, URIRef):
            raise Unsupported("sh:targetObjectsOf must be an IRI")
        branches.append(f"{{ ?_t {_iri(p)} ?this }}")
    nodes = list(shapes.objects(ns, SH.targetNode))
    if nodes:
        if not all(isinstance(n, (URIRef, Literal)) for n in nodes):
            raise Unsupported("blank-node sh:targetNode")
        branches.append("{ VALUES ?this { " + " ".join(n.n3() for n in nodes) + " } }")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(branches) + " } }"


def _property(shapes: Graph, ps: Any, parent: Any, require_message: bool = True) -> PropertyShape | None:
    if _deactivated(shapes, ps):
        return None
    own = _own_sh(shapes, ps) - _DESCRIPTIVE
    unknown = own - PROPERTY_COMPONENTS
    if unknown or own & _TARGETS:
        raise Unsupported(f"property-shape components {sorted(map(str, unknown))}")
    if require_message and not list(shapes.objects(ps, SH.message)):
        raise Unsupported("a shape without sh:message (pySHACL writes generic messages)")
    severity = shapes.value(ps, SH.severity) or SH.Violation
    if severity not in _SEVERITIES:
        raise Unsupported("custom severity")
    path_node = _single(shapes, ps, SH.path)
    out = PropertyShape(node=ps, path_node=path_node, path=sparql_path(shapes, path_node), severity=severity,
                        parent=parent)
    out.min_count = _int(shapes, ps, SH.minCount)
    out.max_count = _int(shapes, ps, SH.maxCount)
    out.classes = list(shapes.objects(ps, SH["class"]))
    for c in out.classes:
        _class_check(c)
    if SH.datatype in own:
        out.value_checks.append((SH.DatatypeConstraintComponent, _datatype_check(_single(shapes, ps, SH.datatype))))
    if SH.nodeKind in own:
        kind = _single(shapes, ps, SH.nodeKind)
        if kind not in _NODE_KINDS:
            raise Unsupported("unknown sh:nodeKind")
        out.value_checks.append((SH.NodeKindConstraintComponent, Check(_NODE_KINDS[kind])))
    if SH.languageIn in own:
        out.value_checks.append((SH.LanguageInConstraintComponent,
                                 _language_check(_languages(shapes, _single(shapes, ps, SH.languageIn)))))
    for lst in shapes.objects(ps, SH["or"]):
        members = _items(shapes, lst)
        if not members:
            raise Unsupported("empty sh:or")
        out.ors.append([_inner(shapes, m) for m in members])
    for n in shapes.objects(ps, SH.node):
        if not list(shapes.objects(n, SH.property)) and not (_own_sh(shapes, n) - _DESCRIPTIVE):
            raise Unsupported("sh:node to an empty or unknown shape")
        out.nodes.append(_inner(shapes, n))
    if SH.qualifiedValueShape in own:
        if (ps, SH.qualifiedValueShapesDisjoint, Literal(True)) in shapes:
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        qmin, qmax = _int(shapes, ps, SH.qualifiedMinCount), _int(shapes, ps, SH.qualifiedMaxCount)
        out.qualified = (_inner(shapes, _single(shapes, ps, SH.qualifiedValueShape)), qmin, qmax)
    elif SH.qualifiedMinCount in own or SH.qualifiedMaxCount in own:
        raise Unsupported("qualified counts without sh:qualifiedValueShape")
    if SH.uniqueLang in own:
        u = _single(shapes, ps, SH.uniqueLang)
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
        sc = _sparql_constraint(shapes, ps, constraint, severity, path=out.path)
        sc.focus_shape, sc.path_node = parent, path_node
        out.sparql.append(sc)
    return out


# ------------------------------------------------------------- SPARQL-based constraints

_FORBIDDEN = re.compile(r"\b(MINUS|VALUES|SERVICE|GRAPH|GROUP\s+BY|HAVING|LIMIT|OFFSET|ORDER\s+BY|FROM|"
                        r"COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\b", re.I)
_SELECT = re.compile(r"\bSELECT\b", re.I)
# SHACL 5.3.1 pre-binds $this, $currentShape and $shapesGraph, and 6.3 substitutes $PATH in
# property shapes (see _sparql_constraint for what is compiled; $shapesGraph goes to pySHACL,
# which refuses it with a clear message).
PREBOUND = re.compile(r"[?$](?:PATH|currentShape|shapesGraph)\b")
_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


def _sparql_constraint(shapes: Graph, shape: Any, constraint: Any, severity: Any,
                       path: str | None = None) -> SparqlConstraint:
    """A SPARQL-based constraint (SHACL 5), the pre-bound variables as the spec defines them:
    $this joined to the focus nodes, $currentShape the shape's IRI, $PATH (6.3; property
    shapes only) the SPARQL path of the shape's sh:path. $shapesGraph, a blank-node shape's
    $currentShape or $PATH outside a property shape go to pySHACL."""
    from .validator import _prefix_block

    select = shapes.value(constraint, SH.select)
    if select is None:
        raise Unsupported("SPARQL constraint without sh:select")
    text = str(select)
    masked = _mask_strings(text)
    pieces, pos = [], 0
    for m in PREBOUND.finditer(masked):
        name = m.group()[1:]
        if name == "PATH" and path is not None:
            pieces += [text[pos:m.start()], path]
        elif name == "currentShape" and isinstance(shape, URIRef):
            pieces += [text[pos:m.start()], f"<{shape}>"]
        else:
            raise Unsupported(f"a SPARQL constraint using ${name} here")
        pos = m.end()
    text = "".join(pieces) + text[pos:]
    original = _prefix_block(shapes, constraint) + "\n" + text.replace("$this", "?this")
    text = _one_pass(original)
    if not text:
        raise Unsupported("a SPARQL constraint that cannot run for all focus nodes at once")
    return SparqlConstraint(shape, constraint, severity, text, original)


def _mask_strings(text: str) -> str:
    """``text`` with the inside of string literals blanked out (same length, same places)."""
    pattern = r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    return re.sub(pattern, lambda m: m.group()[0] + " " * (len(m.group()) - 2) + m.group()[-1], text)


_NOT_EXISTS = re.compile(r"FILTER\s*(\(\s*)?NOT\s+EXISTS\s*\{", re.I)


def _one_pass(text: str) -> str:
    """``text`` rewritten to run once for all focus nodes, or "" when that could change its
    answers (pySHACL runs it once per focus node with $this pre-bound).

    The focus nodes are joined at the start of the outer WHERE group. That is the same as
    pre-binding $this when $this occurs only in that group, in EXISTS / NOT EXISTS groups and
    OPTIONAL groups inside it, and the query has no subquery, aggregate, MINUS, VALUES,
    solution modifier or GRAPH (SHACL 5.3.1 rules most of these out anyway).

    A ``FILTER NOT EXISTS { P }`` directly in the WHERE group, with P free of nested groups,
    becomes ``OPTIONAL { P BIND(true AS ?_neN) } FILTER(!BOUND(?_neN))`` at the end of the
    group: the same solutions (a row with a match is dropped, a row without one is kept once),
    but Oxigraph 0.5 evaluates NOT EXISTS without using the row's bindings (time grows with
    rows x graph), and an OPTIONAL with them.
    """
    from ..graph.sparqltext import strip_comments

    body = strip_comments(text)
    masked = _mask_strings(body)
    if len(_SELECT.findall(masked)) != 1 or _FORBIDDEN.search(masked):
        return ""
    m = _WHERE.search(masked)
    if not m:
        return ""
    # every ?this in the body must sit in the WHERE group or in EXISTS/OPTIONAL groups
    stack: list[tuple[bool, int]] = [(True, m.end() - 1)]  # (safe for ?this, position of "{")
    close = -1
    not_exists: list[tuple[int, int, int]] = []  # (start of FILTER, "{", "}") at depth 1
    i = m.end()
    while i < len(masked):
        ch = masked[i]
        if ch == "{":
            before = masked[:i].rstrip()
            safe = stack[-1][0] and bool(re.search(r"\b(EXISTS|OPTIONAL)$", before, re.I))
            stack.append((safe, i))
        elif ch == "}":
            _safe, opened = stack.pop()
            if not stack:
                close = i
                break
            if len(stack) == 1:
                f = _NOT_EXISTS.search(masked, max(0, opened - 40), opened + 1)
                while f and f.end() - 1 != opened:
                    f = _NOT_EXISTS.search(masked, f.start() + 1, opened + 1)
                if f and f.group(1) is None and "{" not in masked[opened + 1:i]:
                    not_exists.append((f.start(), opened, i))
        elif masked.startswith("?this", i) and not re.match(r"\?this[A-Za-z0-9_]", masked[i:]):
            if not stack[-1][0]:
                return ""
        i += 1
    if close < 0:
        return ""
    head = masked[: m.start()]
    proj = head[_SELECT.search(head).end():]
    star = proj.strip().startswith("*")
    rest = masked[m.end():close]
    wanted = ["?this"]
    for var in ("value", "path"):
        if re.search(rf"\?{var}\b", proj) or (star and re.search(rf"\?{var}\b", rest)):
            wanted.append("?" + var)
    prologue = body[: _SELECT.search(head).start()]
    parts, pos, tail = [], m.end(), []
    for k, (start, opened, end) in enumerate(not_exists):
        parts.append(body[pos:start])
        inner = body[opened + 1:end].strip()
        if inner and not inner.endswith("."):
            inner += " ."
        tail.append(f"OPTIONAL {{ {inner} BIND(true AS ?_ne{k}) }} FILTER(!BOUND(?_ne{k}))")
        pos = end + 1
    parts.append(body[pos:close])
    return (prologue + "SELECT DISTINCT " + " ".join(wanted) + " WHERE {\n  @TARGETS@\n" + "".join(parts)
            + "\n  " + "\n  ".join(tail) + "\n}")


# ------------------------------------------------------------------------- evaluation


@dataclass
class Result:
    focus: Any
    shape: Any
    component: Any
    severity: Any
    value: Any = None
    path: Any = None  # the path node for property shapes; ?path for SPARQL constraints
    constraint: Any = None


class Evaluator:
    def __init__(self, view: Any, graphs: list[Any]):
        from ..graph.engine import Converter

        self.view = view
        self.graphs = graphs
        self.conv = Converter()
        self._rdf: dict[Any, Any] = {}
        self._subclasses: dict[Any, str] = {}

    def rows(self, text: str) -> Iterable[Any]:
        return self.view.query(text, graphs=self.graphs)

    def instance_of(self, var: str, cls: Any, bound: str) -> str:
        """A pattern that matches (binding ``bound``) when ``var`` is an instance of ``cls``:
        ``var rdf:type ?t`` for a ?t with ``?t rdfs:subClassOf* cls`` in the graph."""
        if cls not in self._subclasses:
            rows = self.rows(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {_iri(cls)} }}")
            self._subclasses[cls] = " ".join(sorted({str(r[0]) for r in rows} | {_iri(cls)}))
        return f"{var} <{RDF.type}> {bound} . VALUES {bound} {{ {self._subclasses[cls]} }}"

    def term(self, t: Any) -> Any:
        r = self._rdf.get(t)
        if r is None:
            r = self._rdf[t] = self.conv.to_rdflib(t)
        return r


def _q(target: str, body: str, select: str = "SELECT DISTINCT ?this ?v", tail: str = "") -> str:
    return f"{select} WHERE {{ {target} {body} }} {tail}"


def evaluate(plan: Plan, view: Any, graphs: list[Any], shapes: Graph) -> list[Result]:
    ev = Evaluator(view, graphs)
    out: list[Result] = []
    for ps in plan.properties:
        _evaluate_property(ev, plan.targets[ps.parent], ps, out)
    for sc in plan.sparql:
        _evaluate_sparql(ev, plan.targets[sc.focus_shape or sc.shape], sc, shapes, out)
    return out


def _evaluate_property(ev: Evaluator, target: str, ps: PropertyShape, out: list[Result]) -> None:
    P = ps.path
    res = lambda focus, comp, value=None: out.append(  # noqa: E731
        Result(focus, ps.node, comp, ps.severity, value, ps.path_node))
    # cardinality
    if (ps.min_count or 0) > 0 or ps.max_count is not None:
        conds = []
        if ps.min_count:
            conds.append(f"COUNT(DISTINCT ?v) < {ps.min_count}")
        if ps.max_count is not None:
            conds.append(f"COUNT(DISTINCT ?v) > {ps.max_count}")
        q = _q(target, f"OPTIONAL {{ ?this {P} ?v }}", "SELECT ?this (COUNT(DISTINCT ?v) AS ?n)",
               f"GROUP BY ?this HAVING ({' || '.join(conds)})")
        for row in ev.rows(q):
            n = int(row[1].value)
            if ps.min_count and n < ps.min_count:
                res(row[0], SH.MinCountConstraintComponent)
            if ps.max_count is not None and n > ps.max_count:
                res(row[0], SH.MaxCountConstraintComponent)
    # value-node checks that SPARQL decides exactly
    # sh:class: Oxigraph runs EXISTS { ?v rdf:type/rdfs:subClassOf* C } slowly for many
    # values; joining ?v's types with the subclasses of C (the same test) runs fast.
    for c in ps.classes:
        join = ev.instance_of("?v", c, "?_c")
        for row in ev.rows(_q(target, f"?this {P} ?v . OPTIONAL {{ {join} }} FILTER(!BOUND(?_c))")):
            res(row[0], SH.ClassConstraintComponent, row[1])
    exact: list[tuple[Any, str]] = []
    pythonic: list[tuple[Any, Check]] = []
    for comp, check in ps.value_checks:
        if check.python is None:
            exact.append((comp, check.sparql))
        else:
            pythonic.append((comp, check))
    for comp, cond in exact:
        for row in ev.rows(_q(target, f"?this {P} ?v . FILTER(!{cond})")):
            res(row[0], comp, row[1])
    for comp, check in pythonic:
        for row in ev.rows(_q(target, f"?this {P} ?v . BIND({check.sparql} AS ?ok)", "SELECT DISTINCT ?this ?v ?ok")):
            ok = row[2] is not None and row[2].value == "true" and check.python(ev.term(row[1]))
            if not ok:
                res(row[0], comp, row[1])
    # sh:or: a value passes when one member conforms
    for members in ps.ors:
        joined = [m for m in members if m.single_class() is not None]
        decided = [m.exact() for m in members if m.exact() is not None and m not in joined]
        undecided = [m for m in members if m.exact() is None]
        conds = decided + [f"BOUND(?_o{i})" for i in range(len(joined))]
        filt = "".join(f"OPTIONAL {{ {ev.instance_of('?v', m.single_class(), f'?_o{i}')} }} "
                       for i, m in enumerate(joined))
        filt += f"FILTER(!({' || '.join(conds)}))" if conds else ""
        flags = " ".join(f"BIND({m.necessary()} AS ?ok{i})" for i, m in enumerate(undecided))
        sel = "SELECT DISTINCT ?this ?v " + " ".join(f"?ok{i}" for i in range(len(undecided)))
        for row in ev.rows(_q(target, f"?this {P} ?v . {filt} {flags}", sel)):
            passed = False
            for i, m in enumerate(undecided):
                flag = row[2 + i]
                if flag is not None and flag.value == "true" and m.python_ok(ev.term(row[1])):
                    passed = True
                    break
            if not passed:
                res(row[0], SH.OrConstraintComponent, row[1])
    # sh:node
    for inner in ps.nodes:
        cond = inner.exact()
        if cond is not None:
            for row in ev.rows(_q(target, f"?this {P} ?v . FILTER(!{cond})")):
                res(row[0], SH.NodeConstraintComponent, row[1])
        else:
            for row in ev.rows(_q(target, f"?this {P} ?v . BIND({inner.necessary()} AS ?ok)",
                                  "SELECT DISTINCT ?this ?v ?ok")):
                if not (row[2] is not None and row[2].value == "true" and inner.python_ok(ev.term(row[1]))):
                    res(row[0], SH.NodeConstraintComponent, row[1])
    # qualified value shape
    if ps.qualified is not None:
        inner, qmin, qmax = ps.qualified
        if qmin is not None or qmax is not None:
            _evaluate_qualified(ev, target, ps, inner, qmin, qmax, res)
    # uniqueLang: one result per focus node and language used twice, without a value
    if ps.unique_lang:
        q = _q(target, f'?this {P} ?v . FILTER(isLiteral(?v) && LANG(?v) != "") BIND(LCASE(LANG(?v)) AS ?l)',
               "SELECT ?this ?l", "GROUP BY ?this ?l HAVING (COUNT(DISTINCT ?v) > 1)")
        for row in ev.rows(q):
            res(row[0], SH.UniqueLangConstraintComponent)
    for hv in ps.has_values:
        for row in ev.rows(_q(target, f"FILTER NOT EXISTS {{ ?this {P} {_iri(hv)} }}", "SELECT DISTINCT ?this")):
            res(row[0], SH.HasValueConstraintComponent)
    if ps.patterns:
        rows = list(ev.rows(_q(target, f"?this {P} ?v")))
        for rx in ps.patterns:
            for row in rows:
                v = ev.term(row[1])
                if isinstance(v, BNode) or not (rx.match(_string(v)) or rx.search(_string(v))):
                    res(row[0], SH.PatternConstraintComponent, row[1])
    for comp, other in ps.compares:
        _evaluate_compare(ev, target, ps, comp, other, res)


def _string(v: Any) -> str:  # pySHACL StringBasedConstraintBase.value_node_to_string
    if isinstance(v, Literal):
        if v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
            return str(v.value)
        return str(v)
    return str(v)


def _evaluate_qualified(ev: Evaluator, target: str, ps: PropertyShape, inner: Inner, qmin: int | None,
                        qmax: int | None, res: Callable[..., None]) -> None:
    P = ps.path
    cond = inner.exact()
    if cond is not None:
        conds = []
        if qmin is not None:
            conds.append(f"COUNT(DISTINCT ?ok) < {qmin}")
        if qmax is not None:
            conds.append(f"COUNT(DISTINCT ?ok) > {qmax}")
        conds = [c.replace("?ok", "?v") for c in conds]
        klass = inner.single_class()
        where = ev.instance_of("?v", klass, "?_c") if klass is not None else f"FILTER({cond})"
        q = _q(target, f"OPTIONAL {{ ?this {P} ?v . {where} }}",
               "SELECT ?this (COUNT(DISTINCT ?v) AS ?n)", f"GROUP BY ?this HAVING ({' || '.join(conds)})")
        counts = {row[0]: int(row[1].value) for row in ev.rows(q)}
    else:
        counts = {}
        q = _q(target, f"OPTIONAL {{ ?this {P} ?v . BIND({inner.necessary()} AS ?ok) }}", "SELECT DISTINCT ?this ?v ?ok")
        for row in ev.rows(q):
            n = counts.setdefault(row[0], 0)
            if row[1] is not None and row[2] is not None and row[2].value == "true" and inner.python_ok(ev.term(row[1])):
                counts[row[0]] = n + 1
    for focus, n in counts.items():
        if qmax is not None and n > qmax:
            res(focus, SH.QualifiedMaxCountConstraintComponent)
        if qmin is not None and n < qmin:
            res(focus, SH.QualifiedMinCountConstraintComponent)


def _evaluate_compare(ev: Evaluator, target: str, ps: PropertyShape, comp: Any, other: Any,
                      res: Callable[..., None]) -> None:
    """pySHACL's _compare_lt / _compare_ltoe on rdflib terms, for each focus node."""
    pairs: dict[Any, tuple[set, set]] = {}
    for row in ev.rows(_q(target, f"?this {ps.path} ?v . ?this {_iri(other)} ?w", "SELECT DISTINCT ?this ?v ?w")):
        values, compares = pairs.setdefault(row[0], (set(), set()))
        values.add(row[1])
        compares.add(row[2])
    strict = comp == SH.LessThanConstraintComponent
    for focus, (values, compares) in pairs.items():
        for v_ox in values:
            v = ev.term(v_ox)
            if isinstance(v, BNode):
                _runtime_error(f"Cannot use sh:{'lessThan' if strict else 'lessThanOrEquals'} to compare a BlankNode.")
            value, v_str = _comparable(v)
            for w_ox in compares:
                w = ev.term(w_ox)
                if isinstance(w, BNode):
                    _runtime_error(f"Cannot use sh:{'lessThan' if strict else 'lessThanOrEquals'} to compare a BlankNode.")
                compare, w_str = _comparable(w)
                if v_str != w_str:
                    pass
                elif strict and value < compare:
                    continue
                elif not strict and value <= compare:
                    continue
                res(focus, comp, v_ox)


def _comparable(t: Any) -> tuple[Any, bool]:
    if isinstance(t, URIRef):
        return str(t), True
    if isinstance(t, Literal) and isinstance(t.value, str):
        return t.value, True
    return t, False


def _runtime_error(message: str) -> None:
    from pyshacl.errors import ReportableRuntimeError

    raise ReportableRuntimeError(message)


def _evaluate_sparql(ev: Evaluator, target: str, sc: SparqlConstraint, shapes: Graph, out: list[Result]) -> None:
    seen: set = set()
    rows = ev.rows(sc.text.replace("@TARGETS@", target))
    names = [v.value for v in rows.variables]
    for row in rows:
        vals = {name: row[i] for i, name in enumerate(names)}
        this = vals.get("this")
        value = vals.get("value")
        value = this if value is None else value  # SHACL 5.3.2: no ?value, the focus node
        path = vals.get("path")
        path = sc.path_node if path is None else path  # SHACL 5.3.2: a property shape's own path
        key = (this, value, path)
        if key in seen:
            continue
        seen.add(key)
        out.append(Result(this, sc.shape, SH.SPARQLConstraintComponent, sc.severity, value, path, sc.constraint))


# ------------------------------------------------------------------------- the report


def report_graph(results: list[Result], shapes: Graph, ev_conv: Any) -> Graph:
    """pySHACL's report graph for ``results`` (read back by rusgraph.validation.validator)."""
    from ..graph.namespaces import bind_prefixes

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


# ------------------------------------------------------------------------ inoculation
# pySHACL (0.40) mixes these parts of the ontology into its copy of the data graph when
# given ont_graph (rdfutil.inoculate); the same, without importing pySHACL (slow to import).

_OWL_PROPERTIES = [OWL[n] for n in (
    "allValuesFrom annotatedProperty annotatedSource annotatedTarget assertionProperty cardinality "
    "complementOf datatypeComplementOf differentFrom disjointUnionOf disjointWith distinctMembers "
    "equivalentClass equivalentProperty hasKey hasSelf hasValue intersectionOf inverseOf maxCardinality "
    "maxQualifiedCardinality members minCardinality minQualifiedCardinality onClass onDataRange onDatatype "
    "onProperties onProperty oneOf propertyChainAxiom propertyDisjointWith qualifiedCardinality sameAs "
    "someValuesFrom sourceIndividual targetIndividual targetValue unionOf withRestrictions "
    "backwardCompatibleWith deprecated incompatibleWith priorVersion versionInfo bottomDataProperty "
    "topDataProperty bottomObjectProperty topObjectProperty imports versionIRI").split()]
_OWL_CLASSES = [OWL[n] for n in (
    "AllDifferent AllDisjointClasses AllDisjointProperties Annotation AnnotationProperty AsymmetricProperty "
    "Axiom Class DataRange DatatypeProperty DeprecatedClass DeprecatedProperty FunctionalProperty "
    "InverseFunctionalProperty IrreflexiveProperty NamedIndividual NegativePropertyAssertion ObjectProperty "
    "Ontology OntologyProperty ReflexiveProperty Restriction SymmetricProperty TransitiveProperty").split()]
_RDFS_PROPERTIES = [RDFS.comment, RDFS.domain, RDFS.isDefinedBy, RDFS.label, RDFS.member, RDFS.range,
                    RDFS.seeAlso, RDFS.subClassOf, RDFS.subPropertyOf]
_RDFS_CLASSES = [RDFS.Class, RDFS.Container, RDFS.ContainerMembershipProperty, RDFS.Datatype, RDFS.Literal,
                 RDFS.Resource]


def inoculation(ontology: Graph) -> Graph:
    """What pySHACL's ``inoculate`` adds to an empty data graph from ``ontology``."""
    out = Graph()
    bnodes: dict[Any, Any] = {}
    named: dict[Any, Any] = {}
    for cls in _RDFS_CLASSES + _OWL_CLASSES:
        for s in list(ontology.subjects(RDF.type, cls)):
            if isinstance(s, BNode):
                if s not in bnodes:
                    bnodes[s] = _clone_bnode(ontology, s, out)
                out.add((bnodes[s], RDF.type, cls))
            else:
                if cls == OWL.NamedIndividual:
                    if s not in named:
                        named[s] = _clone(ontology, s, out, deep=True)
                    new_s = named[s]
                else:
                    new_s = URIRef(str(s)) if isinstance(s, URIRef) else _clone(ontology, s, out)
                out.add((new_s, RDF.type, cls))
    for prop in _RDFS_PROPERTIES + _OWL_PROPERTIES:
        for s, o in list(ontology.subject_objects(prop)):
            if isinstance(s, BNode):
                if s not in bnodes:
                    bnodes[s] = _clone_bnode(ontology, s, out)
                s = bnodes[s]
            if isinstance(o, BNode):
                if o not in bnodes:
                    bnodes[o] = _clone_bnode(ontology, o, out)
                o = bnodes[o]
            out.add((s, prop, o))
    for ni in named:
        for s, p in list(ontology.subject_predicates(ni)):
            if isinstance(p, (Literal, BNode)):
                continue
            if isinstance(s, BNode):
                if s not in bnodes:
                    bnodes[s] = _clone_bnode(ontology, s, out)
                s = bnodes[s]
            out.add((s, p, ni))
    return out


def _clone(g: Graph, node: Any, out: Graph, recursion: int = 0, deep: bool = False) -> Any:
    if isinstance(node, Literal):
        return Literal(str(node), node.language, node.datatype)
    if isinstance(node, BNode):
        return _clone_bnode(g, node, out, recursion + 1)
    new = URIRef(str(node))
    if deep and recursion < 10:
        preds = set(g.predicates(node))
        if RDF.first in preds:
            return _clone_list(g, node, out, recursion)
        for p in preds:
            cp = _clone(g, p, out, recursion + 1)
            for o in list(g.objects(node, p)):
                co = _clone(g, o, out, recursion + 1, deep=not (p == OWL.sameAs and o == node))
                out.add((new, cp, co))
    return new


def _clone_bnode(g: Graph, node: Any, out: Graph, recursion: int = 0) -> Any:
    new = BNode()
    if recursion >= 10:
        return new
    preds = set(g.predicates(node))
    if not preds:
        return new
    if RDF.first in preds:
        return _clone_list(g, node, out, recursion)
    for p in preds:
        cp = _clone(g, p, out, recursion + 1)
        for o in list(g.objects(node, p)):
            out.add((new, cp, _clone(g, o, out, recursion + 1)))
    return new


def _clone_list(g: Graph, node: Any, out: Graph, recursion: int = 0) -> Any:
    new = BNode() if isinstance(node, BNode) else URIRef(str(node))
    lst = Collection(out, new)
    for item in list(g.items(node)):
        lst.append(_clone(g, item, out, recursion + 1))
    return new


# ---------------------------------------------------------------------------- entry


def _hidden_predicates(backing: Any, ontology: Graph) -> set:
    """Predicates of the ontology triples that pySHACL does not mix into its data graph but
    the store's default graph holds (labels of the ontology document, skos:definition ...)."""
    cached = getattr(backing, "_hidden", None)
    if cached is not None and cached[0] is ontology:
        return cached[1]
    inoc = inoculation(ontology)
    hidden = {p for s, p, o in ontology if (s, p, o) not in inoc or isinstance(s, BNode) or isinstance(o, BNode)}
    backing._hidden = (ontology, hidden)
    return hidden


def validate_on_store(kg: Any, shapes: Graph, *, include_inferred: bool) -> list[Result] | None:
    """pySHACL's results for ``kg`` computed on the store, or None when the shapes are not
    supported or could see ontology triples pySHACL leaves out (the caller runs pySHACL)."""
    from ..graph.engine import view

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


def validate_report(kg: Any, *, include_inferred: bool) -> Any:
    """A ValidationReport computed on the store, or None (run pySHACL instead).

    The ValidationResults are made here as ``validation._read_results`` makes them from
    pySHACL's report graph (messages from the constraint, else the shape; hints from the
    shape); the report graph is built alongside for ``--format turtle``.
    """
    shapes = kg.shapes
    found = validate_on_store(kg, shapes, include_inferred=include_inferred)
    if found is None:
        return None
    return make_report(found, shapes)


def make_report(found: list[Result], shapes: Graph) -> Any:
    """The ValidationReport of the evaluated results (on the local store or a remote one)."""
    from rdflib import Literal as RLiteral

    from ..graph.engine import Converter
    from .validator import ValidationReport, ValidationResult, _report_node, _sort_key, _texts

    conv = Converter()
    texts: dict[Any, tuple] = {}

    def cached(node: Any, prop: Any) -> tuple:
        key = (node, prop)
        if key not in texts:
            texts[key] = _texts(shapes, node, prop) if node is not None else ()
        return texts[key]

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
    results.sort(key=_sort_key)
    conforms = RLiteral(not results)  # SHACL 3.1: any result, of any severity, breaks conformance

    def fill(graph: Graph) -> None:
        graph += report_graph(found, shapes, conv)
        graph.set((_report_node(graph), SH.conforms, conforms))

    return ValidationReport(results=tuple(results), graph=LazyGraph(fill))


class LazyGraph(Graph):
    """An rdflib Graph filled on first use: the SHACL report graph of a large validation
    takes longer to build in rdflib than the validation itself, and most callers only read
    the results."""

    def __init__(self, fill: Callable[[Graph], None]):
        from ..graph.namespaces import bind_prefixes

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
