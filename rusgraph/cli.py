"""The ``rusgraph`` command line: a thin click layer over the library API.

Owns: parsing options, calling one library function per command, choosing a writer,
picking the exit code (0 ok, 1 problems found, 2 could not run) and keeping stdout for
data only. It must stay light at import time: rdflib, pyshacl, owlrl and SPARQLWrapper are
imported inside the commands that need them, so ``rusgraph --help`` is fast.
"""

from __future__ import annotations

import logging
import sys
from functools import wraps
from typing import Any, Callable

import click

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
SELECT_FORMATS = ("table", "csv", "tsv", "json", "md", "html")
RDF_FORMATS = ("turtle", "nt", "trig", "nquads", "json-ld", "xml")


class CliError(click.ClickException):
    """A RusgraphError on its way out: 'Error: ...' on stderr, exit code 2."""

    exit_code = EXIT_ERROR


def _handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import RusgraphError

        try:
            return fn(*args, **kwargs)
        except RusgraphError as exc:
            if _debug():
                raise
            raise CliError(str(exc)) from None
        except (ValueError, OSError) as exc:
            if _debug():
                raise
            raise CliError(f"{type(exc).__name__}: {exc}") from None

    return wrapper


def _debug() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get("debug"))


# ------------------------------------------------------------------------ shared options


def source_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """DATA... arguments plus --ontology/--no-ontology, --shapes and --inference."""
    fn = click.argument("data", nargs=-1, type=click.Path(dir_okay=True))(fn)
    fn = click.option("--ontology", "ontology", multiple=True, type=click.Path(),
                      help="Ontology file or directory (default: the bundled ontology).")(fn)
    fn = click.option("--no-ontology", is_flag=True, help="Load no ontology at all.")(fn)
    fn = click.option("--inference", type=click.Choice(["none", "rdfs", "owlrl"]), default="none",
                      show_default=True, help="Infer before running (kept in its own graph).")(fn)
    return fn


def lang_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
                        help="Label language (falls back to nb, then any).")(fn)


def output_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
                        help="Write to this file (atomically) instead of stdout.")(fn)


def _load(data: tuple[str, ...], ontology: tuple[str, ...], no_ontology: bool, inference: str,
          *, shapes: tuple[str, ...] | None = None, keep_upper: bool = False):  # type: ignore[no-untyped-def]
    from .inference import infer
    from .sources import bundled_data_sources, load

    if data:
        items: list[Any] = list(data)
        if keep_upper:
            items = [*bundled_data_sources(upper_only=True), *items]
    else:
        items = None  # type: ignore[assignment]
    onto = [] if no_ontology else (list(ontology) or None)
    kg = load(items, ontology=onto, shapes=list(shapes) if shapes else None)
    _info(f"loaded {len(kg.data)} data triples from {len(kg.parts)} source(s)")
    if inference != "none":
        kg = infer(kg, inference)  # type: ignore[arg-type]
        _info(f"inferred {len(kg.inferred)} triples ({inference})")
    return kg


def _info(msg: str) -> None:
    logging.getLogger("rusgraph").info(msg)


def _emit(text: str, output: str | None) -> None:
    if output:
        from .atomic import write_text_atomic

        write_text_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise CliError(f"--param takes NAME=VALUE, got {v!r}")
        k, _, val = v.partition("=")
        out[k.strip()] = val
    return out


# ------------------------------------------------------------------------------- group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rusgraph", prog_name="rusgraph")
@click.option("-v", "--verbose", count=True, help="More progress on stderr (-vv for debug logging).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def main(ctx: click.Context, verbose: int, debug: bool) -> None:
    """Oslo's drug-policy plans as one linked, checkable knowledge graph.

    With no DATA arguments every command works on the bundled ontology, shapes and data
    (five district plans and the levels above them). DATA paths replace the bundled data;
    the bundled ontology stays unless --no-ontology.

    \b
    Examples:
      rusgraph validate
      rusgraph report coverage --lang en
      rusgraph query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?m a rus:Measure }'
    """
    ctx.obj = {"debug": debug}
    level = logging.WARNING if verbose == 0 and not debug else (logging.INFO if verbose == 1 else logging.DEBUG)
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)


# ---------------------------------------------------------------------------- validate


