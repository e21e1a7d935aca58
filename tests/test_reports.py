"""Canned reports answer the coverage questions with the numbers the plans give.

Every expected number is derived by reading the plans (seed line references in the
comments; ../shared/seeds/<file>), not from the reports' own output. Where a number also
depends on a curated link, the test says which links and why.
"""

from __future__ import annotations

import csv
import io

import pytest

from rusgraph.cli import main
from rusgraph.queries import get_query, list_queries, run_query

REPORT_COLUMNS = {
    "measures": "district,plan,measure_id,measure,goal,strategy,responsible,deadline,status,risk,standards,themes,trace",
    "coverage": "district,strategy,measures",
    "gaps": "district,goal,strategy",
    "standards": "standard,district,measures",
    "themes": "theme,district,measures",
    "untraced": "district,measure_id,measure,trace",
    "responsible": "district,unit,measures",
    "status": "district,status,risk,measures",
    "national": "national_goal,district,measures",
}

# Measure rows per plan (second reading of the tables; see tests/test_data.py PLANS)
ROWS = {"Bydel Grorud": 21, "Bydel Frogner": 45, "Bydel Grünerløkka": 28, "Bydel Ullern": 17, "Bydel Stovner": 9}


def rows(kg, name, lang="nb", **params):
    result = run_query(kg, get_query(name), params, lang=lang)
    return [dict(zip(result.vars, r)) for r in result.as_strings()]


def csv_of(runner, *args):
    r = runner.invoke(main, ["report", *args, "--format", "csv"])
    assert r.exit_code == 0, r.output
    return list(csv.reader(io.StringIO(r.stdout)))


@pytest.mark.parametrize("name", sorted(REPORT_COLUMNS))
def test_csv_header_is_exact(runner, name):
    assert ",".join(csv_of(runner, name)[0]) == REPORT_COLUMNS[name]


def test_every_report_has_a_header_with_titles():
    qs = list_queries()
    assert {q.name for q in qs} >= set(REPORT_COLUMNS) | {"district"}
    for q in qs:
        assert q.title_nb and q.title_en and q.description and q.columns, q.name


def test_measures_one_row_per_measure(bundled_kg):
    rs = rows(bundled_kg, "measures")
    assert len(rs) == 120
    per = {}
    for r in rs:
        per[r["district"]] = per.get(r["district"], 0) + 1
    assert per == ROWS
    # Grünerløkka numbers its rows 2.1.1 .. 3.3.3 (002:44-796)
    ids = {r["measure_id"] for r in rs if r["district"] == "Bydel Grünerløkka"}
    assert ids == {f"2.1.{i}" for i in range(1, 10)} | {f"2.2.{i}" for i in range(1, 5)} | \
        {f"3.1.{i}" for i in range(1, 5)} | {f"3.2.{i}" for i in range(1, 9)} | {f"3.3.{i}" for i in range(1, 4)}


def test_measures_trace_column(bundled_kg):
    """Grorud and Frogner put every row under a city strategy heading (000:25, 254, 321;
    001:516, 769, 867): all stated. Ullern does not group by strategy (003:51): all curated.
    Stovner states city-plan items only in the block 004:924-968 (5 rows); of those, the
    row at 964-968 serves X-02 (incident evaluation), which belongs to no strategy, so its
    only trace is a curated one: 4 stated. Grünerløkka groups by main goal (002:31, 473);
    only rows that name an Oslostandard which the standard's own sources place under a
    strategy trace through stated links: 2.2.2 (OU, 002:377), 2.2.3 (PS, 002:403), 2.2.4
    (RF, 002:464), 3.3.2 (OD, 002:755)."""
    rs = rows(bundled_kg, "measures")
    by = {}
    for r in rs:
        by.setdefault(r["district"], []).append(r["trace"])
    assert set(by["Bydel Grorud"]) == {"stated"}
    assert set(by["Bydel Frogner"]) == {"stated"}
    assert set(by["Bydel Ullern"]) == {"curated"}
    assert by["Bydel Stovner"].count("stated") == 4
    stated_glk = sorted(r["measure_id"] for r in rs if r["district"] == "Bydel Grünerløkka" and r["trace"] == "stated")
    assert stated_glk == ["2.2.2", "2.2.3", "2.2.4", "3.3.2"]
    assert not [r for r in rs if r["trace"] == "none"]


