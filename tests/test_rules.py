"""rusgraph.inference.rules (the ontology's fragment of OWL 2 RL, compiled) against owlrl.

Each case is a small ontology + data in Turtle; the non-trivial triples rules derives must
be exactly owlrl's (OWL 2 RL semantics, as rusgraph.inference.reasoner runs it). Cases beyond the
fragment must raise rules.Outside, and rusgraph.infer must then still give owlrl's answer
(through reasonable or owlrl).
"""

from __future__ import annotations

import pytest
from rdflib import Graph

from rusgraph.inference import rules
from rusgraph.inference.compiled import trivial as _trivial

PREFIXES = """
@prefix : <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

INSIDE = {
    "subclass chain": ":A rdfs:subClassOf :B . :B rdfs:subClassOf :C . :x a :A .",
    "subclass cycle": ":A rdfs:subClassOf :B . :B rdfs:subClassOf :A . :x a :A .",
    "domain and range through superproperty":
        ":p rdfs:subPropertyOf :q . :q rdfs:domain :D ; rdfs:range :R . :R rdfs:subClassOf :S . :x :p :y .",
    "transitive with a cycle": ":p a owl:TransitiveProperty . :a :p :b . :b :p :c . :c :p :a . :d :p :a .",
    "transitive sub and super": """:st a owl:TransitiveProperty ; rdfs:subPropertyOf :t . :t a owl:TransitiveProperty .
        :s1 rdfs:subPropertyOf :st . :c1 rdfs:subPropertyOf :t .
        :m :s1 :g . :g :s1 :s . :m :c1 :h . :h :s1 :s .""",
    "symmetric": ":p a owl:SymmetricProperty . :a :p :b . :b :p :c .",
    "inverse both ways": ":has owl:inverseOf :in . :m1 :in :plan . :plan :has :m2 .",
    "property chain on inferred facts": """:covers owl:propertyChainAxiom ( :has :t ) .
        :has owl:inverseOf :in . :t a owl:TransitiveProperty .
        :m :in :plan . :m :t :g . :g :t :s .""",
    "three-step chain": ":r owl:propertyChainAxiom ( :p :q :p ) . :a :p :b . :b :q :c . :c :p :d . :c :p :e .",
    "equivalent class and property": """:A owl:equivalentClass :B . :p owl:equivalentProperty :q .
        :q rdfs:domain :A . :x :q :y . :z a :B .""",
    "blank node in a chain": ":t a owl:TransitiveProperty . :a :t _:b . _:b :t :c . :c :t :d .",
    "functional property with one value": ":f a owl:FunctionalProperty ; rdfs:range :P . :a :f :b . :c :f :b .",
    "datatype ranges": ':n rdfs:range xsd:integer ; rdfs:domain :D . :a :n 3 . :b :n :c .',
    "literal objects": ':p rdfs:range :R ; rdfs:domain :D . :a :p "x" . :b :p "1"^^<http://www.w3.org/2001/XMLSchema#integer> .',
}

OUTSIDE = {
    "owl:sameAs in the data": ":a owl:sameAs :b . :a :p :c .",
    "functional property with two values": ":f a owl:FunctionalProperty . :a :f :b . :a :f :c . :b :p :d .",
    "inverse-functional property with two subjects": ":f a owl:InverseFunctionalProperty . :a :f :c . :b :f :c .",
    "a restriction": ":A owl:equivalentClass [ a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :B ] . :x :p :y . :y a :B .",
    "a key": ":A owl:hasKey ( :k ) . :x a :A ; :k 1 . :y a :A ; :k 1 .",
    "disjoint classes": ":A owl:disjointWith :B . :x a :A , :B .",
    "an axiom about rdf:type": "rdf:type rdfs:subPropertyOf :p . :x a :A .",
    # (found in review) schemas about the vocabulary itself
    "a subclass of owl:TransitiveProperty":
        ":MyTrans rdfs:subClassOf owl:TransitiveProperty . :p a :MyTrans . :a :p :b . :b :p :c .",
    "a range of owl:SymmetricProperty": ":r rdfs:range owl:SymmetricProperty . :x :r :p . :a :p :b .",
    "owl:Thing under a class": "owl:Thing rdfs:subClassOf :A . :C a owl:Class . :x a :C .",
    "a class equivalent to owl:Thing": ":A owl:equivalentClass owl:Thing . :C a owl:Class . :x a :C .",
    "a subclass of owl:Nothing": ":A rdfs:subClassOf owl:Nothing . :B a owl:Class . :x a :A .",
    "a subproperty of owl:hasValue":
        ":op rdfs:subPropertyOf owl:onProperty . :hv rdfs:subPropertyOf owl:hasValue . :R :op :p ; :hv :v . :x a :R .",
    "a datatype as a subclass": "xsd:decimal rdfs:subClassOf :Num . :x a xsd:integer .",
}


def _graph(body: str) -> Graph:
    return Graph().parse(data=PREFIXES + body, format="turtle")


def _owlrl_delta(g: Graph) -> set:
    import owlrl
    import rdflib.term

    conversions = dict(rdflib.term._toPythonMapping)
    closure = Graph()
    closure += g
    try:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    finally:
        rdflib.term._toPythonMapping.clear()
        rdflib.term._toPythonMapping.update(conversions)
    return {t for t in closure if t not in g and not _trivial(*t)}


def _rules_delta(g: Graph) -> set:
    return {t for t in rules.closure(list(g)) if t not in g and not _trivial(*t)}


@pytest.mark.parametrize("case", sorted(INSIDE))
def test_rules_derive_what_owlrl_derives(case):
    g = _graph(INSIDE[case])
    expected = _owlrl_delta(g)
    assert expected, "each case derives something"
    assert _rules_delta(g) == expected


@pytest.mark.parametrize("case", sorted(OUTSIDE))
def test_beyond_the_fragment_rules_step_aside(case):
    with pytest.raises(rules.Outside):
        rules.closure(list(_graph(OUTSIDE[case])))


def test_infer_falls_back_beyond_the_fragment(tmp_path):
    """A measure in two plans: rus:inPlan is functional, so owlrl makes the plans owl:sameAs
    and copies their triples; rusgraph.infer on the fast path must say the same."""
    import rusgraph

    data = tmp_path / "twoplans.ttl"
    data.write_text("""
