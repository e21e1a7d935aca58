"""One page per district (issue 14): `rusgraph report district --param district=X --format
html` is a printable page a planner can hand on, in nb or en throughout, with no variable
names or IRIs; every number on it is the number the canned reports give."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from rusgraph.cli import main

from .test_browser import chromium, dump_dom, needs_chromium
from .test_spreadsheet import ALNA, ALNA_ROWS, _fill

RAW = ("plan_measures", "measure_id", "https://", "http://", "?lang", "Shape")
CURIE = re.compile(r"\b(rus|skos|dcterms|prov|foaf):[A-Za-z]")
NB_UI = ("Tiltak per strategi", "Plassert av planen", "Tiltakene", "Oslostandarder og temaer",
         "Mål i byens plan uten tiltak", "Funn fra valideringen")
EN_UI = ("Measures by strategy", "Placed by the plan", "The measures", "Oslo standards and themes",
         "City-plan goals without a measure", "Validation findings")


def _run(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def _csv(runner, *args) -> list[dict[str, str]]:
    r = _run(runner, "report", *args, "--format", "csv")
    assert r.exit_code == 0, r.output
    return list(csv.DictReader(io.StringIO(r.stdout)))


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S)))


def _table(html: str, cls: str) -> list[list[str]]:
    """The cells of every table of class ``cls``, row by row."""
    bodies = re.findall(rf'<table class="{cls}">.*?<tbody>(.*?)</tbody>', html, re.S)
    return [[unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
            for body in bodies for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.mark.parametrize("district", ["Grorud", "030102", "Stovner"])
def test_page_numbers_are_the_reports_numbers(runner, district):
    r = _run(runner, "report", "district", "--param", f"district={district}", "--format", "html")
    assert r.exit_code == 0, r.output
    html = r.stdout
    profile = _csv(runner, "district", "--param", f"district={district}")
    assert [row[1:] for row in _table(html, "counts")] == \
        [[p["placed"], p["stated"], p["curated"], p["measures"]] for p in profile]
    assert [row[0] for row in _table(html, "counts")] == [p["strategy"] for p in profile]
    measures = _csv(runner, "measures", "--param", f"district={district}")
    numbers = [row[0] for row in _table(html, "measures")]
    assert sorted(numbers) == sorted(m["measure_id"] for m in measures)  # every measure once
    assert len(numbers) == int(profile[0]["plan_measures"])
    text = _text(html)
    for m in measures:  # responsible, deadline, status and risk as written
        for key in ("responsible", "deadline", "status", "risk"):
            assert m[key] in text
    for word in NB_UI:
        assert word in text
    for raw in RAW:
        assert raw not in html
    assert not CURIE.search(html)
    assert "@page{size:A4" in html and '<html lang="nb">' in html


def test_english_page_has_no_norwegian_headings(runner):
    html = _run(runner, "report", "district", "-p", "district=Grorud", "--format", "html", "--lang", "en").stdout
    text = _text(html)
    for word in EN_UI:
        assert word in text
    for word in NB_UI:
        assert word not in text
    assert '<html lang="en">' in html and "Grorud district" in text


def test_findings_on_the_page_are_validates(runner):
    import json

    doc = json.loads(_run(runner, "validate", "--district", "Ullern", "--format", "json", "--fail-on", "none").stdout)
    html = _run(runner, "report", "district", "-p", "district=Ullern", "--format", "html").stdout
    items = re.findall(r'<li><span class="sev-(\w+)">[^<]*</span>: <b>([^<]*)</b> \((\d+)\)', html)
    assert sum(int(n) for _s, _r, n in items) == len(doc["results"])
    assert {s for s, _r, _n in items} == {x["severity"] for x in doc["results"]}


def test_a_new_plan_beside_the_bundled_ones(runner, tmp_path):
    alna = _fill(runner, tmp_path / "alna.xlsx", ALNA, ALNA_ROWS)
    r = _run(runner, "report", "district", "-p", "district=Alna", "--format", "html", "--with-bundled", alna)
    assert r.exit_code == 0, r.output
    text = _text(r.stdout)
    assert "Bydel Alna: Rusplan for Bydel Alna 2024-2027" in text
    assert "Periode: 2024-2027 · 3 tiltak" in text
    assert "Frist utenfor planperioden" in text  # row 4's deadline, in the planner's words


@needs_chromium
def test_page_renders_and_prints_in_chromium(runner, tmp_path):
    page = tmp_path / "grorud.html"
    assert _run(runner, "report", "district", "-p", "district=Grorud", "--format", "html", "-o", page).exit_code == 0
    dom = dump_dom(page.as_uri())
    assert "Tiltak per strategi" in dom
    shot = tmp_path / "grorud.png"
    r = chromium(page.as_uri(), f"--screenshot={shot}", "--window-size=1000,1400")
    assert r.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = tmp_path / "grorud.pdf"
    r = chromium(page.as_uri(), f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    data = pdf.read_bytes()
    sizes = {tuple(round(float(x)) for x in m) for m in re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", data)}
    assert sizes == {(595, 842)}  # A4 portrait, from the page's @page rule


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_districts_profile_read_at_once_is_the_one_districts(bundled_kg, lang):
    """The atlas reads all profiles with one run of each report (the district report with a
    VALUES row per district): each is what the page for that district alone reads."""
    from rusgraph.reports.district_data import district_findings, findings_by_district, profile_data, profiles_data
    from rusgraph.validation.validator import validate

    report = validate(bundled_kg)
    many = profiles_data(bundled_kg, lang=lang, findings=findings_by_district(bundled_kg, lang=lang, report=report))
    assert sorted(many) == ["030102", "030105", "030106", "030110", "030111"]
    for code, data in many.items():
        found = district_findings(bundled_kg, code, lang=lang, report=report)
        assert data == profile_data(bundled_kg, code, lang=lang, findings=found), code
        assert len(data.measures) == int(data.profile[0]["plan_measures"]) > 0


def test_the_stylesheet_scoped_for_another_page():
    from rusgraph.reports.district_page import CSS, scoped_css

    scoped = scoped_css(".district-profile")
    rules = re.findall(r"([^{}]+)\{[^{}]*\}", scoped.replace("@media print{", "").replace("}}", "}"))
    assert len(rules) >= 20
    for head in rules:
        for sel in head.split(","):
            assert sel.strip().startswith(".district-profile "), sel
    assert "@page" not in scoped and "body" not in scoped and "@media print{" in scoped
    assert scoped.count("{") == scoped.count("}")
    assert "table.measures{table-layout:fixed" in CSS and ".district-profile table.measures{table-layout:fixed" in scoped
