"""SPARQL as text: values written safely into it, comments taken out, variables found.

Owns: a term as SPARQL text (one line, every character escaped that needs it, IRIs checked),
VALUES blocks for bound parameters, removing comments without touching IRIs and strings,
and the variables a query mentions. Must not: run queries or read files.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from ..errors import QueryError

_ECHAR = re.compile(r'[\\"\n\r\t\b\f]')
_ECHARS = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def sparql_term(term: Any) -> str:
    """``term`` as SPARQL text: a literal always on one line in double quotes with every
    character that needs it escaped (rdflib's ``n3()`` writes a value with a newline in
    triple quotes and leaves a final quote after a backslash unescaped, which breaks the
    query), an IRI in angle brackets only when it is one."""
    from rdflib import Literal, URIRef

    if isinstance(term, Literal):
        text = str(term)
        if re.search(r"[\ud800-\udfff]", text):
            raise QueryError("a parameter value holds a lone surrogate, which is not text",
                             hint="check the value's encoding (UTF-8)")
        body = '"' + _ECHAR.sub(lambda m: _ECHARS[m.group(0)], text) + '"'
        if term.language:
            return f"{body}@{term.language}"
        if term.datatype is not None:
            return f"{body}^^{sparql_term(term.datatype)}"
        return body
    if isinstance(term, URIRef):
        if re.search(r"[\x00-\x20<>\"{}|^`\\\ud800-\udfff]", str(term)):
            raise QueryError(f"not an IRI: {str(term)!r}")
        return f"<{term}>"
    return term.n3()


def values_block(bindings: Mapping[str, Any]) -> str:
    """A SPARQL VALUES block for the bindings (see :func:`sparql_term`)."""
    names = sorted(bindings)
    head = " ".join(f"?{n}" for n in names)
    row = " ".join(sparql_term(bindings[n]) for n in names)
    return f"VALUES ({head}) {{ ({row}) }}"


_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


def inject_values(text: str, bindings: Mapping[str, Any]) -> str:
    """Insert a VALUES block at the start of the outer WHERE group, for remote endpoints.

    At the start of the group the bound variables are in scope for every pattern and filter
    of the query (unlike a trailing VALUES, which joins after the WHERE is evaluated).
    """
    if not bindings:
        return text
    body = strip_comments(text)
    m = _WHERE.search(body)
    if not m:
        raise QueryError("cannot bind parameters: the query has no WHERE { ... } group")
    return body[: m.end()] + "\n  " + values_block(bindings) + "\n" + body[m.end():]


def strip_comments(text: str) -> str:
    """Remove # comments outside IRIs and strings (keeps the query the same otherwise)."""
    out_lines = []
    for line in text.splitlines():
        in_str: str | None = None
        in_iri = False
        cut = None
        for i, ch in enumerate(line):
            if in_str:
                if ch == in_str and line[i - 1] != "\\":
                    in_str = None
            elif in_iri:
                if ch == ">":
                    in_iri = False
            elif ch in "\"'":
                in_str = ch
            elif ch == "<" and re.match(r"<[^\s>]*>", line[i:]):
                in_iri = True
            elif ch == "#":
                cut = i
                break
        out_lines.append(line if cut is None else line[:cut])
    return "\n".join(out_lines)


def mentioned_vars(text: str) -> set[str]:
    return set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", strip_comments(text)))
