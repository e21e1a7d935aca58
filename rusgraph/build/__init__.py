"""Build the bundled Turtle in ``data/`` from the transcription records.

Owns: turning ``data/transcriptions/*.json`` (the human reading of each plan's tables and
of DOMAIN.md's upper levels) into RDF under the ontology and the IRI policy, and writing
it sorted and stable: the terms and the Context of codes every part uses (:mod:`.terms`),
the upper levels (:mod:`.upper`), a district plan record (:mod:`.plans`, which the
spreadsheet importer uses too), and the files of ``data/`` (:mod:`.files`). It must not read
the seed texts or guess: an unknown code or value is a BuildError that names the record.

Run ``python -m rusgraph.build`` from a checkout to regenerate ``data/``;
``python -m rusgraph.build --check`` exits 1 when the committed Turtle is stale.
"""
