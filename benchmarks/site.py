"""Time `rusgraph site` alone on a generated graph: wall, CPU and peak memory, with the load.

    python benchmarks/site.py national                  # generate, load, build the site once
    python benchmarks/site.py national --data DIR       # generate into DIR once, reuse it after
    python benchmarks/site.py oslo --profile 30         # and the 30 costliest functions (main process)

The graph is the benchmark's (benchmarks/generate.py, seeded) under the bundled upper levels,
loaded as ``rusgraph.load`` does. Only ``build_site`` is timed: wall time (time.perf_counter),
CPU seconds of this process and of its workers (getrusage SELF + CHILDREN, user + system),
the peak resident set of this process and of the largest worker (ru_maxrss), and the machine's
1-minute load average before and after, since the machine may be shared: every figure is an
upper bound of what the build needs. The numbers go to stdout as one JSON line.
`benchmarks/run.py` times the same call as its `site` step, beside the other steps.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py)


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", choices=sorted(generate.SIZES))
    ap.add_argument("--data", type=Path, help="Generated plans to reuse (generated and kept there when missing).")
    ap.add_argument("--workers", type=int, help="Worker processes (default: one per core).")
    ap.add_argument("--profile", type=int, metavar="N", help="Also print the N costliest functions of the "
                    "main process (cProfile; the workers are not profiled).")
    args = ap.parse_args(argv)
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)  # the generator's broken deadlines

    import rusgraph
    from rusgraph.graph.sources import bundled_data_sources
    from rusgraph.site.atlas import build_site

    work = Path(tempfile.mkdtemp(prefix="rusgraph-site-bench-"))
    data = args.data or work / args.size
    try:
        if not data.is_dir():
            generate.generate(args.size, data)
        t = time.perf_counter()
        kg = rusgraph.load([*bundled_data_sources(upper_only=True), data])
        load_s = time.perf_counter() - t
        load_before = os.getloadavg()[0]
        cpu0, t = _cpu(), time.perf_counter()
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            site = prof.runcall(build_site, kg, work / "site", workers=args.workers)
        else:
            site = build_site(kg, work / "site", workers=args.workers)
        wall = time.perf_counter() - t
        cpu1 = _cpu()
        out = {"size": args.size, "measures": generate.SIZES[args.size].measures, "load_seconds": round(load_s, 1),
               "pages": site.pages, "files": site.files, "wall_seconds": round(wall, 1),
               "cpu_seconds_main": round(cpu1[0] - cpu0[0], 1), "cpu_seconds_workers": round(cpu1[1] - cpu0[1], 1),
               "peak_rss_mib_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
               "peak_rss_mib_largest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
               "load_1min_before": round(load_before, 2), "load_1min_after": round(os.getloadavg()[0], 2),
               "cpus": os.cpu_count()}
        print(json.dumps(out), flush=True)
        if args.profile:
            pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(args.profile)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
