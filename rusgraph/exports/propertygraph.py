"""The knowledge graph as a property graph: labelled nodes and edges with string attributes.

Owns: the one mapping from RDF to nodes and edges that every property-graph format
(GraphML, GEXF, cytoscape.js JSON, CSV, the HTML page) writes out. The rules:

- A node is every resource the data describes (an IRI that is the subject of a triple),
  except link qualifications and periods, which are folded away (below). Its id is its
  IRI; ``label`` is its skos:prefLabel, rdfs:label, dcterms:title or foaf:name in the
  chosen language (falling back to nb, en, then any); ``type`` is its most specific
  rus:, SKOS or ORG class as a short name (rdf:type triples become this, not edges);
  ``colour`` is a fixed colour per type; ``types`` lists all its classes as CURIEs.
- Literal values become node attributes, never nodes: the key is the property's local
  name (rus:) or ``prefix_local`` (other vocabularies), with ``_nb``/``_en`` for a
  language; several values are joined with a newline. Links to IRIs the data does not
  describe (skos:exactMatch to Wikidata, say) become attributes too.
- An edge is every other triple between two nodes. Its ``label`` is the property's label
  in the chosen language, ``relation`` its short name, ``predicate`` its IRI. Its id is
  ``e-`` and 16 hex digits of the SHA-1 of the triple, so it is stable and unique.
- An upward link (stated/curated contributesTo or implementsStandard) carries its
  rus:LinkQualification as ``basis`` (stated or curated), ``reason`` (chosen language,
  fallback) and ``qualification`` (the qualification's IRI). A dcterms:temporal period's
  start and end dates become attributes of the plan. skos:hasTopConcept (the inverse of
  skos:topConceptOf) and a skos:topConceptOf beside an equal skos:inScheme are dropped.
- With inferred triples, inferred edges between nodes are added with ``inferred`` "true".

Every attribute value is a plain string. It must not write files or import networkx.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from ..graph.knowledge import KnowledgeGraph
from ..graph.namespaces import ORG, PREFIXES, RUS

NODE_KEYS = ("id", "label", "type", "colour", "types")
EDGE_KEYS = ("id", "source", "target", "label", "relation", "predicate", "basis", "reason",
             "qualification", "inferred")
# names GEXF/GraphML writers or cytoscape.js treat specially; a literal attribute never takes them
RESERVED = set(NODE_KEYS) | {"name", "pid", "start", "end", "viz", "parents", "slices", "spells", "weight",
                             "source", "target", "parent"}

LABEL_PROPS = (SKOS.prefLabel, RDFS.label, DCTERMS.title, FOAF.name)
FOLDED_TYPES = (RUS.LinkQualification, DCTERMS.PeriodOfTime)
QUALIFIED = (RUS.statedContributesTo, RUS.curatedContributesTo, RUS.statedImplementsStandard,
             RUS.curatedImplementsStandard)
TYPE_NAMESPACES = (str(RUS), str(SKOS), str(ORG))

# One colour per type, grouped by level: district (blues), city (oranges/reds), national
# (greens), standards (pinks), vocabularies and organisations (greys/browns).
COLOURS: dict[str, str] = {
    "Measure": "#1f77b4", "DistrictGoal": "#17becf", "DistrictPlan": "#0b3d91",
    "CityGoal": "#ff7f0e", "Strategy": "#d62728", "DistrictStrategy": "#ef6f6c", "PlanSection": "#e0c9a6", "MainGoal": "#8c1c13", "CityPlan": "#9467bd",
    "NationalGoal": "#2ca02c", "FocusArea": "#98df8a", "NationalPlan": "#006d2c",
    "NationalStrategy": "#31a354", "Guideline": "#74c476", "ReformProposal": "#a1d99b",
    "Programme": "#c5b0d5", "Standard": "#e377c2", "StandardElement": "#f7b6d2",
    "Theme": "#bcbd22", "Status": "#7f7f7f", "RiskLevel": "#b0b0b0", "LinkBasis": "#d0d0d0",
    "ConceptScheme": "#aec7e8", "District": "#8c564b", "Unit": "#c49c94", "Municipality": "#5a3a22",
    "Organization": "#9edae5", "Country": "#dbdb8d", "SourceDocument": "#ffbb78", "Resource": "#cccccc",
}

# Labels for the few non-rus properties that become edges (rus: ones come from the ontology).
EXTERNAL_LABELS: dict[URIRef, dict[str, str]] = {
    SKOS.inScheme: {"nb": "i skjema", "en": "in scheme"},
    SKOS.topConceptOf: {"nb": "toppbegrep i", "en": "top concept of"},
    SKOS.broader: {"nb": "overordnet", "en": "broader"},
    SKOS.exactMatch: {"nb": "samme som", "en": "exact match"},
    DCTERMS.subject: {"nb": "tema", "en": "subject"},
    DCTERMS.isPartOf: {"nb": "del av", "en": "is part of"},
    DCTERMS.publisher: {"nb": "utgiver", "en": "publisher"},
    DCTERMS.source: {"nb": "kilde", "en": "source"},
    DCTERMS.spatial: {"nb": "område", "en": "spatial coverage"},
    ORG.unitOf: {"nb": "enhet i", "en": "unit of"},
    ORG.subOrganizationOf: {"nb": "underorganisasjon av", "en": "sub-organization of"},
    URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"): {"nb": "hentet fra", "en": "derived from"},
    URIRef("http://www.w3.org/ns/prov#wasAssociatedWith"): {"nb": "knyttet til", "en": "associated with"},
}


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    type: str
    colour: str
    types: str
    attrs: Mapping[str, str] = field(default_factory=dict)

    def data(self) -> dict[str, str]:
        """All values as one flat dict: id, label, type, colour, types, then attributes."""
        return {"id": self.id, "label": self.label, "type": self.type, "colour": self.colour,
                "types": self.types, **self.attrs}


@dataclass(frozen=True)
class Edge:
    id: str
    source: str
    target: str
    label: str
    relation: str
    predicate: str
    basis: str = ""
    reason: str = ""
    qualification: str = ""
    inferred: str = "false"

    def data(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in EDGE_KEYS}


@dataclass(frozen=True)
class PropertyGraph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    lang: str = "nb"
    # attribute key -> "long", "double" or "boolean" when every value of it is one RDF literal
    # of that kind (xsd:integer family, xsd:decimal/double/float, xsd:boolean); else absent
    value_types: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def attribute_keys(self) -> tuple[str, ...]:
        """Every node attribute key beyond NODE_KEYS, sorted."""
        return tuple(sorted({k for n in self.nodes for k in n.attrs}))

    def node(self, node_id: str) -> Node:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)


# ------------------------------------------------------------------------------ naming


def _term_id(term: URIRef | BNode) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _split_iri(iri: str) -> tuple[str, str]:
    """(namespace, local name) at the last '#' or '/'."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1], iri[cut + 1:]


