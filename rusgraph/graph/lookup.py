"""Look things up in a KnowledgeGraph the way rdflib code does, answered from its store.

Owns: a read-only view of the union (ontology, data, inferred) with the parts of rdflib's
Graph API that lookups use (labels, districts, findings), and the choice between that view
and an rdflib union built already. Must not: write to the store, or run SPARQL reports.
"""

from __future__ import annotations

from typing import Any, Iterator

from .engine import Converter, has_store, view


class StoreGraph:
    """The parts of rdflib's Graph API that lookups use (value, subjects, objects,
    subject_objects, predicate_objects, triples, ``in``), answered from the store.

    It reads the union of the KnowledgeGraph (ontology, data, inferred) like ``kg.union``.
    """

    def __init__(self, kg: Any):
        from rdflib import Graph

        from .namespaces import bind_prefixes

        self._view = view(kg)
        self._graphs = self._view.query_graphs()
        self._conv = Converter()
        self.namespace_manager = bind_prefixes(Graph()).namespace_manager

    def _ox(self, term: Any) -> Any:
        return None if term is None else self._conv.to_ox(term)

    def triples(self, pattern: tuple[Any, Any, Any]) -> Iterator[tuple[Any, Any, Any]]:
        s, p, o = (self._ox(t) for t in pattern)
        store = self._view.store
        conv = self._conv
        seen: set | None = set() if len(self._graphs) > 1 else None
        for g in self._graphs:
            for q in store.quads_for_pattern(s, p, o, g):
                t = (q.subject, q.predicate, q.object)
                if seen is not None:
                    if t in seen:
                        continue
                    seen.add(t)
                yield conv.triple(*t)

    def __iter__(self) -> Iterator[tuple[Any, Any, Any]]:
        return self.triples((None, None, None))

    def __contains__(self, triple: tuple[Any, Any, Any]) -> bool:
        return next(iter(self.triples(triple)), None) is not None

    def value(self, subject: Any = None, predicate: Any = None, object: Any = None, default: Any = None,
              any: bool = True) -> Any:  # noqa: A002 (rdflib's names)
        for s, p, o in self.triples((subject, predicate, object)):
            if subject is None:
                return s
            if predicate is None:
                return p
            return o
        return default

    def subjects(self, predicate: Any = None, object: Any = None, unique: bool = False) -> Iterator[Any]:
        for s, _, _ in self.triples((None, predicate, object)):
            yield s

    def objects(self, subject: Any = None, predicate: Any = None, unique: bool = False) -> Iterator[Any]:
        for _, _, o in self.triples((subject, predicate, None)):
            yield o

    def predicates(self, subject: Any = None, object: Any = None, unique: bool = False) -> Iterator[Any]:
        for _, p, _ in self.triples((subject, None, object)):
            yield p

    def subject_objects(self, predicate: Any = None, unique: bool = False) -> Iterator[tuple[Any, Any]]:
        for s, _, o in self.triples((None, predicate, None)):
            yield s, o

    def predicate_objects(self, subject: Any = None, unique: bool = False) -> Iterator[tuple[Any, Any]]:
        for _, p, o in self.triples((subject, None, None)):
            yield p, o

    def subject_predicates(self, object: Any = None, unique: bool = False) -> Iterator[tuple[Any, Any]]:
        for s, p, _ in self.triples((None, None, object)):
            yield s, p


def lookup_graph(kg: Any) -> Any:
    """A graph to look things up in (labels, districts): the store view, or ``kg.union``
    when that rdflib graph was built already."""
    if not _rdflib_union_built(kg):
        return StoreGraph(kg)
    return kg.union


def _rdflib_union_built(kg: Any) -> bool:
    return "union" in kg.__dict__ and not has_store(kg)
