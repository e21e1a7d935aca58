"""Where each resource lives on the atlas, and its description as Turtle and JSON-LD.

Owns: the stable page path of an IRI (``https://w3id.org/rusgraph/X`` -> ``X.nb.html``,
``X.en.html``, ``X.ttl``, ``X.jsonld``, so a w3id.org redirect can send each IRI to its page
by a rule), and each resource's description (its own triples, with the link
qualifications and blank nodes it owns) written by a small streaming writer, fast enough for
tens of thousands of pages. It must not write files or HTML.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from .model import RDF, Atlas
from ..graph.namespaces import BASE, ONTOLOGY_IRI, PREFIXES

LANGS = ("nb", "en")
_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
REFERENCE = {"ontology": "ontology", "shapes": "shapes", "reports": "reports"}


def page_path(iri: Any) -> str | None:
    """The site path (no suffix) of a resource under the base IRI, or None. A segment that
    is not a plain file name is percent-encoded, so the path never leaves the site."""
    s = str(iri)
    if not isinstance(iri, URIRef) or not s.startswith(BASE) or "#" in s:
        return None
    rest = s[len(BASE):].strip("/")
    if not rest:
        return None
    parts = []
    for seg in rest.split("/"):
        if not _SAFE_SEGMENT.fullmatch(seg):
            seg = "".join(c if c.isalnum() and c.isascii() or c in "-_" else f"%{ord(c):02X}" for c in seg) or "_"
            seg = seg.replace("%", "_")
        parts.append(seg)
    return "/".join(parts)


def term_anchor(iri: Any) -> tuple[str, str] | None:
    """(page, fragment) for an ontology term (``rus:Measure`` -> ontology page, #Measure)."""
    s = str(iri)
    if s.startswith(ONTOLOGY_IRI + "#"):
        return "ontology", s.split("#", 1)[1]
    return None


def description(atlas: Atlas, s: URIRef) -> list[tuple[Any, Any, Any]]:
    """The triples of ``s`` and of the nodes it owns: blank nodes and the link
    qualifications it points to (IRIs below its own, without a page of their own)."""
    got: list[tuple[Any, Any, Any]] = []
    seen = {s}
    todo = [s]
    prefix = str(s) + "/"
    while todo:
        node = todo.pop(0)
        for p, objs in atlas.out.get(node, {}).items():
            for o in objs:
                got.append((node, p, o))
                owned = isinstance(o, BNode) or (isinstance(o, URIRef) and str(o).startswith(prefix)
                                                 and atlas.kind(o) is None)
                if owned and o not in seen:
                    seen.add(o)
                    todo.append(o)
    return got


# ------------------------------------------------------------------------------- Turtle

_NS = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def _curie(iri: str) -> str | None:
    for prefix, ns in _NS:
        if iri.startswith(ns):
            local = iri[len(ns):]
            if _LOCAL.fullmatch(local):
                return f"{prefix}:{local}"
            return None
    return None


def _n3(term: Any) -> str:
    if isinstance(term, URIRef):
        return _curie(str(term)) or f"<{_iri_escape(str(term))}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{text}^^{_n3(term.datatype)}"
        return text
    return str(term)


_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}


_IRI_BAD = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def _iri_escape(s: str) -> str:
    if not _IRI_BAD.search(s):
        return s
    return "".join(c if c not in '<>"{}|^`\\ ' and ord(c) > 0x20 else f"%{ord(c):02X}" for c in s)


def turtle(triples: list[tuple[Any, Any, Any]]) -> str:
    by_subject: dict[Any, list[tuple[Any, Any]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, []).append((p, o))
    lines = [f"@prefix {k}: <{v}> ." for k, v in PREFIXES.items()] + [""]
    for s, pos in by_subject.items():
        pos.sort(key=lambda po: (po[0] != RDF.type, str(po[0]), str(po[1])))
        body = " ;\n    ".join(f"{'a' if p == RDF.type else _n3(p)} {_n3(o)}" for p, o in pos)
        lines.append(f"{_n3(s)}\n    {body} .\n")
    return "\n".join(lines)


# ------------------------------------------------------------------------------ JSON-LD


def _json_value(term: Any) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"@id": str(term)}
    if isinstance(term, BNode):
        return {"@id": f"_:{term}"}
    out = {"@value": str(term)}
    if term.language:
        out["@language"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["@type"] = str(term.datatype)
    return out


def jsonld(triples: list[tuple[Any, Any, Any]]) -> str:
    """Expanded-term JSON-LD (full IRIs as keys, so it reads the same with or without a
    context), one node object per subject in ``@graph``."""
    nodes: dict[Any, dict[str, Any]] = {}
    for s, p, o in triples:
        node = nodes.setdefault(s, {"@id": str(s) if isinstance(s, URIRef) else f"_:{s}"})
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(str(o))
        else:
            node.setdefault(str(p), []).append(_json_value(o))
    # one node object a line: readable, and compact enough for json's C encoder
    return "{\"@graph\": [\n" + ",\n".join(json.dumps(n, ensure_ascii=False) for n in nodes.values()) + "\n]}\n"


def alternates(atlas: Atlas, s: URIRef) -> Iterator[tuple[str, str]]:
    """(suffix, text) of each machine-readable alternate of ``s``'s page."""
    triples = description(atlas, s)
    yield ".ttl", turtle(triples)
    yield ".jsonld", jsonld(triples)
