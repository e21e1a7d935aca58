"""HTTP authentication for the store: answering its challenge in Basic or Digest.

Owns: a user's credentials and the origins (scheme, host, port) they were given for; reading
a ``WWW-Authenticate`` challenge (RFC 9110 11.6.1, several challenges in one header or in
several); the answer to it in the scheme the store asks for, Digest (RFC 7616: MD5, SHA-256
and their ``-sess`` variants, qop ``auth`` or ``auth-int``, or none as in RFC 2069) before
Basic (RFC 7617) when a store offers both; and remembering the last challenge per origin, so
the next request answers it up front (Digest counting ``nc`` on the same nonce) instead of
sending every body twice. It must not send anything (:mod:`.transport` does), and it never
puts the password into a message, a log line or a repr.

No credentials go out before a store has asked for them: Virtuoso answers an unasked-for
Basic header on its Digest endpoints with a bare 401 that carries no challenge at all.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

Origin = tuple[str, str, int]

#: Digest hash algorithms (RFC 7616 3.3); "-sess" variants hash the nonces into HA1.
_HASHES: dict[str, Callable[[bytes], str]] = {
    "MD5": lambda b: hashlib.md5(b).hexdigest(),
    "SHA-256": lambda b: hashlib.sha256(b).hexdigest(),
    "SHA-512-256": lambda b: hashlib.new("sha512_256", b).hexdigest(),
}
#: What rusgraph answers, strongest first, when a store offers several.
SPOKEN = ("Digest", "Basic")

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_PARAM = re.compile(rf'\s*({_TOKEN})\s*=\s*("(?:[^"\\]|\\.)*"|{_TOKEN})\s*(,|$)')
_SCHEME = re.compile(rf"\s*({_TOKEN})(?:\s+|$)")


class AuthSchemeError(Exception):
    """The store asks only for schemes rusgraph does not speak; ``offered`` names them."""

    def __init__(self, offered: tuple[str, ...]):
        self.offered = offered
        super().__init__(", ".join(offered))


@dataclass(frozen=True)
class Challenge:
    """One challenge of a ``WWW-Authenticate`` header: its scheme and parameters (names in
    lower case, values unquoted)."""

    scheme: str
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def stale(self) -> bool:
        """Digest's "your nonce expired, the password was right": answer again at once."""
        return self.params.get("stale", "").lower() == "true"


def parse_challenges(values: Iterable[str]) -> list[Challenge]:
    """The challenges in one or more ``WWW-Authenticate`` header values, in order.

    A challenge is a scheme followed by comma-separated ``name=value`` parameters (or a
    token68); a bare token that is not followed by ``=`` starts the next challenge.
    """
    out: list[Challenge] = []
    for value in values:
        rest = value.strip()
        while rest:
            rest = rest.lstrip(", \t")
            m = _SCHEME.match(rest)
            if not m:
                break
            scheme, rest = m.group(1), rest[m.end():]
            params: dict[str, str] = {}
            while rest:
                p = _PARAM.match(rest)
                if not p:
                    # a token68 (Basic's or Negotiate's blob): up to the next comma
                    blob, _, after = rest.partition(",")
                    if "=" in blob.rstrip("=") or not blob.strip():
                        break
                    params[""] = blob.strip()
                    rest = after
                    break
                name, raw = p.group(1).lower(), p.group(2)
                if raw.startswith('"'):
                    raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
                params[name] = raw
                rest = rest[p.end():]
            out.append(Challenge(scheme, params))
    return out


def choose(challenges: Iterable[Challenge]) -> Challenge | None:
    """The challenge rusgraph answers: Digest (with an algorithm it knows) before Basic.

    Raises :class:`AuthSchemeError` when challenges were given and none is answerable.
    """
    found = list(challenges)
    for scheme in SPOKEN:
        for c in found:
            if c.scheme.lower() == scheme.lower() and (scheme != "Digest" or _algorithm(c) is not None):
                return c
    if found:
        raise AuthSchemeError(tuple(dict.fromkeys(
            c.scheme + (f" ({c.params['algorithm']})" if c.scheme.lower() == "digest" and "algorithm" in c.params else "")
            for c in found)))
    return None


