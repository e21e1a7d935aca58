"""Options and arguments the commands share, and the loading every command does first.

Owns: DATA arguments and --ontology/--inference/--input-format, --lang, -o and the endpoint
options; turning them into a KnowledgeGraph (bundled data, spreadsheets, stdin, --store) or
a remote target; writing a command's text output. Must not: define commands.
"""

from __future__ import annotations

import logging
from functools import wraps
from typing import Any, Callable

import click

from .group import CliError

SELECT_FORMATS = ("table", "csv", "tsv", "json", "md", "html")
RDF_FORMATS = ("turtle", "nt", "trig", "nquads", "json-ld", "xml")
# Names rdflib, Jena riot and ROBOT users type (rusgraph.outputs.rdf.GRAPH_ALIASES; a test keeps them equal).
RDF_ALIASES = ("ttl", "ntriples", "n-triples", "nq", "n-quads", "jsonld", "rdf/xml", "rdfxml", "rdf")
# A query's answer: a SELECT/ASK result (srx = SPARQL XML results, srj = SPARQL JSON) or a graph.
RESULT_FORMATS = (*SELECT_FORMATS, "srx", "srj", "markdown", *RDF_FORMATS, *RDF_ALIASES)


# ------------------------------------------------------------------------ shared options


def source_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """DATA... arguments plus --ontology/--no-ontology, --shapes and --inference."""
    fn = click.argument("data", nargs=-1, type=click.Path(dir_okay=True))(fn)
    fn = click.option("--ontology", "ontology", multiple=True, type=click.Path(),
                      help="Ontology file or directory (default: the bundled ontology).")(fn)
    fn = click.option("--no-ontology", is_flag=True, help="Load no ontology at all.")(fn)
    fn = click.option("--inference", type=click.Choice(["none", "rdfs", "owlrl"]), default="none",
                      show_default=True, help="Infer before running (kept in its own graph).")(fn)
    fn = click.option("--input-format", type=click.Choice([*RDF_FORMATS, *RDF_ALIASES], case_sensitive=False),
                      default="turtle", show_default=True, expose_value=False, callback=_remember_input_format,
                      help="Format of DATA read from standard input ('-').")(fn)
    fn = click.option("--with-bundled", is_flag=True, expose_value=False, callback=_remember,
                      help="Put DATA beside the bundled data (the five plans and the levels above them).")(fn)
    return fn


def _remember_input_format(ctx: click.Context, _param: Any, value: str) -> str:
    ctx.meta["rusgraph.input_format"] = value
    return value


def stdin_sources(items: list[Any]) -> list[Any]:
    """'-' among DATA: the RDF read from standard input, in --input-format."""
    if items.count("-") > 1:
        raise CliError("standard input ('-') can be read only once")
    if "-" not in items:
        return items
    from ..outputs.rdf import graph_format
    from ..graph.sources import parse_stdin

    fmt = graph_format(click.get_current_context().meta.get("rusgraph.input_format", "turtle")).rdflib_name
    graph = parse_stdin(click.get_binary_stream("stdin").read(), fmt)
    return [graph if item == "-" else item for item in items]


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep an option every loading command shares in ctx.meta, read by load_graph."""
    ctx.meta[f"rusgraph.{param.name}"] = value
    return value


def with_bundled_asked() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get("rusgraph.with_bundled"))


def lang_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
                        help="Label language (falls back to nb, then any).")(fn)


def dash_is_stdout(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return None if value == "-" else value


def output_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, allow_dash=True),
                        callback=dash_is_stdout,
                        help="Write to this file (atomically; a symlink's target or a device is written "
                             "through) instead of stdout; - is stdout.")(fn)


def endpoint_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--endpoint URL plus --user/--password/--timeout/--graphs, folded into one ``remote``
    argument (a dict, or None without --endpoint) so commands stay short."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        keys = ("endpoint", "user", "password", "timeout", "graphs", "update_url", "store_url", "follow_redirects")
        settings = {k: kwargs.pop(k) for k in keys if k in kwargs}
        kwargs["remote"] = settings if settings.get("endpoint") else None
        return fn(*args, **kwargs)

    wrapper = click.option("--graphs", default="auto", show_default=True, metavar="auto|store|IRI,...",
                           help="Dataset of each query: auto = the rusgraph named graphs found in the store; "
                                "store = the store's own default graph; or graph IRIs.")(wrapper)
    wrapper = click.option("--follow-redirects", is_flag=True,
                           help="Follow a redirect to another host (307/308 only, which keep the query), "
                                "sending no credentials there. Without it such a redirect is an error.")(wrapper)
    wrapper = click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
                           show_default=True, help="Seconds for each whole answer from the endpoint (a deadline: "
                                                   "a store that answers slowly is cut off at it).")(wrapper)
    wrapper = click.option("--password", envvar="RUSGRAPH_PASSWORD", show_envvar=True,
                           help="Password for the endpoint (better through the environment variable).")(wrapper)
    wrapper = click.option("--user", envvar="RUSGRAPH_USER", show_envvar=True, help="User name for the endpoint.")(wrapper)
    wrapper = click.option("--endpoint", metavar="URL",
                           help="Work on a SPARQL endpoint (e.g. http://localhost:7878/query) instead of local files.")(wrapper)
    return wrapper


def connect_endpoint(remote: dict[str, Any]):  # type: ignore[no-untyped-def]
    from ..remote.endpoint import Endpoint

    return Endpoint(remote["endpoint"], update_url=remote.get("update_url"), store_url=remote.get("store_url"),
                    user=remote.get("user"), password=remote.get("password"), timeout=remote["timeout"],
                    graphs=remote["graphs"], follow_redirects=bool(remote.get("follow_redirects")))


def query_target(remote: dict[str, Any] | None, data, ontology, no_ontology, inference):  # type: ignore[no-untyped-def]
    """The Endpoint when --endpoint is given (local-only options refused), else the loaded graph."""
    if remote is None:
        return load_graph(data, ontology, no_ontology, inference, upper="plan")
    if data or ontology or no_ontology or inference != "none" or with_bundled_asked():
        raise CliError("--endpoint queries the store: leave out DATA, --ontology and --inference "
                       "(push inferred triples with rusgraph push --with-inferred)")
    return connect_endpoint(remote)


def fetch_graph(remote, data, ontology, no_ontology, inference, shapes):  # type: ignore[no-untyped-def]
    """A KnowledgeGraph of the store's data with the local (bundled by default) ontology and shapes."""
    from ..inference.reasoner import infer
    from ..remote.endpoint import load_from_endpoint

    if data or with_bundled_asked():
        raise CliError("give DATA (or --with-bundled) or --endpoint, not both")
    kg = load_from_endpoint(connect_endpoint(remote), ontology=[] if no_ontology else (list(ontology) or None),
                            shapes=list(shapes) if shapes else None)
    progress(f"fetched {len(kg.data)} data triples in {len(kg.parts)} graph(s) from {kg.sources[0]}")
    return kg if inference == "none" else infer(kg, inference)


