"""The JSON-LD context shipped with rusgraph, and compact JSON-LD output that uses it.

Owns: ``rusgraph/context.jsonld`` (prefixes from :data:`rusgraph.graph.namespaces.PREFIXES`, a
short term for every class and property of the ontology, and terms for the SKOS, DCTERMS,
ORG, PROV, FOAF and DCAT properties the data uses), the function that builds it from the
ontology, serialising a graph as compact JSON-LD with that context inlined, so a reader
never fetches a remote context, and the rule for contexts in documents rusgraph reads
(:func:`local_contexts`): inline, or the shipped one named by :data:`CONTEXT_IRI`, never
fetched from the network or read from a file. It must not read data files or write output
files.

Regenerate the shipped file after changing the ontology with ``python -m rusgraph.graph.jsonld``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from .namespaces import PREFIXES, RUS

CONTEXT_FILE = "context.jsonld"
#: The name by which a document can use the shipped context (it is never fetched).
CONTEXT_IRI = "https://w3id.org/rusgraph/context.jsonld"

# Properties outside rus: that the data uses. Values: "@id" (object property, IRIs are
# written as plain strings), "@language" (a map from language tag to text) or None (plain).
EXTERNAL_TERMS: dict[str, str | None] = {
    "skos:prefLabel": "@language",
    "skos:altLabel": "@language",
    "skos:definition": None,
    "skos:editorialNote": None,
    "skos:notation": None,
    "skos:inScheme": "@id",
    "skos:topConceptOf": "@id",
    "skos:hasTopConcept": "@id",
    "skos:broader": "@id",
    "skos:exactMatch": "@id",
    "dcterms:title": None,
    "dcterms:description": None,
    "dcterms:identifier": None,
    "dcterms:issued": None,
    "dcterms:subject": "@id",
    "dcterms:isPartOf": "@id",
    "dcterms:publisher": "@id",
    "dcterms:source": "@id",
    "dcterms:spatial": "@id",
    "dcterms:temporal": "@id",
    "dcat:startDate": None,
    "dcat:endDate": None,
    "foaf:name": None,
    "org:unitOf": "@id",
    "org:subOrganizationOf": "@id",
    "prov:wasDerivedFrom": "@id",
    "prov:wasAssociatedWith": "@id",
}
EXTERNAL_CLASSES = ("skos:Concept", "skos:ConceptScheme", "org:Organization", "org:OrganizationalUnit",
                    "dcterms:PeriodOfTime", "owl:Ontology", "owl:Class", "owl:ObjectProperty",
                    "owl:DatatypeProperty")


def _local(curie: str) -> str:
    return curie.split(":", 1)[1]


def build_context(ontology: Graph) -> dict[str, Any]:
    """The context document: prefixes, then one term per rus: class and property (object
    properties coerce to IRIs), then the external terms. Term names are local names; a
    name already taken (two namespaces, one local name) keeps its CURIE form only."""
    ctx: dict[str, Any] = {"@version": 1.1}
    ctx.update(PREFIXES)
    terms: dict[str, Any] = {}

    def add(name: str, value: Any) -> None:
        if name in terms or name in PREFIXES:
            return
        terms[name] = value

    rus = str(RUS)
    for cls in sorted(ontology.subjects(RDF.type, OWL.Class)):
        if isinstance(cls, URIRef) and str(cls).startswith(rus):
            add(str(cls)[len(rus):], f"rus:{str(cls)[len(rus):]}")
    for prop in sorted(set(ontology.subjects(RDF.type, OWL.ObjectProperty))):
        if isinstance(prop, URIRef) and str(prop).startswith(rus):
            add(str(prop)[len(rus):], {"@id": f"rus:{str(prop)[len(rus):]}", "@type": "@id"})
    for prop in sorted(set(ontology.subjects(RDF.type, OWL.DatatypeProperty))):
        if isinstance(prop, URIRef) and str(prop).startswith(rus):
            add(str(prop)[len(rus):], f"rus:{str(prop)[len(rus):]}")
    for curie in EXTERNAL_CLASSES:
        add(_local(curie), curie)
    for curie, kind in EXTERNAL_TERMS.items():
        if kind == "@id":
            add(_local(curie), {"@id": curie, "@type": "@id"})
        elif kind == "@language":
            add(_local(curie), {"@id": curie, "@container": "@language"})
        else:
            add(_local(curie), curie)
    ctx.update(dict(sorted(terms.items())))
    return {"@context": ctx}


@lru_cache(maxsize=1)
def shipped_context() -> dict[str, Any]:
    """The context document shipped in the package (``rusgraph/context.jsonld``)."""
    text = (files("rusgraph") / CONTEXT_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def local_contexts(doc: Any, where: str) -> Any:
    """``doc`` (parsed JSON-LD) with every context reference resolved here: the shipped
    context's IRI becomes the shipped context itself; any other reference (a remote IRI, a
    ``file:`` path, a relative path, an ``@import``) is a SourceError naming the document
    and the context, so a data file cannot make rusgraph fetch a URL or copy a local file."""
    from ..errors import SourceError

    def resolve(ctx: Any) -> Any:
        if isinstance(ctx, list):
            return [resolve(c) for c in ctx]
        if isinstance(ctx, str):
            if ctx == CONTEXT_IRI:
                return shipped_context()["@context"]
            raise SourceError(f"the JSON-LD context {ctx!r} is not read: rusgraph fetches no context from the "
                              "network and reads none from a file", where=where,
                              hint=f"put the context in the document, or use rusgraph's own ({CONTEXT_IRI})")
        if isinstance(ctx, dict):
            if "@import" in ctx:
                raise SourceError(f"the JSON-LD context imports {ctx['@import']!r}, which is not read: rusgraph "
                                  "fetches no context from the network and reads none from a file", where=where,
                                  hint="put the imported context in the document")
            return {k: walk(v) if isinstance(v, dict) else v for k, v in ctx.items()}  # scoped contexts
        return ctx

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(n) for n in node]
        if isinstance(node, dict):
            return {k: resolve(v) if k == "@context" else walk(v) for k, v in node.items()}
        return node

    return walk(doc)


def context_text(ontology: Graph) -> str:
    """``build_context`` as the text of the shipped file (stable, sorted, indented)."""
    return json.dumps(build_context(ontology), ensure_ascii=False, indent=2) + "\n"


def to_jsonld(graph: Graph) -> str:
    """``graph`` as compact JSON-LD with the shipped context inlined (no remote context)."""
    out = graph.serialize(format="json-ld", context=shipped_context()["@context"], auto_compact=True)
    doc = json.loads(out if isinstance(out, str) else out.decode("utf-8"))
    if isinstance(doc.get("@graph"), list):
        # rdflib's node order follows hashing; sort so the same graph gives the same text
        doc["@graph"].sort(key=lambda node: str(node.get("@id", "")))
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> None:  # pragma: no cover - a maintainer's command
    """Rewrite rusgraph/context.jsonld from the bundled ontology."""
    from pathlib import Path

    from ..outputs.atomic import write_text_atomic
    from .resources import bundled_dir, rdf_files

    ontology = Graph()
    for path in rdf_files(bundled_dir("ontology")):  # the bundled ontology is Turtle we ship
        ontology.parse(path)
    target = Path(__file__).resolve().parents[1] / CONTEXT_FILE
    write_text_atomic(target, context_text(ontology))
    print(f"wrote {target}")


if __name__ == "__main__":  # pragma: no cover
    main()
