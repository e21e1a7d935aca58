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
# Names rdflib, Jena riot and ROBOT users type (rusgraph.reports.formats.GRAPH_ALIASES; a test keeps them equal).
RDF_ALIASES = ("ttl", "ntriples", "n-triples", "nq", "n-quads", "jsonld", "rdf/xml", "rdfxml", "rdf")
# A query's answer: a SELECT/ASK result (srx = SPARQL XML results, srj = SPARQL JSON) or a graph.
RESULT_FORMATS = (*SELECT_FORMATS, "srx", "srj", "markdown", *RDF_FORMATS, *RDF_ALIASES)


class CliError(click.ClickException):
    """A RusgraphError on its way out: 'Error: ...' on stderr, exit code 2."""

    exit_code = EXIT_ERROR


def _handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import RusgraphError, SpreadsheetError

        try:
            return fn(*args, **kwargs)
        except SpreadsheetError as exc:  # every bad cell, in --lang; as data under --format json|csv
            if _debug():
                raise
            from .sheets.problems import for_planner, render

            if not for_planner(exc):
                raise CliError(str(exc)) from None
            lang = kwargs.get("lang") or "nb"
            if kwargs.get("fmt") in ("json", "csv"):
                click.echo(render(exc, kwargs["fmt"], lang), nl=False)
            click.echo(render(exc, "text", lang), err=True, nl=False)
            sys.exit(EXIT_ERROR)
        except RusgraphError as exc:
            if _debug():
                raise
            raise CliError(str(exc)) from None
        except BrokenPipeError:
            raise  # the reader of stdout has gone: RusgraphGroup ends quietly
        except (ValueError, OSError) as exc:
            if _debug():
                raise
            raise CliError(f"{type(exc).__name__}: {exc}") from None

    return wrapper


class _Stopped(BaseException):
    """SIGTERM (or SIGHUP) arrived: unwinds like Ctrl-C so that temporary files are removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class _PipeClosed(Exception):
    """stdout's reader has gone (``rusgraph ... | head``)."""


class RusgraphGroup(click.Group):
    """The top-level group, with one exit-code policy for whatever ends a command.

    0 ok, 1 problems found (a command's own ``sys.exit(1)``), 2 could not run: usage errors,
    RusgraphErrors and any unexpected exception (a crash is "could not run", never "found
    problems"; --debug adds the traceback). Ctrl-C exits 130 and SIGTERM 143 (128 + the
    signal) after the temporary files of an unfinished output are removed. When stdout's
    reader goes away the command ends quietly with 141 (128 + SIGPIPE), as `cat` does.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise _PipeClosed() from exc

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        import signal
        import threading

        argv = list(sys.argv[1:] if args is None else args)
        handlers: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            def stop(signum: int, _frame: Any) -> None:
                raise _Stopped(signum)

            for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
                if sig is not None and signal.getsignal(sig) in (signal.SIG_DFL, None):
                    handlers[sig] = signal.signal(sig, stop)
        try:
            rv = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) and not isinstance(rv, bool) else EXIT_OK
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_ERROR)
            if not isinstance(exc.code, (int, type(None))):
                click.echo(str(exc.code), err=True)
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code if exc.exit_code else EXIT_ERROR
        except (click.Abort, KeyboardInterrupt):
            click.echo("Aborted.", err=True)
            code = 130
        except _Stopped as exc:
            click.echo("Stopped.", err=True)
            code = 128 + exc.signum
        except _PipeClosed:
            _silence_stdout()
            code = 141
        except Exception as exc:  # a crash: "could not run", never "found problems"
            if "--debug" in argv:
                import traceback

                traceback.print_exc()
            else:
                click.echo(f"Error: internal error: {type(exc).__name__}: {exc}. Run again with --debug for "
                           "the traceback, and report it", err=True)
            code = EXIT_ERROR
        finally:
            for sig, before in handlers.items():
                signal.signal(sig, before)
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
            code = code or 141
        except (OSError, ValueError):
            pass
        sys.exit(code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's flush at exit does not complain."""
    import os

    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


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
    fn = click.option("--input-format", type=click.Choice([*RDF_FORMATS, *RDF_ALIASES], case_sensitive=False),
                      default="turtle", show_default=True, expose_value=False, callback=_remember_input_format,
                      help="Format of DATA read from standard input ('-').")(fn)
    fn = click.option("--with-bundled", is_flag=True, expose_value=False, callback=_remember,
                      help="Put DATA beside the bundled data (the five plans and the levels above them).")(fn)
    return fn


def _remember_input_format(ctx: click.Context, _param: Any, value: str) -> str:
    ctx.meta["rusgraph.input_format"] = value
    return value


