"""Write every canned report at once, with an index page, and say what one report is.

Owns: ``rusgraph report --all``: one file per report in the chosen format, the district
report once per district with a plan in the graph (``district-CODE-NAME.ext``; in html the
printable page of rusgraph.reports.district_page), and ``index.html`` linking them. The directory
is written beside the old one and swapped in whole, so a reader (or an interrupted run)
sees the old reports or the new ones, never a mix; a directory holding other files is
refused. Reports with other required parameters are skipped and listed on the index.
Also the text of ``rusgraph report NAME --help`` (question, basis, columns, parameters,
from the ``#+`` header of its .rq file). It must not parse command-line options or print.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from ..outputs.atomic import replace_dir_atomic
from ..graph.labels import Labeler
from .formats import write_select
from ..graph.knowledge import KnowledgeGraph
from .html import page
from .queries import CannedQuery, list_queries, run_query

SUFFIX = {"table": ".txt", "csv": ".csv", "tsv": ".tsv", "json": ".json", "md": ".md", "html": ".html"}

_HELP = {
    "nb": {"question": "Spørsmål", "basis": "Grunnlag for tallene", "columns": "Kolonner", "params": "Parametere", "none": "ingen",
           "required": "påkrevd", "optional": "valgfri", "usage": "Bruk", "formats": "Formater",
           "data": "Uten DATA: de medfølgende planene. Med DATA (Turtle eller planregneark): de filene, "
                   "med de medfølgende øvre nivåene; --with-bundled legger til de fem medfølgende planene."},
    "en": {"question": "Question", "basis": "What the numbers rest on", "columns": "Columns", "params": "Parameters", "none": "none",
           "required": "required", "optional": "optional", "usage": "Usage", "formats": "Formats",
           "data": "Without DATA: the bundled plans. With DATA (Turtle or plan spreadsheets): those files, "
                   "with the bundled upper levels; --with-bundled adds the five bundled plans."},
}


_PREFIXES = ("PREFIX rus: <https://w3id.org/rusgraph/ontology#>\n"
             "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n")
_NEEDS = (
    ("ASK WHERE { ?p a rus:DistrictPlan }", "the graph has no district plan",
     "give a plan (Turtle, .xlsx or .csv), add --with-bundled, or leave out DATA for the bundled plans"),
    ("ASK WHERE { ?s a rus:Strategy }", "the graph has no strategy of the city plan",
     "leave out --no-ontology, or give the upper levels (add --with-bundled)"),
)
_DISTRICT = ("ASK WHERE { ?d a rus:District ; skos:notation ?code ; foaf:name ?name "
             "FILTER(LCASE(STR(?code)) = LCASE(STR(?wanted)) || LCASE(STR(?name)) = LCASE(STR(?wanted))) }")
_PLANNED = ("SELECT DISTINCT ?code ?name WHERE { ?p a rus:DistrictPlan ; rus:district ?d . "
            "?d skos:notation ?code ; foaf:name ?name } ORDER BY ?code")


def check_basis(target: object, district: str | None = None) -> None:
    """QueryError unless the graph (or endpoint) has what the canned reports rest on: a
    district plan and the city plan's strategies, and the district asked for (by name or
    SSB code). An empty table with exit 0 would be a wrong answer."""
    from ..errors import QueryError

    for ask, what, hint in _NEEDS:
        if not run_query(target, _PREFIXES + ask).boolean:
            raise QueryError(what, hint=hint)
    if district is not None and not run_query(target, _PREFIXES + _DISTRICT, {"wanted": district}).boolean:
        planned = run_query(target, _PREFIXES + _PLANNED)
        names = ", ".join(f"{name} ({code})" for code, name in planned.as_strings())
        raise QueryError(f"unknown district {district!r}", hint=f"use a name or SSB code; districts with a plan: {names}")


def report_help(query: CannedQuery, lang: str = "nb", *, formats: tuple[str, ...] = ()) -> str:
    """The help of one canned report: title, question, columns, parameters and an example."""
    w = _HELP.get(lang, _HELP["en"])
    other = "en" if lang == "nb" else "nb"
    lines = [f"rusgraph report {query.name}: {query.title(lang)} ({query.title(other)})", ""]
    question = query.question(lang)
    if question:
        lines += [f"{w['question']}:", *_wrap(question, "  "), ""]
    if query.basis(lang):
        lines += [f"{w['basis']}:", *_wrap(query.basis(lang), "  "), ""]
    lines.append(f"{w['columns']}: " + (", ".join(query.columns) or w["none"]))
    lines.append(f"{w['params']}:" + ("" if query.params else f" {w['none']}"))
    for p in query.params:
        need = w["required"] if p.required else w["optional"]
        lines.append(f"  {p.name} ({need}): {p.text(lang)}")
    lines.append("")
    lines += _wrap(w["data"], "")
    if formats:
        lines.append(f"{w['formats']}: " + ", ".join(formats))
    lines.append("")
    example = " ".join(f"--param {p.name}={'Grorud' if p.name == 'district' else 'VALUE'}"
                       for p in query.params if p.required)
    lines.append(f"{w['usage']}: rusgraph report {query.name} {example + ' ' if example else ''}[DATA]... "
                 f"[--format FORMAT] [--lang nb|en] [-o FILE]")
    return "\n".join(lines) + "\n"


def _wrap(text: str, indent: str) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=88, initial_indent=indent, subsequent_indent=indent)


def _district_file(code: str, name: str, suffix: str) -> str:
    from ..graph.namespaces import slugify

    return f"district-{code}-{slugify(name)}{suffix}"


def write_all(kg: KnowledgeGraph, directory: str | Path, *, fmt: str = "html", lang: str = "nb") -> list[Path]:
    """Write every report; the ``district`` report once per district with a plan (in html
    the printable district page, with the graph validated once)."""
    from ..graph.districts import planned_districts
    from ..graph.lookup import lookup_graph
    from ..errors import RusgraphError

    out = Path(directory)
    lookup = lookup_graph(kg)
    label = Labeler(lookup, lang)
    files: dict[str, bytes] = {}
    items = []
    queries = list_queries()
    report = None
    for q in queries:
        required = [p.name for p in q.params if p.required]
        if required == ["district"]:
            pages = []
            for code, district in planned_districts(lookup):
                name = _district_file(code, district, SUFFIX[fmt])
                if fmt == "html":
                    from .district_page import district_findings, district_page
                    from ..validation.validator import validate

                    report = report if report is not None else validate(kg)
                    text = district_page(kg, code, lang=lang,
                                         findings=district_findings(kg, code, lang=lang, report=report))
                else:
                    result = run_query(kg, q, {"district": code}, lang=lang)
                    text = write_select(result, fmt, labeler=label, title=f"{q.title(lang)}: {district}", lang=lang)
                files[name] = text.encode("utf-8")
                pages.append(f'<a href="{escape(name)}">{escape(district)}</a>')
            items.append(f"<li>{escape(q.title(lang))} (<code>{escape(q.name)}</code>): {', '.join(pages)}</li>")
            continue
        if required:
            items.append(f"<li>{escape(q.title(lang))} (<code>{escape(q.name)}</code>): "
                         f"{'trenger parameter' if lang == 'nb' else 'needs a parameter'}</li>")
            continue
        result = run_query(kg, q, lang=lang)
        name = f"{q.name}{SUFFIX[fmt]}"
        files[name] = write_select(result, fmt, labeler=label, title=q.title(lang), lang=lang).encode("utf-8")
        items.append(f'<li><a href="{escape(name)}">{escape(q.title(lang))}</a> '
                     f"(<code>{escape(q.name)}</code>, {len(result.rows)})</li>")
    title = "rusgraph-rapporter" if lang == "nb" else "rusgraph reports"
    files["index.html"] = page(title, "<ul>" + "".join(items) + "</ul>", lang=lang).encode("utf-8")
    # what an earlier --all may have written: a report's name, perhaps with a suffix of its
    # own (one file per parameter value), in any of the formats
    ours = re.compile("index\\.html|(?:" + "|".join(re.escape(q.name) for q in queries) + r")(?:[-_.][\w.-]*)?(?:"
                      + "|".join(re.escape(x) for x in sorted(set(SUFFIX.values()))) + ")")
    try:
        return replace_dir_atomic(out, files, lambda name: ours.fullmatch(name) is not None)
    except (FileExistsError, NotADirectoryError) as exc:
        raise RusgraphError("cannot write the reports there", where=str(out), hint=str(exc)) from None
