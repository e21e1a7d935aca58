"""Benchmark rusgraph's fast path against the plain rdflib/pySHACL/owlrl baseline.

    python benchmarks/run.py --sizes oslo,national,100k
    python benchmarks/run.py --sizes tiny,oslo --infer --json results.json

For each size it generates synthetic plans (benchmarks/generate.py, seeded) under the
bundled upper levels, then runs the pipeline load -> validate -> every canned report
(district with --param district=030101) -> export (N-Triples) -> site (the atlas, as
`rusgraph site` writes it, fast pipeline only: its detail gives the pages written and the
CPU seconds of all its workers; benchmarks/site.py times it alone) -> [OWL-RL inference with --infer]
twice, each in a fresh child process:

- fast: what rusgraph runs by default when pyoxigraph is installed (Oxigraph store, SHACL
  compiled to SPARQL on it, OWL 2 RL by rusgraph.inference.rules, the ontology's fragment compiled);
- baseline: the reference engines, chosen explicitly: ``sources.load_with_rdflib`` (rdflib
  parse), ``validate(engine="reference")`` (plain pySHACL, inference none),
  ``run_query(engine="reference")`` (rdflib SPARQL), rdflib's N-Triples serializer and
  ``infer(engine="reference")`` (owlrl). It runs up to --baseline-max
  measures (default: Oslo size) and gives up a step after --step-timeout seconds.

Measurement: wall time per step with time.perf_counter; memory as the peak resident set
size of the child process during the step: Linux's VmHWM, reset before each step by writing
5 to /proc/self/clear_refs, so a step's figure is its own high-water mark (what the process
held before the step, such as the loaded store, plus what the step adds). Where that cannot
be reset it is resource.getrusage's ru_maxrss, the pipeline's high-water mark so far. One
child per engine and size, not per step: the steps share the loaded graph (the store cannot
cross a process boundary), and a fresh child per pipeline keeps one engine's memory and
rdflib's global state out of the other's. tracemalloc is not used: it does not see
Oxigraph's and reasonable's Rust allocations and slows Python's own several times.

Both children write their answers (validation result keys, report rows, the inferred
triples' digest, the exported triples' digest); the parent checks they are equal and prints
a table with the ratio baseline/fast.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import queue
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py)
from memory import peak_mib, reset_peak  # noqa: E402  (benchmarks/memory.py)

DISTRICT_PARAM = "030101"  # Gamle Oslo: has a plan at every size
STEPS = ("load", "validate", "reports", "export", "site", "infer", "cli coverage", "store 1st coverage",
         "store 2nd coverage", "cli infer")
CLI_STEPS = STEPS[6:]


# ------------------------------------------------------------------------------ child


def _emit(**kw: object) -> None:
    print(json.dumps(kw), flush=True)


def child(engine: str, data: Path, out: Path, infer: bool) -> int:
    """Run the pipeline once; one JSON line per step on stdout; answers into ``out``."""
    import logging

    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)  # the broken deadlines on purpose
    import rusgraph
    from rusgraph.graph import engine as eng
    from rusgraph.reports.queries import list_queries, run_query
    from rusgraph.graph.resources import bundled_dir
    from rusgraph.graph.sources import bundled_data_sources, load_with_rdflib

    which = "reference" if engine == "baseline" else "fast"
    answers: dict[str, object] = {"engine": eng.describe() if which == "fast" else "rdflib, pyshacl, owlrl"}
    out.write_text(json.dumps(answers))

    reset_peak()
    t = time.perf_counter()
    sources = [*bundled_data_sources(upper_only=True), data]
    if which == "fast":
        kg = rusgraph.load(sources)
    else:
        kg = load_with_rdflib(sources, ontology=[bundled_dir("ontology")], shapes=[bundled_dir("shapes")])
        kg.data  # noqa: B018 (the rdflib graph every reference step reads, built here as before)
    _emit(step="load", seconds=time.perf_counter() - t, rss=peak_mib())

    reset_peak()
    t = time.perf_counter()
    report = rusgraph.validate(kg, engine=which)
    _emit(step="validate", seconds=time.perf_counter() - t, rss=peak_mib(), detail=report.counts())
    answers["validation"] = sorted([list(r.key()) for r in report.results], key=lambda k: [str(x) for x in k])
    out.write_text(json.dumps(answers))

    rows: dict[str, list] = {}
    each: dict[str, float] = {}
    reset_peak()
    t = time.perf_counter()
    for q in list_queries():
        params = {"district": DISTRICT_PARAM} if q.params else {}
        t1 = time.perf_counter()
        result = run_query(kg, q, params, lang="nb", engine=which)
        each[q.name] = time.perf_counter() - t1
        rows[q.name] = result.as_strings()
    _emit(step="reports", seconds=time.perf_counter() - t, rss=peak_mib(), detail=each,
          rows={k: len(v) for k, v in rows.items()})
    answers["reports"] = rows
    out.write_text(json.dumps(answers))

    # export as `rusgraph export --format nt -o FILE` does it
    from rusgraph.exports.writer import write_export

    target = out.with_name(out.stem + "-export.nt")
    reset_peak()
    t = time.perf_counter()
    if which == "fast":
        write_export(kg, "nt", target)
    else:  # rdflib's own serializer
        from rdflib import Graph

        g = Graph()
        g += kg.ontology
        g += kg.data
        g.serialize(target, format="nt", encoding="utf-8")
    seconds = time.perf_counter() - t
    rss = peak_mib()  # before the digest below, which is the benchmark's, not the pipeline's
    answers["export"] = _nt_digest(target.read_text(encoding="utf-8"))
    target.unlink()
    _emit(step="export", seconds=seconds, rss=rss, detail={"triples": answers["export"][0]})
    out.write_text(json.dumps(answers))

    if engine == "fast":  # the atlas, as `rusgraph site -d DIR` writes it (pages in forked workers)
        from rusgraph.site.atlas import build_site

        site_dir = out.with_name(out.stem + "-site")
        cpu = lambda: sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)  # noqa: E731
                          for f in ("ru_utime", "ru_stime"))
        reset_peak()
        c, t = cpu(), time.perf_counter()
        site = build_site(kg, site_dir)
        seconds = time.perf_counter() - t
        _emit(step="site", seconds=seconds, rss=peak_mib(), detail={"pages": site.pages, "files": site.files,
                                                                    "cpu_seconds": round(cpu() - c, 2)})
        shutil.rmtree(site_dir, ignore_errors=True)

    if infer:
        reset_peak()
        t = time.perf_counter()
        with_inferred = rusgraph.infer(kg, "owlrl", engine=which)
        seconds = time.perf_counter() - t
        rss = peak_mib()  # before the digest below (it reads the inferred triples into rdflib terms)
        lines = sorted(" ".join(term.n3() for term in triple) for triple in with_inferred.inferred)
        answers["infer"] = [len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()]
        _emit(step="infer", seconds=seconds, rss=rss, detail={"triples": len(lines)})
        out.write_text(json.dumps(answers))
    _emit(step="done")
    return 0


def _nt_digest(text: str) -> list:
    """(triples, sha256 of the sorted canonical N-Triples lines): equal for equal graphs
    whatever the serialiser's order, escaping and blank-node labels (the few triples with
    blank nodes, from the ontology, are canonicalised with RDFC-1.0)."""
    import pyoxigraph as ox

    lines, with_bnodes = [], []
    for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            with_bnodes.append(t)
        else:
            lines.append(str(t))
    if with_bnodes:
        ds = ox.Dataset(with_bnodes)
        ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        lines += [str(q) for q in ds]
    lines.sort()
    return [len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()]


# ----------------------------------------------------------------------------- parent


def run_child(engine: str, data: Path, out: Path, infer: bool, step_timeout: float) -> dict:
    """Run one pipeline in a child process; kill it if a step takes longer than step_timeout."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", engine, "--data", str(data), "--out", str(out)]
    if infer:
        cmd.append("--infer")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT))
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout] + [lines.put(None)], daemon=True).start()
    err: list[str] = []
    threading.Thread(target=lambda: err.extend(proc.stderr), daemon=True).start()
    steps: dict[str, dict] = {}
    status = "ok"
    started = time.perf_counter()
    while True:
        try:
            line = lines.get(timeout=step_timeout)
        except queue.Empty:
            proc.kill()
            status = f"timeout (a step ran over {step_timeout:.0f} s)"
            break
        if line is None:
            break
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("step") == "done":
            continue
        steps[msg["step"]] = msg
    proc.wait()
    if status == "ok" and proc.returncode != 0:
        status = f"failed (exit {proc.returncode}): " + "".join(err)[-600:]
    answers = json.loads(out.read_text()) if out.exists() else {}
    return {"status": status, "steps": steps, "answers": answers, "wall": time.perf_counter() - started}


