"""Talk to a SPARQL store: query it, read the rusgraph graphs back, and send it the write
requests that ``rusgraph.remote.push`` decides on.

Owns: SELECT/ASK/CONSTRUCT over the SPARQL 1.1 Protocol (each a form POST through
:mod:`rusgraph.graph.transport`: one wall-clock deadline, credentials kept to their host),
the HTTP of Graph Store Protocol and SPARQL Update writes (with the store's own
authentication scheme, Basic or Digest), the choice of dataset
(which named graphs a query sees), and turning every HTTP failure into an EndpointError
that names the URL and says what to do. It must not format output, validate or infer, and
it never puts a credential into a message, a log line or a repr.

The default graph differs between stores: Oxigraph's holds only what was loaded into it
(not the named graphs), Virtuoso's is the union of every graph including its own system
graphs, Fuseki's depends on ``tdb:unionDefaultGraph``. So with ``graphs="auto"`` every
query names its dataset with the standard ``default-graph-uri``/``named-graph-uri``
protocol parameters: the rusgraph graphs found in the store, the same on every store.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from http.client import HTTPException, IncompleteRead
from typing import Any, TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from ..errors import EndpointError, SourceError
from ..graph.inputs import check_iris
from ..graph.knowledge import INFERRED_GRAPH, ONTOLOGY_GRAPH, KnowledgeGraph
from ..graph.namespaces import BASE, bind_prefixes
from ..graph.transport import Credentials, NotConnected, exchange, origin
from ..reports.queries import CannedQuery, QueryResult
from ..graph.sparqltext import mentioned_vars, strip_comments, inject_values

log = logging.getLogger(__name__)

GRAPH_BASE = BASE + "graph/"
DISCOVER = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{GRAPH_BASE}")) }}')
#: Result caps a store applies without saying so in the status code. Virtuoso's default
#: ``ResultSetMaxRows`` is 10,000; it also sends ``X-SPARQL-MaxRows`` when it truncates.
KNOWN_CAPS = {"virtuoso": 10_000}
#: Graph Store statuses that mean "there is no Graph Store Protocol here": fall back to Update.
NO_GSP = (404, 405, 501)
_SAFE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.5"
_FROM = re.compile(r"\bFROM\s+(NAMED\s+)?<", re.IGNORECASE)
_RDF_TYPES = {"text/turtle": "turtle", "application/x-turtle": "turtle", "application/turtle": "turtle",
              "application/n-triples": "nt", "text/plain": "nt", "text/rdf+n3": "n3",
              "text/n3": "n3", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}

T = TypeVar("T")


# ---------------------------------------------------------------------------- endpoint


def plain_iri(text: str) -> bool:
    """True for an absolute IRI that can stand between ``<`` and ``>`` as it is."""
    return bool(_SAFE_IRI.match(text))


def redact(url: str) -> str:
    """The URL without any user:password@ part, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        parts = parts._replace(netloc=f"***@{host}")
    return urllib.parse.urlunsplit(parts)