def validate_at_store(remote, data, ontology, no_ontology, inference, shapes, engine):  # type: ignore[no-untyped-def]
    """(kg, report): the compiled shapes run on the store when it can give a local run's
    results; else (fetched kg, None) for validating a fetched copy here."""
    if engine == "fast" and not (data or ontology or no_ontology or inference != "none"):
        from ..graph.sources import load
        from ..remote.shapes import validate_at_endpoint

        done = validate_at_endpoint(connect_endpoint(remote), load([], shapes=list(shapes) if shapes else None))
        if done is not None:
            report, kg = done
            progress(f"validated at {kg.sources[0]}: {len(report.results)} result(s) fetched")
            return kg, report
    return fetch_graph(remote, data, ontology, no_ontology, inference, shapes), None


def label_graph(target, result, fmt):  # type: ignore[no-untyped-def]
    """The graph labels come from: the local union, or the labels of the result's IRIs
    fetched from the endpoint (only for the formats that show labels)."""
    if not hasattr(target, "run_sparql"):
        from ..graph.lookup import lookup_graph

        return lookup_graph(target)
    if fmt.lower() in ("csv", "tsv", "json", "srj", "srx", "xml"):  # exact values, no labels: spare the round trip
        from rdflib import Graph

        return Graph()
    return target.labels_for(v for row in result.rows for v in row)


def load_graph(data: tuple[str, ...], ontology: tuple[str, ...], no_ontology: bool, inference: str,
          *, shapes: tuple[str, ...] | None = None, upper: str = ""):  # type: ignore[no-untyped-def]
    """The KnowledgeGraph of DATA (plan spreadsheets imported), beside the bundled data with
    --with-bundled; ``upper``: with the bundled upper levels when DATA has none."""
    return load_inputs_for(data, ontology, no_ontology, inference, shapes=shapes, upper=upper).kg


def load_inputs_for(data, ontology, no_ontology, inference, *, shapes=None, upper="", note=True):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from ..inference.reasoner import infer
    from ..userdata import UPPER_LEVELS, load_inputs

    onto = [] if no_ontology else (list(ontology) or None)
    loaded = load_inputs(stdin_sources(list(data)), ontology=onto, shapes=list(shapes) if shapes else None,
                         with_bundled=with_bundled_asked(), upper=upper, store=store_dir_option())
    if loaded.added == (UPPER_LEVELS,):
        if note:  # validate says so in its help: no news there
            click.echo("note: DATA has no city plan; evaluated with the bundled upper levels (national goals, "
                       "city plan, Oslostandards, vocabularies)", err=True)
    elif loaded.added:
        click.echo("note: DATA put beside the bundled data (five plans and the levels above them)", err=True)
    kg = loaded.kg
    if logging.getLogger("rusgraph").isEnabledFor(logging.INFO):  # counting may parse (rdflib path)
        from ..graph.engine import data_size

        progress(f"loaded {data_size(kg)} data triples from {len(kg.parts)} source(s)")
    if inference != "none":
        kg = infer(kg, inference)  # type: ignore[arg-type]
        progress(f"inferred {kg.inferred_count()} triples ({inference})")
    return replace(loaded, kg=kg)


def store_dir_option() -> str | None:
    """--store DIR of the root command (the persistent Oxigraph store), or None."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root().obj if ctx is not None else None
    return root.get("store") if root else None


def progress(msg: str) -> None:
    logging.getLogger("rusgraph").info(msg)


def emit(text: str, output: str | None) -> None:
    if output:
        from ..outputs.atomic import write_text_atomic

        write_text_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def parse_params(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise CliError(f"--param takes NAME=VALUE, got {v!r}")
        k, _, val = v.partition("=")
        out[k.strip()] = val
    return out
