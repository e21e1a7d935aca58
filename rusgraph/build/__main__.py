"""``python -m rusgraph.build``: regenerate the bundled Turtle in ``data/`` from the
transcription records (``--check``: exit 1 when the committed Turtle is stale).
"""

from __future__ import annotations

import sys

from ..errors import BuildError
from .files import build

DESCRIPTION = """Build the bundled Turtle in ``data/`` from the transcription records.

Run ``python -m rusgraph.build`` from a checkout to regenerate ``data/``;
``python -m rusgraph.build --check`` exits 1 when the committed Turtle is stale.
"""


def main(argv: list[str] | None = None) -> int:
    import argparse

    from ..graph.resources import checkout_root

    ap = argparse.ArgumentParser(prog="python -m rusgraph.build", description=DESCRIPTION)
    ap.add_argument("--check", action="store_true", help="exit 1 if data/ differs from the build")
    args = ap.parse_args(argv)
    root = checkout_root()
    if root is None:
        print("Error: rusgraph.build runs from a source checkout", file=sys.stderr)
        return 2
    data = root / "data"
    try:
        files = build(data / "transcriptions")
    except BuildError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    stale = [rel for rel, text in files.items()
             if not (data / rel).exists() or (data / rel).read_text(encoding="utf-8") != text]
    if args.check:
        for rel in stale:
            print(f"stale: data/{rel}", file=sys.stderr)
        return 1 if stale else 0
    from ..outputs.atomic import write_text_atomic

    for rel in stale:
        write_text_atomic(data / rel, files[rel])
        print(f"wrote data/{rel}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
