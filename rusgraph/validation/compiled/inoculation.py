"""pySHACL's "inoculation": the parts of the ontology it mixes into the data graph it validates.

Owns: the triples pySHACL 0.40 (``rdfutil.inoculate``) adds to its copy of the data graph when
given ``ont_graph`` (the RDFS and OWL terms listed below, blank-node structures cloned), made
the same way without importing pySHACL (slow to import), and the ontology predicates it leaves
out, which compiled shapes must not be able to see. A test holds :func:`inoculation` to
pySHACL's own. It must not touch a store or run queries.
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

# The ontology terms rdfutil.inoculate copies (pySHACL 0.40).
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


def hidden_predicates(ontology: Graph) -> set:
    """Predicates of the ontology triples that pySHACL does not mix into its data graph but a
    store holding the ontology beside the data has (labels of the ontology document,
    skos:definition ...): shapes that match one cannot be compiled without changing answers."""
    inoc = inoculation(ontology)
    return {p for s, p, o in ontology if (s, p, o) not in inoc or isinstance(s, BNode) or isinstance(o, BNode)}


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
