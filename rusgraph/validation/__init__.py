"""Validation: SHACL shapes checked against a KnowledgeGraph, and findings told to people.

Owns: the validation API and the pySHACL reference (:mod:`.validator`), the shapes compiled
to set-at-a-time SPARQL on the store (:mod:`.compiled`), and the findings grouped for
planners with their texts in nb and en (:mod:`.findings`, :mod:`.findings_text`).

Must not: load or parse data (it takes a KnowledgeGraph), run reports, or write files.
"""
