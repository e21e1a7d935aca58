"""The upper levels as RDF: vocabularies, organisations, national plans, the city plan and
the Oslostandards.

Owns: ``vocabularies.json`` and ``upper.json`` turned into graphs, filling the Context with
every code, theme, status, risk level and organisation on the way. It must not build
district plans (rusgraph.build.plans does).
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, SKOS, XSD

from ..errors import BuildError
from ..graph.namespaces import ORG, RUS, city_plan_iri, national_plan_iri, org_iri, standard_iri, unit_iri, vocab_iri
from .terms import EN, NB, Context, add, add_evidence, add_labels, add_link, add_period, lit, norm

# --------------------------------------------------------------------------- vocabularies


def vocabulary_graph(vocab: dict[str, Any], ctx: Context) -> Graph:
    g = Graph()
    for scheme_key, cls in (("themes", RUS.Theme), ("status", RUS.Status), ("risk", RUS.RiskLevel),
                            ("link-basis", RUS.LinkBasis)):
        spec = vocab[scheme_key]
        scheme = URIRef(vocab_iri(spec["scheme"]))
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        add_labels(g, scheme, spec)
        add(g, scheme, SKOS.definition, lit(spec.get("definition"), EN))
        for term in spec["terms"]:
            c = URIRef(vocab_iri(spec["scheme"], term["slug"]))
            g.add((c, RDF.type, cls))
            g.add((c, SKOS.inScheme, scheme))
            g.add((c, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, c))
            add_labels(g, c, term)
            add(g, c, SKOS.definition, lit(term.get("definition"), EN))
            add(g, c, SKOS.notation, lit(term.get("notation"), None))
            if scheme_key == "themes":
                ctx.themes[term["slug"]] = c
            elif scheme_key in ("status", "risk"):
                table = ctx.status if scheme_key == "status" else ctx.risk
                for text in [term["label_nb"], *(term.get("alt_nb") or []), *(term.get("match") or [])]:
                    table[norm(text)] = c
    return g


# --------------------------------------------------------------------------- upper levels


def organisations_graph(upper: dict[str, Any], ctx: Context) -> Graph:
    g = Graph()
    oslo = URIRef(unit_iri("0301"))
    for o in upper["organisations"]:
        kind = o["kind"]
        if kind == "District":
            s = URIRef(unit_iri(o["notation"]))
            g.add((s, RDF.type, RUS.District))
            g.add((s, ORG.subOrganizationOf, oslo))
            add(g, s, RUS.population2020,
                Literal(int(o["population_2020"])) if o.get("population_2020") else None)
            ctx.districts[o["notation"]] = s
            add(g, s, FOAF.name, lit(o.get("name"), None))
        elif kind == "Municipality":
            s = oslo
            g.add((s, RDF.type, RUS.Municipality))
        elif kind == "Country":
            s = URIRef(org_iri(o["code"]))
            g.add((s, RDF.type, RUS.Country))
        else:
            s = URIRef(org_iri(o["code"]))
            g.add((s, RDF.type, ORG.Organization))
            if o.get("part_of"):
                g.add((s, ORG.subOrganizationOf, _org_ref(o["part_of"])))
        ctx.orgs[o["code"]] = s
        # A responsible unit named like a city or national body is that body; NAV is not
        # matched, because in a district plan 'NAV' is the district's own NAV office.
        if o["code"] not in DISTRICT_LOCAL_ORGS and kind not in ("District", "Country"):
            for name in [o.get("label_nb"), *(o.get("alt_nb") or [])]:
                if name:
                    ctx.unit_orgs[norm(name)] = s
        add_labels(g, s, o)
        add(g, s, SKOS.notation, lit(o.get("notation"), None))
        for iri in o.get("exact_match") or []:
            g.add((s, SKOS.exactMatch, URIRef(iri)))
        add_evidence(g, s, o)
    return g


def _org_ref(code: str) -> URIRef:
    return URIRef(unit_iri("0301")) if code == "oslo" else URIRef(org_iri(code))


DISTRICT_LOCAL_ORGS = ("nav",)

_PLAN_KIND = {
    "NationalPlan": RUS.NationalPlan,
    "NationalStrategy": RUS.NationalStrategy,
    "Guideline": RUS.Guideline,
    "ReformProposal": RUS.ReformProposal,
}


def _document(g: Graph, s: URIRef, item: dict[str, Any]) -> None:
    add_labels(g, s, item)
    add(g, s, DCTERMS.title, lit(item.get("label_nb"), NB))
    for ident in item.get("identifier") or []:
        add(g, s, DCTERMS.identifier, lit(ident, None))
    if item.get("issued"):
        g.add((s, DCTERMS.issued, Literal(str(item["issued"]), datatype=XSD.gYear)))
    if item.get("publisher"):
        g.add((s, DCTERMS.publisher, _org_ref(item["publisher"])))
    add(g, s, RUS.statusNote, lit(item.get("status_note"), EN))
    add_period(g, s, item.get("start"), item.get("end"))
    add_evidence(g, s, item)


def _concept(g: Graph, s: URIRef, cls: URIRef, scheme: URIRef, item: dict[str, Any]) -> None:
    g.add((s, RDF.type, cls))
    g.add((s, SKOS.inScheme, scheme))
    g.add((s, DCTERMS.isPartOf, scheme))
    add(g, s, SKOS.notation, lit(item["code"], None))
    add_labels(g, s, item)
    add_evidence(g, s, item)


def national_graph(upper: dict[str, Any], ctx: Context) -> Graph:
    g = Graph()
    norway = URIRef(org_iri("norge"))
    for p in upper["national_plans"]:
        s = URIRef(national_plan_iri(p["slug"]))
        g.add((s, RDF.type, _PLAN_KIND[p["kind"]]))
        g.add((s, DCTERMS.spatial, norway))
        add(g, s, SKOS.notation, lit(p["code"], None))
        _document(g, s, p)
        ctx.codes[p["code"]] = s
        for fa in p.get("focus_areas") or []:
            c = URIRef(f"{s}/{fa['code'].lower()}")
            _concept(g, c, RUS.FocusArea, s, fa)
            g.add((c, SKOS.topConceptOf, s))
            ctx.codes[fa["code"]] = c
        for goal in p.get("goals") or []:
            c = URIRef(f"{s}/{goal['code'].lower()}")
            _concept(g, c, RUS.NationalGoal, s, goal)
            g.add((c, SKOS.topConceptOf, s))
            ctx.codes[goal["code"]] = c
    return g


def city_graph(upper: dict[str, Any], ctx: Context) -> Graph:
    g = Graph()
    cp = upper["city_plan"]
    plan = URIRef(city_plan_iri(cp["slug"]))
    g.add((plan, RDF.type, RUS.CityPlan))
    g.add((plan, DCTERMS.spatial, URIRef(unit_iri("0301"))))
    g.add((plan, DCTERMS.publisher, URIRef(unit_iri("0301"))))
    if cp.get("adopted_by"):
        g.add((plan, RUS.adoptedBy, _org_ref(cp["adopted_by"])))
    add(g, plan, SKOS.notation, lit(cp["code"], None))
    add(g, plan, RUS.vision, lit(cp.get("vision_nb"), NB))
    add(g, plan, RUS.values, lit(cp.get("values_nb"), NB))
    _document(g, plan, cp)
    ctx.codes[cp["code"]] = plan
    for hm in cp["main_goals"]:
        c = URIRef(f"{plan}/{hm['code'].lower()}")
        _concept(g, c, RUS.MainGoal, plan, hm)
        g.add((c, SKOS.topConceptOf, plan))
        ctx.codes[hm["code"]] = c
    for st in cp["strategies"]:
        c = URIRef(f"{plan}/{st['code'].lower()}")
        _concept(g, c, RUS.Strategy, plan, st)
        g.add((c, SKOS.topConceptOf, plan))
        ctx.codes[st["code"]] = c
    for st in cp["strategies"]:
        for hm in cp["main_goals"]:
            add_link(g, ctx, ctx.codes[st["code"]],
                  {"target": hm["code"], "basis": "stated",
                   "reason": "the plan's three strategies are its means to reach both main goals "
                             "('Strategier for å nå disse målene', 000:12; 001:506-512)"},
                  where=f"city strategy {st['code']}")
    for goal in cp["goals"]:
        c = URIRef(f"{plan}/{goal['code'].lower()}")
        _concept(g, c, RUS.CityGoal, plan, goal)
        ctx.codes[goal["code"]] = c
        assigned = goal.get("assigned_to")
        add(g, c, RUS.assignedTo, lit(assigned, None))
        if assigned:
            g.add((c, RUS.fallsToDistricts, Literal("B" in assigned)))
    for goal in cp["goals"]:
        c = ctx.codes[goal["code"]]
        for st in goal.get("strategies") or []:
            g.add((c, SKOS.broader, ctx.code(st, f"city goal {goal['code']}")))
            add_link(g, ctx, c, {"target": st, "basis": "stated",
                              "reason": "the goal stands under this strategy in the reconstructed "
                                        "goal list (DOMAIN.md 2.2, after Frogner's headings); "
                                        f"confidence {goal.get('confidence')}"},
                  where=f"city goal {goal['code']}")
    for al in cp.get("alignments") or []:
        add_link(g, ctx, ctx.code(al["from"], "city alignments"),
              {"target": al["to"], "basis": "curated", "reason": al["reason"]},
              where=f"alignment {al['from']} -> {al['to']}")
    aligned_plans = sorted({
        str(ctx.codes[al["to"]]).rsplit("/", 1)[0] for al in cp.get("alignments") or []
    })
    for p in aligned_plans:
        g.add((plan, RUS.alignedWith, URIRef(p)))
    prog = cp.get("programme")
    if prog:
        s = URIRef(f"{plan}/programme/{prog['code'].lower()}")
        g.add((s, RDF.type, RUS.Programme))
        g.add((s, RUS.implementsPlan, plan))
        if prog.get("lead"):
            g.add((s, PROV.wasAssociatedWith, _org_ref(prog["lead"])))
        add(g, s, SKOS.notation, lit(prog["code"], None))
        add_labels(g, s, prog)
        add_period(g, s, prog.get("start"), prog.get("end"))
        add_evidence(g, s, prog)
    return g


def standards_graph(upper: dict[str, Any], ctx: Context) -> Graph:
    g = Graph()
    for st in upper["standards"]:
        s = URIRef(standard_iri(st["slug"]))
        g.add((s, RDF.type, RUS.Standard))
        g.add((s, DCTERMS.spatial, URIRef(unit_iri("0301"))))
        add(g, s, SKOS.notation, lit(st["code"], None))
        add(g, s, RUS.verification, lit(st.get("verification"), None))
        if st.get("theme"):
            # the standard's subject in the theme scheme: a measure linked to the standard or
            # one of its elements carries this theme (tests/test_data.py holds every pair)
            if st["theme"] not in ctx.themes:
                raise BuildError(f"unknown theme {st['theme']!r}", where=f"standard {st['code']}")
            g.add((s, DCTERMS.subject, ctx.themes[st["theme"]]))
        _document(g, s, st)
        ctx.codes[st["code"]] = s
        for el in st.get("elements") or []:
            c = URIRef(f"{s}/{el['code'].lower()}")
            _concept(g, c, RUS.StandardElement, s, el)
            g.add((c, SKOS.topConceptOf, s))
            g.add((c, RUS.elementOf, s))
            ctx.codes[el["code"]] = c
    for st in upper["standards"]:
        s = ctx.codes[st["code"]]
        for link in st.get("links") or []:
            add_link(g, ctx, s, link, where=f"standard {st['code']}")
    return g
