"""OWL 2 RL for the ontology's own fragment, compiled from its axioms (pure Python).

Owns: reading the schema (the T-box: rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain,
rdfs:range, owl:inverseOf, owl:equivalentClass/Property, owl:propertyChainAxiom and the
property types Transitive, Symmetric, Functional, InverseFunctional) out of the premises,
and running just the OWL 2 RL rules those axioms can fire, set at a time, to a fixpoint:
prp-spo1, prp-eqp1/2, prp-inv1/2, prp-symp, prp-trp, prp-spo2, prp-dom, prp-rng, cax-sco,
cax-eqc1/2 (the scm-* rules are folded into the closure of the class and property
hierarchies). Everything else the rule set has (class expressions, owl:sameAs and the eq-*
rules, keys, disjointness, cardinalities, datatypes) is outside the fragment: a schema that
uses it, or data with owl:sameAs, raises :class:`Outside`, and so do functional and
inverse-functional properties once the data makes them fire (prp-fp/prp-ifp derive
owl:sameAs); the caller then runs a complete OWL 2 RL reasoner (reasonable, else owlrl).

Why: reasonable holds about 15 kB per input triple (5.5 GiB for the 376,000 premises of
18,000 measures) and needs a second full run for property chains; this fragment needs a few
hundred bytes per triple and one pass. tests/test_fastpath.py holds its result to owlrl's.
"""

from __future__ import annotations

from typing import Any, Iterable

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .facts import Facts, Terms

_VOCAB = (str(RDF), str(RDFS), str(OWL), str(XSD))

# Schema statements the fragment reads.
_SCHEMA = {RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf,
           OWL.equivalentClass, OWL.equivalentProperty, OWL.propertyChainAxiom}
_PROPERTY_TYPES = {OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
                   OWL.InverseFunctionalProperty}
# Vocabulary terms no OWL 2 RL rule reads as a premise about instances: declarations,
# annotations and ontology headers, and the lists that carry property chains.
_INERT_PREDICATES = {RDF.type, RDF.first, RDF.rest, RDFS.label, RDFS.comment, RDFS.seeAlso,
                     RDFS.isDefinedBy, OWL.versionIRI, OWL.versionInfo, OWL.priorVersion,
                     OWL.backwardCompatibleWith, OWL.incompatibleWith, OWL.deprecated, OWL.imports}
_INERT_TYPES = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                OWL.AnnotationProperty, RDF.Property, OWL.Ontology, OWL.NamedIndividual,
                RDFS.Datatype, OWL.OntologyProperty, OWL.Thing, RDFS.Resource, RDF.List}
_MAX_ROUNDS = 100
_CLASS_AXIOMS = {RDFS.subClassOf, OWL.equivalentClass, RDFS.domain, RDFS.range}


# Vocabulary classes a subClassOf, domain or range axiom may have as its object: their
# instances get only trivial types (datatypes as ranges of datatype properties).
_TOP = {OWL.Thing, RDFS.Resource, RDFS.Literal}


def _harmless_object(o: Any) -> bool:
    return o in _TOP or (isinstance(o, URIRef) and str(o).startswith(str(XSD)))
# Vocabulary properties a property axiom may name (as sub- or superproperty, ...).
_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy}


class Outside(Exception):
    """The premises need an OWL 2 RL rule this fragment does not run.

    ``vocabulary``: the schema makes statements about the RDF/RDFS/OWL/XSD vocabulary itself
    (a subclass of owl:TransitiveProperty, owl:Thing under a class of the domain, ...), on
    which reasonable and owlrl disagree; owlrl, the reference, should run.
    """

    def __init__(self, message: str, *, vocabulary: bool = False) -> None:
        super().__init__(message)
        self.vocabulary = vocabulary


def meta_statements(triples: Iterable[tuple[Any, Any, Any]]) -> bool:
    """Whether class, domain or range axioms name vocabulary classes (beyond owl:Thing,
    rdfs:Resource, rdfs:Literal and XSD datatypes as superclass, domain or range): then
    types can make properties transitive, functional ..., and every data triple may be a
    premise."""
    for s, p, o in triples:
        if p in _CLASS_AXIOMS and (_vocab(s) or (_vocab(o) and (p == OWL.equivalentClass or not _harmless_object(o)))):
            return True
    return False


def _vocab(term: Any) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(_VOCAB)


