"""The plan atlas (``rusgraph site``): the files it writes, checked as files (every link
resolves, every alternate describes its resource, measure pages quote their source lines,
goal pages agree with the goals report), then in one headless Chromium for the module
(navigation, search in nb and en, the language switch, no request leaving file://, axe-core
with no serious violations)."""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
import time
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from rusgraph.site.atlas import build_site
from rusgraph.site.model import read_atlas
from rusgraph.site.rdf import description, page_path
from rusgraph.cli import main
from rusgraph.graph.namespaces import RUS

from .conftest import SEEDS

STOVNER_3 = "plan/030111/rusplan-2021-2024/measure/3"
# data/README.md ("Grünerløkka (030102)"): this seed is OCR'd; the graph carries the
# corrected Norwegian, so its pages are compared letter-skeleton to letter-skeleton.
OCR_SEED = "002_6ad37c448da5c80c.txt"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM = Path(os.environ.get("RUSGRAPH_CHROMIUM", "/usr/bin/chromium"))

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the source texts are not at {SEEDS}")
needs_chromium = pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"headless Chromium not found at {CHROMIUM} "
                                    "(Debian package 'chromium'; .ci/run installs it)")


@pytest.fixture(scope="module")
def site(bundled_kg, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("atlas") / "site"
    build_site(bundled_kg, out, sources=SEEDS if SEEDS.is_dir() else None)
    return out


@pytest.fixture(scope="module")
def atlas(bundled_kg):
    from rusgraph.graph.lookup import lookup_graph

    return read_atlas(iter(lookup_graph(bundled_kg)))


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- command


def test_site_command_writes_then_replaces_its_own_site_only(runner, tmp_path):
    out = tmp_path / "site"
    r = runner.invoke(main, ["site", "-d", str(out), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "pages" in r.stderr and str(out) in r.stderr
    assert '<html lang="en">' in read(out / "index.html")
    (out / "stray.txt").write_text("old", encoding="utf-8")
    r = runner.invoke(main, ["site", "-d", str(out)])
    assert r.exit_code == 0 and not (out / "stray.txt").exists()  # replaced whole
    assert '<html lang="nb">' in read(out / "index.html")
    link = tmp_path / "published"
    link.symlink_to(out, target_is_directory=True)
    r = runner.invoke(main, ["site", "-d", str(link), "--lang", "en"])
    assert r.exit_code == 0 and link.is_symlink()  # written through: the link stays
    assert '<html lang="en">' in read(out / "index.html")
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep", encoding="utf-8")
    r = runner.invoke(main, ["site", "-d", str(foreign)])
    assert r.exit_code == 2 and "not empty" in r.stderr
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]


def test_every_resource_has_its_pages_and_alternates(site, atlas):
    kinds = {"measure", "district-goal", "plan", "main-goal", "strategy", "city-goal", "standard", "element",
             "national-goal", "national-plan", "unit"}
    assert kinds <= set(atlas.kinds.values())
    for s, kind in atlas.kinds.items():
        path = page_path(s)
        if path in ("ontology",):
            continue
        for suffix in (".nb.html", ".en.html", ".ttl", ".jsonld"):
            assert (site / f"{path}{suffix}").is_file(), f"{s} ({kind}) has no {suffix}"
        page = read(site / f"{path}.nb.html")
        stem = path.rsplit("/", 1)[-1]
        assert f'<link rel="alternate" type="text/turtle" href="{stem}.ttl">' in page
        assert f'<link rel="alternate" type="application/ld+json" href="{stem}.jsonld">' in page
        assert f'hreflang="en" href="{stem}.en.html"' in page


def test_alternates_hold_the_resources_triples(site, atlas, bundled_kg):
    measures = [s for s, k in atlas.kinds.items() if k == "measure"]
    others = [s for s, k in atlas.kinds.items() if k in ("city-goal", "plan", "unit", "standard")][:40]
    data = bundled_kg.data
    for s in measures + others:
        path = page_path(s)
        ttl = Graph().parse(site / f"{path}.ttl", format="turtle")
        js = Graph().parse(site / f"{path}.jsonld", format="json-ld")
        assert isomorphic(ttl, js), s
        own = {t for t in data.triples((s, None, None))}
        assert own and own <= set(ttl), s
        assert set(ttl) == set(description(atlas, s))
        if s in measures:  # the link qualifications travel with the measure
            assert len(list(ttl.subjects(RDF.type, RUS.LinkQualification))) == len(list(data.objects(s, RUS.qualifiedLink)))


_REF = re.compile(r'\s(?:href|src)="([^"]*)"')


def check_links(site: Path) -> int:
    """Every href and src on every page points at a file of the site, and every #fragment at
    an id on that page; nothing points off the site. Returns the number of links checked."""
    import posixpath

    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    ids: dict[str, set[str]] = {}
    checked = 0
    for page in sorted(f for f in files if f.endswith(".html")):
        text = (site / page).read_text(encoding="utf-8")
        for ref in _REF.findall(text):
            ref = html.unescape(ref)
            parts = urlsplit(ref)
            assert not parts.scheme and not parts.netloc, f"{page} links off the site: {ref}"
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))) \
                if parts.path else page
            assert target in files, f"{page}: broken {ref}"
            if parts.fragment and target.endswith(".html"):
                if target not in ids:
                    ids[target] = set(re.findall(r'\sid="([^"]+)"', read(site / target)))
                assert parts.fragment in ids[target], f"{page}: no #{parts.fragment} in {ref}"
            checked += 1
    return checked


