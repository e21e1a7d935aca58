"""What a district profile shows, read from the canned reports: for one district (the
printable page, ``rusgraph report district --format html``) or for every district with a
plan at once (the atlas's plan pages).

Owns: running the district, measures, standards, themes and gaps reports and the plans'
source labels, slicing their rows per district (ProfileData), and a district's validation
findings as the page lists them. For many districts each report runs once (the district
report with one VALUES row per district, rusgraph.reports.queries.run_query_each) and its
rows are split by district, by the same test the one-district page filters with; a district
the split cannot tell apart (two districts with one label) is read on its own. It must not
write HTML or files, nor count anything the reports do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .queries import get_query, run_query, run_query_each

Rows = list[dict[str, str]]


@dataclass(frozen=True)
class ProfileData:
    """One district's profile as the reports give it (cells as strings)."""

    profile: Rows  # the district report's rows: one per plan and strategy
    source: str  # the plan's source document, as labelled
    measures: Rows  # the measures report's rows of the district
    standards: Rows  # the standards report's rows of the district
    themes: Rows  # the themes report's rows of the district
    gaps: Rows  # the gaps report's rows of the district
    findings: Rows | None  # the validation findings (district_findings), None where not validated here


def rows(result: Any) -> Rows:
    return [dict(zip(result.vars, row)) for row in result.as_strings()]


SOURCES = ("PREFIX rus: <https://w3id.org/rusgraph/ontology#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
           "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
           "SELECT ?code ?label WHERE { ?p a rus:DistrictPlan ; rus:district ?d ; dcterms:source ?s . "
           "?d skos:notation ?code . FILTER(STR(?code) = STR(?wanted)) "
           "OPTIONAL { ?s skos:prefLabel ?l1 FILTER(lang(?l1) = ?lang) } "
           "OPTIONAL { ?s skos:prefLabel ?l2 FILTER(lang(?l2) = \"nb\") } "
           "OPTIONAL { ?s dcterms:identifier ?id } BIND(STR(COALESCE(?l1, ?l2, ?id, \"\")) AS ?label) }")


def _sources(target: Any, codes: list[str], lang: str) -> dict[str, str]:
    """Each district's plan sources by SSB code, labels joined with '; '."""
    got: dict[str, set[str]] = {}
    for code, label in run_query_each(target, SOURCES, "wanted", codes, lang=lang).as_strings():
        if label:
            got.setdefault(code, set()).add(label)
    return {code: "; ".join(sorted(labels)) for code, labels in got.items()}


def _empty(profile: Rows, findings: Rows | None) -> ProfileData:
    return ProfileData(profile, "", [], [], [], [], findings)


def profile_data(target: Any, district: str, *, lang: str = "nb", findings: Rows | None = None) -> ProfileData:
    """The profile of ``district`` (name or SSB code); QueryError when the graph has no such district."""
    profile = rows(run_query(target, get_query("district"), {"district": district}, lang=lang))
    if not profile:
        from ..errors import QueryError

        raise QueryError(f"unknown district {district!r}", hint="use a name or SSB code")
    head = profile[0]
    if not head["plan"]:
        return _empty(profile, findings)
    code, name = head["code"], head["name"]
    return ProfileData(
        profile, _sources(target, [code], lang).get(code, ""),
        rows(run_query(target, get_query("measures"), {"district": code}, lang=lang)),
        *(_of(rows(run_query(target, get_query(q), lang=lang)), name) for q in ("standards", "themes", "gaps")),
        findings)


def _of(all_rows: Rows, name: str) -> Rows:
    return [r for r in all_rows if r["district"] == name]


def _by_district(all_rows: Rows) -> dict[str, Rows]:
    got: dict[str, Rows] = {}
    for r in all_rows:
        got.setdefault(r["district"], []).append(r)
    return got


def plan_district_codes(target: Any) -> list[str]:
    """The SSB codes of the districts that have a plan in the graph."""
    text = ("PREFIX rus: <https://w3id.org/rusgraph/ontology#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "SELECT DISTINCT ?code WHERE { ?p a rus:DistrictPlan ; rus:district ?d . ?d skos:notation ?c "
            "BIND(STR(?c) AS ?code) } ORDER BY ?code")
    return [r[0] for r in run_query(target, text).as_strings()]


def profiles_data(target: Any, *, lang: str = "nb", findings: dict[str, Rows] | None = None) -> dict[str, ProfileData]:
    """The profile of every district that has a plan, by SSB code, as :func:`profile_data`
    gives each, with each report run once. ``findings``: each district's findings by code
    (:func:`findings_by_district`), or None for a target that cannot validate here."""
    codes = plan_district_codes(target)
    by_code: dict[str, Rows] = {}
    for r in rows(run_query_each(target, get_query("district"), "district", codes, lang=lang)):
        by_code.setdefault(r["code"], []).append(r)
    sources = _sources(target, codes, lang)
    measures = _by_district(rows(run_query(target, get_query("measures"), lang=lang)))
    others = [_by_district(rows(run_query(target, get_query(q), lang=lang))) for q in ("standards", "themes", "gaps")]
    names = [prof[0]["name"] for prof in by_code.values()]
    out = {}
    for code, prof in by_code.items():
        head, found = prof[0], (findings or {}).get(code, []) if findings is not None else None
        if not head["plan"]:
            out[code] = _empty(prof, found)
        elif names.count(head["name"]) > 1 or (head["name"] not in measures and head["plan_measures"] != "0"):
            # the measures report names districts by label only: one the label cannot pick out
            # (shared, or not the one the district report gives) is read with its parameter
            out[code] = profile_data(target, code, lang=lang, findings=found)
        else:
            out[code] = ProfileData(prof, sources.get(code, ""), measures.get(head["name"], []),
                                    *(o.get(head["name"], []) for o in others), found)
    return out


# ------------------------------------------------------------------------ findings


def _records(kg: Any, found: list[Any], lang: str) -> list[tuple[str, dict[str, str]]]:
    """(district code, record) of each finding."""
    from ..validation.findings_text import items, rule_name

    names: dict[tuple[str, str], str] = {}  # a shape's name, looked up once

    def name(it: Any) -> str:
        key = (it.result.shape, it.result.message(lang))
        if key not in names:
            names[key] = rule_name(kg.shapes, key[0], lang, key[1])
        return names[key]

    return [(it.finding.district_code,
             {"severity": it.result.severity, "rule": name(it), "short": it.short, "place": it.place,
              "hint": it.hint or it.result.hint(lang)})
            for it in items(found, kg, lang)]


def district_findings(kg: Any, district: str, *, lang: str = "nb", report: Any = None) -> Rows:
    """The district's validation findings as a planner reads them: severity, the rule in
    plain words, the measure's number (or the place), and the fix hint. ``report``: a
    ValidationReport of ``kg`` already made (validated once for many districts)."""
    from ..validation.findings import findings, matches_district
    from ..validation.validator import validate

    report = report if report is not None else validate(kg)
    found = [f for f in findings(report, kg, lang=lang) if matches_district(f, district, kg)]
    return [record for _code, record in _records(kg, found, lang)]


def findings_by_district(kg: Any, *, lang: str = "nb", report: Any = None) -> dict[str, Rows]:
    """Every district's findings by SSB code, as :func:`district_findings` gives them for
    the code, from one pass over the report."""
    from ..validation.findings import findings
    from ..validation.validator import validate

    report = report if report is not None else validate(kg)
    grouped: dict[str, Rows] = {}
    for code, record in _records(kg, findings(report, kg, lang=lang), lang):
        if code:
            grouped.setdefault(code, []).append(record)
    return grouped