_PREFIX_OF = {ns: p for p, ns in PREFIXES.items()}


def curie(iri: str) -> str:
    ns, local = _split_iri(iri)
    return f"{_PREFIX_OF[ns]}:{local}" if ns in _PREFIX_OF and local else iri


def short_name(predicate: URIRef) -> str:
    """'measureText' for rus:measureText, 'skos_prefLabel' for skos:prefLabel; an IRI in no
    known namespace gives its sanitised local name."""
    ns, local = _split_iri(str(predicate))
    if ns == str(RUS):
        name = local
    elif ns in _PREFIX_OF:
        name = f"{_PREFIX_OF[ns]}_{local}"
    else:
        name = local or "value"
    name = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return name + "_" if name in RESERVED else name


def _attr_key(predicate: URIRef, value: Literal) -> str:
    key = short_name(predicate)
    if value.language:
        key += "_" + re.sub(r"[^A-Za-z0-9]", "_", value.language)
    return key


def colour_for(type_name: str) -> str:
    """The type's colour, or one derived from its name (stable across runs)."""
    if type_name in COLOURS:
        return COLOURS[type_name]
    hue = int(hashlib.sha1(type_name.encode()).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.55, 0.55)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def edge_id(s: str, p: str, o: str) -> str:
    return "e-" + hashlib.sha1(f"{s} {p} {o}".encode()).hexdigest()[:16]


def pick_lang(values: Iterable[Literal], lang: str) -> str | None:
    """The value in ``lang``, else nb, else en, else untagged, else any (sorted, so stable)."""
    vals = sorted(values, key=str)
    for want in (lang, "nb", "en", None):
        for v in vals:
            if (v.language or None) == want:
                return str(v)
    return str(vals[0]) if vals else None


