"""Plan spreadsheets: the planner's template (.xlsx and .csv), its import, and its export.

Owns: the template's columns and header fields (Norwegian and English names), the
drop-down lists built from the bundled vocabularies, reading a filled template (xlsx through
openpyxl; csv in the encodings and separators Excel writes) into a transcription record,
turning that record into RDF with ``build.plan_graph``, writing a bundled plan's record as a
filled template, and placing validation results back on sheet, row and column.

Every problem with the input is a SpreadsheetError whose ``where`` names the file, the
sheet, the row and the column (or the file and line when a CSV file does not decode). It
writes files only through rusgraph.outputs.atomic, so bad input never leaves a half-written file.
The format is documented in docs/spreadsheets.md.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..errors import BuildError, SpreadsheetError
from .problems import Problems

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


def _sheet_name(kind: str, lang: str) -> str:
    nb, en = SHEETS[kind]
    return en if lang == "en" else nb


def is_spreadsheet(path: str | Path) -> bool:
    return Path(str(path)).suffix.lower() in SUFFIXES


# ============================================================================ vocabularies


@dataclass
class Choice:
    """One value a controlled cell may take."""

    value: str  # what goes into the record: a code, a theme slug, a status text, an SSB code
    label_nb: str
    label_en: str
    kind: str = ""
    code: str = ""
    spellings: tuple[str, ...] = ()  # further accepted spellings (alt labels, codes, notations)
    alt_nb: tuple[str, ...] = ()  # the Norwegian ones among them, shown in suggestions as written

    def display(self, lang: str = "nb") -> str:
        label = (self.label_en or self.label_nb) if lang == "en" else (self.label_nb or self.label_en)
        return f"{self.code} \u2013 {label}" if self.code and label else (label or self.code or self.value)

    def keys(self) -> dict[str, str]:
        """Normalised spelling -> the spelling as the vocabulary writes it."""
        out: dict[str, str] = {}
        for k in [self.label_nb, self.label_en, self.code, self.display("nb"), self.display("en"), *self.spellings]:
            if k:
                out.setdefault(norm(k), k)
        return out


@dataclass
class ChoiceList:
    name: str
    what: str  # English noun for messages: 'status', 'strategy' ...
    choices: list[Choice]
    index: dict[str, Choice] = field(default_factory=dict)
    ambiguous: dict[str, list[Choice]] = field(default_factory=dict)
    spelling: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for c in self.choices:
            for k, written in c.keys().items():
                self.spelling.setdefault(k, written)
                if k in self.ambiguous:
                    self.ambiguous[k].append(c)
                elif k in self.index and self.index[k] is not c:
                    self.ambiguous[k] = [self.index.pop(k), c]
                else:
                    self.index[k] = c

    def get(self, text: str) -> Choice | None:
        return self.index.get(norm(text))

    def suggest(self, text: str, lang: str, n: int = 3) -> list[str]:
        """The nearest valid values: close spellings (difflib), then values the text is part of."""
        t = norm(text)
        keys = difflib.get_close_matches(t, list(self.index), n=12, cutoff=0.6)
        if len(t) >= 3:
            keys += [k for k in self.index if t in k and k not in keys]
        out: list[str] = []
        seen: list[Choice] = []
        for k in keys:
            c = self.index[k]
            if any(c is x for x in seen):
                continue
            seen.append(c)
            # as the list shows them, but a Norwegian alternative as written (Ferdig, not Gjennomført)
            written = self.spelling[k]
            nb = lang == "nb" and norm(written) in {norm(x) for x in (c.label_nb, *c.alt_nb)}
            out.append(written if nb and not c.code else c.display(lang))
        return out[:n]


KIND_NAMES = {
    "strategy": ("strategy", "strategy"), "main_goal": ("main goal", "city_goal"),
    "city_goal": ("city-plan goal", "city_goal"), "standard": ("Oslo standard", "standard"),
    "element": ("element of an Oslo standard", "standard"), "city_plan": ("the city plan", None),
    "national": ("national plan or goal", None),
}


@dataclass
class Vocab:
    """The bundled code tables a template is built from and checked against."""

    ctx: Any  # build.Context
    lists: dict[str, ChoiceList]
    kinds: dict[str, str]  # code -> kind
    district_names: dict[str, str]  # SSB code -> name

    def list(self, name: str) -> ChoiceList:
        return self.lists[name]


def transcriptions_dir() -> Path:
    from ..graph.resources import bundled_dir

    return bundled_dir("data") / "transcriptions"


@lru_cache(maxsize=4)
def load_vocab(src_dir: Path | None = None) -> Vocab:
    """The Context of build.upper_context plus the drop-down lists, read once."""
    from ..build import read_record, upper_context

    src = Path(src_dir) if src_dir else transcriptions_dir()
    ctx = upper_context(src)
    vocab = read_record(src / "vocabularies.json")
    upper = read_record(src / "upper.json")

    def terms(key: str, with_notation: bool = False, value: str = "label") -> list[Choice]:
        out = []
        for t in vocab[key]["terms"]:
            spell = [t["slug"], *(t.get("alt_nb") or []), *(t.get("alt_en") or []), *(t.get("match") or [])]
            if with_notation and t.get("notation"):
                spell.append(t["notation"])
            out.append(Choice(t["label_nb"] if value == "label" else t["slug"], t["label_nb"], t.get("label_en", ""),
                              spellings=tuple(spell), alt_nb=tuple([*(t.get("alt_nb") or []), *(t.get("match") or [])])))
        return out

    kinds: dict[str, str] = {}

    def coded(item: dict[str, Any], kind: str) -> Choice:
        kinds[item["code"]] = kind
        return Choice(item["code"], item.get("label_nb", ""), item.get("label_en", ""), kind=kind, code=item["code"],
                      spellings=tuple([*(item.get("alt_nb") or []), *(item.get("alt_en") or [])]))

    cp = upper["city_plan"]
    strategies = [coded(s, "strategy") for s in cp["strategies"]]
    main_goals = [coded(h, "main_goal") for h in cp["main_goals"]]
    city_goals = [coded(g, "city_goal") for g in cp["goals"]]
    standards: list[Choice] = []
    for st in upper["standards"]:
        standards.append(coded(st, "standard"))
        standards.extend(coded(el, "element") for el in st.get("elements") or [])
    national: list[Choice] = []
    for p in upper["national_plans"]:
        national.append(coded(p, "national"))
        for item in [*(p.get("focus_areas") or []), *(p.get("goals") or [])]:
            national.append(coded(item, "national"))
    city = coded(cp, "city_plan")
    districts = []
    names = {}
    for o in upper["organisations"]:
        if o["kind"] == "District":
            names[o["notation"]] = o["name"]
            districts.append(Choice(o["notation"], o["name"], o["name"], spellings=tuple(
                x for x in [o["notation"], o.get("label_nb"), o.get("label_en"), *(o.get("alt_nb") or [])] if x)))
    yesno = [Choice("true", "ja", "yes", spellings=("j", "y", "true", "sant", "1", "x")),
             Choice("false", "nei", "no", spellings=("n", "false", "usant", "0"))]
    lists = {
        "status": ChoiceList("status", "status", terms("status")),
        "risk": ChoiceList("risk", "risk", terms("risk", with_notation=True)),
        "theme": ChoiceList("theme", "theme", terms("themes", value="slug")),
        "strategy": ChoiceList("strategy", "strategy", strategies),
        "city_goal": ChoiceList("city_goal", "city-plan goal", [*main_goals, *city_goals]),
        "standard": ChoiceList("standard", "Oslo standard", standards),
        "goal_link": ChoiceList("goal_link", "city-plan item", [*strategies, *main_goals, *city_goals]),
        "link": ChoiceList("link", "link target", [*strategies, *main_goals, *city_goals, *standards, *national, city]),
        "district": ChoiceList("district", "district", districts),
        "yesno": ChoiceList("yesno", "yes/no value", yesno),
    }
    return Vocab(ctx=ctx, lists=lists, kinds=kinds, district_names=names)


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


def _error(message: str, where: Where | str, hint: str | None = None) -> SpreadsheetError:
    exc = SpreadsheetError(message, where=str(where), hint=hint)
    exc.place = where if isinstance(where, Where) else None  # sheet, row, column for --format json|csv
    return exc


def _letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


# ============================================================================ reading


@dataclass
class RawRow:
    row: int  # spreadsheet row (1-based), what Excel shows
    line: int | None  # CSV only: the physical line the record starts on
    cells: list[str]


@dataclass
class RawPlan:
    """A spreadsheet as text cells: the header fields and the measure table."""

    file: str
    kind: str  # 'xlsx' | 'csv'
    plan_sheet: str | None
    table_sheet: str | None
    fields: list[tuple[str, str, Where, Where]]  # (key cell text, value text, where of key, where of value)
    header: RawRow
    rows: list[RawRow]
    epoch_1904: bool = False  # xlsx: dates count from 1904 (old Mac Excel), not 1900

    def where(self, row: RawRow | None, column: str | None = None) -> Where:
        if row is None:
            return Where(self.file, self.table_sheet, None, column)
        return Where(self.file, self.table_sheet, row.row, column, row.line)


def _text(value: Any) -> str:
    """A cell value as the text the planner sees."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            return value.strftime("%d.%m.%Y %H:%M")
        return value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, (time, timedelta)):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