def _stdin_sources(items: list[Any]) -> list[Any]:
    """'-' among DATA: the RDF read from standard input, in --input-format."""
    if items.count("-") > 1:
        raise CliError("standard input ('-') can be read only once")
    if "-" not in items:
        return items
    from .reports.formats import graph_format
    from .graph.sources import parse_stdin

    fmt = graph_format(click.get_current_context().meta.get("rusgraph.input_format", "turtle")).rdflib_name
    graph = parse_stdin(click.get_binary_stream("stdin").read(), fmt)
    return [graph if item == "-" else item for item in items]


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep an option every loading command shares in ctx.meta, read by _load."""
    ctx.meta[f"rusgraph.{param.name}"] = value
    return value


def _with_bundled() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get("rusgraph.with_bundled"))


def lang_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
                        help="Label language (falls back to nb, then any).")(fn)


def _dash_is_stdout(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return None if value == "-" else value


def output_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, allow_dash=True),
                        callback=_dash_is_stdout,
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


def _connect(remote: dict[str, Any]):  # type: ignore[no-untyped-def]
    from .remote.endpoint import Endpoint

    return Endpoint(remote["endpoint"], update_url=remote.get("update_url"), store_url=remote.get("store_url"),
                    user=remote.get("user"), password=remote.get("password"), timeout=remote["timeout"],
                    graphs=remote["graphs"], follow_redirects=bool(remote.get("follow_redirects")))


def _target(remote: dict[str, Any] | None, data, ontology, no_ontology, inference):  # type: ignore[no-untyped-def]
    """The Endpoint when --endpoint is given (local-only options refused), else the loaded graph."""
    if remote is None:
        return _load(data, ontology, no_ontology, inference, upper="plan")
    if data or ontology or no_ontology or inference != "none" or _with_bundled():
        raise CliError("--endpoint queries the store: leave out DATA, --ontology and --inference "
                       "(push inferred triples with rusgraph push --with-inferred)")
    return _connect(remote)


def _fetch(remote, data, ontology, no_ontology, inference, shapes):  # type: ignore[no-untyped-def]
    """A KnowledgeGraph of the store's data with the local (bundled by default) ontology and shapes."""
    from .inference.reasoner import infer
    from .remote.readback import load_from_endpoint

    if data or _with_bundled():
        raise CliError("give DATA (or --with-bundled) or --endpoint, not both")
    kg = load_from_endpoint(_connect(remote), ontology=[] if no_ontology else (list(ontology) or None),
                            shapes=list(shapes) if shapes else None)
    _info(f"fetched {len(kg.data)} data triples in {len(kg.parts)} graph(s) from {kg.sources[0]}")
    return kg if inference == "none" else infer(kg, inference)


def _validate_at_store(remote, data, ontology, no_ontology, inference, shapes, engine):  # type: ignore[no-untyped-def]
    """(kg, report): the compiled shapes run on the store when it can give a local run's
    results; else (fetched kg, None) for validating a fetched copy here."""
    if engine == "fast" and not (data or ontology or no_ontology or inference != "none"):
        from .graph.sources import load
        from .validation.at_store import validate_at_endpoint

        done = validate_at_endpoint(_connect(remote), load([], shapes=list(shapes) if shapes else None))
        if done is not None:
            report, kg = done
            _info(f"validated at {kg.sources[0]}: {len(report.results)} result(s) fetched")
            return kg, report
    return _fetch(remote, data, ontology, no_ontology, inference, shapes), None


def _label_graph(target, result, fmt):  # type: ignore[no-untyped-def]
    """The graph labels come from: the local union, or the labels of the result's IRIs
    fetched from the endpoint (only for the formats that show labels)."""
    if not hasattr(target, "run_sparql"):
        from .graph.engine import lookup_graph

        return lookup_graph(target)
    if fmt.lower() in ("csv", "tsv", "json", "srj", "srx", "xml"):  # exact values, no labels: spare the round trip
        from rdflib import Graph

        return Graph()
    return target.labels_for(v for row in result.rows for v in row)


def _load(data: tuple[str, ...], ontology: tuple[str, ...], no_ontology: bool, inference: str,
          *, shapes: tuple[str, ...] | None = None, upper: str = ""):  # type: ignore[no-untyped-def]
    """The KnowledgeGraph of DATA (plan spreadsheets imported), beside the bundled data with
    --with-bundled; ``upper``: with the bundled upper levels when DATA has none."""
    return _load_inputs(data, ontology, no_ontology, inference, shapes=shapes, upper=upper).kg


