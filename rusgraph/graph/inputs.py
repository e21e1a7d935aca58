"""What an RDF document must be before a parser reads it, and what its IRIs must be after.

Owns: the checks that keep a data file from making rusgraph fetch, read or expand anything
on its say-so, or from carrying what no other tool can read: RDF/XML entities bounded (a
"billion laughs" file is refused before any parser expands it) and external entities
refused; JSON-LD read as JSON first, its contexts resolved by :func:`rusgraph.graph.jsonld.local_contexts`
and its node ids required to be IRIs; every IRI an rdflib parser let through checked
against the characters an IRI cannot hold; and where (line, column) a byte offset or a
text stands in a file. It must not parse RDF, fetch anything or touch a store.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from ..errors import SourceError

#: One entity may expand to at most this many characters, and all entity references of a
#: document together to at most TOTAL_EXPANSION: far above any real RDF/XML (Protégé's
#: entities are namespace IRIs), far below what hurts.
ENTITY_EXPANSION = 100_000
TOTAL_EXPANSION = 10_000_000
_DOCTYPE = re.compile(r"<!DOCTYPE\b", re.I)
_ENTITY = re.compile(r"<!ENTITY\s+(%\s+)?([^\s%]+)\s+(SYSTEM\b|PUBLIC\b|\"[^\"]*\"|'[^']*')", re.S)
_REF = re.compile(r"&([A-Za-z_:][\w.:-]*);")
#: Characters no IRI may hold (RFC 3987: no space, no controls, none of <>"{}|^`\ and no
#: surrogate), and the scheme every absolute IRI starts with.
_BAD_IRI_CHAR = re.compile(r"[\x00-\x20<>\"{}|^`\\\x7f-\x9f\ud800-\udfff]")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def line_col(data: bytes | str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``data``."""
    nl = b"\n" if isinstance(data, bytes) else "\n"
    line = data.count(nl, 0, offset) + 1  # type: ignore[arg-type]
    start = data.rfind(nl, 0, offset) + 1  # type: ignore[arg-type]
    return line, offset - start + 1