class Endpoint:
    """A SPARQL store, read over the SPARQL 1.1 Protocol and written by ``push``.

    ``graphs`` picks the dataset of every query: ``"auto"`` finds the rusgraph named graphs
    (IRIs under https://w3id.org/rusgraph/graph/) and names them as the default graph (and
    as named graphs, so ``GRAPH`` patterns still work); ``"store"`` sends nothing and lets the
    store decide; a list of IRIs names exactly those graphs. Queries with their own
    ``FROM`` clauses keep them. Connection failures are retried ``retries`` times with
    exponential backoff; timeouts and HTTP errors are not retried.
    """

    def __init__(self, query_url: str, update_url: str | None = None, store_url: str | None = None,
                 user: str | None = None, password: str | None = None, timeout: float = 30,
                 retries: int = 3, graphs: str | Sequence[str] = "auto", *, backoff: float = 0.5,
                 follow_redirects: bool = False):
        for name, url in (("endpoint", query_url), ("update URL", update_url), ("store URL", store_url)):
            if url is not None and not re.match(r"^https?://[^/\s]+", url):
                raise EndpointError(f"the {name} is not an http(s) URL", where=redact(url),
                                    hint="give a full URL such as http://localhost:7878/query")
        if timeout <= 0:
            raise EndpointError("the timeout must be positive", where=redact(query_url))
        if isinstance(graphs, str) and graphs not in ("auto", "store"):
            graphs = [g.strip() for g in graphs.split(",") if g.strip()]
        if not isinstance(graphs, str):
            bad = [g for g in graphs if not _SAFE_IRI.match(g)]
            if bad or not graphs:
                raise EndpointError(f"not a graph IRI: {bad[0] if bad else '(empty list)'}",
                                    hint='use "auto", "store" or comma-separated graph IRIs')
            graphs = tuple(graphs)
        self.query_url = query_url
        self.update_url = update_url
        self.store_url = store_url
        self.timeout = float(timeout)
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.graphs = graphs
        parts = urllib.parse.urlsplit(query_url)
        if user is None and parts.username:  # http://user:password@host/... as curl takes it
            user, password = urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")
        self._user = user
        self._password = password
        self.follow_redirects = follow_redirects
        # Credentials go to the query URL's own scheme, host and port, never anywhere else.
        self._credentials = (Credentials(user, password, origin(query_url))
                             if user is not None and password is not None else None)
        self._found: tuple[str, ...] | None = None
        self._writer: urllib.request.OpenerDirector | None = None

    def __repr__(self) -> str:
        auth = ", user=***" if self._user else ""
        return f"Endpoint({redact(self.query_url)!r}{auth}, graphs={self.graphs!r})"

    @property
    def url(self) -> str:
        """The query URL as messages show it (never with credentials)."""
        return redact(self.query_url)

    # ------------------------------------------------------------------ dataset

    def rusgraph_graphs(self, *, refresh: bool = False) -> tuple[str, ...]:
        """The rusgraph named graphs in the store (sorted), found once and remembered."""
        if self._found is None or refresh:
            result = self._select_or_ask(DISCOVER, "SELECT", ())
            found = {str(row[0]) for row in result.rows if isinstance(row[0], URIRef)}
            self._found = tuple(sorted(g for g in found if _SAFE_IRI.match(g)))
            log.debug("found %d rusgraph graph(s) at %s", len(self._found), self.url)
        return self._found

    def dataset(self) -> tuple[str, ...]:
        """The graphs a query's default graph is made of; () means the store's own default."""
        if self.graphs == "store":
            return ()
        if self.graphs == "auto":
            found = self.rusgraph_graphs()
            if not found:
                log.warning("no rusgraph graphs (%s...) at %s; querying the store's default graph",
                            GRAPH_BASE, self.url)
            return found
        return tuple(self.graphs)

    def data_graphs(self, *, with_inferred: bool = False) -> tuple[str, ...]:
        """The graphs holding data: the dataset without the ontology (and the inferred graph)."""
        skip = {str(ONTOLOGY_GRAPH)} | (set() if with_inferred else {str(INFERRED_GRAPH)})
        return tuple(g for g in self.dataset() if g not in skip)

    # ------------------------------------------------------------------ queries

    def run_sparql(self, query: CannedQuery, bindings: Mapping[str, Any]) -> QueryResult:
        """Run a query with its parameter bindings (as a VALUES block) on the store."""
        used = mentioned_vars(query.text)
        bound = {k: v for k, v in bindings.items() if k in used}
        text = inject_values(query.text, bound) if bound else query.text
        own_dataset = bool(_FROM.search(strip_comments(text)))
        graphs = () if own_dataset else self.dataset()
        kind = _query_type(text)
        if kind in ("SELECT", "ASK"):
            result = self._select_or_ask(text, kind, graphs, named=True)
        elif kind in ("CONSTRUCT", "DESCRIBE"):
            result = QueryResult(kind=kind.lower(), graph=self._construct(text, graphs, named=True))
        else:
            raise EndpointError(f"rusgraph sends only SELECT, ASK, CONSTRUCT and DESCRIBE queries, not {kind or 'this'}",
                                where=query.path or query.name, hint="use rusgraph push to write to a store")
        return QueryResult(kind=result.kind, vars=result.vars, rows=result.rows, boolean=result.boolean,
                           graph=result.graph, query=query)

    def fetch_parts(self, *, with_inferred: bool = False) -> dict[URIRef, Graph]:
        """The rusgraph data graphs, one rdflib Graph per named graph (the ontology left out).

        With ``graphs="store"`` the store's default graph comes back as one part.
        """
        if self.graphs == "store":
            return {URIRef(GRAPH_BASE + "endpoint"): self._construct("CONSTRUCT WHERE { ?s ?p ?o }", ())}
        graphs = self.data_graphs(with_inferred=with_inferred)
        if not graphs:
            raise EndpointError("the store holds no rusgraph data graphs", where=self.url,
                                hint=f"push them first (rusgraph push --endpoint {self.url} ...), "
                                     "or pass --graphs store to read the store's default graph")
        return {URIRef(g): self._construct("CONSTRUCT WHERE { ?s ?p ?o }", (g,)) for g in graphs}

    def fetch(self, *, with_inferred: bool = False) -> Graph:
        """The whole rusgraph data of the store as one rdflib Graph (without the ontology)."""
        out = bind_prefixes(Graph())
        for part in self.fetch_parts(with_inferred=with_inferred).values():
            out += part
        return out

    def labels_for(self, iris: Iterable[Any], *, chunk: int = 200) -> Graph:
        """rdfs:label and skos:prefLabel triples of the given IRIs (for table output)."""
        wanted = sorted({str(i) for i in iris if isinstance(i, URIRef) and _SAFE_IRI.match(str(i))})
        out = bind_prefixes(Graph())
        graphs = self.dataset()
        for i in range(0, len(wanted), chunk):
            values = " ".join(f"<{iri}>" for iri in wanted[i:i + chunk])
            text = ("CONSTRUCT { ?s ?p ?l } WHERE { VALUES ?s { " + values + " } "
                    "VALUES ?p { <http://www.w3.org/2000/01/rdf-schema#label> "
                    "<http://www.w3.org/2004/02/skos/core#prefLabel> } ?s ?p ?l }")
            out += self._construct(text, graphs)
        return out

    # ------------------------------------------------------------------ transport

    def _send(self, text: str, accept: str, graphs: Sequence[str], named: bool) -> tuple[bytes, dict[str, str]]:
        """POST the query (and the dataset) as a form; the whole answer within ``timeout``."""
        params = [("query", text)]
        for g in graphs:
            params.append(("default-graph-uri", g))
            if named:
                params.append(("named-graph-uri", g))
        body = urllib.parse.urlencode(params).encode("utf-8")
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
                   "User-Agent": "rusgraph"}
        deadline = time.monotonic() + self.timeout  # one deadline for the answer, retries included

        def attempt() -> tuple[bytes, dict[str, str]]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise EndpointError(f"no complete answer within {self.timeout:g} s (timed out)", where=self.url,
                                    hint="raise --timeout, ask a narrower question, or check that the store is not overloaded")
            answer = exchange("POST", self.query_url, body, headers, timeout=left, limit=self.timeout,
                              credentials=self._credentials, follow_redirects=self.follow_redirects)
            if answer.status >= 300:
                raise http_error(answer.status, self.url, "query", store_message(answer.body), self._user is not None)
            return answer.body, answer.headers

        return self._with_retries(attempt, self.url, "query")

    def _select_or_ask(self, text: str, kind: str, graphs: Sequence[str], named: bool = False) -> QueryResult:
        body, headers = self._send(text, RESULTS_JSON, graphs, named)
        doc = _json_body(body, headers, self.url)
        if kind == "ASK" or "boolean" in doc:
            if not isinstance(doc.get("boolean"), bool):
                raise _malformed(self.url, "an ASK answer without a true/false 'boolean'")
            return QueryResult(kind="ask", boolean=doc["boolean"])
        head, results = doc.get("head"), doc.get("results")
        if not isinstance(head, dict) or not isinstance(results, dict) or not isinstance(results.get("bindings"), list):
            raise _malformed(self.url, "JSON without head.vars and results.bindings")
        vars_ = head.get("vars", [])
        if not isinstance(vars_, list) or not all(isinstance(v, str) for v in vars_):
            raise _malformed(self.url, "head.vars is not a list of names")
        rows = []
        for b in results["bindings"]:
            if not isinstance(b, dict):
                raise _malformed(self.url, "a result row is not a JSON object")
            rows.append(tuple(_term(b.get(v), self.url) for v in vars_))
        self._check_cap(len(rows), headers, "rows")
        return QueryResult(kind="select", vars=tuple(vars_), rows=tuple(rows))

    def _construct(self, text: str, graphs: Sequence[str], named: bool = False) -> Graph:
        body, headers = self._send(text, GRAPH_TYPES, graphs, named)
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        fmt = _RDF_TYPES.get(ctype)
        if fmt is None:
            raise _malformed(self.url, f"a graph was asked for, the answer is {ctype or 'untyped'}")
        g = bind_prefixes(Graph())
        try:
            g.parse(data=body, format=fmt)
        except Exception as exc:  # noqa: BLE001 - rdflib raises many unrelated types for bad input
            raise _malformed(self.url, f"the {fmt} answer does not parse ({' '.join(str(exc).split())[:200]})") from None
        try:
            check_iris(g, self.url)  # rdflib lets some through; no output may hold them
        except SourceError as exc:
            raise _malformed(self.url, exc.message) from None
        self._check_cap(len(g), headers, "triples")
        return g

    def _check_cap(self, count: int, headers: Mapping[str, str], what: str) -> None:
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
                where=self.url,
                hint="raise the limit on the store (Virtuoso: ResultSetMaxRows in the [SPARQL] section of "
                     "virtuoso.ini, then restart), or ask a narrower question (fewer graphs with --graphs, "
                     "a FILTER, or LIMIT/OFFSET pages)")

    def _with_retries(self, attempt: Callable[[], T], url: str, action: str) -> T:
        """Run ``attempt``; retry only connection failures, with bounded exponential backoff."""
        for n in range(self.retries + 1):
            try:
                return attempt()
            except Exception as exc:
                err = _classify(exc, url, action, self.timeout, bool(self._user))
                if err is None:
                    raise
                retry, error = err
                if not retry or n == self.retries:
                    raise error from None
                delay = self.backoff * (2 ** n)
                log.info("cannot reach %s (%s); retrying in %.1f s", url, error.message, delay)
                time.sleep(delay)
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ writes

    @property
    def has_credentials(self) -> bool:
        return self._user is not None

    def forget_graphs(self) -> None:
        """Find the store's rusgraph graphs again on the next query (after a write)."""
        self._found = None

    def ask(self, text: str) -> bool:
        """The answer of an ASK query sent as it is (no dataset parameters)."""
        result = self._select_or_ask(text, "ASK", ())
        if result.boolean is None:
            raise _malformed(self.url, "an ASK answer without a true/false 'boolean'")
        return bool(result.boolean)

    def count_triples(self, graph: str) -> int:
        """How many triples the store holds in ``graph``."""
        result = self._select_or_ask(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", "SELECT", ())
        try:
            return int(result.rows[0][0])
        except (IndexError, TypeError, ValueError):
            raise _malformed(self.url, "a COUNT without a number") from None

    def _opener(self) -> urllib.request.OpenerDirector:
        """One opener per endpoint that answers the store's challenge in the scheme it asks for.

        No credentials go out before the store asks: Virtuoso answers an unasked-for Basic
        header with a bare 401 and no challenge, and wants Digest on its ``-auth`` endpoints.
        (A prior-auth password manager would not do: urllib's Basic handler marks the URL
        authenticated after any 2xx, Digest ones included, and then sends Basic up front.)
        The password manager holds the credentials for the write URLs only.
        """
        if self._writer is None:
            handlers: list[urllib.request.BaseHandler] = []
            if self._user is not None and self._password is not None:
                urls = [u for u in (self.store_url, self.update_url) if u]
                mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                mgr.add_password(None, urls, self._user, self._password)
                handlers += [urllib.request.HTTPDigestAuthHandler(mgr), urllib.request.HTTPBasicAuthHandler(mgr)]
            self._writer = urllib.request.build_opener(*handlers)
        return self._writer

    def _write(self, url: str, method: str, body: bytes, content_type: str) -> tuple[int, str]:
        """One write request: (HTTP status, the store's message when it is an error)."""
        opener = self._opener()
        req = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": content_type, "User-Agent": "rusgraph"})

        def attempt() -> tuple[int, str]:
            try:
                with opener.open(req, timeout=self.timeout) as resp:
                    resp.read()
                    return int(resp.status), ""
            except urllib.error.HTTPError as exc:  # statuses are the caller's to judge
                return int(exc.code), store_message(exc.read())

        return self._with_retries(attempt, redact(url), "write")

    def gsp_write(self, graph: str, body: bytes, *, put: bool) -> tuple[int, str]:
        """PUT (replace) or POST (append) N-Triples into ``graph`` by the Graph Store Protocol."""
        sep = "&" if "?" in (self.store_url or "") else "?"
        url = f"{self.store_url}{sep}graph={urllib.parse.quote(graph, safe='')}"
        return self._write(url, "PUT" if put else "POST", body, "application/n-triples")

    def gsp_delete(self, graph: str) -> tuple[int, str]:
        """DELETE ``graph`` by the Graph Store Protocol."""
        sep = "&" if "?" in (self.store_url or "") else "?"
        url = f"{self.store_url}{sep}graph={urllib.parse.quote(graph, safe='')}"
        return self._write(url, "DELETE", b"", "application/n-triples")

    def update(self, text: str) -> tuple[int, str]:
        """Send SPARQL Update ``text`` to the update URL: (HTTP status, the store's message)."""
        assert self.update_url
        return self._write(self.update_url, "POST", text.encode("utf-8"), "application/sparql-update")


# ----------------------------------------------------------------------------- helpers


def _query_type(text: str) -> str:
    body = strip_comments(text)
    body = re.sub(r"(?is)^\s*((PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
    m = re.match(r"\s*([A-Za-z]+)", body)
    return m.group(1).upper() if m else ""


def _snippet(body: bytes | str, n: int = 300) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    if "<html" in text[:500].lower():
        text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split())[:n]


#: Where a store's error message starts echoing the query back (Virtuoso: "SPARQL query:").
_ECHO = re.compile(r"\n\s*(SPARQL query|Query|SPARQL request)\s*:\s*\n", re.IGNORECASE)


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


def _error_body(exc: Exception) -> str:
    """The server's message in an HTTP error answer, in full but for an echoed query."""
    if isinstance(exc, urllib.error.HTTPError):
        try:
            return store_message(exc.read())
        except Exception:  # noqa: BLE001 - the body is a nicety
            return ""
    return ""


def http_error(status: int, url: str, action: str, detail: str = "", with_credentials: bool = False) -> EndpointError:
    """The EndpointError for an HTTP error status, with what to do about it."""
    said = f": {detail}" if detail else ""
    if status == 400:
        what = "the query" if action == "query" else "the request"
        return EndpointError(f"HTTP 400, the store rejected {what} as malformed{said}", where=url,
                             hint="check the SPARQL (the store's message above says where)")
    if status == 401:
        return EndpointError("HTTP 401, the store wants credentials" + (" and refused the ones given" if with_credentials else ""),
                             where=url, hint="pass --user and --password (or set RUSGRAPH_USER and RUSGRAPH_PASSWORD)")
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


def _classify(exc: Exception, url: str, action: str, timeout: float,
              with_credentials: bool) -> tuple[bool, EndpointError] | None:
    """(retry?, error) for a transport exception, or None when it is not ours to translate.

    Only connection failures are retried: a timeout means the store is busy (asking again
    doubles the load), and an HTTP error will not change by asking again.
    """
    if isinstance(exc, NotConnected):  # nothing was sent: asking again is safe
        return True, exc
    if isinstance(exc, EndpointError):
        return False, exc
    name = type(exc).__name__
    if isinstance(exc, urllib.error.HTTPError):
        return False, http_error(exc.code, url, action, _error_body(exc), with_credentials)
    reason: Any = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return False, EndpointError(f"no answer within {timeout:g} s (timed out)", where=url,
                                    hint="raise --timeout, ask a narrower question, or check that the store is not overloaded")
    if isinstance(reason, socket.gaierror):
        return False, EndpointError("cannot reach the store: unknown host", where=url, hint="check the host name")
    if isinstance(reason, (ConnectionError, IncompleteRead)):
        why = ("connection refused" if isinstance(reason, ConnectionRefusedError)
               else f"connection lost ({type(reason).__name__})")
        return True, EndpointError(f"cannot reach the store: {why}", where=url,
                                   hint="is the store running, and are the host and port right?")
    if isinstance(exc, HTTPException):  # BadStatusLine and friends: not HTTP at all
        return False, _malformed(url, f"a broken HTTP answer ({name})")
    if isinstance(exc, ValueError) and "does not support the following scheme" in str(exc):
        return False, EndpointError("the store asks for an authentication scheme rusgraph does not speak "
                                    "(it speaks Basic and Digest)", where=url)
    if isinstance(exc, urllib.error.URLError) or isinstance(reason, OSError):
        return True, EndpointError(f"cannot reach the store: {reason}", where=url,
                                   hint="is the store running, and are the host and port right?")
    return None


def _malformed(url: str, why: str) -> EndpointError:
    return EndpointError(f"the store's answer is not usable: {why}", where=url,
                         hint="is this URL a SPARQL endpoint (not a web page or a proxy's error page)?")


def _json_body(body: bytes, headers: Mapping[str, str], url: str) -> dict[str, Any]:
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        ctype = headers.get("content-type", "untyped").split(";")[0]
        raise _malformed(url, f"SPARQL JSON results were asked for, the answer is {ctype}: "
                              f"{_snippet(body, 80)!r}") from None
    if not isinstance(doc, dict):
        raise _malformed(url, "the JSON answer is not an object")
    return doc


def _term(cell: Any, url: str) -> Any:
    """A SPARQL JSON results term as the rdflib term the embedded engine would give."""
    if cell is None:
        return None
    if not isinstance(cell, dict) or not isinstance(cell.get("value"), str):
        raise _malformed(url, f"a result value is not a term: {str(cell)[:80]}")
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
        raise _malformed(url, "RDF-star triple terms are not supported")
    raise _malformed(url, f"unknown term type {kind!r}")


def load_from_endpoint(endpoint: Endpoint, *, ontology: Sequence[Any] | None = None,
                       shapes: Sequence[Any] | None = None, with_inferred: bool = False) -> KnowledgeGraph:
    """A KnowledgeGraph whose data parts are read from the store (one per named graph), with
    the ontology and shapes loaded locally (the bundled ones by default)."""
    from dataclasses import replace

    from ..graph.sources import load

    base = load([], ontology=ontology, shapes=shapes)
    return replace(base, parts=endpoint.fetch_parts(with_inferred=with_inferred), sources=(endpoint.url,))