def _load_inputs(data, ontology, no_ontology, inference, *, shapes=None, upper="", note=True):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from .inference.reasoner import infer
    from .graph.userdata import UPPER_LEVELS, load_inputs

    onto = [] if no_ontology else (list(ontology) or None)
    loaded = load_inputs(_stdin_sources(list(data)), ontology=onto, shapes=list(shapes) if shapes else None,
                         with_bundled=_with_bundled(), upper=upper, store=_store_dir())
    if loaded.added == (UPPER_LEVELS,):
        if note:  # validate says so in its help: no news there
            click.echo("note: DATA has no city plan; evaluated with the bundled upper levels (national goals, "
                       "city plan, Oslostandards, vocabularies)", err=True)
    elif loaded.added:
        click.echo("note: DATA put beside the bundled data (five plans and the levels above them)", err=True)
    kg = loaded.kg
    if logging.getLogger("rusgraph").isEnabledFor(logging.INFO):  # counting may parse (rdflib path)
        from .graph.engine import data_size

        _info(f"loaded {data_size(kg)} data triples from {len(kg.parts)} source(s)")
    if inference != "none":
        kg = infer(kg, inference)  # type: ignore[arg-type]
        _info(f"inferred {kg.inferred_count()} triples ({inference})")
    return replace(loaded, kg=kg)


def _store_dir() -> str | None:
    """--store DIR of the root command (the persistent Oxigraph store), or None."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root().obj if ctx is not None else None
    return root.get("store") if root else None


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


@click.group(cls=RusgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rusgraph", prog_name="rusgraph")
@click.option("-v", "--verbose", count=True, help="More progress on stderr (-vv for debug logging).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), envvar="RUSGRAPH_STORE", show_envvar=True,
              help="Keep the loaded graph in an on-disk Oxigraph store in this directory: the next command on "
                   "unchanged files answers without parsing them again (changed files are loaded again).")
@click.option("--raw-cells", is_flag=True, envvar="RUSGRAPH_RAW_CELLS", show_envvar=True,
              help="Write CSV and TSV cells exactly as they are, for programs. By default a cell beginning "
                   "with = + - @ tab or CR gets a leading ' so that a spreadsheet shows it as text and does "
                   "not run it as a formula (OWASP: CSV injection); numbers are left alone.")
@click.pass_context
def main(ctx: click.Context, verbose: int, debug: bool, store_dir: str | None, raw_cells: bool) -> None:
    """Oslo's drug-policy plans as one linked, checkable knowledge graph.

    With no DATA arguments every command works on the bundled ontology, shapes and data
    (five district plans and the levels above them). DATA paths (RDF or plan spreadsheets) replace
    the bundled plans (--with-bundled keeps them); the bundled ontology stays unless --no-ontology.

    \b
    Examples:
      rusgraph validate
      rusgraph report coverage --lang en
      rusgraph query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?m a rus:Measure }'
    """
    ctx.obj = {"debug": debug, "verbose": verbose, "store": store_dir}
    if raw_cells:
        from .reports.formats import raw_cells as keep_cells

        ctx.with_resource(keep_cells())
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
@endpoint_options
@_handle_errors
def validate(data, ontology, no_ontology, inference, shapes, fmt, fail_on, district, engine, lang, output, remote):  # type: ignore[no-untyped-def]
    """Check plans against the SHACL shapes.

    With no DATA, checks the bundled graph. With DATA (a district's draft plan in Turtle,
    say), checks those files together with the bundled upper levels (national goals, the
    city plan, the Oslostandards, the vocabularies), so a district can check its plan alone.
    A plan spreadsheet (.xlsx or .csv, see `rusgraph template`) is imported in memory and
    its results name the sheet, row and column.

    \b
    Examples:
      rusgraph validate
      rusgraph validate my-plan.ttl --lang en --fail-on warning
      rusgraph validate plan.xlsx
      rusgraph validate --district Grorud --format csv -o grorud-findings.csv
      rusgraph validate --endpoint http://localhost:7878/query

    With --endpoint, the shapes run as SPARQL queries on the store (one per constraint, for
    all focus nodes at once); only the results and the labels shown come back. On a store
    whose default graph is the union of its graphs, --graphs store is much faster with many
    plans. With --engine reference, --ontology or --inference (or shapes the compiler does
    not take), the data is read from the store (one CONSTRUCT per graph) and checked here.
    """
    from .validation.findings import findings, known_district, matches_district, render_csv, render_json
    from .validation.findings_text import summary
    from .validation.validator import validate as run_validate

    sheets: tuple = ()  # plan spreadsheets (.xlsx, .csv) among DATA, imported in memory
    report = None  # set here when the shapes ran at the store
    if remote is None:
        loaded = _load_inputs(data, ontology, no_ontology, inference, shapes=shapes, upper="always", note=False)
        kg, sheets = loaded.kg, loaded.sheets
    else:
        kg, report = _validate_at_store(remote, data, ontology, no_ontology, inference, shapes, engine)
    if district and not known_district(district, kg):
        raise CliError(f"unknown district {district!r}. Use a name such as Grorud or an SSB code such as 030110")
    if report is None:
        report = run_validate(kg, engine=engine)
    found = [f for f in findings(report, kg, lang=lang) if matches_district(f, district, kg)]
    if fmt == "text":  # for planners: summary first, rules in plain words, grouped, worst first
        from .validation import findings_text as ft
        from .sheets.spreadsheet import place

        items = ft.placed_items(place(found, sheets), kg, lang) if sheets else ft.items(found, kg, lang)
        verbose = bool(click.get_current_context().find_root().obj.get("verbose"))
        text = ft.render(items, kg.shapes, lang, verbose=verbose,
                         plans=ft.checked_plans(kg, district) if remote is None else None)
    elif sheets and fmt != "turtle":  # results placed on sheet, row and column
        from .sheets.spreadsheet import place, render_placed

        text = render_placed(place(found, sheets), fmt, lang)
    elif fmt == "json":
        text = render_json(found, report, lang)
    elif fmt == "csv":
        text = render_csv(found, lang)
    else:
        from .reports.formats import serialize_graph

        text = serialize_graph(report.graph, "turtle")
    _emit(text, output)
    click.echo(summary(found, lang), err=True)
    worst = {"violation": ("Violation",), "warning": ("Violation", "Warning"),
             "info": ("Violation", "Warning", "Info"), "none": ()}[fail_on]
    sys.exit(EXIT_FOUND if any(f.result.severity in worst for f in found) else EXIT_OK)


# ------------------------------------------------------------------------------ report


class _ReportCommand(click.Command):
    """`report NAME --help` shows that report's help: --help is an ordinary flag here, read
    after NAME, rather than click's eager option that answers before NAME is known."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return None