def test_no_broken_internal_link(site):
    assert len(list(site.rglob("*.html"))) > 900
    assert check_links(site) > 10_000


# ------------------------------------------------------------------------ source lines


def _quoted(page: str) -> tuple[str, str, str]:
    m = re.search(r'<pre id="source-lines"[^>]*data-file="([^"]+)"[^>]*>(.*?)</pre>', page, re.S)
    w = re.search(r'<blockquote class="wording" lang="nb">(.*?)</blockquote>', page, re.S)
    assert m and w
    lines = re.sub(r'<span class="ln" data-line="\d+">\d+</span>', "", m.group(2))
    return m.group(1), html.unescape(lines), html.unescape(w.group(1))


def _in_order(text: str, source: str) -> str | None:
    """The first word of ``text`` not found, in order, in ``source`` (line wraps and
    hyphenation ignored), or None."""
    flat, pos = re.sub(r"\W", "", source.lower()), 0
    for word in re.findall(r"\w+", text.lower()):
        i = flat.find(word, pos)
        if i < 0:
            return word
        pos = i + len(word)
    return None


def _skeleton(text: str) -> str:
    """Consonants the OCR kept: it turned æ/ø/å into e, g, z, o, a, & or 8 and dropped spaces."""
    return re.sub(r"[^bcdfhjklmnpqrstvwx0-9]", "", unicodedata.normalize("NFKD", text.lower()))


@needs_seeds
def test_every_measure_page_quotes_lines_holding_its_text(site, atlas):
    measures = [s for s, k in atlas.kinds.items() if k == "measure"]
    assert len(measures) == 120
    seen_ocr = 0
    for m in measures:
        name, lines, wording = _quoted(read(site / f"{page_path(m)}.nb.html"))
        assert wording == str(atlas.value(m, RUS.measureText))
        assert lines.strip(), m
        if name == OCR_SEED:
            seen_ocr += 1
            flat = _skeleton(lines)
            missing = [w for w in re.findall(r"\w+", wording) if len(_skeleton(w)) >= 2 and _skeleton(w) not in flat]
            assert not missing, f"{m}: {missing} not in the quoted lines"
        else:
            assert _in_order(wording, lines) is None, f"{m}: {_in_order(wording, lines)!r} not in the quoted lines"
    assert seen_ocr == 28


