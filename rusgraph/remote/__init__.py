"""Remote stores: querying a SPARQL endpoint, pushing to it, and serving the graph.

Owns: one HTTP exchange under a deadline with credentials kept to their host
(:mod:`.transport`), answering the store's Digest or Basic challenge (:mod:`.auth`), the
Endpoint that every query and write goes through (:mod:`.endpoint`), reading its answers and
errors (:mod:`.answers`), reading the rusgraph graphs back (:mod:`.readback`), pushes atomic
per graph (:mod:`.push`), and ``rusgraph serve``: the Oxigraph server (:mod:`.server`)
behind a read-only gate (:mod:`.gateway`).

Must not: send anything to a host other than the one the user named, or write local files.
"""
