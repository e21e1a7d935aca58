"""Help is documentation: every command has --help with a summary and an example."""

from __future__ import annotations

import subprocess
import sys

import pytest

from rusgraph.cli import main

COMMANDS = sorted(main.commands)


def test_all_commands_present():
    assert {"validate", "report", "query", "export", "infer"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_has_example(runner, command):
    r = runner.invoke(main, [command, "--help"])
    assert r.exit_code == 0
    assert "Example" in r.output and f"rusgraph {command}" in r.output


def test_version(runner):
    import rusgraph

    r = runner.invoke(main, ["--version"])
    assert r.exit_code == 0 and rusgraph.__version__ in r.output


def test_help_does_not_import_heavy_libraries():
    code = ("import sys\nfrom rusgraph.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('rdflib', 'pyshacl', 'owlrl', 'SPARQLWrapper') if m in sys.modules]\n"
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    heavy = out.stdout.splitlines()[-1]  # the help text comes first; the last line lists heavy modules
    assert heavy == ""


def test_python_dash_m(tmp_path):
    out = subprocess.run([sys.executable, "-m", "rusgraph", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "validate" in out.stdout
