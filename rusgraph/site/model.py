"""The atlas's reading of a KnowledgeGraph: every resource's triples, labels, page kinds and
upward chains, held in plain dictionaries so thousands of pages render without a query each.

Owns: one pass over the graph (ontology + data + inferred, as lookups see it), the kind of
page each IRI gets, the qualified links (basis and reason of each upward link), and which
measures reach which target by stated links only or only through a curated one, with the
same link properties the ``goals``, ``coverage`` and ``standards`` reports follow. The
reports stay the source of every count on the site; a test holds the two together. It must
not write files or HTML.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from rdflib import BNode, Literal, URIRef
from rdflib import namespace as _ns

from ..graph import namespaces as _rus
from ..graph.namespaces import BASE


class Terms:
    """A namespace's terms as plain attributes: rdflib's namespace objects build the URIRef
    on every attribute access, which the atlas does millions of times."""

    def __init__(self, namespace: Any):
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = URIRef(self._namespace[name])
        setattr(self, name, term)
        return term


RUS, ORG = Terms(_rus.RUS), Terms(_rus.ORG)
RDF, RDFS, SKOS, DCTERMS, PROV, OWL = (Terms(n) for n in (_ns.RDF, _ns.RDFS, _ns.SKOS, _ns.DCTERMS, _ns.PROV, _ns.OWL))

# The upward links the reports follow: stated chains use only the first group; any chain both.
STATED_UP = (RUS.statedContributesTo, RUS.statedImplementsStandard, RUS.elementOf)
CURATED_UP = (RUS.curatedContributesTo, RUS.curatedImplementsStandard)
UP = STATED_UP + CURATED_UP

# Page kinds by rdf:type, most specific first; anything else under BASE gets a plain page.
KINDS: tuple[tuple[str, URIRef], ...] = (
    ("measure", RUS.Measure), ("district-goal", RUS.DistrictGoal), ("plan", RUS.DistrictPlan),
    ("main-goal", RUS.MainGoal), ("district-strategy", RUS.DistrictStrategy), ("strategy", RUS.Strategy), ("city-goal", RUS.CityGoal),
    ("standard", RUS.Standard), ("element", RUS.StandardElement), ("national-goal", RUS.NationalGoal),
    ("focus-area", RUS.FocusArea), ("national-plan", RUS.NationalPlan), ("national-plan", RUS.NationalStrategy),
    ("national-plan", RUS.Guideline), ("national-plan", RUS.ReformProposal), ("national-plan", RUS.Programme),
    ("city-plan", RUS.CityPlan), ("source", RUS.SourceDocument), ("district", RUS.District), ("unit", RUS.Unit), ("theme", RUS.Theme),
)
GOAL_KINDS = ("main-goal", "strategy", "district-strategy", "city-goal", "standard", "element", "national-goal", "focus-area")
NO_PAGE = (RUS.LinkQualification,)


@dataclass
class Link:
    """One upward link of a subject: its target, whether the plan states it, and why."""

    target: URIRef
    stated: bool
    reason: Literal | None = None
    evidence: tuple[Any, ...] = ()


@dataclass
class Atlas:
    out: dict[Any, dict[URIRef, list[Any]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    inc: dict[Any, dict[URIRef, list[Any]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    labels: dict[Any, dict[str, str]] = field(default_factory=dict)
    kinds: dict[URIRef, str] = field(default_factory=dict)
    # target -> measure -> True (stated chain) / False (curated only)
    served: dict[URIRef, dict[URIRef, bool]] = field(default_factory=lambda: defaultdict(dict))
    reach: dict[URIRef, dict[URIRef, bool]] = field(default_factory=dict)
    _links: dict[Any, list[Link]] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ reading

    def value(self, s: Any, p: URIRef) -> Any:
        vals = self.out.get(s, {}).get(p)
        return vals[0] if vals else None

    def values(self, s: Any, p: URIRef) -> list[Any]:
        return list(self.out.get(s, {}).get(p, ()))

    def text(self, s: Any, p: URIRef, lang: str) -> Literal | None:
        """The value of ``p`` in ``lang`` (else nb, else untagged); None where only another
        language is written (an nb page shows no English sentence)."""
        vals = self.values(s, p)
        for want in (lang, "nb", None):
            for v in vals:
                if isinstance(v, Literal) and v.language == want:
                    return v
        return None

    def label(self, term: Any, lang: str) -> str:
        by_lang = self.labels.get(term)
        if by_lang:
            for want in (lang, "nb", "en", ""):
                if want in by_lang:
                    return by_lang[want]
            return next(iter(by_lang.values()))
        if isinstance(term, URIRef):
            s = str(term)
            return s.rsplit("#", 1)[-1] if "#" in s else s.rstrip("/").rsplit("/", 1)[-1]
        return str(term)

    def label_lang(self, term: Any, lang: str) -> str:
        """The language the label :meth:`label` gives is written in ('' when untagged)."""
        by_lang = self.labels.get(term) or {}
        for want in (lang, "nb", "en", ""):
            if want in by_lang:
                return want
        return ""

    def kind(self, term: Any) -> str | None:
        return self.kinds.get(term)

    def of_kind(self, *kinds: str) -> list[URIRef]:
        return sorted((s for s, k in self.kinds.items() if k in kinds), key=self.sort_key)

    def sort_key(self, s: Any) -> tuple:
        seq = self.value(s, RUS.sequence)
        note = self.value(s, SKOS.notation)
        return (str(self.value(s, RUS.inPlan) or ""), int(seq) if seq is not None else 0,
                str(note or ""), str(s))

    def links(self, s: Any) -> list[Link]:
        """The upward links of ``s``, each with its basis and, where the data gives one, the
        reason from its rus:LinkQualification."""
        known = self._links.get(s)
        if known is not None:
            return known
        quals: dict[Any, tuple[Any, Any, tuple]] = {}
        for q in self.values(s, RUS.qualifiedLink):
            quals[self.value(q, RUS.linkTarget)] = (self.value(q, RUS.linkBasis), self.value(q, RUS.reason),
                                                   tuple(self.values(q, RUS.evidence)))
        got = []
        for group, stated in ((STATED_UP, True), (CURATED_UP, False)):
            for p in group:
                for o in self.values(s, p):
                    _, reason, evidence = quals.get(o, (None, None, ()))
                    got.append(Link(o, stated, reason, evidence))
        self._links[s] = got
        return got

    def members(self, target: Any, p: URIRef) -> list[Any]:
        """Subjects that point at ``target`` with ``p``, in reading order."""
        return sorted(self.inc.get(target, {}).get(p, ()), key=self.sort_key)

    def measures_of(self, target: URIRef) -> tuple[list[URIRef], list[URIRef]]:
        """Measures reaching ``target`` by stated links only, and only through a curated one."""
        got = self.served.get(target, {})
        stated = sorted((m for m, s in got.items() if s), key=self.sort_key)
        curated = sorted((m for m, s in got.items() if not s), key=self.sort_key)
        return stated, curated


def _walk(atlas: Atlas, start: Any, props: Iterable[URIRef]) -> set[Any]:
    props = tuple(props)
    seen: set[Any] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        edges = atlas.out.get(node)
        if not edges:
            continue
        for p in props:
            for o in edges.get(p, ()):
                if o not in seen:
                    seen.add(o)
                    todo.append(o)
    return seen


def read_atlas(triples: Iterable[tuple[Any, Any, Any]]) -> Atlas:
    """Read every triple once; then classify the IRIs and walk each measure's chains."""
    atlas = Atlas()
    out, inc, labels = atlas.out, atlas.inc, atlas.labels
    same: dict[Any, Any] = {}  # one object per term: the store hands out a new one per triple
    for s, p, o in triples:
        s, p, o = same.setdefault(s, s), same.setdefault(p, p), same.setdefault(o, o)
        out[s][p].append(o)
        if not isinstance(o, Literal):
            inc[o][p].append(s)
        elif p in (SKOS.prefLabel, RDFS.label):
            labels.setdefault(s, {}).setdefault(o.language or "", str(o))
    kind_of = {cls: k for k, cls in reversed(KINDS)}
    order = {cls: i for i, (_, cls) in enumerate(KINDS)}
    for s, edges in out.items():
        if not isinstance(s, URIRef) or not str(s).startswith(BASE) or "#" in str(s):
            continue
        types = edges.get(RDF.type, ())
        if any(t in NO_PAGE for t in types):
            continue
        known = sorted((t for t in types if t in kind_of), key=order.__getitem__)
        if known:
            atlas.kinds[s] = kind_of[known[0]]
        elif types or SKOS.prefLabel in edges or DCTERMS.title in edges:
            atlas.kinds[s] = "resource"
    for m in (s for s, k in atlas.kinds.items() if k == "measure"):
        anyr = _walk(atlas, m, UP)
        stated = _walk(atlas, m, STATED_UP)
        reach = {t: t in stated for t in anyr}
        atlas.reach[m] = reach
        for t, st in reach.items():
            atlas.served[t][m] = st
    return atlas


def blank(term: Any) -> bool:
    return isinstance(term, BNode)
