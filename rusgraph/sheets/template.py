"""The plan template's format: the Tiltak sheet's columns, the Plan sheet's header fields,
the sheet names (Norwegian and English), and the places and errors that name them.

Owns: what a column or field is called, what it holds and which list it draws from;
``Where`` (file, sheet, row, column: what every spreadsheet error names) and
``sheet_error``, which makes a SpreadsheetError of a message and a Where. It must not read
or write files nor know the vocabularies' values (rusgraph.sheets.vocab does).
The format is documented in docs/spreadsheets.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import SpreadsheetError

SUFFIXES = (".xlsx", ".csv")
MAX_TEMPLATE_ROWS = 1000  # rows of the Tiltak sheet that get drop-down lists in an empty template

# ============================================================================ the format


@dataclass(frozen=True)
class Column:
    """One column of the Tiltak sheet."""

    key: str
    nb: str
    en: str
    scope: str  # 'row' (the measure), 'goal' (the row's district goal), 'heading'
    help_nb: str
    help_en: str
    multi: bool = False
    choices: str | None = None  # name of the drop-down list
    required: bool = False  # the column must be there (it may be empty)
    template: bool = True  # written in the empty template (else only by export)
    width: int = 18
    aliases: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.nb


COLUMNS: tuple[Column, ...] = (
    Column("local_number", "Nr", "No.", "row",
           "Planens eget nummer på tiltaket (for eksempel 2.1.3). Må være unikt i planen.",
           "The plan's own number of the measure (e.g. 2.1.3). Must be unique in the plan.",
           required=True, width=8, aliases=("Nummer", "Number", "Local number", "Lokalt nummer")),
    Column("heading", "Overskrift", "Heading", "heading",
           "Overskriften raden står under i planen (strategi, hovedmål, kapittel). Skriv den i hver rad.",
           "The heading the row stands under in the plan (strategy, main goal, chapter). Repeat it on every row.",
           width=24, aliases=("Seksjon", "Section")),
    Column("goal", "Mål", "Goal", "goal",
           "Bydelens eget mål. Rader med samme mål og overskrift deler målet. Skriv målet i hver rad "
           "(ikke slå sammen celler). En rad med bare Mål er et mål uten tiltak.",
           "The district's own goal. Rows with the same goal and heading share it. Repeat it on every "
           "row (do not merge cells). A row with only a goal is a goal without measures.",
           required=True, width=30, aliases=("Delmål", "District goal", "Bydelsmål")),
    Column("text", "Tiltak", "Measure", "row",
           "Hva som skal gjøres, slik planen skriver det. Påkrevd i hver tiltaksrad.",
           "What will be done, as the plan writes it. Required on every measure row.",
           required=True, width=45, aliases=("Tiltaksbeskrivelse", "Measure text")),
    Column("label", "Kortnavn", "Short name", "row",
           "Kort navn på tiltaket (valgfritt; ellers første linje av Tiltak).",
           "A short name for the measure (optional; else the first line of Measure).",
           width=24, aliases=("Navn", "Name", "Label")),
    Column("description", "Beskrivelse", "Description", "row",
           "En egen beskrivelse av tiltaket, der planen har en beskrivelseskolonne.",
           "A separate description of the measure, where the plan has a description column.",
           width=30),
    Column("activities", "Aktiviteter", "Activities", "row",
           "Aktivitetene i tiltaket, én per linje (Alt+Enter i Excel).",
           "The measure's activities, one per line (Alt+Enter in Excel).",
           multi=True, required=True, width=40, aliases=("Aktivitet", "Activity")),
    Column("responsible", "Ansvarlig", "Responsible", "row",
           "Hvem som har ansvaret, slik planen skriver det.",
           "Who is responsible, as the plan writes it.",
           required=True, width=24, aliases=("Ansvar", "Responsibility")),
    Column("units", "Ansvarlige enheter", "Responsible units", "row",
           "Enhetene som har ansvar, ett navn per linje (for eksempel NAV, Helse og mestring).",
           "The responsible units, one name per line (e.g. NAV, Helse og mestring).",
           multi=True, width=24, aliases=("Enheter", "Units")),
    Column("deadline", "Frist", "Deadline", "row",
           "Frist: en dato (31.12.2025 eller 2025-12-31), en måned (mars 2025), et år (2025) eller fritekst "
           "(Kontinuerlig).",
           "Deadline: a date (31.12.2025 or 2025-12-31), a month (mars 2025), a year (2025) or free text "
           "(Kontinuerlig).",
           required=True, width=14),
    Column("status", "Status", "Status", "row",
           "Status fra listen.", "Status from the list.",
           choices="status", required=True, width=14),
    Column("risk", "Risiko", "Risk", "row",
           "Risiko fra listen (Lav, Middels, Høy).", "Risk from the list (Lav, Middels, Høy).",
           choices="risk", required=True, width=10, aliases=("Risk level", "Risikonivå")),
    Column("strategy", "Strategi", "Strategy", "row",
           "Strategien i Strategisk plan for rusfeltet som planen sier tiltaket tjener (S1, S2, S3). "
           "Flere: én per linje eller skilt med semikolon.",
           "The city plan strategy the plan says the measure serves (S1, S2, S3). Several: one per line "
           "or separated by semicolons.",
           multi=True, choices="strategy", required=True, width=24, aliases=("City strategy", "Byens strategi")),
    Column("city_goal", "Byplanmål", "City-plan goal", "row",
           "Målet i Strategisk plan for rusfeltet (kode som S1-07 eller navnet) som planen sier tiltaket tjener.",
           "The city plan goal (a code such as S1-07, or its name) the plan says the measure serves.",
           multi=True, choices="city_goal", required=True, width=30,
           aliases=("Mål i byplanen", "City goal", "City plan goal")),
    Column("standard", "Oslostandard", "Oslo standard", "row",
           "Oslostandarden (eller et element i den) som planen sier tiltaket følger.",
           "The Oslostandard (or an element of it) the plan says the measure follows.",
           multi=True, choices="standard", required=True, width=24, aliases=("Oslostandarder", "Standard")),
    Column("themes", "Tema", "Themes", "row",
           "Temaer fra listen; flere: én per linje eller skilt med semikolon.",
           "Themes from the list; several: one per line or separated by semicolons.",
           multi=True, choices="theme", required=True, width=24, aliases=("Temaer", "Theme")),
    Column("source", "Kilde", "Source", "row",
           "Hvor raden står i kildeteksten: linjenummer, for eksempel 31-62 (valgfritt).",
           "Where the row stands in the source text: line numbers, e.g. 31-62 (optional).",
           required=True, width=10, aliases=("Kildelinjer", "Source lines", "Source location")),
    # -- written by `rusgraph export` for rusgraph's own readings; optional on import
    Column("curated", "Kuraterte koblinger", "Curated links", "row",
           "rusgraph sine egne koblinger (ikke planens): én per linje, KODE: begrunnelse.",
           "rusgraph's own links (not the plan's): one per line, CODE: reason.",
           multi=True, template=False, width=40),
    Column("note", "Merknad", "Note", "row",
           "rusgraph sin merknad om hvordan raden er lest (på engelsk).",
           "rusgraph's note on how the row was read (in English).",
           template=False, width=30),
    Column("placement", "Overskrift: strategi", "Heading: strategy", "heading",
           "Strategien overskriften er (S1, S2, S3), der planen setter raden under en strategis overskrift; "
           "tom når overskriften ikke er en strategi.",
           "The strategy the heading is (S1, S2, S3), where the plan puts the row under a strategy's "
           "heading; empty when the heading is not a strategy.",
           choices="strategy", template=False, width=14),
    Column("heading_source", "Overskrift: kilde", "Heading: source", "heading",
           "Hvor overskriften står i kildeteksten (linjenummer).",
           "Where the heading stands in the source text (line numbers).", template=False, width=10),
    Column("goal_link", "Mål: byplankobling", "Goal: city-plan link", "goal",
           "Det planen sier målet tjener i byens plan (strategi, hovedmål eller mål).",
           "What the plan says the goal serves in the city plan (strategy, main goal or goal).",
           multi=True, choices="goal_link", template=False, width=30),
    Column("goal_curated", "Mål: kuraterte koblinger", "Goal: curated links", "goal",
           "rusgraph sine egne koblinger for målet: én per linje, KODE: begrunnelse.",
           "rusgraph's own links of the goal: one per line, CODE: reason.",
           multi=True, template=False, width=40),
    Column("goal_source", "Mål: kilde", "Goal: source", "goal",
           "Hvor målet står i kildeteksten (linjenummer).", "Where the goal stands in the source text (line numbers).",
           template=False, width=10),
    Column("goal_note", "Mål: merknad", "Goal: note", "goal",
           "rusgraph sin merknad om målet (på engelsk).", "rusgraph's note on the goal (in English).",
           template=False, width=30),
)
COLUMN = {c.key: c for c in COLUMNS}
GOAL_KEYS = ("goal_link", "goal_curated", "goal_source", "goal_note")
ROW_KEYS = tuple(c.key for c in COLUMNS if c.scope == "row")
# Multi-valued cells: one value per line; controlled columns and units also take ';'.
SEMICOLON_KEYS = ("strategy", "city_goal", "standard", "themes", "goal_link", "units")


@dataclass(frozen=True)
class Field:
    """One field of the plan's header (the Plan sheet, or '# key: value' lines in CSV)."""

    key: str
    nb: str
    en: str
    help_nb: str
    help_en: str
    template: bool = True
    choices: str | None = None
    aliases: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.nb