def decode_utf8(data: bytes, where: str) -> str:
    """``data`` as text; SourceError with the line and column of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = line_col(data, exc.start)
        raise SourceError(f"not UTF-8: byte 0x{data[exc.start]:02x} cannot start or continue a character",
                          where=f"{where}, line {line}, column {col}",
                          hint="save the file as UTF-8 (RDF text formats are UTF-8)") from None


# ----------------------------------------------------------------------------- RDF/XML


def check_xml_entities(data: bytes, where: str) -> None:
    """Refuse an RDF/XML document whose DTD declares external or parameter entities, or
    entities that expand past ENTITY_EXPANSION characters (alone) or TOTAL_EXPANSION (all
    references of the document together)."""
    text = data.decode("latin-1")  # entity syntax is ASCII; offsets stay byte offsets
    m = _DOCTYPE.search(text)
    if not m:
        return
    sizes: dict[str, int] = {}
    values: dict[str, str] = {}
    for ent in _ENTITY.finditer(text, m.start()):
        line, _ = line_col(data, ent.start())
        spot = f"{where}, line {line}"
        if ent.group(1):
            raise SourceError(f"the DTD declares the parameter entity {ent.group(2)!r}, which rusgraph does not read",
                              where=spot, hint="write the declarations it would make out in full")
        if ent.group(3) in ("SYSTEM", "PUBLIC"):
            raise SourceError(f"the DTD declares the external entity {ent.group(2)!r}: rusgraph reads no file or URL "
                              "a data file names", where=spot, hint="put the entity's text in the file itself")
        values[ent.group(2)] = ent.group(3)[1:-1]
    for name in values:
        if _expanded(name, values, sizes, ()) > ENTITY_EXPANSION:
            break
    worst = max(sizes.items(), key=lambda kv: kv[1], default=("", 0))
    total = sum(sizes.get(ref.group(1), 0) for ref in _REF.finditer(text))
    if worst[1] > ENTITY_EXPANSION or total > TOTAL_EXPANSION:
        decl = text.find(f"<!ENTITY {worst[0]}") if worst[0] else m.start()
        line, _ = line_col(data, max(decl, 0))
        raise SourceError(f"the entity {worst[0]!r} expands to more than {ENTITY_EXPANSION:,} characters "
                          f"(an entity expansion attack, \"billion laughs\"); refused before parsing",
                          where=f"{where}, line {line}",
                          hint="entities in RDF/XML are for short texts such as namespace IRIs")


def _expanded(name: str, values: dict[str, str], sizes: dict[str, int], stack: tuple[str, ...]) -> int:
    """Characters ``name`` expands to (memoised; a reference cycle counts as too large)."""
    if name in sizes:
        return sizes[name]
    if name in stack:
        sizes[name] = ENTITY_EXPANSION + 1
        return sizes[name]
    value = values.get(name, "")
    size = len(_REF.sub("", value))
    for ref in _REF.finditer(value):
        size += _expanded(ref.group(1), values, sizes, (*stack, name)) if ref.group(1) in values else len(ref.group(0))
        if size > ENTITY_EXPANSION:
            break
    sizes[name] = size
    return size


# ----------------------------------------------------------------------------- JSON-LD


def prepare_jsonld(data: bytes, where: str) -> bytes:
    """The JSON-LD document with its contexts made local (see
    :func:`rusgraph.graph.jsonld.local_contexts`) and its node ids checked; SourceError with the
    line and column of a JSON syntax error."""
    from .jsonld import local_contexts

    text = decode_utf8(data, where)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"cannot parse json-ld: {exc.msg}", where=f"{where}, line {exc.lineno}, column {exc.colno}",
                          hint="fix the JSON at that place and run again") from None
    except RecursionError:
        raise SourceError("cannot parse json-ld: too deeply nested", where=where) from None
    doc = local_contexts(doc, where)
    for value in _node_ids(doc):
        why = iri_problem(value, relative_ok=True)
        if why:
            raise SourceError(f"the @id {value!r} is not an IRI ({why}), so the node would be dropped without a word",
                              where=where, hint="write a full IRI (https://...), a compact IRI (rus:...) or a "
                                                "blank node id (_:name)")
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _node_ids(node: Any) -> Iterable[str]:
    """Every "@id" string of node objects (not inside contexts)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key == "@context":
                    continue
                if key == "@id" and isinstance(value, str):
                    yield value
                elif isinstance(value, (dict, list)):
                    stack.append(value)


# -------------------------------------------------------------------------------- IRIs


def iri_problem(iri: str, *, relative_ok: bool = False) -> str | None:
    """Why ``iri`` is not an IRI (a character it cannot hold, no scheme), or None."""
    if iri.startswith("_:") and relative_ok:
        return None
    m = _BAD_IRI_CHAR.search(iri)
    if m:
        ch = m.group(0)
        return ("a space" if ch == " " else f"the character {ch!r}" if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF
                else f"the code point U+{ord(ch):04X}")
    if not relative_ok and not _SCHEME.match(iri):
        return "no scheme such as https:"
    return None


def check_iris(triples: Iterable[tuple[Any, Any, Any]], where: str, text: str | None = None) -> None:
    """SourceError for the first IRI (subject, predicate, object or datatype) that is not
    one, with its line when ``text`` (the file) shows where it stands."""
    from rdflib import Literal, URIRef

    seen: set[str] = set()
    for triple in triples:
        for term in triple:
            if isinstance(term, Literal):
                term = term.datatype
            if not isinstance(term, URIRef) or term in seen:
                continue
            why = iri_problem(str(term))
            if why:
                spot = where
                if text is not None:  # the IRI as written, else its part before the bad character
                    iri = str(term)
                    cut = _BAD_IRI_CHAR.search(iri)
                    for probe in (f"<{iri}>", f"<{iri[:cut.start()]}" if cut else None, iri):
                        at = text.find(probe) if probe and len(probe) > 1 else -1
                        if at >= 0:
                            spot = f"{where}, line {line_col(text, at)[0]}"
                            break
                raise SourceError(f"invalid IRI {str(term)!r}: it holds {why}", where=spot,
                                  hint="percent-encode the character (a space is %20) or fix the IRI")
            seen.add(term)
