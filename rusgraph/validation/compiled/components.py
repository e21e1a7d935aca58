"""SHACL Core components as SPARQL conditions on a value node, and SHACL paths as SPARQL paths.

Owns: reading one shape's own description from the shapes graph (its sh: predicates, one
value, a non-negative count, an RDF list, sh:deactivated), the condition each supported value
component puts on a value node ``?v`` (``sh:class``, ``sh:datatype``, ``sh:nodeKind``,
``sh:languageIn``; a :class:`Check`, with the Python test pySHACL runs where SPARQL alone
cannot decide), the shapes asked about a value (``sh:or`` members, ``sh:node``,
``sh:qualifiedValueShape``; an :class:`Inner`), and SHACL paths as SPARQL property paths.
What it cannot compile raises :class:`Unsupported`. It must not decide which shapes run
(:mod:`.plan`), build whole queries or run them (:mod:`.evaluation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from ...graph.namespaces import SH

SH_NS = str(SH)

# sh: predicates that describe a shape without constraining anything.
DESCRIPTIVE = {SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
               SH.deactivated}
TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
SEVERITY_NODES = {SH.Violation, SH.Warning, SH.Info}
NODE_KINDS = {
    SH.IRI: "isIRI(?v)", SH.BlankNode: "isBlank(?v)", SH.Literal: "isLiteral(?v)",
    SH.BlankNodeOrIRI: "(isBlank(?v) || isIRI(?v))", SH.BlankNodeOrLiteral: "(isBlank(?v) || isLiteral(?v))",
    SH.IRIOrLiteral: "(isIRI(?v) || isLiteral(?v))",
}
TYPE_PATH = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"


class Unsupported(Exception):
    """The shapes use something the compiled engine does not compile (pySHACL runs instead)."""


# ------------------------------------------------------------------------- value checks


def iri(term: Any) -> str:
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


def datatype_check(dt: Any) -> Check:
    if not isinstance(dt, URIRef):
        raise Unsupported("sh:datatype must be an IRI")
    if dt == RDFS.Literal:
        return Check("isLiteral(?v)")
    if dt == XSD.string:
        return Check(f"(isLiteral(?v) && DATATYPE(?v) = {iri(XSD.string)})")
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

    return Check(f"(isLiteral(?v) && DATATYPE(?v) = {iri(dt)})", ok)


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


def languages(shapes: Graph, lst: Any) -> list[str]:
    out = []
    for item in list_items(shapes, lst):
        if not isinstance(item, Literal) or item.language or item.datatype not in (None, XSD.string):
            raise Unsupported("sh:languageIn items must be plain strings")
        out.append(str(item).lower())
    return out


def language_check(langs: list[str]) -> Check:
    has_lang = 'isLiteral(?v) && LANG(?v) != ""'
    if "*" in langs:
        return Check(f"({has_lang})")
    options = ", ".join(_sparql_string(x) for x in sorted(set(langs)))
    if not options:
        return Check("false")
    return Check(f'({has_lang} && (LCASE(LANG(?v)) IN ({options}) || '
                 f'LCASE(STRBEFORE(CONCAT(LANG(?v), "-"), "-")) IN ({options})))')


def class_check(cls: Any) -> Check:
    if not isinstance(cls, URIRef):
        raise Unsupported("sh:class must be an IRI")
    return Check(f"(!isLiteral(?v) && EXISTS {{ ?v {TYPE_PATH} {iri(cls)} }})", klass=cls)


def list_items(shapes: Graph, lst: Any) -> list[Any]:
    items = list(Collection(shapes, lst))
    if lst != RDF.nil and not items:
        raise Unsupported("not an RDF list")
    return items


def one_value(shapes: Graph, node: Any, pred: Any) -> Any:
    values = list(shapes.objects(node, pred))
    if len(values) != 1:
        raise Unsupported(f"{pred} must have one value")
    return values[0]


def non_negative(shapes: Graph, node: Any, pred: Any) -> int | None:
    values = list(shapes.objects(node, pred))
    if not values:
        return None
    if len(values) > 1 or not isinstance(values[0], Literal) or values[0].datatype != XSD.integer \
            or not isinstance(values[0].value, int) or values[0].value < 0:
        raise Unsupported(f"{pred} must be one non-negative xsd:integer")
    return int(values[0].value)


def deactivated(shapes: Graph, node: Any) -> bool:
    values = list(shapes.objects(node, SH.deactivated))
    if not values:
        return False
    if len(values) == 1 and isinstance(values[0], Literal) and isinstance(values[0].value, bool):
        return bool(values[0].value)
    raise Unsupported("sh:deactivated must be one boolean")


def has_targets(shapes: Graph, node: Any) -> bool:
    return any((node, t, None) in shapes for t in TARGETS)


def own_sh(shapes: Graph, node: Any) -> set:
    return {p for p in shapes.predicates(node, None) if str(p).startswith(SH_NS)}


# ----------------------------------------------------------------------------- paths


def sparql_path(shapes: Graph, path: Any, depth: int = 0) -> str:
    """A SHACL path as a SPARQL property path (SHACL 2.3.1 maps them one to one)."""
    if depth > 20:
        raise Unsupported("path too deep")
    if isinstance(path, URIRef):
        return iri(path)
    if not isinstance(path, BNode):
        raise Unsupported("a path is an IRI or a blank node")
    preds = set(shapes.predicates(path, None))
    if RDF.first in preds:
        parts = list_items(shapes, path)
        if len(parts) < 2:
            raise Unsupported("a sequence path has two or more members")
        return "(" + "/".join(sparql_path(shapes, p, depth + 1) for p in parts) + ")"
    if len(preds) != 1:
        raise Unsupported("a path node has one predicate")
    (pred,) = preds
    obj = one_value(shapes, path, pred)
    if pred == SH.alternativePath:
        parts = list_items(shapes, obj)
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


def inner_shape(shapes: Graph, node: Any, depth: int = 0) -> Inner:
    if depth > 5:
        raise Unsupported("shapes nested too deep")
    if deactivated(shapes, node):
        raise Unsupported("deactivated inner shape")
    own = own_sh(shapes, node) - DESCRIPTIVE
    if own & TARGETS:
        raise Unsupported("an inner shape with targets")
    if SH.path in own:
        raise Unsupported("a property shape used as a node shape")
    checks: list[Check] = []
    for pred in own:
        if pred == SH["class"]:
            checks += [class_check(c) for c in shapes.objects(node, pred)]
        elif pred == SH.datatype:
            checks.append(datatype_check(one_value(shapes, node, pred)))
        elif pred == SH.nodeKind:
            kind = one_value(shapes, node, pred)
            if kind not in NODE_KINDS:
                raise Unsupported("unknown sh:nodeKind")
            checks.append(Check(NODE_KINDS[kind]))
        elif pred == SH.languageIn:
            checks.append(language_check(languages(shapes, one_value(shapes, node, pred))))
        elif pred == SH.property:
            for ps in shapes.objects(node, pred):
                checks.append(_inner_property(shapes, ps))
        else:
            raise Unsupported(f"{pred} in an inner shape")
    return Inner(checks)


def _inner_property(shapes: Graph, ps: Any) -> Check:
    """A property shape of an inner node shape, as a condition on its focus ?v."""
    if deactivated(shapes, ps):
        raise Unsupported("deactivated inner property shape")
    own = own_sh(shapes, ps) - DESCRIPTIVE
    path = sparql_path(shapes, one_value(shapes, ps, SH.path))
    parts = []
    for pred in own - {SH.path}:
        if pred == SH.hasValue:
            for hv in shapes.objects(ps, pred):
                if not isinstance(hv, URIRef):
                    raise Unsupported("sh:hasValue with a literal or blank node")
                parts.append(f"EXISTS {{ ?v {path} {iri(hv)} }}")
        elif pred == SH.minCount:
            n = non_negative(shapes, ps, pred)
            if n is not None and n > 1:
                raise Unsupported("sh:minCount > 1 in an inner shape")
            if n == 1:
                parts.append(f"EXISTS {{ ?v {path} ?_x }}")
        elif pred == SH["class"]:
            for c in shapes.objects(ps, pred):
                if not isinstance(c, URIRef):
                    raise Unsupported("sh:class must be an IRI")
                parts.append(f"NOT EXISTS {{ ?v {path} ?_y . FILTER NOT EXISTS {{ ?_y {TYPE_PATH} {iri(c)} }} }}")
        else:
            raise Unsupported(f"{pred} in an inner property shape")
    return Check("(" + " && ".join(parts) + ")" if parts else "true")