class Schema:
    """The T-box, closed: every class's superclasses, every property's superproperties."""

    def __init__(self, facts: dict[Any, set]) -> None:
        def pairs(p: Any) -> set:
            return facts.get(p, set())

        for p in facts:
            if _vocab(p) and p not in _SCHEMA and p not in _INERT_PREDICATES:
                raise Outside(f"the premises use {p}")
        for _s, c in pairs(RDF.type):
            if _vocab(c) and c not in _INERT_TYPES and c not in _PROPERTY_TYPES:
                raise Outside(f"the premises type a node as {c}")
        schema_terms = [x for p in _SCHEMA if p != OWL.propertyChainAxiom for pair in pairs(p) for x in pair]
        if any(not isinstance(x, URIRef) for x in schema_terms):
            raise Outside("a schema statement has a blank node or literal (a class expression)")
        if meta_statements((s, p, o) for p in _CLASS_AXIOMS for s, o in pairs(p)):
            raise Outside("a class, domain or range axiom names a vocabulary class", vocabulary=True)

        sub_class = _hierarchy(pairs(RDFS.subClassOf), pairs(OWL.equivalentClass))
        sub_prop = _hierarchy(pairs(RDFS.subPropertyOf), pairs(OWL.equivalentProperty))
        self.supers = {c: _reach(sub_class, c) - {c} for c in sub_class}
        self.super_props = {p: _reach(sub_prop, p) - {p} for p in sub_prop}
        self.domain: dict[Any, set] = {}
        for p, c in pairs(RDFS.domain):
            self.domain.setdefault(p, set()).add(c)
        self.range: dict[Any, set] = {}
        for p, c in pairs(RDFS.range):
            self.range.setdefault(p, set()).add(c)
        self.inverse: dict[Any, set] = {}
        for a, b in pairs(OWL.inverseOf):
            self.inverse.setdefault(a, set()).add(b)
            self.inverse.setdefault(b, set()).add(a)
        typed: dict[Any, set] = {}
        for s, c in pairs(RDF.type):
            if c in _PROPERTY_TYPES:
                typed.setdefault(c, set()).add(s)
        self.transitive = typed.get(OWL.TransitiveProperty, set())
        self.symmetric = typed.get(OWL.SymmetricProperty, set())
        self.functional = typed.get(OWL.FunctionalProperty, set())
        self.inverse_functional = typed.get(OWL.InverseFunctionalProperty, set())
        self.chains = [(p, _list(facts, head)) for p, head in pairs(OWL.propertyChainAxiom)]
        named = (set(self.super_props) | {q for qs in self.super_props.values() for q in qs}
                 | set(self.domain) | set(self.range) | set(self.inverse) | self.transitive
                 | self.symmetric | self.functional | self.inverse_functional
                 | {p for p, _ in self.chains} | {s for _, steps in self.chains for s in steps})
        bad = {p for p in named if not isinstance(p, URIRef) or (_vocab(p) and p not in _ANNOTATIONS)}
        if bad:
            raise Outside(f"a property axiom is about {sorted(map(str, bad))[0]}", vocabulary=True)


def _hierarchy(sub: set, equivalent: set) -> dict[Any, set]:
    """Direct super-terms: (a, b) in ``sub`` makes b one of a's; equivalence goes both ways."""
    up: dict[Any, set] = {}
    for a, b in sub:
        up.setdefault(a, set()).add(b)
    for a, b in equivalent:
        up.setdefault(a, set()).add(b)
        up.setdefault(b, set()).add(a)
    return up


def _reach(edges: dict[Any, set], start: Any) -> set:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _list(facts: dict[Any, set], head: Any) -> list[Any]:
    first = dict(facts.get(RDF.first, ()))
    rest = dict(facts.get(RDF.rest, ()))
    out = []
    node = head
    while node != RDF.nil:
        if node not in first or node not in rest or len(out) > 1000:
            raise Outside("a property chain is not a well-formed list")
        out.append(first[node])
        node = rest[node]
    if not out or not all(isinstance(s, URIRef) for s in out):
        raise Outside("a property chain has a step that is not an IRI")
    return out


def _transitive(pairs: set) -> set:
    """prp-trp to a fixpoint: (x, z) for every z that x reaches by one or more steps."""
    succ: dict[Any, set] = {}
    for s, o in pairs:
        succ.setdefault(s, set()).add(o)
    out = set()
    for s, first in succ.items():
        seen: set = set()
        todo = list(first)
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(succ.get(x, ()))
        out.update((s, o) for o in seen)
    return out


def chain(facts: dict[Any, set], steps: list[Any]) -> set:
    """prp-spo2 for one chain: the (x, z) joined by steps[0] ... steps[-1] in ``facts``."""
    tables = []
    for step in steps:
        table: dict[Any, set] = {}
        for s, o in facts.get(step, ()):
            table.setdefault(s, set()).add(o)
        tables.append(table)
    out = set()
    for x, ys in tables[0].items():
        frontier = set(ys)
        for table in tables[1:]:
            nxt: set = set()
            for y in frontier:
                nxt |= table.get(y, set())
            frontier = nxt
            if not frontier:
                break
        for z in frontier:
            out.add((x, z))
    return out


