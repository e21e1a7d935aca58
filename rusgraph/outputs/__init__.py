"""Outputs: writing files so that nothing is half-written and nothing runs when opened.

Owns: atomic writes, folders swapped in whole, symlinks and devices written through
(:mod:`.atomic`); CSV and TSV cells a spreadsheet will not run (:mod:`.cells`); RDF syntaxes
by the names users type and a graph serialised in one of them (:mod:`.rdf`).

Must not: import anything of rusgraph but :mod:`rusgraph.errors`; it is the floor every
other subpackage stands on.
"""
