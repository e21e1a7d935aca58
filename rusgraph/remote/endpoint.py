"""The SPARQL store as one object: where it is, who the user is there, which graphs a
query sees, and the requests rusgraph sends it.

Owns: the Endpoint (its query, update and store URLs, checked; the credentials and the
origins they belong to; timeout and retries), SELECT/ASK/CONSTRUCT over the SPARQL 1.1
Protocol (each a form POST through :mod:`rusgraph.graph.transport`, with one wall-clock deadline for the
answer, retries included), the choice of dataset (which named graphs a query sees), and the
single requests of Graph Store Protocol and SPARQL Update writes that :mod:`.push` decides
on. Reading answers and turning HTTP failures into errors is :mod:`.answers`'; reading the
rusgraph graphs back is :mod:`.readback`'s. It must not format output, validate or infer,
decide what a push writes, or put a credential into a message, a log line or a repr.

The default graph differs between stores: Oxigraph's holds only what was loaded into it
(not the named graphs), Virtuoso's is the union of every graph including its own system
graphs, Fuseki's depends on ``tdb:unionDefaultGraph``. So with ``graphs="auto"`` every
query names its dataset with the standard ``default-graph-uri``/``named-graph-uri``
protocol parameters: the rusgraph graphs found in the store, the same on every store.
"""

from __future__ import annotations

import logging
import re
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from rdflib import Graph, URIRef

from ..errors import EndpointError
from ..graph.knowledge import INFERRED_GRAPH, ONTOLOGY_GRAPH
from ..graph.namespaces import BASE, bind_prefixes
from ..graph.auth import Credentials
from ..graph.sparqltext import inject_values, mentioned_vars, strip_comments
from ..graph.transport import NotConnected, exchange, origin
from ..reports.queries import CannedQuery, QueryResult
from .answers import GRAPH_TYPES, RESULTS_JSON, graph_result, http_error, malformed, select_result, store_message

log = logging.getLogger(__name__)

GRAPH_BASE = BASE + "graph/"
DISCOVER = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{GRAPH_BASE}")) }}')
#: Graph Store statuses that mean "there is no Graph Store Protocol here": fall back to Update.
NO_GSP = (404, 405, 501)
_SAFE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_FROM = re.compile(r"\bFROM\s+(NAMED\s+)?<", re.IGNORECASE)

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
        # Credentials go to the scheme, host and port of the URLs the user gave with them,
        # never anywhere else, and only when the store there asks for them.
        self._credentials = (Credentials(user, password, {origin(u) for u in (query_url, update_url, store_url) if u})
                             if user is not None and password is not None else None)
        self._found: tuple[str, ...] | None = None

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
            result = QueryResult(kind=kind.lower(), graph=self.construct(text, graphs, named=True))
        else:
            raise EndpointError(f"rusgraph sends only SELECT, ASK, CONSTRUCT and DESCRIBE queries, not {kind or 'this'}",
                                where=query.path or query.name, hint="use rusgraph push to write to a store")
        return QueryResult(kind=result.kind, vars=result.vars, rows=result.rows, boolean=result.boolean,
                           graph=result.graph, query=query)

    def labels_for(self, iris: Iterable[Any], *, chunk: int = 200) -> Graph:
        """rdfs:label and skos:prefLabel triples of the given IRIs (for table output)."""
        wanted = sorted({str(i) for i in iris if isinstance(i, URIRef) and _SAFE_IRI.match(str(i))})
        out = bind_prefixes(Graph())
        graphs = self.dataset()
        for i in range(0, len(wanted), chunk):
            values = " ".join(f"<{iri}>" for iri in wanted[i:i + chunk])
            # ?p by FILTER, not a second VALUES: Oxigraph 0.5 reads every triple of each
            # predicate in the store for two VALUES blocks (20x slower at 18,000 measures).
            text = ("CONSTRUCT { ?s ?p ?l } WHERE { VALUES ?s { " + values + " } ?s ?p ?l "
                    "FILTER(?p IN (<http://www.w3.org/2000/01/rdf-schema#label>, "
                    "<http://www.w3.org/2004/02/skos/core#prefLabel>)) }")
            out += self.construct(text, graphs)
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

        return self._with_retries(attempt, self.url)

    def _select_or_ask(self, text: str, kind: str, graphs: Sequence[str], named: bool = False) -> QueryResult:
        body, headers = self._send(text, RESULTS_JSON, graphs, named)
        return select_result(body, headers, self.url, ask=kind == "ASK")

    def construct(self, text: str, graphs: Sequence[str], *, named: bool = False) -> Graph:
        """The graph a CONSTRUCT (or DESCRIBE) ``text`` gives over the dataset ``graphs``."""
        body, headers = self._send(text, GRAPH_TYPES, graphs, named)
        return graph_result(body, headers, self.url)

    def _with_retries(self, attempt: Callable[[], T], url: str) -> T:
        """Run ``attempt``; retry only a connection never made (:class:`NotConnected`: the
        store never saw the request), with bounded exponential backoff. A timeout means the
        store is busy (asking again doubles the load), and an HTTP error will not change."""
        for n in range(self.retries + 1):
            try:
                return attempt()
            except NotConnected as exc:
                if n == self.retries:
                    raise
                delay = self.backoff * (2 ** n)
                log.info("cannot reach %s (%s); retrying in %.1f s", url, exc.message, delay)
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
            raise malformed(self.url, "an ASK answer without a true/false 'boolean'")
        return bool(result.boolean)

    def count_triples(self, graph: str) -> int:
        """How many triples the store holds in ``graph``."""
        result = self._select_or_ask(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", "SELECT", ())
        try:
            return int(result.rows[0][0])
        except (IndexError, TypeError, ValueError):
            raise malformed(self.url, "a COUNT without a number") from None

    def _write(self, url: str, method: str, body: bytes, content_type: str) -> tuple[int, str]:
        """One write request: (HTTP status, the store's message when it is an error), sent
        like a query (one deadline, the store's challenge answered, credentials kept to
        their origin); only a connection never made is tried again."""
        headers = {"Content-Type": content_type, "User-Agent": "rusgraph"}
        shown = redact(url)

        def attempt() -> tuple[int, str]:
            answer = exchange(method, url, body, headers, timeout=self.timeout, credentials=self._credentials,
                              follow_redirects=self.follow_redirects)
            return answer.status, (store_message(answer.body) if answer.status >= 300 else "")

        return self._with_retries(attempt, shown)

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
