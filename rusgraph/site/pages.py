"""The atlas's resource pages: one HTML page per measure, goal, strategy, standard, plan,
unit and other resource, in nb or en.

Owns: the page frame (header, search form, language switch, alternates), the text a reader
sees (nb and en; an English-only note is shown on the en page and pointed to from the nb
page, never put on it) and the body of each kind of page. It must not read the graph
(that is rusgraph.site.model), run queries or write files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any, Callable

from rdflib import Literal, URIRef

from .model import DCTERMS, GOAL_KINDS, ORG, PROV, RDF, RUS, SKOS, UP, Atlas
from .rdf import page_path, term_anchor

T: dict[str, dict[str, str]] = {
    "nb": {
        "site": "Ruskart: Oslos ruspolitiske planer", "search": "Søk", "searchHint": "tiltak, mål, standard, enhet",
        "other": "English", "stated": "uttalt", "curated": "kuratert", "kind": "type", "field": "felt",
        "value": "verdi", "links": "Koblinger oppover", "target": "kobler til", "basis": "grunnlag",
        "reason": "begrunnelse", "reasonEn": "begrunnelsen er skrevet på engelsk", "chain": "Kjeden oppover",
        "source": "Kilden", "sourceLines": "Linjene i planens tekst", "reading": "Slik vi leser den",
        "noSources": "Kildetekstene er ikke med i dette nettstedet (bygg med --sources).",
        "file": "fil", "lines": "linjer", "wording": "Planens ordlyd", "description": "Beskrivelse",
        "served": "Tiltak som tjener dette", "servedStated": "Gjennom uttalte koblinger alene",
        "servedCurated": "Bare gjennom en kuratert kobling", "none": "ingen", "noneDistricts": "Bydeler uten tiltak her",
        "allNone": "Alle bydeler med plan har minst ett tiltak her.", "below": "Kobler hit direkte",
        "props": "Alle egenskaper", "incoming": "Pekes på av", "measures": "Tiltak", "goals": "Mål i planen",
        "responsibleFor": "Ansvarlig for", "plans": "Planer",
        "alternates": "Maskinlesbart", "notes": "Merknader", "notesEn": "Merknadene er skrevet på engelsk",
        "en": "på den engelske siden", "index": "Forsiden", "reference": "Referanse",
        "ontology": "Ontologien", "shapes": "Reglene (SHACL)", "reports": "Rapportene", "district": "bydel",
        "stdsThemes": "Standarder og tema", "section": "Står under", "reaches": "Når opp til", "upper": "øvre nivå",
        "whole": "i hele teksten", "text": "Teksten slik den ble hentet ut",
    },
    "en": {
        "site": "Ruskart: Oslo's drug-policy plans", "search": "Search", "searchHint": "measure, goal, standard, unit",
        "other": "Norsk", "stated": "stated", "curated": "curated", "kind": "kind", "field": "field",
        "value": "value", "links": "Links upwards", "target": "links to", "basis": "basis", "reason": "reason",
        "reasonEn": "", "chain": "The chain upwards", "source": "Source", "sourceLines": "The lines of the plan's text",
        "reading": "Our reading", "noSources": "The source texts are not part of this site (build with --sources).",
        "file": "file", "lines": "lines", "wording": "The plan's wording", "description": "Description",
        "served": "Measures that serve this", "servedStated": "By stated links only",
        "servedCurated": "Only through a curated link", "none": "none", "noneDistricts": "Districts with no measure here",
        "allNone": "Every district with a plan has at least one measure here.", "below": "Links here directly",
        "props": "All properties", "incoming": "Pointed to by", "measures": "Measures", "goals": "Goals of the plan",
        "responsibleFor": "Responsible for", "plans": "Plans",
        "alternates": "Machine-readable", "notes": "Notes", "notesEn": "", "en": "",
        "index": "Home", "reference": "Reference", "ontology": "The ontology", "shapes": "The rules (SHACL)",
        "reports": "The reports", "district": "district", "stdsThemes": "Standards and themes", "section": "Stands under",
        "reaches": "Reaches", "upper": "upper level", "whole": "in the whole text", "text": "The text as extracted",
    },
}
KIND_NAMES = {
    "nb": {"measure": "tiltak", "district-goal": "mål i bydelsplan", "plan": "bydelsplan", "main-goal": "hovedmål",
           "strategy": "strategi", "district-strategy": "bydelens egen strategi", "city-goal": "mål i byens plan", "standard": "Oslostandard",
           "element": "element i Oslostandard", "national-goal": "nasjonalt mål", "focus-area": "innsatsområde",
           "national-plan": "nasjonal plan", "city-plan": "byens plan", "district": "bydel", "unit": "enhet",
           "theme": "tema", "source": "kildetekst", "resource": "ressurs"},
    "en": {"measure": "measure", "district-goal": "district goal", "plan": "district plan", "main-goal": "main goal",
           "strategy": "strategy", "district-strategy": "the district's own strategy", "city-goal": "city-plan goal", "standard": "Oslo standard",
           "element": "standard element", "national-goal": "national goal", "focus-area": "focus area",
           "national-plan": "national plan", "city-plan": "city plan", "district": "district", "unit": "unit",
           "theme": "theme", "source": "source text", "resource": "resource"},
}


@dataclass
class Page:
    """What the frame needs from one resource page's writer."""

    atlas: Atlas
    lang: str
    path: str  # site path without suffix
    sources: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    # shared by the pages of one language: each term's link, each node's chain
    memo: dict[Any, Any] = field(default_factory=dict)

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")

    @property
    def t(self) -> dict[str, str]:
        return T[self.lang]

    def href(self, term: Any) -> str | None:
        p = page_path(term)
        if p is not None and self.atlas.kind(term):
            return f"{self.root}{p}.{self.lang}.html"
        a = term_anchor(term)
        if a:
            return f"{self.root}{a[0]}.{self.lang}.html#{a[1]}"
        return None

    def link(self, term: Any) -> str:
        known = self.memo.get(term)
        if known is None:
            text = escape(self.atlas.label(term, self.lang))
            lang = self.atlas.label_lang(term, self.lang)
            attr = f' lang="{lang}"' if lang and lang != self.lang else ""
            p = page_path(term)
            if p is not None and self.atlas.kind(term):
                rel: str | None = f"{p}.{self.lang}.html"
            else:
                a = term_anchor(term)
                rel = f"{a[0]}.{self.lang}.html#{a[1]}" if a else None
            known = self.memo[term] = (escape(rel) if rel else None, text, attr)
        rel, text, attr = known
        return f'<a href="{self.root}{rel}"{attr}>{text}</a>' if rel else f"<span{attr}>{text}</span>"

    def kind_name(self, term: Any) -> str:
        return KIND_NAMES[self.lang].get(self.atlas.kind(term) or "resource", "")

    def show(self, value: Any) -> str:
        if isinstance(value, Literal):
            lang = f' lang="{value.language}"' if value.language and value.language != self.lang else ""
            return f"<span{lang}>{escape(str(value))}</span>"
        return self.link(value)


