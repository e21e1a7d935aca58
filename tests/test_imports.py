"""The package's layout: no import cycles, no module importing another's private names, the
subpackages as layers, short modules, every subpackage saying what it owns
(scripts/check_imports.py, with its short allow-list of what is still being split)."""

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
    found = _checker().check(tmp_path, allowed=set(), layers=None)
    assert "cycle: rusgraph.a <-> rusgraph.b" in found
    assert "private: rusgraph.b imports rusgraph.a._hidden" in found
    assert "private: rusgraph.b reads rusgraph.c._secret" in found
    assert not any("rusgraph.c <->" in f for f in found)


def test_the_checker_finds_layer_breaks_long_modules_and_silent_subpackages(tmp_path):
    pkg = tmp_path / "rusgraph"
    for sub in ("graph", "reports"):
        (pkg / sub).mkdir(parents=True)
    (pkg / "__init__.py").write_text('"""The package."""\n')
    (pkg / "graph" / "__init__.py").write_text("")  # no docstring
    (pkg / "reports" / "__init__.py").write_text('"""Reports."""\n')
    (pkg / "graph" / "store.py").write_text("from ..reports.tables import table\n")  # graph reaching up
    (pkg / "reports" / "tables.py").write_text("from ..graph.store import x\n" + "table = 1\n" * 30)
    (pkg / "stray.py").write_text("")
    checker = _checker()
    layers = (("graph",), ("reports",), ("",))
    found = checker.check(tmp_path, allowed=set(), layers=layers, max_lines=20)
    assert "layer: rusgraph.graph.store imports rusgraph.reports.tables (a layer at or above its own; see LAYERS)" in found
    assert not any(f.startswith("layer: rusgraph.reports.tables imports") for f in found)  # downwards is fine
    assert "layer: rusgraph.stray belongs to no layer (add its subpackage to LAYERS)" in found
    assert "long: rusgraph.reports.tables has 31 lines (at most 20; split it by concern)" in found
    assert "docstring: rusgraph.graph does not say what it owns and must not do" in found
    assert not any("docstring: rusgraph.reports" in f for f in found)


def test_every_subpackage_of_rusgraph_is_in_a_layer():
    checker = _checker()
    tops = {p.name for p in (ROOT / "rusgraph").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    tops |= {p.stem for p in (ROOT / "rusgraph").glob("*.py") if p.stem != "__init__"}
    missing = [t for t in sorted(tops) if checker.layer_of(f"rusgraph.{t}.x") is None]
    assert not missing, f"add these to LAYERS in scripts/check_imports.py: {missing}"
