"""The exports in the programs that read them: the cytoscape.js JSON in cytoscape.js itself
(node, headless), the graph page and the coverage report page in headless Chromium.

Every external process is started here with a time limit and, if it overruns or leaves
children behind, killed by its own process group id."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest

from rusgraph.cli import main
from rusgraph.exports.writer import export

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("RUSGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars")
VENDORED = Path(__import__("rusgraph").__file__).parent / "vendor" / "cytoscape.min.js"
STOVNER_MEASURE_3 = "https://w3id.org/rusgraph/plan/030111/rusplan-2021-2024/measure/3"

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).is_file(),
                                    reason=f"headless Chromium not found at {CHROMIUM} (Debian package 'chromium'; "
                                           ".ci/run installs it)")


def run_bounded(cmd: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``cmd`` in its own process group; on timeout, kill that group (by its id)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"{Path(cmd[0]).name} did not finish within {timeout} s and was killed")
    finally:
        try:  # helpers the program left behind in its group
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    return subprocess.CompletedProcess(cmd, proc.returncode, out.decode("utf-8", "replace"),
                                       err.decode("utf-8", "replace"))


def chromium(url: str, *args: str, budget_ms: int = 15000) -> subprocess.CompletedProcess:
    profile = tempfile.mkdtemp(prefix="rusgraph-chromium-")
    try:
        return run_bounded([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                            f"--virtual-time-budget={budget_ms}", *args, url])
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def dump_dom(url: str) -> str:
    r = chromium(url, "--dump-dom")
    assert r.returncode == 0 and "<html" in r.stdout, r.stderr[-2000:]
    return r.stdout


# ----------------------------------------------------------------- cytoscape.js (node)


@pytest.mark.skipif(shutil.which("node") is None, reason="node (Node.js) is not installed")
def test_cytoscape_json_loads_in_cytoscape_js(bundled_kg, tmp_path):
    data = tmp_path / "graph.cyjs"
    data.write_text(export(bundled_kg, "cytoscape"), encoding="utf-8")
    script = tmp_path / "load.js"
    script.write_text("""
const cytoscape = require(process.argv[2]);
const fs = require("fs");
const doc = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const errors = [];
console.error = (...a) => errors.push(a.join(" "));  // cytoscape reports dropped elements here
console.warn = console.error;
const cy = cytoscape({ headless: true, elements: doc.elements });
const ids = cy.elements().map((e) => e.id());
process.stdout.write(JSON.stringify({ nodes: cy.nodes().length, edges: cy.edges().length,
  unique: new Set(ids).size, total: ids.length, errors }));
