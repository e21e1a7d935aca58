"""Writers for query results and graphs: one registry serves ``--format`` and export.

Owns: turning a QueryResult into table, csv, tsv, json (SPARQL 1.1 JSON results), md or
html text, and a graph into an RDF serialisation; and the one rule for a CSV or TSV cell
that a spreadsheet would run as a formula (every CSV writer in rusgraph goes through
:func:`csv_writer` / :func:`csv_dict_writer`). Tables show labels (in the chosen
language, with a fallback) rather than IRIs; csv/tsv/json keep values exact.
It must not run queries or read files.
"""

from __future__ import annotations

import contextvars
import csv
import io
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping

from .queries import QueryResult

SELECT_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "md", "html")

# ---------------------------------------------------------------- formula injection (OWASP)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_RAW_CELLS: contextvars.ContextVar[bool] = contextvars.ContextVar("rusgraph_raw_cells", default=False)


def safe_cell(value: Any) -> Any:
    """A text cell Excel, LibreOffice or Google Sheets would run as a formula (it begins with
    =, +, -, @, tab or carriage return), made plain text by a leading apostrophe, as OWASP
    recommends ("CSV Injection"). Numbers such as -3 or +1.5 are not formulas and stay as
    they are; a cell that already begins with apostrophes before such a character gets one
    more, so that reading a cell back (:func:`unsafe_cell`) is exact. Not applied inside
    :func:`raw_cells`."""
    if not isinstance(value, str) or not value or _RAW_CELLS.get():
        return value
    if value.lstrip("'").startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def unsafe_cell(text: str) -> str:
    """The cell :func:`safe_cell` was given: one leading apostrophe before =, +, -, @, tab
    or CR dropped (as Excel drops the apostrophe a user types before a formula)."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


@contextmanager
def raw_cells(raw: bool = True) -> Iterator[None]:
    """Write CSV/TSV cells exactly as they are while inside (for programs, not spreadsheets:
    ``rusgraph --raw-cells``)."""
    token = _RAW_CELLS.set(raw)
    try:
        yield
    finally:
        _RAW_CELLS.reset(token)


class _SafeWriter:
    def __init__(self, writer: Any, dict_rows: bool):
        self._w, self._dict = writer, dict_rows

    def writerow(self, row: Any) -> Any:
        if self._dict:
            return self._w.writerow({k: safe_cell(v) for k, v in row.items()})
        return self._w.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Any]) -> None:
        for row in rows:
            self.writerow(row)

    def writeheader(self) -> Any:
        return self._w.writeheader()


def csv_writer(fh: Any, **kwargs: Any) -> _SafeWriter:
    """``csv.writer`` whose cells go through :func:`safe_cell`."""
    return _SafeWriter(csv.writer(fh, **kwargs), dict_rows=False)


def csv_dict_writer(fh: Any, fieldnames: Any, **kwargs: Any) -> _SafeWriter:
    """``csv.DictWriter`` whose cells go through :func:`safe_cell`."""
    return _SafeWriter(csv.DictWriter(fh, fieldnames=fieldnames, **kwargs), dict_rows=True)



@dataclass(frozen=True)
class GraphFormat:
    name: str
    rdflib_name: str
    suffix: str
    mime: str
    quads: bool = False


GRAPH_FORMATS: dict[str, GraphFormat] = {
    "turtle": GraphFormat("turtle", "turtle", ".ttl", "text/turtle"),
    "nt": GraphFormat("nt", "nt", ".nt", "application/n-triples"),
    "trig": GraphFormat("trig", "trig", ".trig", "application/trig", quads=True),
    "nquads": GraphFormat("nquads", "nquads", ".nq", "application/n-quads", quads=True),
    "json-ld": GraphFormat("json-ld", "json-ld", ".jsonld", "application/ld+json"),
    "xml": GraphFormat("xml", "xml", ".rdf", "application/rdf+xml"),
}
# The names rdflib, Jena riot and ROBOT users type (any case).
GRAPH_ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "nq": "nquads", "n-quads": "nquads",
                 "jsonld": "json-ld", "rdf/xml": "xml", "rdfxml": "xml", "rdf": "xml"}


class Labeler:
    """IRI -> label in a language, with fallback nb, en, any; CURIE when there is none."""

    def __init__(self, graph: Any, lang: str = "nb"):
        from rdflib.namespace import RDFS, SKOS

        self.lang = lang
        self._labels: dict[str, dict[str, str]] = {}
        for prop in (RDFS.label, SKOS.prefLabel):
            for s, o in graph.subject_objects(prop):
                self._labels.setdefault(str(s), {}).setdefault(getattr(o, "language", None) or "", str(o))
        self._ns = graph.namespace_manager

    def __call__(self, term: Any) -> str:
        from rdflib import URIRef

        if term is None:
            return ""
        if isinstance(term, URIRef):
            by_lang = self._labels.get(str(term))
            if by_lang:
                for lang in (self.lang, "nb", "en", ""):
                    if lang in by_lang:
                        return by_lang[lang]
                return next(iter(by_lang.values()))
            try:
                return self._ns.normalizeUri(term)
            except Exception:
                return str(term)
        return str(term)


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


def graph_format(name: str) -> GraphFormat:
    name = name.strip().lower()
    name = GRAPH_ALIASES.get(name, name)
    try:
        return GRAPH_FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown RDF format {name!r}; use one of {', '.join(GRAPH_FORMATS)}") from None


def serialize_graph(graph: Any, fmt: str, *, context: Mapping[str, Any] | None = None) -> str:
    """Serialise a Graph (or a Dataset for quad formats) as text."""
    gf = graph_format(fmt)
    kwargs: dict[str, Any] = {}
    if gf.name == "json-ld" and context is not None:
        kwargs["context"] = dict(context)
        kwargs["auto_compact"] = True
    if gf.name in ("turtle", "trig"):
        return _turtle_text(graph, gf.name)
    out = graph.serialize(format=gf.rdflib_name, **kwargs)
    return out if isinstance(out, str) else out.decode("utf-8")


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


def _turtle_text(graph: Any, name: str) -> str:
    """rdflib's own Turtle (or TriG): sorted and stable, the same text ``graph.serialize``
    gives, in time linear in the triples.

    rdflib looks every IRI up in a trie of the namespaces it has split off so far, and that
    trie grows with every IRI that has no prefix (each measure, link, unit), so serialising
    is quadratic: 5,000 measures took a minute. An IRI that no bound namespace starts
    cannot get a prefixed name whatever the trie says, so it is written in full at once.
    """
    from rdflib import URIRef
    from rdflib.plugins.serializers.trig import TrigSerializer
    from rdflib.plugins.serializers.turtle import TurtleSerializer

    base = TrigSerializer if name == "trig" else TurtleSerializer
    bound = {str(prefix): str(ns) for prefix, ns in graph.namespaces()}
    namespaces = [tuple(bound.values())]

    class Serializer(base):  # type: ignore[misc, valid-type]
        def get_pname(self, uri: Any, gen_prefix: bool = True) -> str | None:
            if not gen_prefix and isinstance(uri, URIRef) and not str(uri).startswith(namespaces[0]):
                return None  # what rdflib answers too, after searching its trie
            out = super().get_pname(uri, gen_prefix)
            if gen_prefix and out is not None and out.split(":", 1)[0] not in bound:  # rdflib made a prefix
                bound.update({str(prefix): str(ns) for prefix, ns in graph.namespaces()})
                namespaces[0] = tuple(bound.values())
            return out

    if name == "turtle":
        text = _flat_turtle(Serializer(graph), graph)
        if text is not None:
            return text
    buf = io.BytesIO()
    Serializer(graph).serialize(buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")


def _flat_turtle(ser: Any, graph: Any) -> str | None:
    """The text rdflib's TurtleSerializer writes for a graph without blank nodes (every
    generated plan), written in one flat loop; None when the graph has a blank node (rdflib
    nests those, and writes them itself).

    Same steps as rdflib 7: prefixed names looked up for every term first (which decides the
    @prefix lines), subjects typed rdfs:Class first, then by how often they are objects and
    then by IRI; rdf:type then rdfs:label then the other predicates sorted; objects sorted;
    the same indentation. tests/test_outputs.py holds it to rdflib's text."""
    from collections import defaultdict

    from rdflib import BNode, Literal
    from rdflib.namespace import RDF, RDFS

    rdf_type, rdfs_label, nil, rdfs_class = RDF.type, RDFS.label, RDF.nil, RDFS.Class
    refs: dict[Any, int] = defaultdict(int)
    props: dict[Any, dict[Any, list]] = {}
    done: set = set()  # (term, is a predicate): rdflib asks once per term what we ask once
    pname = ser.get_pname

    def ask(node: Any, verb: bool) -> None:
        key = (node, verb)
        if key not in done:
            done.add(key)
            pname(node, verb)

    for s, p, o in graph.triples((None, None, None)):
        if type(s) is BNode or type(o) is BNode or isinstance(o, BNode) or isinstance(s, BNode):
            return None
        refs[o] += 1
        by_pred = props.get(s)
        if by_pred is None:
            by_pred = props[s] = {}
        objects = by_pred.get(p)
        if objects is None:
            objects = by_pred[p] = []
            if p not in done:
                done.add(p)
                if p == nil:
                    return None
                if p != rdf_type:
                    ask(p, True)
        objects.append(o)
        ask(s, False)
        if type(o) is Literal or isinstance(o, Literal):
            if o.datatype is not None:
                ask(o.datatype, False)
        elif (o, False) not in done:
            if o == nil:
                return None
            ask(o, False)
    if ser.base is not None or getattr(graph, "base", None) is not None:
        return None
    top = sorted(s for s, by_pred in props.items() if rdfs_class in by_pred.get(rdf_type, ()))
    seen = set(top)
    subjects = top + [s for _, s in sorted((refs[s], s) for s in props if s not in seen)]

    labels: dict[tuple[Any, bool], str] = {}

    def label(node: Any, verb: bool = False) -> str:
        if type(node) is Literal or isinstance(node, Literal):
            return ser.label(node, 2)
        key = (node, verb)
        text = labels.get(key)
        if text is None:
            text = labels[key] = "a" if verb and node == rdf_type else (pname(node, verb) or node.n3())
        return text

    out = [f"@prefix {prefix}: <{uri}> .\n" for prefix, uri in sorted(ser.namespaces.items())]
    for s in subjects:
        by_pred = props[s]
        order = [p for p in (rdf_type, rdfs_label) if p in by_pred]
        order += sorted(p for p in by_pred if p not in (rdf_type, rdfs_label))
        out.append("\n" + label(s))
        for i, p in enumerate(order):
            objects = sorted(by_pred[p])
            out.append((" " if i == 0 else " ;\n    ") + label(p, True) + " " + label(objects[0]))
            for o in objects[1:]:
                out.append(",\n        " + label(o))
        out.append(" .\n")
    out.append("\n")
    text = "".join(out)
    if _SURROGATE.search(text):  # rdflib writes what UTF-8 cannot hold as '?'
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


_SURROGATE = re.compile("[\ud800-\udfff]")
