"""The write protocol against a small stdlib server that behaves like a strict store: credentials
go out only once the store has asked, in the scheme it asks for (Basic here; Digest in
test_auth.py and against a real Virtuoso in test_virtuoso.py); a store's error message reaches stderr in full, without the
query it echoes; a batch refused as too large is split and the push still completes."""

from __future__ import annotations

import base64
import re
from dataclasses import replace

from rdflib import Graph

from rusgraph.cli import main
from rusgraph.remote.push import push
from rusgraph.remote.endpoint import Endpoint

from .servers import Reply, fake_store

USER, PASSWORD = "writer", "s3cret-pw"


def test_basic_credentials_only_when_the_store_asks(bundled_kg):
    token = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()

    def respond(m, p, b):  # type: ignore[no-untyped-def]
        auth = fake.requests[-1][3].get("Authorization")
        if auth is None:
            return Reply(401, b"", {"WWW-Authenticate": 'Basic realm="store"'})
        return Reply(201) if auth == token else Reply(401, b"", {"WWW-Authenticate": 'Basic realm="store"'})

    with fake_store(respond) as fake:
        endpoint = Endpoint(fake.base + "/sparql", store_url=fake.base + "/store", update_url=fake.base + "/update",
                            user=USER, password=PASSWORD)
        no_bnodes = replace(bundled_kg, ontology=Graph())  # appends only: one write per graph
        result = push(no_bnodes, endpoint)
    assert result.ok and len(result.written) == len(bundled_kg.parts)
    writes = [r for r in fake.requests if r[1].startswith("/store")]
    assert "Authorization" not in writes[0][3]  # the first request goes without
    assert writes[1][2] == writes[0][2]  # and is sent again, answered in Basic
    # the store has asked once: every later request answers up front, each body sent once
    assert all(h.get("Authorization") == token for _m, _p, _b, h in writes[1:])
    assert len(writes) == len(bundled_kg.parts) + 1


def test_store_message_in_full_without_the_echoed_query(runner):
    cause = "Virtuoso 42000 Error SR186: " + " ".join(f"part{i}" for i in range(120)) + " THE-REAL-CAUSE-AT-THE-END"
    body = f"{cause}\n\nSPARQL query:\ndefine sql:big-data-const 0 SELECT * WHERE {{ ?s ?p ?o }}".encode()

    with fake_store(lambda m, p, b: Reply(500, body, {"Content-Type": "text/plain"})) as fake:
        r = runner.invoke(main, ["query", "--endpoint", fake.base + "/sparql", "-e", "SELECT * WHERE { ?s ?p ?o }"])
    assert r.exit_code == 2
    assert len(cause) > 300 and cause in r.stderr
    assert "SPARQL query:" not in r.stderr and "big-data-const" not in r.stderr


def test_a_batch_refused_as_too_large_is_split(bundled_kg):
    limit = 400

    def respond(m, p, b):  # type: ignore[no-untyped-def]
        triples = len(re.findall(rb" \.\n", b))
        if triples > limit:
            return Reply(400, b"Virtuoso 37000 Error SP031: SPARQL: Internal error: The length of generated "
                              b"SQL text has exceeded 10000 lines of code")
        return Reply(200)

    with fake_store(respond) as fake:
        endpoint = Endpoint(fake.base + "/sparql", update_url=fake.base + "/update")
        part = sorted(bundled_kg.parts)[1]  # 2,190 triples, no blank nodes
        one = replace(bundled_kg, ontology=Graph(), parts={part: bundled_kg.parts[part]})
        result = push(one, endpoint)
    assert result.ok and result.triples == len(bundled_kg.parts[part])
    sent = [len(re.findall(rb" \.\n", b)) for _m, _p, b, _h in fake.requests]
    accepted = [n for n in sent if n <= limit]
    assert sum(accepted) == len(bundled_kg.parts[part])
    assert sent[0] == len(bundled_kg.parts[part]) and sent[1] > limit  # 2190, then halves until they fit
    assert all(n <= limit for n in sent[sent.index(accepted[0]):])  # then every batch at the smaller size


