"""The ``rusgraph`` command line: a thin click layer over the library API.

Owns: parsing options, calling one library function per command, choosing a writer,
picking the exit code (0 ok, 1 problems found, 2 could not run) and keeping stdout for
data only (:mod:`.group`); the shared options and loading (:mod:`.options`); the commands
by what they do (:mod:`.analyse`, :mod:`.files`, :mod:`.stores`). It must stay light at
import time: rdflib, pyshacl, owlrl and pyoxigraph are imported inside the commands that
need them, so ``rusgraph --help`` is fast. Must not: hold library logic; it is the only
code that imports click.
"""

from __future__ import annotations

from . import analyse, files, stores  # noqa: F401  (registers the commands on main)
from .group import main

__all__ = ["main"]