def test_without_sources_a_measure_page_names_file_and_lines(bundled_kg, tmp_path):
    out = tmp_path / "site"
    build_site(bundled_kg, out)
    page = read(out / f"{STOVNER_3}.en.html")
    assert "004_aef04038b9c33af2.txt" in page and "lines 908–914" in page and 'id="source-lines"' not in page


def test_pages_written_by_forked_workers_are_the_same_files(site, bundled_kg, tmp_path, monkeypatch):
    """With the worker pool (and the helper that runs the English reports) forced on the
    bundled graph, the site is the one written in one process, file for file."""
    from rusgraph.site import render

    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("no fork on this system: pages are written in one process")
    monkeypatch.setattr(render, "PARALLEL_ABOVE", 0)
    out = tmp_path / "site"
    build_site(bundled_kg, out, sources=SEEDS if SEEDS.is_dir() else None, workers=2)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    for f in files:
        assert (out / f).read_bytes() == (site / f).read_bytes(), f


def test_a_bad_sources_directory_is_named(bundled_kg, tmp_path):
    with pytest.raises(NotADirectoryError, match="nowhere"):
        build_site(bundled_kg, tmp_path / "site", sources=tmp_path / "nowhere")
    assert not (tmp_path / "site").exists()


# ---------------------------------------------------------------------- goals, counts


def test_goal_pages_agree_with_the_goals_report(site, atlas, bundled_kg):
    from rusgraph.reports.queries import get_query, run_query

    result = run_query(bundled_kg, get_query("goals"), lang="nb")
    idx = {v: i for i, v in enumerate(result.vars)}
    plans = {d for p in atlas.of_kind("plan") for d in atlas.values(p, RUS.district)}
    # two city goals may share a wording (S1-12 and S2-05): compare the rows per wording
    want: dict[str, list[tuple[int, int, int]]] = {}
    for r in result.rows:
        served = int(r[idx["districts_stated"]]) + int(r[idx["districts_curated"]])
        want.setdefault(str(r[idx["goal"]]), []).append(
            (int(r[idx["measures_stated"]]), int(r[idx["measures_curated"]]), len(plans) - served))
    got: dict[str, list[tuple[int, int, int]]] = {}
    checked = 0
    for g in atlas.of_kind("city-goal"):
        page = read(site / f"{page_path(g)}.nb.html")
        title = html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", page).group(1))
        stated = int(re.search(r'<section class="served stated"><h3>[^<]*\((\d+)\)</h3>', page).group(1))
        curated = int(re.search(r'<section class="served curated"><h3>[^<]*\((\d+)\)</h3>', page).group(1))
        none = int(re.search(r'<h3 id="no-measure">[^<]*\((\d+)\)</h3>', page).group(1))
        got.setdefault(title, []).append((stated, curated, none))
        checked += 1
    assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in want.items()}
    assert checked == len(result.rows) > 40


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_plan_pages_show_the_printable_district_page(site, atlas, runner, lang):
    """Each plan page holds what `rusgraph report district --format html` prints for its
    district (the same content, in the atlas's frame), with every measure linked to its page."""
    for plan in atlas.of_kind("plan"):
        code = str(atlas.value(atlas.value(plan, RUS.district), SKOS.notation))
        r = runner.invoke(main, ["report", "district", "-p", f"district={code}", "--format", "html", "--lang", lang])
        assert r.exit_code == 0, r.output
        title, body = re.search(r"<body><h1>(.*?)</h1>(.*)</body>", r.stdout, re.S).groups()
        page = read(site / f"{page_path(plan)}.{lang}.html")
        assert re.search(r"<h1[^>]*>(.*?)</h1>", page).group(1) == title
        profile = page.split('<div class="district-profile">', 1)[1]
        assert re.sub(r'<a href="[^"]*">|</a>', "", profile).startswith(body + "</div>")
        root = "../" * page_path(plan).count("/")
        linked = set(re.findall(r'<td class="text"><a href="([^"]+)">', profile))
        measures = [m for m in atlas.members(plan, RUS.inPlan) if atlas.kind(m) == "measure"]
        assert linked == {f"{root}{page_path(m)}.{lang}.html" for m in measures}
        assert ".district-profile table.measures{" in read(site / "assets" / "site.css")


