"""The graph: the one object every command works on, and how data gets into it.

Owns: the KnowledgeGraph (:mod:`.knowledge`), the Oxigraph store under it (:mod:`.engine`,
:mod:`.store` for one kept on disk), the namespaces and IRI policy (:mod:`.namespaces`), the
bundled resources (:mod:`.resources`), parsing sources strictly (:mod:`.sources`,
:mod:`.inputs`, :mod:`.jsonld`), what a command's DATA arguments mean (:mod:`.userdata`) and
one district's slice (:mod:`.districts`).

Must not: validate, infer, run reports or write outputs for people; those subpackages build
on this one, never the other way round (the one exception is :mod:`.userdata`, which turns a
plan spreadsheet into RDF through :mod:`rusgraph.sheets`).
"""
