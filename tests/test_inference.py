"""Inference: profiles, the delta graph, the trivia filter, and no mutation of the input."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

import rusgraph
from rusgraph.errors import RusgraphError
from rusgraph.graph.namespaces import RUS

ONTO = """@prefix rus: <https://w3id.org/rusgraph/ontology#> .
@prefix ex: <https://example.org/> .
"""
DATA = """@prefix rus: <https://w3id.org/rusgraph/ontology#> .
@prefix ex: <https://example.org/> .
ex:m rus:statedContributesTo ex:g .
ex:g rus:curatedContributesTo ex:s .
ex:s rus:statedContributesTo ex:top .
ex:m rus:inPlan ex:plan .
"""


@pytest.fixture(scope="module")
def small():
    from rusgraph.graph.resources import bundled_dir

    return rusgraph.load([Graph().parse(data=DATA, format="turtle")], ontology=[bundled_dir("ontology")], shapes=[])


def test_owlrl_transitive_and_chain(small):
    kg = rusgraph.infer(small, "owlrl")
    ex = "https://example.org/"
    m, g, s, top, plan = (URIRef(ex + x) for x in ("m", "g", "s", "top", "plan"))
    assert (m, RUS.tracesTo, top) in kg.inferred
    assert (m, RUS.tracesTo, s) in kg.inferred
    # the stated chain breaks at the curated link
    assert (m, RUS.statedTracesTo, g) in kg.inferred
    assert (m, RUS.statedTracesTo, s) not in kg.inferred
    assert (s, RUS.statedTracesTo, top) in kg.inferred
    # property chain hasMeasure o tracesTo
    assert (plan, RUS.hasMeasure, m) in kg.inferred
    assert (plan, RUS.planCovers, top) in kg.inferred


def test_rdfs_profile_has_subproperties_but_no_transitivity(small):
    kg = rusgraph.infer(small, "rdfs")
    ex = "https://example.org/"
    assert (URIRef(ex + "m"), RUS.contributesTo, URIRef(ex + "g")) in kg.inferred
    assert (URIRef(ex + "m"), RUS.tracesTo, URIRef(ex + "top")) not in kg.inferred


def test_input_not_mutated_and_delta_only(small):
    before = len(small.data), len(small.ontology), len(small.inferred)
    kg = rusgraph.infer(small, "owlrl")
    assert (len(small.data), len(small.ontology), len(small.inferred)) == before
    assert not (set(kg.inferred) & set(kg.data))
    assert not (set(kg.inferred) & set(kg.ontology))


def test_trivial_triples_filtered(small):
    kg = rusgraph.infer(small, "owlrl")
    assert not list(kg.inferred.triples((None, RDF.type, RDFS.Resource)))
    assert not list(kg.inferred.triples((None, RDF.type, OWL.Thing)))
    assert not [s for s in kg.inferred.subjects() if str(s).startswith(str(OWL))]
    full = rusgraph.infer(small, "owlrl", keep_trivial=True)
    assert len(full.inferred) > len(kg.inferred)


def test_none_profile_and_unknown_profile(small):
    assert len(rusgraph.infer(small, "none").inferred) == 0
    with pytest.raises(RusgraphError, match="profile"):
        rusgraph.infer(small, "magic")  # type: ignore[arg-type]