def cli_runs(data: Path, work: Path, infer: bool = False) -> dict:
    """``rusgraph report coverage`` as a user runs it, each in its own process (wall time,
    Python's start included): once without a store, then twice with ``--store DIR`` (the
    first run fills the store, the second answers from it). The three outputs must match.
    With ``infer``, then ``rusgraph infer --format nt -o FILE`` (OWL-RL) in a process of its
    own: its peak memory is inference's alone, not the pipeline's after the atlas."""
    store = work / "store"
    shutil.rmtree(store, ignore_errors=True)
    upper = ROOT / "data" / "upper"
    base = [sys.executable, "-m", "rusgraph"]
    args = ["report", "coverage", "--format", "csv", str(upper), str(data)]
    steps: dict[str, dict] = {}
    outputs = []
    inferred = work / "inferred.nt"
    runs = [("cli coverage", base + args), ("store 1st coverage", base + ["--store", str(store)] + args),
            ("store 2nd coverage", base + ["--store", str(store)] + args)]
    if infer:
        runs.append(("cli infer", base + ["infer", "--profile", "owlrl", "--format", "nt", "-o", str(inferred),
                                          str(upper), str(data)]))
    for name, cmd in runs:
        t = time.perf_counter()
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, cwd=str(ROOT))
            _pid, status, usage = os.wait4(proc.pid, 0)  # this process's own peak RSS
            seconds = time.perf_counter() - t
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            if proc.returncode != 0:
                return {"status": f"{name} failed (exit {proc.returncode}): {err.read()[-600:]}", "steps": steps}
            outputs.append(out.read())
        steps[name] = {"step": name, "seconds": seconds, "rss": usage.ru_maxrss / 1024.0}
    shutil.rmtree(store, ignore_errors=True)
    inferred.unlink(missing_ok=True)
    same = outputs[0] == outputs[1] == outputs[2]
    return {"status": "ok" if same else "DIFFERENT outputs with --store", "steps": steps}


