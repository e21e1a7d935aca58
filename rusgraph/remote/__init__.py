"""Remote stores: querying a SPARQL endpoint, pushing to it, and serving the graph.

Owns: queries and read-back against an endpoint (:mod:`.endpoint`, over
:mod:`rusgraph.graph.transport`: one HTTP exchange under a deadline with credentials kept to
their host), the compiled shapes run where the data lives (:mod:`.shapes`), pushes
atomic per graph (:mod:`.push`), and ``rusgraph serve``: the Oxigraph server
(:mod:`.server`) behind a read-only gate (:mod:`.gateway`).

Must not: send anything to a host other than the one the user named, or write local files.
"""
