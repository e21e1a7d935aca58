"""Validation at the store against validating a fetched copy, on an Oxigraph server.

    python benchmarks/store_validation.py --sizes national,100k

For each size it generates synthetic plans (benchmarks/generate.py, seeded), pushes them with
the bundled upper levels and ontology into a fresh ``oxigraph serve --union-default-graph``
on 127.0.0.1 (a free port, a temporary directory; stopped by its pid), then runs in a fresh
child process each:

- store: what ``rusgraph validate --endpoint URL --graphs store`` does now
  (rusgraph.remote.shapes): the compiled shapes as SPARQL queries on the server's default graph
  (the union of the pushed graphs), then the findings' labels. (Without ``--graphs store``
  the queries name every pushed graph as the default graph, one per plan: 300 at national
  size, 1,250 at 100k, and Oxigraph 0.5 evaluates such a dataset about as many times slower;
  see docs/stores.md.)
- fetch: what ``validate --endpoint`` did before: one CONSTRUCT per rusgraph graph
  (``load_from_endpoint``), then the default (fast) validation of that copy in memory, then
  the findings;
- local: ``rusgraph.load`` of the same files and the default validation (the reference
  answer; its time is not the comparison).

Measurement: wall time with time.perf_counter around the work (imports excluded) in the
child, and the child's CPU time (user + system: its own work, without the wait for the
server); memory as the child's peak resident set size, read as VmHWM from
/proc/self/status, which includes the interpreter and its imports (the same in all three).
Not ru_maxrss: Linux carries the parent's resident size at fork over into the child's
ru_maxrss across exec, so a child started by a parent that has just loaded and pushed the
graph reports at least the parent's size (that is how an earlier version of this script
reported 1,024 MiB for a validation at the store that peaks at about 180 MiB). The server's
own time and memory are not the client's and are not counted. The load average of the
machine (as ``uptime`` shows it) is printed before and after each child, since the machine
may be shared. The parent checks that the three give the same results (severity, focus
node, shape, path, value, in order) and prints a table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
from memory import peak_mib  # noqa: E402  (benchmarks/memory.py)

TIMEOUT = 1800.0  # seconds for one answer from the server


def _child(mode: str, url: str, data: Path) -> dict:
    import rusgraph
    from rusgraph.validation.findings import findings
    from rusgraph.remote.endpoint import Endpoint
    from rusgraph.remote.readback import load_from_endpoint
    from rusgraph.graph.sources import load
    from rusgraph.remote.shapes import validate_at_endpoint
    from rusgraph.validation.validator import validate

    start = time.perf_counter()
    cpu_start = time.process_time()
    if mode == "store":
        done = validate_at_endpoint(Endpoint(url, timeout=TIMEOUT, graphs="store"), load([]))
        if done is None:
            raise SystemExit("the shapes did not run at the store")
        report, kg = done
    elif mode == "fetch":
        kg = load_from_endpoint(Endpoint(url, timeout=TIMEOUT))
        report = validate(kg)
    else:
        kg = rusgraph.load([generate.UPPER, data])
        report = validate(kg)
    found = findings(report, kg, lang="nb")
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    keys = [[r.severity, r.focus, r.shape, r.path or "", r.value or ""] for r in report.results]
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mib": peak_mib(),
            "results": len(keys), "findings": len(found),
            "digest": hashlib.sha256(json.dumps(keys).encode()).hexdigest()}


def _load() -> str:
    return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(location: Path) -> tuple[subprocess.Popen, str]:
    from rusgraph.remote.server import find_oxigraph

    port = _free_port()
    proc = subprocess.Popen([find_oxigraph(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1):
                return proc, base
        except OSError:
            time.sleep(0.2)
    _stop(proc)
    raise SystemExit("oxigraph serve did not start")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="national", help="Comma-separated: " + ", ".join(generate.SIZES))
    ap.add_argument("--workdir", type=Path, help="Where to generate data and the store (default: temporary).")
    ap.add_argument("--child", choices=("store", "fetch", "local"), help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.url, args.data)))
        return
    import rusgraph
    from rusgraph.remote.push import push
    from rusgraph.remote.endpoint import Endpoint

    rows = []
    for name in args.sizes.split(","):
        size = generate.SIZES[name]
        work = Path(tempfile.mkdtemp(prefix=f"storeval-{name}-", dir=args.workdir))
        data = work / "plans"
        generate.generate(size, data, seed=generate.SEED)
        proc, base = _serve(work / "store")
        try:
            t = time.perf_counter()
            kg = rusgraph.load([generate.UPPER, data])
            result = push(kg, Endpoint(base + "/query", store_url=base + "/store", timeout=TIMEOUT))
            assert result.ok, result.summary()
            pushed = time.perf_counter() - t
            del kg
            out = {}
            print(name, f"pushed {result.triples:,} triples in {pushed:.1f} s", flush=True)
            for mode in ("local", "fetch", "store"):
                print(name, mode, "starts;", _load(), flush=True)
                done = subprocess.run([sys.executable, __file__, "--child", mode, "--url", base + "/query",
                                       "--data", str(data)], capture_output=True, text=True, check=False)
                if done.returncode != 0:  # rdflib logs every ill-typed literal: keep the last real lines
                    lines = [x for x in done.stderr.splitlines() if x.strip() and "Literal" not in x
                             and not x.startswith((" ", "Traceback", "ValueError: XSD"))]
                    raise SystemExit(f"{name} {mode} failed:\n" + "\n".join(lines[-20:]))
                out[mode] = json.loads(done.stdout.strip().splitlines()[-1])
                print(name, mode, json.dumps(out[mode]), flush=True)
                print(name, mode, "ends;", _load(), flush=True)
        finally:
            _stop(proc)
        same = len({o["digest"] for o in out.values()}) == 1
        rows.append((name, size.measures, result.triples, pushed, out, same))
        if not same:
            raise SystemExit(f"{name}: the results differ: {json.dumps(out)}")
    print("| measures | triples pushed | results | fetch + validate: time (CPU), peak memory | at the store: time "
          "(CPU), peak memory | local, for reference: time, peak memory | time ratio | memory ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for name, measures, triples, _pushed, out, _same in rows:
        f, s, loc = out["fetch"], out["store"], out["local"]
        print(f"| {measures:,} ({name}) | {triples:,} | {s['results']:,} | {f['seconds']:.1f} s "
              f"({f['cpu_seconds']:.1f} s), {f['peak_mib']:,.0f} MiB | {s['seconds']:.1f} s ({s['cpu_seconds']:.1f} s), "
              f"{s['peak_mib']:,.0f} MiB | {loc['seconds']:.1f} s, {loc['peak_mib']:,.0f} MiB | "
              f"{f['seconds'] / s['seconds']:.1f}x | {f['peak_mib'] / s['peak_mib']:.1f}x |")
    print("(same results as local validation of the same files: "
          + ", ".join(f"{r[0]}: {'yes' if r[5] else 'NO'}" for r in rows) + ")")


if __name__ == "__main__":
    main()
