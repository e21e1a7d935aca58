"""One printable page per district: what a planner hands to the director.

Owns: ``rusgraph report district --param district=X --format html``: the plan, its period
and source; measures per strategy (placed by the plan, traced by stated links alone, or only
through a curated link); the measures grouped by the strategy the plan puts them under, with
responsible, deadline, status and risk as written; the Oslo standards and themes; the city
goals the district has no measure for; and the validation findings in the planner's words.
Everything in ``--lang`` (nb or en), with no variable names or IRIs, and an A4 print
stylesheet. :func:`district_profile` makes the profile's content from the reports' rows
(rusgraph.reports.district_data): this page wraps it in a document of its own, and the atlas
(rusgraph.site) puts the same content in its frame, with its measures linked and this
stylesheet scoped to it (:func:`scoped_css`). It must not query the graph itself (the page
says what the reports say) nor write files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any, Callable

from .district_data import ProfileData, district_findings, profile_data

__all__ = ["Profile", "district_profile", "district_page", "district_findings", "scoped_css", "CSS", "W"]

W = {
    "nb": {
        "plan": "Plan", "period": "Periode", "source": "Kilde", "measures": "tiltak", "no_plan":
        "Bydelen har ingen plan i grafen.",
        "counts": "Tiltak per strategi", "strategy": "Strategi", "placed": "Plassert av planen",
        "stated": "Uttalt", "curated": "Bare kuratert", "total": "Til sammen",
        "counts_note": "Plassert: rader planen selv setter under strategiens overskrift. Uttalt: tiltak som når "
                       "strategien gjennom koblinger planen selv uttaler. Bare kuratert: tiltak som bare når den "
                       "gjennom minst én kobling vi har lagt inn (kuratert). Et tiltak kan telle under flere "
                       "strategier.",
        "list": "Tiltakene", "no": "Nr", "measure": "Tiltak", "responsible": "Ansvarlig", "deadline": "Frist",
        "status": "Status", "risk": "Risiko", "unplaced": "Ikke plassert under en strategi i planen",
        "traces": "spores til", "std_themes": "Oslostandarder og temaer", "standard": "Oslostandard",
        "theme": "Tema", "none_std": "Ingen tiltak følger en Oslostandard.", "none_theme": "Ingen tiltak har tema.",
        "gaps": "Mål i byens plan uten tiltak", "gaps_none": "Mål som gjelder bydelene, og som ingen av bydelens "
        "tiltak når:", "gaps_curated": "Mål som tiltakene bare når gjennom kuraterte koblinger:",
        "outside": "Utenfor strategiene",
        "gaps_all": "Alle mål i byens plan som gjelder bydelene, nås gjennom uttalte koblinger.",
        "findings": "Funn fra valideringen", "findings_none": "Ingen funn: planen følger reglene.",
        "findings_remote": "Valideringen kjøres lokalt: bruk rusgraph validate --endpoint.",
        "rows": "tiltak", "made": "Laget med rusgraph fra grafens data; tallene er de samme som i rapportene "
                                   "coverage, measures, standards, themes og gaps.",
        "severity": {"Violation": "brudd", "Warning": "advarsel", "Info": "merknad"},
    },
    "en": {
        "plan": "Plan", "period": "Period", "source": "Source", "measures": "measures", "no_plan":
        "The district has no plan in the graph.",
        "counts": "Measures by strategy", "strategy": "Strategy", "placed": "Placed by the plan",
        "stated": "Stated", "curated": "Curated only", "total": "Total",
        "counts_note": "Placed: rows the plan itself puts under the strategy's heading. Stated: measures that reach "
                       "the strategy through links the plan itself states. Curated only: measures that reach it "
                       "only through at least one link we added (curated). A measure can count under several "
                       "strategies.",
        "list": "The measures", "no": "No.", "measure": "Measure", "responsible": "Responsible",
        "deadline": "Deadline", "status": "Status", "risk": "Risk",
        "unplaced": "Not placed under a strategy by the plan", "traces": "traces to",
        "std_themes": "Oslo standards and themes", "standard": "Oslo standard", "theme": "Theme",
        "none_std": "No measure follows an Oslo standard.", "none_theme": "No measure has a theme.",
        "gaps": "City-plan goals without a measure", "gaps_none": "Goals that fall to the districts and that no "
        "measure of the district reaches:", "gaps_curated": "Goals the measures reach only through curated links:",
        "outside": "Outside the strategies",
        "gaps_all": "Every city-plan goal that falls to the districts is reached through stated links.",
        "findings": "Validation findings", "findings_none": "No findings: the plan follows the rules.",
        "findings_remote": "Validation runs locally: use rusgraph validate --endpoint.",
        "rows": "measures", "made": "Made by rusgraph from the graph's data; the numbers are those of the "
                                    "coverage, measures, standards, themes and gaps reports.",
        "severity": {"Violation": "violation", "Warning": "warning", "Info": "note"},
    },
}

CSS = """
@page{size:A4;margin:14mm 12mm}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330;margin:1.5rem auto;
max-width:60rem;font-size:10.5pt;line-height:1.35}
h1{font-size:1.45rem;margin:0 0 .2rem} h2{font-size:1.1rem;margin:1.4rem 0 .4rem;border-bottom:2px solid #1f5ea8;
padding-bottom:.15rem} h3{font-size:.98rem;margin:1rem 0 .3rem;color:#1f5ea8}
p.meta{color:#5b6475;margin:.1rem 0} p.note{color:#5b6475;font-size:.85em;max-width:55rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .6rem;font-size:.9em}
table.measures{table-layout:fixed;overflow-wrap:anywhere}
th,td{border:1px solid #d5d9e0;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f2f4f7} td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.zero{color:#a12a1f;font-weight:600} td.text b{display:block} td.text span{color:#3b4252;font-size:.92em}
td.text small{display:block;color:#5b6475} ul{margin:.2rem 0 .6rem 1.2rem;padding:0} li{margin:.1rem 0}
.cols{display:flex;gap:1.5rem}.cols>div{flex:1}
.sev-Violation{color:#a12a1f;font-weight:700}.sev-Warning{color:#8a5a00;font-weight:700}.sev-Info{color:#5b6475}
footer{margin-top:1.5rem;color:#5b6475;font-size:.8em}
@media print{body{margin:0;max-width:none;font-size:9.5pt} h2{break-after:avoid} tr,li{break-inside:avoid}
thead{display:table-header-group}}
"""


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def _natural(text: str) -> tuple:
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", text))


@dataclass(frozen=True)
class Profile:
    """A district profile's content: ``title`` (the district and its plan, the page's
    heading) and ``body``, the HTML below the heading."""

    title: str
    body: str


MeasureHref = Callable[[dict[str, str]], "str | None"]


def district_profile(data: ProfileData, *, lang: str = "nb", measure_href: MeasureHref | None = None) -> Profile:
    """The profile of one district from its reports' rows. ``measure_href``: for a measures
    report row, the address of the measure's own page to link its text to (the atlas), or None."""
    w = W.get(lang, W["en"])
    head = data.profile[0]
    name = head["name"]
    if not head["plan"]:
        return Profile(name, f"<p class=\"meta\">{escape(w['no_plan'])}</p>")
    meta = [f"{w['period']}: {head['period'] or '–'}", f"{head['plan_measures']} {w['measures']}"]
    if data.source:
        meta.append(f"{w['source']}: {data.source}")
    parts = [f"<p class=\"meta\">{escape(' · '.join(meta))}</p>", _counts(data.profile, w),
             _measures(data.measures, w, measure_href), _standards_themes(data, w), _gaps(data.gaps, w),
             _findings(data.findings, w), f"<footer>{escape(w['made'])}</footer>"]
    return Profile(f"{name}: {head['plan']}", "".join(parts))


def district_page(target: Any, district: str, *, lang: str = "nb", findings: Any = None) -> str:
    """The page for ``district`` (name or SSB code). ``findings``: the district's validation
    findings (:func:`district_findings`), or None for a target that cannot validate here."""
    profile = district_profile(profile_data(target, district, lang=lang, findings=findings), lang=lang)
    return _page(profile.title, f"<h1>{escape(profile.title)}</h1>{profile.body}", lang)


def _page(title: str, body: str, lang: str) -> str:
    return (f'<!doctype html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n")


def scoped_css(scope: str) -> str:
    """This page's stylesheet for its content placed inside ``scope`` (a selector) on
    another page: every rule's selectors prefixed with it; the rules for the page itself
    (``@page``, ``body``) are left to the page around it."""
    out = []
    for head, inner in _blocks(CSS):
        if head.startswith("@media"):
            out.append(f"{head}{{{scoped_rules(inner, scope)}}}")
        elif not head.startswith("@"):
            out.append(scoped_rules(f"{head}{{{inner}}}", scope))
    return "\n".join(o for o in out if o)


def scoped_rules(css: str, scope: str) -> str:
    got = []
    for head, inner in _blocks(css):
        sels = [sel.strip() for sel in head.split(",")]
        sels = [f"{scope} {sel}" for sel in sels if sel and sel != "body"]
        if sels:
            got.append(f"{','.join(sels)}{{{inner}}}")
        # a nested block other than @media does not occur in CSS above
    return "".join(got)


def _blocks(css: str) -> list[tuple[str, str]]:
    """(prelude, contents) of each top-level block of ``css``."""
    got, depth, start, head = [], 0, 0, ""
    for i, ch in enumerate(css):
        if ch == "{":
            if depth == 0:
                head, start = css[start:i].strip(), i + 1
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                got.append((head, css[start:i]))
                start = i + 1
    return got


def _counts(profile: list[dict[str, str]], w: dict[str, Any]) -> str:
    head = "".join(f"<th>{escape(w[k])}</th>" for k in ("strategy", "placed", "stated", "curated", "total"))
    body = []
    for r in profile:
        cells = "".join(f'<td class="n{" zero" if _int(r[k]) == 0 and k == "measures" else ""}">{escape(r[k])}</td>'
                        for k in ("placed", "stated", "curated", "measures"))
        body.append(f"<tr><td>{escape(r['strategy'])}</td>{cells}</tr>")
    return (f"<h2>{escape(w['counts'])}</h2><table class=\"counts\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table><p class=\"note\">{escape(w['counts_note'])}</p>")


_COLGROUP = ('<colgroup><col style="width:4%"><col style="width:48%"><col style="width:21%"><col style="width:10%">'
             '<col style="width:9%"><col style="width:8%"></colgroup>')


def _measures(measures: list[dict[str, str]], w: dict[str, Any], href: MeasureHref | None = None) -> str:
    groups: dict[str, list[dict[str, str]]] = {}
    for m in measures:
        groups.setdefault(m.get("placed") or "", []).append(m)
    out = [f"<h2>{escape(w['list'])}</h2>"]
    cols = "".join(f"<th>{escape(w[k])}</th>" for k in ("no", "measure", "responsible", "deadline", "status", "risk"))
    for placed in sorted(groups, key=lambda g: (g == "", g)):
        heading = placed or w["unplaced"]
        out.append(f"<h3>{escape(heading)} ({len(groups[placed])})</h3>")
        rows = []
        for m in sorted(groups[placed], key=lambda m: _natural(m["measure_id"])):
            text = m["measure"]
            label = m.get("label") or ""
            shown = f"<b>{escape(label)}</b>" if label and label != text else ""
            shown += f"<span>{escape(text).replace(chr(10), '<br>')}</span>"
            link = href(m) if href else None
            if link:
                shown = f'<a href="{escape(link)}">{shown}</a>'
            if not placed and m.get("strategy"):
                shown += f"<small>{escape(w['traces'])}: {escape(m['strategy'])}</small>"
            cells = "".join(f"<td>{escape(m.get(k) or '')}</td>" for k in ("responsible", "deadline", "status", "risk"))
            rows.append(f"<tr><td class=\"n\">{escape(m['measure_id'])}</td><td class=\"text\">{shown}</td>{cells}</tr>")
        out.append(f"<table class=\"measures\">{_COLGROUP}<thead><tr>{cols}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return "".join(out)


def _standards_themes(data: ProfileData, w: dict[str, Any]) -> str:
    std = [r for r in data.standards if _int(r["measures"]) > 0]
    themes = [r for r in data.themes if _int(r["measures"]) > 0]
    std_items = "".join(f"<li>{escape(r['standard'])}: {escape(r['measures'])} {escape(w['rows'])} "
                        f"({escape(w['stated'].lower())} {escape(r['stated'])}, {escape(w['curated'].lower())} "
                        f"{escape(r['curated'])})</li>" for r in sorted(std, key=lambda r: r["standard"]))
    theme_items = "".join(f"<li>{escape(r['theme'])}: {escape(r['measures'])}</li>"
                          for r in sorted(themes, key=lambda r: (-_int(r["measures"]), r["theme"])))
    left = f"<ul>{std_items}</ul>" if std_items else f"<p>{escape(w['none_std'])}</p>"
    right = f"<ul>{theme_items}</ul>" if theme_items else f"<p>{escape(w['none_theme'])}</p>"
    return (f"<h2>{escape(w['std_themes'])}</h2><div class=\"cols\"><div><h3>{escape(w['standard'])}</h3>{left}</div>"
            f"<div><h3>{escape(w['theme'])}</h3>{right}</div></div>")


def _gaps(rows: list[dict[str, str]], w: dict[str, Any]) -> str:
    none = [r for r in rows if _int(r["curated"]) == 0]
    curated = [r for r in rows if _int(r["curated"]) > 0]
    out = [f"<h2>{escape(w['gaps'])}</h2>"]
    if not rows:
        out.append(f"<p>{escape(w['gaps_all'])}</p>")
    for intro, items, with_count in ((w["gaps_none"], none, False), (w["gaps_curated"], curated, True)):
        if not items:
            continue
        by_strategy: dict[str, list[str]] = {}
        for r in items:
            goal = r["goal"] + (f" ({r['curated']} {w['rows']})" if with_count else "")
            by_strategy.setdefault(r.get("strategy") or "", []).append(goal)
        lis = "".join(f"<li><b>{escape(st or w['outside'])}</b> ({len(goals)}): {escape('; '.join(sorted(goals)))}</li>"
                      for st, goals in sorted(by_strategy.items()))
        out.append(f"<p>{escape(intro)}</p><ul class=\"gaps\">{lis}</ul>")
    return "".join(out)


def _findings(records: list[dict[str, str]] | None, w: dict[str, Any]) -> str:
    from ..validation.results import SEVERITIES

    out = [f"<h2>{escape(w['findings'])}</h2>"]
    if records is None:
        return "".join([*out, f"<p>{escape(w['findings_remote'])}</p>"])
    if not records:
        return "".join([*out, f"<p>{escape(w['findings_none'])}</p>"])
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in records:
        groups.setdefault((r["severity"], r["rule"]), []).append(r)
    lis = []
    for (severity, rule), rs in sorted(groups.items(), key=lambda kv: (SEVERITIES.index(kv[0][0]), -len(kv[1]), kv[0][1])):
        shorts = [r["short"] for r in rs if r["short"]]
        where = (f"{escape(w['measure'])} " + ", ".join(escape(s) for s in sorted(shorts, key=_natural))) \
            if len(shorts) == len(rs) else "; ".join(escape(r["place"]) for r in rs)
        hints = {r["hint"] for r in rs if r["hint"]}
        hint = "<br><small>" + "<br>".join(escape(h) for h in sorted(hints)) + "</small>" if hints else ""
        lis.append(f'<li><span class="sev-{escape(severity)}">{escape(w["severity"][severity])}</span>: '
                   f"<b>{escape(rule)}</b> ({len(rs)}): {where}.{hint}</li>")
    out.append(f"<ul class=\"findings\">{''.join(lis)}</ul>")
    return "".join(out)