# Bounds on what a spreadsheet may make rusgraph do. The workbook is streamed (openpyxl's
# read-only mode), so memory stays flat whatever the size; these keep time and memory
# bounded for a file built to exhaust them, and each names what to fix.
MAX_UNPACKED = 1 << 30  # bytes all parts of an .xlsx may unpack to
MAX_RATIO = 100  # how much a part larger than 1 MiB may shrink when packed (Excel's own: 5-20)
MAX_CSV_BYTES = 256 << 20
MAX_ROWS = 250_000  # rows of a sheet (a plan of 100,000 measures fits)
MAX_COLUMNS = 200
MAX_GAP = 10_000  # empty rows before a lone filled cell far below the data


def _check_package(path: Path, name: str) -> dict[str, str]:
    """Check an .xlsx's parts before anything unpacks them; {sheet name: part} of its sheets.

    A zip declares each part's unpacked size, and Python's zipfile stops at that size (a
    part that unpacks to more fails its check), so the declared sizes bound the work."""
    import posixpath
    import xml.etree.ElementTree as ET
    import zipfile

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _error(f"not an Excel workbook (.xlsx): {' '.join(str(exc).split())[:200]}", name,
                     "save the file from Excel as 'Excel Workbook (*.xlsx)'") from None
    with zf:
        total = 0
        for info in zf.infolist():
            total += info.file_size
            if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _error(f"the part {info.filename} unpacks to {info.file_size:,} bytes from "
                             f"{info.compress_size:,}: no spreadsheet packs that tightly (a zip bomb?)", name,
                             "open the file in Excel and save it again; if it is not yours, do not open it")
            if total > MAX_UNPACKED:
                raise _error(f"the workbook unpacks to more than {MAX_UNPACKED >> 20} MiB", name,
                             "split the plan into several workbooks")
        parts: dict[str, str] = {}
        try:
            main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
            rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
            targets = {r.get("Id"): r.get("Target") or "" for r in ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))}
            for sheet in ET.fromstring(zf.read("xl/workbook.xml")).iter(main + "sheet"):
                target = targets.get(sheet.get(rel + "id"), "")
                parts[sheet.get("name") or ""] = target.lstrip("/") if target.startswith("/") else \
                    posixpath.normpath("xl/" + target)
        except (KeyError, ET.ParseError):
            pass  # not the usual layout: openpyxl says what is wrong below
        return parts


