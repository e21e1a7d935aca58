"""The gate in front of ``rusgraph serve``'s Oxigraph server: what a client may ask of it.

Owns: an ASGI app (served by uvicorn, forwarding with httpx) that stands between clients and
``oxigraph serve-read-only``, because that server cannot be told to refuse federation or
to check the ``Host`` header. It answers only requests whose ``Host`` names an address it
serves (so a web page cannot reach it through DNS rebinding); lets through reads only
(``GET``/``HEAD`` of the query page and the Graph Store, and queries at ``/query``);
refuses any query that names ``SERVICE`` (federation: the server would fetch that URL) and
any update or ``LOAD``; rebuilds each query request itself, so Oxigraph runs exactly the
text that was screened; and turns a query Oxigraph stopped at its time limit into a clear
503. It must not evaluate SPARQL, hold data or start processes (``rusgraph.remote.server`` does).
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

#: Oxigraph appends this to an answer it stops at ``--timeout-s`` (after a 200 status).
CANCELLED = b"The SPARQL operation has been cancelled"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
QUERY_PARAMS = ("query", "default-graph-uri", "named-graph-uri")
READ_PATHS = ("/", "/store")
#: Seconds the gate waits past the time limit for Oxigraph to stop a query itself.
GRACE = 1.0
#: Keywords that make a server fetch or change something. A query has no LOAD, but the
#: check is on tokens, so it costs nothing to refuse it wherever it stands.
FORBIDDEN = ("SERVICE", "LOAD")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


# ------------------------------------------------------------------- screening a query


def _code_only(text: str) -> str:
    """``text`` with comments, string literals and IRIs blanked out: what is left are the
    keywords, names and punctuation a SPARQL parser reads as syntax."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            out.append(" ")
        elif ch in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
            out.append(" ")
        elif ch == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]):
            i = text.index(">", i) + 1
            out.append(" ")
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _unescaped(text: str) -> str:
    """SPARQL 1.1 (19.2) lets ``\\u`` escapes stand anywhere; a parser that applies them
    first would read ``\\u0053ERVICE`` as SERVICE."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if int(m.group(1) or m.group(2), 16) < 0x110000
                       else m.group(0), text)


def forbidden_keyword(query: str) -> str | None:
    """The first federation or update keyword in ``query`` outside comments, strings and
    IRIs, read both as written and with ``\\u`` escapes applied; None when there is none.
    Names that merely contain the word (``?service``, ``ex:service``) do not count."""
    for text in (query, _unescaped(query)):
        code = _code_only(text)
        for word in FORBIDDEN:
            if re.search(rf"(?<![\w?$:]){word}(?![\w:])", code, re.IGNORECASE):
                return word
    return None


# ------------------------------------------------------------------------- the gate


@dataclass(frozen=True)
class Gate:
    """The ASGI app: ``backend`` is the Oxigraph server's base URL, ``hosts`` the names a
    client may put in ``Host`` (any port in ``ports``), ``time_limit`` the seconds a query
    may take. Oxigraph is told the same limit; when it has not answered a moment after it,
    ``on_overrun(generation)`` stops that Oxigraph process by force (and starts a new one):
    ``generation()`` numbers the processes, so two overrunning queries restart it once."""

    backend: str
    hosts: frozenset[str]
    ports: frozenset[int]
    time_limit: float
    on_overrun: Callable[[int], None] | None = None
    generation: Callable[[], int] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                pass
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if not self.host_allowed(headers.get("host", "")):
            await _reply(send, 403, "this server answers only requests addressed to it by its own name "
                                    f"({', '.join(sorted(self.hosts))}); the Host header was "
                                    f"{headers.get('host', '(none)')!r}")
            return
        method, path = scope["method"], scope["path"]
        if path == "/query" and method in ("GET", "HEAD", "POST"):
            await self._query(scope, receive, send, headers)
        elif path in READ_PATHS and method in ("GET", "HEAD"):
            await self._forward(send, method, path, scope.get("query_string", b"").decode("latin-1"), headers)
        elif path in ("/update", "/store"):
            await _reply(send, 403, "this server is read-only: it takes no updates and no writes")
        else:
            await _reply(send, 404, "not found: this server answers SPARQL queries at /query")

    def host_allowed(self, host: str) -> bool:
        if not host:
            return False
        m = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\](?::(\d+))?|([^:\[\]]+)(?::(\d+))?", host)
        if not m:
            return False
        name = (m.group(1) or m.group(3) or "").lower().rstrip(".")
        port = m.group(2) or m.group(4)
        return name in self.hosts and (int(port) if port else 80) in self.ports

    async def _query(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]) -> None:
        raw = scope.get("query_string", b"").decode("latin-1")
        if scope["method"] == "POST":
            body = await _body(receive)
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-query":
                if raw and any(k == "query" for k, _ in urllib.parse.parse_qsl(raw)):
                    await _reply(send, 400, "give the query once: in the body or in the URL, not both")
                    return
                raw = "&".join(p for p in (raw, urllib.parse.urlencode({"query": body.decode("utf-8", "replace")})) if p)
            elif ctype == "application/x-www-form-urlencoded":
                if raw:
                    await _reply(send, 400, "give the parameters in the body or in the URL, not both")
                    return
                raw = body.decode("utf-8", "replace")
            else:
                await _reply(send, 415, "send the query as application/sparql-query or "
                                        "application/x-www-form-urlencoded (SPARQL 1.1 Protocol)")
                return
        params = urllib.parse.parse_qsl(raw, keep_blank_values=True)
        unknown = sorted({k for k, _ in params if k not in QUERY_PARAMS})
        queries = [v for k, v in params if k == "query"]
        if unknown:
            await _reply(send, 400, f"unknown parameter(s): {', '.join(unknown)}; this server takes "
                                    + ", ".join(QUERY_PARAMS))
            return
        if len(queries) != 1:
            await _reply(send, 400, "give exactly one query parameter" if queries else
                         "no query given: send query=... (SPARQL 1.1 Protocol)")
            return
        word = forbidden_keyword(queries[0])
        if word:
            await _reply(send, 403, f"this server does not run queries with {word}: it fetches nothing "
                                    "from elsewhere and changes nothing")
            return
        # Rebuilt here, so the server runs exactly what was screened.
        await self._forward(send, "POST", "/query", "", headers, body=urllib.parse.urlencode(params).encode("ascii"))

    async def _forward(self, send: Send, method: str, path: str, query: str, headers: dict[str, str],
                       body: bytes | None = None) -> None:
        import asyncio

        import httpx

        out = {"accept": headers.get("accept", "*/*")}
        if body is not None:
            out["content-type"] = "application/x-www-form-urlencoded"
        url = self.backend + path + (f"?{query}" if query else "")
        generation = self.backend_generation()
        try:
            async with httpx.AsyncClient(timeout=self.time_limit + GRACE, follow_redirects=False) as client:
                # One deadline for the whole answer: Oxigraph's own --timeout-s does not stop
                # every query (a large join runs on), so the gate stops it by force.
                resp = await asyncio.wait_for(client.request(method, url, headers=out, content=body),
                                              self.time_limit + GRACE)
        except (asyncio.TimeoutError, httpx.TimeoutException):
            if self.on_overrun is not None:
                await asyncio.to_thread(self.on_overrun, generation)
            await _reply(send, 503, f"the query was stopped at the server's time limit of {self.time_limit:g} s "
                                    "(rusgraph serve --time-limit); ask a narrower question")
            return
        except httpx.HTTPError as exc:
            await _reply(send, 502, f"the Oxigraph server behind this gate did not answer ({type(exc).__name__}); "
                                    "if another query was just stopped at the time limit, ask again")
            return
        if resp.content.rstrip().endswith(CANCELLED):
            await _reply(send, 503, f"the query was stopped at the server's time limit of {self.time_limit:g} s "
                                    "(rusgraph serve --time-limit); ask a narrower question")
            return
        keep = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in resp.headers.items()
                if k.lower() in ("content-type", "content-disposition", "vary")]
        await send({"type": "http.response.start", "status": resp.status_code,
                    "headers": [*keep, (b"content-length", str(len(resp.content)).encode())]})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else resp.content})

    def backend_generation(self) -> int:
        return self.generation() if self.generation is not None else 0


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _reply(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_names(host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names a client may use for a server bound to ``host``: the host itself, the
    loopback names when it is a loopback address, and any names given."""
    names = {host.strip("[]").lower(), *(e.strip().strip("[]").lower().rstrip(".") for e in extra if e.strip())}
    if is_loopback(host):
        names.update(LOOPBACK_NAMES)
    return frozenset(names)