def frame(pg: Page, title: str, body: str, *, kind: str = "", alternates: bool = True,
          title_lang: str = "") -> str:
    t, root, other = pg.t, pg.root, "en" if pg.lang == "nb" else "nb"
    stem = pg.path.rsplit("/", 1)[-1]
    alt = ""
    alt_links = ""
    if alternates:
        alt = (f'<link rel="alternate" type="text/turtle" href="{escape(stem)}.ttl">'
               f'<link rel="alternate" type="application/ld+json" href="{escape(stem)}.jsonld">')
        alt_links = (f'<p class="alt">{t["alternates"]}: <a href="{escape(stem)}.ttl" type="text/turtle">Turtle</a> · '
                     f'<a href="{escape(stem)}.jsonld" type="application/ld+json">JSON-LD</a></p>')
    tl = f' lang="{title_lang}"' if title_lang and title_lang != pg.lang else ""
    return (
        f'<!doctype html>\n<html lang="{pg.lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} – {escape(t['site'])}</title>"
        f'<link rel="stylesheet" href="{root}assets/site.css">'
        f'<link rel="alternate" hreflang="{other}" href="{escape(stem)}.{other}.html">{alt}</head>'
        f'<body><header><nav aria-label="{t["site"]}"><a class="home" href="{root}index.{pg.lang}.html">'
        f'{escape(t["site"])}</a>'
        f'<form class="search" role="search" action="{root}search.{pg.lang}.html" method="get">'
        f'<label for="q">{t["search"]}</label><input id="q" name="q" type="search" placeholder="{t["searchHint"]}">'
        f'<button type="submit">{t["search"]}</button></form>'
        f'<a class="lang" id="lang-switch" hreflang="{other}" lang="{other}" href="{escape(stem)}.{other}.html">'
        f'{t["other"]}</a></nav></header>'
        f'<main><p class="kind">{escape(kind)}</p><h1{tl}>{escape(title)}</h1>{body}{alt_links}</main>'
        f'<footer><a href="{root}ontology.{pg.lang}.html">{t["ontology"]}</a> · '
        f'<a href="{root}shapes.{pg.lang}.html">{t["shapes"]}</a> · '
        f'<a href="{root}reports.{pg.lang}.html">{t["reports"]}</a></footer></body></html>\n')


