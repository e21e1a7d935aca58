"""Writing a template (empty or filled) as an .xlsx workbook.

Owns: the workbook's sheets (Plan, Tiltak, a guide, hidden lists), drop-down lists on the
controlled columns, text cells that Excel never takes for a formula, and the print layout
(rusgraph.sheets.printing). It must not write files (rusgraph.sheets.export does, atomically).
"""

from __future__ import annotations

import io
from typing import Sequence

from .template import MAX_TEMPLATE_ROWS, PLAN_HEADER, Column, Field, column_letter, sheet_name
from .vocab import Vocab

def _list_values(vocab: Vocab, name: str, lang: str) -> list[str]:
    return [c.display(lang) for c in vocab.list(name).choices]


_LIST_ORDER = ("status", "risk", "strategy", "city_goal", "standard", "theme", "goal_link", "district", "yesno")
_LIST_TITLES = {"status": ("Status", "Status"), "risk": ("Risiko", "Risk"), "strategy": ("Strategi", "Strategy"),
                "city_goal": ("Byplanmål", "City-plan goal"), "standard": ("Oslostandard", "Oslo standard"),
                "theme": ("Tema", "Theme"), "goal_link": ("Mål: byplankobling", "Goal: city-plan link"),
                "district": ("Bydel", "District"), "yesno": ("Ja/nei", "Yes/no")}

_GUIDE = {
    "nb": [
        "Mal for ruspolitisk handlingsplan (rusgraph)",
        "1. Fyll inn arket Plan: bydel, tittel, periode og kildedokument.",
        "2. Skriv ett tiltak per rad i arket Tiltak. Ikke slå sammen celler og ikke bruk formler.",
        "3. Flere verdier i én celle: én per linje (Alt+Enter). I Strategi, Byplanmål, Oslostandard, Tema og "
        "Ansvarlige enheter går også semikolon.",
        "4. Kolonnene med nedtrekkslister godtar navnet, koden eller (for koder) 'KODE – navn'. Store og små "
        "bokstaver og mellomrom spiller ingen rolle.",
        "5. Koblinger i Strategi, Byplanmål og Oslostandard er planens egne (uttalte) koblinger.",
        "6. Sjekk planen: rusgraph validate plan.xlsx. Lag Turtle: rusgraph import plan.xlsx -o plan.ttl",
    ],
    "en": [
        "Template for a district drug-policy action plan (rusgraph)",
        "1. Fill in the Plan sheet: district, title, period and source document.",
        "2. Write one measure per row in the Measures sheet. Do not merge cells and do not use formulas.",
        "3. Several values in one cell: one per line (Alt+Enter). Strategy, City-plan goal, Oslo standard, "
        "Themes and Responsible units also take semicolons.",
        "4. Columns with drop-down lists accept the name, the code or (for codes) 'CODE – name'. Case and "
        "spacing do not matter.",
        "5. Links in Strategy, City-plan goal and Oslo standard are the plan's own (stated) links.",
        "6. Check the plan: rusgraph validate plan.xlsx. Make Turtle: rusgraph import plan.xlsx -o plan.ttl",
    ],
}


def _print_columns(columns: Sequence[Column]) -> int:
    """The Tiltak columns a printout shows: the plan's own, up to Tema; the maintainers'
    columns after it (sources, curated links, notes, heading and goal details) stay in the
    file but out of the print, which would otherwise shrink the text past reading."""
    keys = [c.key for c in columns]
    return keys.index("themes") + 1 if "themes" in keys else len(keys)