def test_a_query_the_store_will_not_run_names_its_limit(runner):
    body = (b"Virtuoso 42000 Error The estimated execution time 1083 (sec) exceeds the limit of 400 (sec)."
            b"\n\nSPARQL query:\nSELECT * WHERE { ?s ?p ?o }")
    with fake_store(lambda m, p, b: Reply(500, body, {"Content-Type": "text/plain"})) as fake:
        r = runner.invoke(main, ["report", "coverage", "--endpoint", fake.base + "/sparql", "--graphs", "store"])
    assert r.exit_code == 2 and r.stdout == ""
    assert "cost estimate is above its limit" in r.stderr and "exceeds the limit of 400 (sec)" in r.stderr
    assert "MaxQueryCostEstimationTime" in r.stderr


DEADLOCK = b"Virtuoso 40001 Error SR172: Transaction deadlocked"


def test_a_write_rolled_back_as_a_deadlock_victim_is_sent_again(bundled_kg):
    """Virtuoso answers a write that lost a deadlock with HTTP 500 and SQLSTATE 40001; the
    transaction was rolled back whole, so the same request goes again and the push completes."""
    seen: set[bytes] = set()

    def respond(m, p, b):  # type: ignore[no-untyped-def]
        if b not in seen:  # every request deadlocks the first time it comes
            seen.add(b)
            return Reply(500, DEADLOCK)
        return Reply(200)

    with fake_store(respond) as fake:
        endpoint = Endpoint(fake.base + "/sparql", update_url=fake.base + "/update")
        part = sorted(bundled_kg.parts)[1]  # no blank nodes: appended with INSERT DATA
        one = replace(bundled_kg, ontology=Graph(), parts={part: bundled_kg.parts[part]})
        result = push(one, endpoint)
    assert result.ok and result.triples == len(bundled_kg.parts[part])
    bodies = [b for _m, _p, b, _h in fake.requests]
    assert len(bodies) == 2 * len(set(bodies))  # each request twice: rolled back, then sent again


def test_a_store_that_keeps_deadlocking_fails_with_its_message(runner, tmp_path):
    plan = tmp_path / "plan.ttl"
    plan.write_text("<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n")
    with fake_store(lambda m, p, b: Reply(500, DEADLOCK, {"Content-Type": "text/plain"})) as fake:
        r = runner.invoke(main, ["push", "--endpoint", fake.base + "/sparql", "--update-url", fake.base + "/update",
                                 "--no-ontology", str(plan)])
    assert r.exit_code == 2
    assert "SR172: Transaction deadlocked" in r.stderr
    assert len(fake.requests) == 5  # DEADLOCK_TRIES, then the store's message


RACE = b"SPARQL Graph Protocol request failed HTTP/1.1 500 Request Failed Error 23000 SR197: Non unique primary key on DB.DBA.RDF_LANGUAGE."


def test_a_write_that_lost_the_language_registration_race_is_sent_again_when_repeatable(bundled_kg):
    """Virtuoso's race on a language tag new to the database (two pushes at once) passes on the
    next try; a batch without blank nodes writes the same when sent twice, so it goes again."""
    seen: set[bytes] = set()

    def respond(m, p, b):  # type: ignore[no-untyped-def]
        if b not in seen:
            seen.add(b)
            return Reply(500, RACE)
        return Reply(200)

    with fake_store(respond) as fake:
        endpoint = Endpoint(fake.base + "/sparql", update_url=fake.base + "/update")
        part = sorted(bundled_kg.parts)[1]  # no blank nodes
        one = replace(bundled_kg, ontology=Graph(), parts={part: bundled_kg.parts[part]})
        result = push(one, endpoint)
    assert result.ok and result.triples == len(bundled_kg.parts[part])


def test_a_batch_with_blank_nodes_is_not_sent_twice_after_the_race(runner, tmp_path):
    """A batch with blank nodes may have written part of itself before the race failed it, and
    sending it again would add the blank nodes twice: the push stops with the store's message."""
    plan = tmp_path / "plan.ttl"
    plan.write_text('<https://example.org/a> <https://example.org/p> [ <https://example.org/q> "x"@nb ] .\n')

    def respond(m, p, b):  # type: ignore[no-untyped-def]
        return Reply(500, RACE) if b"INSERT" in b and b"_:" in b else Reply(200)

    with fake_store(respond) as fake:
        r = runner.invoke(main, ["push", "--endpoint", fake.base + "/sparql", "--update-url", fake.base + "/update",
                                 "--no-ontology", str(plan)])
    assert r.exit_code == 2
    assert "SR197" in r.stderr
    inserts = [b for _m, _p, b, _h in fake.requests if b"INSERT" in b and b"_:" in b]
    assert len(inserts) == 1  # not sent again
