"""Shapes a user brings (``validate --shapes mine.ttl``, issue 18 item 12): every SHACL Core
constraint component and SPARQL-based constraints on node and property shapes give the
answer pySHACL gives, on both engines (the compiled one where it compiles the shapes, pySHACL
where it does not), each on a small inline graph where the constraint fires."""

from __future__ import annotations

import pytest

from rusgraph.errors import ShapesError
from rusgraph.graph.sources import load
from rusgraph.validation.validator import validate

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
"""

DATA = """
ex:a a ex:C ; ex:p 1, 2 ; ex:q 5 ; ex:name "Ola"@nb, "Kari"@nb, "x"@en ; ex:link ex:b, ex:c ; ex:lo 3 ; ex:hi 2 .
ex:b a ex:D ; ex:p 7 ; ex:q 7 .
ex:c ex:p "tekst" ; ex:q "tekst" .
ex:e a ex:C ; ex:p 10 ; ex:q 10 ; ex:name "Per"@nb ; ex:lo 1 ; ex:hi 4 ; ex:link ex:b .
ex:E rdfs:subClassOf ex:C .
ex:f a ex:E ; ex:p 0 .
"""


def _prop(body: str) -> str:
    return f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P .\n" \
           f"ex:P a sh:PropertyShape ; sh:message \"m\"@en ; {body} .\n"


def _node(body: str) -> str:
    return f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:message \"m\"@en ; {body} .\n"


# (id, shapes): every SHACL Core constraint component (SHACL 4.1-4.8), then SPARQL-based ones.
CASES = [
    ("class", _prop("sh:path ex:link ; sh:class ex:D")),
    ("class-on-node", "ex:S a sh:NodeShape ; sh:targetObjectsOf ex:link ; sh:class ex:D ; sh:message \"m\" ."),
    ("datatype", _prop("sh:path ex:p ; sh:datatype xsd:string")),
    ("nodeKind", _prop("sh:path ex:link ; sh:nodeKind sh:Literal")),
    ("minCount", _prop("sh:path ex:missing ; sh:minCount 1")),
    ("maxCount", _prop("sh:path ex:p ; sh:maxCount 1")),
    ("minExclusive", _prop("sh:path ex:p ; sh:minExclusive 1")),
    ("minInclusive", _prop("sh:path ex:p ; sh:minInclusive 2")),
    ("maxExclusive", _prop("sh:path ex:p ; sh:maxExclusive 2")),
    ("maxInclusive", _prop("sh:path ex:p ; sh:maxInclusive 1")),
    ("minLength", _prop("sh:path ex:name ; sh:minLength 4")),
    ("maxLength", _prop("sh:path ex:name ; sh:maxLength 3")),
    ("pattern", _prop("sh:path ex:name ; sh:pattern \"^K\"")),
    ("pattern-flags", _prop("sh:path ex:name ; sh:pattern \"^k\" ; sh:flags \"i\"")),
    ("languageIn", _prop("sh:path ex:name ; sh:languageIn (\"nb\")")),
    ("uniqueLang", _prop("sh:path ex:name ; sh:uniqueLang true")),
    ("equals", _prop("sh:path ex:p ; sh:equals ex:q")),
    ("disjoint", _prop("sh:path ex:p ; sh:disjoint ex:q")),
    ("lessThan", _prop("sh:path ex:lo ; sh:lessThan ex:hi")),
    ("lessThanOrEquals", _prop("sh:path ex:lo ; sh:lessThanOrEquals ex:hi")),
    ("not", _node("sh:not [ sh:path ex:q ; sh:minCount 1 ]")),
    ("and", _node("sh:and ( [ sh:path ex:p ; sh:minCount 1 ] [ sh:path ex:name ; sh:minCount 1 ] )")),
    ("or", _prop("sh:path ex:link ; sh:or ( [ sh:class ex:D ] [ sh:datatype xsd:string ] )")),
    ("xone", _node("sh:xone ( [ sh:path ex:q ; sh:hasValue 5 ] [ sh:path ex:lo ; sh:minCount 1 ] )")),
    ("node", _prop("sh:path ex:link ; sh:node ex:N") + "ex:N a sh:NodeShape ; sh:property [ sh:path ex:q ; "
                                                        "sh:datatype xsd:integer ; sh:message \"n\" ] ."),
    ("property", _node("sh:property [ sh:path ex:p ; sh:maxCount 1 ]")),
    ("qualifiedMinCount", _prop("sh:path ex:link ; sh:qualifiedValueShape [ sh:class ex:D ] ; "
                                "sh:qualifiedMinCount 2")),
    ("qualifiedMaxCount", _prop("sh:path ex:link ; sh:qualifiedValueShape [ sh:class ex:D ] ; "
                                "sh:qualifiedMaxCount 0")),
    ("closed", _node("sh:closed true ; sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) ; "
                     "sh:property [ sh:path ex:p ] , [ sh:path ex:q ]")),
    ("hasValue", _prop("sh:path ex:q ; sh:hasValue 5")),
    ("in", _prop("sh:path ex:p ; sh:in ( 1 10 )")),
    ("path-inverse", _prop("sh:path [ sh:inversePath ex:link ] ; sh:maxCount 0")
     .replace("sh:targetClass ex:C", "sh:targetClass ex:D")),
    ("path-sequence", _prop("sh:path ( ex:link ex:q ) ; sh:datatype xsd:string")),
    ("path-alternative", _prop("sh:path [ sh:alternativePath ( ex:p ex:q ) ] ; sh:maxCount 2")),
    ("path-zeroOrMore", _prop("sh:path [ sh:zeroOrMorePath ex:link ] ; sh:class ex:C")),
    ("path-oneOrMore", _prop("sh:path [ sh:oneOrMorePath ex:link ] ; sh:class ex:C")),
    ("path-zeroOrOne", _prop("sh:path [ sh:zeroOrOnePath ex:link ] ; sh:class ex:D")),
    ("severity-warning", _prop("sh:path ex:p ; sh:maxCount 1 ; sh:severity sh:Warning")),
    ("untyped-shape", "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:maxCount 1 ; sh:message \"m\" ] ."),
    ("deactivated", _prop("sh:path ex:p ; sh:maxCount 1 ; sh:deactivated true")),
    ("sparql-node", _node("sh:sparql [ sh:select \"\"\"SELECT $this ?value WHERE { $this ex:p ?value . "
                          "FILTER(?value > 1) }\"\"\" ; sh:prefixes ex:decl ]")
     + "ex:decl sh:declare [ sh:prefix \"ex\" ; sh:namespace \"http://example.org/\"^^xsd:anyURI ] ."),
    ("sparql-node-not-exists", _node("sh:sparql [ sh:select \"\"\"SELECT $this WHERE { "
                                     "FILTER NOT EXISTS { $this <http://example.org/lo> ?x } }\"\"\" ]")),
    ("sparql-property-PATH", _prop("sh:path ex:p ; sh:sparql [ sh:select \"\"\"SELECT $this ?value WHERE { "
                                   "$this $PATH ?value . FILTER(isLiteral(?value) && ?value > 1) }\"\"\" ]")),
    ("sparql-property-sequence-PATH", _prop("sh:path ( ex:link ex:p ) ; sh:sparql [ sh:select \"\"\"SELECT $this "
                                            "?value WHERE { $this $PATH ?value . FILTER(?value = 7) }\"\"\" ]")),
    ("sparql-currentShape", _node("sh:sparql [ sh:select \"\"\"SELECT $this WHERE { $this ?p ?o . "
                                  "FILTER(isIRI($currentShape)) FILTER(?o = 5) }\"\"\" ]")),
]

# Cases where the SHACL answer is "no result" on purpose.
EMPTY = {"deactivated"}


def _kg(tmp_path, shapes: str):  # type: ignore[no-untyped-def]
    s = tmp_path / "shapes.ttl"
    s.write_text(PREFIXES + shapes, encoding="utf-8")
    d = tmp_path / "data.ttl"
    d.write_text(PREFIXES + DATA, encoding="utf-8")
    return load([d], ontology=[], shapes=[s])


def _answer(report) -> list[tuple]:  # type: ignore[no-untyped-def]
    return sorted((r.severity, r.focus, r.shape if not r.shape.startswith("(") else "", r.component,
                   r.path or "", r.value or "") for r in report.results)


@pytest.mark.parametrize("case, shapes", CASES, ids=[c[0] for c in CASES])
def test_same_answer_as_pyshacl(tmp_path, case, shapes):
    kg = _kg(tmp_path, shapes)
    reference = validate(kg, engine="reference")
    fast = validate(kg, engine="fast")
    assert _answer(fast) == _answer(reference)
    if case in EMPTY:
        assert reference.results == ()
    else:
        assert reference.results, "the case must make its constraint fire"


def test_path_is_substituted(tmp_path):
    """$PATH is ex:p, not a variable matching every predicate: one result (the value 2),
    not three (2, and ex:q's 5 and 10)."""
    kg = _kg(tmp_path, dict(CASES)["sparql-property-PATH"])
    for engine in ("fast", "reference"):
        values = sorted(r.value for r in validate(kg, engine=engine).results)
        assert values == ["10", "2"], engine


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_shapes_graph_is_a_clear_error(tmp_path, engine):
    kg = _kg(tmp_path, _node("sh:sparql [ sh:select \"\"\"SELECT $this WHERE { GRAPH $shapesGraph "
                             "{ ?s ?p ?o } }\"\"\" ]"))
    with pytest.raises(ShapesError, match="shapesGraph"):
        validate(kg, engine=engine)


def test_a_file_without_shapes_is_refused(tmp_path):
    kg = _kg(tmp_path, "ex:x ex:y ex:z .")
    with pytest.raises(ShapesError, match="no shapes"):
        validate(kg)


def test_cli_untyped_shapes(runner, tmp_path):
    from rusgraph.cli import main

    _kg(tmp_path, dict(CASES)["untyped-shape"])
    r = runner.invoke(main, ["validate", str(tmp_path / "data.ttl"), "--no-ontology", "--shapes",
                             str(tmp_path / "shapes.ttl"), "--format", "csv"])
    assert r.exit_code == 1, r.output
    assert "MaxCountConstraintComponent" in r.stdout
