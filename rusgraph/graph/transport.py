"""One HTTP exchange with a SPARQL store: under a wall-clock deadline, credentials kept to
their own host, redirects by a stated policy.

Owns: sending a request and reading the whole answer before a deadline that covers
connecting, waiting and every byte of the body (a store trickling one byte at a time cannot
hold rusgraph past it); sending credentials only to the scheme, host and port they were
given for; following a redirect only where it keeps the request whole (same origin, or a
307/308 that keeps the method and body) and, to another host, only when asked, then without
credentials; the HTTP(S) proxy named in the environment. It must not retry (the caller
retries only a connection that was never made), parse answers or know SPARQL.
"""

from __future__ import annotations

import base64
import http.client
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from ..errors import EndpointError

MAX_REDIRECTS = 5
#: Redirects that keep the method and body (RFC 9110 15.4.8/9); 301/302/303 turn a POST into
#: a GET without the body, which would lose the query.
KEEPS_BODY = (307, 308)


class NotConnected(EndpointError):
    """No connection could be made, or it closed before a byte of the answer: the store
    never answered, so asking again is safe (a broken answer is never asked again)."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    url: str  # where it came from, after redirects


@dataclass(frozen=True)
class Credentials:
    """A user and password, and the origin (scheme, host, port) they belong to."""

    user: str
    password: str = field(repr=False)
    origin: tuple[str, str, int] = ("", "", 0)

    def header(self) -> str:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return "Basic " + token


def origin(url: str) -> tuple[str, str, int]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def _shown(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=host))


def exchange(method: str, url: str, body: bytes | None, headers: dict[str, str], *, timeout: float,
             credentials: Credentials | None = None, follow_redirects: bool = False,
             limit: float | None = None) -> Answer:
    """``method url`` with ``body``; the whole answer within ``timeout`` seconds from now.

    Raises :class:`NotConnected` when no connection could be made, EndpointError for a
    deadline passed, a connection lost, a redirect refused; an HTTP error status is an
    :class:`Answer` like any other, for the caller to judge. ``limit`` is the time limit a
    message names (the user's ``--timeout``), when ``timeout`` is what is left of it.
    """
    deadline = time.monotonic() + timeout
    timeout = limit or timeout
    shown = _shown(url)
    for _ in range(MAX_REDIRECTS + 1):
        answer = _once(method, url, body, headers, deadline, timeout, credentials)
        if answer.status not in (301, 302, 303, 307, 308):
            return answer
        target = urllib.parse.urljoin(url, answer.headers.get("location", ""))
        if not answer.headers.get("location") or origin(target)[0] not in ("http", "https"):
            raise EndpointError(f"HTTP {answer.status}, a redirect without a usable Location", where=shown)
        same = origin(target) == origin(url)
        if method == "POST" and answer.status not in KEEPS_BODY:
            raise EndpointError(f"HTTP {answer.status}, the store redirects to {_shown(target)}, and following it "
                                "would turn the query into a GET without the query", where=shown,
                                hint="use that URL as --endpoint")
        if not same and not follow_redirects:
            raise EndpointError(f"HTTP {answer.status}, the store redirects to another host, {_shown(target)}; "
                                "rusgraph does not send the query or credentials there", where=shown,
                                hint="use that URL as --endpoint if you trust it, or pass --follow-redirects "
                                     "to follow such redirects without credentials")
        if not same:
            credentials = None  # never beyond the origin they were given for
        url = target
    raise EndpointError(f"more than {MAX_REDIRECTS} redirects", where=shown)


def _connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection for ``url`` (through the environment's proxy when one applies) and the
    request target to send."""
    parts = urllib.parse.urlsplit(url)
    scheme, host, port = origin(url)
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    proxy = urllib.request.getproxies().get(scheme)
    if proxy and (_loopback(host) or urllib.request.proxy_bypass(host)):
        proxy = None
    conn: http.client.HTTPConnection
    if proxy:
        p = urllib.parse.urlsplit(proxy if "://" in proxy else "http://" + proxy)
        if scheme == "https":
            conn = http.client.HTTPSConnection(p.hostname or "", p.port or 80, timeout=timeout,
                                               context=ssl.create_default_context())
            conn.set_tunnel(host, port)
        else:
            conn = http.client.HTTPConnection(p.hostname or "", p.port or 80, timeout=timeout)
            target = urllib.parse.urlunsplit((scheme, f"{host}:{port}", parts.path or "/", parts.query, ""))
    elif scheme == "https":
        conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    return conn, target


def _loopback(host: str) -> bool:
    import ipaddress

    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _once(method: str, url: str, body: bytes | None, headers: dict[str, str], deadline: float, timeout: float,
          credentials: Credentials | None) -> Answer:
    shown = _shown(url)
    left = deadline - time.monotonic()
    if left <= 0:
        raise _late(timeout, shown)
    conn, target = _connection(url, left)
    send = dict(headers)
    if credentials is not None and credentials.origin == origin(url):
        send["Authorization"] = credentials.header()
    if body is not None:
        send["Content-Length"] = str(len(body))
    expired = threading.Event()

    def cut() -> None:  # the deadline: whatever the socket is waiting for ends now
        expired.set()
        sock = conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    timer = threading.Timer(left, cut)
    timer.daemon = True
    timer.start()
    try:
        try:
            conn.connect()
        except (TimeoutError, socket.timeout):
            raise _late(timeout, shown) from None
        except socket.gaierror:
            raise EndpointError("cannot reach the store: unknown host", where=shown, hint="check the host name") from None
        except ConnectionRefusedError:
            raise NotConnected("cannot reach the store: connection refused", where=shown,
                               hint="is the store running, and are the host and port right?") from None
        except ssl.SSLError as exc:
            raise EndpointError(f"cannot reach the store: TLS failed ({exc.reason})", where=shown) from None
        except OSError as exc:
            if expired.is_set():
                raise _late(timeout, shown) from None
            raise NotConnected(f"cannot reach the store: {exc.strerror or exc}", where=shown,
                               hint="is the store running, and are the host and port right?") from None
        try:
            conn.request(method, target, body=body, headers=send)
            resp = conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set() or isinstance(exc, (TimeoutError, socket.timeout)):
                raise _late(timeout, shown) from None
            if isinstance(exc, (ConnectionError, http.client.RemoteDisconnected)):
                # Closed before a byte of the answer: the store never answered this request.
                raise NotConnected(f"cannot reach the store: connection lost ({type(exc).__name__})", where=shown,
                                   hint="is the store running, and are the host and port right?") from None
            raise EndpointError(f"the store's answer is not usable: a broken HTTP answer ({type(exc).__name__})",
                                where=shown, hint="is this URL a SPARQL endpoint?") from None
        try:
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set() or isinstance(exc, (TimeoutError, socket.timeout)):
                raise _late(timeout, shown) from None
            raise EndpointError(f"the store broke off its answer ({type(exc).__name__})", where=shown,
                                hint="the answer is incomplete, so none of it was used; run the command again, "
                                     "or ask the store's administrator about its logs") from None
        answer_headers = {k.lower(): v for k, v in resp.getheaders()}
        status = resp.status
        if expired.is_set():
            raise _late(timeout, shown)
    finally:
        timer.cancel()
        conn.close()
    return Answer(status=status, headers=answer_headers, body=data, url=url)


def _late(timeout: float, where: str) -> EndpointError:
    return EndpointError(f"no complete answer within {timeout:g} s (timed out)", where=where,
                         hint="raise --timeout, ask a narrower question, or check that the store is not overloaded")
