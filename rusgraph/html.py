"""Self-contained HTML pages for report results (no scripts, no remote assets).

Owns: the page for one SELECT result; a three-column count result (row, column, count)
such as coverage, standards or themes is also drawn as a colour-scaled matrix, so a
planner sees gaps at a glance. It must not run queries.
"""

from __future__ import annotations

from html import escape
from typing import Any, Callable

from .queries import QueryResult

MATRIX_REPORTS = ("coverage", "standards", "themes", "national")

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem;color:#1d2330}
h1{font-size:1.4rem;margin-bottom:.2rem} p.meta{color:#5b6475;margin-top:0}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
th,td{border:1px solid #d5d9e0;padding:.35rem .55rem;text-align:left;vertical-align:top}
th{background:#f2f4f7;position:sticky;top:0}
table.matrix td.n{text-align:center;font-variant-numeric:tabular-nums;min-width:3.2rem}
table.matrix th.col{vertical-align:bottom}
table.matrix th.col div{writing-mode:vertical-rl;transform:rotate(180deg);max-height:14rem}
td.zero{background:#fdecea;color:#a12a1f;font-weight:600}
.legend span{display:inline-block;padding:.1rem .5rem;margin-right:.3rem;border:1px solid #d5d9e0}
"""


def _shade(n: int, top: int) -> str:
    """White-to-blue scale; zero is drawn separately in red so gaps stand out."""
    if top <= 0:
        return "#ffffff"
    t = n / top
    r = int(255 - t * (255 - 31))
    g = int(255 - t * (255 - 94))
    b = int(255 - t * (255 - 168))
    return f"#{r:02x}{g:02x}{b:02x}"


def _text_colour(n: int, top: int) -> str:
    return "#ffffff" if top and n / top > 0.55 else "#1d2330"


def matrix_html(result: QueryResult, label: Callable[[Any], str], *, lang: str = "nb") -> str:
    """Rows = first column, columns = second column, cells = third (integer) column."""
    rows: list[str] = []
    cols: list[str] = []
    cells: dict[tuple[str, str], int] = {}
    for r in result.rows:
        a, b, n = label(r[0]), label(r[1]), int(str(r[2] or 0))
        if a not in rows:
            rows.append(a)
        if b not in cols:
            cols.append(b)
        cells[(a, b)] = n
    top = max(cells.values(), default=0)
    # the rotated text sits in a block, where max-height holds (a table cell ignores it), so a
    # long heading wraps instead of running up over the page title
    head = "".join(f'<th class="col" scope="col"><div>{escape(c)}</div></th>' for c in cols)
    body = []
    for a in rows:
        tds = []
        for b in cols:
            n = cells.get((a, b), 0)
            if n == 0:
                tds.append(f'<td class="n zero" title="{escape(a)} / {escape(b)}: 0">0</td>')
            else:
                tds.append(f'<td class="n" style="background:{_shade(n, top)};color:{_text_colour(n, top)}" '
                           f'title="{escape(a)} / {escape(b)}: {n}">{n}</td>')
        body.append(f'<tr><th scope="row">{escape(a)}</th>{"".join(tds)}</tr>')
    corner = f"{escape(result.vars[0])} \\ {escape(result.vars[1])}"
    legend_zero = "ingen tiltak" if lang == "nb" else "no measures"
    legend_top = f"flest ({top})" if lang == "nb" else f"most ({top})"
    legend = (f'<p class="legend"><span class="zero" style="background:#fdecea;color:#a12a1f">0 = {legend_zero}</span>'
              f'<span style="background:{_shade(max(top // 2, 1), top)}">…</span>'
              f'<span style="background:{_shade(top, top)};color:#fff">{legend_top}</span></p>')
    return (f'<table class="matrix" id="matrix"><thead><tr><th>{corner}</th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>{legend}')


def table_html(result: QueryResult, label: Callable[[Any], str]) -> str:
    head = "".join(f"<th>{escape(v)}</th>" for v in result.vars)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(label(v))}</td>" for v in row) + "</tr>" for row in result.rows
    )
    return f'<table class="rows" id="rows"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def page(title: str, body: str, *, lang: str = "nb", meta: str = "") -> str:
    return (f'<!doctype html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
            f'<body><h1>{escape(title)}</h1><p class="meta">{meta}</p>{body}</body></html>\n')


def report_page(result: QueryResult, label: Callable[[Any], str], *, title: str, lang: str = "nb") -> str:
    name = result.query.name if result.query else ""
    desc = escape(result.query.description) if result.query else ""
    count = f"{len(result.rows)} {'rader' if lang == 'nb' else 'rows'}"
    parts = []
    if name in MATRIX_REPORTS and len(result.vars) == 3:
        parts.append(matrix_html(result, label, lang=lang))
    parts.append(table_html(result, label))
    return page(title, "".join(parts), lang=lang, meta=f"{desc} · {count}")