def test_untraced_lists_the_curated_only_measures(bundled_kg):
    # from test_measures_trace_column: Ullern 17 + Stovner 5 + Grünerløkka 28 - 4 = 46
    rs = rows(bundled_kg, "untraced")
    assert len(rs) == 17 + 5 + 24
    assert {r["trace"] for r in rs} == {"curated"}


def test_coverage_every_pair_with_zeros(bundled_kg):
    rs = rows(bundled_kg, "coverage")
    assert len(rs) == 5 * 3  # five districts with a plan x three strategies
    cov = {(r["district"], r["strategy"]): int(r["measures"]) for r in rs}
    # Grorud's headings: 7 rows under strategy 1, 4 under 2, 10 under 3 (000:25-492);
    # coverage counts any chain, so these are lower bounds ...
    s1, s2, s3 = ("Forebyggingsoffensiv for å hindre at rusproblemer oppstår",
                  "Tidligere innsats når rusproblemer oppstår", "Økt livskvalitet ved rusproblemer")
    assert cov[("Bydel Grorud", s1)] >= 7 and cov[("Bydel Grorud", s2)] >= 4 and cov[("Bydel Grorud", s3)] >= 10
    # ... and no district counts more measures for a strategy than it has
    for (d, _s), n in cov.items():
        assert n <= ROWS[d]
    # every measure traces somewhere (no 'none' trace), so each district covers something
    for d in ROWS:
        assert sum(n for (dd, _s), n in cov.items() if dd == d) >= ROWS[d]


def test_district_profile_by_name_and_code(bundled_kg):
    by_name = rows(bundled_kg, "district", district="Grorud")
    by_code = rows(bundled_kg, "district", district="030110")
    assert by_name == by_code and len(by_name) == 3
    stated = [int(r["stated"]) for r in by_name]
    assert stated == [7, 4, 10]  # Grorud's rows per strategy heading, 000:25-492
    assert {r["plan_measures"] for r in by_name} == {"21"}


def test_status_counts_from_grorud_columns(bundled_kg):
    """Grorud's Status column (000:26-491): Påbegynt 18, Oppstart 1, Venter 1, Avventer 1
    (Venter and Avventer are one concept, 'waiting'); Risiko: Lav 7 + LAV 1, Middels 8, Høy 5.
    The other plans have no status or risk column: one row each with all their measures."""
    rs = rows(bundled_kg, "status")
    grorud = [r for r in rs if r["district"] == "Bydel Grorud"]
    by_status, by_risk = {}, {}
    for r in grorud:
        by_status[r["status"]] = by_status.get(r["status"], 0) + int(r["measures"])
        by_risk[r["risk"]] = by_risk.get(r["risk"], 0) + int(r["measures"])
    assert by_status == {"Påbegynt": 18, "Oppstart": 1, "Venter": 2}
    assert by_risk == {"Lav": 8, "Middels": 8, "Høy": 5}
    for d in ("Bydel Frogner", "Bydel Grünerløkka", "Bydel Ullern", "Bydel Stovner"):
        assert [(r["status"], r["risk"], int(r["measures"])) for r in rs if r["district"] == d] == [("", "", ROWS[d])]


def test_responsible_stovner(bundled_kg):
    """Stovner's Ansvarlig cells (004:894-968): AVL 6 rows, 'Avd oppvekst' 2, 'AVL/HAM' 1."""
    rs = {r["unit"]: int(r["measures"]) for r in rows(bundled_kg, "responsible") if r["district"] == "Bydel Stovner"}
    assert rs == {"AVL": 7, "HAM": 1, "Avdeling oppvekst": 2}