@main.command(cls=_ReportCommand)
@click.argument("name", required=False)
@source_options
@click.option("--list", "list_", is_flag=True, help="List the canned reports and exit.")
@click.option("--all", "all_", is_flag=True, help="Write every report into --output-dir (the district report "
              "once per district); every argument is then DATA.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A report parameter.")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS, case_sensitive=False), default="table",
              show_default=True, help="SELECT/ASK: table, csv, tsv, json (= srj), srx (= xml), md, html; "
                                      "CONSTRUCT/DESCRIBE: any RDF format (turtle by default).")
@click.option("-d", "--output-dir", type=click.Path(file_okay=False), help="Directory for --all.")
@lang_option
@output_option
@endpoint_options
@click.option("-h", "--help", "help_", is_flag=True,
              help="Show this message; after a report NAME, that report's question, columns and parameters.")
@click.pass_context
@_handle_errors
def report(ctx, name, data, ontology, no_ontology, inference, list_, all_, params, fmt, output_dir, lang, output, remote, help_):  # type: ignore[no-untyped-def]
    """Run a canned report by NAME (see --list).

    DATA (Turtle, or plan spreadsheets .xlsx/.csv) replaces the bundled plans and is
    evaluated with the bundled upper levels when it has none; --with-bundled puts it beside
    the five bundled plans. A report whose graph has no district plan or no strategies
    says so and exits 2.

    \b
    Examples:
      rusgraph report --list
      rusgraph report coverage --help
      rusgraph report coverage
      rusgraph report coverage --with-bundled alna.xlsx
      rusgraph report measures --param district=Grorud --format csv -o measures.csv
      rusgraph report district --param district=Grorud --format html -o grorud.html
      rusgraph report --all --format html -d reports/
      rusgraph report coverage --endpoint http://localhost:7878/query --format csv
    """
    from .reports.queries import check_params, get_query, list_queries

    if help_:
        if name and not all_:
            from .reports.writer import report_help

            click.echo(report_help(get_query(name), lang, formats=SELECT_FORMATS), nl=False)
        else:
            click.echo(ctx.get_help())
        return
    if list_:
        for q in list_queries():
            click.echo(f"{q.name:<12} {q.title(lang)}")
        return
    if all_:
        data = (name, *data) if name else data  # NAME is never taken from DATA under --all
        if not output_dir:
            raise CliError("--all needs --output-dir DIR")
        if remote is not None:
            raise CliError("--all works on local data; run the reports one by one with --endpoint")
        if params or output:
            raise CliError("--all writes every report into --output-dir: leave out --param and -o")
        from .reports.writer import check_basis, write_all

        fmt = {"srj": "json", "markdown": "md"}.get(fmt.lower(), fmt.lower())
        if fmt not in SELECT_FORMATS:
            raise CliError(f"--all writes {', '.join(SELECT_FORMATS)}, not {fmt}")
        kg = _load(data, ontology, no_ontology, inference, upper="plan")
        check_basis(kg)
        for p in write_all(kg, output_dir, fmt=fmt, lang=lang):
            click.echo(f"wrote {p}", err=True)
        return
    if not name:
        raise CliError("give a report NAME, or --list to see them")
    query = get_query(name)
    values = _parse_params(params)
    check_params(query, values)
    kg = _target(remote, data, ontology, no_ontology, inference)
    from .reports.writer import check_basis

    district = values.get("district") if any(p.name == "district" for p in query.params) else None
    if query.name == "district" and query.path and fmt == "html":  # the printable page to hand on
        from .reports.district_page import district_findings, district_page

        check_basis(kg, district)
        found = district_findings(kg, values["district"], lang=lang) if remote is None else None
        _emit(district_page(kg, values["district"], lang=lang, findings=found), output)
        return
    # an empty table is checked before it is printed: no plans, no strategies or an unknown
    # district is exit 2 with the reason, never an empty table with exit 0
    _print_select(kg, query, values, fmt, lang, output, when_empty=lambda: check_basis(kg, district))


