"""Export the graph as RDF (named graphs kept where the format can carry them), as a
property graph (GraphML, GEXF, cytoscape.js JSON, nodes/edges CSV) or as an interactive
HTML page.

Owns: choosing what to export (data, optionally the ontology and inferred triples, or one
district's slice), dispatching to the serialiser of each format, and writing the result
atomically (a file, a .zip, or a directory for CSV). It must not parse options or print.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from rdflib import Graph, URIRef

from ..errors import RusgraphError
from ..outputs.rdf import GRAPH_ALIASES, GRAPH_FORMATS, graph_format, serialize_graph
from ..graph.knowledge import INFERRED_GRAPH, ONTOLOGY_GRAPH, KnowledgeGraph
from ..graph.namespaces import bind_prefixes

PG_FORMATS: tuple[str, ...] = ("graphml", "gexf", "cytoscape", "csv", "neo4j")
# Formats that are several files, written to a directory or a .zip: plain CSV, and CSV with
# neo4j-admin import headers (plus kuzu.cypher), which neo4j-admin and Kuzu load as is.
MULTI_FILE: tuple[str, ...] = ("csv", "neo4j")
EXPORT_FORMATS: tuple[str, ...] = (*GRAPH_FORMATS, *PG_FORMATS, "html")
EXPORT_ALIASES: dict[str, str] = {**GRAPH_ALIASES, "cyjs": "cytoscape", "cytoscape.js": "cytoscape",
                                  "neo4j-csv": "neo4j", "neo4j-admin": "neo4j", "kuzu": "neo4j"}
SUFFIXES: dict[str, str] = {**{k: v.suffix for k, v in GRAPH_FORMATS.items()}, "graphml": ".graphml",
                            "gexf": ".gexf", "cytoscape": ".cyjs", "csv": ".zip", "neo4j": ".zip",
                            "html": ".html"}


def export_format(name: str) -> str:
    """The canonical name of an export format or alias ('rdfxml' -> 'xml')."""
    name = name.strip().lower()
    name = EXPORT_ALIASES.get(name, name)
    if name not in EXPORT_FORMATS:
        raise RusgraphError(f"unknown export format {name!r}", hint="use one of " + ", ".join(EXPORT_FORMATS))
    return name


def _scope(kg: KnowledgeGraph, district: str | None) -> KnowledgeGraph:
    if not district:
        return kg
    from ..graph.districts import district_slice

    return district_slice(kg, district)


def export(kg: KnowledgeGraph, fmt: str = "turtle", *, with_inferred: bool = False,
           with_ontology: bool = True, district: str | None = None, lang: str = "nb") -> str:
    """The graph as text in ``fmt`` (any of EXPORT_FORMATS but csv, which is two files:
    see :func:`export_files`).

    Quad formats (trig, nquads) keep one named graph for the ontology, one per data part
    and, only when asked, one for inferred triples. json-ld is compact, with rusgraph's
    context (``rusgraph/context.jsonld``) inlined. Property-graph formats and html show the
    data only (labels in ``lang``); the ontology lends them labels and types. ``district``
    (a name or SSB code) keeps that district's slice (see :mod:`rusgraph.graph.districts`).
    """
    fmt = export_format(fmt)
    if fmt in MULTI_FILE:
        raise RusgraphError(f"the {fmt} export is several files (nodes.csv, edges.csv, ...)",
                            hint="write it to a directory or a .zip file")
    kg = _scope(kg, district)
    if fmt in PG_FORMATS or fmt == "html":
        from .propertygraph import property_graph

        pg = property_graph(kg, lang=lang, with_inferred=with_inferred)
        if fmt == "html":
            from .graphpage import STRINGS, graph_page

            title = STRINGS.get(lang, STRINGS["en"])["title"]
            if district:
                from ..graph.districts import district_label

                title += f" · {district_label(kg, district)}"
            return graph_page(pg, lang=lang, title=title)
        from . import pgformats

        writer = {"graphml": pgformats.graphml_text, "gexf": pgformats.gexf_text,
                  "cytoscape": pgformats.cytoscape_text}[fmt]
        return writer(pg)
    gf = graph_format(fmt)
    if gf.name == "nt" and _nt_from_store(kg, with_ontology):  # straight from the Oxigraph store: same triples
        from ..graph.engine import ntriples

        return ntriples(kg, with_inferred=with_inferred)
    if gf.quads:
        ds = kg.dataset(with_inferred=with_inferred)
        if not with_ontology:
            ds.remove_graph(ds.graph(ONTOLOGY_GRAPH))
        return serialize_graph(ds, gf.name)
    g = bind_prefixes(Graph())
    if with_ontology:
        g += kg.ontology
    g += kg.data
    if with_inferred:
        g += kg.inferred
    if gf.name == "json-ld":
        from ..graph.jsonld import to_jsonld

        return to_jsonld(g)
    return serialize_graph(g, gf.name)


def _nt_from_store(kg: KnowledgeGraph, with_ontology: bool) -> bool:
    return with_ontology


def export_files(kg: KnowledgeGraph, fmt: str, *, with_inferred: bool = False, with_ontology: bool = True,
                 district: str | None = None, lang: str = "nb") -> dict[str, str]:
    """The export as {file name: text}: nodes.csv and edges.csv for csv, else one file
    named ``rusgraph`` plus the format's suffix."""
    fmt = export_format(fmt)
    if fmt in MULTI_FILE:
        from .pgformats import csv_texts, neo4j_csv_texts
        from .propertygraph import property_graph

        writer = csv_texts if fmt == "csv" else neo4j_csv_texts
        return writer(property_graph(_scope(kg, district), lang=lang, with_inferred=with_inferred))
    text = export(kg, fmt, with_inferred=with_inferred, with_ontology=with_ontology, district=district, lang=lang)
    return {"rusgraph" + SUFFIXES[fmt]: text}


