"""The wheel carries the ontology, shapes, queries and data, and its console script works
from a fresh virtual environment (outside the checkout)."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow

KINDS = ("ontology", "shapes", "queries", "data")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True)
    wheels = list(out.glob("rusgraph-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_mirrors_the_resource_dirs(wheel):
    tracked = subprocess.run(["git", "ls-files", *KINDS], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0 or not tracked.stdout.strip():
        pytest.skip("not a git checkout: cannot list the tracked resource files")
    expected = {f"rusgraph/_resources/{p}" for p in tracked.stdout.split()}
    with zipfile.ZipFile(wheel) as z:
        names = {n for n in z.namelist() if n.startswith("rusgraph/_resources/")}
    assert expected <= names
    assert {n for n in names if not n.endswith("/")} - expected == set()


def test_installed_wheel_runs_outside_the_checkout(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    # a clean venv: the wheel and its declared dependencies, as a user would install them
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True, text=True)
    exe = env_dir / "bin" / "rusgraph"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    work = tmp_path / "elsewhere"
    work.mkdir()
    # the package must be the installed copy, not the checkout
    where = subprocess.run([str(py), "-c", "import rusgraph, rusgraph.resources as r; print(rusgraph.__file__); print(r.checkout_root())"],
                           cwd=work, env=env, capture_output=True, text=True, check=True)
    assert str(env_dir) in where.stdout.splitlines()[0]
    assert where.stdout.splitlines()[1] == "None"
    # a plain install runs the Oxigraph store (pyoxigraph is a dependency, not an extra)
    store = subprocess.run([str(py), "-c", "import rusgraph; kg = rusgraph.load(); "
                            "print(type(kg.backing).__name__, type(kg.backing.store).__module__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True)
    assert store.stdout.split() == ["Backing", "pyoxigraph"]
    r = subprocess.run([str(exe), "--help"], cwd=work, env=env, capture_output=True, text=True)
    assert r.returncode == 0 and "validate" in r.stdout
    r = subprocess.run([str(exe), "report", "coverage", "--format", "csv"], cwd=work, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "district,strategy,placed,stated,curated,measures"
    # five districts with plans x the city's three strategies, and Ullern's own fourth
    assert len(lines) == 1 + 5 * 3 + 1