def _print_select(kg, query, params, fmt, lang, output, when_empty=None):  # type: ignore[no-untyped-def]
    """Any answer in --format: SELECT/ASK as a table or SPARQL results, a graph as RDF.
    ``when_empty`` runs before an empty SELECT table is printed (it may raise)."""
    from .reports.formats import Labeler, write_result
    from .reports.queries import run_query

    result = run_query(kg, query, params, lang=lang)
    if when_empty is not None and result.kind == "select" and not result.rows:
        when_empty()
    options: dict[str, Any] = {}
    if result.kind == "select":
        options = dict(labeler=Labeler(_label_graph(kg, result, fmt), lang), title=query.title(lang), lang=lang)
    _emit(write_result(result, fmt, **options), output)
    if result.kind == "select":
        click.echo(f"{len(result.rows)} row(s)", err=True)


# ------------------------------------------------------------------------------- query


@main.command()
@click.argument("query_file", required=False, type=click.Path(dir_okay=False))
@source_options
@click.option("-e", "--execute", "text", help="SPARQL text to run instead of a file.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to the string VALUE (never pasted into the query).")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS, case_sensitive=False), default="table",
              show_default=True, help="SELECT/ASK: table, csv, tsv, json (= srj), srx (= xml), md, html; "
                                      "CONSTRUCT/DESCRIBE: any RDF format (turtle by default).")
@lang_option
@output_option
@endpoint_options
@_handle_errors
def query(query_file, data, ontology, no_ontology, inference, text, params, fmt, lang, output, remote):  # type: ignore[no-untyped-def]
    """Run SPARQL from QUERY_FILE (.rq) or -e TEXT, on DATA (default: the bundled graph).

    With -e, every path given is DATA. Common prefixes (rus, skos, dcterms, prov, org, ...)
    are predeclared for -e and for a query file alike. QUERY_FILE - reads the query from
    standard input, DATA - the data (in --input-format). --format picks the answer's form:
    SELECT and ASK as table, csv, tsv, json (SPARQL JSON, also srj), srx (SPARQL XML, also
    xml), md or html; CONSTRUCT and DESCRIBE in any RDF format (ttl, nt, nq, trig, jsonld,
    rdfxml, ...).

    \b
    Examples:
      rusgraph query my-question.rq --format csv
      rusgraph query -e 'SELECT ?m WHERE { ?m a rus:Measure } LIMIT 5'
      rusgraph query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' my-plan.ttl
      rusgraph query my-question.rq --endpoint http://localhost:7878/query
      rusgraph query -e 'CONSTRUCT WHERE { ?m a rus:Measure }' --format nt
      cat plan.nt | rusgraph query my-question.rq - --input-format nt --format srx
    """
    import re
    from dataclasses import replace

    from .graph.namespaces import PREFIXES
    from .reports.queries import get_query, query_from_text

    if text and query_file and not query_file.endswith(".rq"):
        data = (query_file, *data)  # with -e, every path is DATA: rusgraph query -e TEXT plan.ttl
        query_file = None
    if bool(query_file) == bool(text):
        raise CliError("give either QUERY_FILE or -e TEXT")
    if query_file == "-" and "-" in data:
        raise CliError("the query and the data cannot both come from standard input ('-')")
    if text:
        q = query_from_text(text, name="-e")
    elif query_file == "-":  # the query on standard input
        q = query_from_text(click.get_text_stream("stdin").read(), name="-", path="<stdin>")
    else:
        q = get_query(query_file)
    # The common prefixes for -e, a .rq file and stdin alike, unless the query declares them.
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()
                       if not re.search(rf"(?i)\bPREFIX\s+{re.escape(p)}\s*:", q.text))
    q = replace(q, text=prologue + q.text)
    kg = _target(remote, data, ontology, no_ontology, inference)
    _print_select(kg, q, _parse_params(params), fmt, lang, output)


# ------------------------------------------------------------------------------ export


PLAN_FORMATS = ("xlsx", "plan-csv")  # one bundled plan as a filled template (docs/spreadsheets.md)
EXPORT_FORMATS = (*RDF_FORMATS, *RDF_ALIASES, "graphml", "gexf", "cytoscape", "csv", "neo4j", "html", *PLAN_FORMATS)