""", encoding="utf-8")
    r = run_bounded(["node", str(script), str(VENDORED), str(data)], timeout=60)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    doc = json.loads(data.read_text(encoding="utf-8"))
    assert got["nodes"] == len(doc["elements"]["nodes"]) and got["edges"] == len(doc["elements"]["edges"])
    assert got["unique"] == got["total"]
    assert got["errors"] == []


# ----------------------------------------------------------------------- the graph page


@pytest.fixture(scope="module")
def page(bundled_kg, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("page") / "graph.html"
    out.write_text(export(bundled_kg, "html", lang="nb"), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def model(bundled_kg):
    from rusgraph.exports.propertygraph import property_graph

    return property_graph(bundled_kg, lang="nb")


def expected_visible(pg, district_code: str | None = None) -> int:  # type: ignore[no-untyped-def]
    """What the page shows by default: the measures (of one district) and every node of a
    chain type that their upward links reach."""
    from rusgraph.exports.graphpage import CHAIN_TYPES, UPWARD

    by_id = {n.id: n for n in pg.nodes}
    out: dict[str, list] = {}
    for e in pg.edges:
        out.setdefault(e.source, []).append(e)
    shown: set[str] = set()
    for m in (n for n in pg.nodes if n.type == "Measure"):
        districts = {by_id[e.target].attrs.get("skos_notation") for e in out.get(m.id, []) if e.relation == "district"}
        if district_code and district_code not in districts:
            continue
        todo, seen = [m.id], {m.id}
        while todo:
            for e in out.get(todo.pop(), []):
                if e.relation in UPWARD and e.target not in seen:
                    seen.add(e.target)
                    todo.append(e.target)
        shown |= {x for x in seen if by_id[x].type in CHAIN_TYPES}
    return len(shown)


def stats(dom: str) -> dict[str, int]:
    m = re.search(r'<output id="stats"([^>]*)>', dom)
    assert m, "the page reports no counts"
    return {k: int(v) for k, v in re.findall(r'data-([a-z-]+)="(\d+)"', m.group(1))}


@needs_chromium
def test_graph_page_renders_the_graph(page, model):
    dom = dump_dom(page.as_uri())
    assert 'data-ready="true"' in dom, "the page script did not finish"
    s = stats(dom)
    assert s["total-nodes"] == len(model.nodes) and s["total-edges"] == len(model.edges)
    assert s["nodes"] == expected_visible(model) > 100
    assert 0 < s["edges"] < s["total-edges"]
    assert 'data-type="Measure"' in dom and "Nodetyper" in dom  # the legend's type switches


@needs_chromium
def test_graph_page_search_finds_a_measure(page, model):
    label = model.node(STOVNER_MEASURE_3).label
    dom = dump_dom(page.as_uri() + "#q=" + quote("hasjavvenningsprogram (CPU)"))
    m = re.search(r'<p id="hits-count" data-count="(\d+)">', dom)
    assert m and int(m.group(1)) >= 1
    hits = dom[dom.index('id="hit-list"'):]
    assert f'data-id="{STOVNER_MEASURE_3}"' in hits[:5000]
    assert label in hits[:5000]


@needs_chromium
def test_graph_page_filters_by_district(page, model):
    dom = dump_dom(page.as_uri() + "#district=Stovner")
    assert stats(dom)["nodes"] == expected_visible(model, "030111") < expected_visible(model)


@needs_chromium
def test_graph_page_side_panel_lists_attributes_and_neighbours(page, model):
    dom = dump_dom(page.as_uri() + "#node=" + quote(STOVNER_MEASURE_3, safe=""))
    details = dom[dom.index('<section id="details">'):]
    details = details[: details.index("</section>")]
    assert model.node(STOVNER_MEASURE_3).label in details
    assert "measureText_nb" in details and "Lenker ut" in details and "Lenker inn" in details
    out_edges = [e for e in model.edges if e.source == STOVNER_MEASURE_3]
    assert f"Lenker ut ({len(out_edges)})" in details
    assert "S1-16" in details or "Tilby HAP" in details  # the city goal it contributes to


@needs_chromium
def test_graph_page_screenshot(page, tmp_path):
    png = tmp_path / "page.png"
    r = chromium(page.as_uri() + "#district=Stovner", "--window-size=1400,900", f"--screenshot={png}")
    assert r.returncode == 0, r.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1400, 900)


# ------------------------------------------------------------- the coverage report page


@needs_chromium
def test_coverage_report_page_renders_its_matrix(runner, bundled_kg, tmp_path):
    from rdflib.namespace import RDF, SKOS

    from rusgraph.graph.namespaces import RUS

    out = tmp_path / "coverage.html"
    r = runner.invoke(main, ["report", "coverage", "--format", "html", "-o", str(out)])
    if r.exit_code != 0 and "unknown report" in r.output + (r.stderr or ""):
        pytest.skip("the coverage report is not in queries/ yet")
    assert r.exit_code == 0, r.output
    dom = dump_dom(out.as_uri())
    m = re.search(r'<table class="matrix" id="matrix">.*?</table>', dom, re.S)
    assert m, "no coverage matrix in the rendered page"
    body = m.group(0)[m.group(0).index("<tbody>"):]
    rows = re.findall(r"<tr>", body)
    g = bundled_kg.data
    districts = {d for p in g.subjects(RDF.type, RUS.DistrictPlan) for d in g.objects(p, RUS.district)}
    assert len(rows) == len(districts) == 5
    heads = re.findall(r'<th scope="row">([^<]*)</th>', body)
    assert sorted(heads) == sorted(str(lab) for d in districts for lab in g.objects(d, SKOS.prefLabel)
                                   if lab.language == "nb")
    png = tmp_path / "coverage.png"
    shot = chromium(out.as_uri(), "--window-size=1200,800", f"--screenshot={png}")
    assert shot.returncode == 0 and png.read_bytes()[:4] == b"\x89PNG"
