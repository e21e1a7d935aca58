"""What a person reads for an IRI: its label in their language, or a CURIE.

Owns: the label lookup every table, page and finding uses (rdfs:label and skos:prefLabel,
in the chosen language with the fallback nb, en, any). Must not: query the store itself;
it reads the graph it is given (an rdflib Graph or :mod:`.lookup`'s view).
"""

from __future__ import annotations

from typing import Any


class Labeler:
    """IRI -> label in a language, with fallback nb, en, any; CURIE when there is none."""

    def __init__(self, graph: Any, lang: str = "nb"):
        from rdflib.namespace import RDFS, SKOS

        self.lang = lang
        self._labels: dict[str, dict[str, str]] = {}
        for prop in (RDFS.label, SKOS.prefLabel):
            for s, o in graph.subject_objects(prop):
                self._labels.setdefault(str(s), {}).setdefault(getattr(o, "language", None) or "", str(o))
        self._ns = graph.namespace_manager

    def __call__(self, term: Any) -> str:
        from rdflib import URIRef

        if term is None:
            return ""
        if isinstance(term, URIRef):
            by_lang = self._labels.get(str(term))
            if by_lang:
                for lang in (self.lang, "nb", "en", ""):
                    if lang in by_lang:
                        return by_lang[lang]
                return next(iter(by_lang.values()))
            try:
                return self._ns.normalizeUri(term)
            except Exception:
                return str(term)
        return str(term)
