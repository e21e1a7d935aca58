"""Data files that try to make rusgraph fetch, read, expand or pass on what they should not
(issue 18, items 3, 6, 9 and 13): every case on both loaders (``rusgraph.load``, Oxigraph, and
``sources.load_with_rdflib``, the rdflib reference), each must end in a clear exit-2 error naming the file and place,
with nothing fetched and nothing written."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from rdflib import Literal

import rusgraph
from rusgraph.graph import engine
from rusgraph.cli import main
from rusgraph.errors import SourceError
from rusgraph.graph.jsonld import CONTEXT_IRI
from rusgraph.graph.sparqltext import inject_values

from .servers import listener

ENGINES = ["auto", "rdflib"]
EX = "@prefix ex: <https://example.org/> .\n"


@pytest.fixture(params=ENGINES)
def backend(request):  # type: ignore[no-untyped-def]
    return request.param


def _load(backend: str, sources):  # type: ignore[no-untyped-def]
    if backend == "auto":
        return rusgraph.load(sources, ontology=[], shapes=[])
    from rusgraph.graph.sources import load_with_rdflib

    return load_with_rdflib(sources, ontology=[], shapes=[])


def load_error(path, backend: str = "auto") -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SourceError) as exc:
        _load(backend, [path])
    return str(exc.value)


# ------------------------------------------------------------------ JSON-LD contexts (3)


def test_remote_context_is_refused_and_not_fetched(backend, write):
    with listener() as silent:
        doc = write("plan.jsonld", '{"@context": "%s", "@id": "https://example.org/a", "name": "x"}' % silent.url)
        message = load_error(doc, backend)
        time.sleep(0.2)
        assert silent.connections == []
    assert "plan.jsonld" in message and silent.url in message and "context" in message


@pytest.mark.parametrize("context", ['"file:///etc/hostname"', '"secret.jsonld"', '["%s", "file:///etc/hostname"]' % CONTEXT_IRI,
                                    '{"@import": "file:///etc/hostname"}', '{"@version": 1.1, "p": {"@id": "https://example.org/p", '
                                                                           '"@context": "file:///etc/hostname"}}'])
def test_file_context_is_refused(backend, write, context):
    write("secret.jsonld", '{"@context": {"name": "https://example.org/leaked"}}')
    doc = write("plan.jsonld", '{"@context": %s, "@id": "https://example.org/a", "p": {"name": "x"}}' % context)
    message = load_error(doc, backend)
    assert "plan.jsonld" in message and "not read" in message


def test_the_shipped_context_by_its_iri_and_an_inline_context_work(backend, write):
    doc = write("plan.jsonld", '[{"@context": "%s", "@id": "https://example.org/a", "prefLabel": {"nb": "Tiltak"}},'
                               ' {"@context": {"t": "https://example.org/t"}, "@id": "https://example.org/b", "t": "x"}]'
                % CONTEXT_IRI)
    kg = _load(backend, [doc])
    text = {str(o) for _s, _p, o in kg.data}
    assert text == {"Tiltak", "x"}


def test_jsonld_node_with_an_invalid_id_is_an_error(backend, write):
    doc = write("plan.jsonld", '{"@context": {"name": "https://example.org/name"}, "@graph": ['
                               '{"@id": "https://example.org/ok", "name": "a"}, {"@id": "https://example.org/a b", "name": "b"}]}')
    message = load_error(doc, backend)
    assert "plan.jsonld" in message and "https://example.org/a b" in message and "@id" in message


def test_jsonld_syntax_error_has_line_and_column(backend, write):
    doc = write("plan.jsonld", '{\n  "@id": "https://example.org/a",\n  "name" "x"\n}')
    assert "plan.jsonld, line 3, column" in load_error(doc, backend)


# -------------------------------------------------------------------- RDF/XML bombs (6)

BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY a "aaaaaaaaaa">\n'
        + "".join(f' <!ENTITY {n} "{("&" + p + ";") * 10}">\n' for p, n in zip("abcdefgh", "bcdefghi"))
        + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">\n'
          ' <rdf:Description rdf:about="https://example.org/a"><ex:p>&i;</ex:p></rdf:Description>\n</rdf:RDF>\n')


@pytest.mark.parametrize("engine_name", ENGINES)
def test_billion_laughs_is_stopped_at_once(tmp_path, engine_name):
    bomb = tmp_path / "laughs.rdf"
    bomb.write_text(BOMB, encoding="utf-8")
    started = time.monotonic()
    try:  # the old code took minutes here (and a gigabyte on the fast path); a bounded wait
        done = subprocess.run([sys.executable, "-m", "rusgraph", "export", str(bomb), "--format", "nt"],
                              capture_output=True, text=True, timeout=60, env=_env(engine_name))
    except subprocess.TimeoutExpired:
        pytest.fail("the billion-laughs file was still being expanded after 60 s")
    elapsed = time.monotonic() - started
    assert done.returncode == 2, done.stderr
    assert "laughs.rdf, line" in done.stderr and "billion laughs" in done.stderr and done.stdout == ""
    print(f"refused in {elapsed:.2f} s (including start-up)")


def _env(engine_name: str) -> dict[str, str]:
    import os

    return dict(os.environ)  # one engine on the command line now; both loaders above


def test_external_and_parameter_entities_are_refused(backend, write):
    for decl in ('<!ENTITY x SYSTEM "file:///etc/hostname">', '<!ENTITY % x "y">'):
        doc = write("plan.rdf", f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n {decl}\n]>\n'
                                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
        message = load_error(doc, backend)
        assert "plan.rdf, line 3" in message and "entity" in message


def test_namespace_entities_as_protege_writes_them_still_work(backend, write):
    doc = write("onto.rdf", '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY ex "https://example.org/">\n]>\n'
                            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">\n'
                            ' <rdf:Description rdf:about="&ex;a"><ex:p>x</ex:p></rdf:Description>\n</rdf:RDF>\n')
    kg = _load(backend, [doc])
    assert [str(s) for s, _p, _o in kg.data] == ["https://example.org/a"]


# ------------------------------------------------------------ one strict parser (9)

BAD_IRIS = {
    "space": "<https://example.org/a b>",
    "gt": "<https://example.org/a>b>",
    "quote": '<https://example.org/a"b>',
    "brace": "<https://example.org/a{b>",
    "nul": "<https://example.org/a\\u0000b>",
    "surrogate": "<https://example.org/a\\uD800b>",
}


@pytest.mark.parametrize("case", sorted(BAD_IRIS))
def test_invalid_iri_is_refused_with_file_and_line(backend, write, runner, case):
    doc = write("plan.ttl", EX + "ex:a ex:p ex:b .\nex:a ex:q " + BAD_IRIS[case] + " .\n")
    message = load_error(doc, backend)
    assert "plan.ttl, line 3" in message, message
    if backend == "auto":
        assert "column" in message
    for command in (["export", str(doc), "--format", "nt"], ["validate", str(doc)]):
        r = runner.invoke(main, command)
        assert r.exit_code == 2 and r.stdout == "" and "plan.ttl, line 3" in r.stderr, (command, r.output)


def test_invalid_iri_in_rdfxml_never_reaches_an_output(backend, write, runner):
    doc = write("plan.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                            'xmlns:ex="https://example.org/">\n'
                            ' <rdf:Description rdf:about="https://example.org/a b"><ex:p>x</ex:p></rdf:Description>\n</rdf:RDF>\n')
    r = runner.invoke(main, ["export", str(doc), "--format", "nt"])
    assert r.exit_code == 2 and r.stdout == "" and "plan.rdf" in r.stderr, r.output


def test_truncated_and_non_utf8_files_keep_their_line(backend, tmp_path):
    truncated = tmp_path / "truncated.ttl"
    truncated.write_bytes((EX + 'ex:a ex:p "one" .\nex:b ex:p "tw').encode())
    assert "truncated.ttl, line 3" in load_error(truncated, backend)
    latin = tmp_path / "latin1.ttl"
    latin.write_bytes((EX + 'ex:a ex:p "one" .\nex:b ex:p "Tøyen" .\n').encode("latin-1"))
    message = load_error(latin, backend)
    assert "latin1.ttl, line 3" in message and "UTF-8" in message


def test_valid_deeply_nested_turtle(backend, tmp_path):
    depth = 20_000
    deep = tmp_path / "deep.ttl"
    deep.write_text(EX + "ex:a ex:p " + "[ ex:p " * depth + "1" + " ]" * depth + " .\n", encoding="utf-8")
    if backend == "auto":
        kg = _load(backend, [deep])
        assert engine.data_size(kg) == depth + 1
        assert sum(len(p) for p in kg.parts.values()) == depth + 1
    else:  # rdflib's recursive parser: an honest error, not "fix the syntax"
        message = load_error(deep, backend)
        assert "too deeply nested" in message and "fix the syntax" not in message


def test_oxigraph_rejects_means_exit_2_not_a_laxer_parser(write, runner):
    pytest.importorskip("pyoxigraph")
    # rdflib reads this (a space in an IRI); Oxigraph does not: the answer is Oxigraph's
    doc = write("plan.ttl", EX + "ex:a ex:p <https://example.org/x y> .\n")
    r = runner.invoke(main, ["query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", str(doc), "--no-ontology"])
    assert r.exit_code == 2 and "plan.ttl, line 2, column" in r.stderr and r.stdout == ""


# --------------------------------------------------------------------- small ones (13)


@pytest.mark.parametrize("value", ['a\nb\\"', 'ends with a backslash\\', 'a\r\n"""b"""', "tab\tand\fform", "it's"])
def test_parameter_values_are_escaped_for_any_sparql_parser(value):
    pyoxigraph = pytest.importorskip("pyoxigraph")
    from rdflib.plugins.sparql import prepareQuery

    text = inject_values("SELECT ?v WHERE { }", {"v": Literal(value)})
    assert [s["v"].value for s in pyoxigraph.Store().query(text)] == [value]
    prepareQuery(text)  # rdflib's parser takes it too


def test_query_e_with_a_data_path(write, runner):
    doc = write("plan.ttl", EX + "ex:a ex:p ex:b .\nex:a ex:q ex:c .\n")
    r = runner.invoke(main, ["query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", str(doc),
                             "--no-ontology", "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.stdout.split() == ["n", "2"]
    r = runner.invoke(main, ["query", "-e", "ASK {}", "question.rq"])
    assert r.exit_code == 2 and "either QUERY_FILE or -e" in r.stderr


def test_an_external_dtd_is_never_fetched(backend, write):
    with listener() as silent:
        doc = write("plan.rdf", f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{silent.url}">\n'
                                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">\n'
                                ' <rdf:Description rdf:about="https://example.org/a"><ex:p>x</ex:p></rdf:Description>\n</rdf:RDF>\n')
        kg = _load(backend, [doc])
        time.sleep(0.2)
        assert silent.connections == []
    assert len(kg.data) == 1
