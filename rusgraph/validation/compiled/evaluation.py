"""Running a compiled plan on a store: one query per constraint for all focus nodes at once.

Owns: the SELECT queries each compiled component becomes (cardinality with GROUP BY, value
checks as FILTERs, ``sh:class`` as a join with the class's subclasses, ``sh:or``,
``sh:node``, qualified counts, ``sh:uniqueLang``, ``sh:hasValue``, and the SPARQL
constraints with the focus nodes joined in), the Python tests pySHACL makes on rdflib terms
where SPARQL cannot decide alone (``sh:datatype`` lexical forms, ``sh:pattern``,
``sh:lessThan``), and the :class:`Result` values, one per distinct (focus, value, path), as
pySHACL gives them. The store is anything with ``query(text, graphs=...)`` answering with
pyoxigraph terms: the local Oxigraph view (:mod:`.on_store`) or an endpoint
(:mod:`rusgraph.validation.at_store`). It must not compile shapes (:mod:`.plan`) nor build
the report (:mod:`.report`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ...graph.namespaces import SH
from .components import Check, Inner, iri
from .plan import Plan, PropertyShape
from .sparql import SparqlConstraint


@dataclass
class Result:
    """One result as store terms (pyoxigraph), before it becomes a ValidationResult."""

    focus: Any
    shape: Any
    component: Any
    severity: Any
    value: Any = None
    path: Any = None  # the path node for property shapes; ?path for SPARQL constraints
    constraint: Any = None


class Evaluator:
    """Runs a plan's queries on a store view (the local store, or an endpoint answering alike)
    and turns store terms into rdflib terms where Python decides."""

    def __init__(self, view: Any, graphs: list[Any]):
        from ...graph.engine import Converter

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
            rows = self.rows(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {iri(cls)} }}")
            self._subclasses[cls] = " ".join(sorted({str(r[0]) for r in rows} | {iri(cls)}))
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

    def res(focus: Any, comp: Any, value: Any = None) -> None:
        out.append(Result(focus, ps.node, comp, ps.severity, value, ps.path_node))

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
        for row in ev.rows(_q(target, f"FILTER NOT EXISTS {{ ?this {P} {iri(hv)} }}", "SELECT DISTINCT ?this")):
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
    for row in ev.rows(_q(target, f"?this {ps.path} ?v . ?this {iri(other)} ?w", "SELECT DISTINCT ?this ?v ?w")):
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