FIELDS: tuple[Field, ...] = (
    Field("district", "Bydel", "District", "Bydelens navn (Grorud) eller SSB-kode (030110).",
          "The district's name (Grorud) or SSB code (030110).", choices="district"),
    Field("title", "Tittel", "Title", "Planens tittel slik den står i dokumentet.",
          "The plan's title as written in the document."),
    Field("period", "Periode", "Period", "Planperioden: 2023-2028 (eller 2023- når slutten er åpen).",
          "The plan period: 2023-2028 (or 2023- when it is open-ended)."),
    Field("source", "Kildedokument", "Source document",
          "Filnavnet på plandokumentet tabellen er lest fra (brukes i IRI-en; standard: regnearkets filnavn).",
          "File name of the plan document the table was read from (used in the IRI; default: the "
          "spreadsheet's file name)."),
    Field("label_en", "Engelsk navn", "English name", "Planens navn på engelsk (valgfritt).",
          "The plan's name in English (optional)."),
    Field("slug", "Plan-ID", "Plan ID",
          "Kort ID for planen i IRI-en, små bokstaver og bindestrek (valgfritt; lages av tittelen).",
          "Short ID of the plan in its IRI, lower case and hyphens (optional; made from the title)."),
    Field("label", "Navn", "Name", "Planens navn når dokumentet ikke har noen tittel (la Tittel stå tom).",
          "The plan's name when the document has no title (leave Title empty).", template=False),
    Field("title_lines", "Tittel: kilde", "Title: source", "Hvor tittelen står i kildeteksten (linjenummer).",
          "Where the title stands in the source text (line numbers).", template=False),
    Field("columns", "Tabellkolonner", "Table columns",
          "Tiltakstabellens kolonneoverskrifter i plandokumentet, skilt med ' | '.",
          "The headings of the measure table in the plan document, separated by ' | '.", template=False),
    Field("has_responsible_column", "Ansvarskolonne", "Responsible column",
          "Har planens tabell en kolonne for ansvarlig? ja/nei (standard: ja).",
          "Does the plan's table have a column for the responsible unit? yes/no (default: yes).",
          template=False, choices="yesno"),
    Field("strategies", "Egen strategi", "Own strategy",
          "En strategi planen har i tillegg til byens (kan gjentas): ID | navn | engelsk navn | kildelinjer "
          "| kuratert kobling (KODE: begrunnelse) | merknad.",
          "A strategy the plan has besides the city's (may repeat): ID | name | English name | source lines "
          "| curated link (CODE: reason) | note.", template=False),
    Field("notes", "Merknad", "Note", "rusgraph sin merknad om hvordan planen er lest (kan gjentas).",
          "rusgraph's note on how the plan was read (may repeat).", template=False),
)
FIELD = {f.key: f for f in FIELDS}

