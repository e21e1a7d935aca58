"""What a SPARQL store sends back, read: result rows, graphs, and errors that say what to do.

Owns: SPARQL JSON results as the rdflib terms the embedded engine gives (Virtuoso's
``typed-literal`` spelling included), RDF graph answers by their content type (checked for
IRIs no output may hold), the result caps a store applies without saying so in the status
(Virtuoso's ``ResultSetMaxRows``: an answer at the cap is an error, never a short table),
and every HTTP error status turned into an EndpointError that keeps the store's own message
in full (but for the query it echoes) and says what to do. It must not send anything (the
Endpoint does, through :mod:`.transport`), choose a dataset or know which query was asked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from ..errors import EndpointError, SourceError
from ..graph.inputs import check_iris
from ..graph.namespaces import bind_prefixes
from ..reports.queries import QueryResult

#: Result caps a store applies without saying so in the status code. Virtuoso's default
#: ``ResultSetMaxRows`` is 10,000; it also sends ``X-SPARQL-MaxRows`` when it truncates.
KNOWN_CAPS = {"virtuoso": 10_000}
RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.5"
_RDF_TYPES = {"text/turtle": "turtle", "application/x-turtle": "turtle", "application/turtle": "turtle",
              "application/n-triples": "nt", "text/plain": "nt", "text/rdf+n3": "n3",
              "text/n3": "n3", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}
#: Where a store's error message starts echoing the query back (Virtuoso: "SPARQL query:").
_ECHO = re.compile(r"\n\s*(SPARQL query|Query|SPARQL request)\s*:\s*\n", re.IGNORECASE)


def select_result(body: bytes, headers: Mapping[str, str], url: str, *, ask: bool = False) -> QueryResult:
    """The QueryResult of a SPARQL JSON results document (``ask``: one was asked for)."""
    doc = _json_body(body, headers, url)
    if ask or "boolean" in doc:
        if not isinstance(doc.get("boolean"), bool):
            raise malformed(url, "an ASK answer without a true/false 'boolean'")
        return QueryResult(kind="ask", boolean=doc["boolean"])
    head, results = doc.get("head"), doc.get("results")
    if not isinstance(head, dict) or not isinstance(results, dict) or not isinstance(results.get("bindings"), list):
        raise malformed(url, "JSON without head.vars and results.bindings")
    vars_ = head.get("vars", [])
    if not isinstance(vars_, list) or not all(isinstance(v, str) for v in vars_):
        raise malformed(url, "head.vars is not a list of names")
    rows = []
    for b in results["bindings"]:
        if not isinstance(b, dict):
            raise malformed(url, "a result row is not a JSON object")
        rows.append(tuple(_term(b.get(v), url) for v in vars_))
    check_cap(len(rows), headers, "rows", url)
    return QueryResult(kind="select", vars=tuple(vars_), rows=tuple(rows))


def graph_result(body: bytes, headers: Mapping[str, str], url: str) -> Graph:
    """The graph of a CONSTRUCT/DESCRIBE answer, parsed by its content type."""
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = _RDF_TYPES.get(ctype)
    if fmt is None:
        raise malformed(url, f"a graph was asked for, the answer is {ctype or 'untyped'}")
    g = bind_prefixes(Graph())
    try:
        g.parse(data=body, format=fmt)
    except Exception as exc:  # noqa: BLE001 - rdflib raises many unrelated types for bad input
        raise malformed(url, f"the {fmt} answer does not parse ({' '.join(str(exc).split())[:200]})") from None
    try:
        check_iris(g, url)  # rdflib lets some through; no output may hold them
    except SourceError as exc:
        raise malformed(url, exc.message) from None
    check_cap(len(g), headers, "triples", url)
    return g


def check_cap(count: int, headers: Mapping[str, str], what: str, url: str) -> None:
    """Raise when an answer of ``count`` rows (or triples) reached the store's result cap:
    it is then cut off, and a short table would be a wrong answer."""
    cap: int | None = None
    header = headers.get("x-sparql-maxrows", "").strip()
    if header.isdigit():
        cap = int(header)
    else:
        server = headers.get("server", "").lower()
        cap = next((n for name, n in KNOWN_CAPS.items() if name in server), None)
    if cap is not None and count >= cap:
        raise EndpointError(
            f"the store cut the answer off at {cap} {what} (its result-size limit), so it is incomplete",
            where=url,
            hint="raise the limit on the store (Virtuoso: ResultSetMaxRows in the [SPARQL] section of "
                 "virtuoso.ini, then restart), or ask a narrower question (fewer graphs with --graphs, "
                 "a FILTER, or LIMIT/OFFSET pages)")


def _snippet(body: bytes | str, n: int = 300) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    if "<html" in text[:500].lower():
        text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split())[:n]


def store_message(body: bytes | str) -> str:
    """A store's error message in full, on one line, without the query it echoes back.

    Virtuoso follows its message with "SPARQL query:" and the whole query text (with its own
    ``define`` lines); that part goes. Nothing else is cut: the cause of a store's failure
    can stand at the end of a long message. An HTML error page is reduced to its text.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    if "<html" in text[:500].lower():
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
        text = re.sub(r"<[^>]+>", " ", text)
    m = _ECHO.search(text)
    if m:
        text = text[:m.start()]
    return " ".join(text.split())


