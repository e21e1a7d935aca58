"""The plan atlas (``rusgraph site``): the whole graph as a static, offline, browsable site.

Owns: the site build (:mod:`.atlas`), the atlas's reading of the graph (:mod:`.model`), one
page per resource (:mod:`.pages`), where each page lives and its Turtle and JSON-LD
(:mod:`.rdf`), and the reference pages for the ontology, shapes and reports
(:mod:`.reference`).

Must not: change the graph or compute counts of its own (matrices come from the canned
reports, findings from :mod:`rusgraph.validation`).
"""
