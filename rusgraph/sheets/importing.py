"""Importing a plan spreadsheet: a file in, its RDF out.

Owns: choosing the reader by suffix (rusgraph.sheets.xlsx, rusgraph.sheets.csvfile), and
ImportedPlan, the record, its RDF and the Locator of one imported file. It must not
interpret cells itself (rusgraph.sheets.record does) nor write files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..build.files import to_turtle
from ..build.plans import plan_graph
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


@dataclass
class ImportedPlan:
    """A plan spreadsheet read and turned into RDF."""

    path: Path
    record: dict[str, Any]
    graph: Any  # rdflib.Graph
    locator: Locator

    @property
    def file(self) -> str:
        return self.locator.file

    @property
    def plan_iri(self) -> str:
        from ..graph.namespaces import district_plan_iri

        return district_plan_iri(self.record["district"], self.record["plan"]["slug"])

    def turtle(self) -> str:
        return (f"# Imported by `rusgraph import` from {self.file}.\n"
                f"# Edit the spreadsheet and import it again rather than editing this file.\n"
                + to_turtle(self.graph))


def import_plan(path: str | Path, *, vocab: Vocab | None = None) -> ImportedPlan:
    """Read a filled template (.xlsx or .csv) and build its RDF (links from the table stated)."""
    raw = read_raw(path)
    vocab = vocab or load_vocab()
    record, loc = to_record(raw, vocab)
    try:
        graph = plan_graph(record, vocab.ctx, name=raw.file, require_lines=False)
    except BuildError as exc:  # the checks above should have caught it; never lose the place
        raise sheet_error(exc.message, exc.where or raw.file, exc.hint) from None
    return ImportedPlan(Path(path), record, graph, loc)
