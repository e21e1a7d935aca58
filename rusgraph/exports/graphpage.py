"""The interactive graph page: one self-contained HTML file that works offline.

Owns: putting the cytoscape.js export of a PropertyGraph, the page's settings and text (nb
or en), the page's own script and style (``rusgraph/assets/``) and the vendored
cytoscape.js (``rusgraph/vendor/``, fetched from its npm package by
``scripts/update-vendor.sh``) into one HTML file. Nothing is loaded from the network. It
must not build the property graph or write files.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from typing import Any

from .pgformats import cytoscape_elements
from .propertygraph import PropertyGraph

# The upward chain the page shows by default: measures and what their upward links reach.
UPWARD = ("statedContributesTo", "curatedContributesTo", "contributesTo", "statedImplementsStandard",
          "curatedImplementsStandard", "implementsStandard", "elementOf", "skos_broader", "inPlan",
          "tracesTo", "statedTracesTo")
CHAIN_TYPES = ("Measure", "DistrictGoal", "DistrictPlan", "CityGoal", "StandardElement", "Standard",
               "Strategy", "DistrictStrategy", "MainGoal", "NationalGoal", "FocusArea")
TYPE_ORDER = (*CHAIN_TYPES, "Theme", "Unit", "District", "Status", "RiskLevel", "CityPlan", "NationalPlan",
              "NationalStrategy", "Guideline", "ReformProposal", "Programme", "Municipality", "Organization",
              "Country", "SourceDocument", "PlanSection", "ConceptScheme", "LinkBasis")
LEVELS = {"NationalGoal": 10, "FocusArea": 10, "MainGoal": 9, "Strategy": 8, "DistrictStrategy": 8, "Standard": 7,
          "CityGoal": 6,
          "StandardElement": 6, "DistrictPlan": 5, "DistrictGoal": 4, "Measure": 1}
SIZES = {"Measure": 10, "DistrictGoal": 14, "DistrictPlan": 28, "CityGoal": 16, "Strategy": 32,
         "DistrictStrategy": 26, "MainGoal": 36,
         "NationalGoal": 22, "FocusArea": 18, "Standard": 24, "StandardElement": 12, "District": 22,
         "Theme": 16, "Unit": 12}

STRINGS: dict[str, dict[str, Any]] = {
    "nb": {
        "title": "rusgraph – ruspolitiske planer i Oslo", "search": "Søk", "searchPlaceholder": "tiltak, mål, enhet …",
        "district": "Bydel", "strategy": "Strategi", "theme": "Tema", "layout": "Oppsett", "show-all": "Vis alle noder",
        "allDistricts": "alle bydeler", "allStrategies": "alle strategier", "allThemes": "alle temaer",
        "types": "Nodetyper", "hits": "Treff", "hitCount": "{n} treff ({m} i grafen)",
        "hiddenHit": "skjult av filtrene; klikk for å vise", "outgoing": "Lenker ut", "incoming": "Lenker inn",
        "inferred": "utledet", "stats": "{n} av {N} noder, {e} av {E} kanter",
        "clickHint": "Klikk på en node for å se egenskapene og naboene. Søk etter et tiltak i feltet øverst.",
        "help": "Grafen viser tiltakene og det de bidrar til oppover (mål, strategier, hovedmål, nasjonale mål, "
                "standarder). Slå på andre typer (tema, enheter, bydeler) for å se dem ved siden av. Stiplet kant: "
                "kuratert kobling; heltrukket: uttalt i planen.",
        "layouts": {"auto": "automatisk", "cose": "kraftbasert (cose)", "concentric": "ringer etter nivå",
                    "breadthfirst": "lagdelt", "circle": "sirkel"},
        "typeNames": {"Measure": "tiltak", "DistrictGoal": "bydelsmål", "DistrictPlan": "bydelsplan",
                      "CityGoal": "mål i byens plan", "Strategy": "strategi", "MainGoal": "hovedmål",
                      "NationalGoal": "nasjonalt mål", "FocusArea": "innsatsområde", "Standard": "Oslostandard",
                      "StandardElement": "element i standard", "Theme": "tema", "Unit": "enhet", "District": "bydel",
                      "Status": "status", "RiskLevel": "risikonivå", "CityPlan": "byens plan",
                      "NationalPlan": "nasjonal plan", "NationalStrategy": "nasjonal strategi",
                      "Guideline": "veileder", "ReformProposal": "reformforslag", "Programme": "program",
                      "Municipality": "kommune", "Organization": "organisasjon", "Country": "land",
                      "SourceDocument": "kildetekst", "ConceptScheme": "begrepsskjema",
                      "LinkBasis": "grunnlag for kobling", "Resource": "ressurs",
                      "DistrictStrategy": "bydelens egen strategi", "PlanSection": "avsnitt i planen"},
    },
    "en": {
        "title": "rusgraph – Oslo's drug-policy plans", "search": "Search",
        "searchPlaceholder": "measure, goal, unit …", "district": "District", "strategy": "Strategy",
        "theme": "Theme", "layout": "Layout", "show-all": "Show all nodes",
        "allDistricts": "all districts", "allStrategies": "all strategies", "allThemes": "all themes",
        "types": "Node types", "hits": "Matches", "hitCount": "{n} matches ({m} in the graph)",
        "hiddenHit": "hidden by the filters; click to show", "outgoing": "Links out", "incoming": "Links in",
        "inferred": "inferred", "stats": "{n} of {N} nodes, {e} of {E} edges",
        "clickHint": "Click a node to see its attributes and neighbours. Search for a measure in the box above.",
        "help": "The graph shows the measures and what they contribute to upwards (goals, strategies, main goals, "
                "national goals, standards). Switch on other types (themes, units, districts) to see them beside "
                "those. Dashed edge: curated link; solid: stated in the plan.",
        "layouts": {"auto": "automatic", "cose": "force-directed (cose)", "concentric": "rings by level",
                    "breadthfirst": "layered", "circle": "circle"},
        "typeNames": {"Measure": "measure", "DistrictGoal": "district goal", "DistrictPlan": "district plan",
                      "CityGoal": "city-plan goal", "Strategy": "strategy", "MainGoal": "main goal",
                      "NationalGoal": "national goal", "FocusArea": "focus area", "Standard": "Oslo standard",
                      "StandardElement": "standard element", "Theme": "theme", "Unit": "unit", "District": "district",
                      "Status": "status", "RiskLevel": "risk level", "CityPlan": "city plan",
                      "NationalPlan": "national plan", "NationalStrategy": "national strategy",
                      "Guideline": "guideline", "ReformProposal": "reform proposal", "Programme": "programme",
                      "Municipality": "municipality", "Organization": "organisation", "Country": "country",
                      "SourceDocument": "source text", "ConceptScheme": "concept scheme",
                      "LinkBasis": "link basis", "Resource": "resource",
                      "DistrictStrategy": "district's own strategy", "PlanSection": "plan section"},
    },
}


def _asset(*parts: str) -> str:
    return files("rusgraph").joinpath(*parts).read_text(encoding="utf-8")


def cytoscape_version() -> str:
    first = _asset("vendor", "VERSION").splitlines()[0]
    return first.split()[-1]


def _script_safe(json_text: str) -> str:
    """JSON text for a <script> element: every '<' (only ever inside a JSON string) becomes
    the escape \\u003c, so no '</script' or '<!--' in the data can end or confuse it."""
    return json_text.replace("<", "\\u003c")


def page_config(lang: str) -> dict[str, Any]:
    return {
        "lang": lang, "strings": STRINGS.get(lang, STRINGS["en"]), "upward": list(UPWARD),
        "chainTypes": list(CHAIN_TYPES), "defaultTypes": list(CHAIN_TYPES), "typeOrder": list(TYPE_ORDER),
        "levels": LEVELS, "sizes": SIZES, "autoRingsAbove": 150,
        "notSearched": ["colour", "types", "type", "name"],
        "notShown": ["id", "label", "name", "type", "colour", "short", "size"],
    }


def graph_page(pg: PropertyGraph, *, lang: str = "nb", title: str | None = None) -> str:
    """The HTML page for ``pg``: search, filters (district, strategy, theme), type switches
    and a side panel, with cytoscape.js and the data inlined."""
    from .. import __version__

    library = _asset("vendor", "cytoscape.min.js")
    if re.search(r"</script|<!--", library, re.I):  # would end the inline <script> early
        raise ValueError("the vendored cytoscape.min.js cannot be inlined as it is")
    strings = STRINGS.get(lang, STRINGS["en"])
    values = {
        "LANG": lang,
        "TITLE": _html_escape(title or strings["title"]),
        "GENERATOR": f"rusgraph {__version__}",
        "CSS": _asset("assets", "graph-page.css"),
        "DATA": _script_safe(json.dumps(cytoscape_elements(pg), ensure_ascii=False, separators=(",", ":"))),
        "CONFIG": _script_safe(json.dumps(page_config(lang), ensure_ascii=False, separators=(",", ":"))),
        "CYTOSCAPE_VERSION": cytoscape_version(),
        "CYTOSCAPE": library,
        "SCRIPT": _asset("assets", "graph-page.js"),
    }
    template = _asset("assets", "graph-page.html")
    # one pass, so a placeholder-like text inside the data is never replaced
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], template)


def _html_escape(text: str) -> str:
    from html import escape

    return escape(text)