@main.command()
@source_options
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS, case_sensitive=False), default="turtle",
              show_default=True,
              help="RDF (turtle, nt, trig, nquads, json-ld, xml = rdfxml), property graph (graphml, gexf, "
                   "cytoscape, csv; neo4j: CSV with neo4j-admin import headers and a Kuzu script, both "
                   "load it as is), an interactive page (html), or with --district one bundled plan "
                   "as a planners' spreadsheet (xlsx, plan-csv).")
@click.option("--with-inferred", is_flag=True, help="Include inferred triples (implies --inference owlrl if none given).")
@click.option("--without-ontology", is_flag=True, help="Leave the ontology out of an RDF export.")
@click.option("--district", help="Only this district's plan, goals, measures and units and what they link to "
                                 "(name or SSB code).")
@lang_option
@click.option("-o", "--output", type=click.Path(writable=True, allow_dash=True), callback=_dash_is_stdout,
              help="Write here (atomically) instead of stdout (- is stdout). csv, neo4j: a directory "
                   "(nodes.csv, edges.csv, ...) or a .zip.")
@_handle_errors
def export(data, ontology, no_ontology, inference, fmt, with_inferred, without_ontology, district, lang, output):  # type: ignore[no-untyped-def]
    """Export the graph as RDF, as a property graph, or as an interactive HTML page.

    trig and nquads keep named graphs: one for the ontology, one per data file and (with
    --with-inferred) one for inferred triples. json-ld is compact, with rusgraph's context
    inlined. graphml, gexf, cytoscape (cytoscape.js JSON) and csv give one node per
    resource (IRI as id, label in --lang, type, colour) and one edge per link; html is one
    offline page with search, filters and a side panel. See docs/graph-browsers.md.

    \b
    Examples:
      rusgraph export --format trig -o rusgraph.trig
      rusgraph export --format nt --with-inferred -o all.nt
      rusgraph export --format gexf -o rusgraph.gexf
      rusgraph export --format csv -o neo4j-import/
      rusgraph export --format neo4j -o graph-import/
      rusgraph export --format html --district Stovner --lang en -o stovner.html
      rusgraph export --format xlsx --district Grorud -o grorud.xlsx
    """
    from .exports.writer import export as run_export, export_format, write_export

    fmt = fmt.lower() if fmt.lower() in PLAN_FORMATS else export_format(fmt)
    if fmt in PLAN_FORMATS:  # xlsx, plan-csv: a bundled plan in the planners' template
        from .sheets.spreadsheet import export_for_cli

        text = export_for_cli(fmt, district, data, lang, output)
        click.echo(f"wrote {output}", err=True) if output else click.echo(text, nl=False)
        return
    kg = _load(data, ontology, no_ontology, "none")
    if district:
        from .graph.districts import resolve_district

        resolve_district(kg, district)  # an unknown district fails before any inference
    if with_inferred and inference == "none":
        inference = "owlrl"
    if inference != "none":
        from .inference.reasoner import infer as run_infer

        kg = run_infer(kg, inference)
        _info(f"inferred {kg.inferred_count()} triples ({inference})")
    opts = dict(with_inferred=with_inferred, with_ontology=not without_ontology, district=district, lang=lang)
    if output:
        for path in write_export(kg, fmt, output, **opts):
            click.echo(f"wrote {path}", err=True)
    elif fmt in ("csv", "neo4j"):
        raise CliError(f"the {fmt} export is several files (nodes.csv, edges.csv, ...). Give -o DIR or -o FILE.zip")
    else:
        _emit(run_export(kg, fmt, **opts), None)


@main.command()
@source_options
@click.option("-d", "--output-dir", "output_dir", required=True, type=click.Path(file_okay=False),
              help="Directory to write the site into (created, or replaced whole if an earlier site).")
@click.option("--sources", type=click.Path(exists=True, file_okay=False),
              help="The plans' extracted texts (e.g. ../shared/seeds): measure pages quote their lines.")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
              help="The language index.html opens in (every page is written in nb and en).")
@_handle_errors
def site(data, ontology, no_ontology, inference, output_dir, sources, lang):  # type: ignore[no-untyped-def]
    """Write the plan atlas: the whole graph as a static, searchable site that works offline.

    One page per district plan, measure, goal, strategy, Oslostandard, national goal and
    unit, in nb and en, each with its Turtle and JSON-LD beside it; the coverage, standards
    and goals reports on the index; the ontology, the rules and the reports described. A
    plan given without upper levels is shown with the bundled ones. Open DIR/index.html in
    a browser, or put DIR on any static web host (docs/site.md).

    \b
    Examples:
      rusgraph site -d site/
      rusgraph site -d site/ --sources ../shared/seeds --lang en
      rusgraph site -d alna-site/ alna.ttl
    """
    import os

    from .site.atlas import build_site

    kg = _load(data, ontology, no_ontology, inference, upper="plan")
    try:
        result = build_site(kg, output_dir, lang=lang, sources=sources)
    except FileExistsError as exc:
        raise CliError(f"{exc}. Give a new or empty directory (an earlier site is replaced).") from None
    for name in result.missing_sources:
        click.echo(f"warning: {name} is not in {sources}; its pages name the file and lines only", err=True)
    click.echo(f"wrote {result.pages} pages ({result.files} files) to {output_dir} in {result.seconds:.1f} s; "
               f"open {os.path.join(output_dir, 'index.html')}", err=True)


