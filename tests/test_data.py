"""The bundled knowledge graph tells the truth about the plans.

Expected counts below were derived by re-reading the seed tables (an independent second
reading, not the transcription); each says where it comes from. Line numbers are 1-based
in ../shared/seeds/<file>.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from rusgraph.graph.namespaces import RUS

from .conftest import ROOT

TRANSCRIPTIONS = ROOT / "data" / "transcriptions"

PLANS = {
    # SSB code: (seed file, measure rows, how the number was derived)
    "030110": ("000_0850a17deb2da6a0.txt", 21,
               "Grorud: three tables (lines 25-253, 254-319, 321-492), one Risiko cell per row: 7+4+10"),
    "030105": ("001_b796598bc11f3c43.txt", 45,
               "Frogner section 5: MÅL/TILTAK/ANSVAR tables at 517, 770, 868; 19+5+21 rows with a goal heading each"),
    "030102": ("002_6ad37c448da5c80c.txt", 28,
               "Grünerløkka: numbered rows 2.1.1-2.1.9, 2.2.1-2.2.4, 3.1.1-3.1.4, 3.2.1-3.2.8, 3.3.1-3.3.3"),
    "030106": ("003_b11a3866e4550447.txt", 17,
               "Ullern: one table 52-368, 17 goal cells and 17 Ansvarlig cells"),
    "030111": ("004_aef04038b9c33af2.txt", 9,
               "Stovner section 6: 4 rows at 894-922 and 5 in the block 930-968, 9 Ansvarlig cells"),
}

# Rows per heading where the plan groups its rows under a heading (the same reading).
PER_HEADING = {
    "030110": {"Forebyggingsoffensiv for å hindre at rusproblemer oppstår": 7,   # 000:25-253
               "Tidligere innsats når rusproblemer oppstår": 4,                  # 000:254-319
               "Økt livskvalitet ved rusproblemer": 10},                          # 000:321-492
    "030105": {"Strategi 1": 19, "Strategi 2": 5, "Strategi 3": 21},              # 001:516, 769, 867
}

# The strategies the headings are (stated links): Grorud's headings are the city's strategies.
STRATEGY_OF_HEADING_COUNT = {"030110": {"s1": 7, "s2": 4, "s3": 10}, "030105": {"s1": 19, "s2": 5, "s3": 21}}

CITY = "https://w3id.org/rusgraph/plan/0301/strategisk-plan-rusfeltet-2018/"


def _measures(kg, code):
    district = URIRef(f"https://w3id.org/rusgraph/unit/{code}")
    return [m for m in kg.data.subjects(RDF.type, RUS.Measure) if (m, RUS.district, district) in kg.data]


@pytest.mark.parametrize("code", sorted(PLANS))
def test_measure_count_per_plan(bundled_kg, code):
    _seed, expected, _why = PLANS[code]
    assert len(_measures(bundled_kg, code)) == expected


def test_total_measures(bundled_kg):
    assert len(set(bundled_kg.data.subjects(RDF.type, RUS.Measure))) == sum(v[1] for v in PLANS.values())


@pytest.mark.parametrize("code", sorted(PER_HEADING))
def test_rows_per_heading(bundled_kg, code):
    headings = Counter()
    for m in _measures(bundled_kg, code):
        h = str(bundled_kg.data.value(m, RUS.sectionHeading))
        for key in PER_HEADING[code]:
            if h.startswith(key) or h == key:
                headings[key] += 1
    assert dict(headings) == PER_HEADING[code]


@pytest.fixture(scope="module")
def inferred_kg(bundled_kg):
    from rusgraph.inference.reasoner import infer

    return infer(bundled_kg, "owlrl")


@pytest.mark.parametrize("code", sorted(STRATEGY_OF_HEADING_COUNT))
def test_stated_strategy_counts(bundled_kg, code):
    """Where the plan groups rows under the city's strategies, each row states its strategy."""
    g = bundled_kg.data
    counts = {}
    for s in ("s1", "s2", "s3"):
        strat = URIRef(CITY + s)
        counts[s] = sum(1 for m in _measures(bundled_kg, code) if (m, RUS.statedContributesTo, strat) in g)
    assert counts == STRATEGY_OF_HEADING_COUNT[code]