def test_standards_and_themes_include_zeros(bundled_kg):
    st = rows(bundled_kg, "standards")
    assert len(st) == 5 * 5  # five Oslostandards (DOMAIN.md section 3) x five districts
    counts = {(r["standard"], r["district"]): int(r["measures"]) for r in st}
    assert 0 in counts.values()
    od = "Oslostandard for overdoseforebyggende arbeid"
    # Frogner row 1021-1043 says it will use the overdose standard (001:1021); Grünerløkka
    # 3.3.2 names it (002:755)
    assert counts[(od, "Bydel Frogner")] >= 1 and counts[(od, "Bydel Grünerløkka")] >= 1
    th = rows(bundled_kg, "themes")
    n_themes = len({r["theme"] for r in th})
    assert len(th) == n_themes * 5
    assert any(int(r["measures"]) == 0 for r in th)


def test_gaps_are_goals_without_measures(bundled_kg):
    """A gap is a district-level city goal that no measure of the district traces to. Frogner
    has a row under every city goal heading (001:516-1220) and its goals are the city goals,
    so Frogner has no gaps among S1-01..S3-21."""
    gaps = rows(bundled_kg, "gaps")
    frogner = [r for r in gaps if r["district"] == "Bydel Frogner"]
    assert all(not r["goal"].startswith(("S1-", "S2-", "S3-")) for r in frogner)
    assert len({r["district"] for r in gaps}) >= 4


def test_labels_follow_lang(bundled_kg):
    nb = rows(bundled_kg, "coverage", lang="nb")
    en = rows(bundled_kg, "coverage", lang="en")
    assert [r["measures"] for r in nb] == [r["measures"] for r in en]
    assert {r["district"] for r in en} >= {"Grorud district", "Frogner district"}
    assert "Bydel Grorud" in {r["district"] for r in nb}


@pytest.mark.parametrize("evil", ['Grorud" } ; DROP ALL ; { "', "} UNION { ?s ?p ?o }", "030110' OR '1'='1",
                                  'x" . ?d a ?t } #', "SELECT * WHERE { ?s ?p ?o }"])
def test_parameters_cannot_change_the_query(bundled_kg, evil):
    """The value is bound as a literal (initBindings locally, a VALUES block remotely): a
    value with quotes, braces or SPARQL keywords matches no district instead of changing
    the query."""
    rs = rows(bundled_kg, "district", district=evil)
    assert all(r["plan"] == "" and r["measures"] == "0" for r in rs)
    from rdflib.plugins.sparql import prepareQuery

    from rusgraph.queries import _strip_comments, bindings_for, inject_values, values_block

    q = get_query("district")
    bindings = bindings_for(q, {"district": evil}, "nb")
    text = inject_values(q.text, bindings)
    prepareQuery(text)  # still one well-formed query
    # the only change is one VALUES block holding the value as an escaped literal
    block = values_block(bindings)
    assert text.count(block) == 1
    assert " ".join(text.replace(block, "").split()) == " ".join(_strip_comments(q.text).split())


def test_report_all_writes_every_report_and_an_index(runner, tmp_path):
    r = runner.invoke(main, ["report", "--all", "--format", "csv", "-d", str(tmp_path)])
    assert r.exit_code == 0, r.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {f"{n}.csv" for n in REPORT_COLUMNS} <= names and "index.html" in names
    assert "district.csv" not in names  # needs a parameter


def test_html_report_has_colour_matrix(runner):
    r = runner.invoke(main, ["report", "coverage", "--format", "html"])
    assert r.exit_code == 0
    html = r.stdout
    assert 'id="matrix"' in html and "<script" not in html and "http://" not in html.split("</style>")[1]
    assert html.count("<tr>") >= 5
