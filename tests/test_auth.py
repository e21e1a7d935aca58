"""HTTP authentication (issue 15): the store's challenge answered in Digest or Basic, by the one
transport that queries, reads back and pushes. The Digest answers are held to the worked
examples of RFC 2617 and RFC 7616; the flows run against a small stdlib server on 127.0.0.1
that checks Digest answers itself (and against a real Virtuoso in test_virtuoso.py)."""

from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager
from dataclasses import replace

import pytest
from rdflib import Graph

from rusgraph.cli import main
from rusgraph.errors import EndpointError
from rusgraph.graph import auth
from rusgraph.graph.auth import AuthSchemeError, Challenge, Credentials, choose, parse_challenges
from rusgraph.remote.endpoint import Endpoint
from rusgraph.remote.push import push
from rusgraph.graph.transport import origin
from rusgraph.reports.queries import run_query

from .servers import Reply, fake_store, json_reply

ASK_TRUE = json_reply('{"boolean": true}')


def fields(header: str) -> dict[str, str]:
    assert header.startswith("Digest "), header
    return {k: v.strip('"') for k, v in re.findall(r'(\w+)=("[^"]*"|[^,\s]+)', header[len("Digest "):])}


# ------------------------------------------------------------------ the Digest computation


def test_digest_answer_matches_rfc2617_example(monkeypatch):
    monkeypatch.setattr(auth, "new_cnonce", lambda: "0a4f113b")
    c = parse_challenges(['Digest realm="testrealm@host.com", qop="auth,auth-int", '
                          'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"'])
    where = ("http", "www.nowhere.org", 80)
    header = Credentials("Mufasa", "Circle Of Life", [where]).answer(where, c, "GET", "/dir/index.html", None)
    f = fields(header or "")
    assert f["response"] == "6629fae49393a05397450978507c4ef1"
    assert (f["qop"], f["nc"], f["uri"], f["opaque"]) == ("auth", "00000001", "/dir/index.html",
                                                         "5ccc069c403ebaf9f0171e9517f40e41")