# ----------------------------------------------------------------- template, import


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The template to write: FILE.xlsx (with drop-down lists) or FILE.csv.")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
              help="Language of the sheet names, column names and lists.")
@_handle_errors
def template(output, lang):  # type: ignore[no-untyped-def]
    """Write an empty plan template for a district to fill in.

    The xlsx template has a Plan sheet (district, title, period, source document), a
    Tiltak sheet (one measure per row) whose Status, Risiko, Strategi, Byplanmål,
    Oslostandard and Tema columns offer drop-down lists from the bundled vocabularies, and
    a guide. See docs/spreadsheets.md.

    \b
    Examples:
      rusgraph template -o plan.xlsx
      rusgraph template -o plan.csv --lang en
    """
    from .sheets.spreadsheet import write_template

    write_template(output, lang)
    click.echo(f"wrote {output}", err=True)


@main.command(name="import")
@click.argument("spreadsheet", type=click.Path(dir_okay=False))
@output_option
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
              help="Language of the problems reported.")
@_handle_errors
def import_(spreadsheet, output, lang):  # type: ignore[no-untyped-def]
    """Convert a filled plan template (.xlsx or .csv) to Turtle.

    Links in the Strategi, Byplanmål and Oslostandard columns are stated (the plan says
    them). Every bad cell is reported (file, sheet, row and column); nothing is written then.

    \b
    Examples:
      rusgraph import plan.xlsx -o plan.ttl
      rusgraph import plan.csv > plan.ttl
    """
    from .sheets.spreadsheet import import_plan

    plan = import_plan(spreadsheet)
    _emit(plan.turtle(), output)
    n, g = len(plan.record["measures"]), len(plan.record["goals"])
    click.echo(f"imported {n} measure{'s' * (n != 1)} and {g} goal{'s' * (g != 1)} from {plan.file}", err=True)


# -------------------------------------------------------------------------------- diff


@main.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "md", "html"]), default="table",
              show_default=True)
@click.option("--district", help="The plan to compare when a file holds several (name or SSB code).")
@lang_option
@output_option
@_handle_errors
def diff(old, new, fmt, district, lang, output):  # type: ignore[no-untyped-def]
    """Show what changed between two versions of a plan, measure by measure.

    OLD and NEW are Turtle (or other RDF) files or plan spreadsheets (.xlsx, .csv). Measures
    are paired by the plan's own number (Nr) where both versions have one, else by the most
    similar text; then listed as added, removed, or changed field by field (text, goal,
    responsible, deadline, status, risk, placement, links). Exit 0 when nothing changed, 1
    when something did (as diff does), 2 when a file cannot be read.

    \b
    Examples:
      rusgraph diff grorud-2024.xlsx grorud-2025.xlsx
      rusgraph diff data/plans/030110-grorud.ttl grorud-2025.xlsx --format csv -o changes.csv
      rusgraph diff grorud-2024.xlsx grorud-2025.xlsx --format html --lang en -o changes.html
    """
    from .reports.diff import diff_files, render, summary

    result = diff_files(old, new, district=district)
    _emit(render(result, fmt, lang), output)
    click.echo(summary(result, lang), err=True)
    sys.exit(EXIT_FOUND if result.changes else EXIT_OK)


# ------------------------------------------------------------------------------- infer


@main.command()
@source_options
@click.option("--profile", type=click.Choice(["rdfs", "owlrl"]), default="owlrl", show_default=True)
@click.option("--format", "fmt", type=click.Choice([*RDF_FORMATS, *RDF_ALIASES], case_sensitive=False),
              default="turtle", show_default=True)
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
    from .reports.formats import serialize_graph
    from .inference.reasoner import infer as run_infer

    kg = _load(data, ontology, no_ontology, "none")
    kg = run_infer(kg, profile, keep_trivial=keep_trivial)
    click.echo(f"inferred {kg.inferred_count()} triples", err=True)
    _emit(serialize_graph(kg.inferred, fmt), output)


# -------------------------------------------------------------------------- push, serve


@main.command()
@source_options
@click.option("--store-url", metavar="URL", help="Graph Store Protocol URL (e.g. http://localhost:7878/store); tried first.")
@click.option("--update-url", metavar="URL", help="SPARQL Update URL (e.g. http://localhost:7878/update); "
                                                  "used when there is no Graph Store Protocol.")
@click.option("--replace", is_flag=True, help="Replace each pushed graph instead of adding to it.")
@click.option("--prune", is_flag=True, help="Then drop the store's other rusgraph graphs (under "
              "https://w3id.org/rusgraph/graph/): sources removed or renamed since an earlier push, or an "
              "inferred graph this push does not write.")
