"""Time each canned report on a generated graph, with and without its district parameter.

    python benchmarks/reports.py national                    # generate, load, run every report
    python benchmarks/reports.py national --data DIR         # generate into DIR once, reuse it after
    python benchmarks/reports.py national --queries OLD/     # the .rq files of another version

The graph is the benchmark's (benchmarks/generate.py, seeded) under the bundled upper levels,
loaded as ``rusgraph.load`` does, on the in-memory Oxigraph store. Each report runs in nb with
``rusgraph.run_query``: once without parameters (where it needs none), and once for one
district (``--param district=030101``, Gamle Oslo) where it takes one. Wall seconds per run
(time.perf_counter) and the rows. To compare two versions of the queries on the same graph,
give the other version's folder with ``--queries`` (for example after
``git archive COMMIT queries | tar -x -C /tmp/old``); the rows of each report are then
checked against the bundled queries' rows.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py)

DISTRICT = "030101"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("size", nargs="?", default="national", choices=sorted(generate.SIZES))
    ap.add_argument("--data", type=Path, help="generate into this directory once and reuse it")
    ap.add_argument("--queries", type=Path, help="a folder of .rq files to time beside the bundled ones")
    args = ap.parse_args(argv)

    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)  # the broken deadlines on purpose
    import rusgraph
    from rusgraph.graph.sources import bundled_data_sources
    from rusgraph.reports.queries import list_queries, run_query

    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or Path(tmp) / args.size
        if not (data / "plans").is_dir():
            generate.generate(args.size, data)
        t = time.perf_counter()
        kg = rusgraph.load([*bundled_data_sources(upper_only=True), data])
        print(f"{args.size}: loaded in {time.perf_counter() - t:.2f} s")
        other = {q.name: q for q in list_queries(args.queries)} if args.queries else {}
        total = 0.0
        for q in list_queries():
            runs = [] if any(p.required for p in q.params) else [{}]
            if q.params:
                runs.append({"district": DISTRICT})
            for params in runs:
                t = time.perf_counter()
                rows = run_query(kg, q, params, lang="nb").as_strings()
                seconds = time.perf_counter() - t
                total += seconds
                line = f"{q.name:12} {('district=' + DISTRICT) if params else '':16} {seconds:7.2f} s {len(rows):7,} rows"
                if q.name in other:
                    t = time.perf_counter()
                    theirs = run_query(kg, other[q.name], params, lang="nb").as_strings()
                    line += f"   {args.queries}: {time.perf_counter() - t:7.2f} s, " + (
                        "same rows" if theirs == rows else "DIFFERENT rows")
                print(line, flush=True)
        print(f"all runs: {total:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