@main.command()
@source_options
@click.option("--shapes", "shapes", multiple=True, type=click.Path(),
              help="SHACL shapes file or directory (default: the bundled shapes).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "turtle"]), default="text",
              show_default=True, help="Output format; turtle is the SHACL report graph.")
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info", "none"]), default="violation",
              show_default=True, help="Exit 1 when results at this level or worse exist.")
@click.option("--district", help="Only results for this district (name or SSB code).")
@click.option("--engine", type=click.Choice(["fast", "reference"]), default="fast", show_default=True,
              help="fast: one parse per SPARQL constraint; reference: plain pySHACL.")
@lang_option
@output_option
@_handle_errors
def validate(data, ontology, no_ontology, inference, shapes, fmt, fail_on, district, engine, lang, output):  # type: ignore[no-untyped-def]
    """Check plans against the SHACL shapes.

    With no DATA, checks the bundled graph. With DATA (a district's draft plan in Turtle,
    say), checks those files together with the bundled upper levels (national goals, the
    city plan, the Oslostandards, the vocabularies), so a district can check its plan alone.

    \b
    Examples:
      rusgraph validate
      rusgraph validate my-plan.ttl --lang en --fail-on warning
      rusgraph validate --district Grorud --format csv -o grorud-findings.csv
    """
    from .findings import findings, known_district, matches_district, render_csv, render_json, render_text, counts_line
    from .validation import validate as run_validate

    kg = _load(data, ontology, no_ontology, inference, shapes=shapes, keep_upper=True)
    if district and not known_district(district, kg):
        raise CliError(f"unknown district {district!r}. Use a name such as Grorud or an SSB code such as 030110")
    report = run_validate(kg, engine=engine)
    found = [f for f in findings(report, kg, lang=lang) if matches_district(f, district, kg)]
    if fmt == "text":
        text = render_text(found, lang)
    elif fmt == "json":
        text = render_json(found, report, lang)
    elif fmt == "csv":
        text = render_csv(found, lang)
    else:
        from .formats import serialize_graph

        text = serialize_graph(report.graph, "turtle")
    _emit(text, output)
    click.echo(counts_line(found, lang), err=True)
    worst = {"violation": ("Violation",), "warning": ("Violation", "Warning"),
             "info": ("Violation", "Warning", "Info"), "none": ()}[fail_on]
    sys.exit(EXIT_FOUND if any(f.result.severity in worst for f in found) else EXIT_OK)


# ------------------------------------------------------------------------------ report


@main.command()
@click.argument("name", required=False)
@source_options
@click.option("--list", "list_", is_flag=True, help="List the canned reports and exit.")
@click.option("--all", "all_", is_flag=True, help="Write every report into --output-dir.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A report parameter.")
@click.option("--format", "fmt", type=click.Choice(SELECT_FORMATS), default="table", show_default=True)
@click.option("-d", "--output-dir", type=click.Path(file_okay=False), help="Directory for --all.")
@lang_option
@output_option
@_handle_errors
def report(name, data, ontology, no_ontology, inference, list_, all_, params, fmt, output_dir, lang, output):  # type: ignore[no-untyped-def]
    """Run a canned report by NAME (see --list).

    \b
    Examples:
      rusgraph report --list
      rusgraph report coverage
      rusgraph report measures --format csv -o measures.csv
      rusgraph report district --param district=Grorud --lang en
      rusgraph report --all --format html -d reports/
    """
    from .queries import get_query, list_queries

    if list_:
        for q in list_queries():
            click.echo(f"{q.name:<12} {q.title(lang)}")
        return
    if all_:
        if not output_dir:
            raise CliError("--all needs --output-dir DIR")
        from .reports import write_all

        kg = _load(data, ontology, no_ontology, inference)
        paths = write_all(kg, output_dir, fmt=fmt, lang=lang)
        for p in paths:
            click.echo(f"wrote {p}", err=True)
        return
    if not name:
        raise CliError("give a report NAME, or --list to see them")
    query = get_query(name)
    kg = _load(data, ontology, no_ontology, inference)
    _print_select(kg, query, _parse_params(params), fmt, lang, output)


