"""The plan atlas (``rusgraph site``): the whole graph as a static, offline, searchable site.

Owns: building the site into a directory: the index (what the graph holds, the coverage,
standards and goals reports as on their report pages), one page per resource in nb and en
with its Turtle and JSON-LD beside it, the reference pages, the search page and its
per-language search data, and the assets (stylesheet, script, the vendored MiniSearch with
its licence). The tree is written beside the target and renamed into place whole. While
worker processes (rusgraph.site.render) write the resource pages, it runs the reports: the
index's, and the district profiles (rusgraph.reports.district_data) each plan page shows as
the printable district page does. It must not compute counts of its own (the index and the
plan pages show the canned reports) nor load data.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field, replace
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any

from .model import DCTERMS, RUS, SKOS, Atlas, read_atlas
from .pages import KIND_NAMES, T, Page, frame
from .rdf import LANGS, page_path
from .render import Job, Pool, Writer, render
from ..outputs.atomic import atomic_directory
from ..graph.knowledge import KnowledgeGraph

MARKER = ".rusgraph-site"
# Pages of their own: the ontology's IRI (https://w3id.org/rusgraph/ontology) is its reference page.
REFERENCE_PAGES = ("ontology", "shapes", "reports", "units", "search", "index")
INDEX_REPORTS = ("coverage", "standards", "goals")


@dataclass
class SiteResult:
    directory: Path
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    missing_sources: list[str] = field(default_factory=list)


def _asset(*parts: str) -> str:
    return files("rusgraph").joinpath(*parts).read_text(encoding="utf-8")


def read_sources(directory: str | os.PathLike[str] | None, atlas: Atlas) -> tuple[dict[str, list[str]], list[str]]:
    """The lines of each source text the data cites (by its file name), and the cited names
    the directory lacks."""
    if directory is None:
        return {}, []
    root = Path(directory)
    if not root.is_dir():
        raise NotADirectoryError(f"--sources {root}: not a directory")
    got, missing = {}, []
    for doc in atlas.of_kind("source"):
        name = str(atlas.value(doc, DCTERMS.identifier) or "")
        if not name or "/" in name or name.startswith("."):
            continue
        path = root / name
        if path.is_file():
            got[name] = path.read_text(encoding="utf-8", errors="replace").split("\n")
        else:
            missing.append(name)
    return got, sorted(missing)


def _report_sections(kg: KnowledgeGraph, lang: str) -> str:
    """The index's report blocks: each report's own page body."""
    from ..graph.labels import Labeler
    from ..graph.lookup import lookup_graph
    from ..reports.html import MATRIX_AXES, matrix_html, table_html
    from ..reports.queries import get_query, run_query

    label = Labeler(lookup_graph(kg), lang)
    parts = []
    for name in INDEX_REPORTS:
        q = get_query(name)
        result = run_query(kg, q, lang=lang)
        basis = q.basis(lang)
        head = "Hva tallene bygger på" if lang == "nb" else "What the numbers rest on"
        body = (matrix_html(result, label, lang=lang, axes=MATRIX_AXES[name]) if name in MATRIX_AXES
                else table_html(result, label, lang=lang))
        parts.append(f'<section id="report-{name}"><h2>{escape(q.title(lang))}</h2><p>{escape(q.question(lang))}</p>'
                     + (f'<p class="basis"><strong>{head}:</strong> {escape(basis)}</p>' if basis else "")
                     + f'<div class="scroll">{body}</div></section>')
    return "".join(parts)


_KG: KnowledgeGraph | None = None  # the graph a forked helper queries (set before the pool forks)


def _reports_in(lang: str) -> tuple[str, dict[str, Any]]:
    """In a forked helper: the index's report blocks and the district profiles in ``lang``
    (without findings: the graph is validated once, by the caller)."""
    from ..reports.district_data import profiles_data

    assert _KG is not None
    return _report_sections(_KG, lang), profiles_data(_KG, lang=lang)


def _forkable(kg: KnowledgeGraph) -> bool:
    """Whether a forked process may query ``kg``'s store: an in-memory Oxigraph store may; an
    on-disk one (``--store``, which keeps its answers beside it) has threads of its own."""
    from ..graph.engine import view

    try:
        return view(kg).backing.answers is None
    except Exception:  # no store at all: nothing a helper could query
        return False


def _plan_profiles(atlas: Atlas, plans: list[tuple[Any, str, str]], data: dict[str, Any], lang: str) -> dict[Any, Any]:
    """Each plan's district profile in ``lang`` (the printable district page's content), its
    measures linked to their pages."""
    from ..reports.district_page import district_profile

    got = {}
    for plan, _kind, path in plans:
        districts = atlas.values(plan, RUS.district)
        codes = [str(atlas.value(d, SKOS.notation) or "") for d in districts]
        if len(codes) != 1 or codes[0] not in data:
            continue
        pg = Page(atlas, lang, path)
        measures: dict[tuple[str, str], str | None] = {}
        for p in (p for d in districts for p in atlas.members(d, RUS.district) if atlas.kind(p) == "plan"):
            for m in atlas.members(p, RUS.inPlan):
                number = atlas.value(m, RUS.localNumber) or atlas.value(m, RUS.sequence)
                if atlas.kind(m) == "measure" and number is not None:
                    measures[(atlas.label(p, lang), str(number))] = pg.href(m)
        got[plan] = district_profile(data[codes[0]], lang=lang,
                                     measure_href=lambda r: measures.get((r["plan"], r["measure_id"])))
    return got


LIST_HEADINGS = {"nb": ("Bydelsplaner", "Byens plan", "Oslostandarder", "Nasjonale planer"),
                 "en": ("District plans", "The city plan", "Oslo standards", "National plans")}


def _index_body(atlas: Atlas, pg: Page, reports: str) -> str:
    t = pg.t
    counts = []
    for kind in ("plan", "measure", "district-goal", "main-goal", "strategy", "city-goal", "standard", "element",
                 "national-plan", "national-goal", "unit"):
        n = len(atlas.of_kind(kind))
        counts.append(f"<li><strong>{n}</strong> {escape(KIND_NAMES[pg.lang][kind])}</li>")
    lists = []
    for heading, kinds in zip(LIST_HEADINGS[pg.lang], (("plan", "district-strategy"), ("main-goal", "strategy"),
                                                         ("standard",), ("national-plan",))):
        items = "".join(f"<li>{pg.link(s)} <small>({escape(pg.kind_name(s))})</small></li>"
                        for s in atlas.of_kind(*kinds))
        lists.append(f'<section class="list"><h2>{escape(heading)}</h2><ul>{items}</ul></section>')
    return (f'<ul class="counts" id="holds">{"".join(counts)}</ul><div class="lists">{"".join(lists)}</div>{reports}'
            f'<h2>{t["reference"]}</h2><ul><li><a href="ontology.{pg.lang}.html">{t["ontology"]}</a></li>'
            f'<li><a href="shapes.{pg.lang}.html">{t["shapes"]}</a></li>'
            f'<li><a href="reports.{pg.lang}.html">{t["reports"]}</a></li>'
            f'<li><a href="units.{pg.lang}.html">{escape(KIND_NAMES[pg.lang]["unit"])}</a></li></ul>')


def _search_body(pg: Page) -> str:
    t = pg.t
    return (f'<p id="search-status" role="status"></p><ol id="results" data-count="0"></ol>'
            f'<script src="vendor/minisearch.js"></script><script src="assets/search-{pg.lang}.js"></script>'
            f'<script src="assets/site.js"></script>'
            f'<noscript>{escape(t["searchHint"])}</noscript>')


def build_site(kg: KnowledgeGraph, directory: str | os.PathLike[str], *, lang: str = "nb",
               sources: str | os.PathLike[str] | None = None, workers: int | None = None) -> SiteResult:
    """Write the atlas of ``kg`` into ``directory`` (created, or replaced whole when it
    holds an earlier atlas); ``index.html`` opens in ``lang``. Pages are rendered in
    ``workers`` processes (default: one per core) when the graph is large."""
    from .reference import ontology_body, reports_body, shapes_body, units_body
    from ..graph.lookup import lookup_graph
    from ..outputs.rdf import serialize_graph
    from ..reports.district_data import findings_by_district, profiles_data
    from ..reports.district_page import scoped_css
    from ..validation.validator import validate

    start = time.perf_counter()
    atlas = read_atlas(iter(lookup_graph(kg)))
    texts, missing = read_sources(sources, atlas)
    result = SiteResult(Path(directory), missing_sources=missing)
    districts = sorted({d for p in atlas.of_kind("plan") for d in atlas.values(p, RUS.district)}, key=str)
    items = [(s, k, p) for s, k in atlas.kinds.items()
             if (p := page_path(s)) is not None and p not in REFERENCE_PAGES]
    items.sort(key=lambda it: it[1] == "plan")  # the plans last: their pages wait for the reports
    first_plan = next((i for i, it in enumerate(items) if it[1] == "plan"), len(items))
    global _KG
    with atomic_directory(directory, replace_if=MARKER) as tmp:
        job = Job(atlas, texts, districts, tmp, items)
        # the other language's reports in a forked helper beside the page workers, where one may query
        helper = ((_reports_in, (LANGS[1],)),) if _forkable(kg) else ()
        _KG = kg
        pool = Pool(job, range(0, first_plan), workers or os.cpu_count() or 1, first=helper)
        try:  # while the workers write the other pages: the reports, then the plans' pages
            report = validate(kg)
            sections, profiles = {}, {}
            for lg in LANGS:
                found = findings_by_district(kg, lang=lg, report=report)
                if lg == LANGS[1] and pool.first:
                    sections[lg], data = pool.first[0].result()
                else:
                    sections[lg], data = _report_sections(kg, lg), profiles_data(kg, lang=lg)
                data = {code: replace(d, findings=found.get(code, [])) for code, d in data.items()}
                profiles[lg] = _plan_profiles(atlas, items[first_plan:], data, lg)
            job.profiles = profiles
            docs, result.pages, result.files = render(job, first_plan, len(items))
            more = pool.results()
        finally:
            pool.close()
            _KG = None
        docs += more[0]
        result.pages += more[1]
        result.files += more[2]
        docs.sort(key=lambda d: d[0])
        w = Writer(tmp)
        for lg in LANGS:
            top = Page(atlas, lg, "index")
            w.write(f"index.{lg}.html", frame(top, T[lg]["site"], _index_body(atlas, top, sections[lg]),
                                              alternates=False))
            for name, body_of in (("ontology", ontology_body), ("shapes", shapes_body), ("reports", reports_body),
                                  ("units", units_body)):
                pg = Page(atlas, lg, name)
                title, body = body_of(pg, kg)
                w.write(f"{name}.{lg}.html", frame(pg, title, body, alternates=name == "ontology"))
            pg = Page(atlas, lg, "search")
            w.write(f"search.{lg}.html", frame(pg, T[lg]["search"], _search_body(pg), alternates=False))
            entries = [d for _i, dl, d in docs if dl == lg]
            data = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
            w.write(f"assets/search-{lg}.js", f"window.RUSGRAPH_SEARCH={data};\n")
            result.pages += 6
        w.write("ontology.ttl", serialize_graph(kg.ontology, "turtle"))
        w.write("ontology.jsonld", serialize_graph(kg.ontology, "json-ld"))
        w.write("index.html", (tmp / f"index.{lang}.html").read_text(encoding="utf-8"))
        w.write("assets/site.css", _asset("assets", "site.css") + "/* the district profile, as on the printable "
                "district page (rusgraph report district), scoped to the plan pages' profile */\n"
                + scoped_css(".district-profile") + "\n")
        w.write("assets/site.js", _asset("assets", "site.js"))
        for name in ("minisearch.js", "LICENSE.minisearch"):
            w.write(f"vendor/{name}", _asset("vendor", name))
        w.write(MARKER, "Written by `rusgraph site`; the next run replaces this directory whole.\n")
        result.files += w.count
    result.seconds = time.perf_counter() - start
    return result