@click.option("--with-inferred", is_flag=True, help="Push the inferred graph too (implies --inference owlrl if none given).")
@click.option("--batch-size", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Triples per request.")
@endpoint_options
@_handle_errors
def push(data, ontology, no_ontology, inference, replace, prune, with_inferred, batch_size, remote):  # type: ignore[no-untyped-def]
    """Write the graph into a SPARQL store, one named graph per source.

    The ontology goes to https://w3id.org/rusgraph/graph/ontology, each data file to
    .../graph/<upper|plans>/<file>, and (with --with-inferred) inferred triples to
    .../graph/inferred. The Graph Store Protocol is used when --store-url is given;
    otherwise, or when the store has none, SPARQL Update INSERT DATA in batches. Credentials
    (--user/--password) go out when the store asks, as Digest or Basic. --replace writes
    each graph whole into a staging graph and then copies it over the old one in one step
    (with only --store-url: one PUT per graph), so a failure leaves the old graph as it was
    and concurrent pushes never mix. Pushing twice is safe: adding triples a graph already
    holds changes nothing (graphs with blank nodes are always replaced, never doubled). If
    a graph fails, push stops, says which graphs were and were not written, and exits 2. With
    --prune, rusgraph graphs in the store that this push did not write are dropped after
    (so that --replace --prune leaves the store holding exactly what was pushed).

    \b
    Examples:
      rusgraph push --endpoint http://localhost:7878/query --store-url http://localhost:7878/store
      rusgraph push --endpoint http://localhost:7878/query --update-url http://localhost:7878/update --replace
      rusgraph push --endpoint http://localhost:7878/query --store-url http://localhost:7878/store --replace --prune
      rusgraph push my-plan.ttl --endpoint http://localhost:7878/query --store-url http://localhost:7878/store
    """
    from .remote.push import push as run_push

    if remote is None:
        raise CliError("push needs --endpoint URL (and --store-url or --update-url)")
    if with_inferred and inference == "none":
        inference = "owlrl"
    endpoint = _connect(remote)
    kg = _load(data, ontology, no_ontology, inference)
    result = run_push(kg, endpoint, replace=replace, with_inferred=with_inferred, batch_size=batch_size, prune=prune)
    click.echo(result.summary(), err=True)


@main.command()
@source_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--allow-remote", is_flag=True, help="Allow a non-loopback --host (the server has no authentication).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests whose Host header is NAME (e.g. the machine's DNS name with --allow-remote).")
@click.option("--time-limit", type=click.IntRange(min=1), default=60, show_default=True,
              help="Seconds a query may run before the server stops it.")
@click.option("--location", type=click.Path(file_okay=False),
              help="Keep the store in this new or empty directory (default: a temporary one).")
@_handle_errors
def serve(data, ontology, no_ontology, inference, host, port, allow_remote, allow_hosts, time_limit, location):  # type: ignore[no-untyped-def]
    """Serve the graph read-only over SPARQL with Oxigraph, until Ctrl-C.

    Loads the graph into an Oxigraph store (one named graph per source; queries see their
    union as the default graph) and runs `oxigraph serve-read-only` on it: a SPARQL 1.1
    endpoint at /query with a query page at /. Clients reach it through a gate that
    refuses SERVICE (the server fetches nothing), updates and LOAD, answers only requests
    addressed to it by its own name (Host header), and stops every query after
    --time-limit seconds. Needs pip install 'rusgraph[serve]'.

    \b
    Examples:
      rusgraph serve
      rusgraph serve --port 7879 --inference owlrl
      rusgraph report coverage --endpoint http://127.0.0.1:7878/query
    """
    import signal

    from .remote.server import serve as run_serve

    kg = _load(data, ontology, no_ontology, inference, upper="plan")  # a plan alone is served with the upper levels
    # SIGTERM stops the server as Ctrl-C does (serve() and the finally below clean up for
    # both); Ctrl-C is re-armed because a shell starting us in the background ignores it.
    before = (signal.signal(signal.SIGTERM, lambda *_: sys.exit(EXIT_OK)),
              signal.signal(signal.SIGINT, signal.default_int_handler))
    try:
        server = run_serve(kg, host=host, port=port, location=location, allow_remote=allow_remote,
                           time_limit=time_limit, allowed_hosts=tuple(allow_hosts))
        click.echo(f"serving {server.query_url} (oxigraph pid {server.pid}, read-only); Ctrl-C to stop", err=True)
        try:
            code = server.wait()
            raise CliError(f"the oxigraph server stopped by itself (exit code {code}): {server.output()[-300:]}")
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
            click.echo("stopped", err=True)
    finally:
        signal.signal(signal.SIGTERM, before[0])
        signal.signal(signal.SIGINT, before[1])


if __name__ == "__main__":
    main()
