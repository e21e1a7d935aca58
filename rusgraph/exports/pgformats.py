"""Property-graph files: GraphML, GEXF, cytoscape.js JSON and nodes/edges CSV.

Owns: writing a :class:`~rusgraph.exports.propertygraph.PropertyGraph` in each format as text
(CSV as a pair of texts). It is the only module that imports networkx (for GraphML and
GEXF, whose writers need every value to be a plain string, as the model guarantees). It
must not decide what becomes a node or an edge, nor write files.
"""

from __future__ import annotations

import io
import json
from typing import Any

from ..outputs.cells import csv_writer, raw_cells
from .propertygraph import EDGE_KEYS, NODE_KEYS, PropertyGraph

def _hex_rgb(colour: str) -> dict[str, int]:
    c = colour.lstrip("#")
    return {"r": int(c[0:2], 16), "g": int(c[2:4], 16), "b": int(c[4:6], 16)}


def to_networkx(pg: PropertyGraph, *, gexf_viz: bool = False) -> Any:
    """A networkx MultiDiGraph: node ids are IRIs, edge keys are the edge ids.

    For GraphML (``gexf_viz`` False) an edge carries no ``id`` attribute: its key is already
    the GraphML edge's id, and a data key of the same name makes igraph warn and rename it.
    GEXF's writer takes the edge id from that attribute."""
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
        for k in ("source", "target") if gexf_viz else ("source", "target", "id"):
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
    from .. import __version__

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



# ------------------------------------------------- neo4j-admin import CSV (also Kuzu's COPY FROM)

LINE_SEPARATOR = "\u2028"  # stands for a line break inside a value: no field spans two lines
_NEO4J_TYPES = {"long": "long", "double": "double", "boolean": "boolean"}
_KUZU_TYPES = {"long": "INT64", "double": "DOUBLE", "boolean": "BOOLEAN"}
NEO4J_EDGE_COLUMNS = ("id", "label", "relation", "predicate", "basis", "reason", "qualification", "inferred")


def _one_line(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", LINE_SEPARATOR)


def neo4j_csv_texts(pg: PropertyGraph) -> dict[str, str]:
    """nodes.csv and edges.csv with neo4j-admin import headers, and kuzu.cypher.

    nodes.csv: ``id:ID``, ``:LABEL`` (``Resource`` and the node's type), label, type,
    colour, types, then one column per attribute, typed ``:long``/``:double``/``:boolean``
    where every value is an RDF literal of that kind. edges.csv: ``:START_ID``, ``:END_ID``,
    ``:TYPE`` (the relation's short name), then id, label, relation, predicate, basis,
    reason, qualification, ``inferred:boolean``. Line breaks inside values are written as
    U+2028, so every record is one line (neo4j-admin needs no --multiline-fields, Kuzu no
    PARALLEL=false). kuzu.cypher creates the two tables with the columns in file order and
    copies the files in (one statement per line, paths relative to the directory). Cells are
    written as they are (no spreadsheet formula guard: the loaders take text literally)."""
    attrs = pg.attribute_keys
    node_head = ["id:ID", ":LABEL", "label", "type", "colour", "types"]
    node_head += [f"{k}:{_NEO4J_TYPES[pg.value_types[k]]}" if k in pg.value_types else k for k in attrs]
    nodes = [node_head]
    for n in pg.nodes:
        labels = "Resource" if n.type == "Resource" else f"Resource;{n.type}"
        nodes.append([n.id, labels, *(_one_line(v) for v in (n.label, n.type, n.colour, n.types)),
                      *(_one_line(n.attrs.get(k, "")) for k in attrs)])
    edge_head = [":START_ID", ":END_ID", ":TYPE", *NEO4J_EDGE_COLUMNS[:-1], "inferred:boolean"]
    edges = [edge_head] + [[e.source, e.target, e.relation, *(_one_line(getattr(e, k)) for k in NEO4J_EDGE_COLUMNS)]
                           for e in pg.edges]
    node_cols = ["id STRING", "labels STRING", "label STRING", "type STRING", "colour STRING", "types STRING"]
    node_cols += [f"`{k}` {_KUZU_TYPES.get(pg.value_types.get(k, ''), 'STRING')}" for k in attrs]
    edge_cols = ["type STRING", *(f"`{k}` STRING" for k in NEO4J_EDGE_COLUMNS[:-1]), "inferred BOOLEAN"]
    kuzu = [
        f"CREATE NODE TABLE Resource({', '.join(node_cols)}, PRIMARY KEY(id));",
        f"CREATE REL TABLE Link(FROM Resource TO Resource, {', '.join(edge_cols)});",
        "COPY Resource FROM 'nodes.csv' (header=true);",
        "COPY Link FROM 'edges.csv' (header=true);",
    ]
    with raw_cells():  # files for a database loader, not a spreadsheet: values exactly as they are
        files = {"nodes.csv": _csv(nodes), "edges.csv": _csv(edges)}
    return {**files, "kuzu.cypher": "\n".join(kuzu) + "\n"}
