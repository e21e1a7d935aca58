"""Deterministic synthetic plans shaped like rusgraph's real data, for benchmarks.

    python benchmarks/generate.py national -o /tmp/national      # writes Turtle files
    python benchmarks/generate.py --list

The generated data sits under the bundled upper levels (data/upper: national goals, the city
plan, the Oslostandards, the vocabularies, Oslo's districts), which it links to but never
copies: load it as ``rusgraph.load([data/upper, OUT])``. Per district plan it writes one
Turtle file like the bundled plans: the plan and its period, district goals, responsible
units and measures with Norwegian text, stated and curated upward links (each with a
rus:LinkQualification), Oslostandard links, themes, statuses, risks, deadlines. About 5% of
the measures are broken on purpose, one defect each (no trace, unknown status, ill-formed
deadline, missing text, dangling link, unknown theme, English-only label, two statuses), so
validation has findings; some deadlines fall outside the plan period and some measures
name no responsible unit (Infos and Warnings, as in the real plans). Sizes beyond Oslo add
synthetic municipalities (rus:Municipality) with one district-level unit (rus:District)
each. The same size and seed always give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UPPER = ROOT / "data" / "upper"
BASE = "https://w3id.org/rusgraph/"
RUS = BASE + "ontology#"
SEED = 20240817


@dataclass(frozen=True)
class Size:
    name: str
    oslo_districts: int  # how many of Oslo's 15 districts get a plan
    other_districts: int  # synthetic municipalities, one district-level unit each
    measures_per_plan: int

    @property
    def measures(self) -> int:
        return (self.oslo_districts + self.other_districts) * self.measures_per_plan


SIZES: dict[str, Size] = {
    "tiny": Size("tiny", 3, 1, 15),  # 60 measures: tests
    "oslo": Size("oslo", 15, 0, 67),  # 1,005 measures: all of Oslo
    "national": Size("national", 15, 285, 60),  # 18,000 measures
    "100k": Size("100k", 15, 1235, 80),  # 100,000 measures
}

BROKEN_SHARE = 0.05
DEFECTS = ("no-trace", "unknown-status", "bad-deadline", "no-text", "dangling-link", "unknown-theme",
           "english-label", "two-statuses")

VERBS = ["Etablere", "Styrke", "Videreføre", "Utvikle", "Kartlegge", "Gjennomføre", "Tilby", "Prøve ut",
         "Samordne", "Øke", "Utvide", "Forbedre"]
OBJECTS = ["lavterskeltilbud for ungdom", "oppsøkende arbeid i kjente rusmiljøer", "utdeling av nalokson nesespray",
           "samarbeid med NAV om arbeid og aktivitet", "boligoppfølging for personer med rusutfordringer",
           "kurs i kameratredning", "foreldreveiledning for familier med rusutfordringer",
           "brukermedvirkning i tjenesteutviklingen", "hasjavvenningsprogram (HAP)", "tidlig innsats i skolen",
           "samhandling med spesialisthelsetjenesten", "aktivitetstilbud på kveldstid",
           "oppfølging etter overdose", "kompetanse om rus blant ansatte", "individuell jobbstøtte (IPS)",
           "rusforebyggende arbeid i barnehager", "møteplasser for pårørende", "erfaringskonsulenter i tjenestene"]
QUALIFIERS = ["i samarbeid med frivillige organisasjoner", "for barn og unge", "i hele bydelen",
              "med vekt på tidlig innsats", "sammen med helsestasjonen", "for personer uten fast bosted",
              "i tett dialog med brukerne", "i samarbeid med politiet"]
ACTIVITIES = ["Kartlegge behov", "Holde kurs to ganger i året", "Lage rutine for oppfølging",
              "Informere ansatte og innbyggere", "Evaluere tiltaket årlig", "Utarbeide handlingsplan",
              "Følge opp i samarbeidsmøter", "Rapportere til bydelsutvalget"]
GOALS = ["Færre unge debuterer med rusmidler", "Flere med rusutfordringer er i arbeid eller aktivitet",
         "Alle har en trygg og stabil bolig", "Færre dør av overdose", "Pårørende får god støtte",
         "Tjenestene er samordnet og lett tilgjengelige", "Brukerne medvirker i egne tjenester",
         "Tidlig hjelp når rusproblemer oppstår"]
UNITS = ["NAV", "Forebyggende enhet", "Helsestasjon for ungdom", "Ruskonsulentene", "Oppfølgingstjenesten",
         "Barnevernet", "Kulturenheten", "Boligkontoret", "Enhet for psykisk helse og rus", "Utekontakten"]
HEADINGS = ["Forebygging", "Tidlig innsats", "Behandling og oppfølging", "Bolig og arbeid", "Samhandling"]
SYLLABLES = ["Nord", "Sør", "Øst", "Vest", "Hol", "Lille", "Store", "Ås", "Fjell", "Strand", "Sand", "Berg"]
ENDINGS = ["vik", "dal", "berg", "nes", "fjord", "sund", "heim", "stad", "øy", "land", "haug", "bø"]


def lit(text: str, lang: str | None = "nb") -> str:
    esc = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{esc}"@{lang}' if lang else f'"{esc}"'


def iri(value: str) -> str:
    return f"<{value}>"


# ------------------------------------------------------------------------- upper levels


@dataclass
class Upper:
    strategies: list[str]
    city_goals: list[tuple[str, list[str]]]  # (goal, its strategies) for goals falling to districts
    elements: list[str]  # standard elements whose standard serves a strategy
    themes: list[str]
    statuses: list[str]
    risks: list[tuple[str, str]]  # (IRI, Norwegian label)
    districts: list[tuple[str, str, str]]  # Oslo's districts: (IRI, code, name)


def read_upper(upper: Path = UPPER) -> Upper:
    """The IRIs of the bundled upper levels the generated plans link to."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import FOAF, RDF, SKOS

    g = Graph()
    for p in sorted(upper.glob("*.ttl")):
        g.parse(p, format="turtle")
    r = lambda n: URIRef(RUS + n)  # noqa: E731
    strategies = sorted(str(s) for s in g.subjects(RDF.type, r("Strategy")))
    links = (r("statedContributesTo"), r("curatedContributesTo"))
    city_goals = []
    for goal in sorted(g.subjects(RDF.type, r("CityGoal")), key=str):
        if (goal, r("fallsToDistricts"), Literal(True)) not in g:
            continue
        ups = sorted({str(o) for p in links for o in g.objects(goal, p) if str(o) in strategies})
        if ups:
            city_goals.append((str(goal), ups))
    elements = []
    for el in sorted(g.subjects(RDF.type, r("StandardElement")), key=str):
        std = g.value(el, r("elementOf"))
        if std is not None and any(str(o) in strategies for p in links for o in g.objects(std, p)):
            elements.append(str(el))
    risks = []
    for risk in sorted(g.subjects(RDF.type, r("RiskLevel")), key=str):
        label = next((str(o) for o in g.objects(risk, SKOS.prefLabel) if o.language == "nb"), "")
        risks.append((str(risk), label))
    districts = []
    for d in sorted(g.subjects(RDF.type, r("District")), key=str):
        districts.append((str(d), str(g.value(d, SKOS.notation)), str(g.value(d, FOAF.name))))
    return Upper(
        strategies=strategies,
        city_goals=city_goals,
        elements=elements,
        themes=sorted(str(s) for s in g.subjects(RDF.type, r("Theme"))),
        statuses=sorted(str(s) for s in g.subjects(RDF.type, r("Status"))),
        risks=risks,
        districts=districts,
    )


