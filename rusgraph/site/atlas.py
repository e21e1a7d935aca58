"""The plan atlas (``rusgraph site``): the whole graph as a static, offline, searchable site.

Owns: building the site into a directory: the index (what the graph holds, the coverage,
standards and goals reports as on their report pages), one page per resource in nb and en
with its Turtle and JSON-LD beside it, the reference pages, the search page and its
per-language search data, and the assets (stylesheet, script, the vendored MiniSearch with
its licence). The tree is written beside the target and renamed into place whole. It must
not compute counts of its own (the index shows the canned reports) nor load data.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any

from .model import DCTERMS, RUS, SKOS, Atlas, read_atlas
from .pages import BODIES, KIND_NAMES, T, Page, frame, plan_body, resource_body
from .rdf import LANGS, alternates, page_path
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


def _report_sections(kg: KnowledgeGraph, lang: str) -> tuple[str, dict[str, str]]:
    """The index's report blocks (each report's own page body) and per-district coverage rows."""
    from ..graph.lookup import lookup_graph
    from ..graph.labels import Labeler
    from ..reports.html import MATRIX_AXES, matrix_html, table_html
    from ..reports.queries import get_query, run_query

    label = Labeler(lookup_graph(kg), lang)
    parts, per_district = [], {}
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
        if name == "coverage":
            idx = {v: i for i, v in enumerate(result.vars)}
            by: dict[str, list] = {}
            for row in result.rows:
                by.setdefault(label(row[idx["district"]]), []).append(row)
            for d, rows in by.items():
                sub = type(result)(kind=result.kind, vars=result.vars, rows=tuple(rows), query=result.query)
                per_district[d] = table_html(sub, label, lang=lang)
    return "".join(parts), per_district


def _search_doc(atlas: Atlas, s: Any, path: str, lang: str) -> dict[str, str]:
    kind = atlas.kind(s) or "resource"
    text = atlas.text(s, RUS.measureText, "nb") or atlas.text(s, DCTERMS.description, lang) or ""
    districts = ", ".join(atlas.label(d, lang) for d in atlas.values(s, RUS.district))
    return {"id": path, "t": atlas.label(s, lang), "x": str(text) if str(text) != atlas.label(s, lang) else "",
            "k": KIND_NAMES[lang][kind], "d": districts, "n": str(atlas.value(s, SKOS.notation) or "")}


SEARCHED = ("measure", "district-goal", "plan", "main-goal", "strategy", "district-strategy", "city-goal", "standard", "element",
            "national-goal", "focus-area", "national-plan", "unit", "district", "theme")


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


class _Writer:
    def __init__(self, root: Path):
        self.root, self.dirs, self.count = root, {root}, 0

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        if path.parent not in self.dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.dirs.add(path.parent)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        self.count += 1


@dataclass
class _Job:
    """What every worker needs to render resource pages; a forked worker inherits it."""

    atlas: Atlas
    texts: dict[str, list[str]]
    districts: list[Any]
    per_district: dict[str, dict[str, str]]  # lang -> district label -> coverage rows
    root: Path
    items: list[tuple[Any, str, str]]  # (IRI, kind, path)


_JOB: _Job | None = None
PARALLEL_ABOVE = 3000  # resources; below this a worker pool costs more than it saves


def _render(lo: int, hi: int) -> tuple[dict[str, list[dict[str, str]]], int, int]:
    """Write the pages (both languages) and alternates of items[lo:hi]; return the search
    documents per language and the numbers of pages and files written."""
    job = _JOB
    assert job is not None
    a, w = job.atlas, _Writer(job.root)
    docs: dict[str, list[dict[str, str]]] = {lg: [] for lg in LANGS}
    pages = 0
    for lg in LANGS:
        memo: dict[Any, Any] = {}
        for s, kind, path in job.items[lo:hi]:
            pg = Page(a, lg, path, job.texts, {"districts": job.districts}, memo)
            if kind == "plan":
                counts = "".join(job.per_district[lg].get(a.label(d, lg), "") for d in a.values(s, RUS.district))
                body = plan_body(pg, s, counts)
            else:
                body = BODIES.get(kind, resource_body)(pg, s)
            w.write(f"{path}.{lg}.html", frame(pg, a.label(s, lg), body, kind=pg.kind_name(s),
                                               title_lang=a.label_lang(s, lg)))
            pages += 1
            if kind in SEARCHED:
                docs[lg].append(_search_doc(a, s, path, lg))
            if lg == LANGS[0]:
                for suffix, text in alternates(a, s):
                    w.write(path + suffix, text)
    return docs, pages, w.count


def _render_all(job: _Job, workers: int) -> tuple[dict[str, list[dict[str, str]]], int, int]:
    """All resource pages, in ``workers`` forked processes when there are many."""
    global _JOB
    _JOB = job
    n = len(job.items)
    try:
        if workers < 2 or n < PARALLEL_ABOVE or "fork" not in multiprocessing.get_all_start_methods():
            return _render(0, n)
        from concurrent.futures import ProcessPoolExecutor

        # the directories first, so workers never race to create one
        for d in {str(Path(p).parent) for _, _, p in job.items}:
            (job.root / d).mkdir(parents=True, exist_ok=True)
        step = -(-n // (workers * 4))
        docs: dict[str, list[dict[str, str]]] = {lg: [] for lg in LANGS}
        pages = files = 0
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for d, p, f in pool.map(_render, range(0, n, step), range(step, n + step, step)):
                for lg in LANGS:
                    docs[lg] += d[lg]
                pages += p
                files += f
        return docs, pages, files
    finally:
        _JOB = None


def build_site(kg: KnowledgeGraph, directory: str | os.PathLike[str], *, lang: str = "nb",
               sources: str | os.PathLike[str] | None = None, workers: int | None = None) -> SiteResult:
    """Write the atlas of ``kg`` into ``directory`` (created, or replaced whole when it
    holds an earlier atlas); ``index.html`` opens in ``lang``. Pages are rendered in
    ``workers`` processes (default: one per core) when the graph is large."""
    from .reference import ontology_body, reports_body, shapes_body, units_body
    from ..graph.lookup import lookup_graph
    from ..outputs.rdf import serialize_graph

    start = time.perf_counter()
    atlas = read_atlas(iter(lookup_graph(kg)))
    texts, missing = read_sources(sources, atlas)
    result = SiteResult(Path(directory), missing_sources=missing)
    districts = sorted({d for p in atlas.of_kind("plan") for d in atlas.values(p, RUS.district)}, key=str)
    sections = {lg: _report_sections(kg, lg) for lg in LANGS}
    items = [(s, k, p) for s, k in atlas.kinds.items()
             if (p := page_path(s)) is not None and p not in REFERENCE_PAGES]
    with atomic_directory(directory, replace_if=MARKER) as tmp:
        job = _Job(atlas, texts, districts, {lg: sections[lg][1] for lg in LANGS}, tmp, items)
        docs, result.pages, result.files = _render_all(job, workers or os.cpu_count() or 1)
        w = _Writer(tmp)
        for lg in LANGS:
            top = Page(atlas, lg, "index")
            w.write(f"index.{lg}.html", frame(top, T[lg]["site"], _index_body(atlas, top, sections[lg][0]),
                                              alternates=False))
            for name, body_of in (("ontology", ontology_body), ("shapes", shapes_body), ("reports", reports_body),
                                  ("units", units_body)):
                pg = Page(atlas, lg, name)
                title, body = body_of(pg, kg)
                w.write(f"{name}.{lg}.html", frame(pg, title, body, alternates=name == "ontology"))
            pg = Page(atlas, lg, "search")
            w.write(f"search.{lg}.html", frame(pg, T[lg]["search"], _search_body(pg), alternates=False))
            data = json.dumps(docs[lg], ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
            w.write(f"assets/search-{lg}.js", f"window.RUSGRAPH_SEARCH={data};\n")
            result.pages += 6
        w.write("ontology.ttl", serialize_graph(kg.ontology, "turtle"))
        w.write("ontology.jsonld", serialize_graph(kg.ontology, "json-ld"))
        w.write("index.html", (tmp / f"index.{lang}.html").read_text(encoding="utf-8"))
        for name in ("site.css", "site.js"):
            w.write(f"assets/{name}", _asset("assets", name))
        for name in ("minisearch.js", "LICENSE.minisearch"):
            w.write(f"vendor/{name}", _asset("vendor", name))
        w.write(MARKER, "Written by `rusgraph site`; the next run replaces this directory whole.\n")
        result.files += w.count
    result.seconds = time.perf_counter() - start
    return result
