"""The atlas's reference pages, generated from the bundled files: the ontology, the shapes
(the rules in planners' words), the report catalogue, and the list of units.

Owns: what each reference page says in nb and en. An English-only definition or comment is
shown on the en page only. It must not run reports or write files.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .pages import Page
from ..graph.namespaces import ORG, RUS, SH

SEVERITY = {"nb": {SH.Violation: "brudd", SH.Warning: "advarsel", SH.Info: "merknad"},
            "en": {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}}
W = {
    "nb": {"ontology": "Ontologien", "classes": "Klasser", "properties": "Egenskaper", "domain": "domene",
           "range": "verdiområde", "super": "underordnet", "examples": "eksempler fra dataene",
           "defEn": "definisjonen er skrevet på engelsk", "shapes": "Reglene (SHACL)", "severity": "alvorlighet",
           "checks": "hva den sjekker", "fix": "slik retter du det", "message": "meldingen",
           "failing": "et eksempel som bryter regelen", "path": "egenskap", "target": "gjelder",
           "reports": "Rapportene", "question": "spørsmål", "columns": "kolonner", "params": "parametere",
           "basis": "hva tallene bygger på", "required": "påkrevd", "optional": "valgfri", "none": "ingen",
           "units": "Enheter", "commentEn": "forklaringen er skrevet på engelsk", "label": "navn",
           "intro": "Alle klasser og egenskaper i rusgraph-ontologien, med eksempler fra dataene.",
           "shapesIntro": "Reglene som rusgraph validate sjekker planene mot, med alvorlighet og et eksempel som bryter hver regel.",
           "reportsIntro": "De ferdige rapportene (rusgraph report NAVN): spørsmålet, kolonnene, parameterne og SPARQL-spørringen."},
    "en": {"ontology": "The ontology", "classes": "Classes", "properties": "Properties", "domain": "domain",
           "range": "range", "super": "sub-class or sub-property of", "examples": "examples from the data",
           "defEn": "", "shapes": "The rules (SHACL)", "severity": "severity", "checks": "what it checks",
           "fix": "how to fix it", "message": "the message", "failing": "an example that breaks the rule",
           "path": "property", "target": "applies to", "reports": "The reports", "question": "question",
           "columns": "columns", "params": "parameters", "basis": "what the numbers rest on",
           "required": "required", "optional": "optional", "none": "none", "units": "Units", "commentEn": "",
           "label": "name",
           "intro": "Every class and property of the rusgraph ontology, with examples from the data.",
           "shapesIntro": "The rules rusgraph validate checks the plans against, with their severity and an example that breaks each.",
           "reportsIntro": "The canned reports (rusgraph report NAME): the question, the columns, the parameters and the SPARQL."},
}


def _text(g: Any, s: Any, p: URIRef, lang: str, *, fallback: bool = False) -> Literal | None:
    """The value in ``lang`` (or untagged); with ``fallback``, else the English one (which an
    nb page then only links to)."""
    vals = [o for o in g.objects(s, p) if isinstance(o, Literal)]
    for want in (lang, None, *(("en",) if fallback else ())):
        for v in vals:
            if v.language == want:
                return v
    return None


def _local(iri: Any) -> str:
    s = str(iri)
    return s.rsplit("#", 1)[-1] if "#" in s else s.rsplit("/", 1)[-1]


def _dl(pairs: list[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in pairs if v) + "</dl>"


def _english_only(pg: Page, value: Literal | None, anchor: str, key: str) -> str:
    if value is None:
        return ""
    if value.language in (None, pg.lang):
        return escape(str(value))
    if pg.lang == "nb":
        return f'<a href="{pg.path}.en.html#{anchor}">{W["nb"][key]}</a>'
    return escape(str(value))


def ontology_body(pg: Page, kg: Any) -> tuple[str, str]:
    g, w, a = kg.ontology, W[pg.lang], pg.atlas
    examples: dict[Any, list[Any]] = {}
    for s, edges in a.out.items():
        if not a.kind(s):
            continue
        for p in edges:
            if len(examples.setdefault(p, [])) < 3:
                examples[p].append(s)
    sections = []
    for heading, types in ((w["classes"], (OWL.Class,)),
                           (w["properties"], (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty))):
        terms = sorted({s for t in types for s in g.subjects(RDF.type, t)
                        if isinstance(s, URIRef) and str(s).startswith(str(RUS))}, key=_local)
        items = []
        for term in terms:
            name = _local(term)
            labels = " / ".join(f'<span lang="{lab.language}">{escape(str(lab))}</span>'
                                for lab in sorted(g.objects(term, RDFS.label), key=lambda x: x.language or "")
                                if isinstance(lab, Literal))
            definition = _text(g, term, SKOS.definition, pg.lang, fallback=True)
            if OWL.Class in types:
                ex = [x for x in a.inc.get(term, {}).get(RDF.type, []) if a.kind(x)][:3]
            else:
                ex = examples.get(term, [])
            pairs = [(w["label"], labels), ("IRI", f"<code>{escape(str(term))}</code>"),
                     ("", _english_only(pg, definition, name, "defEn")),
                     (w["super"], ", ".join(pg.link(x) for x in list(g.objects(term, RDFS.subClassOf))
                                            + list(g.objects(term, RDFS.subPropertyOf)) if isinstance(x, URIRef))),
                     (w["domain"], ", ".join(pg.link(x) for x in g.objects(term, RDFS.domain) if isinstance(x, URIRef))),
                     (w["range"], ", ".join(pg.link(x) for x in g.objects(term, RDFS.range) if isinstance(x, URIRef))),
                     (w["examples"], ", ".join(pg.link(x) for x in ex))]
            items.append(f'<section class="term" id="{escape(name)}"><h3><code>rus:{escape(name)}</code></h3>'
                         f"{_dl(pairs)}</section>")
        sections.append(f"<h2>{escape(heading)} ({len(terms)})</h2>{''.join(items)}")
    return w["ontology"], f"<p>{w['intro']}</p>" + "".join(sections)


def _failing_examples() -> dict[str, Path]:
    """Each shape's first failing fixture: tests/data/shapes/ in a checkout, the copy the
    wheel ships (rusgraph/_resources/shape-examples) when installed."""
    from importlib.resources import files

    from ..graph.resources import checkout_root

    root = checkout_root()
    folder = root / "tests" / "data" / "shapes" if root else Path(str(files("rusgraph") / "_resources" / "shape-examples"))
    out: dict[str, Path] = {}
    if folder and folder.is_dir():
        for p in sorted(folder.glob("*--*.ttl")):
            out.setdefault(p.name.split("--", 1)[0], p)
    return out


def shapes_body(pg: Page, kg: Any) -> tuple[str, str]:
    g, w = kg.shapes, W[pg.lang]
    failing = _failing_examples()
    shapes = sorted({s for s in g.subjects(SH.severity, None) if isinstance(s, URIRef)}, key=_local)
    items = []
    order = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
    for s in sorted(shapes, key=lambda x: (order.get(g.value(x, SH.severity), 3), _local(x))):
        name = _local(s)
        sev = g.value(s, SH.severity)
        path = g.value(s, SH.path)
        targets = [o for p in (SH.targetClass, SH.targetNode) for o in g.objects(s, p)]
        targets += [o for parent in g.subjects(SH.property, s) for o in g.objects(parent, SH.targetClass)]
        example = ""
        if name in failing:
            text = failing[name].read_text(encoding="utf-8")
            why = " ".join(line[1:].strip() for line in text.splitlines()[:2] if line.startswith("#"))
            example = (f'<details><summary><code>{escape(failing[name].name)}</code></summary>'
                       f'<pre lang="en">{escape(text)}</pre></details>' + ("" if pg.lang == "nb" else f"<p>{escape(why)}</p>"))
        pairs = [(w["severity"], f'<span class="sev {escape(_local(sev))}">{escape(SEVERITY[pg.lang].get(sev, str(sev)))}</span>'),
                 (w["target"], ", ".join(pg.link(t) for t in targets if isinstance(t, URIRef))),
                 (w["path"], pg.link(path) if isinstance(path, URIRef) else ""),
                 (w["checks"], _english_only(pg, _text(g, s, RDFS.comment, pg.lang, fallback=True), name, "commentEn")),
                 (w["fix"], escape(str(_text(g, s, RUS.fixHint, pg.lang) or ""))),
                 (w["failing"], example)]
        message = escape(str(_text(g, s, SH.message, pg.lang) or name))
        items.append(f'<section class="term" id="{escape(name)}"><h2>{message}</h2><p><code>{escape(name)}</code></p>'
                     f"{_dl(pairs)}</section>")
    return w["shapes"], f"<p>{w['shapesIntro']}</p>" + "".join(items)


def reports_body(pg: Page, kg: Any) -> tuple[str, str]:
    from ..reports.html import column_label
    from ..reports.queries import list_queries

    w = W[pg.lang]
    items = []
    for q in list_queries():
        params = ", ".join(f"<code>{escape(p.name)}</code> ({w['required'] if p.required else w['optional']})"
                           for p in q.params) or w["none"]
        cols = ", ".join(f"{escape(column_label(c, pg.lang))} (<code>{escape(c)}</code>)" for c in q.columns)
        pairs = [(w["question"], escape(q.question(pg.lang)) if pg.lang == "en" or q.description_nb else ""),
                 (w["basis"], escape(q.basis(pg.lang))), (w["columns"], cols), (w["params"], params),
                 ("SPARQL", f'<details><summary><code>{escape(q.name)}.rq</code></summary>'
                            f'<pre lang="en">{escape(q.text)}</pre></details>')]
        items.append(f'<section class="term" id="{escape(q.name)}"><h2>{escape(q.title(pg.lang))} '
                     f"(<code>rusgraph report {escape(q.name)}</code>)</h2>{_dl(pairs)}</section>")
    return w["reports"], f"<p>{w['reportsIntro']}</p>" + "".join(items)


def units_body(pg: Page, kg: Any) -> tuple[str, str]:
    a = pg.atlas
    by: dict[Any, list[Any]] = {}
    for u in a.of_kind("unit"):
        by.setdefault(a.value(u, ORG.unitOf), []).append(u)
    parts = []
    for parent, units in sorted(by.items(), key=lambda kv: a.label(kv[0], pg.lang) if kv[0] else ""):
        head = pg.link(parent) if parent is not None else "–"
        parts.append(f"<h2>{head} ({len(units)})</h2><ul>" + "".join(f"<li>{pg.link(u)}</li>" for u in units) + "</ul>")
    return W[pg.lang]["units"], "".join(parts)