def _algorithm(c: Challenge) -> tuple[str, bool] | None:
    """(hash name, sess?) of a Digest challenge, or None for an algorithm rusgraph lacks."""
    name = c.params.get("algorithm", "MD5").upper()
    sess = name.endswith("-SESS")
    base = name[:-5] if sess else name
    return (base, sess) if base in _HASHES else None


@dataclass
class _Answering:
    """A challenge being answered at one origin, and Digest's request counter for its nonce."""

    challenge: Challenge
    count: int = 0


class Credentials:
    """A user and password, the origins they belong to, and the store's last challenge at each.

    Thread-safe: one Endpoint may be used from several threads, and each Digest answer
    takes its own ``nc``.
    """

    def __init__(self, user: str, password: str, origins: Iterable[Origin]):
        self.user = user
        self._password = password
        self.origins = frozenset(origins)
        self._answering: dict[Origin, _Answering] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, origins={sorted(self.origins)!r})"

    def belongs_to(self, origin: Origin) -> bool:
        return origin in self.origins

    def up_front(self, origin: Origin, method: str, target: str, body: bytes | None) -> str | None:
        """The Authorization header for a request to ``origin`` before the store asks: the
        answer to its last challenge there, or None when it has not challenged yet."""
        if origin not in self.origins:
            return None
        with self._lock:
            state = self._answering.get(origin)
            if state is None:
                return None
            state.count += 1
            count = state.count
        return self._answer(state.challenge, count, method, target, body)

    def answer(self, origin: Origin, challenges: Iterable[Challenge], method: str, target: str,
               body: bytes | None) -> str | None:
        """The Authorization header answering a fresh challenge from ``origin`` (remembered
        for the next requests there), or None when no credentials belong to it.

        Raises :class:`AuthSchemeError` when the store speaks no scheme rusgraph does.
        """
        if origin not in self.origins:
            return None
        chosen = choose(challenges)
        if chosen is None:
            return None
        with self._lock:
            self._answering[origin] = _Answering(chosen, 1)
        return self._answer(chosen, 1, method, target, body)

    def forget(self, origin: Origin) -> None:
        """Send nothing up front to ``origin`` until it challenges again."""
        with self._lock:
            self._answering.pop(origin, None)

    def _answer(self, c: Challenge, count: int, method: str, target: str, body: bytes | None) -> str:
        if c.scheme.lower() == "basic":
            # RFC 7617 2.1: UTF-8 when the store says charset="UTF-8"; UTF-8 is what every
            # store rusgraph knows expects anyway.
            token = base64.b64encode(f"{self.user}:{self._password}".encode()).decode("ascii")
            return "Basic " + token
        return self._digest(c, count, method, target, body)

    def _digest(self, c: Challenge, count: int, method: str, target: str, body: bytes | None) -> str:
        algorithm = _algorithm(c)
        assert algorithm is not None  # choose() took only Digest challenges it can answer
        name, sess = algorithm
        hash_ = _HASHES[name]

        def h(text: str | bytes) -> str:
            return hash_(text if isinstance(text, bytes) else text.encode("utf-8"))

        realm, nonce = c.params.get("realm", ""), c.params.get("nonce", "")
        offered = [q.strip().lower() for q in c.params.get("qop", "").split(",") if q.strip()]
        qop = "auth" if "auth" in offered else ("auth-int" if "auth-int" in offered else "")
        cnonce = new_cnonce()
        nc = f"{count:08x}"
        ha1 = h(f"{self.user}:{realm}:{self._password}")
        if sess:
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{target}:{h(body or b'')}") if qop == "auth-int" else h(f"{method}:{target}")
        if qop:
            response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
        else:  # RFC 2069
            response = h(f"{ha1}:{nonce}:{ha2}")
        parts = [f'username="{_quoted(self.user)}"', f'realm="{_quoted(realm)}"', f'nonce="{_quoted(nonce)}"',
                 f'uri="{_quoted(target)}"', f'response="{response}"']
        if "algorithm" in c.params:
            parts.append(f"algorithm={c.params['algorithm']}")
        if "opaque" in c.params:
            parts.append(f'opaque="{_quoted(c.params["opaque"])}"')
        if qop:
            parts += [f"qop={qop}", f"nc={nc}", f'cnonce="{cnonce}"']
        return "Digest " + ", ".join(parts)


def new_cnonce() -> str:
    """A fresh client nonce for one Digest answer (128 random bits)."""
    return os.urandom(16).hex()


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
