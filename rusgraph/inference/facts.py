"""The premises of inference as small numbers, read from the store by predicate.

Owns: :class:`Terms`, the table that numbers the terms of one inference run (pyoxigraph terms
when the premises come from the store, rdflib terms otherwise), and the premises as
``{predicate number: {(subject number, object number), ...}}``: read straight from the
store's default graph (:func:`read_store`) or from rdflib triples (:meth:`Terms.encode`),
and given back as rdflib triples where a reference engine needs them (the schema statements
for :class:`rusgraph.inference.rules.Schema`, everything for reasonable).

Why: at 100,000 measures the premises and their closure are about 3.5 million triples. As
rdflib terms in Python sets they took several GiB, and a third of the time went into
converting terms from the store to rdflib and back. Pairs of numbers take about a tenth of
that, and the pyoxigraph terms behind the numbers go back into the store unconverted.

Must not: decide which premises are needed (rusgraph.inference.compiled) or run rules
(rusgraph.inference.rules); it must not write to the store.
"""

from __future__ import annotations

from typing import Any, Iterable

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

VOCAB = (str(RDF), str(RDFS), str(OWL), str(XSD))
Facts = dict[int, set[tuple[int, int]]]


class Terms:
    """Terms <-> numbers (0, 1, 2 ... in order of first use) for one inference run.

    ``Terms.for_store()`` numbers pyoxigraph terms and converts to rdflib on demand;
    ``Terms()`` numbers rdflib terms themselves.
    """

    def __init__(self, converter: Any = None) -> None:
        self.ids: dict[Any, int] = {}
        self.terms: list[Any] = []
        self._conv = converter
        if converter is None:
            self._iri_type: Any = URIRef
        else:
            import pyoxigraph as ox

            self._iri_type = ox.NamedNode

    @classmethod
    def for_store(cls) -> "Terms":
        from ..graph.engine import Converter

        return cls(Converter())

    def number(self, term: Any) -> int:
        """The number of ``term`` (of this table's kind), given on first use."""
        i = self.ids.get(term)
        if i is None:
            i = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return i

    def add(self, term: Any) -> int:
        """The number of an rdflib ``term`` (converted to this table's kind)."""
        return self.number(term if self._conv is None else self._conv.to_ox(term))

    def find(self, term: Any) -> int | None:
        """The number of an rdflib ``term``, or None when no premise has it."""
        return self.ids.get(term if self._conv is None else self._conv.to_ox(term))

    def rdflib(self, i: int) -> Any:
        t = self.terms[i]
        return t if self._conv is None else self._conv.to_rdflib(t)

    def iri(self, i: int) -> str | None:
        """The IRI of term ``i``, or None for a blank node or literal."""
        t = self.terms[i]
        if type(t) is not self._iri_type:
            return None
        return str(t) if self._conv is None else t.value

    def encode(self, triples: Iterable[tuple[Any, Any, Any]]) -> Facts:
        """rdflib triples as premises (a table made with ``Terms()``)."""
        facts: Facts = {}
        n = self.number
        for s, p, o in triples:
            pi = n(p)
            bucket = facts.get(pi)
            if bucket is None:
                bucket = facts[pi] = set()
            bucket.add((n(s), n(o)))
        return facts

    def triples(self, facts: Facts) -> list[tuple[Any, Any, Any]]:
        """All of ``facts`` as rdflib triples."""
        r = self.rdflib
        return [(r(s), rp, r(o)) for p, pairs in facts.items() for rp in (r(p),) for s, o in pairs]

    def schema_facts(self, facts: Facts) -> dict[Any, set]:
        """The statements of ``facts`` whose predicate is an RDF, RDFS, OWL or XSD term, in
        rdflib terms; of rdf:type only those whose class is one (declarations, property
        types): what the T-box is read from, small whatever the data's size."""
        r = self.rdflib
        out: dict[Any, set] = {}
        rdf_type = self.find(RDF.type)
        for p, pairs in facts.items():
            iri = self.iri(p)
            if iri is None or not iri.startswith(VOCAB):
                continue
            if p == rdf_type:
                vocab = {o for o in {o for _s, o in pairs} if (self.iri(o) or "").startswith(VOCAB)}
                pairs = {(s, o) for s, o in pairs if o in vocab}
            out[r(p)] = {(r(s), r(o)) for s, o in pairs}
        return out

    def schema_triples(self, facts: Facts) -> list[tuple[Any, Any, Any]]:
        return [(s, p, o) for p, pairs in self.schema_facts(facts).items() for s, o in pairs]


def read_store(store: Any, graph: Any, predicates: Iterable[Any], terms: Terms) -> Facts:
    """The triples of ``predicates`` (pyoxigraph NamedNodes) in ``graph`` of ``store``,
    numbered in ``terms`` (a table made with ``Terms.for_store()``)."""
    facts: Facts = {}
    ids = terms.ids
    get = ids.get
    number = terms.number
    for p in predicates:
        bucket: set[tuple[int, int]] = set()
        add = bucket.add
        for q in store.quads_for_pattern(None, p, None, graph):
            s, o = q.subject, q.object
            si = get(s)
            if si is None:
                si = number(s)
            oi = get(o)
            if oi is None:
                oi = number(o)
            add((si, oi))
        if bucket:
            facts[number(p)] = bucket
    return facts