def test_owlrl_materialises_every_trace(inferred_kg):
    """Every measure whose asserted links reach a strategy gets rus:tracesTo that strategy,
    and stated chains give rus:statedTracesTo; the inferred graph stays apart from the data."""
    kg = inferred_kg
    strategies = {URIRef(CITY + s) for s in ("s1", "s2", "s3")}
    up = [RUS.statedContributesTo, RUS.curatedContributesTo, RUS.statedImplementsStandard,
          RUS.curatedImplementsStandard, RUS.elementOf]
    g = kg.data
    for m in g.subjects(RDF.type, RUS.Measure):
        # walk the asserted links by hand: the reasoner must find the same strategies
        seen, todo = set(), [m]
        while todo:
            node = todo.pop()
            for p in up:
                for o in g.objects(node, p):
                    if o not in seen:
                        seen.add(o)
                        todo.append(o)
        reached = seen & strategies
        inferred = {o for o in kg.inferred.objects(m, RUS.tracesTo)} & strategies
        assert reached == inferred, m
        assert reached, f"{m} reaches no strategy"
    assert not (set(kg.inferred) & set(kg.data))
    assert not list(kg.data.triples((None, RUS.tracesTo, None)))
    # the property chain: plan covers what its measures trace to
    grorud = URIRef("https://w3id.org/rusgraph/plan/030110/ruspolitisk-handlingsplan-2023-2028")
    assert {o for o in kg.inferred.objects(grorud, RUS.planCovers)} >= strategies


@pytest.mark.parametrize("code", sorted(PLANS))
def test_source_pointers_hold_the_text(bundled_kg, seeds, code):
    """Every measure points at a line range of its seed, and its first words stand there."""
    seed_file, _n, _why = PLANS[code]
    lines = (seeds / seed_file).read_text(encoding="utf-8").splitlines()
    for m in _measures(bundled_kg, code):
        start = int(bundled_kg.data.value(m, RUS.sourceLineStart))
        end = int(bundled_kg.data.value(m, RUS.sourceLineEnd))
        assert 1 <= start <= end <= len(lines), m
        if code == "030102":
            continue  # OCR'd: the graph carries corrected Norwegian, so words differ by design
        chunk = " ".join(" ".join(lines[start - 1:end]).split())
        text = str(bundled_kg.data.value(m, RUS.measureText))
        first = re.sub(r"^[-•\s]+", "", text).split()[:3]
        first_words = " ".join(w.rstrip("-") for w in first)
        assert all(w.rstrip("-.,") in chunk for w in first_words.split()), (m, first_words)


def test_source_ranges_do_not_overlap(bundled_kg):
    by_plan: dict = {}
    for m in bundled_kg.data.subjects(RDF.type, RUS.Measure):
        plan = bundled_kg.data.value(m, RUS.inPlan)
        by_plan.setdefault(plan, []).append((int(bundled_kg.data.value(m, RUS.sourceLineStart)),
                                             int(bundled_kg.data.value(m, RUS.sourceLineEnd)), m))
    for plan, rows in by_plan.items():
        rows.sort()
        for (s1, e1, m1), (s2, _e2, m2) in zip(rows, rows[1:]):
            assert e1 < s2, f"{m1} and {m2} overlap"


OCR_RESIDUE = [
    r"pargrende", r"oppfelg", r"Griinerl", r"lgkka", r"\bMal\b", r"\bpa\b", r"\bfa\b", r"\bna\b",
    r"[a-zø]ee[a-z]*ring", r"erklzering", r"dgrinn", r"tidligien", r"[@¢|]", r"\bog og\b",
]


def test_grunerlokka_has_no_ocr_residue(bundled_kg):
    plan_text = (ROOT / "data" / "plans" / "030102-grunerlokka.ttl").read_text(encoding="utf-8")
    g = Graph().parse(data=plan_text, format="turtle")
    texts = [str(o) for s, p, o in g if p in (SKOS.prefLabel, RUS.measureText, RUS.activity,
                                                 URIRef("http://purl.org/dc/terms/description"), RUS.responsibleText)]
    assert texts
    for pattern in OCR_RESIDUE:
        hits = [t for t in texts if re.search(pattern, t)]
        assert not hits, (pattern, hits[:3])
    joined = " ".join(texts)
    assert "Grünerløkka" in joined or "pårørende" in joined
    assert joined.count("å") > 50 and joined.count("ø") > 50


def test_every_link_is_stated_or_curated_with_reason(bundled_kg):
    g = bundled_kg.data
    for p in (RUS.curatedContributesTo, RUS.curatedImplementsStandard):
        for s, o in g.subject_objects(p):
            quals = [q for q in g.objects(s, RUS.qualifiedLink) if (q, RUS.linkTarget, o) in g]
            assert quals, (s, o)
            assert any(g.value(q, RUS.reason) for q in quals), (s, o)
    assert not list(g.subject_objects(RUS.contributesTo)), "data asserts only the stated/curated sub-properties"


def test_unlinked_layout_is_not_pretended(bundled_kg):
    """Ullern and Stovner do not group by strategy: none of their strategy links is stated
    except Stovner's block 004:924-968; Grünerløkka's chapter 3 is titled with main goal 2
    only (002:473-474), so its rows (3.x.y) have no stated strategy link and no placement."""
    g = bundled_kg.data
    strategies = {URIRef(CITY + s) for s in ("s1", "s2", "s3")}
    for code in ("030106", "030102"):
        for m in _measures(bundled_kg, code):
            if code == "030102" and not str(g.value(m, RUS.localNumber)).startswith("3."):
                continue
            assert not (set(g.objects(m, RUS.statedContributesTo)) & strategies), m
            assert g.value(m, RUS.placedUnder) is None, m


