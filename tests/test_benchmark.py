"""The benchmark runs at its tiny size, so it cannot rot: it prints its table and both
pipelines (fast and the rdflib/pySHACL/owlrl baseline) give the same answers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_tiny(tmp_path):
    out = tmp_path / "bench.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "tiny", "--infer", "--json", str(out),
         "--step-timeout", "300"],
        capture_output=True, text=True, cwd=str(tmp_path), timeout=900,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    text = run.stdout
    assert "size" in text and "base/fast" in text and "load+validate+reports" in text
    for step in ("load", "validate", "reports", "export", "infer"):
        assert f"  {step} " in text, step
    assert "same answers: validation same, reports same, export same, infer same" in text
    assert "equality checks: all passed" in text
    doc = json.loads(out.read_text())
    (result,) = doc["results"]
    assert result["size"] == "tiny" and result["measures"] == 60
    assert result["equal"] == {"validation": "same", "reports": "same", "export": "same", "infer": "same"}
    assert set(result["fast"]["steps"]) == {"load", "validate", "reports", "export", "site", "infer", "cli coverage",
                                            "store 1st coverage", "store 2nd coverage", "cli infer"}
    assert "[tiny] cli: ok" in text  # the three command-line runs printed the same rows
    assert result["fast"]["steps"]["validate"]["detail"]["Violation"] > 0  # broken on purpose
    assert result["fast"]["steps"]["site"]["detail"]["pages"] > 2 * 60  # every measure in nb and en, and more
    assert doc["machine"]["cpus"] and "loadavg_start" in doc["machine"]


def test_generator_is_deterministic(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    a, b = tmp_path / "a", tmp_path / "b"
    counts = generate.generate("tiny", a)
    assert counts == generate.generate("tiny", b)
    assert counts["measures"] == generate.SIZES["tiny"].measures and counts["broken"] > 0
    files = sorted(p.relative_to(a) for p in a.rglob("*.ttl"))
    assert files and files == sorted(p.relative_to(b) for p in b.rglob("*.ttl"))
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def test_report_timings_tiny(tmp_path):
    """benchmarks/reports.py times every report, and with --queries compares another
    version's rows: a copy of the queries in which coverage keeps one row is told apart."""
    import shutil

    other = tmp_path / "other"
    shutil.copytree(ROOT / "queries", other)
    (other / "coverage.rq").write_text((other / "coverage.rq").read_text() + "\nLIMIT 1\n")
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "reports.py"), "tiny", "--data", str(tmp_path / "tiny"),
         "--queries", str(other)],
        capture_output=True, text=True, cwd=str(tmp_path), timeout=600,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    lines = [ln for ln in run.stdout.splitlines() if " rows" in ln]
    names = {ln.split()[0] for ln in lines}
    assert {"coverage", "district", "measures", "untraced"} <= names
    assert any("district=030101" in ln for ln in lines if ln.startswith("measures"))
    assert [ln.split()[0] for ln in lines if "DIFFERENT rows" in ln] == ["coverage"]
    assert all("same rows" in ln for ln in lines if not ln.startswith("coverage"))
