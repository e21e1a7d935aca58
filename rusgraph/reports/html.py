"""Self-contained HTML pages for report results (no scripts, no remote assets).

Owns: the page for one SELECT result; a three-column count result (row, column, count)
such as coverage, standards or themes is also drawn as a colour-scaled matrix, so a
planner sees gaps at a glance. It must not run queries.
"""

from __future__ import annotations

from html import escape
from typing import Any, Callable

from .queries import QueryResult


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem;color:#1d2330}
h1{font-size:1.4rem;margin-bottom:.2rem} p.meta{color:#5b6475;margin-top:0}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
th,td{border:1px solid #d5d9e0;padding:.35rem .55rem;text-align:left;vertical-align:top}
th{background:#f2f4f7;position:sticky;top:0}
table.matrix td.n{text-align:center;font-variant-numeric:tabular-nums;min-width:3.2rem}
table.matrix th.col{vertical-align:bottom}
table.matrix th.col div{writing-mode:vertical-rl;transform:rotate(180deg);max-height:14rem}
td.zero{background:#fdecea;color:#a12a1f;font-weight:600} td.na{background:#f2f4f7;color:#8a93a3}
.legend span{display:inline-block;padding:.1rem .5rem;margin-right:.3rem;border:1px solid #d5d9e0}
p.basis{max-width:60rem;background:#f7f8fa;border-left:4px solid #1f5ea8;padding:.5rem .8rem}
table.matrix td .s{color:#1f5ea8;font-weight:700} table.matrix td .c{color:#8a5a00;font-weight:700}
table.matrix td .plus{color:#5b6475;margin:0 .15rem}
table.matrix td .bar{display:flex;height:.35rem;margin-top:.2rem;background:#eef0f3}
table.matrix td .bar i{display:block;height:100%}
table.matrix td small.placed{display:block;color:#5b6475;font-size:.72rem}
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


# Column headings a reader sees, nb and en; a column not listed shows its name.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "district": ("bydel", "district"), "strategy": ("strategi", "strategy"),
    "standard": ("Oslostandard", "Oslo standard"), "theme": ("tema", "theme"),
    "national_goal": ("nasjonalt mål", "national goal"), "code": ("kode", "code"),
    "plan": ("plan", "plan"), "goal": ("mål", "goal"), "measure": ("tiltak", "measure"),
    "measure_id": ("nr.", "no."), "placed": ("plassert", "placed"), "stated": ("uttalt", "stated"),
    "curated": ("kuratert", "curated"), "measures": ("tiltak", "measures"),
    "responsible": ("ansvarlig", "responsible"), "deadline": ("frist", "deadline"),
    "status": ("status", "status"), "risk": ("risiko", "risk"), "standards": ("Oslostandarder", "Oslo standards"),
    "themes": ("tema", "themes"), "trace": ("sporing", "trace"), "label": ("kortnavn", "short label"),
    "description": ("beskrivelse", "description"), "units": ("enheter", "units"),
    "section": ("avsnitt", "section"), "source": ("kilde", "source"), "unit": ("enhet", "unit"),
    "districts_stated": ("bydeler, uttalt", "districts, stated"),
    "districts_curated": ("bydeler, kuratert", "districts, curated"),
    "measures_stated": ("tiltak, uttalt", "measures, stated"),
    "measures_curated": ("tiltak, kuratert", "measures, curated"),
    "name": ("navn", "name"), "period": ("periode", "period"), "plan_measures": ("tiltak i planen", "measures in the plan"),
}

# The matrices: (row column, column column) of each count report drawn as one.
MATRIX_AXES: dict[str, tuple[str, str]] = {
    "coverage": ("district", "strategy"), "standards": ("standard", "district"),
    "themes": ("theme", "district"), "national": ("national_goal", "district"),
}

_STATED, _CURATED = "#1f5ea8", "#f2b84b"


def column_label(name: str, lang: str = "nb") -> str:
    nb, en = COLUMN_LABELS.get(name, (name, name))
    return nb if lang == "nb" else en


def _int(v: Any) -> int:
    return int(str(v)) if v not in (None, "") else 0


def matrix_html(result: QueryResult, label: Callable[[Any], str], *, lang: str = "nb",
                axes: tuple[str, str] | None = None) -> str:
    """Rows and columns from the two ``axes`` columns (the first two by default); each cell
    the ``measures`` count (else the last column). Where the result has ``stated`` and
    ``curated`` columns, a cell shows both numbers and a two-tone bar (stated dark, curated
    light) and, with ``placed``, the rows the plan itself puts there."""
    idx = {v: i for i, v in enumerate(result.vars)}
    ra, ca = axes or (result.vars[0], result.vars[1])
    n_col = idx.get("measures", len(result.vars) - 1)
    split = "stated" in idx and "curated" in idx
    rows: list[str] = []
    cols: list[str] = []
    cells: dict[tuple[str, str], tuple[int, int, int, int | None]] = {}
    for r in result.rows:
        a, b = label(r[idx[ra]]), label(r[idx[ca]])
        if ra == "national_goal" and "code" in idx and r[idx["code"]]:
            a = f"{label(r[idx['code']])} {a}"
        if a not in rows:
            rows.append(a)
        if b not in cols:
            cols.append(b)
        n = _int(r[n_col])
        stated = _int(r[idx["stated"]]) if split else n
        curated = _int(r[idx["curated"]]) if split else 0
        placed = _int(r[idx["placed"]]) if "placed" in idx else None
        cells[(a, b)] = (n, stated, curated, placed)
    top = max((c[0] for c in cells.values()), default=0)
    w = {"nb": ("uttalt", "kuratert", "plassert", "ingen tiltak", "flest", "gjelder ikke"),
         "en": ("stated", "curated", "placed", "no measures", "most", "does not apply")}["nb" if lang == "nb" else "en"]
    # the rotated text sits in a block, where max-height holds (a table cell ignores it), so a
    # long heading wraps instead of running up over the page title
    head = "".join(f'<th class="col" scope="col"><div>{escape(c)}</div></th>' for c in cols)
    body = []
    for a in rows:
        tds = []
        for b in cols:
            where = f"{escape(a)} / {escape(b)}"
            if (a, b) not in cells:
                # a pair the report does not list (a district's own strategy under another
                # district) is not a zero: it does not apply
                tds.append(f'<td class="n na" title="{where}: {w[5]}">–</td>')
                continue
            n, stated, curated, placed = cells[(a, b)]
            if split:
                tip = f"{where}: {stated} {w[0]} + {curated} {w[1]} = {n}"
                if placed is not None:
                    tip += f"; {placed} {w[2]}"
                cls = "n zero" if n == 0 else "n"
                bar = ""
                if n and top:
                    bar = (f'<div class="bar"><i style="width:{100 * stated / top:.1f}%;background:{_STATED}"></i>'
                           f'<i style="width:{100 * curated / top:.1f}%;background:{_CURATED}"></i></div>')
                pl = f'<small class="placed">{w[2]} {placed}</small>' if placed else ""
                tds.append(f'<td class="{cls}" title="{tip}"><span class="s">{stated}</span>'
                           f'<span class="plus">+</span><span class="c">{curated}</span>{bar}{pl}</td>')
            elif n == 0:
                tds.append(f'<td class="n zero" title="{where}: 0">0</td>')
            else:
                tds.append(f'<td class="n" style="background:{_shade(n, top)};color:{_text_colour(n, top)}" '
                           f'title="{where}: {n}">{n}</td>')
        body.append(f'<tr><th scope="row">{escape(a)}</th>{"".join(tds)}</tr>')
    corner = f"{escape(column_label(ra, lang))} \\ {escape(column_label(ca, lang))}"
    if split:
        legend = (f'<p class="legend"><span><b style="color:{_STATED}">■</b> {w[0]}</span>'
                  f'<span><b style="color:{_CURATED}">■</b> {w[1]}</span>'
                  + (f'<span>{w[2]}: {escape(_PLACED_NOTE[lang if lang in _PLACED_NOTE else "en"])}</span>'
                     if "placed" in idx else "")
                  + f'<span class="zero" style="background:#fdecea;color:#a12a1f">0 = {w[3]}</span></p>')
    else:
        legend = (f'<p class="legend"><span class="zero" style="background:#fdecea;color:#a12a1f">0 = {w[3]}</span>'
                  f'<span style="background:{_shade(max(top // 2, 1), top)}">…</span>'
                  f'<span style="background:{_shade(top, top)};color:#fff">{w[4]} ({top})</span></p>')
    return (f'<table class="matrix" id="matrix"><thead><tr><th>{corner}</th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>{legend}')


_PLACED_NOTE = {"nb": "rader planen selv setter under strategiens overskrift",
                "en": "rows the plan itself puts under the strategy's heading"}


# Code values a column holds (the CSV keeps them as they are), as a reader sees them.
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "trace": {"stated": ("uttalt", "stated"), "curated": ("kuratert", "curated"), "none": ("ingen", "none")},
}


def table_html(result: QueryResult, label: Callable[[Any], str], *, lang: str = "nb") -> str:
    head = "".join(f"<th>{escape(column_label(v, lang))}</th>" for v in result.vars)

    def cell(var: str, v: Any) -> str:
        text = label(v)
        words = VALUE_LABELS.get(var, {}).get(text)
        return words[0 if lang == "nb" else 1] if words else text

    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell(var, v))}</td>" for var, v in zip(result.vars, row)) + "</tr>"
        for row in result.rows
    )
    return f'<table class="rows" id="rows"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def page(title: str, body: str, *, lang: str = "nb", meta: str = "") -> str:
    return (f'<!doctype html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
            f'<body><h1>{escape(title)}</h1><p class="meta">{meta}</p>{body}</body></html>\n')


def report_page(result: QueryResult, label: Callable[[Any], str], *, title: str, lang: str = "nb") -> str:
    q = result.query
    name = q.name if q else ""
    desc = escape(q.question(lang)) if q else ""
    count = f"{len(result.rows)} {'rader' if lang == 'nb' else 'rows'}"
    parts = []
    if q and q.basis(lang):
        heading = "Hva tallene bygger på" if lang == "nb" else "What the numbers rest on"
        parts.append(f'<p class="basis"><strong>{heading}:</strong> {escape(q.basis(lang))}</p>')
    if name in MATRIX_AXES and all(a in result.vars for a in MATRIX_AXES[name]):
        parts.append(matrix_html(result, label, lang=lang, axes=MATRIX_AXES[name]))
    parts.append(table_html(result, label, lang=lang))
    return page(title, "".join(parts), lang=lang, meta=f"{desc} · {count}")
