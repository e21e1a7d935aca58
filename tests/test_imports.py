"""The package's import graph: no cycles, no module importing another's private names
(scripts/check_imports.py, with its short allow-list of what other branches still owe)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "check_imports.py"


def _checker():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("check_imports", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_rusgraph_has_no_import_cycle_and_no_private_import():
    run = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no import cycles" in run.stdout


def test_the_checker_finds_cycles_and_private_imports(tmp_path):
    pkg = tmp_path / "rusgraph"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import thing\n")
    (pkg / "b.py").write_text(textwrap.dedent("""
        def thing():
            from .a import _hidden   # lazy, still a dependency and a private name
            from . import c
            return c._secret
    """))
    (pkg / "c.py").write_text("_secret = 1\n")
    found = _checker().check(tmp_path, allowed=set())
    assert "cycle: rusgraph.a <-> rusgraph.b" in found
    assert "private: rusgraph.b imports rusgraph.a._hidden" in found
    assert "private: rusgraph.b reads rusgraph.c._secret" in found
    assert not any("rusgraph.c <->" in f for f in found)
