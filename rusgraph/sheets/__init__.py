"""Plan spreadsheets: the planner's template, its import into RDF and its export.

Owns: the template, reading and writing .xlsx and .csv plans (:mod:`.spreadsheet`), the
problems found in a sheet told in the planner's language with sheet, row and column
(:mod:`.problems`), and how a sheet prints (:mod:`.printing`).

Must not: query, validate or infer; an imported plan is RDF like any other source.
"""