# --------------------------------------------------------------------------- pieces


def _rows(pg: Page, pairs: list[tuple[str, str]]) -> str:
    body = "".join(f'<tr><th scope="row">{escape(k)}</th><td>{v}</td></tr>' for k, v in pairs if v)
    return f'<table class="fields"><tbody>{body}</tbody></table>' if body else ""


def _list(pg: Page, items: list[Any], cls: str = "") -> str:
    if not items:
        return f"<p>{pg.t['none']}</p>"
    c = f' class="{cls}"' if cls else ""
    return f"<ul{c}>" + "".join(f"<li>{pg.link(i)}</li>" for i in items) + "</ul>"


def basis_tag(pg: Page, stated: bool) -> str:
    cls, word = ("stated", pg.t["stated"]) if stated else ("curated", pg.t["curated"])
    return f'<span class="basis {cls}">{word}</span>'


def _reason(pg: Page, reason: Any, anchor: str) -> str:
    if reason is None:
        return ""
    if isinstance(reason, Literal) and reason.language not in (None, pg.lang):
        if pg.lang == "nb":  # no English sentence on an nb page: point to the en page
            stem = pg.path.rsplit("/", 1)[-1]
            return f'<a href="{escape(stem)}.en.html#{anchor}">{pg.t["reasonEn"]}</a>'
    return escape(str(reason))