# ----------------------------------------------------------------------------- writing


class Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def subject(self, s: str, pairs: list[tuple[str, str]]) -> None:
        body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
        self.lines.append(f"{iri(s)} {body} .\n")

    def text(self) -> str:
        return "\n".join(self.lines)


PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rus: <https://w3id.org/rusgraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""


def _municipalities(rng: random.Random, n: int) -> list[tuple[str, str]]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        name = rng.choice(SYLLABLES) + rng.choice(ENDINGS)
        if name in seen:
            name = f"{name} {len([x for x in names if x.startswith(name)]) + 2}"
        seen.add(name)
        names.append(name)
    return [(f"{1001 + i:04d}", name) for i, name in enumerate(names)]


def generate(size: str | Size, out: Path, *, seed: int = SEED, upper: Path = UPPER) -> dict[str, int]:
    """Write the plans of ``size`` under ``out`` (created) and return counts."""
    sz = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(f"{seed}:{sz.name}")
    up = read_upper(upper)
    out = Path(out)
    (out / "plans").mkdir(parents=True, exist_ok=True)
    counts = {"plans": 0, "measures": 0, "broken": 0, "goals": 0}

    districts: list[tuple[str, str, str]] = list(up.districts[: sz.oslo_districts])
    orgs = Writer()
    for code, name in _municipalities(rng, sz.other_districts):
        kommune = f"{BASE}unit/{code}"
        orgs.subject(kommune, [("a", "rus:Municipality"), ("skos:notation", lit(code, None)),
                               ("skos:prefLabel", f"{lit(name + ' kommune')}, {lit(name + ' municipality', 'en')}")])
        d = f"{BASE}unit/{code}01"
        orgs.subject(d, [("a", "rus:District"), ("skos:notation", lit(code + "01", None)),
                         ("foaf:name", lit(name, None)),
                         ("skos:prefLabel", f"{lit(name)}, {lit(name, 'en')}"),
                         ("org:subOrganizationOf", iri(kommune))])
        districts.append((d, code + "01", name))
    (out / "organisations.ttl").write_text(
        "# Synthetic municipalities for rusgraph benchmarks (benchmarks/generate.py).\n" + PREFIXES + orgs.text(),
        encoding="utf-8")

    for d_iri, code, name in districts:
        text = _plan(rng, sz, up, d_iri, code, name, counts)
        (out / "plans" / f"{code}.ttl").write_text(text, encoding="utf-8")
    return counts


