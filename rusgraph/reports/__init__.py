"""Reports: the canned SPARQL questions, their answers and how they are written.

Owns: canned and ad-hoc queries and their parameters (:mod:`.queries`), result writers
(:mod:`.formats`), self-contained HTML pages (:mod:`.html`), every report at once
(:mod:`.writer`), the printable district page (:mod:`.district_page`) and the plan diff
(:mod:`.diff`).

Must not: parse data files or talk to remote stores itself (:mod:`rusgraph.remote` runs
queries there), or validate beyond asking :mod:`rusgraph.validation` for findings.
"""