def _merged_ranges(path: Path, part: str | None) -> list[str]:
    """The merged ranges of one sheet, scanning its XML as it unpacks (mergeCells follow the
    cells, and most sheets have none)."""
    import zipfile

    if not part:
        return []
    pattern = re.compile(rb'<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
    found: list[str] = []
    with zipfile.ZipFile(path) as zf:
        try:
            fh = zf.open(part)
        except KeyError:
            return []
        with fh:
            tail = b""
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                buf = tail + chunk
                if b"mergeCell" in buf:
                    cut = buf.rfind(b"<")
                    cut = cut if cut > len(buf) - 200 else len(buf)  # keep a tag cut in two for the next round
                    found += [m.group(1).decode() for m in pattern.finditer(buf[:cut])]
                    tail = buf[cut:]
                else:
                    tail = buf[-200:]
            found += [m.group(1).decode() for m in pattern.finditer(tail)]
    return found


def _stream_rows(ws, name: str):  # type: ignore[no-untyped-def]
    """(row number, cells) of every row holding a value, within the bounds above."""
    from openpyxl.utils.cell import get_column_letter

    rows, cols = ws.max_row or 0, ws.max_column or 0
    if rows > MAX_ROWS or cols > MAX_COLUMNS:
        raise _error(f"the sheet declares {rows:,} rows and {cols:,} columns (more than {MAX_ROWS:,} rows or "
                     f"{MAX_COLUMNS} columns)", Where(name, ws.title),
                     "delete the rows and columns after the data (select them, right-click, Delete) and save again")
    ws.reset_dimensions()  # stream what is there, not what the header says
    last = 0
    for r, row in enumerate(ws.iter_rows(min_row=1), start=1):
        if not row:
            continue
        if r > MAX_ROWS:
            raise _error(f"the sheet goes on past row {MAX_ROWS:,}", Where(name, ws.title, r),
                         "delete the rows after the data and save again")
        if len(row) > MAX_COLUMNS:
            far = next((c for c in row[MAX_COLUMNS:] if c.value is not None), None)
            if far is not None:
                raise _error("a cell far to the right of the data", Where(name, ws.title, r, far.column_letter),
                             f"rusgraph reads up to column {get_column_letter(MAX_COLUMNS)}: move or delete it")
            row = row[:MAX_COLUMNS]
        if all(c.value is None for c in row):
            continue
        if last and r - last > MAX_GAP:
            col = next(c.column_letter for c in row if c.value is not None)
            raise _error(f"a cell far below the data (the rows before it are empty back to row {last})",
                         Where(name, ws.title, r, col), "delete it, or move it up to the data")
        last = r
        yield r, row


def read_xlsx(path: Path) -> RawPlan:
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    import zipfile
    import zlib

    name = path.name
    # A damaged package can fail anywhere a part is unpacked, while the sheets stream too:
    # a bad CRC or deflate stream, an unsupported compression method, an encrypted part.
    damaged = (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, RuntimeError)
    try:
        parts = _check_package(path, name)
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except Exception as exc:  # BadZipFile, InvalidFileException, KeyError, XML errors ...
            raise _error(f"not an Excel workbook (.xlsx): {' '.join(str(exc).split())[:200]}", name,
                         "save the file from Excel as 'Excel Workbook (*.xlsx)'") from None
        try:
            return _read_workbook(wb, path, parts, range_boundaries)
        finally:
            wb.close()
    except damaged as exc:
        raise _error(f"the workbook is damaged: {' '.join(str(exc).split())[:200]}", name,
                     "open it in Excel and save it again as 'Excel Workbook (*.xlsx)'") from None


def _read_workbook(wb, path: Path, parts: dict[str, str], range_boundaries) -> RawPlan:  # type: ignore[no-untyped-def]
    name = path.name
    by_norm = {norm(ws.title): ws for ws in wb.worksheets}
    plan_ws = by_norm.get("plan")
    table_ws = by_norm.get("tiltak") or by_norm.get("measures")
    present = ", ".join(ws.title for ws in wb.worksheets)
    if table_ws is None:
        raise _error("no sheet named Tiltak (or Measures)", Where(name, "Tiltak"),
                     f"the workbook has the sheets {present}; rename the measure table's sheet Tiltak")
    if plan_ws is None:
        raise _error("no sheet named Plan", Where(name, "Plan"),
                     f"the workbook has the sheets {present}; add the sheet Plan from `rusgraph template`")
    for ws in (plan_ws, table_ws):
        ranges = sorted((range_boundaries(r) for r in _merged_ranges(path, parts.get(ws.title))),
                        key=lambda b: (b[1], b[0]))
        if ranges:
            min_col, min_row, max_col, max_row = ranges[0]
            coord = f"{_letter(min_col)}{min_row}:{_letter(max_col)}{max_row}"
            col = _letter(min_col)
            if ws is table_ws:
                head = next(ws.iter_rows(min_row=1, max_row=1, min_col=min_col, max_col=min_col, values_only=True),
                            (None,))[0]
                col = _text(head) or col
            raise _error(f"merged cells {coord}", Where(name, ws.title, min_row, col),
                         "unmerge them and write the value in every row it belongs to")
    epoch = wb.epoch

    def cell_text(ws, cell, r: int, column: str | None = None) -> str:  # type: ignore[no-untyped-def]
        if cell.data_type == "f" or type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula"):
            formula = getattr(cell.value, "text", cell.value)
            raise _error(f"the cell holds a formula {str(formula)!r}",
                         Where(name, ws.title, r, column or cell.column_letter),
                         "type the value itself: rusgraph reads values, not formulas")
        return _text(cell.value)

    fields: list[tuple[str, str, Where, Where]] = []
    key_col, val_col = "A", "B"
    for r, row in _stream_rows(plan_ws, name):
        key_cell, val_cell = row[0], (row[1] if len(row) > 1 else None)
        key = cell_text(plan_ws, key_cell, r)
        val = cell_text(plan_ws, val_cell, r) if val_cell is not None else ""
        if r == 1 and norm(key) in ("felt", "field"):  # name the columns as the sheet does
            key_col, val_col = key, val or "B"
        fields.append((key, val, Where(name, plan_ws.title, r, key_col), Where(name, plan_ws.title, r, val_col)))

    rows: list[RawRow] = []
    header: RawRow | None = None
    for r, row in _stream_rows(table_ws, name):
        heads = header.cells if header else []
        cells = [cell_text(table_ws, c, r, heads[i] if i < len(heads) and heads[i] else None)
                 for i, c in enumerate(row)]
        if header is None:
            if any(cells):
                header = RawRow(r, None, cells)
            continue
        rows.append(RawRow(r, None, cells))
    if header is None:
        raise _error("the sheet is empty: no header row", Where(name, table_ws.title, 1),
                     "copy the header row from `rusgraph template`")
    return RawPlan(name, "xlsx", plan_ws.title, table_ws.title, fields, header, rows, epoch_1904=epoch.year == 1904)


def _decode(data: bytes, name: str) -> str:
    import codecs

    if data[:4] == b"PK\x03\x04":
        raise _error("this is an Excel workbook, not CSV", name, "name the file .xlsx")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body.decode(enc)
            except UnicodeDecodeError as exc:
                line = body[:exc.start].count(b"\n") + 1
                raise _error(f"cannot decode byte 0x{body[exc.start]:02x} as {enc.upper()} (the file starts "
                             f"with a {enc.split('-')[0].upper()} byte order mark)", f"{name}, line {line}",
                             "save the file again as 'CSV UTF-8'") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise _error(f"cannot decode byte 0x{data[exc.start]:02x}: the file is neither UTF-8 nor Windows-1252",
                     f"{name}, line {line}", "save the file from Excel as 'CSV UTF-8'") from None


def _header_score(cells: Sequence[str]) -> int:
    names = _column_names()
    return sum(1 for c in cells if norm(c) in names)


def _parse_csv(text: str, delimiter: str, name: str) -> tuple[list[RawRow], SpreadsheetError | None]:
    """The records read with ``delimiter``, and the error that stopped reading (if any).
    A cell rusgraph wrote as '=... (so that Excel shows it as text) reads back as =...."""
    from ..outputs.cells import unsafe_cell

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[RawRow] = []
    recno = 0
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return rows, None
        except csv.Error as exc:
            hint = "a quoted cell never ends: check the quotes (\") from that line on" \
                if "end of data" in str(exc) else "check the quotes (\") on that line"
            return rows, _error(f"the CSV does not parse: {exc}", f"{name}, line {start}", hint)
        recno += 1
        rows.append(RawRow(recno, start, [_text(unsafe_cell(c)) for c in cells]))


def read_csv(path: Path) -> RawPlan:
    name = path.name
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise _error(f"the file has {size:,} bytes, more than a plan's {MAX_CSV_BYTES >> 20} MiB", name,
                     "split the plan into several files")
    text = _decode(path.read_bytes(), name)
    offset = 0
    forced = None
    first, _, rest = text.partition("\n")
    m = re.fullmatch(r'"?sep=(.)"?[,;\t]*\r?', first.strip("\ufeff"))
    if m:  # Excel's 'sep=;' first line
        forced, text, offset = m.group(1), rest, 1
    best: tuple[int, str, list[RawRow], SpreadsheetError | None] | None = None
    for delim in ([forced] if forced else [";", ",", "\t"]):
        rows, err = _parse_csv(text, delim, name)
        head = next((r for r in rows if any(r.cells) and not r.cells[0].startswith("#")), None)
        score = _header_score(head.cells) if head else 0
        if best is None or score > best[0] or (score == best[0] and best[3] is not None and err is None):
            best = (score, delim, rows, err)
    assert best is not None
    score, delim, rows, err = best
    if err is not None:
        raise err
    for r in rows:
        r.row += offset
        if r.line is not None:
            r.line += offset
    fields: list[tuple[str, str, Where, Where]] = []
    header: RawRow | None = None
    body: list[RawRow] = []
    for r in rows:
        if header is None:
            if not any(r.cells):
                continue
            if r.cells[0].startswith("#"):
                key, sep, val = _split_field(r.cells[0][1:])
                if not sep and len(r.cells) > 1:
                    val = r.cells[1]
                elif not val.strip() and len(r.cells) > 1:
                    val = r.cells[1]
                w = Where(name, None, r.row, "A", r.line)
                fields.append((key.strip(), val.strip(), w, w))
                continue
            if score == 0:
                raise _error("no header row: expected column names such as Tiltak, Mål and Status",
                             Where(name, None, r.row, None, r.line),
                             "copy the header row from `rusgraph template -o plan.csv`")
            header = r
            continue
        body.append(r)
    if header is None:
        raise _error("no header row", name, "copy the header row from `rusgraph template -o plan.csv`")
    return RawPlan(name, "csv", None, None, fields, header, body)


def _split_field(text: str) -> tuple[str, str, str]:
    """'Tittel: kilde: 1-2' -> ('Tittel: kilde', ':', '1-2'): known field names (some hold a
    colon) first, then the first colon."""
    t = text.strip()
    for name in sorted(_field_names(), key=len, reverse=True):
        if norm(t).startswith(name + ":") and ":" in t:
            # the name has as many colons as its normalised form
            cut = -1
            for _ in range(name.count(":") + 1):
                cut = t.index(":", cut + 1)
            return t[:cut], ":", t[cut + 1:]
    return t.partition(":")


@lru_cache(maxsize=1)
def _column_names() -> dict[str, Column]:
    out: dict[str, Column] = {}
    for c in COLUMNS:
        for n in (c.nb, c.en, *c.aliases):
            out[norm(n)] = c
    return out


@lru_cache(maxsize=1)
def _field_names() -> dict[str, Field]:
    out: dict[str, Field] = {}
    for f in FIELDS:
        for n in (f.nb, f.en, *f.aliases):
            out[norm(n)] = f
    return out


def read_raw(path: str | Path) -> RawPlan:
    p = Path(path)
    if not p.exists():
        raise _error("file not found", str(p), "check the path")
    if p.is_dir():
        raise _error("expected a file, got a directory", str(p))
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(p)
    if suffix == ".csv":
        return read_csv(p)
    raise _error(f"cannot read {suffix or 'a file without suffix'} as a plan spreadsheet", str(p),
                 "use .xlsx or .csv (save .xls or .ods files as .xlsx)")


# ============================================================================ cells to a record

_BULLET = re.compile(r"^\s*(?:[-\u2013\u2022*\u25aa\u25cf]\s+)")
_DATE_LIKE = re.compile(r"(?<![\d.])\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?![\d.]*\d)")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def split_cell(text: str, *, semicolons: bool = False) -> list[str]:
    """A multi-valued cell's values: one per line (and per ';' where allowed), bullets dropped."""
    parts = re.split(r"[\n;]" if semicolons else r"\n", text or "")
    out = []
    for p in parts:
        p = _BULLET.sub("", p).strip()
        if p:
            out.append(p)
    return out


def default_label(text: str, activities: Sequence[str] = ()) -> str:
    """The short name a measure gets when Kortnavn is empty: the first line of its text
    (a leading bullet dropped). ``activities`` is accepted for symmetry and not used: the
    Tiltak cell, not the first activity, is the planner's name for the measure."""
    first = next((line for line in (text or "").split("\n") if line.strip()), "")
    return _BULLET.sub("", first).strip()


def parse_lines(text: str, where: Where) -> list[int] | None:
    """'31-62', '31', 'linje 31-62' -> [31, 62]."""
    t = norm(text)
    if not t:
        return None
    t = re.sub(r"^(linjer|linje|lines|line|l\.)\s*", "", t)
    m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", t)
    if not m:
        raise _error(f"source location {text!r} does not parse", where,
                     "write the line numbers in the source text as 31 or 31-62")
    start = int(m.group(1))
    end = int(m.group(2) or start)
    if not 0 < start <= end:
        raise _error(f"source location {text!r} runs backwards or starts at 0", where,
                     "write the first line, then the last: 31-62")
    return [start, end]


def parse_period(text: str, where: Where) -> tuple[int | None, int | None]:
    t = norm(text)
    if not t:
        return None, None
    m = re.fullmatch(r"(\d{4})?\s*(?:(?:-|til|to)\s*(\d{4})?)?", t)
    if not m or not (m.group(1) or m.group(2)):
        raise _error(f"period {text!r} does not parse", where, "write the years as 2023-2028 (or 2023- when open-ended)")
    start = int(m.group(1)) if m.group(1) else None
    end = int(m.group(2)) if m.group(2) else (start if "-" not in t else None)
    return start, end


def serial_date(text: str, *, epoch_1904: bool = False) -> str:
    """A date Excel stores as a number shown as one: '45657' -> '31.12.2024'.

    Excel keeps a date as the days since 30.12.1899 (1.1.1904 in old Mac workbooks) and shows
    it as a date through the cell's number format; when that format is lost or not one
    openpyxl knows (or the sheet was saved as CSV in General format), the number is what
    arrives. Whole numbers from 1900 to 2200 are years and stay as they are; numbers that
    fall on a day from 1950 to 2200 become that day; any other text is returned unchanged."""
    if not re.fullmatch(r"\d{5}(?:\.0+)?", text.strip()):
        return text
    days = int(float(text))
    day = (date(1904, 1, 1) if epoch_1904 else date(1899, 12, 30)) + timedelta(days=days)
    return day.strftime("%d.%m.%Y") if 1950 <= day.year <= 2200 else text


def check_deadline(text: str, where: Where) -> None:
    """A deadline is free text, but what looks like a date must be one."""
    for m in _DATE_LIKE.finditer(text):
        s = m.group(0)
        ok = False
        dm = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", s)
        iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
        try:
            if dm:
                date(int(dm.group(3)), int(dm.group(2)), int(dm.group(1)))
                ok = True
            elif iso:
                date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
                ok = True
        except ValueError:
            ok = False
        if not ok:
            raise _error(f"date {s!r} does not parse", where,
                         "write a date as 31.12.2025 or 2025-12-31, a month as mars 2025, a year as 2025, "
                         "or free text such as Kontinuerlig")


def _source_name(text: str) -> str:
    """A source document name safe in an IRI: letters, digits, '.', '_' and '-'."""
    from ..graph.namespaces import slugify

    text = text.strip()
    if re.fullmatch(r"[A-Za-z0-9._-]+", text):
        return text
    stem, dot, suffix = text.rpartition(".")
    if not dot or " " in suffix or len(suffix) > 5:
        stem, suffix = text, ""
    return (slugify(stem) or "plan") + (f".{slugify(suffix)}" if suffix and slugify(suffix) else "")


def resolve(vocab: Vocab, list_name: str, text: str, where: Where, lang: str = "nb") -> Choice:
    """The choice a controlled cell's value names, or a SpreadsheetError with the nearest ones."""
    lst = vocab.list(list_name)
    hit = lst.get(text)
    if hit is not None:
        return hit
    key = norm(text)
    if key in lst.ambiguous:
        codes = ", ".join(c.code or c.display(lang) for c in lst.ambiguous[key])
        raise _error(f"{lst.what} {text!r} is ambiguous", where, f"it names {codes}: write the code")
    if list_name in ("strategy", "city_goal", "standard", "goal_link"):
        other = vocab.list("link").get(text)
        if other is not None and other.kind in KIND_NAMES:
            kind_name, col = KIND_NAMES[other.kind]
            hint = f"write it in column {COLUMN[col].name(lang)}" if col else "it cannot be linked from this column"
            raise _error(f"{other.code} is {'an' if kind_name[0] in 'aeiouAEIOU' else 'a'} {kind_name}, "
                         f"not {'an' if lst.what[0] in 'aeiouAEIOU' else 'a'} {lst.what}", where, hint)
    suggestions = lst.suggest(text, lang)
    if suggestions:
        sep = "; " if any("," in x for x in suggestions) else ", "
        hint = f"Did you mean: {sep.join(suggestions)}?"
    elif len(lst.choices) <= 8:
        hint = f"Choose one of: {', '.join(c.display(lang) for c in lst.choices)}"
    else:
        hint = "pick a value from the drop-down list (`rusgraph template` writes one)"
    raise _error(f"unknown {lst.what} {text!r}", where, hint)


def _own_strategy(value: str, where: Where) -> dict[str, Any]:
    """'st4 | Overgang til egen bolig | Transition ... | 41-41 | g3: reason | note' -> a record
    strategy (the transcription format's ``strategies``)."""
    parts = [x.strip() for x in value.split("|")]
    parts += [""] * (6 - len(parts))
    sid, label, label_en, lines, link, note = parts[:6]
    if not _SLUG.fullmatch(sid or "-") or not label:
        raise _error(f"own strategy {value[:60]!r} needs an ID and a name", where,
                     "write it as ID | name | English name | source lines | CODE: reason | note")
    out: dict[str, Any] = {"id": sid, "label": label, "lines": parse_lines(lines, where), "links": []}
    if label_en:
        out["label_en"] = label_en
    if link:
        code, _, reason = link.partition(":")
        if not reason.strip():
            raise _error(f"the own strategy's link to {code.strip()} has no reason", where,
                         "write it as CODE: why the link holds")
        out["links"].append({"target": code.strip(), "basis": "curated", "reason": reason.strip()})
    if note:
        out["notes"] = note
    return out


def _own_link(entry: str, own: list[dict[str, Any]]) -> dict[str, Any] | None:
    """'st4: reason' as a curated link to one of the plan's own strategies, else None."""
    head, _, reason = entry.partition(":")
    if reason.strip() and any(s["id"] == head.strip() for s in own):
        return {"target": head.strip(), "basis": "curated", "reason": reason.strip()}
    return None


def _curated(vocab: Vocab, entry: str, where: Where, lang: str) -> tuple[Choice, str]:
    """'S1-17: reason' -> (choice, reason)."""
    lst = vocab.list("link")
    for m in re.finditer(":", entry):
        head, reason = entry[:m.start()].strip(), entry[m.end():].strip()
        hit = lst.get(head)
        if hit is not None:
            if not reason:
                break
            return hit, reason
    hit = lst.get(entry.split(":", 1)[0])
    if hit is not None:
        raise _error(f"curated link to {hit.code} has no reason", where, f"write it as {hit.code}: why the link holds")
    head = entry.split(":", 1)[0].strip()
    resolve(vocab, "link", head, where, lang)  # raises with suggestions
    raise AssertionError("unreachable")


@dataclass
class Locator:
    """Where each IRI of an imported plan came from."""

    file: str
    lang: str
    rows: dict[str, Where] = field(default_factory=dict)  # IRI -> the row (no column)
    link_columns: dict[tuple[str, str], str] = field(default_factory=dict)  # (subject IRI, code) -> column
    columns: dict[str, str] = field(default_factory=dict)  # column key -> header as written in the file
    fields: dict[str, Where] = field(default_factory=dict)  # plan field key -> where its value is
    plan_sheet: str | None = None

    def column(self, key: str) -> str:
        return self.columns.get(key) or COLUMN[key].name(self.lang)

    def field_where(self, key: str) -> Where:
        w = self.fields.get(key)
        if w is not None:
            return w
        return Where(self.file, self.plan_sheet, None, FIELD[key].name(self.lang))


def to_record(raw: RawPlan, vocab: Vocab) -> tuple[dict[str, Any], Locator]:
    """The transcription record a filled template stands for, and where each part came from."""
    from ..graph.namespaces import district_plan_iri, source_iri
    from ..graph.namespaces import slugify

    # ---- header row
    cols: dict[str, int] = {}
    names: dict[str, str] = {}
    votes = {"nb": 0, "en": 0}
    header_names = _column_names()
    for i, text in enumerate(raw.header.cells):
        letter = _letter(i + 1)
        if not text:
            for r in raw.rows:
                if i < len(r.cells) and r.cells[i]:
                    raise _error("a cell in a column without a header", raw.where(r, letter),
                                 "give the column a header from the template, or move the value")
            continue
        col = header_names.get(norm(text))
        if col is None:
            near = difflib.get_close_matches(norm(text), list(header_names), n=3, cutoff=0.6)
            shown = []
            for k in near:
                c = header_names[k]
                name = c.nb if norm(c.nb) == k or norm(c.en) != k else c.en
                if name not in shown:
                    shown.append(name)
            hint = f"Did you mean: {', '.join(shown)}?" if shown else "use the column names of `rusgraph template`"
            raise _error(f"unknown column {text!r}", raw.where(raw.header, letter), hint)
        if col.key in cols:
            raise _error(f"column {text!r} appears twice (also column {_letter(cols[col.key] + 1)})",
                         raw.where(raw.header, letter), "delete or rename one of them")
        cols[col.key] = i
        names[col.key] = text
        if norm(text) == norm(col.nb) and norm(text) != norm(col.en):
            votes["nb"] += 1
        elif norm(text) == norm(col.en) and norm(text) != norm(col.nb):
            votes["en"] += 1
    lang = "en" if votes["en"] > votes["nb"] else "nb"
    missing = [c for c in COLUMNS if c.required and c.key not in cols]
    if missing:
        shown = ", ".join(repr(c.name(lang)) for c in missing)
        raise _error(f"missing column{'s' if len(missing) > 1 else ''} {shown}",
                     raw.where(raw.header, missing[0].name(lang)),
                     "the template has it; add it back (it may stay empty), or fix a renamed header")
    loc = Locator(raw.file, lang, columns=names, plan_sheet=raw.plan_sheet)
    width = len(raw.header.cells)

    # ---- plan fields
    values: dict[str, list[tuple[str, Where]]] = {}
    field_names = _field_names()
    for key_text, val, wkey, wval in raw.fields:
        if not key_text and not val:
            continue
        if norm(key_text) in ("felt", "field") and norm(val) in ("verdi", "value", ""):
            continue
        f = field_names.get(norm(key_text))
        if f is None:
            if not key_text:
                raise _error("a value without a field name", wkey, "write the field name in the first column")
            near = difflib.get_close_matches(norm(key_text), list(field_names), n=3, cutoff=0.6)
            shown = sorted({field_names[k].name(lang) for k in near})
            hint = f"Did you mean: {', '.join(shown)}?" if shown else \
                "use the fields of `rusgraph template`: " + ", ".join(x.name(lang) for x in FIELDS)
            raise _error(f"unknown plan field {key_text!r}", wkey, hint)
        if f.key not in ("notes", "strategies") and f.key in values:
            raise _error(f"plan field {key_text!r} is given twice (also {values[f.key][0][1]})", wkey,
                         "keep one of them")
        values.setdefault(f.key, []).append((val, wval))
        loc.fields.setdefault(f.key, wval)

    def one(key: str) -> tuple[str, Where]:
        got = values.get(key)
        return got[0] if got else ("", loc.field_where(key))

    problems = Problems()
    text, w = one("district")
    if not text:
        problems.add(_error("the plan has no district", w, "write the district's name (Grorud) or SSB code (030110)"))
    choice = problems.attempt(resolve, vocab, "district", text, w, lang) if text else None
    district = choice.value if choice is not None else "0301"  # read on: the rows may have problems too
    title, w_title = one("title")
    label, _ = one("label")
    if not title and not label:
        problems.add(_error("the plan has no title", w_title, "write the plan's title"))
    start, end = problems.attempt(parse_period, *one("period"), default=(None, None))
    source_text, w_source = one("source")
    source = _source_name(source_text or raw.file)
    slug, w_slug = one("slug")
    if slug:
        if not _SLUG.fullmatch(slug):
            problems.add(_error(f"plan ID {slug!r} is not lower-case letters, digits and hyphens", w_slug,
                                f"for example {slugify(slug) or 'ruspolitisk-handlingsplan-2024-2027'}"))
            slug = slugify(slug) or "plan"
    else:
        slug = slugify(title or label) or "plan"
    resp_text, w_resp = one("has_responsible_column")
    yes = problems.attempt(resolve, vocab, "yesno", resp_text, w_resp, lang) if resp_text else None
    has_resp = yes.value == "true" if yes is not None else True
    columns_text, _ = one("columns")
    plan = {
        "slug": slug,
        "title": title or None,
        "title_lines": problems.attempt(parse_lines, *one("title_lines")),
        "start": start,
        "end": end,
        "columns": [c.strip() for c in columns_text.split("|") if c.strip()] or None,
        "has_responsible_column": has_resp,
        "notes": [v for v, _ in values.get("notes", []) if v],
    }
    own_strategies = [s for s in (problems.attempt(_own_strategy, v, w) for v, w in values.get("strategies", []) if v)
                      if s is not None]
    if label:
        plan["label"] = label
    label_en, _ = one("label_en")
    if label_en:
        plan["label_en"] = label_en
    plan_iri = district_plan_iri(district, slug)
    loc.rows[plan_iri] = Where(raw.file, raw.plan_sheet, w_title.row, None, w_title.line)
    loc.rows[source_iri(source)] = Where(raw.file, raw.plan_sheet, w_source.row, None, w_source.line)
    loc.rows[f"{plan_iri}/period"] = loc.field_where("period").at(None)

    # ---- rows
    sections: dict[str, dict[str, Any]] = {}
    goals: dict[tuple[str, str], dict[str, Any]] = {}
    goal_cells: dict[str, dict[str, tuple[str, RawRow]]] = {}
    measures: list[dict[str, Any]] = []
    numbers: dict[str, RawRow] = {}

    def section_id(heading: str, r: RawRow | None = None, cells: dict[str, str] | None = None) -> str | None:
        if not heading:
            return None
        if heading not in sections:
            sections[heading] = {"id": f"s{len(sections) + 1}", "heading": heading, "lines": None, "links": []}
        sec = sections[heading]
        for key in ("placement", "heading_source"):
            v = (cells or {}).get(key, "")
            if not v or r is None:
                continue
            w = raw.where(r, loc.column(key))
            value = (resolve(vocab, "strategy", v, w, lang).code if key == "placement" else parse_lines(v, w))
            field_ = "placement" if key == "placement" else "lines"
            if sec.get(field_) not in (None, value):
                raise _error(f"the heading {heading[:60]!r} has another {loc.column(key)} in an earlier row", w,
                             "rows under the same heading must agree: make the cells equal or leave this one empty")
            sec[field_] = value
        return sec["id"]

    def goal_id(r: RawRow, heading: str, text: str, cells: dict[str, str]) -> str:
        key = (heading, text)
        if key not in goals:
            gid = f"g{len(goals) + 1}"
            goals[key] = {"id": gid, "text": text, "section": section_id(heading), "links": [], "row": r}
            goal_cells[gid] = {}
        gid = goals[key]["id"]
        for k in GOAL_KEYS:
            v = cells.get(k, "")
            if not v:
                continue
            seen = goal_cells[gid].get(k)
            if seen is None:
                goal_cells[gid][k] = (v, r)
            elif seen[0] != v:
                raise _error(f"the goal {text[:60]!r} has another {loc.column(k)} in row {seen[1].row}",
                             raw.where(r, loc.column(k)),
                             "rows of the same goal must agree: make the cells equal or leave this one empty")
        return gid

    def read_row(r: RawRow) -> None:
        if len(r.cells) > width and any(r.cells[width:]):
            i = next(j for j in range(width, len(r.cells)) if r.cells[j])
            raise _error("a cell in a column without a header", raw.where(r, _letter(i + 1)),
                         "give the column a header from the template, or move the value")
        cells = {k: (r.cells[i] if i < len(r.cells) else "") for k, i in cols.items()}
        if not any(cells.values()):
            return
        heading, goal_text, text = cells.get("heading", ""), cells.get("goal", ""), cells.get("text", "")
        if not text:
            filled = [k for k in ROW_KEYS if cells.get(k)]
            if filled or not goal_text:
                raise _error("empty measure: the row has no text in column " + loc.column("text"),
                             raw.where(r, loc.column("text")), "write what will be done, or delete the row")
            gid = goal_id(r, heading, goal_text, cells)
            return
        where = raw.where(r)
        n = len(measures) + 1
        number = cells.get("local_number") or None
        if number:
            if number in numbers:
                problems.add(_error(f"local number {number!r} is used twice (also row {numbers[number].row})",
                                    where.at(loc.column("local_number")), "give every measure its own number"))
            numbers.setdefault(number, r)
        activities = split_cell(cells.get("activities", ""))
        deadline = cells.get("deadline") or None
        if deadline:
            deadline = serial_date(deadline, epoch_1904=raw.epoch_1904)
            problems.attempt(check_deadline, deadline, where.at(loc.column("deadline")))
        m: dict[str, Any] = {
            "n": n,
            "local_number": number,
            "section": section_id(heading, r, cells),
            "goal": goal_id(r, heading, goal_text, cells) if goal_text else None,
            "lines": problems.attempt(parse_lines, cells.get("source", ""), where.at(loc.column("source"))),
            "label": cells.get("label") or default_label(text, activities),
            "text": text,
            "description": cells.get("description") or None,
            "activities": activities,
            "responsible": cells.get("responsible") or None,
            "units": list(dict.fromkeys(split_cell(cells.get("units", ""), semicolons=True))),
            "deadline": deadline,
            "status": None,
            "risk": None,
            "links": [],
            "standards": [],
            "themes": [],
            "notes": cells.get("note") or None,
        }
        for key, table in (("status", vocab.ctx.status), ("risk", vocab.ctx.risk)):
            v = cells.get(key, "")
            if v:
                if "\n" in v:
                    problems.add(_error(f"one {key} per row, not {len(split_cell(v))}", where.at(loc.column(key)),
                                        "keep one value"))
                    continue
                choice = problems.attempt(resolve, vocab, key, v, where.at(loc.column(key)), lang)
                if choice is None:
                    continue
                from ..build import norm as build_norm

                m[key] = v if build_norm(v) in table else choice.label_nb
        m_iri = f"{plan_iri}/measure/{n}"
        loc.rows[m_iri] = where
        for key, list_name, target in (("strategy", "strategy", "links"), ("city_goal", "city_goal", "links"),
                                       ("standard", "standard", "standards")):
            for v in split_cell(cells.get(key, ""), semicolons=True):
                choice = problems.attempt(resolve, vocab, list_name, v, where.at(loc.column(key)), lang)
                if choice is None or any(x["target"] == choice.code and x["basis"] == "stated" for x in m[target]):
                    continue
                m[target].append({"target": choice.code, "basis": "stated",
                                  "reason": f"the plan's table links the row to it (column {loc.column(key)})"})
                loc.link_columns[(m_iri, choice.code.lower())] = loc.column(key)
        for v in split_cell(cells.get("themes", ""), semicolons=True):
            theme = problems.attempt(resolve, vocab, "theme", v, where.at(loc.column("themes")), lang)
            slug_ = theme.value if theme is not None else None
            if slug_ is not None and slug_ not in m["themes"]:
                m["themes"].append(slug_)
        for v in split_cell(cells.get("curated", "")):
            own = _own_link(v, own_strategies)
            if own is not None:
                m["links"].append(own)
                continue
            got = problems.attempt(_curated, vocab, v, where.at(loc.column("curated")), lang)
            if got is None:
                continue
            choice, reason = got
            target = "standards" if choice.kind in ("standard", "element") else "links"
            m[target].append({"target": choice.code, "basis": "curated", "reason": reason})
            loc.link_columns.setdefault((m_iri, choice.code.lower()), loc.column("curated"))
        measures.append(m)

    for r in raw.rows:
        problems.attempt(read_row, r)

    if not measures and not problems.found:
        raise _error("the plan has no measures: every row is empty", raw.where(None, loc.column("text")),
                     "write one measure per row under the header row")

    # ---- goals, now that all their rows are read
    goal_list = []
    for g in goals.values():
        gid = g["id"]
        r = g.pop("row")
        g_iri = f"{plan_iri}/goal/{gid}"
        loc.rows[g_iri] = raw.where(r)
        cells = goal_cells[gid]
        if "goal_source" in cells:
            v, rr = cells["goal_source"]
            g["lines"] = problems.attempt(parse_lines, v, raw.where(rr, loc.column("goal_source")))
        else:
            g["lines"] = None
        if "goal_link" in cells:
            v, rr = cells["goal_link"]
            for entry in split_cell(v, semicolons=True):
                choice = problems.attempt(resolve, vocab, "goal_link", entry, raw.where(rr, loc.column("goal_link")), lang)
                if choice is not None and not any(x["target"] == choice.code for x in g["links"]):
                    g["links"].append({"target": choice.code, "basis": "stated",
                                       "reason": f"the plan's table links the goal to it (column "
                                                 f"{loc.column('goal_link')})"})
                    loc.link_columns[(g_iri, choice.code.lower())] = loc.column("goal_link")
        if "goal_curated" in cells:
            v, rr = cells["goal_curated"]
            for entry in split_cell(v):
                got = problems.attempt(_curated, vocab, entry, raw.where(rr, loc.column("goal_curated")), lang)
                if got is None:
                    continue
                choice, reason = got
                g["links"].append({"target": choice.code, "basis": "curated", "reason": reason})
                loc.link_columns.setdefault((g_iri, choice.code.lower()), loc.column("goal_curated"))
        if "goal_note" in cells:
            g["notes"] = cells["goal_note"][0]
        goal_list.append(g)
    problems.raise_any()

    record = {
        "source": source,
        "district": district,
        "plan": plan,
        "sections": list(sections.values()),
        **({"strategies": own_strategies} if own_strategies else {}),
        "goals": goal_list,
        "measures": measures,
    }
    # units: the first row that names each
    from ..build import norm as build_norm
    from ..graph.namespaces import district_unit_iri

    for m in measures:
        for unit in m["units"]:
            org = vocab.ctx.unit_orgs.get(build_norm(unit))
            iri = str(org) if org is not None else district_unit_iri(district, unit)
            loc.rows.setdefault(iri, loc.rows[f"{plan_iri}/measure/{m['n']}"])
    return record, loc


# ============================================================================ import


@dataclass
class ImportedPlan:
    """A plan spreadsheet read and turned into RDF."""

    path: Path
    record: dict[str, Any]
    graph: Any  # rdflib.Graph
    locator: Locator

    @property
    def file(self) -> str:
        return self.locator.file

    @property
    def plan_iri(self) -> str:
        from ..graph.namespaces import district_plan_iri

        return district_plan_iri(self.record["district"], self.record["plan"]["slug"])

    def turtle(self) -> str:
        from ..build import to_turtle

        return (f"# Imported by `rusgraph import` from {self.file}.\n"
                f"# Edit the spreadsheet and import it again rather than editing this file.\n"
                + to_turtle(self.graph))


def import_plan(path: str | Path, *, vocab: Vocab | None = None) -> ImportedPlan:
    """Read a filled template (.xlsx or .csv) and build its RDF (links from the table stated)."""
    from ..build import plan_graph

    raw = read_raw(path)
    vocab = vocab or load_vocab()
    record, loc = to_record(raw, vocab)
    try:
        graph = plan_graph(record, vocab.ctx, name=raw.file, require_lines=False)
    except BuildError as exc:  # the checks above should have caught it; never lose the place
        raise _error(exc.message, exc.where or raw.file, exc.hint) from None
    return ImportedPlan(Path(path), record, graph, loc)


# ============================================================================ a record as a template


def _lines_text(lines: Sequence[int] | None) -> str:
    if not lines:
        return ""
    start, end = int(lines[0]), int(lines[-1])
    return str(start) if start == end else f"{start}-{end}"


def _period_text(start: int | None, end: int | None) -> str:
    if start is None and end is None:
        return ""
    if start is not None and end is not None:
        return f"{start}-{end}"
    return f"{start}-" if start is not None else f"-{end}"


def record_to_sheet(record: dict[str, Any], vocab: Vocab, lang: str = "nb") -> tuple[
        list[tuple[Field, str]], list[dict[str, str]]]:
    """A transcription record as the template's plan fields and rows.

    Every link the record gives a measure or goal (its own and those of the heading it stands
    under) is written out: stated ones in Strategi, Byplanmål, Oslostandard or Mål:
    byplankobling, curated ones as 'CODE: reason' in the curated columns. The reasons of
    stated links are not written: the import says the table states them.
    """
    from ..build import _section_links

    p = record["plan"]
    sections = {s["id"]: s for s in record.get("sections") or []}
    goals = {g["id"]: g for g in record.get("goals") or []}
    where = f"record {record['district']}"

    def display(code: str, list_name: str) -> str:
        choice = vocab.list(list_name).get(code)
        if choice is None or choice.code != code:
            raise _error(f"{code} cannot be written in the template's {list_name} column", where)
        return choice.display(lang)

    def link_cells(links: Iterable[dict[str, Any]], *, goal: bool) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for link in links:
            code = link["target"]
            if any(code == s["id"] for s in record.get("strategies") or []) and link["basis"] == "curated":
                out.setdefault("curated", []).append(f"{code}: {link['reason']}")
                continue
            if link["basis"] == "curated":
                out.setdefault("goal_curated" if goal else "curated", []).append(f"{code}: {link['reason']}")
                continue
            kind = vocab.kinds.get(code)
            if goal:
                key, list_name = "goal_link", "goal_link"
            elif kind == "strategy":
                key, list_name = "strategy", "strategy"
            elif kind in ("main_goal", "city_goal"):
                key, list_name = "city_goal", "city_goal"
            elif kind in ("standard", "element"):
                key, list_name = "standard", "standard"
            else:
                raise _error(f"a stated link to {code} has no column in the template", where)
            text = display(code, list_name)
            if text not in out.setdefault(key, []):
                out[key].append(text)
        return out

    themes = vocab.list("theme")
    rows: list[dict[str, str]] = []
    written: set[str] = set()

    def goal_row(gid: str) -> dict[str, str]:
        g = goals[gid]
        links = [*_section_links(sections, g.get("section"), where), *(g.get("links") or [])]
        row = {"goal": g["text"], "goal_source": _lines_text(g.get("lines")), "goal_note": g.get("notes") or ""}
        if g.get("section"):
            row["heading"] = sections[g["section"]]["heading"]
        for k, v in link_cells(links, goal=True).items():
            row[k] = "\n".join(v)
        return row

    order = [g["id"] for g in record.get("goals") or []]

    def flush_unused(before: str | None) -> None:
        """Goal-only rows for goals no measure names, kept in the goals' order."""
        for gid in order:
            if gid == before:
                return
            if gid not in written and not any(m.get("goal") == gid for m in record["measures"]):
                rows.append(goal_row(gid))
                written.add(gid)

    for m in record["measures"]:
        row: dict[str, str] = {}
        if m.get("goal"):
            if m["goal"] not in written:
                flush_unused(m["goal"])
                written.add(m["goal"])
            row.update(goal_row(m["goal"]))
        if m.get("section"):
            sec = sections[m["section"]]
            row["heading"] = sec["heading"]
            row["placement"] = display(sec["placement"], "strategy") if sec.get("placement") else ""
            row["heading_source"] = _lines_text(sec.get("lines"))
        acts = m.get("activities") or []
        label = m.get("label") or ""
        row.update({
            "local_number": m.get("local_number") or "",
            "text": m.get("text") or "",
            "label": label if label != default_label(m.get("text") or "", acts) else "",
            "description": m.get("description") or "",
            "activities": "\n".join(acts),
            "responsible": m.get("responsible") or "",
            "units": "\n".join(m.get("units") or []),
            "deadline": m.get("deadline") or "",
            "status": m.get("status") or "",
            "risk": m.get("risk") or "",
            "themes": "\n".join(themes.get(t).display(lang) for t in m.get("themes") or []),
            "source": _lines_text(m.get("lines")),
            "note": m.get("notes") or "",
        })
        links = [*_section_links(sections, m.get("section"), where), *(m.get("links") or [])]
        cells = link_cells(links, goal=False)
        for k, v in link_cells(m.get("standards") or [], goal=False).items():
            cells.setdefault(k, []).extend(v)
        for k, v in cells.items():
            row[k] = "\n".join(v)
        rows.append(row)
    flush_unused(None)

    fields: list[tuple[Field, str]] = [
        (FIELD["district"], vocab.district_names.get(record["district"], record["district"])),
        (FIELD["title"], p.get("title") or ""),
    ]
    if not p.get("title") and p.get("label"):
        fields.append((FIELD["label"], p["label"]))
    fields += [
        (FIELD["period"], _period_text(p.get("start"), p.get("end"))),
        (FIELD["source"], record["source"]),
        (FIELD["label_en"], p.get("label_en") or ""),
        (FIELD["slug"], p["slug"]),
        (FIELD["title_lines"], _lines_text(p.get("title_lines"))),
        (FIELD["columns"], " | ".join(p.get("columns") or [])),
        (FIELD["has_responsible_column"], vocab.list("yesno").get(
            "true" if p.get("has_responsible_column") else "false").display(lang)),
    ]
    for st in record.get("strategies") or []:
        link = next(iter(st.get("links") or []), None)
        fields.append((FIELD["strategies"], " | ".join([
            st["id"], st["label"], st.get("label_en") or "", _lines_text(st.get("lines")),
            f"{link['target']}: {link['reason']}" if link else "", st.get("notes") or ""])))
    fields += [(FIELD["notes"], note) for note in p.get("notes") or []]
    return fields, rows


# ============================================================================ writing


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
    plan_ws.title = _sheet_name("plan", lang)
    table_ws = wb.create_sheet(_sheet_name("table", lang))
    guide_ws = wb.create_sheet(_sheet_name("guide", lang))
    lists_ws = wb.create_sheet(_sheet_name("lists", lang))

    # hidden lists
    refs: dict[str, str] = {}
    for i, name in enumerate(_LIST_ORDER, start=1):
        values = _list_values(vocab, name, lang)
        put(lists_ws, 1, i, _LIST_TITLES[name][1 if lang == "en" else 0]).font = bold
        for j, v in enumerate(values, start=2):
            put(lists_ws, j, i, v)
        letter = _letter(i)
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
        letter = _letter(j)
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
    table_ws.auto_filter.ref = f"A1:{_letter(len(columns))}{len(rows) + 1}"

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


def csv_text(fields: Sequence[tuple[Field, str]], rows: Sequence[dict[str, str]], columns: Sequence[Column],
             lang: str = "nb", *, bom: bool = True) -> str:
    """The template as CSV: '# Field: value' lines, the header row, one row per measure.
    ';' separates cells (what Excel writes with Norwegian settings); a BOM marks UTF-8."""
    from ..outputs.cells import csv_writer

    buf = io.StringIO()
    w = csv_writer(buf, delimiter=";", lineterminator="\r\n")
    for f, value in fields:
        w.writerow([f"# {f.name(lang)}: {value}".rstrip()])
    w.writerow([c.name(lang) for c in columns])
    for row in rows:
        w.writerow([row.get(c.key, "") for c in columns])
    return ("\ufeff" if bom else "") + buf.getvalue()


def _kind_of(path: str | Path, fmt: str | None) -> str:
    kind = (fmt or Path(str(path)).suffix.lstrip(".")).lower()
    if kind not in ("xlsx", "csv"):
        raise _error(f"cannot tell xlsx from csv by {str(path)!r}", str(path), "name the file .xlsx or .csv")
    return kind


def template_content(kind: str, lang: str = "nb", *, vocab: Vocab | None = None) -> bytes | str:
    vocab = vocab or load_vocab()
    fields = [(f, "") for f in FIELDS if f.template]
    columns = [c for c in COLUMNS if c.template]
    if kind == "xlsx":
        return workbook_bytes(fields, [], columns, vocab, lang)
    return csv_text(fields, [], columns, lang)


def write_template(path: str | Path, lang: str = "nb", *, fmt: str | None = None) -> Path:
    """Write an empty template (.xlsx with drop-down lists, or .csv) atomically."""
    kind = _kind_of(path, fmt)
    _write(path, template_content(kind, lang))
    return Path(path)


def bundled_record(district: str, *, vocab: Vocab | None = None) -> dict[str, Any]:
    """The transcription record of a bundled plan, by district name or SSB code."""
    from ..build import read_record

    vocab = vocab or load_vocab()
    src = transcriptions_dir()
    planned = sorted(src.glob("0301*.json"))
    choice = vocab.list("district").get(district)
    if choice is None:
        raise _error(f"unknown district {district!r}", "--district",
                     "districts with a bundled plan: " + ", ".join(
                         f"{vocab.district_names.get(p.name[:6], '?')} ({p.name[:6]})" for p in planned))
    found = [p for p in planned if p.name.startswith(choice.value + "-")]
    if not found:
        raise _error(f"no bundled plan for {vocab.district_names.get(choice.value)} ({choice.value})", "--district",
                     "districts with a bundled plan: " + ", ".join(
                         f"{vocab.district_names.get(p.name[:6], '?')} ({p.name[:6]})" for p in planned))
    return read_record(found[0])


def export_content(record: dict[str, Any], kind: str, lang: str = "nb", *, vocab: Vocab | None = None,
                   bom: bool = True) -> bytes | str:
    """A plan record as a filled template: every column, the rusgraph ones included."""
    vocab = vocab or load_vocab()
    fields, rows = record_to_sheet(record, vocab, lang)
    if kind == "xlsx":
        return workbook_bytes(fields, rows, COLUMNS, vocab, lang, validation_rows=len(rows) + 200)
    return csv_text(fields, rows, COLUMNS, lang, bom=bom)


def export_plan(district: str, path: str | Path, *, fmt: str | None = None, lang: str = "nb") -> Path:
    """Write a bundled district plan as a filled template (atomically)."""
    kind = _kind_of(path, fmt)
    _write(path, export_content(bundled_record(district), kind, lang))
    return Path(path)


def _write(path: str | Path, content: bytes | str) -> None:
    from ..outputs.atomic import write_bytes_atomic, write_text_atomic

    if isinstance(content, bytes):
        write_bytes_atomic(path, content)
    else:
        write_text_atomic(path, content)


# ============================================================================ validation results


_RULE_COLUMNS: dict[str, tuple[str, ...]] = {
    "MeasureTraceShape": ("strategy", "city_goal", "standard"),
    "CuratedTraceShape": ("strategy", "city_goal", "standard"),
    "MeasureTextShape": ("text",),
    "MeasureStatusShape": ("status",),
    "MeasureRiskShape": ("risk",),
    "MeasureThemeVocabularyShape": ("themes",),
    "MeasureThemeShape": ("themes",),
    "MeasureDeadlineShape": ("deadline",),
    "DeadlineInPeriodShape": ("deadline",),
    "MeasureResponsibleShape": ("units",),
    "DistrictGoalServedShape": ("goal",),
}
_PATH_COLUMNS: dict[str, str] = {
    "measureText": "text", "status": "status", "statusText": "status", "risk": "risk", "riskText": "risk",
    "deadline": "deadline", "deadlineText": "deadline", "subject": "themes", "responsibleUnit": "units",
    "responsibleText": "responsible", "activity": "activities", "localNumber": "local_number",
    "description": "description", "sectionHeading": "heading",
}
_RULE_FIELDS: dict[str, str] = {
    "PeriodOrderShape": "period", "PeriodStartDateShape": "period", "PeriodEndDateShape": "period",
    "MeasurePlanShape": "title", "MeasureDistrictShape": "district",
}


@dataclass(frozen=True)
class Placed:
    """A validation finding and the place in a spreadsheet it is about."""

    finding: Any  # findings.Finding
    where: Where | None
    field: str | None = None  # the plan field's name when the place is a header field

    @property
    def sheet(self) -> str:
        return (self.where.sheet or "") if self.where else ""

    @property
    def row(self) -> int | None:
        return self.where.row if self.where else None

    @property
    def column(self) -> str:
        return (self.where.column or "") if self.where else ""

    @property
    def file(self) -> str:
        return self.where.file if self.where else ""


def _local(iri: str | None) -> str:
    return (iri or "").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def place(found: Sequence[Any], plans: Sequence[ImportedPlan]) -> list[Placed]:
    """Each finding with the sheet, row and column of the spreadsheet it came from (or None)."""
    out = []
    for f in found:
        where, field_key, loc = _place_one(f.result, plans)
        name = FIELD[field_key].name(loc.lang) if field_key and loc else None
        out.append(Placed(f, where, name))
    return out


def _place_one(result: Any, plans: Sequence[ImportedPlan]) -> tuple[Where | None, str | None, Locator | None]:
    focus = result.focus
    rule = result.rule
    for plan in plans:
        loc = plan.locator
        plan_iri = plan.plan_iri
        if focus == plan_iri or focus == f"{plan_iri}/period":
            key = _RULE_FIELDS.get(rule, "period" if focus.endswith("/period") else "title")
            return loc.field_where(key), key, loc
        if "/source/" in focus and focus in loc.rows:
            return loc.field_where("source"), "source", loc
        link = re.match(r"(.*)/link/([^/]+)$", focus)
        if link and link.group(1) in loc.rows:
            col = loc.link_columns.get((link.group(1), link.group(2)))
            return loc.rows[link.group(1)].at(col), None, loc
        where = loc.rows.get(focus)
        if where is None:
            continue
        if focus.startswith(f"{plan_iri}/goal/"):
            if rule == "DistrictGoalServedShape" or not result.value:
                return where.at(loc.column("goal")), None, loc
            col = loc.link_columns.get((focus, _code_of(result.value)), loc.column("goal"))
            return where.at(col), None, loc
        if focus.startswith(f"{plan_iri}/measure/"):
            keys = _RULE_COLUMNS.get(rule)
            if rule in ("LinkTargetExistsShape", "StandardLinkExistsShape", "GoalCycleShape") and result.value:
                col = loc.link_columns.get((focus, _code_of(result.value)))
                if col:
                    return where.at(col), None, loc
            if rule in ("LabelNbShape", "LabelUniqueLangShape"):
                keys = ("label",) if "label" in loc.columns else ("text",)
            if rule == "MeasureResponsibleShape" and "units" not in loc.columns:
                keys = ("responsible",)
            if rule == "CuratedTraceShape" and "curated" in loc.columns:
                keys = ("curated", "strategy", "city_goal", "standard")
            if keys is None:
                path_key = _PATH_COLUMNS.get(_local(result.path))
                keys = (path_key,) if path_key else ()
            return where.at(" / ".join(loc.column(k) for k in keys) or None), None, loc
        return where.at(loc.column("units")), None, loc  # a responsible unit
    return None, None, None


def _code_of(iri: str | None) -> str:
    return _local(iri).lower()


LOCATION_FIELDS = ("file", "sheet", "row", "column")


def _placed_record(p: Placed, lang: str) -> dict[str, Any]:
    from ..validation.findings import _record

    rec = _record(p.finding, lang)
    out: dict[str, Any] = {}
    for k, v in rec.items():
        out[k] = v
        if k == "focus_label":
            out.update({"file": p.file, "sheet": p.sheet, "row": p.row,
                        "column": p.column})
    return out


def render_placed_json(placed: Sequence[Placed], lang: str = "nb") -> str:
    import json

    from ..validation.findings import SEVERITIES

    counts = {s: sum(1 for p in placed if p.finding.result.severity == s) for s in SEVERITIES}
    doc = {"conforms": not any(counts.values()), "counts": counts,
           "results": [_placed_record(p, lang) for p in placed]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render_placed_csv(placed: Sequence[Placed], lang: str = "nb") -> str:
    from ..outputs.cells import csv_dict_writer

    buf = io.StringIO()
    fields = ["severity", "district", "district_code", "focus", "focus_label", *LOCATION_FIELDS, "rule", "message",
              "hint", "path", "value", "shape", "component"]
    w = csv_dict_writer(buf, fields, lineterminator="\r\n", extrasaction="ignore")
    w.writeheader()
    for p in placed:
        w.writerow(_placed_record(p, lang))
    return buf.getvalue()


def render_placed(placed: Sequence[Placed], fmt: str, lang: str = "nb") -> str:
    if fmt == "json":
        return render_placed_json(placed, lang)
    if fmt == "csv":
        return render_placed_csv(placed, lang)
    raise ValueError(f"no {fmt} rendering of placed findings (the text format is rusgraph.validation.findings_text)")


def export_for_cli(fmt: str, district: str | None, data: Sequence[str], lang: str, output: str | None) -> str:
    """`rusgraph export --format xlsx|plan-csv --district X [-o FILE]`: writes FILE (atomically)
    and returns '', or returns the CSV text for stdout."""
    kind = "xlsx" if fmt == "xlsx" else "csv"
    if data:
        raise _error(f"--format {fmt} writes a bundled plan from its transcription record", "DATA",
                     "leave out DATA and give --district (to turn a spreadsheet into Turtle, use rusgraph import)")
    if not district:
        raise _error(f"--format {fmt} writes one district's plan", "--district",
                     "give --district NAME or SSB code, e.g. --district Grorud")
    if kind == "xlsx" and not output:
        raise _error("--format xlsx writes a binary workbook", "-o", "give -o FILE.xlsx")
    content = export_content(bundled_record(district), kind, lang, bom=bool(output))
    if output:
        _write(output, content)
        return ""
    assert isinstance(content, str)
    return content
