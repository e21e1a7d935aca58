"""Plan spreadsheets: the planner's template, its import into RDF and its export.

Owns, one concern a module, in the order a file travels: the template's columns, fields and
places (:mod:`.template`), the drop-down lists and how a cell's text matches them
(:mod:`.vocab`); reading, streamed and bounded (:mod:`.raw`, :mod:`.xlsx`, :mod:`.csvfile`);
what a cell means (:mod:`.cells`) and a filled sheet as a transcription record
(:mod:`.record`), imported into RDF (:mod:`.importing`); problems told in the planner's
language with sheet, row and column (:mod:`.problems`); a record written as a filled
template (:mod:`.export`, :mod:`.workbook`, :mod:`.csvfile`) and how a sheet prints
(:mod:`.printing`); validation findings placed back on the sheet (:mod:`.placing`).

Must not: query, validate or infer; an imported plan is RDF like any other source.
"""
