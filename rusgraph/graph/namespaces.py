"""Namespaces and the IRI policy in one place.

Owns: the ``rus:`` ontology namespace, the base for instance IRIs, the prefix table that
every serialiser and query uses, and the functions that mint IRIs. It must not import
anything heavier than rdflib's namespace module.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD, Namespace

BASE = "https://w3id.org/rusgraph/"
RUS = Namespace(BASE + "ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
VANN = Namespace("http://purl.org/vocab/vann/")
SH = Namespace("http://www.w3.org/ns/shacl#")

ONTOLOGY_IRI = BASE + "ontology"

PREFIXES: dict[str, str] = {
    "rus": str(RUS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "prov": str(PROV),
    "org": str(ORG),
    "foaf": str(FOAF),
    "sh": str(SH),
    "vann": str(VANN),
}


def bind_prefixes(graph):  # type: ignore[no-untyped-def]
    """Bind rusgraph's prefix table on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def slugify(text: str) -> str:
    """Lower-case ASCII kebab-case for IRIs: 'Bydel Grünerløkka' -> 'bydel-grunerlokka'."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "AE")
    text = text.replace("å", "a").replace("Å", "A")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def unit_iri(code: str) -> str:
    """Oslo kommune (0301) and its districts (0301xx) by SSB code."""
    return f"{BASE}unit/{code}"


def district_unit_iri(district_code: str, name: str) -> str:
    """A responsible unit inside a district, named by the slug of its normalised name."""
    return f"{BASE}unit/{district_code}/{slugify(name)}"


def org_iri(code: str) -> str:
    return f"{BASE}org/{code}"


def district_plan_iri(district_code: str, slug: str) -> str:
    return f"{BASE}plan/{district_code}/{slug}"


def city_plan_iri(slug: str) -> str:
    return f"{BASE}plan/0301/{slug}"


def national_plan_iri(slug: str) -> str:
    return f"{BASE}plan/no/{slug}"


def standard_iri(slug: str) -> str:
    return f"{BASE}standard/0301/{slug}"


def vocab_iri(scheme: str, slug: str | None = None) -> str:
    return f"{BASE}vocab/{scheme}" + (f"/{slug}" if slug else "")


def source_iri(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0]
    return f"{BASE}source/{stem}"