def pick_lang_all(values: Iterable[Literal], lang: str) -> str:
    """Every value in the first language that has one (as in pick_lang), joined by newlines."""
    vals = sorted(values, key=str)
    for want in (lang, "nb", "en", None):
        chosen = [str(v) for v in vals if (v.language or None) == want]
        if chosen:
            return "\n".join(chosen)
    return "\n".join(str(v) for v in vals)


# ----------------------------------------------------------------------------- builder


class _Builder:
    def __init__(self, kg: KnowledgeGraph, lang: str, with_inferred: bool):
        self.kg, self.lang, self.with_inferred = kg, lang, with_inferred
        self.data = kg.data
        self.onto = kg.ontology
        self.superclasses = self._superclasses()

    def _superclasses(self) -> dict[URIRef, set[URIRef]]:
        direct: dict[URIRef, set[URIRef]] = {}
        for c, sup in self.onto.subject_objects(RDFS.subClassOf):
            if isinstance(c, URIRef) and isinstance(sup, URIRef):
                direct.setdefault(c, set()).add(sup)
        closed: dict[URIRef, set[URIRef]] = {}
        for c in direct:
            seen: set[URIRef] = set()
            todo = list(direct[c])
            while todo:
                x = todo.pop()
                if x not in seen:
                    seen.add(x)
                    todo.extend(direct.get(x, ()))
            closed[c] = seen
        return closed

    def type_of(self, classes: set[URIRef]) -> str:
        """The most specific class in rus:, SKOS or ORG (rus: first), as a local name."""
        ours = {c for c in classes if str(c).startswith(TYPE_NAMESPACES)}
        pool = ours or {c for c in classes if isinstance(c, URIRef)}
        if not pool:
            return "Resource"
        specific = [c for c in pool if not any(c in self.superclasses.get(o, ()) for o in pool if o != c)]
        order = {ns: i for i, ns in enumerate(TYPE_NAMESPACES)}
        best = sorted(specific, key=lambda c: (order.get(_split_iri(str(c))[0], 9), str(c)))[0]
        return _split_iri(str(best))[1] or str(best)

    def label_of(self, s: URIRef | BNode) -> str:
        g = self.data
        for want in (self.lang, "nb", "en", None):
            for prop in LABEL_PROPS:
                for v in sorted(g.objects(s, prop), key=str):
                    if isinstance(v, Literal) and (v.language or None) == want:
                        return str(v)
        for prop in (*LABEL_PROPS, RUS.measureText, SKOS.notation):
            v = pick_lang((o for o in g.objects(s, prop) if isinstance(o, Literal)), self.lang)
            if v:
                return v
        return curie(str(s)) if isinstance(s, URIRef) else f"_:{s}"

    def predicate_label(self, p: URIRef) -> str:
        labels = [o for o in self.onto.objects(p, RDFS.label) if isinstance(o, Literal)]
        if labels:
            return pick_lang(labels, self.lang) or short_name(p)
        ext = EXTERNAL_LABELS.get(p)
        if ext:
            return ext.get(self.lang, ext["en"])
        return _split_iri(str(p))[1] or str(p)

    def build(self) -> PropertyGraph:
        g = self.data
        subjects = {s for s in g.subjects() if isinstance(s, (URIRef, BNode))}
        folded = {s for s in subjects if any((s, RDF.type, t) in g for t in FOLDED_TYPES)}
        node_terms = subjects - folded

        attrs: dict[URIRef | BNode, dict[str, list[str]]] = {s: {} for s in node_terms}
        edges: dict[str, Edge] = {}

        kinds: dict[str, set[str]] = {}

        def add_attr(s: URIRef | BNode, key: str, value: str, literal: Literal | None = None) -> None:
            vals = attrs[s].setdefault(key, [])
            if value not in vals:
                vals.append(value)
            kinds.setdefault(key, set()).add(_value_kind(literal) if len(vals) == 1 else "string")

        quals = self._qualifications()
        for s, p, o in g:
            if s not in node_terms or p == RDF.type:
                continue
            if isinstance(o, Literal):
                add_attr(s, _attr_key(p, o), str(o), o)
            elif o in folded:
                if p == DCTERMS.temporal:  # a period: its dates become attributes of s
                    for pp, oo in g.predicate_objects(o):
                        if isinstance(oo, Literal):
                            add_attr(s, _attr_key(pp, oo), str(oo), oo)
            elif o not in node_terms:
                add_attr(s, short_name(p), _term_id(o))  # an IRI the data does not describe
            elif self._dropped(s, p, o):
                continue
            else:
                e = self._edge(s, p, o, quals.get((s, o), []))
                edges[e.id] = e
        if self.with_inferred:
            for s, p, o in self.kg.inferred:
                if (s in node_terms and o in node_terms and p not in (RDF.type, OWL.sameAs)
                        and (s, p, o) not in g and not self._dropped(s, p, o)):
                    e = self._edge(s, p, o, [], inferred=True)
                    edges.setdefault(e.id, e)

        types_by_node = {s: {t for t in g.objects(s, RDF.type) if isinstance(t, URIRef)} for s in node_terms}
        if self.with_inferred:
            for s in node_terms:
                types_by_node[s] |= {t for t in self.kg.inferred.objects(s, RDF.type) if isinstance(t, URIRef)}
        nodes = []
        for s in node_terms:
            t = self.type_of(types_by_node[s])
            asserted = sorted(curie(str(c)) for c in g.objects(s, RDF.type) if isinstance(c, URIRef))
            nodes.append(Node(
                id=_term_id(s), label=self.label_of(s), type=t, colour=colour_for(t), types=" ".join(asserted),
                attrs={k: "\n".join(sorted(v)) for k, v in sorted(attrs[s].items())},
            ))
        nodes.sort(key=lambda n: n.id)
        ordered = sorted(edges.values(), key=lambda e: (e.source, e.predicate, e.target))
        types = {k: next(iter(v)) for k, v in kinds.items() if len(v) == 1 and "string" not in v}
        return PropertyGraph(nodes=tuple(nodes), edges=tuple(ordered), lang=self.lang, value_types=types)

    def _dropped(self, s: URIRef | BNode, p: URIRef, o: URIRef | BNode) -> bool:
        if p == SKOS.hasTopConcept:
            return True
        return p == SKOS.topConceptOf and (s, SKOS.inScheme, o) in self.data

    def _qualifications(self) -> dict[tuple, list[URIRef]]:
        out: dict[tuple, list[URIRef]] = {}
        g = self.data
        for s, q in g.subject_objects(RUS.qualifiedLink):
            for target in g.objects(q, RUS.linkTarget):
                out.setdefault((s, target), []).append(q)
        return out

    def _edge(self, s, p, o, quals: list, inferred: bool = False) -> Edge:  # type: ignore[no-untyped-def]
        sid, oid = _term_id(s), _term_id(o)
        basis = reason = qual = ""
        if p in QUALIFIED and quals:
            want = "stated" if str(p).startswith(str(RUS.stated)) else "curated"
            g = self.data
            bases = {q: _split_iri(str(g.value(q, RUS.linkBasis) or ""))[1] for q in quals}
            match = [q for q in quals if bases[q] == want] or quals
            q = sorted(match, key=str)[0]
            basis = bases[q]
            reason = pick_lang_all([r for r in g.objects(q, RUS.reason) if isinstance(r, Literal)], self.lang)
            qual = _term_id(q)
        return Edge(id=edge_id(sid, str(p), oid), source=sid, target=oid, label=self.predicate_label(p),
                    relation=short_name(p), predicate=str(p), basis=basis, reason=reason,
                    qualification=qual, inferred="true" if inferred else "false")


_INTEGERS = {XSD[n] for n in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                               "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
                               "unsignedShort", "unsignedByte")}
_DECIMALS = {XSD.decimal, XSD.double, XSD.float}


def _value_kind(literal: Literal | None) -> str:
    """'long', 'double', 'boolean' for a well-formed literal of such a datatype, else 'string'."""
    if literal is None or getattr(literal, "ill_typed", False):
        return "string"
    if literal.datatype in _INTEGERS:
        return "long"
    if literal.datatype in _DECIMALS:
        return "double"
    if literal.datatype == XSD.boolean and str(literal) in ("true", "false"):
        return "boolean"
    return "string"


def property_graph(kg: KnowledgeGraph, *, lang: str = "nb", with_inferred: bool = False) -> PropertyGraph:
    """The data of ``kg`` (the ontology only lends labels and the class hierarchy) as a
    PropertyGraph; see the module docstring for the rules."""
    return _Builder(kg, lang, with_inferred).build()
