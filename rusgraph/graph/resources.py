"""Find the bundled ontology, shapes, queries and data.

Owns: the resolution order (an explicit path, then the source checkout, then the copy
installed inside the wheel under ``rusgraph/_resources``). A checkout wins so an editable
install sees the live files, never hatchling's stale snapshot. It must not parse anything.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal

from ..errors import ResourceError

Kind = Literal["ontology", "shapes", "queries", "data"]
KINDS: tuple[str, ...] = ("ontology", "shapes", "queries", "data")


def checkout_root() -> Path | None:
    """The source checkout this package runs from, or None when installed from a wheel."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "ontology").is_dir():
        return root
    return None


def bundled_dir(kind: Kind) -> Path:
    """The directory holding the bundled resources of ``kind``."""
    if kind not in KINDS:
        raise ResourceError(f"unknown resource kind {kind!r}")
    root = checkout_root()
    if root is not None and (root / kind).is_dir():
        return root / kind
    installed = files("rusgraph") / "_resources" / kind
    if installed.is_dir():
        # Wheels are installed unpacked, so this Traversable is a real directory.
        return Path(str(installed))
    raise ResourceError(
        f"bundled {kind} not found",
        where=str(installed),
        hint="reinstall rusgraph, or pass the files explicitly on the command line",
    )


RDF_SUFFIXES: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json-ld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}


def rdf_files(directory: Path) -> list[Path]:
    """RDF files below ``directory``, sorted, recursive; READMEs and other files skipped."""
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in RDF_SUFFIXES)
