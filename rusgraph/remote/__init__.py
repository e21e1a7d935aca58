"""Remote stores: querying a SPARQL endpoint, pushing to it, and serving the graph.

Owns: the Endpoint that every query and write goes through (:mod:`.endpoint`, over
:mod:`rusgraph.graph.transport`: one HTTP exchange under a deadline, credentials kept to
their host and given in the Digest or Basic scheme the store asks for,
:mod:`rusgraph.graph.auth`), reading its answers and errors (:mod:`.answers`), reading the
rusgraph graphs back (:mod:`.readback`), the compiled shapes run where the data lives
(:mod:`.shapes`), pushes atomic per graph (:mod:`.push`), and ``rusgraph serve``: the
Oxigraph server (:mod:`.server`) behind a read-only gate (:mod:`.gateway`).

Must not: send anything to a host other than the one the user named, or write local files.
"""
