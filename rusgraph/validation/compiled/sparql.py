"""SHACL's SPARQL-based constraints (SHACL 5 and 6.3) as queries for all focus nodes at once.

Owns: the text of an ``sh:sparql`` constraint made ready to run (its ``sh:prefixes`` as
PREFIX lines, ``$currentShape`` and ``$PATH`` substituted, string literals masked while
scanning), the rewrite that joins the focus nodes in place of pySHACL's ``$this`` pre-bound
per focus node (and says when that rewrite could change an answer), and the predicates a
query can match. pySHACL's hand-off (:mod:`rusgraph.validation.reference`) reads the same
helpers to decide which constraints it may run in one pass. It must not run queries
(:mod:`.evaluation`) nor decide which shapes are compiled (:mod:`.plan`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef

from ...graph.namespaces import SH
from .components import Unsupported


@dataclass
class SparqlConstraint:
    """One sh:sparql constraint of a shape, rewritten to run once for all focus nodes."""

    shape: Any
    constraint: Any
    severity: Any
    text: str  # the rewritten one-pass query, or "" to run per focus node on rdflib
    original: str
    focus_shape: Any = None  # whose targets give the focus nodes (a property shape's node shape)
    path_node: Any = None  # a property shape's sh:path: the result path when ?path is unbound


_FORBIDDEN = re.compile(r"\b(MINUS|VALUES|SERVICE|GRAPH|GROUP\s+BY|HAVING|LIMIT|OFFSET|ORDER\s+BY|FROM|"
                        r"COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\b", re.I)
_SELECT = re.compile(r"\bSELECT\b", re.I)
# SHACL 5.3.1 pre-binds $this, $currentShape and $shapesGraph, and 6.3 substitutes $PATH in
# property shapes (see sparql_constraint for what is compiled; $shapesGraph goes to pySHACL,
# which refuses it with a clear message).
PREBOUND = re.compile(r"[?$](?:PATH|currentShape|shapesGraph)\b")
_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


def sparql_constraint(shapes: Graph, shape: Any, constraint: Any, severity: Any,
                      path: str | None = None) -> SparqlConstraint:
    """A SPARQL-based constraint (SHACL 5), the pre-bound variables as the spec defines them:
    $this joined to the focus nodes, $currentShape the shape's IRI, $PATH (6.3; property
    shapes only) the SPARQL path of the shape's sh:path. $shapesGraph, a blank-node shape's
    $currentShape or $PATH outside a property shape go to pySHACL."""
    select = shapes.value(constraint, SH.select)
    if select is None:
        raise Unsupported("SPARQL constraint without sh:select")
    text = str(select)
    masked = mask_strings(text)
    pieces, pos = [], 0
    for m in PREBOUND.finditer(masked):
        name = m.group()[1:]
        if name == "PATH" and path is not None:
            pieces += [text[pos:m.start()], path]
        elif name == "currentShape" and isinstance(shape, URIRef):
            pieces += [text[pos:m.start()], f"<{shape}>"]
        else:
            raise Unsupported(f"a SPARQL constraint using ${name} here")
        pos = m.end()
    text = "".join(pieces) + text[pos:]
    original = prefix_block(shapes, constraint) + "\n" + text.replace("$this", "?this")
    text = one_pass(original)
    if not text:
        raise Unsupported("a SPARQL constraint that cannot run for all focus nodes at once")
    return SparqlConstraint(shape, constraint, severity, text, original)


def mask_strings(text: str) -> str:
    """``text`` with the inside of string literals blanked out (same length, same places)."""
    pattern = r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    return re.sub(pattern, lambda m: m.group()[0] + " " * (len(m.group()) - 2) + m.group()[-1], text)


_NOT_EXISTS = re.compile(r"FILTER\s*(\(\s*)?NOT\s+EXISTS\s*\{", re.I)


def one_pass(text: str) -> str:
    """``text`` rewritten to run once for all focus nodes, or "" when that could change its
    answers (pySHACL runs it once per focus node with $this pre-bound).

    The focus nodes are joined at the start of the outer WHERE group. That is the same as
    pre-binding $this when $this occurs only in that group, in EXISTS / NOT EXISTS groups and
    OPTIONAL groups inside it, and the query has no subquery, aggregate, MINUS, VALUES,
    solution modifier or GRAPH (SHACL 5.3.1 rules most of these out anyway).

    A ``FILTER NOT EXISTS { P }`` directly in the WHERE group, with P free of nested groups,
    becomes ``OPTIONAL { P BIND(true AS ?_neN) } FILTER(!BOUND(?_neN))`` at the end of the
    group: the same solutions (a row with a match is dropped, a row without one is kept once),
    but Oxigraph 0.5 evaluates NOT EXISTS without using the row's bindings (time grows with
    rows x graph), and an OPTIONAL with them.
    """
    from ...graph.sparqltext import strip_comments

    body = strip_comments(text)
    masked = mask_strings(body)
    if len(_SELECT.findall(masked)) != 1 or _FORBIDDEN.search(masked):
        return ""
    m = _WHERE.search(masked)
    if not m:
        return ""
    # every ?this in the body must sit in the WHERE group or in EXISTS/OPTIONAL groups
    stack: list[tuple[bool, int]] = [(True, m.end() - 1)]  # (safe for ?this, position of "{")
    close = -1
    not_exists: list[tuple[int, int, int]] = []  # (start of FILTER, "{", "}") at depth 1
    i = m.end()
    while i < len(masked):
        ch = masked[i]
        if ch == "{":
            before = masked[:i].rstrip()
            safe = stack[-1][0] and bool(re.search(r"\b(EXISTS|OPTIONAL)$", before, re.I))
            stack.append((safe, i))
        elif ch == "}":
            _safe, opened = stack.pop()
            if not stack:
                close = i
                break
            if len(stack) == 1:
                f = _NOT_EXISTS.search(masked, max(0, opened - 40), opened + 1)
                while f and f.end() - 1 != opened:
                    f = _NOT_EXISTS.search(masked, f.start() + 1, opened + 1)
                if f and f.group(1) is None and "{" not in masked[opened + 1:i]:
                    not_exists.append((f.start(), opened, i))
        elif masked.startswith("?this", i) and not re.match(r"\?this[A-Za-z0-9_]", masked[i:]):
            if not stack[-1][0]:
                return ""
        i += 1
    if close < 0:
        return ""
    head = masked[: m.start()]
    proj = head[_SELECT.search(head).end():]
    star = proj.strip().startswith("*")
    rest = masked[m.end():close]
    wanted = ["?this"]
    for var in ("value", "path"):
        if re.search(rf"\?{var}\b", proj) or (star and re.search(rf"\?{var}\b", rest)):
            wanted.append("?" + var)
    prologue = body[: _SELECT.search(head).start()]
    parts, pos, tail = [], m.end(), []
    for k, (start, opened, end) in enumerate(not_exists):
        parts.append(body[pos:start])
        inner = body[opened + 1:end].strip()
        if inner and not inner.endswith("."):
            inner += " ."
        tail.append(f"OPTIONAL {{ {inner} BIND(true AS ?_ne{k}) }} FILTER(!BOUND(?_ne{k}))")
        pos = end + 1
    parts.append(body[pos:close])
    return (prologue + "SELECT DISTINCT " + " ".join(wanted) + " WHERE {\n  @TARGETS@\n" + "".join(parts)
            + "\n  " + "\n  ".join(tail) + "\n}")


def prefix_block(shapes: Graph, constraint: Any) -> str:
    """The PREFIX lines a SPARQL constraint declares through ``sh:prefixes`` (SHACL 5.2.1)."""
    lines = []
    for decl_holder in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(decl_holder, SH.declare):
            prefix = shapes.value(decl, SH.prefix)
            ns = shapes.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(set(lines)))


def sparql_predicates(text: str) -> set | None:
    """The IRIs a query matches as predicates (None: it has a variable or negated one)."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    out: set = set()

    def path(p: Any) -> bool:
        if isinstance(p, URIRef):
            out.add(p)
            return True
        if isinstance(p, (SequencePath, AlternativePath)):
            return all(path(a) for a in p.args)
        if isinstance(p, MulPath):
            return path(p.path)
        if isinstance(p, InvPath):
            return path(p.arg)
        return False  # a variable, a negated path (NegatedPath), anything else

    def walk(node: Any) -> bool:
        if isinstance(node, CompValue):
            for k, v in node.items():
                if k == "triples" and isinstance(v, list):
                    if not all(path(t[1]) for t in v):
                        return False
                elif not walk(v):
                    return False
        elif isinstance(node, (list, tuple)):
            return all(walk(x) for x in node)
        elif isinstance(node, dict):
            return all(walk(x) for x in node.values())
        return True

    _ = (Variable, NegatedPath)
    try:
        algebra = prepareQuery(text).algebra
    except Exception:
        return None
    return out if walk(algebra) else None