def links_table(pg: Page, s: Any) -> str:
    t = pg.t
    rows = []
    for i, ln in enumerate(pg.atlas.links(s)):
        anchor = f"link-{i + 1}"
        rows.append(f'<tr id="{anchor}"><td>{pg.link(ln.target)}</td><td>{escape(pg.kind_name(ln.target))}</td>'
                    f"<td>{basis_tag(pg, ln.stated)}</td><td>{_reason(pg, ln.reason, anchor)}</td></tr>")
    if not rows:
        return ""
    return (f'<h2>{t["links"]}</h2><table class="links"><thead><tr><th>{t["target"]}</th><th>{t["kind"]}</th>'
            f'<th>{t["basis"]}</th><th>{t["reason"]}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def chain(pg: Page, s: Any, depth: int = 0, seen: frozenset = frozenset()) -> str:
    """The upward links as a nested list, each step marked stated or curated. A node's list
    is the same on every page at one depth of the tree, so it is made once."""
    if depth > 8:
        return ""
    key = ("chain", s, pg.root) if depth else None
    if key in pg.memo:
        return pg.memo[key]
    items = []
    for ln in pg.atlas.links(s):
        if ln.target in seen:
            continue
        sub = chain(pg, ln.target, depth + 1, seen | {s})
        items.append(f"<li>{basis_tag(pg, ln.stated)} {pg.link(ln.target)} "
                     f'<small>({escape(pg.kind_name(ln.target))})</small>{sub}</li>')
    html = f"<ul class=\"chain\">{''.join(items)}</ul>" if items else ""
    if key:
        pg.memo[key] = html
    return html


REACHED = ("strategy", "district-strategy", "main-goal", "national-goal", "focus-area", "standard")


def reaches(pg: Page, m: Any) -> str:
    """What the measure reaches at the upper levels, each with the basis of its best chain:
    stated when some chain of stated links alone reaches it, else curated (as the reports count)."""
    got = [(t, st) for t, st in pg.atlas.reach.get(m, {}).items() if pg.atlas.kind(t) in REACHED]
    if not got:
        return ""
    got.sort(key=lambda ts: (REACHED.index(pg.atlas.kind(ts[0]) or ""), pg.atlas.sort_key(ts[0])))
    rows = "".join(f"<tr><td>{pg.link(t)}</td><td>{escape(pg.kind_name(t))}</td><td>{basis_tag(pg, st)}</td></tr>"
                   for t, st in got)
    return (f'<h2>{pg.t["reaches"]}</h2><table class="reaches"><thead><tr><th>{pg.t["upper"]}</th>'
            f'<th>{pg.t["kind"]}</th><th>{pg.t["basis"]}</th></tr></thead><tbody>{rows}</tbody></table>')


def notes(pg: Page, s: Any) -> str:
    vals = pg.atlas.values(s, SKOS.editorialNote)
    if not vals:
        return ""
    mine = [v for v in vals if getattr(v, "language", None) in (None, pg.lang)]
    if not mine:
        stem = pg.path.rsplit("/", 1)[-1]
        return f'<h2>{pg.t["notes"]}</h2><p><a href="{escape(stem)}.en.html#notes">{pg.t["notesEn"]}</a></p>'
    return f'<h2 id="notes">{pg.t["notes"]}</h2>' + "".join(f"<p>{escape(str(v))}</p>" for v in mine)


def all_properties(pg: Page, s: Any) -> str:
    rows = []
    for p, objs in sorted(pg.atlas.out.get(s, {}).items(), key=lambda kv: str(kv[0])):
        shown = [o for o in objs if not (isinstance(o, Literal) and o.language not in (None, pg.lang))]
        shown = [o for o in shown if not (p == RUS.qualifiedLink)]
        if shown:
            rows.append(f'<tr><th scope="row">{pg.link(p)}</th><td>{"; ".join(pg.show(o) for o in shown)}</td></tr>')
    return (f'<details class="props"><summary>{pg.t["props"]}</summary><table class="fields"><tbody>'
            f'{"".join(rows)}</tbody></table></details>')


def source_block(pg: Page, s: Any, wording: str) -> str:
    """The source file and lines, and with the texts given the lines themselves beside
    the plan's wording as we read it."""
    t, a = pg.t, pg.atlas
    doc = a.value(s, PROV.wasDerivedFrom)
    start, end = a.value(s, RUS.sourceLineStart), a.value(s, RUS.sourceLineEnd)
    if doc is None or start is None:
        return ""
    name = str(a.value(doc, DCTERMS.identifier) or a.label(doc, pg.lang))
    first, last = int(start), int(end if end is not None else start)
    head = (f'<h2 id="source">{t["source"]}</h2><p class="where">{t["file"]} <code>{escape(name)}</code>, '
            f'{t["lines"]} {first}–{last}</p>')
    lines = pg.sources.get(name)
    if lines is None:
        return head + f'<p class="nosource">{t["noSources"]}</p>'
    quoted = "".join(f'<span class="ln" data-line="{n}">{n}</span>{escape(lines[n - 1])}\n'
                     for n in range(first, min(last, len(lines)) + 1))
    whole = pg.href(doc)
    if whole:
        head = head.replace("</p>", f' (<a href="{escape(whole)}#L{first}">{t["whole"]}</a>)</p>', 1)
    return (head + f'<div class="quote"><figure><figcaption>{t["sourceLines"]}</figcaption>'
            f'<pre id="source-lines" lang="nb" data-file="{escape(name)}" data-first="{first}" data-last="{last}">'
            f'{quoted}</pre></figure><figure><figcaption>{t["reading"]}</figcaption>'
            f'<blockquote lang="nb">{escape(wording)}</blockquote></figure></div>')


# ---------------------------------------------------------------------------- bodies


def measure_body(pg: Page, m: URIRef) -> str:
    a, t = pg.atlas, pg.t
    text = a.text(m, RUS.measureText, "nb") or a.label(m, "nb")
    desc = a.text(m, DCTERMS.description, "nb")
    plan = a.value(m, RUS.inPlan)
    fields = [
        (KIND_NAMES[pg.lang]["plan"], pg.link(plan) if plan else ""),
        (t["district"], ", ".join(pg.link(d) for d in a.values(m, RUS.district))),
        ("nr." if pg.lang == "nb" else "no.", escape(str(a.value(m, RUS.localNumber) or a.value(m, RUS.sequence) or ""))),
        (t["section"], ", ".join(pg.link(x) for x in a.values(m, RUS.inSection))),
        ("plassert under" if pg.lang == "nb" else "placed under", ", ".join(pg.link(x) for x in a.values(m, RUS.placedUnder))),
        ("ansvarlig (som skrevet)" if pg.lang == "nb" else "responsible (as written)",
         escape(str(a.value(m, RUS.responsibleText) or ""))),
        ("ansvarlige enheter" if pg.lang == "nb" else "responsible units",
         ", ".join(pg.link(u) for u in a.values(m, RUS.responsibleUnit))),
        ("frist" if pg.lang == "nb" else "deadline", escape(str(a.value(m, RUS.deadlineText) or ""))),
        ("status", escape(str(a.value(m, RUS.statusText) or ""))),
        ("risiko" if pg.lang == "nb" else "risk", escape(str(a.value(m, RUS.riskText) or ""))),
        ("tema" if pg.lang == "nb" else "themes", ", ".join(pg.link(x) for x in a.values(m, DCTERMS.subject))),
        ("aktiviteter" if pg.lang == "nb" else "activities",
         "<br>".join(f'<span lang="nb">{escape(str(x))}</span>' for x in a.values(m, RUS.activity))),
    ]
    parts = [f'<h2>{t["wording"]}</h2><blockquote class="wording" lang="nb">{escape(str(text))}</blockquote>']
    if desc:
        parts.append(f'<h2>{t["description"]}</h2><p lang="nb">{escape(str(desc))}</p>')
    parts += [_rows(pg, fields), links_table(pg, m), f'<h2>{t["chain"]}</h2>{chain(pg, m)}', reaches(pg, m),
              source_block(pg, m, str(text)), notes(pg, m), all_properties(pg, m)]
    return "".join(parts)


def _district_names(pg: Page, measures: list[URIRef]) -> dict[Any, list[URIRef]]:
    by: dict[Any, list[URIRef]] = {}
    for m in measures:
        for d in pg.atlas.values(m, RUS.district) or [None]:
            by.setdefault(d, []).append(m)
    return by


def served_block(pg: Page, s: URIRef, districts: list[URIRef]) -> str:
    """The measures that reach ``s``, stated and curated apart and grouped by district, and
    the districts (of those with a plan) that have none."""
    t = pg.t
    stated, curated = pg.atlas.measures_of(s)
    out = [f'<h2>{t["served"]}</h2>']
    for key, ms, cls in (("servedStated", stated, "stated"), ("servedCurated", curated, "curated")):
        out.append(f'<section class="served {cls}"><h3>{t[key]} ({len(ms)})</h3>')
        for d, dm in sorted(_district_names(pg, ms).items(), key=lambda kv: pg.atlas.label(kv[0], pg.lang)):
            out.append(f"<h4>{pg.link(d) if d is not None else ''} ({len(dm)})</h4>{_list(pg, dm)}")
        out.append("</section>")
    reached = {d for m in stated + curated for d in pg.atlas.values(m, RUS.district)}
    missing = [d for d in districts if d not in reached]
    out.append(f'<h3 id="no-measure">{t["noneDistricts"]} ({len(missing)})</h3>')
    out.append(_list(pg, missing, "none") if missing else f"<p>{t['allNone']}</p>")
    return "".join(out)


def below_block(pg: Page, s: URIRef) -> str:
    items = []
    for p in UP:
        for x in pg.atlas.members(s, p):
            if pg.atlas.kind(x) != "measure":
                items.append(f"<li>{basis_tag(pg, p in (RUS.statedContributesTo, RUS.statedImplementsStandard, RUS.elementOf))} "
                             f"{pg.link(x)} <small>({escape(pg.kind_name(x))})</small></li>")
    return f'<h2>{pg.t["below"]}</h2><ul class="chain">{"".join(items)}</ul>' if items else ""


def goal_body(pg: Page, g: URIRef) -> str:
    a = pg.atlas
    desc = a.text(g, SKOS.definition, pg.lang) or a.text(g, DCTERMS.description, pg.lang)
    fields = [("kode" if pg.lang == "nb" else "code", escape(str(a.value(g, SKOS.notation) or ""))),
              ("i" if pg.lang == "nb" else "in", ", ".join(pg.link(x) for x in dict.fromkeys(
                  a.values(g, SKOS.inScheme) + a.values(g, DCTERMS.isPartOf) + a.values(g, RUS.inPlan))))]
    parts = [f"<p>{pg.show(desc)}</p>" if desc else "", _rows(pg, fields), links_table(pg, g),
             below_block(pg, g)]
    if a.kind(g) == "district-goal":
        stated, curated = a.measures_of(g)
        parts.append(f'<h2>{pg.t["measures"]}</h2>{_list(pg, stated + curated)}')
    else:
        parts.append(served_block(pg, g, pg.extra.get("districts", [])))
    parts += [notes(pg, g), all_properties(pg, g)]
    return "".join(parts)


def plan_body(pg: Page, plan: URIRef, profile: Any = None) -> str:
    """A district plan: the printable district profile (``profile``, made by
    rusgraph.reports.district_page.district_profile with the measures linked), then the
    plan's goals, links and properties. Without a profile (a district the reports cannot
    name) its measures under the headings they stand under."""
    a, t = pg.atlas, pg.t
    members = a.members(plan, RUS.inPlan)
    goals = [g for g in members if a.kind(g) == "district-goal"]
    fields = [(t["district"], ", ".join(pg.link(d) for d in a.values(plan, RUS.district))),
              (t["source"], ", ".join(pg.link(d) for d in a.values(plan, DCTERMS.source)))]
    parts = [_rows(pg, fields)]
    if profile is not None:
        parts.append(f'<div class="district-profile">{profile.body}</div>')
    else:
        ms = [m for m in members if a.kind(m) == "measure"]
        by_section: dict[Any, list[URIRef]] = {}
        for m in ms:
            by_section.setdefault(a.value(m, RUS.inSection), []).append(m)
        parts.append(f'<h2>{t["measures"]} ({len(ms)})</h2>')
        for sec, sm in by_section.items():
            if sec is not None:
                parts.append(f"<h3>{pg.link(sec)}</h3>")
            parts.append(_list(pg, sm, "measures"))
    parts += [f'<h2>{t["goals"]} ({len(goals)})</h2>', _list(pg, goals), links_table(pg, plan),
              notes(pg, plan), all_properties(pg, plan)]
    return "".join(parts)


def unit_body(pg: Page, u: URIRef) -> str:
    a = pg.atlas
    ms = a.members(u, RUS.responsibleUnit)
    parts = [_rows(pg, [("del av" if pg.lang == "nb" else "part of", ", ".join(pg.link(x) for x in a.values(u, ORG.unitOf)))]),
             f'<h2>{pg.t["responsibleFor"]} ({len(ms)})</h2>{_list(pg, ms)}']
    plans = a.members(u, RUS.district)
    plans = [p for p in plans if a.kind(p) == "plan"]
    if plans:
        parts.append(f'<h2>{pg.t["plans"]}</h2>{_list(pg, plans)}')
    parts += [notes(pg, u), all_properties(pg, u)]
    return "".join(parts)


def source_body(pg: Page, doc: URIRef) -> str:
    """A source text whole, each line with its number as an anchor (#L908), when given."""
    name = str(pg.atlas.value(doc, DCTERMS.identifier) or "")
    lines = pg.sources.get(name)
    if lines is None:
        return f'<p class="nosource">{pg.t["noSources"]}</p>' + resource_body(pg, doc)
    text = "".join(f'<span class="ln" id="L{n}">{n}</span>{escape(line)}\n' for n, line in enumerate(lines, 1))
    return (f'<p class="where">{pg.t["file"]} <code>{escape(name)}</code>, {len(lines)} {pg.t["lines"]}</p>'
            f'<h2>{pg.t["text"]}</h2><pre class="source" lang="nb">{text}</pre>' + resource_body(pg, doc))


def resource_body(pg: Page, s: URIRef) -> str:
    a = pg.atlas
    incoming = sorted({x for p, xs in a.inc.get(s, {}).items() if p != RDF.type for x in xs if a.kind(x)},
                      key=a.sort_key)
    parts = [all_properties(pg, s).replace("<details", "<details open", 1), notes(pg, s)]
    if incoming:
        parts.append(f'<h2>{pg.t["incoming"]} ({len(incoming)})</h2>{_list(pg, incoming[:2000])}')
    return "".join(parts)


BODIES: dict[str, Callable[[Page, URIRef], str]] = {
    "measure": measure_body, "unit": unit_body, "district": unit_body, "source": source_body,
    **{k: goal_body for k in (*GOAL_KINDS, "district-goal")},
}
