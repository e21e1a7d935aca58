"""The compiled validation engine: SHACL shapes as set-at-a-time SPARQL on a store.

Owns: answering SHACL validation with pySHACL's results by compiling the shapes into one
query per constraint for all focus nodes at once, instead of pySHACL's Python loop per focus
node. By concern, as the SHACL spec's chapters run:

- :mod:`.components`: SHACL Core components as conditions on a value node, paths as SPARQL
  paths;
- :mod:`.sparql`: SPARQL-based constraints rewritten to run for all focus nodes;
- :mod:`.plan`: which shapes graphs are compiled, and the plan for them;
- :mod:`.evaluation`: the plan's queries run on a store (local or an endpoint);
- :mod:`.report`: the results as ValidationResults and pySHACL's report graph;
- :mod:`.inoculation`: the ontology triples pySHACL mixes into its data graph;
- :mod:`.on_store`: the entry for the local Oxigraph store.

Semantics kept from pySHACL 0.40 (tests/test_fastpath.py and tests/test_user_shapes.py hold
the results to plain pySHACL's):

- the data graph is data + inferred + pySHACL's inoculation of the ontology;
- value nodes are sets (one result per distinct focus/value pair);
- ``sh:uniqueLang`` and ``sh:hasValue`` give results without ``sh:value``; the cardinality
  and qualified cardinality components give one result per focus node without a value;
- ``sh:datatype`` on a literal whose datatype matches asks rdflib whether it is ill-typed
  (rdflib checks no lexical form for xsd:gYear and xsd:gYearMonth, so neither does this);
- ``sh:lessThan(OrEquals)`` compares rdflib values with Python's operators (a TypeError is
  the same error pySHACL raises).

Must not: import pySHACL (apart from raising its ReportableRuntimeError where pySHACL would),
load data, or guess: a shapes graph it cannot answer exactly as pySHACL does gets no plan,
and :mod:`rusgraph.validation.validator` hands it to pySHACL.
"""