def write_export(kg: KnowledgeGraph, fmt: str, output: str | Path, *, with_inferred: bool = False,
                 with_ontology: bool = True, district: str | None = None, lang: str = "nb") -> list[Path]:
    """Write the export to ``output`` atomically and return the paths written.

    csv goes to a .zip file (nodes.csv and edges.csv inside) when ``output`` ends in .zip,
    else to the directory ``output``: a new directory appears whole (written beside it,
    then renamed); in an existing one each of the two files is replaced atomically and
    other files are left alone. Every other format is one file."""
    from ..outputs.atomic import atomic_writer, write_bytes_atomic, write_files_atomic, write_text_atomic

    fmt = export_format(fmt)
    out = Path(output)
    if fmt not in MULTI_FILE and out.is_dir():
        raise RusgraphError("the output is a directory", where=str(out), hint="give a file name")
    if fmt == "nt" and not district and _nt_from_store(kg, with_ontology):
        from ..graph.engine import dump_ntriples

        with atomic_writer(out, "wb") as fh:  # streamed from the store
            dump_ntriples(kg, fh, with_inferred=with_inferred)
        return [out]
    files = export_files(kg, fmt, with_inferred=with_inferred, with_ontology=with_ontology,
                         district=district, lang=lang)
    if fmt not in MULTI_FILE:
        write_text_atomic(out, next(iter(files.values())))
        return [out]
    if out.suffix.lower() == ".zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for name, text in files.items():
                info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))  # stable bytes for the same graph
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, text.encode("utf-8"))
        write_bytes_atomic(out, buf.getvalue())
        return [out]
    if out.exists() and not out.is_dir():
        raise RusgraphError(f"the {fmt} export needs a directory or a .zip file, and this is a file", where=str(out),
                            hint="give a directory (it is created) or a name ending in .zip")
    return write_files_atomic(out, {name: text.encode("utf-8") for name, text in files.items()})


__all__ = ["export", "export_files", "write_export", "export_format", "EXPORT_FORMATS", "INFERRED_GRAPH",
           "ONTOLOGY_GRAPH", "URIRef"]