@pytest.mark.parametrize("algorithm, response", [
    ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
    ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
])
def test_digest_answer_matches_rfc7616_examples(monkeypatch, algorithm, response):
    monkeypatch.setattr(auth, "new_cnonce", lambda: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")
    c = parse_challenges([f'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm={algorithm}, '
                          'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
                          'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"'])
    where = ("https", "example.org", 443)
    header = Credentials("Mufasa", "Circle of Life", [where]).answer(where, c, "GET", "/dir/index.html", None)
    f = fields(header or "")
    assert f["response"] == response and f["algorithm"] == algorithm


def test_challenges_are_read_whole_and_digest_is_preferred():
    found = parse_challenges(['Basic realm="a, b", Digest realm="SPARQL", nonce="n1", qop="auth", '
                              'algorithm="MD5"', "Negotiate abc=="])
    assert [c.scheme for c in found] == ["Basic", "Digest", "Negotiate"]
    assert found[0].params == {"realm": "a, b"}
    assert found[1].params["nonce"] == "n1" and found[2].params == {"": "abc=="}
    assert choose(found).scheme == "Digest"
    assert choose(parse_challenges(['Digest realm="x", nonce="n", algorithm=SHA-999', 'Basic realm="x"'])).scheme == "Basic"
    with pytest.raises(AuthSchemeError) as exc:
        choose([Challenge("Negotiate"), Challenge("Digest", {"algorithm": "SHA-999"})])
    assert exc.value.offered == ("Negotiate", "Digest (SHA-999)")


def test_credentials_answer_only_at_their_own_origins():
    mine = origin("http://127.0.0.1:8890/sparql-auth")
    creds = Credentials("dba", "pw", [mine])
    challenge = [Challenge("Basic", {"realm": "x"})]
    assert creds.answer(origin("http://localhost:8890/sparql-auth"), challenge, "POST", "/sparql-auth", b"") is None
    assert creds.answer(origin("https://127.0.0.1:8890/x"), challenge, "POST", "/x", b"") is None
    assert creds.answer(mine, challenge, "POST", "/sparql-auth", b"").startswith("Basic ")
    assert "pw" not in repr(creds)


# ------------------------------------------------------------------ a store that checks Digest


class DigestStore:
    """Answers ``reply`` to requests that carry a correct Digest answer (MD5, qop=auth) to one
    of its nonces, with ``nc`` counting up; anything else gets a fresh challenge. With
    ``one_use``, a nonce answered once is stale after (the client must answer again)."""

    def __init__(self, user: str, password: str, reply: Reply, *, one_use: bool = False):
        self.user, self.password, self.reply, self.one_use = user, password, reply, one_use
        self.nonces: dict[str, int] = {}
        self.fake = None

    def challenge(self, stale: bool = False) -> Reply:
        nonce = hashlib.md5(str(len(self.nonces)).encode()).hexdigest()
        self.nonces[nonce] = 0
        return Reply(401, b"", {"WWW-Authenticate": f'Digest realm="SPARQL", nonce="{nonce}", qop="auth", '
                                                    f'algorithm="MD5", opaque="xyz", stale="{str(stale).lower()}"'})

    def __call__(self, method: str, path: str, body: bytes) -> Reply:
        header = self.fake.requests[-1][3].get("Authorization")
        if header is None or not header.startswith("Digest "):
            return self.challenge()
        f = fields(header)
        if f.get("nonce") not in self.nonces:
            return self.challenge(stale=True)
        used = self.nonces[f["nonce"]]
        if int(f["nc"], 16) <= used or (self.one_use and used):
            return self.challenge(stale=True)

        def h(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        ha1 = h(f"{self.user}:SPARQL:{self.password}")
        ha2 = h(f"{method}:{path}")
        want = h(f"{ha1}:{f['nonce']}:{f['nc']}:{f['cnonce']}:auth:{ha2}")
        if f["uri"] != path or f["response"] != want or f["username"] != self.user or f["opaque"] != "xyz":
            return self.challenge()
        self.nonces[f["nonce"]] = int(f["nc"], 16)
        return self.reply


@contextmanager
def digest_store(reply: Reply, **kw):  # type: ignore[no-untyped-def]
    store = DigestStore("dba", "s3cret-pw", reply, **kw)
    with fake_store(store) as fake:
        store.fake = fake
        yield store


def test_queries_answer_a_digest_challenge_once_then_up_front():
    with digest_store(ASK_TRUE) as store:
        endpoint = Endpoint(store.fake.base + "/sparql-auth", graphs="store", user="dba", password="s3cret-pw")
        for _ in range(3):
            assert run_query(endpoint, "ASK {}").boolean is True
        sent = [r[3].get("Authorization") for r in store.fake.requests]
    assert sent[0] is None and len(sent) == 4  # asked once, then each query answered up front
    assert [fields(h)["nc"] for h in sent[1:]] == ["00000001", "00000002", "00000003"]


def test_a_stale_nonce_is_answered_again():
    with digest_store(ASK_TRUE, one_use=True) as store:
        endpoint = Endpoint(store.fake.base + "/sparql-auth", graphs="store", user="dba", password="s3cret-pw")
        for _ in range(3):
            assert run_query(endpoint, "ASK {}").boolean is True
        statuses = len(store.fake.requests)
    assert statuses == 2 + 2 + 2  # each later query: up front (stale), then the fresh nonce


def test_an_up_front_answer_refused_without_a_challenge_asks_again():
    """Virtuoso answers an Authorization it does not take with a bare 401 and no challenge."""
    state = {"asked": False}

    def respond(m, p, b):  # type: ignore[no-untyped-def]
        sent = fake.requests[-1][3].get("Authorization")
        if sent is None:
            state["asked"] = True
            return Reply(401, b"", {"WWW-Authenticate": 'Basic realm="store"'})
        if len(fake.requests) == 3:  # the second query's answer sent up front: refused, bare
            return Reply(401, b"")
        return ASK_TRUE

    with fake_store(respond) as fake:
        endpoint = Endpoint(fake.base + "/sparql", graphs="store", user="u", password="p")
        assert run_query(endpoint, "ASK {}").boolean is True
        assert run_query(endpoint, "ASK {}").boolean is True
    auths = [r[3].get("Authorization") is not None for r in fake.requests]
    assert auths == [False, True, True, False, True]


def test_a_wrong_password_is_exit_2_after_one_answer(runner):
    with digest_store(ASK_TRUE) as store:
        r = runner.invoke(main, ["query", "-e", "ASK {}", "--endpoint", store.fake.base + "/sparql-auth",
                                 "--graphs", "store", "--user", "dba", "--password", "wrong-pw"])
        sent = len(store.fake.requests)
    assert r.exit_code == 2 and r.stdout == ""
    assert "HTTP 401, the store wants credentials and refused the ones given" in r.stderr
    assert "check the user name and password" in r.stderr and "wrong-pw" not in r.output
    assert sent == 2  # asked, answered, refused: never guessed again


def test_a_scheme_rusgraph_does_not_speak_is_named():
    reply = Reply(401, b"", {"WWW-Authenticate": "Negotiate", "X-Other": "1"})
    with fake_store(lambda m, p, b: reply) as fake:
        endpoint = Endpoint(fake.base + "/sparql", graphs="store", user="u", password="p")
        with pytest.raises(EndpointError, match="in Negotiate, which rusgraph does not speak"):
            run_query(endpoint, "ASK {}")


def test_push_answers_digest_with_the_same_transport(bundled_kg):
    """Writes go through the query transport: the Graph Store Protocol behind Digest, each
    body sent once after the first challenge."""
    with digest_store(Reply(201)) as store:
        base = store.fake.base
        endpoint = Endpoint(base + "/sparql", store_url=base + "/store", user="dba", password="s3cret-pw")
        no_bnodes = replace(bundled_kg, ontology=Graph())  # appends only: one write per graph
        result = push(no_bnodes, endpoint)
        writes = [r for r in store.fake.requests if r[1].startswith("/store")]
    assert result.ok and len(result.written) == len(bundled_kg.parts)
    assert len(writes) == len(bundled_kg.parts) + 1
    assert all(fields(h["Authorization"])["username"] == "dba" for _m, _p, _b, h in writes[1:])
