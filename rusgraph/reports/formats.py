"""Writers for query results: one registry serves ``--format`` for reports and queries.

Owns: turning a QueryResult into table, csv, tsv, json (SPARQL 1.1 JSON results), srx, md
or html text, and a CONSTRUCT answer into an RDF syntax (through
:mod:`rusgraph.outputs.rdf`). Tables show labels (in the chosen language, with a fallback,
:mod:`rusgraph.graph.labels`) rather than IRIs; csv/tsv/json keep values exact; CSV and TSV
cells go through :mod:`rusgraph.outputs.cells`. It must not run queries or read files.
"""

from __future__ import annotations

import io
import json
from typing import Any, Callable

from ..outputs.cells import csv_writer, safe_cell
from ..outputs.rdf import GRAPH_ALIASES, GRAPH_FORMATS, serialize_graph
from .queries import QueryResult

SELECT_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "md", "html")

def _plain(term: Any) -> str:
    return "" if term is None else str(term)


def write_select(result: QueryResult, fmt: str, *, labeler: Callable[[Any], str] | None = None,
                 title: str | None = None, lang: str = "nb") -> str:
    """Serialise a SELECT result in ``fmt`` (one of SELECT_FORMATS)."""
    if result.kind != "select":
        raise ValueError("write_select needs a SELECT result")
    label = labeler or _plain
    if fmt == "csv":
        return _delimited(result, ",")
    if fmt == "tsv":
        return _tsv(result)
    if fmt == "json":
        return json.dumps(sparql_json(result), ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return _markdown(result, label)
    if fmt == "table":
        return _table(result, label)
    if fmt == "html":
        from .html import report_page

        return report_page(result, label, title=title or (result.query.name if result.query else "query"), lang=lang)
    raise ValueError(f"unknown format {fmt!r}")


def _delimited(result: QueryResult, delimiter: str) -> str:
    buf = io.StringIO()
    w = csv_writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(result.vars)
    for row in result.rows:
        w.writerow([_plain(v) for v in row])
    return buf.getvalue()


def _tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV-like, but with plain values so spreadsheets read it as text."""
    def clean(v: Any) -> str:
        return safe_cell(_plain(v)).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    lines = ["\t".join(result.vars)]
    lines += ["\t".join(clean(v) for v in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def sparql_json(result: QueryResult) -> dict[str, Any]:
    """SPARQL 1.1 Query Results JSON."""
    from rdflib import BNode, Literal, URIRef

    def term(v: Any) -> dict[str, str]:
        if isinstance(v, URIRef):
            return {"type": "uri", "value": str(v)}
        if isinstance(v, BNode):
            return {"type": "bnode", "value": str(v)}
        if isinstance(v, Literal):
            out = {"type": "literal", "value": str(v)}
            if v.language:
                out["xml:lang"] = v.language
            elif v.datatype:
                out["datatype"] = str(v.datatype)
            return out
        return {"type": "literal", "value": str(v)}

    bindings = []
    for row in result.rows:
        bindings.append({k: term(v) for k, v in zip(result.vars, row) if v is not None})
    return {"head": {"vars": list(result.vars)}, "results": {"bindings": bindings}}


def _markdown(result: QueryResult, label: Callable[[Any], str]) -> str:
    def cell(v: Any) -> str:
        return label(v).replace("|", "\\|").replace("\n", "<br>")

    lines = ["| " + " | ".join(result.vars) + " |", "|" + "---|" * len(result.vars)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in result.rows]
    return "\n".join(lines) + "\n"


def _table(result: QueryResult, label: Callable[[Any], str], max_width: int = 60) -> str:
    def cell(v: Any) -> str:
        text = " ".join(label(v).split())
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    rows = [[cell(v) for v in row] for row in result.rows]
    widths = [len(h) for h in result.vars]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    numeric = [all(r[i].isdigit() for r in rows if r[i]) and any(r[i] for r in rows) for i in range(len(widths))]

    def fmt_row(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric)).rstrip()

    out = [fmt_row(list(result.vars)), "  ".join("-" * w for w in widths)]
    out += [fmt_row(r) for r in rows]
    return "\n".join(out) + "\n"


# ------------------------------------------------------- format names, as rdflib and riot users type them

# Every name --format takes for a graph, mapped to its GRAPH_FORMATS name.
RDF_NAMES: dict[str, str] = {**{name: name for name in GRAPH_FORMATS}, **GRAPH_ALIASES}
# ... and for a SELECT or ASK result: srx is SPARQL XML results, srj SPARQL JSON (= json).
RESULT_NAMES: dict[str, str] = {**{name: name for name in SELECT_FORMATS}, "srx": "srx", "srj": "json",
                                "xml": "srx", "markdown": "md"}


def sparql_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML (srx) of a SELECT or ASK result."""
    from xml.sax.saxutils import escape, quoteattr

    from rdflib import BNode, Literal, URIRef

    ns = "http://www.w3.org/2005/sparql-results#"
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<sparql xmlns="{ns}">', "  <head>"]
    lines += [f"    <variable name={quoteattr(v)}/>" for v in result.vars]
    lines.append("  </head>")
    if result.kind == "ask":
        lines.append(f"  <boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        lines.append("  <results>")
        for row in result.rows:
            lines.append("    <result>")
            for name, v in zip(result.vars, row):
                if v is None:
                    continue
                if isinstance(v, URIRef):
                    inner = f"<uri>{escape(str(v))}</uri>"
                elif isinstance(v, BNode):
                    inner = f"<bnode>{escape(str(v))}</bnode>"
                else:
                    attr = ""
                    if isinstance(v, Literal) and v.language:
                        attr = f" xml:lang={quoteattr(v.language)}"
                    elif isinstance(v, Literal) and v.datatype:
                        attr = f" datatype={quoteattr(str(v.datatype))}"
                    inner = f"<literal{attr}>{escape(str(v))}</literal>"
                lines.append(f"      <binding name={quoteattr(name)}>{inner}</binding>")
            lines.append("    </result>")
        lines.append("  </results>")
    lines.append("</sparql>")
    return "\n".join(lines) + "\n"


def write_result(result: QueryResult, fmt: str, **select_options: Any) -> str:
    """Any query result in ``fmt`` (a name from RESULT_NAMES or RDF_NAMES): a SELECT as a
    table or SPARQL results, an ASK as SPARQL JSON/XML's boolean (or true/false), a graph
    in an RDF syntax ('table', the default, and 'json' mean Turtle and JSON-LD there)."""
    name = fmt.strip().lower()
    if result.kind in ("select", "ask"):
        kind = RESULT_NAMES.get(name)
        if kind is None:
            raise ValueError(f"a {result.kind.upper()} result is not a graph: use one of "
                             + ", ".join(sorted(RESULT_NAMES)))
        if kind == "srx":
            return sparql_xml(result)
        if result.kind == "select":
            return write_select(result, kind, **select_options)
        if kind == "json":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n"
        return ("true" if result.boolean else "false") + "\n"
    graph_name = {"table": "turtle", "json": "json-ld"}.get(name, name)
    if graph_name not in RDF_NAMES:
        raise ValueError(f"a {result.kind.upper()} result is a graph: use an RDF format ("
                         + ", ".join(sorted(RDF_NAMES)) + ")")
    return serialize_graph(result.graph, graph_name)