@prefix rus: <https://w3id.org/rusgraph/ontology#> .
@prefix : <http://example.org/> .
:p1 a rus:DistrictPlan . :p2 a rus:DistrictPlan ; rus:district :d .
:m a rus:Measure ; rus:inPlan :p1 , :p2 ; rus:statedContributesTo :g .
:g a rus:CityGoal ; rus:statedContributesTo :s . :s a rus:Strategy .
""", encoding="utf-8")
    results = {}
    for backend, infer_engine in (("auto", "fast"), ("rdflib", "reference")):
        kg = rusgraph.load([data])
        results[backend] = set(rusgraph.infer(kg, "owlrl", engine=infer_engine).inferred)
    with pytest.raises(rules.Outside):
        rules.closure(list(rusgraph.load([data]).union))
    from rdflib import URIRef
    from rdflib.namespace import OWL

    ex = "http://example.org/"
    assert (URIRef(ex + "p1"), OWL.sameAs, URIRef(ex + "p2")) in results["rdflib"]
    assert results["auto"] == results["rdflib"]


def test_infer_when_types_make_a_property_transitive(tmp_path):
    """The premises must then include every data triple (here :p's, which no ontology axiom
    names), and owlrl decides; the fast path must say what the plain one says."""
    import rusgraph
    from rdflib import URIRef

    data = tmp_path / "meta.ttl"
    data.write_text(PREFIXES + ":MyTrans rdfs:subClassOf owl:TransitiveProperty . :p a :MyTrans . "
                    ":a :p :b . :b :p :c .", encoding="utf-8")
    results = {}
    for backend, infer_engine in (("auto", "fast"), ("rdflib", "reference")):
        results[backend] = set(rusgraph.infer(rusgraph.load([data]), "owlrl", engine=infer_engine).inferred)
    ex = "http://example.org/"
    assert (URIRef(ex + "a"), URIRef(ex + "p"), URIRef(ex + "c")) in results["rdflib"]
    assert results["auto"] == results["rdflib"]


def test_rules_without_reasonable(monkeypatch):
    """Without reasonable (an optional extra), inference still runs the compiled rules on the
    store and gives owlrl's triples on the bundled data."""
    import rusgraph
    from rusgraph.graph import engine

    monkeypatch.setitem(engine._found, "reasonable", False)
    assert engine.describe()["infer"] == "rules (else owlrl)"
    kg = rusgraph.load()
    got = set(rusgraph.infer(kg, "owlrl").inferred)
    expected = set(rusgraph.infer(kg, "owlrl", engine="reference").inferred)
    assert len(got) > 5000
    assert got == expected
