"""The planner's path (issue 14): report arguments, per-report help, and a new plan beside
the bundled ones (plan spreadsheets wherever RDF is accepted, the bundled upper levels for
a plan given alone, --with-bundled for the five bundled plans)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from rusgraph.cli import main

from .conftest import ROOT
from .test_spreadsheet import ALNA, ALNA_ROWS, _fill

GRORUD = ROOT / "data" / "plans" / "030110-grorud.ttl"
BUNDLED_DISTRICTS = {"Bydel Grünerløkka", "Bydel Frogner", "Bydel Ullern", "Bydel Grorud", "Bydel Stovner"}


def _run(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def alna(runner, tmp_path) -> Path:
    return _fill(runner, tmp_path / "alna.xlsx", ALNA, ALNA_ROWS)


# ------------------------------------------------------------------------ report arguments


def test_all_takes_every_argument_as_data(runner, tmp_path):
    out = tmp_path / "out"
    r = _run(runner, "report", "--all", "--format", "csv", "-d", out, GRORUD)
    assert r.exit_code == 0, r.output
    rows = _csv((out / "coverage.csv").read_text(encoding="utf-8"))
    assert {row["district"] for row in rows} == {"Bydel Grorud"}  # the path was data, not a report name
    assert "evaluated with the bundled upper levels" in r.stderr


def test_all_with_a_missing_file_exits_2(runner, tmp_path):
    r = _run(runner, "report", "--all", "-d", tmp_path / "out", tmp_path / "missing.ttl")
    assert r.exit_code == 2
    assert r.stderr == f"Error: file not found ({tmp_path / 'missing.ttl'}). check the path\n"
    assert not (tmp_path / "out" / "index.html").exists()


def test_all_writes_one_district_page_per_district(runner, tmp_path, alna):
    out = tmp_path / "out"
    r = _run(runner, "report", "--all", "--format", "html", "-d", out, "--with-bundled", alna)
    assert r.exit_code == 0, r.output
    pages = sorted(p.name for p in out.glob("district-*.html"))
    assert pages == ["district-030102-grunerlokka.html", "district-030105-frogner.html",
                     "district-030106-ullern.html", "district-030110-grorud.html",
                     "district-030111-stovner.html", "district-030112-alna.html"]
    for name in pages:  # and says so, one line per file
        assert f"wrote {out / name}\n" in r.stderr
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="district-030112-alna.html"' in index


def test_report_help_is_the_reports_own(runner):
    r = _run(runner, "report", "district", "--help")
    assert r.exit_code == 0
    assert r.stdout.startswith("rusgraph report district: Bydelsprofil (District profile)\n")
    assert "Spørsmål:" in r.stdout and "For én bydel" in r.stdout
    assert "Kolonner: code, name, plan," in r.stdout
    assert "  district (påkrevd): Bydelens navn (Grorud) eller SSB-kode (030110)\n" in r.stdout
    en = _run(runner, "report", "district", "--help", "--lang", "en")
    assert en.stdout.startswith("rusgraph report district: District profile (Bydelsprofil)\n")
    assert "Question:" in en.stdout and "  district (required): District name (Grorud)" in en.stdout
    plain = _run(runner, "report", "--help")  # without NAME: the command's help
    assert plain.exit_code == 0 and "report [OPTIONS] [NAME] [DATA]..." in plain.stdout


@pytest.mark.parametrize("args, message", [
    (("status", "-p", "nope=1"), "Error: unknown parameter(s) nope for status. parameters: district\n"),
    (("coverage", "-p", "district=Grorud"), "Error: unknown parameter(s) district for coverage. "
                                            "coverage takes no parameters\n"),
    (("district",), "Error: district needs the parameter(s) district. add --param district=VALUE "
                    "(parameters: district)\n"),
])
def test_unknown_or_missing_parameter_exits_2(runner, args, message):
    r = _run(runner, "report", *args)
    assert r.exit_code == 2
    assert r.stderr == message


def test_unknown_district_exits_2(runner):
    r = _run(runner, "report", "untraced", "-p", "district=Atlantis")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: unknown district 'Atlantis'. use a name or SSB code; districts with a plan: "
                               "Grünerløkka (030102), Frogner (030105)")


@pytest.mark.parametrize("report", ["measures", "status", "untraced", "responsible"])
@pytest.mark.parametrize("wanted", ["Stovner", "030111", "stovner"])
def test_district_parameter_keeps_that_districts_rows(runner, report, wanted):
    every = _csv(_run(runner, "report", report, "--format", "csv").stdout)
    one = _run(runner, "report", report, "--format", "csv", "-p", f"district={wanted}")
    assert one.exit_code == 0
    rows = _csv(one.stdout)
    assert rows and rows == [r for r in every if r["district"] == "Bydel Stovner"]


# ------------------------------------------------------------- a new plan beside the bundled


def test_plan_alone_gets_the_upper_levels(runner, alna):
    r = _run(runner, "report", "coverage", alna, "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = _csv(r.stdout)
    assert {row["district"] for row in rows} == {"Bydel Alna"}
    assert len(rows) == 3  # the city plan's three strategies: the upper levels were added


def test_with_bundled_lists_six_districts(runner, alna):
    r = _run(runner, "report", "coverage", "--with-bundled", alna, "--format", "csv")
    assert r.exit_code == 0, r.output
    assert {row["district"] for row in _csv(r.stdout)} == BUNDLED_DISTRICTS | {"Bydel Alna"}
    assert "DATA put beside the bundled data" in r.stderr


def test_spreadsheet_everywhere(runner, alna, tmp_path):
    rq = tmp_path / "count.rq"
    rq.write_text("PREFIX rus: <https://w3id.org/rusgraph/ontology#>\n"
                  "SELECT (COUNT(?m) AS ?n) WHERE { ?m a rus:Measure }\n", encoding="utf-8")
    q = _run(runner, "query", rq, alna, "--format", "csv")
    assert q.exit_code == 0 and q.stdout.splitlines()[1] == "3"
    out = tmp_path / "alna.trig"
    e = _run(runner, "export", alna, "--format", "trig", "-o", out)
    assert e.exit_code == 0, e.output
    assert "<https://w3id.org/rusgraph/graph/plans/alna>" in out.read_text(encoding="utf-8")


def test_report_without_plans_exits_2(runner, upper_dir):
    r = _run(runner, "report", "coverage", upper_dir)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith("Error: the graph has no district plan. give a plan")


# ------------------------------------------------------------------ validation for planners


def test_bundled_findings_read_at_a_glance(runner):
    import json
    from collections import Counter

    doc = json.loads(_run(runner, "validate", "--format", "json", "--fail-on", "none").stdout)
    per_rule = Counter((x["severity"], x["rule"]) for x in doc["results"])
    counts = doc["counts"]
    r = _run(runner, "validate")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == (f"Sammendrag: {counts['Violation']} brudd, {counts['Warning']} advarsler og "
                        f"{counts['Info']} merknader i 5 planer.")
    heads = [x for x in lines if x and not x.startswith(" ")][2:]
    assert len(heads) == len(per_rule)  # one block per rule
    words = {"BRUDD": 0, "ADVARSEL": 1, "MERKNAD": 2}
    order = [words[h.split(":")[0]] for h in heads]
    assert order == sorted(order)  # violations, then warnings, then notes
    assert sorted(int(h.rsplit("(", 1)[1].rstrip(")")) for h in heads) == sorted(per_rule.values())
    assert f"ADVARSEL: Ansvarlig enhet mangler ({per_rule['Warning', 'MeasureResponsibleShape']})" in heads
    frogner = sum(1 for x in doc["results"] if x["rule"] == "MeasureResponsibleShape" and x["district_code"] == "030105")
    assert any(x.startswith("  Bydel Frogner (030105): Tiltak ") and x.endswith(f" ({frogner})") for x in lines)
    assert len(lines) < 40
    assert "Shape" not in r.stdout and "https://" not in r.stdout  # rules in plain words, no IRIs
    verbose = _run(runner, "-v", "validate", "--lang", "en")
    assert "  Rule: https://w3id.org/rusgraph/shapes#CuratedTraceShape" in verbose.stdout
    assert "WARNING: Responsible unit missing (16)" in verbose.stdout


def test_violations_first_and_the_goal_without_a_link(runner, tmp_path):
    rows = [{"Nr": "1", "Mål": "Flere får hjelp tidlig", "Tiltak": "Ny samarbeidsavtale med DPS",
             "Ansvarlig": "Bydelsdirektør", "Ansvarlige enheter": "Bydelsdirektørens stab", "Frist": "2025",
             "Tema": "Samhandling mellom tjenester"},
            {"Nr": "2", "Tiltak": "Kurs for ansatte", "Ansvarlig": "Bydelsdirektør", "Strategi": "S1",
             "Frist": "2031", "Tema": "Samhandling mellom tjenester"}]
    path = _fill(runner, tmp_path / "alna.xlsx", ALNA, rows)
    for lang, expected in (("nb", ("BRUDD: Tiltaket spores ikke til byens plan (1)",
                                   "      Bydelsmålet «Flere får hjelp tidlig» har ingen kobling oppover til byens plan",
                                   "      Retting: Knytt bydelsmålet «Flere får hjelp tidlig» til et mål eller en "
                                   "strategi i byens plan (i regnearket: kolonnen «Mål: byplankobling»), eller knytt "
                                   "tiltaket direkte til en strategi.",
                                   "      Frist 2031, planperiode 2024–2027")),
                           ("en", ("VIOLATION: Measure does not trace to the city plan (1)",
                                   "      The district goal “Flere får hjelp tidlig” has no link up to the city plan",
                                   "      Deadline 2031, plan period 2024–2027"))):
        r = _run(runner, "validate", path, "--lang", lang)
        assert r.exit_code == 1
        lines = r.stdout.splitlines()
        heads = [x for x in lines if x and not x.startswith(" ")][2:]
        assert heads[0] == expected[0]  # the violation leads
        for line in expected[1:]:
            assert line in lines
        # the rule's own hint (link to a district goal) is not given: the row has one
        assert "Knytt tiltaket til et mål i bydelsplanen" not in r.stdout


# ------------------------------------------------------------------------ spreadsheet errors

from .test_spreadsheet import BAD_XLSX, _edit, _import_fails  # noqa: E402


@pytest.fixture
def grorud_sheet(runner, tmp_path) -> Path:
    path = tmp_path / "plan.xlsx"
    assert _run(runner, "export", "--format", "xlsx", "--district", "Grorud", "-o", path).exit_code == 0
    return path


@pytest.mark.parametrize("name, edit, english", BAD_XLSX, ids=[x[0] for x in BAD_XLSX])
def test_every_cell_problem_is_told_in_norwegian(runner, tmp_path, grorud_sheet, name, edit, english):
    nb = _import_fails(runner, tmp_path, _edit(grorud_sheet, edit), lang="nb")
    assert nb.startswith("Feil: ") and nb.count("\n") == 1
    head = english.removeprefix("Error: ").split(" (plan.xlsx")[0]
    assert head not in nb  # the message is translated, not passed through
    place = english.split(" (plan.xlsx", 1)[1].split(")")[0]
    nb_place = place.replace("sheet", "ark").replace("row", "rad").replace("column", "kolonne")
    assert f"(plan.xlsx{nb_place})" in nb  # the same sheet, row and column
    for word in ("unknown", "does not parse", "Did you mean", "Choose one of", "write ", "the template"):
        assert word not in nb


def _problems(runner, path: Path, *args: str):
    return _run(runner, "validate", path, *args)


def test_one_run_reports_every_bad_cell(runner, grorud_sheet):
    from .test_spreadsheet import _set

    def edits(wb):
        _set("Tiltak", 2, "Status", "Påbegyndt")(wb)
        _set("Tiltak", 3, "Frist", "31.13.2025")(wb)
        _set("Tiltak", 3, "Tema", "Overdose")(wb)
        _set("Tiltak", 4, "Strategi", "S9")(wb)

    path = _edit(grorud_sheet, edits)
    r = _problems(runner, path)
    assert r.exit_code == 2 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines[0] == "Feil: regnearket kan ikke leses (4 problemer):"
    assert lines[1] == "  plan.xlsx, ark Tiltak, rad 2, kolonne Status: ukjent status 'Påbegyndt'. " \
                       "Mente du: Påbegynt, Ikke påbegynt?"
    assert lines[2].startswith("  plan.xlsx, ark Tiltak, rad 3, kolonne Frist: datoen '31.13.2025' kan ikke leses.")
    assert lines[3] == "  plan.xlsx, ark Tiltak, rad 3, kolonne Tema: ukjent tema 'Overdose'. Mente du: Overdoseforebygging?"
    assert lines[4].startswith("  plan.xlsx, ark Tiltak, rad 4, kolonne Strategi: ukjent strategi 'S9'. Velg en av: S1")
    assert lines[5] == "Rett cellene og kjør igjen."
    import json

    doc = json.loads(_problems(runner, path, "--format", "json", "--lang", "en").stdout)
    assert [(p["sheet"], p["row"], p["column"]) for p in doc["problems"]] == \
        [("Tiltak", 2, "Status"), ("Tiltak", 3, "Frist"), ("Tiltak", 3, "Tema"), ("Tiltak", 4, "Strategi")]
    assert doc["problems"][0]["message"] == "unknown status 'Påbegyndt'" and doc["complete"] is True
    rows = _csv(_problems(runner, path, "--format", "csv").stdout)
    assert [r["column"] for r in rows] == ["Status", "Frist", "Tema", "Strategi"]
    assert rows[0]["message"] == "ukjent status 'Påbegyndt'"


def test_problems_stop_at_the_limit(runner, grorud_sheet):
    from rusgraph.sheets.problems import MAX_PROBLEMS

    def edits(wb):
        ws = wb["Tiltak"]
        head = [c.value for c in ws[1]]
        for row in range(2, ws.max_row + 1):
            for column in ("Status", "Risiko", "Tema", "Strategi", "Frist", "Byplanmål"):
                ws.cell(row=row, column=head.index(column) + 1).value = "31.13.2025"

    r = _problems(runner, _edit(grorud_sheet, edits), "--format", "json")
    import json

    doc = json.loads(r.stdout)
    bad_cells = 6 * 20  # six bad cells in each of (at least) 20 rows
    assert bad_cells > MAX_PROBLEMS
    assert len(doc["problems"]) == MAX_PROBLEMS and doc["complete"] is False
    assert "lesingen stoppet der" in r.stderr.splitlines()[0]