def test_index_shows_the_reports_matrices(site, bundled_kg):
    from rusgraph.graph.lookup import lookup_graph
    from rusgraph.graph.labels import Labeler
    from rusgraph.reports.html import MATRIX_AXES, matrix_html
    from rusgraph.reports.queries import get_query, run_query

    index = read(site / "index.nb.html")
    for name in ("coverage", "standards"):
        result = run_query(bundled_kg, get_query(name), lang="nb")
        assert matrix_html(result, Labeler(lookup_graph(bundled_kg), "nb"), lang="nb", axes=MATRIX_AXES[name]) in index
    assert 'id="report-goals"' in index and "placed" not in index.split('id="report-coverage"')[0]


def test_nb_pages_carry_no_english_note_or_reason(site, atlas):
    """The maintainers' notes, reasons and definitions are written in English only: no nb
    page shows one (it links to the en page instead)."""
    from rdflib import Literal

    props = (RUS.reason, SKOS.editorialNote, SKOS.definition, DCTERMS.description, RDFS.comment)
    english = {str(o) for s in list(atlas.out) for p in props for o in atlas.values(s, p)
               if isinstance(o, Literal) and o.language == "en" and len(o) > 30}
    assert len(english) > 400
    for page in site.rglob("*.nb.html"):
        text = html.unescape(read(page))
        shown = [e for e in english if e in text]
        assert not shown, f"{page.relative_to(site)}: {shown[0][:80]}"
    en = html.unescape(read(site / f"{STOVNER_3}.en.html"))
    assert "the row offers a cannabis cessation programme" in en


# ---------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.skip(f"headless Chromium not found at {CHROMIUM}")
    from .cdp import Browser

    b = Browser()
    yield b
    b.close()


def _left_file(b) -> list[str]:  # type: ignore[no-untyped-def]
    return [u for u in b.requests if not u.startswith(("file://", "data:", "about:"))]


@pytest.mark.slow
@needs_chromium
def test_navigate_index_district_measure_source_national_goal(site, browser):
    b = browser
    b.open((site / "index.html").as_uri())
    assert b.eval("document.documentElement.lang") == "nb"
    b.act("document.querySelector('a[href$=\"plan/030111/rusplan-2021-2024.nb.html\"]').click()")
    assert b.eval("document.querySelector('h1').textContent").startswith("Bydel Stovner")
    b.act("document.querySelector('a[href$=\"measure/3.nb.html\"]').click()")
    assert "hasjavvenningsprogram (CPU)" in b.eval("document.querySelector('blockquote.wording').textContent")
    measure = b.eval("location.href")
    if SEEDS.is_dir():
        quoted = b.eval("document.getElementById('source-lines').innerText")
        assert "908" in quoted and "hasjavvenningsprogram" in quoted
        b.act("document.querySelector('p.where a').click()")  # the lines in the whole text
        assert b.eval("location.hash") == "#L908"
        assert "hasjavvenningsprogram" in b.eval("document.getElementById('L908').nextSibling.textContent")
        b.open(measure)
    assert b.eval("document.querySelector('ul.chain .basis.curated') !== null")
    b.act("document.querySelector('ul.chain a[href*=\"/plan/no/\"]').click()")
    assert b.eval("document.querySelector('p.kind').textContent") == "nasjonalt mål"
    assert b.eval("document.querySelectorAll('section.served li').length") > 0
    assert _left_file(b) == []