def workbook_bytes(fields: Sequence[tuple[Field, str]], rows: Sequence[dict[str, str]], columns: Sequence[Column],
                   vocab: Vocab, lang: str = "nb", *, validation_rows: int = MAX_TEMPLATE_ROWS) -> bytes:
    """The template (or a filled one) as .xlsx bytes, drop-down lists on a hidden sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    def put(ws, row: int, col: int, value: str):  # type: ignore[no-untyped-def]
        cell = ws.cell(row=row, column=col)
        cell.value = value if value != "" else None
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text, never a formula
        return cell

    wb = Workbook()
    plan_ws = wb.active
    plan_ws.title = sheet_name("plan", lang)
    table_ws = wb.create_sheet(sheet_name("table", lang))
    guide_ws = wb.create_sheet(sheet_name("guide", lang))
    lists_ws = wb.create_sheet(sheet_name("lists", lang))

    # hidden lists
    refs: dict[str, str] = {}
    for i, name in enumerate(_LIST_ORDER, start=1):
        values = _list_values(vocab, name, lang)
        put(lists_ws, 1, i, _LIST_TITLES[name][1 if lang == "en" else 0]).font = bold
        for j, v in enumerate(values, start=2):
            put(lists_ws, j, i, v)
        letter = column_letter(i)
        refs[name] = f"'{lists_ws.title}'!${letter}$2:${letter}${len(values) + 1}"
        lists_ws.column_dimensions[letter].width = 40
    lists_ws.sheet_state = "hidden"

    def dropdown(ws, list_name: str, sqref: str, title: str, multi: bool) -> None:  # type: ignore[no-untyped-def]
        dv = DataValidation(type="list", formula1=refs[list_name], allow_blank=True)
        dv.showErrorMessage = True
        dv.showInputMessage = True
        dv.errorStyle = "information" if multi else "warning"
        dv.errorTitle = title[:32]
        dv.promptTitle = title[:32]
        if lang == "en":
            dv.prompt = "Pick from the list." + (" Several: one per line (Alt+Enter) or ';'." if multi else "")
            dv.error = "The value is not in the list. rusgraph validate will check it."
        else:
            dv.prompt = "Velg fra listen." + (" Flere: én per linje (Alt+Enter) eller ';'." if multi else "")
            dv.error = "Verdien står ikke i listen. rusgraph validate sjekker den."
        dv.add(sqref)
        ws.add_data_validation(dv)

    # Plan sheet
    for j, head in enumerate(PLAN_HEADER[lang], start=1):
        c = put(plan_ws, 1, j, head)
        c.font, c.fill = bold, fill
    for i, (f, value) in enumerate(fields, start=2):
        put(plan_ws, i, 1, f.name(lang)).font = bold
        put(plan_ws, i, 2, value).alignment = wrap
        put(plan_ws, i, 3, f.help_en if lang == "en" else f.help_nb).alignment = wrap
        if f.choices:
            dropdown(plan_ws, f.choices, f"B{i}", f.name(lang), False)
    for letter, width in (("A", 18), ("B", 60), ("C", 80)):
        plan_ws.column_dimensions[letter].width = width
    plan_ws.column_dimensions["B"].number_format = "@"
    plan_ws.freeze_panes = "A2"

    # Tiltak sheet
    last = max(validation_rows, len(rows) + 1)
    for j, col in enumerate(columns, start=1):
        c = put(table_ws, 1, j, col.name(lang))
        c.font, c.fill, c.alignment = bold, fill, wrap
        letter = column_letter(j)
        dim = table_ws.column_dimensions[letter]
        dim.width = col.width
        dim.number_format = "@"
        dim.alignment = wrap
        if col.choices:
            dropdown(table_ws, col.choices, f"{letter}2:{letter}{last}", col.name(lang), col.multi)
    for i, row in enumerate(rows, start=2):
        for j, col in enumerate(columns, start=1):
            value = row.get(col.key, "")
            if value:
                c = put(table_ws, i, j, value)
                c.alignment = wrap
                c.number_format = "@"
    table_ws.freeze_panes = "E2"
    table_ws.auto_filter.ref = f"A1:{column_letter(len(columns))}{len(rows) + 1}"

    # guide
    lines = _GUIDE[lang]
    put(guide_ws, 1, 1, lines[0]).font = Font(bold=True, size=14)
    r = 3
    for text in lines[1:]:
        put(guide_ws, r, 1, text)
        r += 1
    r += 1
    heads = ("Kolonne", "Forklaring", "Flere verdier", "Liste") if lang == "nb" else \
        ("Column", "Explanation", "Several values", "List")
    for j, h in enumerate(heads, start=1):
        c = put(guide_ws, r, j, h)
        c.font, c.fill = bold, fill
    yes, no = ("ja", "nei") if lang == "nb" else ("yes", "no")
    for col in columns:
        r += 1
        put(guide_ws, r, 1, col.name(lang)).font = bold
        put(guide_ws, r, 2, col.help_en if lang == "en" else col.help_nb).alignment = wrap
        put(guide_ws, r, 3, yes if col.multi else no)
        put(guide_ws, r, 4, yes if col.choices else no)
    for letter, width in (("A", 24), ("B", 90), ("C", 14), ("D", 10)):
        guide_ws.column_dimensions[letter].width = width

    from .printing import fit_row_heights, set_print_layout

    for ws in (plan_ws, table_ws, guide_ws):  # prints on A4, one page wide, rows as high as their text
        fit_row_heights(ws)
        set_print_layout(ws, header_rows=1 if ws is not guide_ws else 0,
                         last_column=_print_columns(columns) if ws is table_ws else None)
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