def compare(fast: dict, base: dict) -> dict[str, str]:
    """Equality of each answer both pipelines gave: 'same', 'DIFFERENT' or 'n/a'."""
    out = {}
    fa, ba = fast["answers"], base["answers"]
    for key in ("validation", "reports", "export", "infer"):
        if key not in fa or key not in ba:
            out[key] = "n/a"
            continue
        if key == "reports":
            diff = [name for name in sorted(set(fa[key]) | set(ba[key])) if fa[key].get(name) != ba[key].get(name)]
            out[key] = "same" if not diff else "DIFFERENT: " + ", ".join(diff)
        else:
            out[key] = "same" if fa[key] == ba[key] else "DIFFERENT"
    return out


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        with open("/proc/meminfo") as fh:
            info["memory_gib"] = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    for pkg in ("rdflib", "pyshacl", "owlrl", "pyoxigraph", "reasonable"):
        try:
            info[pkg] = version(pkg)
        except PackageNotFoundError:
            info[pkg] = None
    return info


def _fmt_s(step: dict | None) -> str:
    return "-" if not step else f"{step['seconds']:.2f}"


def _fmt_m(step: dict | None) -> str:
    return "-" if not step else f"{step['rss']:.0f}"


def table(results: list[dict]) -> str:
    head = ("size", "measures", "step", "fast s", "fast MiB", "base s", "base MiB", "base/fast")
    rows = [head]
    for r in results:
        steps = [s for s in STEPS if s in r["fast"]["steps"] or (r.get("baseline") and s in r["baseline"]["steps"])]
        total_f = total_b = 0.0
        complete_b = r.get("baseline") is not None
        for s in steps:
            f = r["fast"]["steps"].get(s)
            b = (r.get("baseline") or {}).get("steps", {}).get(s)
            ratio = f"{b['seconds'] / f['seconds']:.0f}x" if f and b and f["seconds"] > 0 else "-"
            rows.append((r["size"], f"{r['measures']:,}", s, _fmt_s(f), _fmt_m(f), _fmt_s(b), _fmt_m(b), ratio))
            if s in ("load", "validate", "reports"):
                total_f += f["seconds"] if f else 0.0
                if b:
                    total_b += b["seconds"]
                else:
                    complete_b = False
        ratio = f"{total_b / total_f:.0f}x" if complete_b and total_f else "-"
        core = ("load", "validate", "reports")
        peak = lambda run: max((x["rss"] for k, x in run["steps"].items() if k in core), default=0)  # noqa: E731
        rows.append((r["size"], f"{r['measures']:,}", "load+validate+reports", f"{total_f:.2f}",
                     f"{peak(r['fast']):.0f}", f"{total_b:.2f}" if complete_b else "-",
                     f"{peak(r['baseline']):.0f}" if complete_b else "-", ratio))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(head))]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(str(c).rjust(w) if j >= 3 or j == 1 else str(c).ljust(w) for j, (c, w) in enumerate(zip(row, widths))))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="oslo", help="Comma-separated: " + ", ".join(generate.SIZES) + " (default oslo).")
    ap.add_argument("--infer", action="store_true", help="Also time OWL-RL inference (rusgraph.inference.rules vs owlrl).")
    ap.add_argument("--infer-max", type=int, default=100000,
                    help="Largest size (measures) to infer at (default 100,000).")
    ap.add_argument("--baseline", choices=("auto", "always", "never"), default="auto",
                    help="auto: run the baseline up to --baseline-max measures.")
    ap.add_argument("--baseline-max", type=int, default=1100, help="Largest size (measures) for the baseline in auto mode.")
    ap.add_argument("--step-timeout", type=float, default=900.0, help="Give up a pipeline when one step runs longer (s).")
    ap.add_argument("--json", type=Path, help="Also write all results as JSON here.")
    ap.add_argument("--workdir", type=Path, help="Where to generate data (default: a temporary directory).")
    ap.add_argument("--keep", action="store_true", help="Keep the generated data.")
    ap.add_argument("--seed", type=int, default=generate.SEED)
    ap.add_argument("--no-cli", action="store_true",
                    help="Skip the command-line runs of report coverage (without and with --store).")
    ap.add_argument("--child", choices=("fast", "baseline"), help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args.child, args.data, args.out, args.infer)

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in generate.SIZES]
    if unknown:
        ap.error(f"unknown size(s) {', '.join(unknown)}; use {', '.join(generate.SIZES)}")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="rusgraph-bench-"))
    info = machine()
    info["loadavg_start"] = [round(x, 2) for x in os.getloadavg()]
    print(f"machine: {info['cpus']} CPUs, {info.get('memory_gib', '?')} GiB, Python {info['python']}; "
          f"load average at start {info['loadavg_start']}", flush=True)
    print("versions: " + ", ".join(f"{k} {info[k]}" for k in ("rdflib", "pyshacl", "owlrl", "pyoxigraph", "reasonable")),
          flush=True)
    results = []
    ok = True
    try:
        for size in sizes:
            sz = generate.SIZES[size]
            data = work / size
            t = time.perf_counter()
            counts = generate.generate(size, data, seed=args.seed)
            gen_s = time.perf_counter() - t
            print(f"\n[{size}] generated {counts['measures']:,} measures ({counts['broken']} broken) in "
                  f"{counts['plans']} plans in {gen_s:.1f} s", flush=True)
            infer = args.infer and sz.measures <= args.infer_max
            if args.infer and not infer:
                print(f"[{size}] inference skipped ({sz.measures:,} measures > --infer-max {args.infer_max})", flush=True)
            fast = run_child("fast", data, work / f"{size}-fast.json", infer, args.step_timeout)
            print(f"[{size}] fast: {fast['status']}, " + ", ".join(
                f"{k} {v['seconds']:.2f} s" for k, v in fast["steps"].items()), flush=True)
            if not args.no_cli:
                cli = cli_runs(data, work, infer)
                print(f"[{size}] cli: {cli['status']}, " + ", ".join(
                    f"{k} {v['seconds']:.2f} s" for k, v in cli["steps"].items()), flush=True)
                fast["steps"].update(cli["steps"])
                ok = ok and cli["status"] == "ok"
            entry = {"size": size, "measures": sz.measures, "generated": counts, "fast": fast, "baseline": None,
                     "equal": None}
            run_base = args.baseline == "always" or (args.baseline == "auto" and sz.measures <= args.baseline_max)
            if run_base:
                base = run_child("baseline", data, work / f"{size}-baseline.json", infer, args.step_timeout)
                print(f"[{size}] baseline: {base['status']}, " + ", ".join(
                    f"{k} {v['seconds']:.2f} s" for k, v in base["steps"].items()), flush=True)
                entry["baseline"] = base
                entry["equal"] = compare(fast, base)
                print(f"[{size}] same answers: " + ", ".join(f"{k} {v}" for k, v in entry["equal"].items()), flush=True)
                ok = ok and not any(v.startswith("DIFFERENT") for v in entry["equal"].values())
            else:
                why = "--baseline never" if args.baseline == "never" else \
                    f"{sz.measures:,} measures > --baseline-max {args.baseline_max}"
                print(f"[{size}] baseline skipped ({why})", flush=True)
            ok = ok and fast["status"] == "ok"
            results.append(entry)
            if not args.keep:
                shutil.rmtree(data, ignore_errors=True)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    info["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    print("\n" + table(results))
    print(f"\nload average at end {info['loadavg_end']}; MiB = peak RSS of the pipeline's process during the step")
    print("equality checks: " + ("all passed" if ok else "FAILED"))
    if args.json:
        for r in results:  # keep the JSON small: answers are checked above, not stored
            for k in ("fast", "baseline"):
                if r.get(k):
                    r[k].pop("answers", None)
        args.json.write_text(json.dumps({"machine": info, "results": results}, indent=2))
        print(f"wrote {args.json}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