def _plan(rng: random.Random, sz: Size, up: Upper, d_iri: str, code: str, name: str, counts: dict[str, int]) -> str:
    start = rng.choice([2021, 2022, 2023, 2024])
    end = start + rng.choice([3, 4])
    plan = f"{BASE}plan/{code}/ruspolitisk-handlingsplan-{start}-{end}"
    source = f"{BASE}source/synthetic-{code}"
    has_column = rng.random() < 0.85
    w = Writer()
    title = f"Ruspolitisk handlingsplan {name} {start}-{end}"
    w.subject(plan, [("a", "rus:DistrictPlan"), ("dcterms:title", lit(title)),
                     ("skos:prefLabel", f"{lit(title)}, {lit(f'{name} drug-policy action plan {start}-{end}', 'en')}"),
                     ("rus:district", iri(d_iri)), ("dcterms:publisher", iri(d_iri)),
                     ("dcterms:temporal", iri(plan + "/period")), ("dcterms:source", iri(source)),
                     ("prov:wasDerivedFrom", iri(source)), ("rus:hasResponsibleColumn", "true" if has_column else "false"),
                     ("rus:tableColumns", lit("Mål | Tiltak | Ansvarlig | Frist | Status | Risiko"))])
    w.subject(plan + "/period", [("a", "dcterms:PeriodOfTime"), ("dcat:startDate", f'"{start}"^^xsd:gYear'),
                                 ("dcat:endDate", f'"{end}"^^xsd:gYear')])
    counts["plans"] += 1

    units = []
    for uname in rng.sample(UNITS, rng.randint(4, 8)):
        slug = uname.lower().replace(" ", "-").replace("(", "").replace(")", "").replace("ø", "o").replace("å", "a")
        u = f"{BASE}unit/{code}/{slug}"
        w.subject(u, [("a", "rus:Unit"), ("skos:prefLabel", lit(uname)), ("org:unitOf", iri(d_iri))])
        units.append(u)

    # District goals: each under one strategy (stated); most also curated to a city goal.
    goals = []
    n_goals = max(2, sz.measures_per_plan // 4)
    for gi in range(1, n_goals + 1):
        g = f"{plan}/goal/g{gi}"
        strategy = rng.choice(up.strategies)
        pairs = [("a", "rus:DistrictGoal"), ("skos:inScheme", iri(plan)),
                 ("skos:prefLabel", lit(f"{rng.choice(GOALS)} ({gi})")), ("rus:district", iri(d_iri)),
                 ("prov:wasDerivedFrom", iri(source))]
        links = []
        stated_to_strategy = rng.random() < 0.8
        if stated_to_strategy:
            pairs.append(("rus:statedContributesTo", iri(strategy)))
            links.append(("stated", strategy, "the goal stands under this strategy heading"))
        fitting = [cg for cg, ss in up.city_goals if strategy in ss] or [cg for cg, _ in up.city_goals]
        if rng.random() < 0.7 or not stated_to_strategy:
            cg = rng.choice(fitting)
            pairs.append(("rus:curatedContributesTo", iri(cg)))
            links.append(("curated", cg, "the goal's wording matches the city goal"))
        _links(w, pairs, g, links)
        w.subject(g, pairs)
        goals.append((g, strategy if stated_to_strategy else None))
        counts["goals"] += 1
    # A goal cycle now and then (GoalCycleShape), as in a mis-transcribed plan.
    if len(goals) >= 2 and rng.random() < 0.2:
        a, b = goals[0][0], goals[1][0]
        w.subject(a, [("rus:curatedContributesTo", iri(b))])
        w.subject(b, [("rus:curatedContributesTo", iri(a))])

    n = sz.measures_per_plan
    broken = {i for i in range(1, n + 1) if rng.random() < BROKEN_SHARE}
    for seq in range(1, n + 1):
        defect = rng.choice(DEFECTS) if seq in broken else None
        _measure(w, rng, up, plan, source, d_iri, seq, goals, units, start, end, has_column, defect)
        counts["measures"] += 1
        counts["broken"] += defect is not None
    head = f"# Synthetic plan for {name} ({code}), rusgraph benchmarks (benchmarks/generate.py).\n"
    return head + PREFIXES + w.text()


def _links(w: Writer, pairs: list[tuple[str, str]], subject: str, links: list[tuple[str, str, str]]) -> None:
    """rus:qualifiedLink and one rus:LinkQualification per upward link."""
    quals = []
    for basis, target, reason in links:
        q = f"{subject}/link/{target.rstrip('/').rsplit('/', 1)[-1]}"
        if q in quals:
            continue
        quals.append(q)
        w.subject(q, [("a", "rus:LinkQualification"), ("rus:linkBasis", iri(f"{BASE}vocab/link-basis/{basis}")),
                      ("rus:linkTarget", iri(target)), ("rus:reason", lit(reason, "en"))])
    if quals:
        pairs.append(("rus:qualifiedLink", ", ".join(iri(q) for q in quals)))


def _measure(w: Writer, rng: random.Random, up: Upper, plan: str, source: str, d_iri: str, seq: int,
             goals: list[tuple[str, str | None]], units: list[str], start: int, end: int, has_column: bool,
             defect: str | None) -> None:
    m = f"{plan}/measure/{seq}"
    label = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    text = f"{label} {rng.choice(QUALIFIERS)}."
    acts = rng.sample(ACTIVITIES, rng.choice([0, 0, 1, 2, 3]))
    if acts:
        text = "\n".join(f"- {a}" for a in [label, *acts])
    pairs = [("a", "rus:Measure"), ("rus:sequence", str(seq)), ("rus:district", iri(d_iri)),
             ("rus:inPlan", iri(plan)), ("prov:wasDerivedFrom", iri(source)),
             ("rus:sectionHeading", lit(rng.choice(HEADINGS))),
             ("rus:sourceLineStart", str(seq * 12)), ("rus:sourceLineEnd", str(seq * 12 + rng.randint(2, 11)))]
    if rng.random() < 0.5:
        pairs.append(("rus:localNumber", lit(f"{1 + seq // 10}.{seq % 10 + 1}", None)))
    pairs.append(("skos:prefLabel", lit(label, "en" if defect == "english-label" else "nb")))
    if defect != "no-text":
        pairs.append(("rus:measureText", lit(text)))
    if acts:
        pairs.append(("rus:activity", ", ".join(lit(a) for a in acts)))
    links: list[tuple[str, str, str]] = []
    if defect != "no-trace":
        goal, heading = rng.choice(goals)
        stated_goal = rng.random() < 0.85
        pred = "rus:statedContributesTo" if stated_goal else "rus:curatedContributesTo"
        pairs.append((pred, iri(goal)))
        if stated_goal and heading:
            # the row stands in its goal's row, under the goal's strategy heading: a placement
            pairs.append(("rus:placedUnder", iri(heading)))
        links.append(("stated" if stated_goal else "curated", goal, "the row stands in this goal's row of the table"))
        if rng.random() < 0.3:
            cg, _ss = rng.choice(up.city_goals)
            pairs.append(("rus:curatedContributesTo", iri(cg)))
            links.append(("curated", cg, "the measure plainly serves the city goal"))
        if rng.random() < 0.2 and up.elements:
            el = rng.choice(up.elements)
            stated_std = rng.random() < 0.4
            pairs.append(("rus:statedImplementsStandard" if stated_std else "rus:curatedImplementsStandard", iri(el)))
            links.append(("stated" if stated_std else "curated", el, "the row describes the standard element"))
    if defect == "dangling-link":
        ghost = up.strategies[0].rsplit("/", 1)[0] + "/s9-99"
        pairs.append(("rus:statedContributesTo", iri(ghost)))
        links.append(("stated", ghost, "the plan names a goal code that does not exist"))
    _links(w, pairs, m, links)
    if units and (not has_column or rng.random() < 0.92):
        chosen = rng.sample(units, rng.choice([1, 1, 2, 3]))
        pairs.append(("rus:responsibleUnit", ", ".join(iri(u) for u in chosen)))
        pairs.append(("rus:responsibleText", lit(", ".join(u.rsplit("/", 1)[-1].replace("-", " ").capitalize()
                                                           for u in chosen))))
    year = rng.randint(start, end) if rng.random() < 0.95 else end + rng.randint(1, 3)
    kind = rng.random()
    if defect == "bad-deadline":
        pairs.append(("rus:deadline", f'"31.12.{year}"^^xsd:date'))
        pairs.append(("rus:deadlineText", lit(f"31.12.{year}")))
    elif kind < 0.25:
        pairs.append(("rus:deadlineText", lit("Kontinuerlig")))
    elif kind < 0.6:
        pairs.append(("rus:deadline", f'"{year}"^^xsd:gYear'))
        pairs.append(("rus:deadlineText", lit(str(year))))
    elif kind < 0.85:
        month = rng.randint(1, 12)
        pairs.append(("rus:deadline", f'"{year}-{month:02d}"^^xsd:gYearMonth'))
        pairs.append(("rus:deadlineText", lit(f"{month:02d}.{year}")))
    else:
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        pairs.append(("rus:deadline", f'"{year}-{month:02d}-{day:02d}"^^xsd:date'))
        pairs.append(("rus:deadlineText", lit(f"{day:02d}.{month:02d}.{year}")))
    status = rng.choice(up.statuses)
    if defect == "unknown-status":
        status = f"{BASE}vocab/status/paused"
    pairs.append(("rus:status", iri(status)))
    if defect == "two-statuses":
        pairs.append(("rus:status", iri(rng.choice([s for s in up.statuses if s != status]))))
    pairs.append(("rus:statusText", lit(status.rsplit("/", 1)[-1].replace("-", " ").capitalize())))
    risk, risk_label = rng.choice(up.risks)
    pairs.append(("rus:risk", iri(risk)))
    pairs.append(("rus:riskText", lit(risk_label)))
    themes = rng.sample(up.themes, rng.choice([0, 1, 1, 2, 2, 3])) if up.themes else []
    if defect == "unknown-theme":
        themes.append(f"{BASE}vocab/theme/unknown-theme")
    if themes:
        pairs.append(("dcterms:subject", ", ".join(iri(t) for t in themes)))
    w.subject(m, pairs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", nargs="?", choices=sorted(SIZES))
    ap.add_argument("-o", "--output", type=Path, help="Directory to write (created).")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--list", action="store_true", help="List the sizes.")
    args = ap.parse_args(argv)
    if args.list or not args.size:
        for s in SIZES.values():
            print(f"{s.name:<9} {s.measures:>7,} measures in {s.oslo_districts + s.other_districts} plans")
        return 0
    if not args.output:
        ap.error("give -o DIR")
    counts = generate(args.size, args.output, seed=args.seed)
    print(f"wrote {counts['plans']} plans, {counts['goals']} district goals, {counts['measures']} measures "
          f"({counts['broken']} broken) under {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