def closure(triples: Iterable[tuple[Any, Any, Any]]) -> set:
    """The OWL 2 RL closure of rdflib ``triples`` under the fragment's rules, as triples (the
    input included). Raises :class:`Outside` when the input needs a rule outside the fragment."""
    terms = Terms()
    closed = saturate(terms.encode(triples), terms)
    r = terms.rdflib
    return {(r(s), rp, r(o)) for p, pairs in closed.items() for rp in (r(p),) for s, o in pairs}


class _Numbered:
    """A :class:`Schema` with every term replaced by its number in a :class:`Terms` table."""

    def __init__(self, schema: Schema, terms: Terms) -> None:
        n = terms.add

        def each(d: dict[Any, set]) -> dict[int, set[int]]:
            return {n(k): {n(v) for v in vs} for k, vs in d.items()}

        self.supers = each(schema.supers)
        self.super_props = each(schema.super_props)
        self.domain = each(schema.domain)
        self.range = each(schema.range)
        self.inverse = each(schema.inverse)
        self.transitive = {n(p) for p in schema.transitive}
        self.symmetric = {n(p) for p in schema.symmetric}
        self.functional = {n(p) for p in schema.functional}
        self.inverse_functional = {n(p) for p in schema.inverse_functional}
        self.chains = [(n(p), [n(s) for s in steps]) for p, steps in schema.chains]


def saturate(facts: Facts, terms: Terms) -> Facts:
    """The closure of numbered premises (:mod:`rusgraph.inference.facts`): ``facts`` with
    the sets of the predicates the rules add to replaced by larger copies (the input is
    not changed: ``result[p] is not facts[p]`` says what grew). Raises :class:`Outside`."""
    same_as = terms.find(OWL.sameAs)
    if same_as is not None and facts.get(same_as):
        raise Outside("the premises state owl:sameAs")
    schema = _Numbered(Schema(terms.schema_facts(facts)), terms)
    out = dict(facts)
    own: set = set()  # predicates whose set in ``out`` is already a copy

    def add(p: int, new: set, changed: set) -> None:
        """Add ``new`` pairs to p's set (copying the input's set first); note p if it grew."""
        bucket = out.get(p)
        if p not in own:
            extra = new - bucket if bucket else set(new)
            if extra:
                out[p] = (bucket | extra) if bucket else extra
                own.add(p)
                changed.add(p)
            return
        n = len(bucket)
        bucket |= new
        if len(bucket) != n:
            changed.add(p)

    # the property rules, to a fixpoint; types do not feed them (no class expressions)
    dirty = set(out)
    for _ in range(_MAX_ROUNDS):
        if not dirty:
            break
        changed: set = set()
        for p in list(dirty):
            pairs = out[p]
            for q in schema.super_props.get(p, ()):  # prp-spo1, prp-eqp1/2
                add(q, pairs, changed)
            for q in schema.inverse.get(p, ()):  # prp-inv1/2
                add(q, {(o, s) for s, o in pairs}, changed)
            if p in schema.symmetric:  # prp-symp
                add(p, {(o, s) for s, o in pairs}, changed)
        for p in schema.transitive:  # prp-trp
            if p in dirty or p in changed:
                add(p, _transitive(out.get(p, set())), changed)
        for p, steps in schema.chains:  # prp-spo2
            if any(s in dirty or s in changed for s in steps):
                add(p, chain(out, steps), changed)
        dirty = changed
    else:
        raise Outside("the property rules did not reach a fixpoint")

    # prp-fp / prp-ifp would derive owl:sameAs between distinct nodes
    for p in schema.functional:
        seen: dict[Any, Any] = {}
        for s, o in out.get(p, ()):
            if seen.setdefault(s, o) != o:
                raise Outside(f"{terms.rdflib(p)} is functional and {terms.rdflib(s)} has two values")
    for p in schema.inverse_functional:
        seen = {}
        for s, o in out.get(p, ()):
            if seen.setdefault(o, s) != s:
                raise Outside(f"{terms.rdflib(p)} is inverse-functional and {terms.rdflib(o)} has two subjects")

    # prp-dom, prp-rng, then cax-sco / cax-eqc
    rdf_type = terms.add(RDF.type)
    grown: set = set()
    for p, classes in schema.domain.items():
        subjects = {s for s, _o in out.get(p, ())}
        add(rdf_type, {(s, c) for s in subjects for c in classes}, grown)
    for p, classes in schema.range.items():
        objects = {o for _s, o in out.get(p, ())}
        add(rdf_type, {(o, c) for o in objects for c in classes}, grown)
    supers = schema.supers
    add(rdf_type, {(x, d) for x, c in out.get(rdf_type, ()) if c in supers for d in supers[c]}, grown)
    return out
