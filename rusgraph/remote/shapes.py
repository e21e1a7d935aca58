"""SHACL validation where the data lives: the compiled shapes run as SPARQL on a store.

Owns: running :mod:`rusgraph.validation.compiled`'s set-at-a-time queries (one per constraint for all
focus nodes) on a SPARQL 1.1 endpoint instead of the local Oxigraph store, and fetching the
few triples the findings show (districts, labels, numbers of the focus nodes). Only results
and those triples cross the network; the graph itself is never copied out. It must not
speak HTTP itself (``rusgraph.remote.endpoint`` does) nor compile shapes (``rusgraph.validation.compiled``).

The dataset is the store's rusgraph data graphs plus its ontology graph, named as the
default graph (SPARQL 1.1 Protocol ``default-graph-uri``): what pySHACL sees locally (data +
the ontology's inoculated triples) as long as the shapes match no ontology triple pySHACL
leaves out, which is checked as for the local store. With ``graphs="store"`` (``--graphs
store``) the queries go to the store's own default graph instead, which the user then says is
the data and the ontology: a store whose default graph is the union of its graphs (Oxigraph
``--union-default-graph``, ``rusgraph serve``, Virtuoso, Fuseki's ``unionDefaultGraph``).
That matters for speed: Oxigraph evaluates a default graph listed as N graphs about N times
slower, so with hundreds of plan graphs the union is the way (docs/stores.md).
Where the local run's results cannot be guaranteed (shapes the compiler does not take, no
ontology graph at the store, blank nodes among the results, whose labels are scoped to one
answer), :func:`validate_at_endpoint` returns None and the caller validates a fetched copy.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import replace
from typing import Any, Iterable

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SKOS

from ..validation.compiled import compile_shapes, evaluate, inoculation, make_report
from ..graph.knowledge import ONTOLOGY_GRAPH, KnowledgeGraph, graph_name_for
from ..graph.namespaces import RUS, bind_prefixes
from ..reports.queries import run_query

log = logging.getLogger(__name__)

# What rusgraph.validation.findings reads about a focus node and about the node that owns it.
_FOCUS_PROPS = (RUS.district, RUS.inPlan, RUS.localNumber, RUS.sequence, SKOS.prefLabel, RDFS.label)
_DISTRICT_PROPS = (RDF.type, SKOS.notation, SKOS.prefLabel, RDFS.label, FOAF.name)
CHUNK = 200  # focus nodes per lookup query


class _Rows(list):
    """Query solutions as fastshacl's evaluator reads them (pyoxigraph terms, ``variables``)."""

    variables: list[Any]


class _StoreView:
    """The part of rusgraph.graph.engine's store view that fastshacl's evaluator uses, answered by
    an endpoint over the SPARQL 1.1 Protocol."""

    def __init__(self, endpoint: Any):
        import pyoxigraph as ox

        from ..graph.engine import Converter

        self.endpoint = endpoint
        self._ox = ox
        self._conv = Converter()
        self.queries = 0

    def query(self, text: str, graphs: Any = None) -> _Rows:
        result = run_query(self.endpoint, text)
        self.queries += 1
        rows = _Rows(tuple(self._conv.to_ox(t) if t is not None else None for t in row) for row in result.rows)
        rows.variables = [self._ox.Variable(v) for v in result.vars]
        return rows


def _dataset(endpoint: Any) -> tuple[str, ...] | None:
    """The data graphs and the ontology graph of the store, or None when it has no ontology
    graph (``sh:class`` would then miss subclasses that a local run sees)."""
    found = endpoint.rusgraph_graphs()
    if str(ONTOLOGY_GRAPH) not in found:
        return None
    return (*endpoint.data_graphs(with_inferred=False), str(ONTOLOGY_GRAPH))


def validate_at_endpoint(endpoint: Any, base: KnowledgeGraph) -> tuple[Any, KnowledgeGraph] | None:
    """Validate the store's rusgraph data against ``base.shapes`` on the store itself.

    ``base`` carries the shapes and the ontology (local, as for a fetched validation).
    Returns the ValidationReport and a small KnowledgeGraph holding what the findings show
    (labels, districts), or None when the store cannot give the local run's results (see
    the module docstring).
    """
    plan = compile_shapes(base.shapes)
    if plan is None:
        log.info("the shapes are not compiled to SPARQL; validating a fetched copy instead")
        return None
    inoc = inoculation(base.ontology)
    hidden = {p for s, p, o in base.ontology
              if (s, p, o) not in inoc or isinstance(s, BNode) or isinstance(o, BNode)}
    if plan.any_predicate or plan.predicates & hidden:
        log.info("the shapes can see ontology triples pySHACL leaves out; validating a fetched copy instead")
        return None
    graphs = _dataset(endpoint)
    if graphs is None:
        log.info("the store holds no rusgraph ontology graph; validating a fetched copy instead")
        return None
    scoped = endpoint  # --graphs store: the store's own default graph
    if endpoint.graphs != "store":
        scoped = copy.copy(endpoint)
        scoped.graphs = graphs
    view = _StoreView(scoped)
    found = evaluate(plan, view, [], base.shapes)
    if any(isinstance(t, view._ox.BlankNode) for r in found for t in (r.focus, r.value)):
        log.info("blank nodes among the results; validating a fetched copy instead")
        return None
    log.debug("validated at %s with %d queries", endpoint.url, view.queries)
    report = make_report(found, base.shapes)
    context = _findings_context(scoped, (URIRef(r.focus) for r in report.results))
    kg = replace(base, parts={graph_name_for("endpoint-findings"): context}, sources=(endpoint.url,))
    return report, kg


def _findings_context(endpoint: Any, focus_nodes: Iterable[URIRef]) -> Graph:
    """The triples rusgraph.validation.findings reads: the focus nodes' districts, plans, numbers and
    labels, their plans' districts, the owners of focus nodes that have neither (a period,
    a link qualification), and every district's names and code."""
    out = bind_prefixes(Graph())
    focus = sorted(set(focus_nodes), key=str)
    _construct_about(endpoint, out, focus, _FOCUS_PROPS)
    plans = sorted({o for f in focus for o in out.objects(f, RUS.inPlan) if isinstance(o, URIRef)}, key=str)
    _construct_about(endpoint, out, plans, (RUS.district,))
    orphans = [f for f in focus if (f, RUS.district, None) not in out and (f, RUS.inPlan, None) not in out]
    for i in range(0, len(orphans), CHUNK):
        values = " ".join(f"<{f}>" for f in orphans[i:i + CHUNK])
        text = ("CONSTRUCT { ?owner ?link ?f . ?owner <%(d)s> ?d } WHERE { VALUES ?f { %(v)s } "
                "?owner ?link ?f . ?owner <%(d)s> ?d }") % {"d": RUS.district, "v": values}
        out += run_query(endpoint, text).graph
    text = ("CONSTRUCT { ?d ?p ?o } WHERE { ?d a <%s> . VALUES ?p { %s } ?d ?p ?o }"
            % (RUS.District, " ".join(f"<{p}>" for p in _DISTRICT_PROPS)))
    out += run_query(endpoint, text).graph
    return out


def _construct_about(endpoint: Any, out: Graph, subjects: list[URIRef], props: tuple[Any, ...]) -> None:
    """Add the ``props`` triples of ``subjects`` (in chunks, each one indexed lookup per subject)."""
    wanted = " ".join(f"<{p}>" for p in props)
    for i in range(0, len(subjects), CHUNK):
        values = " ".join(f"<{s}>" for s in subjects[i:i + CHUNK])
        text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {wanted} }} ?s ?p ?o }}"
        out += run_query(endpoint, text).graph
