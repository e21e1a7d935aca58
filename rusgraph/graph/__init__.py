"""The graph: the one object every command works on, and how data gets into it.

Owns: the KnowledgeGraph (:mod:`.knowledge`), the Oxigraph store under it (:mod:`.engine`,
:mod:`.store` for one kept on disk), the namespaces and IRI policy (:mod:`.namespaces`), the
bundled resources (:mod:`.resources`), parsing sources strictly (:mod:`.sources`,
:mod:`.inputs`, :mod:`.jsonld`, :mod:`.transport` for one read over HTTP), SPARQL text
(:mod:`.sparqltext`), lookups and labels from the store (:mod:`.lookup`, :mod:`.labels`) and
one district's slice (:mod:`.districts`).

Must not: validate, infer, run reports or write outputs for people; those subpackages build
on this one, never the other way round (scripts/check_imports.py checks the layers).
"""
