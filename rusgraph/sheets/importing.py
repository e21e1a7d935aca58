"""Importing a plan spreadsheet: a file in, its RDF out.

Owns: choosing the reader by suffix (rusgraph.sheets.xlsx, rusgraph.sheets.csvfile), and
ImportedPlan, the record, its RDF and the Locator of one imported file. It must not
interpret cells itself (rusgraph.sheets.record does) nor write files.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

from ..build.plans import plan_triples
from ..errors import BuildError
from .csvfile import read_csv
from .raw import RawPlan
from .record import Locator, to_record
from .template import sheet_error
from .vocab import Vocab, load_vocab
from .xlsx import read_xlsx

def read_raw(path: str | Path) -> RawPlan:
    p = Path(path)
    if not p.exists():
        raise sheet_error("file not found", str(p), "check the path")
    if p.is_dir():
        raise sheet_error("expected a file, got a directory", str(p))
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(p)
    if suffix == ".csv":
        return read_csv(p)
    raise sheet_error(f"cannot read {suffix or 'a file without suffix'} as a plan spreadsheet", str(p),
                 "use .xlsx or .csv (save .xls or .ods files as .xlsx)")


HEADER = ("# Imported by `rusgraph import` from {file}.\n"
          "# Edit the spreadsheet and import it again rather than editing this file.\n")


@dataclass
class ImportedPlan:
    """A plan spreadsheet read: its transcription record, where each part came from, and its
    RDF, written out as it is made (:meth:`write_turtle`) or held as an rdflib Graph
    (:attr:`graph`, built on first use: validation, reports and diff read it)."""

    path: Path
    record: dict[str, Any]
    locator: Locator
    vocab: Vocab

    @property
    def file(self) -> str:
        return self.locator.file

    @property
    def plan_iri(self) -> str:
        from ..graph.namespaces import district_plan_iri

        return district_plan_iri(self.record["district"], self.record["plan"]["slug"])

    def triples(self) -> Iterator[tuple[Any, Any, Any]]:
        """The plan's triples (rdflib terms) as build.plans makes them, measure by measure."""
        try:
            yield from plan_triples(self.record, self.vocab.ctx, name=self.file, require_lines=False)
        except BuildError as exc:  # the checks of the import should have caught it; never lose the place
            raise sheet_error(exc.message, exc.where or self.file, exc.hint) from None

    @cached_property
    def graph(self) -> Any:
        """The plan as an rdflib Graph (about 1.6 KiB a triple: for reading, not for large imports)."""
        from rdflib import Graph

        g = Graph()
        g.addN((s, p, o, g) for s, p, o in self.triples())
        return g

    def write_turtle(self, out: BinaryIO) -> None:
        """The plan as Turtle into ``out``, streamed: Oxigraph writes the triples as they are
        made, each subject's together, in the plan's order (head, then measure by measure),
        so memory does not grow with the rows (the graph is never held)."""
        import pyoxigraph as ox

        from ..graph.namespaces import PREFIXES

        out.write(HEADER.format(file=self.file).encode("utf-8"))
        ox.serialize(_ox_triples(self.triples()), out, ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))

    def turtle(self) -> str:
        buf = io.BytesIO()
        self.write_turtle(buf)
        return buf.getvalue().decode("utf-8")


def _ox_triples(triples: Iterable[tuple[Any, Any, Any]]) -> Iterator[Any]:
    """rdflib triples as Oxigraph's. IRIs (predicates, classes, the plan's nodes) repeat and
    are converted once; literals, nearly all different, are not kept."""
    import pyoxigraph as ox
    from rdflib import Literal

    named: dict[Any, Any] = {}
    NamedNode, OxLiteral, Triple = ox.NamedNode, ox.Literal, ox.Triple

    def iri(t: Any) -> Any:
        if len(named) > 200_000:  # a plan's own IRIs are many: keep the cache small
            named.clear()
        r = named[t] = NamedNode(t)
        return r

    def literal(t: Any) -> Any:
        if t.language:
            return OxLiteral(t, language=t.language)
        if t.datatype is not None:
            return OxLiteral(t, datatype=named.get(t.datatype) or iri(t.datatype))
        return OxLiteral(t)

    get = named.get
    for s, p, o in triples:
        yield Triple(get(s) or iri(s), get(p) or iri(p),
                     literal(o) if type(o) is Literal else (get(o) or iri(o)))


def import_plan(path: str | Path, *, vocab: Vocab | None = None) -> ImportedPlan:
    """Read a filled template (.xlsx or .csv) into its transcription record (links from the
    table stated); the RDF is made from the record when it is asked for."""
    raw = read_raw(path)
    vocab = vocab or load_vocab()
    record, loc = to_record(raw, vocab)
    return ImportedPlan(Path(path), record, loc, vocab)
