"""Write every canned report at once, with an index page.

Owns: ``rusgraph report --all``: one file per report in the chosen format plus
``index.html`` linking them. The directory is written beside the old one and swapped in
whole, so a reader (or an interrupted run) sees the old reports or the new ones, never a
mix; a directory holding other files is refused. Reports with required parameters are
skipped (they need a value) and listed as such on the index.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from .atomic import replace_dir_atomic
from .formats import Labeler, write_select
from .graph import KnowledgeGraph
from .html import page
from .queries import list_queries, run_query

SUFFIX = {"table": ".txt", "csv": ".csv", "tsv": ".tsv", "json": ".json", "md": ".md", "html": ".html"}


def write_all(kg: KnowledgeGraph, directory: str | Path, *, fmt: str = "html", lang: str = "nb") -> list[Path]:
    from .engine import lookup_graph
    from .errors import RusgraphError

    out = Path(directory)
    label = Labeler(lookup_graph(kg), lang)
    files: dict[str, bytes] = {}
    items = []
    queries = list_queries()
    for q in queries:
        if any(p.required for p in q.params):
            items.append(f"<li>{escape(q.title(lang))} (<code>{escape(q.name)}</code>): "
                         f"{'trenger parameter' if lang == 'nb' else 'needs a parameter'}</li>")
            continue
        result = run_query(kg, q, lang=lang)
        name = f"{q.name}{SUFFIX[fmt]}"
        files[name] = write_select(result, fmt, labeler=label, title=q.title(lang), lang=lang).encode("utf-8")
        items.append(f'<li><a href="{escape(name)}">{escape(q.title(lang))}</a> '
                     f"(<code>{escape(q.name)}</code>, {len(result.rows)})</li>")
    title = "rusgraph-rapporter" if lang == "nb" else "rusgraph reports"
    files["index.html"] = page(title, "<ul>" + "".join(items) + "</ul>", lang=lang).encode("utf-8")
    # what an earlier --all may have written: a report's name, perhaps with a suffix of its
    # own (one file per parameter value), in any of the formats
    ours = re.compile("index\\.html|(?:" + "|".join(re.escape(q.name) for q in queries) + r")(?:[-_.][\w.-]*)?(?:"
                      + "|".join(re.escape(x) for x in sorted(set(SUFFIX.values()))) + ")")
    try:
        return replace_dir_atomic(out, files, lambda name: ours.fullmatch(name) is not None)
    except (FileExistsError, NotADirectoryError) as exc:
        raise RusgraphError("cannot write the reports there", where=str(out), hint=str(exc)) from None
