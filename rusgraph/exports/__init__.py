"""Exports: the graph written for other tools.

Owns: RDF in every syntax with named graphs kept (:mod:`.writer`), the graph as a property
graph (:mod:`.propertygraph`) and its file formats, GraphML, GEXF, cytoscape.js JSON and
nodes/edges CSV (:mod:`.pgformats`), and the interactive graph page (:mod:`.graphpage`).

Must not: change the graph, run reports or validate.
"""