SHEETS = {"plan": ("Plan", "Plan"), "table": ("Tiltak", "Measures"), "lists": ("Lister", "Lists"),
          "guide": ("Veiledning", "Guide")}
PLAN_HEADER = {"nb": ("Felt", "Verdi", "Forklaring"), "en": ("Field", "Value", "Explanation")}
WORDS = {
    "nb": {"row": "rad", "column": "kolonne", "sheet": "ark"},
    "en": {"row": "row", "column": "column", "sheet": "sheet"},
}


def norm(text: str) -> str:
    """Case, spacing and dashes normalised: how cell values and names are matched."""
    text = str(text).replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def sheet_name(kind: str, lang: str) -> str:
    nb, en = SHEETS[kind]
    return en if lang == "en" else nb


def is_spreadsheet(path: str | Path) -> bool:
    return Path(str(path)).suffix.lower() in SUFFIXES


# ============================================================================ locations


@dataclass(frozen=True)
class Where:
    """A place in the spreadsheet a user can go to."""

    file: str
    sheet: str | None = None  # None for CSV: the file is one table
    row: int | None = None
    column: str | None = None
    line: int | None = None  # CSV: the physical line, when it differs from the row

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}" + (f" (line {self.line})" if self.line and self.line != self.row else ""))
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def at(self, column: str | None) -> "Where":
        return Where(self.file, self.sheet, self.row, column, self.line)


def sheet_error(message: str, where: Where | str, hint: str | None = None) -> SpreadsheetError:
    exc = SpreadsheetError(message, where=str(where), hint=hint)
    exc.place = where if isinstance(where, Where) else None  # sheet, row, column for --format json|csv
    return exc


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


@lru_cache(maxsize=1)
def column_names() -> dict[str, Column]:
    out: dict[str, Column] = {}
    for c in COLUMNS:
        for n in (c.nb, c.en, *c.aliases):
            out[norm(n)] = c
    return out


@lru_cache(maxsize=1)
def field_names() -> dict[str, Field]:
    out: dict[str, Field] = {}
    for f in FIELDS:
        for n in (f.nb, f.en, *f.aliases):
            out[norm(n)] = f
    return out
