"""The terms every part of the build writes, and the Context of codes a record refers to.

Owns: literals (absent cells give no triple), typed deadlines, labels, evidence notes,
periods, the qualified upward link (stated or curated, with its reason), and Context, the
codes, vocabulary terms and organisations a plan record may name. It must not know the
records' layout beyond one item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, XSD
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import RDF as _RDF
from rdflib.namespace import SKOS as _SKOS

from ..errors import BuildError
from ..graph.namespaces import RUS as _RUS
from ..graph.namespaces import vocab_iri

NB = "nb"
EN = "en"


class CachedNamespace:
    """A namespace whose terms are made once: ``RUS.measureText`` on an rdflib Namespace
    makes (and checks) a new URIRef on every access, about 2 µs, and a plan of 100,000 rows
    asks some 4.6 million times."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term


RUS = CachedNamespace(_RUS)
DCTERMS, RDF, SKOS = CachedNamespace(_DCTERMS), CachedNamespace(_RDF), CachedNamespace(_SKOS)


def lit(text: str | None, lang: str | None = NB) -> Literal | None:
    if text is None:
        return None
    text = str(text).strip()
    if not text:
        return None
    return Literal(text, lang=lang)


def add(g: Graph, s: URIRef, p: URIRef, o: Any) -> None:
    """Add a triple unless the object is None (absent cell)."""
    if o is not None:
        g.add((s, p, o))


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


# --------------------------------------------------------------------------- deadlines

_MONTHS = {
    "januar": 1, "februar": 2, "mars": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
}


def parse_deadline(text: str | None) -> Literal | None:
    """The typed deadline a deadline cell gives, or None.

    Rules (documented in data/README.md): a full date d.m.yyyy (or yyyy-mm-dd) gives xsd:date; a month name
    and a year give xsd:gYearMonth; otherwise exactly one distinct year, written yyyy or as
    a two-digit suffix such as 'høst-22' or '1.kvartal -22', gives xsd:gYear. Text with no
    year ('Kontinuerlig', 'Fortløpende') or with several different years gives nothing.
    """
    if not text:
        return None
    t = text.casefold()
    m = re.search(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b", t)
    if m:
        d, mo, y = (int(x) for x in m.groups())
        return Literal(f"{y:04d}-{mo:02d}-{d:02d}", datatype=XSD.date)
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", t)  # ISO yyyy-mm-dd, as spreadsheets write it
    if m:
        return Literal(m.group(0), datatype=XSD.date)
    years = {int(y) for y in re.findall(r"\b(20\d{2})\b", t)}
    years |= {2000 + int(y) for y in re.findall(r"-\s?(\d{2})\b", t)}
    if len(years) != 1:
        return None
    (year,) = years
    for name, num in _MONTHS.items():
        if re.search(rf"\b{name}\b", t):
            return Literal(f"{year:04d}-{num:02d}", datatype=XSD.gYearMonth)
    return Literal(f"{year:04d}", datatype=XSD.gYear)


# --------------------------------------------------------------------------- context


@dataclass
class Context:
    """What a plan record may refer to: codes of upper-level items and vocabulary terms."""

    codes: dict[str, URIRef] = field(default_factory=dict)  # HM1, S1-07, OD-4, OTP-M1 ...
    code_kinds: dict[str, str] = field(default_factory=dict)  # code -> 'goal' | 'standard'
    themes: dict[str, URIRef] = field(default_factory=dict)
    status: dict[str, URIRef] = field(default_factory=dict)  # normalised text -> concept
    risk: dict[str, URIRef] = field(default_factory=dict)
    orgs: dict[str, URIRef] = field(default_factory=dict)  # org code -> org IRI
    unit_orgs: dict[str, URIRef] = field(default_factory=dict)  # normalised name -> city/national body
    districts: dict[str, URIRef] = field(default_factory=dict)  # SSB code -> IRI

    def code(self, code: str, where: str) -> URIRef:
        try:
            return self.codes[code]
        except KeyError:
            raise BuildError(
                f"unknown target code {code!r}",
                where=where,
                hint="use a code listed in data/transcriptions/README.md",
            ) from None


def add_labels(g: Graph, s: URIRef, item: dict[str, Any], p: URIRef = SKOS.prefLabel) -> None:
    add(g, s, p, lit(item.get("label_nb"), NB))
    add(g, s, p, lit(item.get("label_en"), EN))
    for alt in item.get("alt_nb") or []:
        add(g, s, SKOS.altLabel, lit(alt, NB))
    for alt in item.get("alt_en") or []:
        add(g, s, SKOS.altLabel, lit(alt, EN))


def add_evidence(g: Graph, s: URIRef, item: dict[str, Any]) -> None:
    add(g, s, RUS.evidence, lit(item.get("evidence"), None))
    add(g, s, RUS.confidence, lit(item.get("confidence"), None))
    add(g, s, SKOS.editorialNote, lit(item.get("note"), EN))


def add_period(g: Graph, s: URIRef, start: int | None, end: int | None) -> None:
    if start is None and end is None:
        return
    period = URIRef(f"{s}/period")
    g.add((s, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    if start is not None:
        g.add((period, DCAT.startDate, Literal(f"{int(start):04d}", datatype=XSD.gYear)))
    if end is not None:
        g.add((period, DCAT.endDate, Literal(f"{int(end):04d}", datatype=XSD.gYear)))


def add_link(
    g: Graph,
    ctx: Context,
    subject: URIRef,
    link: dict[str, Any],
    where: str,
    *,
    standard: bool = False,
) -> None:
    """One upward link: the stated or curated property, plus its qualification node."""
    target_code = link["target"]
    target = ctx.code(target_code, where)
    basis = link.get("basis")
    if basis not in ("stated", "curated"):
        raise BuildError(f"link basis must be 'stated' or 'curated', not {basis!r}", where=where)
    reason = link.get("reason")
    if basis == "curated" and not reason:
        raise BuildError(f"curated link to {target_code} has no reason", where=where)
    if standard:
        prop = RUS.statedImplementsStandard if basis == "stated" else RUS.curatedImplementsStandard
    else:
        prop = RUS.statedContributesTo if basis == "stated" else RUS.curatedContributesTo
    g.add((subject, prop, target))
    q = URIRef(f"{subject}/link/{target_code.lower()}")
    g.add((subject, RUS.qualifiedLink, q))
    g.add((q, RDF.type, RUS.LinkQualification))
    g.add((q, RUS.linkTarget, target))
    g.add((q, RUS.linkBasis, URIRef(vocab_iri("link-basis", basis))))
    add(g, q, RUS.reason, lit(reason, EN))
