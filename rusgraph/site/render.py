"""Writing the atlas's resource pages: each resource's page in nb and en, its Turtle and
JSON-LD beside it, and its search entries; here, or in forked worker processes that go on
while the caller runs the reports.

Owns: the file writer for the tree that rusgraph.atomic.atomic_directory hands out, the
job every worker inherits, and the pool (one forked process per core, for graphs of more
than PARALLEL_ABOVE resources; each writes the files of its share itself, so no page is
pickled back). It must not query the graph (a worker has no store: what it needs is in the
Atlas) nor decide what a page shows (rusgraph.site.pages does).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import DCTERMS, RUS, SKOS, Atlas
from .pages import BODIES, KIND_NAMES, Page, frame, plan_body, resource_body
from .rdf import LANGS, alternates

PARALLEL_ABOVE = 3000  # resources; below this a worker pool costs more than it saves
SEARCHED = ("measure", "district-goal", "plan", "main-goal", "strategy", "district-strategy", "city-goal", "standard",
            "element", "national-goal", "focus-area", "national-plan", "unit", "district", "theme")
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


class Writer:
    """Writes files under ``root``: the tree atomic_directory gives, renamed into place
    whole, so a file is written once and not fsynced on its own."""

    def __init__(self, root: Path):
        self.root, self.dirs, self.count = root, {str(root)}, 0

    def write(self, rel: str, text: str) -> None:
        path = os.path.join(self.root, rel)
        parent = os.path.dirname(path)
        if parent not in self.dirs:
            os.makedirs(parent, exist_ok=True)
            self.dirs.add(parent)
        fd = os.open(path, _FLAGS, 0o666)  # the umask applies, as for open()
        try:
            data = memoryview(text.encode("utf-8"))
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)
        self.count += 1


Doc = dict[str, str]


@dataclass
class Job:
    """What rendering needs: the atlas, the source texts, the districts with a plan, the
    tree's root and the resources (IRI, kind, path); a forked worker inherits it."""

    atlas: Atlas
    texts: dict[str, list[str]]
    districts: list[Any]
    root: Path
    items: list[tuple[Any, str, str]]
    # plan pages: each plan's district profile and its measures' links, by language
    profiles: dict[str, dict[Any, Any]] = field(default_factory=dict)


def search_doc(atlas: Atlas, s: Any, path: str, lang: str) -> Doc:
    kind = atlas.kind(s) or "resource"
    text = atlas.text(s, RUS.measureText, "nb") or atlas.text(s, DCTERMS.description, lang) or ""
    districts = ", ".join(atlas.label(d, lang) for d in atlas.values(s, RUS.district))
    return {"id": path, "t": atlas.label(s, lang), "x": str(text) if str(text) != atlas.label(s, lang) else "",
            "k": KIND_NAMES[lang][kind], "d": districts, "n": str(atlas.value(s, SKOS.notation) or "")}


def render(job: Job, lo: int, hi: int) -> tuple[list[tuple[int, str, Doc]], int, int]:
    """Write the pages (both languages) and alternates of ``job.items[lo:hi]``; return the
    search entries (item index, language, entry) and the numbers of pages and files."""
    a, w = job.atlas, Writer(job.root)
    docs: list[tuple[int, str, Doc]] = []
    pages = 0
    for lg in LANGS:
        memo: dict[Any, Any] = {}
        for i in range(lo, hi):
            s, kind, path = job.items[i]
            pg = Page(a, lg, path, job.texts, {"districts": job.districts}, memo)
            title = a.label(s, lg)
            if kind == "plan":
                profile = job.profiles.get(lg, {}).get(s)
                title = profile.title if profile is not None else title
                body = plan_body(pg, s, profile)
            else:
                body = BODIES.get(kind, resource_body)(pg, s)
            w.write(f"{path}.{lg}.html", frame(pg, title, body, kind=pg.kind_name(s), title_lang=a.label_lang(s, lg)))
            pages += 1
            if kind in SEARCHED:
                docs.append((i, lg, search_doc(a, s, path, lg)))
            if lg == LANGS[0]:
                for suffix, text in alternates(a, s):
                    w.write(path + suffix, text)
    return docs, pages, w.count


_JOB: Job | None = None  # the job forked workers inherit


def _render_share(lo: int, hi: int) -> tuple[list[tuple[int, str, Doc]], int, int]:
    assert _JOB is not None
    return render(_JOB, lo, hi)


class Pool:
    """Renders ``indices`` of a job's items: in forked workers that start at once and run
    while the caller goes on, when there are many and the system can fork; else here, when
    the caller collects the results. ``first``: other work for the pool, (function, args)
    each, handed out before the pages (None where there is no pool: the caller does it); a
    function reads what it needs from module state set before the pool forks."""

    def __init__(self, job: Job, indices: range, workers: int, first: tuple[tuple[Any, tuple], ...] = ()):
        self.job, self.indices = job, indices
        self.futures: list[Future] = []
        self.first: list[Future] | None = None
        self.pool: ProcessPoolExecutor | None = None
        n = len(indices)
        if workers >= 2 and n >= PARALLEL_ABOVE and "fork" in multiprocessing.get_all_start_methods():
            global _JOB
            # the directories first, so workers never race to create one
            for d in {os.path.dirname(job.items[i][2]) for i in indices}:
                os.makedirs(job.root / d, exist_ok=True)
            _JOB = job  # until close(): a worker forked at any time inherits it
            # one pool, every process forked at its first submit, before its manager thread starts
            self.pool = ProcessPoolExecutor(workers + len(first), mp_context=multiprocessing.get_context("fork"))
            self.first = [self.pool.submit(fn, *args) for fn, args in first]
            step = -(-n // (workers * 4))
            for lo in range(indices.start, indices.stop, step):
                self.futures.append(self.pool.submit(_render_share, lo, min(lo + step, indices.stop)))

    def results(self) -> tuple[list[tuple[int, str, Doc]], int, int]:
        if self.pool is None:
            return render(self.job, self.indices.start, self.indices.stop)
        docs: list[tuple[int, str, Doc]] = []
        pages = files = 0
        try:
            for f in self.futures:
                d, p, n = f.result()
                docs += d
                pages += p
                files += n
        finally:
            self.close()
        return docs, pages, files

    def close(self) -> None:
        global _JOB
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
            _JOB = None
