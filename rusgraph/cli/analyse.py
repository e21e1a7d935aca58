"""Commands that answer questions about the graph: ``validate``, ``report`` and ``query``.

Owns: their options, which library call each makes, the writer for --format and the exit
code (1 when validation finds problems at --fail-on). Must not: hold report or validation
logic (that is :mod:`rusgraph.reports` and :mod:`rusgraph.validation`).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from .group import CliError, EXIT_FOUND, EXIT_OK, handle_errors, main
from .options import (
    RESULT_FORMATS, SELECT_FORMATS, emit, endpoint_options, label_graph, lang_option, load_graph,
    load_inputs_for, output_option, parse_params, query_target, source_options, validate_at_store,
)


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
@handle_errors
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
    from ..validation.findings import findings, known_district, matches_district, render_csv, render_json
    from ..validation.findings_text import summary
    from ..validation.validator import validate as run_validate

    sheets: tuple = ()  # plan spreadsheets (.xlsx, .csv) among DATA, imported in memory
    report = None  # set here when the shapes ran at the store
    if remote is None:
        loaded = load_inputs_for(data, ontology, no_ontology, inference, shapes=shapes, upper="always", note=False)
        kg, sheets = loaded.kg, loaded.sheets
    else:
        kg, report = validate_at_store(remote, data, ontology, no_ontology, inference, shapes, engine)
    if district and not known_district(district, kg):
        raise CliError(f"unknown district {district!r}. Use a name such as Grorud or an SSB code such as 030110")
    if report is None:
        report = run_validate(kg, engine=engine)
    found = [f for f in findings(report, kg, lang=lang) if matches_district(f, district, kg)]
    if fmt == "text":  # for planners: summary first, rules in plain words, grouped, worst first
        from ..validation import findings_text as ft
        from ..sheets.spreadsheet import place

        items = ft.placed_items(place(found, sheets), kg, lang) if sheets else ft.items(found, kg, lang)
        verbose = bool(click.get_current_context().find_root().obj.get("verbose"))
        text = ft.render(items, kg.shapes, lang, verbose=verbose,
                         plans=ft.checked_plans(kg, district) if remote is None else None)
    elif sheets and fmt != "turtle":  # results placed on sheet, row and column
        from ..sheets.spreadsheet import place, render_placed

        text = render_placed(place(found, sheets), fmt, lang)
    elif fmt == "json":
        text = render_json(found, report, lang)
    elif fmt == "csv":
        text = render_csv(found, lang)
    else:
        from ..outputs.rdf import serialize_graph

        text = serialize_graph(report.graph, "turtle")
    emit(text, output)
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
@handle_errors
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
    from ..reports.queries import check_params, get_query, list_queries

    if help_:
        if name and not all_:
            from ..reports.writer import report_help

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
        from ..reports.writer import check_basis, write_all

        fmt = {"srj": "json", "markdown": "md"}.get(fmt.lower(), fmt.lower())
        if fmt not in SELECT_FORMATS:
            raise CliError(f"--all writes {', '.join(SELECT_FORMATS)}, not {fmt}")
        kg = load_graph(data, ontology, no_ontology, inference, upper="plan")
        check_basis(kg)
        for p in write_all(kg, output_dir, fmt=fmt, lang=lang):
            click.echo(f"wrote {p}", err=True)
        return
    if not name:
        raise CliError("give a report NAME, or --list to see them")
    query = get_query(name)
    values = parse_params(params)
    check_params(query, values)
    kg = query_target(remote, data, ontology, no_ontology, inference)
    from ..reports.writer import check_basis

    district = values.get("district") if any(p.name == "district" for p in query.params) else None
    if query.name == "district" and query.path and fmt == "html":  # the printable page to hand on
        from ..reports.district_page import district_findings, district_page

        check_basis(kg, district)
        found = district_findings(kg, values["district"], lang=lang) if remote is None else None
        emit(district_page(kg, values["district"], lang=lang, findings=found), output)
        return
    # an empty table is checked before it is printed: no plans, no strategies or an unknown
    # district is exit 2 with the reason, never an empty table with exit 0
    _print_select(kg, query, values, fmt, lang, output, when_empty=lambda: check_basis(kg, district))


def _print_select(kg, query, params, fmt, lang, output, when_empty=None):  # type: ignore[no-untyped-def]
    """Any answer in --format: SELECT/ASK as a table or SPARQL results, a graph as RDF.
    ``when_empty`` runs before an empty SELECT table is printed (it may raise)."""
    from ..graph.labels import Labeler
    from ..reports.formats import write_result
    from ..reports.queries import run_query

    result = run_query(kg, query, params, lang=lang)
    if when_empty is not None and result.kind == "select" and not result.rows:
        when_empty()
    options: dict[str, Any] = {}
    if result.kind == "select":
        options = dict(labeler=Labeler(label_graph(kg, result, fmt), lang), title=query.title(lang), lang=lang)
    emit(write_result(result, fmt, **options), output)
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
@handle_errors
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

    from ..graph.namespaces import PREFIXES
    from ..reports.queries import get_query, query_from_text

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
    kg = query_target(remote, data, ontology, no_ontology, inference)
    _print_select(kg, q, parse_params(params), fmt, lang, output)


# ------------------------------------------------------------------------------ export
