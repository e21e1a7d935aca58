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
    examples = subprocess.run(["git", "ls-files", "tests/data/shapes"], cwd=ROOT, capture_output=True, text=True)
    # the shapes' failing fixtures, which the atlas's rules page shows
    expected |= {f"rusgraph/_resources/shape-examples/{Path(p).name}" for p in examples.stdout.split()}
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
    where = subprocess.run([str(py), "-c", "import rusgraph, rusgraph.graph.resources as r; print(rusgraph.__file__); print(r.checkout_root())"],
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
    # the atlas: its assets, the vendored search with its licence, the shapes' failing examples
    r = subprocess.run([str(exe), "site", "-d", "site"], cwd=work, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    site = work / "site"
    assert (site / "vendor" / "minisearch.js").is_file() and (site / "vendor" / "LICENSE.minisearch").is_file()
    assert (site / "assets" / "site.js").is_file() and (site / "plan" / "030111" / "rusplan-2021-2024.nb.html").is_file()
    assert "MeasureTextShape--no-text.ttl" in (site / "shapes.nb.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The console script of the wheel installed in a fresh venv, and its environment."""
    env_dir = tmp_path_factory.mktemp("venv-planner")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, capture_output=True, text=True)
    return env_dir / "bin" / "rusgraph", {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def test_planners_path_from_the_wheel(installed, tmp_path):
    """Template, a filled Alna plan, validate, then the plan beside the five bundled ones."""
    from click.testing import CliRunner

    from .test_spreadsheet import ALNA, ALNA_ROWS, _fill

    exe, env = installed
    work = tmp_path / "fresh"
    work.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(exe), *args], cwd=work, env=env, capture_output=True, text=True)

    assert run("template", "-o", "template.xlsx").returncode == 0
    _fill(CliRunner(), work / "alna.xlsx", ALNA, ALNA_ROWS)  # filled in as a planner would
    r = run("validate", "alna.xlsx")
    assert r.returncode == 1 and "alna.xlsx: Bydel Alna (030112)" in r.stdout  # a violation: row 4 traces nowhere
    r = run("report", "coverage", "--with-bundled", "alna.xlsx", "--format", "csv")
    assert r.returncode == 0, r.stderr
    districts = {line.split(",")[0] for line in r.stdout.splitlines()[1:]}
    assert districts == {"Bydel Grünerløkka", "Bydel Frogner", "Bydel Ullern", "Bydel Grorud", "Bydel Stovner",
                         "Bydel Alna"}
    r = run("report", "district", "--param", "district=Alna", "--format", "html", "--with-bundled", "alna.xlsx",
            "-o", "alna.html")
    assert r.returncode == 0, r.stderr
    page = (work / "alna.html").read_text(encoding="utf-8")
    assert "Bydel Alna: Rusplan for Bydel Alna 2024-2027" in page
    from .test_browser import CHROMIUM, dump_dom

    if Path(CHROMIUM).is_file():  # and it renders
        assert "Tiltak per strategi" in dump_dom((work / "alna.html").as_uri())
