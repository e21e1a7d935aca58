"""Validation: SHACL shapes checked against a KnowledgeGraph, and findings told to people.

Owns: the validation API and the choice of engine (:mod:`.validator`), the result values and
the SHACL report helpers both engines share (:mod:`.results`), the compiled engine, shapes as
set-at-a-time SPARQL on a store (the :mod:`.compiled` folder; rusgraph.remote.shapes runs the
same plan at an endpoint), the pySHACL hand-off for the reference engine and for shapes the
compiled engine does not take (:mod:`.reference`), and the findings grouped for planners with
their texts in nb and en (:mod:`.findings`, :mod:`.findings_text`).

Must not: load or parse data (it takes a KnowledgeGraph), run reports, or write files.
"""