@pytest.mark.slow
@needs_chromium
def test_search_in_both_languages_and_the_language_switch(site, browser):
    b = browser
    b.open((site / "index.nb.html").as_uri())
    b.act("document.getElementById('q').value='hasjavvenning'; document.querySelector('form.search').submit()")
    assert int(b.eval("document.getElementById('results').dataset.count")) >= 1
    hrefs = b.eval("[...document.querySelectorAll('#results a')].map(a => a.getAttribute('href'))")
    assert f"{STOVNER_3}.nb.html" in hrefs
    b.act("document.getElementById('lang-switch').click()")  # the same search, in English
    assert b.eval("document.documentElement.lang") == "en"
    assert b.eval("document.getElementById('q').value") == "hasjavvenning"
    hrefs = b.eval("[...document.querySelectorAll('#results a')].map(a => a.getAttribute('href'))")
    assert f"{STOVNER_3}.en.html" in hrefs
    b.open((site / "search.en.html").as_uri() + "?q=overdose+prevention")
    titles = b.eval("[...document.querySelectorAll('#results a')].map(a => a.textContent)")
    assert "Oslo standard for overdose prevention" in titles
    b.open((site / f"{STOVNER_3}.nb.html").as_uri())
    b.act("document.getElementById('lang-switch').click()")
    assert b.eval("location.href").endswith(f"{STOVNER_3}.en.html")
    assert b.eval("document.querySelector('h2').textContent") == "The plan's wording"
    assert _left_file(b) == []


@pytest.mark.slow
@needs_chromium
def test_pages_have_no_serious_accessibility_violation(site, browser, atlas):
    b = browser
    pages = ["index.nb.html", "index.en.html", f"{STOVNER_3}.nb.html", "search.nb.html?q=bolig",
             "ontology.nb.html", "shapes.en.html", "reports.nb.html", "units.nb.html"]
    for kind in ("plan", "city-goal", "strategy", "national-goal", "element", "unit", "district-goal"):
        pages.append(f"{page_path(atlas.of_kind(kind)[0])}.nb.html")
    assert axe_findings(b, site, pages) == {}
    assert _left_file(b) == []


def axe_findings(b, site: Path, pages: list[str]) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """axe-core's serious and critical violations on each page, by page."""
    found = {}
    for p in pages:
        path, _, query = p.partition("?")
        b.open((site / path).as_uri() + (f"?{query}" if query else ""))
        b.add_script(str(AXE))
        bad = b.eval("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                     ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                     ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))")
        if bad:
            found[p] = bad
    return found


# ------------------------------------------------------------- a new district's plan

ALNA_PLAN = "plan/030112/rusplan-for-bydel-alna-2024-2027"


@pytest.fixture(scope="module")
def alna_site(tmp_path_factory) -> Path:
    """A filled Alna spreadsheet (as tests/test_spreadsheet.py fills the template), its site
    built from the spreadsheet itself beside the five bundled plans (--with-bundled)."""
    from click.testing import CliRunner

    from .test_spreadsheet import ALNA, ALNA_ROWS, _fill

    runner, work = CliRunner(), tmp_path_factory.mktemp("alna")
    sheet = _fill(runner, work / "alna.xlsx", ALNA, ALNA_ROWS)
    r = runner.invoke(main, ["site", "-d", str(work / "site"), "--with-bundled", str(sheet)])
    assert r.exit_code == 0, r.output
    return work / "site"


def test_a_new_plan_gets_its_site(alna_site):
    assert check_links(alna_site) > 1000
    plan = read(alna_site / f"{ALNA_PLAN}.nb.html")
    assert "Rusplan for Bydel Alna 2024-2027" in plan
    measures = sorted((alna_site / ALNA_PLAN / "measure").glob("*.nb.html"))
    assert len(measures) == 3
    first = read(alna_site / ALNA_PLAN / "measure" / "1.nb.html")
    assert "Tilby HAP til ungdom med ruskontrakt" in first and "s1-16.nb.html" in first
    goal = read(alna_site / "plan/0301/strategisk-plan-rusfeltet-2018/s1-16.nb.html")
    assert f"{ALNA_PLAN}/measure/1.nb.html" in goal
    # beside the five bundled plans
    assert sorted(d.name for d in (alna_site / "plan").iterdir() if d.name.startswith("0301") and d.name != "0301") == \
        ["030102", "030105", "030106", "030110", "030111", "030112"]