def test_no_item_marked_unverified_is_stated_as_fact(bundled_kg):
    """DOMAIN.md [?] items: no issuer for the overdose standard, no innsatsområder for the overdose strategy."""
    g = bundled_kg.data
    od = URIRef("https://w3id.org/rusgraph/standard/0301/overdose-2019")
    assert g.value(od, URIRef("http://purl.org/dc/terms/publisher")) is None
    nos = [s for s in g.subjects(RDF.type, RUS.FocusArea) if "overdose" in str(s)]
    assert nos == []


def test_bundled_graph_loads_without_warnings(caplog):
    import rusgraph

    with caplog.at_level(logging.WARNING):
        kg = rusgraph.load()
    assert len(kg.data) > 5000
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_committed_turtle_matches_transcriptions():
    from rusgraph.build.files import build

    files = build(ROOT / "data" / "transcriptions")
    for rel, text in files.items():
        assert (ROOT / "data" / rel).read_text(encoding="utf-8") == text, f"data/{rel} is stale: run python -m rusgraph.build"
    on_disk = {str(p.relative_to(ROOT / "data")) for p in (ROOT / "data").glob("*/*.ttl")}
    assert on_disk == set(files)


def test_build_is_deterministic():
    from rusgraph.build.files import build

    a = build(ROOT / "data" / "transcriptions")
    b = build(ROOT / "data" / "transcriptions")
    assert a == b


def test_transcriptions_number_measures_in_document_order():
    for path in sorted((ROOT / "data" / "transcriptions").glob("0301*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        starts = [m["lines"][0] for m in rec["measures"]]
        assert [m["n"] for m in rec["measures"]] == list(range(1, len(starts) + 1)), path
        # Grünerløkka's 2.1 table stands before its heading; document order is by number there
        if rec["district"] != "030102":
            assert starts == sorted(starts), path


def test_city_goals_carry_confidence_and_evidence(bundled_kg):
    g = bundled_kg.data
    goals = list(g.subjects(RDF.type, RUS.CityGoal))
    assert len(goals) >= 41
    for goal in goals:
        assert g.value(goal, RUS.confidence) is not None, goal
        assert g.value(goal, RUS.evidence) is not None, goal


def test_labels_in_english_above_district_level(bundled_kg):
    g = bundled_kg.data
    for cls in (RUS.NationalGoal, RUS.MainGoal, RUS.Strategy, RUS.CityGoal, RUS.Standard,
                RUS.StandardElement, RUS.Theme, RUS.Status, RUS.RiskLevel):
        for s in g.subjects(RDF.type, cls):
            langs = {o.language for o in g.objects(s, SKOS.prefLabel)}
            assert {"nb", "en"} <= langs, s


def test_fifteen_districts(bundled_kg):
    g = bundled_kg.data
    codes = sorted(str(g.value(d, SKOS.notation)) for d in g.subjects(RDF.type, RUS.District))
    assert codes == [f"0301{n:02d}" for n in range(1, 16)]


def test_themes_agree_with_standards(bundled_kg):
    """A measure linked (stated or curated) to an Oslostandard or one of its elements carries
    the standard's theme (dcterms:subject on the standard: OD overdose prevention, PS next of
    kin, OU youth outreach, BO housing follow-up), so `themes` and `standards` never
    contradict each other."""
    from rusgraph.reports.queries import query_from_text, run_query

    q = query_from_text("""PREFIX rus: <https://w3id.org/rusgraph/ontology#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?m ?theme ?has WHERE {
      ?m a rus:Measure ; (rus:statedImplementsStandard|rus:curatedImplementsStandard)/rus:elementOf? ?std .
      ?std a rus:Standard ; dcterms:subject ?theme .
      BIND(EXISTS { ?m dcterms:subject ?theme } AS ?has) }""")
    pairs = run_query(bundled_kg, q).as_strings()
    assert len(pairs) >= 20  # the bundled plans link about two dozen measures to standards
    missing = [(m, t) for m, t, has in pairs if has != "true"]
    assert not missing


def test_rows_with_the_same_wording_get_the_same_themes():
    """Rows of different plans whose wording is nearly the same (word-set overlap >= 0.6)
    carry the same themes: Ullern 7 (003:158-168) and Stovner 9 (004:964-968) are both the
    routine for evaluating serious incidents and deaths."""
    import itertools
    import re

    rows = []
    for path in sorted(TRANSCRIPTIONS.glob("0301*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        for m in rec["measures"]:
            words = set(re.findall(r"\w+", m["text"].lower()))
            rows.append((path.stem, m["n"], words, set(m.get("themes") or [])))
    similar = 0
    for a, b in itertools.combinations(rows, 2):
        if a[0] == b[0]:
            continue
        if len(a[2] & b[2]) / len(a[2] | b[2]) >= 0.6:
            similar += 1
            assert a[3] == b[3], (a[:2], b[:2], a[3] ^ b[3])
    assert similar >= 1
