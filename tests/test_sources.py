"""Loading: formats by suffix, directories, URLs, and errors that name file and line."""

from __future__ import annotations

import http.server
import threading

import pytest
from rdflib import Graph, Literal, URIRef

import rusgraph
from rusgraph.errors import ResourceError, SourceError
from rusgraph.graph.knowledge import graph_name_for

TTL = """@prefix ex: <https://example.org/> .
ex:a ex:p "one" .
ex:b ex:p "two" .
"""


@pytest.mark.parametrize("suffix,fmt", [(".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld"),
                                        (".rdf", "xml"), (".trig", "trig")])
def test_format_from_suffix(tmp_path, suffix, fmt):
    g = Graph().parse(data=TTL, format="turtle")
    p = tmp_path / f"x{suffix}"
    p.write_text(g.serialize(format=fmt), encoding="utf-8")
    kg = rusgraph.load([p], ontology=[], shapes=[])
    assert len(kg.data) == 2
    assert (URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("one")) in kg.data


def test_directory_expands_sorted_and_keeps_parts(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.ttl").write_text(TTL)
    (tmp_path / "sub" / "a.ttl").write_text("<https://example.org/c> <https://example.org/p> 3 .")
    (tmp_path / "README.md").write_text("not rdf")
    kg = rusgraph.load([tmp_path], ontology=[], shapes=[])
    assert set(kg.parts) == {graph_name_for("b"), graph_name_for("sub/a")}
    assert len(kg.data) == 3


def test_parse_error_names_file_and_line(write):
    bad = write("bad.ttl", "@prefix ex: <https://example.org/> .\nex:a ex:p \"ok\" .\nex:b ex:p ex:c ex:d .\n")
    with pytest.raises(SourceError) as exc:
        rusgraph.load([bad], ontology=[], shapes=[])
    text = str(exc.value)
    assert "bad.ttl" in text
    assert "line 3" in text


def test_missing_file(tmp_path):
    with pytest.raises(SourceError, match="file not found"):
        rusgraph.load([tmp_path / "nope.ttl"], ontology=[], shapes=[])


def test_unknown_suffix(write):
    p = write("data.txt", TTL)
    with pytest.raises(SourceError, match="suffix"):
        rusgraph.load([p], ontology=[], shapes=[])


def test_empty_directory(tmp_path):
    with pytest.raises(SourceError, match="no RDF files"):
        rusgraph.load([tmp_path], ontology=[], shapes=[])


def test_graph_objects_are_accepted():
    g = Graph().parse(data=TTL, format="turtle")
    kg = rusgraph.load([g], ontology=[], shapes=[])
    assert len(kg.data) == 2


def test_bundled_default_keeps_graphs_apart(bundled_kg):
    assert len(bundled_kg.ontology) > 300
    assert len(bundled_kg.shapes) > 100
    assert len(bundled_kg.inferred) == 0
    # ontology triples are not in the data graph, and vice versa
    assert not (set(bundled_kg.ontology) & set(bundled_kg.data))
    names = {str(n).rsplit("/graph/", 1)[1] for n in bundled_kg.parts}
    assert "plans/030110-grorud" in names and "upper/city-plan" in names


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def http_dir(tmp_path):
    """A real HTTP server on 127.0.0.1 serving tmp_path; stopped after the test."""
    handler = lambda *a, **k: _Handler(*a, directory=str(tmp_path), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_load_from_url(http_dir):
    root, base = http_dir
    (root / "x.ttl").write_text(TTL)
    kg = rusgraph.load([f"{base}/x.ttl"], ontology=[], shapes=[])
    assert len(kg.data) == 2


def test_url_404_is_a_clear_error(http_dir):
    _root, base = http_dir
    with pytest.raises(SourceError) as exc:
        rusgraph.load([f"{base}/missing.ttl"], ontology=[], shapes=[])
    assert "404" in str(exc.value) and "missing.ttl" in str(exc.value)


def test_url_down_is_a_clear_error():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(SourceError, match="cannot fetch"):
        rusgraph.load([f"http://127.0.0.1:{port}/x.ttl"], ontology=[], shapes=[])


def test_resources_prefer_the_checkout():
    from rusgraph.graph.resources import bundled_dir, checkout_root

    root = checkout_root()
    assert root is not None and (root / "pyproject.toml").is_file()
    assert bundled_dir("queries") == root / "queries"
    with pytest.raises(ResourceError):
        bundled_dir("nonsense")  # type: ignore[arg-type]