def _print_select(kg, query, params, fmt, lang, output):  # type: ignore[no-untyped-def]
    from .formats import Labeler, serialize_graph, write_select
    from .queries import run_query

    result = run_query(kg, query, params, lang=lang)
    if result.kind == "select":
        _emit(write_select(result, fmt, labeler=Labeler(kg.union, lang), title=query.title(lang), lang=lang), output)
        click.echo(f"{len(result.rows)} row(s)", err=True)
    elif result.kind == "ask":
        _emit(("true" if result.boolean else "false") + "\n", output)
    else:
        _emit(serialize_graph(result.graph, "turtle"), output)


# ------------------------------------------------------------------------------- query


@main.command()
@click.argument("query_file", required=False, type=click.Path(dir_okay=False))
@source_options
@click.option("-e", "--execute", "text", help="SPARQL text to run instead of a file.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to the string VALUE (never pasted into the query).")
@click.option("--format", "fmt", type=click.Choice(SELECT_FORMATS), default="table", show_default=True)
@lang_option
@output_option
@_handle_errors
def query(query_file, data, ontology, no_ontology, inference, text, params, fmt, lang, output):  # type: ignore[no-untyped-def]
    """Run SPARQL from QUERY_FILE (.rq) or -e TEXT.

    Common prefixes (rus, skos, dcterms, prov, org, ...) are predeclared for -e.

    \b
    Examples:
      rusgraph query my-question.rq --format csv
      rusgraph query -e 'SELECT ?m WHERE { ?m a rus:Measure } LIMIT 5'
    """
    from .namespaces import PREFIXES
    from .queries import get_query, query_from_text

    if bool(query_file) == bool(text):
        raise CliError("give either QUERY_FILE or -e TEXT")
    if text:
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if f"PREFIX {p}:" not in text)
        q = query_from_text(prologue + text, name="-e")
    else:
        q = get_query(query_file)
    kg = _load(data, ontology, no_ontology, inference)
    _print_select(kg, q, _parse_params(params), fmt, lang, output)


# ------------------------------------------------------------------------------ export


@main.command()
@source_options
@click.option("--format", "fmt", type=click.Choice(RDF_FORMATS), default="turtle", show_default=True)
@click.option("--with-inferred", is_flag=True, help="Include inferred triples (implies --inference owlrl if none given).")
@click.option("--without-ontology", is_flag=True, help="Leave the ontology out of the export.")
@output_option
@_handle_errors
def export(data, ontology, no_ontology, inference, fmt, with_inferred, without_ontology, output):  # type: ignore[no-untyped-def]
    """Export the graph as RDF.

    trig and nquads keep named graphs: one for the ontology, one per data file and (with
    --with-inferred) one for inferred triples.

    \b
    Examples:
      rusgraph export --format trig -o rusgraph.trig
      rusgraph export --format nt --with-inferred -o all.nt
    """
    from .export import export as run_export

    if with_inferred and inference == "none":
        inference = "owlrl"
    kg = _load(data, ontology, no_ontology, inference)
    _emit(run_export(kg, fmt, with_inferred=with_inferred, with_ontology=not without_ontology), output)


# ------------------------------------------------------------------------------- infer


@main.command()
@source_options
@click.option("--profile", type=click.Choice(["rdfs", "owlrl"]), default="owlrl", show_default=True)
@click.option("--format", "fmt", type=click.Choice(RDF_FORMATS), default="turtle", show_default=True)
@click.option("--keep-trivial", is_flag=True, help="Keep rdf:type rdfs:Resource and other trivia.")
@output_option
@_handle_errors
def infer(data, ontology, no_ontology, inference, profile, fmt, keep_trivial, output):  # type: ignore[no-untyped-def]
    """Print only what inference adds (the inferred graph), never the asserted data.

    Under owlrl this materialises every measure's rus:tracesTo chain and rus:planCovers.

    \b
    Examples:
      rusgraph infer --profile owlrl -o inferred.ttl
      rusgraph infer --profile rdfs --format nt
    """
    from .formats import serialize_graph
    from .inference import infer as run_infer

    kg = _load(data, ontology, no_ontology, "none")
    kg = run_infer(kg, profile, keep_trivial=keep_trivial)
    click.echo(f"inferred {len(kg.inferred)} triples", err=True)
    _emit(serialize_graph(kg.inferred, fmt), output)


if __name__ == "__main__":
    main()