@pytest.mark.slow
@needs_chromium
def test_a_new_plans_site_in_the_browser(alna_site, browser):
    b = browser
    b.open((alna_site / "index.html").as_uri())
    b.act(f"document.querySelector('a[href$=\"{ALNA_PLAN}.nb.html\"]').click()")
    b.act("document.querySelector('a[href$=\"measure/1.nb.html\"]').click()")
    assert b.eval("document.querySelector('blockquote.wording').textContent") == "Tilby HAP til ungdom med ruskontrakt"
    b.act("document.querySelector('ul.chain a[href*=\"strategisk-plan-rusfeltet-2018/s1-16\"]').click()")
    assert b.eval("document.querySelectorAll('section.served li').length") >= 1
    assert axe_findings(b, alna_site, ["index.nb.html", f"{ALNA_PLAN}.nb.html", f"{ALNA_PLAN}/measure/1.en.html",
                                       "search.nb.html?q=HAP"]) == {}
    assert _left_file(b) == []


# ---------------------------------------------------------- content negotiation (nginx)


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _doc_nginx_config() -> str:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "site.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)```", doc, re.S)
    assert len(blocks) == 1, "docs/site.md should show one nginx configuration"
    return blocks[0]


@pytest.fixture(scope="module")
def nginx(site, tmp_path_factory):
    """The docs' nginx configuration, serving the site on 127.0.0.1 (a free port); stopped by
    its master's process id."""
    if not Path(NGINX).is_file():
        pytest.skip("nginx is not installed (Debian package nginx-light; .ci/run installs it)")
    import socket

    work = tmp_path_factory.mktemp("nginx")
    (work / "www").mkdir()
    (work / "www" / "rusgraph").symlink_to(site, target_is_directory=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    served = _doc_nginx_config().replace("root /srv/www;", f"root {work / 'www'};")
    served = served.replace("# ...", f"listen 127.0.0.1:{port};")
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the test's private tmp dir
    conf = work / "nginx.conf"
    conf.write_text(f"{user}worker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
                    f"events {{ worker_connections 64; }}\nhttp {{\naccess_log off;\n"
                    + "".join(f"{k}_temp_path {work}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
                    + f"{served}\n}}\n", encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-p", str(work), "-c", str(conf), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}/rusgraph/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    pytest.fail(f"nginx did not start: {err[-1500:]}")
                time.sleep(0.1)
        yield base
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    import urllib.request

    req = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy
    with opener.open(req, timeout=20) as r:
        return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read().decode("utf-8")


@pytest.mark.slow
def test_the_docs_nginx_configuration_negotiates_each_iri(nginx, site):
    iri_path = nginx + STOVNER_3
    status, head, body = _get(iri_path, Accept="text/turtle")
    assert status == 200 and head["content-type"].startswith("text/turtle")
    assert (URIRef("https://w3id.org/rusgraph/" + STOVNER_3), RUS.sourceLineStart, None) in Graph().parse(
        data=body, format="turtle")
    status, head, body = _get(iri_path, Accept="application/ld+json")
    assert head["content-type"].startswith("application/ld+json") and len(Graph().parse(data=body, format="json-ld")) > 10
    _, head, body = _get(iri_path, Accept="text/html,application/xhtml+xml", **{"Accept-Language": "en-GB,en;q=0.8"})
    assert head["content-type"].startswith("text/html") and '<html lang="en">' in body
    assert "Accept" in head.get("vary", "")
    _, _, body = _get(iri_path, Accept="text/html")
    assert '<html lang="nb">' in body
    _, _, body = _get(nginx + "ontology", Accept="text/html")
    assert 'id="Measure"' in body
    _, _, body = _get(nginx, Accept="text/html")
    assert body == read(site / "index.html")
