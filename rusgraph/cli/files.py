"""Commands that write files: ``export``, ``site``, ``template``, ``import``, ``diff`` and ``infer``.

Owns: their options and the library call each makes. Must not: format or serialise
anything itself (:mod:`rusgraph.exports`, :mod:`rusgraph.site`, :mod:`rusgraph.sheets`).
"""

from __future__ import annotations

import sys

import click

from .group import CliError, EXIT_FOUND, EXIT_OK, handle_errors, main
from .options import (
    RDF_ALIASES, RDF_FORMATS, dash_is_stdout, emit, lang_option, load_graph, output_option,
    progress, source_options,
)

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
@click.option("-o", "--output", type=click.Path(writable=True, allow_dash=True), callback=dash_is_stdout,
              help="Write here (atomically) instead of stdout (- is stdout). csv, neo4j: a directory "
                   "(nodes.csv, edges.csv, ...) or a .zip.")
@handle_errors
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
    from ..exports.writer import export as run_export, export_format, write_export

    fmt = fmt.lower() if fmt.lower() in PLAN_FORMATS else export_format(fmt)
    if fmt in PLAN_FORMATS:  # xlsx, plan-csv: a bundled plan in the planners' template
        from ..sheets.export import export_for_cli

        text = export_for_cli(fmt, district, data, lang, output)
        click.echo(f"wrote {output}", err=True) if output else click.echo(text, nl=False)
        return
    kg = load_graph(data, ontology, no_ontology, "none")
    if district:
        from ..graph.districts import resolve_district

        resolve_district(kg, district)  # an unknown district fails before any inference
    if with_inferred and inference == "none":
        inference = "owlrl"
    if inference != "none":
        from ..inference.reasoner import infer as run_infer

        kg = run_infer(kg, inference)
        progress(f"inferred {kg.inferred_count()} triples ({inference})")
    opts = dict(with_inferred=with_inferred, with_ontology=not without_ontology, district=district, lang=lang)
    if output:
        for path in write_export(kg, fmt, output, **opts):
            click.echo(f"wrote {path}", err=True)
    elif fmt in ("csv", "neo4j"):
        raise CliError(f"the {fmt} export is several files (nodes.csv, edges.csv, ...). Give -o DIR or -o FILE.zip")
    else:
        emit(run_export(kg, fmt, **opts), None)


@main.command()
@source_options
@click.option("-d", "--output-dir", "output_dir", required=True, type=click.Path(file_okay=False),
              help="Directory to write the site into (created, or replaced whole if an earlier site).")
@click.option("--sources", type=click.Path(exists=True, file_okay=False),
              help="The plans' extracted texts (e.g. ../shared/seeds): measure pages quote their lines.")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
              help="The language index.html opens in (every page is written in nb and en).")
@handle_errors
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

    from ..site.atlas import build_site

    kg = load_graph(data, ontology, no_ontology, inference, upper="plan")
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
@handle_errors
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
    from ..sheets.export import write_template

    write_template(output, lang)
    click.echo(f"wrote {output}", err=True)


@main.command(name="import")
@click.argument("spreadsheet", type=click.Path(dir_okay=False))
@output_option
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
              help="Language of the problems reported.")
@handle_errors
def import_(spreadsheet, output, lang):  # type: ignore[no-untyped-def]
    """Convert a filled plan template (.xlsx or .csv) to Turtle.

    Links in the Strategi, Byplanmål and Oslostandard columns are stated (the plan says
    them). Every bad cell is reported (file, sheet, row and column); nothing is written then.

    \b
    Examples:
      rusgraph import plan.xlsx -o plan.ttl
      rusgraph import plan.csv > plan.ttl
    """
    from ..sheets.importing import import_plan

    plan = import_plan(spreadsheet)
    if output:  # streamed: a large plan's Turtle is never held in memory
        from ..outputs.atomic import atomic_writer

        with atomic_writer(output, "wb") as fh:
            plan.write_turtle(fh)
        click.echo(f"wrote {output}", err=True)
    else:
        stdout = sys.stdout.buffer
        plan.write_turtle(stdout)
        stdout.flush()
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
@handle_errors
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
    from ..reports.diff import diff_files, render, summary

    result = diff_files(old, new, district=district)
    emit(render(result, fmt, lang), output)
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
@handle_errors
def infer(data, ontology, no_ontology, inference, profile, fmt, keep_trivial, output):  # type: ignore[no-untyped-def]
    """Print only what inference adds (the inferred graph), never the asserted data.

    Under owlrl this materialises every measure's rus:tracesTo chain and rus:planCovers.

    \b
    Examples:
      rusgraph infer --profile owlrl -o inferred.ttl
      rusgraph infer --profile rdfs --format nt
    """
    from ..graph.engine import dump_ntriples, inferred_in_store
    from ..inference.reasoner import infer as run_infer
    from ..outputs.rdf import graph_format, serialize_graph

    kg = load_graph(data, ontology, no_ontology, "none")
    kg = run_infer(kg, profile, keep_trivial=keep_trivial)
    click.echo(f"inferred {kg.inferred_count()} triples", err=True)
    if graph_format(fmt).name == "nt" and inferred_in_store(kg):  # streamed, never copied into rdflib
        if output:
            from ..outputs.atomic import atomic_writer

            with atomic_writer(output, "wb") as fh:
                dump_ntriples(kg, fh, only_inferred=True)
            click.echo(f"wrote {output}", err=True)
        else:
            dump_ntriples(kg, sys.stdout.buffer, only_inferred=True)
            sys.stdout.buffer.flush()
        return
    emit(serialize_graph(kg.inferred, fmt), output)