def http_error(status: int, url: str, action: str, detail: str = "", with_credentials: bool = False) -> EndpointError:
    """The EndpointError for an HTTP error status, with what to do about it."""
    said = f": {detail}" if detail else ""
    if status == 400:
        what = "the query" if action == "query" else "the request"
        return EndpointError(f"HTTP 400, the store rejected {what} as malformed{said}", where=url,
                             hint="check the SPARQL (the store's message above says where)")
    if status == 401 and with_credentials:
        return EndpointError("HTTP 401, the store wants credentials and refused the ones given", where=url,
                             hint="check the user name and password (--user and --password, or RUSGRAPH_USER and "
                                  "RUSGRAPH_PASSWORD); they were sent in the scheme the store asked for")
    if status == 401:
        return EndpointError("HTTP 401, the store wants credentials", where=url,
                             hint="pass --user and --password (or set RUSGRAPH_USER and RUSGRAPH_PASSWORD)")
    if status == 403:
        return EndpointError(f"HTTP 403, the store refused the {action}{said}", where=url,
                             hint="the account lacks the right, or the store is read-only "
                                  "(a `rusgraph serve` store or `oxigraph serve-read-only` takes no writes)")
    if status == 404:
        return EndpointError(f"HTTP 404, there is no SPARQL service at this URL{said}", where=url,
                             hint="check the path: Oxigraph /query, Fuseki /DATASET/query (or /sparql), "
                                  "Virtuoso /sparql, GraphDB /repositories/ID, Neptune /sparql")
    if status == 408 or status == 504:
        return EndpointError(f"HTTP {status}, the store (or a proxy) timed out{said}", where=url,
                             hint="ask a narrower question or raise the store's own query timeout")
    if 400 <= status < 500:
        return EndpointError(f"HTTP {status}, the store refused the {action}{said}", where=url,
                             hint="check the URL and the request")
    if "estimated execution time" in detail and "exceeds the limit" in detail:
        return EndpointError(f"HTTP {status}, the store refused to run the query: its cost estimate is above "
                             f"its limit{said}", where=url,
                             hint="raise MaxQueryCostEstimationTime in the [SPARQL] section of virtuoso.ini "
                                  "(then restart), or ask a narrower question")
    return EndpointError(f"HTTP {status}, the store failed while answering{said}", where=url,
                         hint="the store's log says why; try again later or ask a smaller question")


def malformed(url: str, why: str) -> EndpointError:
    """The error for an answer that is not what a SPARQL store sends."""
    return EndpointError(f"the store's answer is not usable: {why}", where=url,
                         hint="is this URL a SPARQL endpoint (not a web page or a proxy's error page)?")


def _json_body(body: bytes, headers: Mapping[str, str], url: str) -> dict[str, Any]:
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        ctype = headers.get("content-type", "untyped").split(";")[0]
        raise malformed(url, f"SPARQL JSON results were asked for, the answer is {ctype}: "
                              f"{_snippet(body, 80)!r}") from None
    if not isinstance(doc, dict):
        raise malformed(url, "the JSON answer is not an object")
    return doc


def _term(cell: Any, url: str) -> Any:
    """A SPARQL JSON results term as the rdflib term the embedded engine would give."""
    if cell is None:
        return None
    if not isinstance(cell, dict) or not isinstance(cell.get("value"), str):
        raise malformed(url, f"a result value is not a term: {str(cell)[:80]}")
    kind, value = cell.get("type"), cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):  # typed-literal: Virtuoso's pre-1.1 spelling
        lang = cell.get("xml:lang")
        dt = cell.get("datatype")
        if lang:
            return Literal(value, lang=lang)
        if dt and dt != str(XSD.string):
            return Literal(value, datatype=URIRef(dt))
        return Literal(value)
    if kind == "triple":
        raise malformed(url, "RDF-star triple terms are not supported")
    raise malformed(url, f"unknown term type {kind!r}")
