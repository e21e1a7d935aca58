"""Property-graph files: GraphML, GEXF, cytoscape.js JSON and nodes/edges CSV.

Owns: writing a :class:`~rusgraph.propertygraph.PropertyGraph` in each format as text
(CSV as a pair of texts). It is the only module that imports networkx (for GraphML and
GEXF, whose writers need every value to be a plain string, as the model guarantees). It
must not decide what becomes a node or an edge, nor write files.
"""

from __future__ import annotations

import io
import json
from typing import Any

from .formats import csv_writer
from .propertygraph import EDGE_KEYS, NODE_KEYS, PropertyGraph

def _hex_rgb(colour: str) -> dict[str, int]:
    c = colour.lstrip("#")
    return {"r": int(c[0:2], 16), "g": int(c[2:4], 16), "b": int(c[4:6], 16)}


def to_networkx(pg: PropertyGraph, *, gexf_viz: bool = False) -> Any:
    """A networkx MultiDiGraph: node ids are IRIs, edge keys are the edge ids."""
    import networkx as nx

    g = nx.MultiDiGraph(name="rusgraph")
    for n in pg.nodes:
        data = n.data()
        del data["id"]
        if gexf_viz:  # GEXF's own colour element, so Gephi colours by type on opening
            data["viz"] = {"color": {**_hex_rgb(n.colour), "a": 1.0}}
        g.add_node(n.id, **data)
    for e in pg.edges:
        data = e.data()
        for k in ("source", "target"):
            del data[k]
        g.add_edge(e.source, e.target, key=e.id, **data)
    return g


def graphml_text(pg: PropertyGraph) -> str:
    """GraphML (Gephi, yEd, Cytoscape desktop). Edge ids are the model's edge ids."""
    import networkx as nx

    return "\n".join(nx.generate_graphml(to_networkx(pg), encoding="utf-8", prettyprint=True)) + "\n"


def gexf_text(pg: PropertyGraph) -> str:
    """GEXF 1.2 (Gephi), with each node's colour as viz:color."""
    import networkx as nx

    return "\n".join(nx.generate_gexf(to_networkx(pg, gexf_viz=True), encoding="utf-8", prettyprint=True,
                                      version="1.2draft")) + "\n"


def cytoscape_elements(pg: PropertyGraph) -> dict[str, Any]:
    """cytoscape.js JSON: ``{"elements": {"nodes": [{"data": ...}], "edges": [...]}}``.

    Each node's data also carries ``name`` (= label), the column Cytoscape desktop's
    default style shows."""
    from . import __version__

    nodes = [{"data": {**n.data(), "name": n.label}} for n in pg.nodes]
    edges = [{"data": e.data()} for e in pg.edges]
    return {
        "format_version": "1.0",
        "generated_by": f"rusgraph {__version__}",
        "target_cytoscapejs_version": "~3.34",
        "data": {"name": "rusgraph", "lang": pg.lang},
        "elements": {"nodes": nodes, "edges": edges},
    }


def cytoscape_text(pg: PropertyGraph) -> str:
    return json.dumps(cytoscape_elements(pg), ensure_ascii=False, indent=1) + "\n"


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv_writer(buf, lineterminator="\r\n")
    w.writerows(rows)
    return buf.getvalue()


def node_columns(pg: PropertyGraph) -> list[str]:
    return [*NODE_KEYS, *pg.attribute_keys]


def csv_texts(pg: PropertyGraph) -> dict[str, str]:
    """{'nodes.csv': ..., 'edges.csv': ...}; nodes.csv has id, label, type, colour, types,
    then one column per attribute (empty where a node has none); edges.csv has id, source,
    target, label, relation, predicate, basis, reason, qualification, inferred."""
    cols = node_columns(pg)
    nodes = [cols] + [[n.data().get(c, "") for c in cols] for n in pg.nodes]
    edges = [list(EDGE_KEYS)] + [[e.data()[c] for c in EDGE_KEYS] for e in pg.edges]
    return {"nodes.csv": _csv(nodes), "edges.csv": _csv(edges)}

