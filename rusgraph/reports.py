"""Write every canned report at once, with an index page.

Owns: ``rusgraph report --all``: one file per report in the chosen format plus
``index.html`` linking them, every file written atomically. Reports with required
parameters are skipped (they need a value) and listed as such on the index.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from .atomic import write_text_atomic
from .formats import Labeler, write_select
from .graph import KnowledgeGraph
from .html import page
from .queries import list_queries, run_query

SUFFIX = {"table": ".txt", "csv": ".csv", "tsv": ".tsv", "json": ".json", "md": ".md", "html": ".html"}


def write_all(kg: KnowledgeGraph, directory: str | Path, *, fmt: str = "html", lang: str = "nb") -> list[Path]:
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    from .engine import lookup_graph

    label = Labeler(lookup_graph(kg), lang)
    written: list[Path] = []
    items = []
    for q in list_queries():
        if any(p.required for p in q.params):
            items.append(f"<li>{escape(q.title(lang))} (<code>{escape(q.name)}</code>): "
                         f"{'trenger parameter' if lang == 'nb' else 'needs a parameter'}</li>")
            continue
        result = run_query(kg, q, lang=lang)
        path = out / f"{q.name}{SUFFIX[fmt]}"
        write_text_atomic(path, write_select(result, fmt, labeler=label, title=q.title(lang), lang=lang))
        written.append(path)
        items.append(f'<li><a href="{escape(path.name)}">{escape(q.title(lang))}</a> '
                     f"(<code>{escape(q.name)}</code>, {len(result.rows)})</li>")
    title = "rusgraph-rapporter" if lang == "nb" else "rusgraph reports"
    index = out / "index.html"
    write_text_atomic(index, page(title, "<ul>" + "".join(items) + "</ul>", lang=lang))
    written.append(index)
    return written
