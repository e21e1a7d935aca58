"""Problems in a plan spreadsheet, told to the planner who wrote it.

Owns: collecting the problems of one import (rusgraph.sheets.record reads on past a bad cell,
up to MAX_PROBLEMS) and telling them in ``--lang`` (nb by default: every message and hint the importer raises
has a Norwegian wording here), as text for stderr or as json/csv records with file, sheet,
row and column. It must not read spreadsheets nor decide exit codes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from ..errors import SpreadsheetError, SpreadsheetProblems

MAX_PROBLEMS = 100  # one import reports every bad cell, up to this many


class Problems:
    """The bad cells an import has found so far: it reads on past a bad cell, so one run
    names them all (up to MAX_PROBLEMS), and raises SpreadsheetProblems at the end."""

    def __init__(self) -> None:
        self.found: list[SpreadsheetError] = []

    def attempt(self, fn: Any, *args: Any, default: Any = None) -> Any:
        try:
            return fn(*args)
        except SpreadsheetProblems:
            raise
        except SpreadsheetError as exc:
            self.add(exc)
            return default

    def add(self, exc: SpreadsheetError) -> None:
        self.found.append(exc)
        if len(self.found) >= MAX_PROBLEMS:
            raise SpreadsheetProblems(self.found, complete=False)

    def raise_any(self) -> None:
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise SpreadsheetProblems(self.found)


_WHAT = {  # the importer's names of its lists and link kinds
    "status": "status", "risk": "risiko", "theme": "tema", "strategy": "strategi",
    "city-plan goal": "mål i byens plan", "Oslo standard": "Oslostandard",
    "city-plan item": "element i byens plan", "link target": "koblingsmål", "district": "bydel",
    "yes/no value": "ja/nei-verdi", "main goal": "hovedmål", "element of an Oslo standard":
    "element i en Oslostandard", "the city plan": "byens plan", "national plan or goal":
    "nasjonal plan eller nasjonalt mål",
}
_ARTICLE = r"(?:an? |the )?"
_W = "|".join(re.escape(k) for k in sorted(_WHAT, key=len, reverse=True))


def _what(m: re.Match, group: str = "what") -> str:
    return _WHAT.get(m.group(group), m.group(group))


# (English pattern, Norwegian wording): the messages of the rusgraph.sheets readers, fully matched
MESSAGES: list[tuple[str, Any]] = [
    (r"not an Excel workbook \(\.xlsx\): (?P<x>.*)", "ikke en Excel-arbeidsbok (.xlsx): {x}"),
    (r"the workbook is damaged: (?P<x>.*)", "arbeidsboken er skadet: {x}"),
    (r"no sheet named Tiltak \(or Measures\)", "ingen ark med navnet Tiltak (eller Measures)"),
    (r"no sheet named Plan", "ingen ark med navnet Plan"),
    (r"merged cells (?P<x>.*)", "sammenslåtte celler {x}"),
    (r"the cell holds a formula (?P<x>.*)", "cellen inneholder formelen {x}"),
    (r"the sheet is empty: no header row", "arket er tomt: ingen overskriftsrad"),
    (r"this is an Excel workbook, not CSV", "dette er en Excel-arbeidsbok, ikke CSV"),
    (r"cannot decode byte (?P<b>0x[0-9a-f]+) as (?P<enc>\S+) \(the file starts (?P<x>.*)\)",
     "kan ikke lese byten {b} som {enc} (filen begynner {x})"),
    (r"cannot decode byte (?P<b>0x[0-9a-f]+): the file is neither UTF-8 nor Windows-1252",
     "kan ikke lese byten {b}: filen er verken UTF-8 eller Windows-1252"),
    (r"the CSV does not parse: (?P<x>.*)", "CSV-filen kan ikke leses: {x}"),
    (r"no header row: expected column names such as Tiltak, Mål and Status",
     "ingen overskriftsrad: ventet kolonnenavn som Tiltak, Mål og Status"),
    (r"no header row", "ingen overskriftsrad"),
    (r"file not found", "filen finnes ikke"),
    (r"expected a file, got a directory", "ventet en fil, fikk en mappe"),
    (r"cannot read (?P<x>.*) as a plan spreadsheet", "kan ikke lese {x} som et planregneark"),
    (r"source location (?P<x>.*) does not parse", "kildehenvisningen {x} kan ikke leses"),
    (r"source location (?P<x>.*) runs backwards or starts at 0", "kildehenvisningen {x} går baklengs eller starter på 0"),
    (r"period (?P<x>.*) does not parse", "perioden {x} kan ikke leses"),
    (r"date (?P<x>.*) does not parse", "datoen {x} kan ikke leses"),
    (rf"(?P<what>{_W}) (?P<x>.*) is ambiguous", lambda m: f"{_what(m)} {m.group('x')} er tvetydig"),
    (rf"(?P<code>\S+) is {_ARTICLE}(?P<kind>{_W}), not {_ARTICLE}(?P<what>{_W})",
     lambda m: f"{m.group('code')} er {_what(m, 'kind')}, ikke {_what(m)}"),
    (rf"unknown (?P<what>{_W}) (?P<x>.*)", lambda m: f"ukjent {_what(m)} {m.group('x')}"),
    (r"own strategy (?P<x>.*) needs an ID and a name", "den egne strategien {x} trenger en ID og et navn"),
    (r"the own strategy's link to (?P<x>.*) has no reason", "den egne strategiens kobling til {x} mangler begrunnelse"),
    (r"curated link to (?P<x>.*) has no reason", "den kuraterte koblingen til {x} mangler begrunnelse"),
    (r"a cell in a column without a header", "en celle i en kolonne uten overskrift"),
    (r"unknown column (?P<x>.*)", "ukjent kolonne {x}"),
    (r"column (?P<x>.*) appears twice \(also column (?P<y>\S+)\)", "kolonnen {x} står to ganger (også kolonne {y})"),
    (r"missing columns? (?P<x>.*)", "mangler kolonnen {x}"),
    (r"a value without a field name", "en verdi uten feltnavn"),
    (r"unknown plan field (?P<x>.*)", "ukjent planfelt {x}"),
    (r"plan field (?P<x>.*) is given twice \(also (?P<y>.*)\)", "planfeltet {x} står to ganger (også {y})"),
    (r"the plan has no district", "planen mangler bydel"),
    (r"the plan has no title", "planen mangler tittel"),
    (r"plan ID (?P<x>.*) is not lower-case letters, digits and hyphens",
     "plan-ID-en {x} består ikke bare av små bokstaver, sifre og bindestrek"),
    (r"the heading (?P<x>.*) has another (?P<col>.*) in an earlier row",
     "overskriften {x} har en annen {col} i en tidligere rad"),
    (r"the goal (?P<x>.*) has another (?P<col>.*) in row (?P<row>\d+)", "målet {x} har en annen {col} i rad {row}"),
    (r"empty measure: the row has no text in column (?P<col>.*)", "tomt tiltak: raden har ingen tekst i kolonnen {col}"),
    (r"local number (?P<x>.*) is used twice \(also row (?P<row>\d+)\)", "nummeret {x} er brukt to ganger (også rad {row})"),
    (r"one (?P<what>status|risk) per row, not (?P<n>\d+)", lambda m: f"én {_what(m)} per rad, ikke {m.group('n')}"),
    (r"the plan has no measures: every row is empty", "planen har ingen tiltak: alle radene er tomme"),
    (r"the part (?P<x>\S+) unpacks to (?P<n>[\d,]+) bytes from (?P<m>[\d,]+): no spreadsheet packs that tightly "
     r"\(a zip bomb\?\)", "delen {x} pakkes ut til {n} byte fra {m}: intet regneark pakkes så tett (en zip-bombe?)"),
    (r"the workbook unpacks to more than (?P<n>\d+) MiB", "arbeidsboken pakkes ut til mer enn {n} MiB"),
    (r"the sheet declares (?P<r>[\d,]+) rows and (?P<c>[\d,]+) columns \(more than (?P<mr>[\d,]+) rows or "
     r"(?P<mc>\d+) columns\)", "arket oppgir {r} rader og {c} kolonner (mer enn {mr} rader eller {mc} kolonner)"),
    (r"the sheet goes on past row (?P<n>[\d,]+)", "arket fortsetter forbi rad {n}"),
    (r"a cell far to the right of the data", "en celle langt til høyre for dataene"),
    (r"a cell far below the data \(the rows before it are empty back to row (?P<n>\d+)\)",
     "en celle langt under dataene (radene før den er tomme tilbake til rad {n})"),
    (r"the file has (?P<n>[\d,]+) bytes, more than a plan's (?P<m>\d+) MiB", "filen har {n} byte, mer enn en plans {m} MiB"),
]

HINTS: list[tuple[str, Any]] = [
    (r"Did you mean: (?P<x>.*)\?", "Mente du: {x}?"),
    (r"Choose one of: (?P<x>.*)", "Velg en av: {x}"),
    (r"pick a value from the drop-down list \(`rusgraph template` writes one\)",
     "velg en verdi fra nedtrekkslisten (`rusgraph template` lager en)"),
    (r"it names (?P<x>.*): write the code", "den kan bety {x}: skriv koden"),
    (r"write it in column (?P<x>.*)", "skriv den i kolonnen {x}"),
    (r"it cannot be linked from this column", "den kan ikke kobles fra denne kolonnen"),
    (r"save the file from Excel as 'Excel Workbook \(\*\.xlsx\)'", "lagre filen fra Excel som «Excel-arbeidsbok (*.xlsx)»"),
    (r"open it in Excel and save it again as 'Excel Workbook \(\*\.xlsx\)'",
     "åpne den i Excel og lagre den på nytt som «Excel-arbeidsbok (*.xlsx)»"),
    (r"unmerge them and write the value in every row it belongs to",
     "del opp cellene og skriv verdien i hver rad den hører til"),
    (r"type the value itself: rusgraph reads values, not formulas", "skriv inn selve verdien: rusgraph leser verdier, ikke formler"),
    (r"copy the header row from `rusgraph template(?P<x>.*)`", "kopier overskriftsraden fra `rusgraph template{x}`"),
    (r"name the file \.xlsx", "gi filen navn på .xlsx"),
    (r"save the file again as 'CSV UTF-8'", "lagre filen på nytt som «CSV UTF-8»"),
    (r"check the path", "sjekk stien"),
    (r"use \.xlsx or \.csv \(save \.xls or \.ods files as \.xlsx\)", "bruk .xlsx eller .csv (lagre .xls- og .ods-filer som .xlsx)"),
    (r"write the line numbers in the source text as 31 or 31-62", "skriv linjenumrene i kildeteksten som 31 eller 31-62"),
    (r"write the first line, then the last: 31-62", "skriv første linje, så siste: 31-62"),
    (r"write the years as 2023-2028 \(or 2023- when open-ended\)", "skriv årene som 2023-2028 (eller 2023- uten sluttår)"),
    (r"write a date as 31\.12\.2025 or 2025-12-31, a month as mars 2025, a year as 2025, or free text such as Kontinuerlig",
     "skriv en dato som 31.12.2025 eller 2025-12-31, en måned som mars 2025, et år som 2025, eller fritekst som Kontinuerlig"),
    (r"write it as ID \| name \| English name \| source lines \| CODE: reason \| note",
     "skriv den som ID | navn | engelsk navn | kildelinjer | KODE: begrunnelse | merknad"),
    (r"write it as (?P<x>\S+): why the link holds", "skriv den som {x}: hvorfor koblingen holder"),
    (r"write it as CODE: why the link holds", "skriv den som KODE: hvorfor koblingen holder"),
    (r"give the column a header from the template, or move the value",
     "gi kolonnen en overskrift fra malen, eller flytt verdien"),
    (r"use the column names of `rusgraph template`", "bruk kolonnenavnene fra `rusgraph template`"),
    (r"delete or rename one of them", "slett eller gi nytt navn til en av dem"),
    (r"the template has it; add it back \(it may stay empty\), or fix a renamed header",
     "malen har den; legg den til igjen (den kan stå tom), eller rett en omdøpt overskrift"),
    (r"write the field name in the first column", "skriv feltnavnet i første kolonne"),
    (r"use the fields of `rusgraph template`: (?P<x>.*)", "bruk feltene fra `rusgraph template`: {x}"),
    (r"keep one of them", "behold ett av dem"),
    (r"write the district's name \(Grorud\) or SSB code \(030110\)", "skriv bydelens navn (Grorud) eller SSB-kode (030110)"),
    (r"write the plan's title", "skriv planens tittel"),
    (r"for example (?P<x>.*)", "for eksempel {x}"),
    (r"rows under the same heading must agree: make the cells equal or leave this one empty",
     "rader under samme overskrift må stemme overens: gjør cellene like eller la denne stå tom"),
    (r"rows of the same goal must agree: make the cells equal or leave this one empty",
     "rader for samme mål må stemme overens: gjør cellene like eller la denne stå tom"),
    (r"write what will be done, or delete the row", "skriv hva som skal gjøres, eller slett raden"),
    (r"give every measure its own number", "gi hvert tiltak sitt eget nummer"),
    (r"keep one value", "behold én verdi"),
    (r"write one measure per row under the header row", "skriv ett tiltak per rad under overskriftsraden"),
    (r"open the file in Excel and save it again; if it is not yours, do not open it",
     "åpne filen i Excel og lagre den på nytt; er den ikke din, så ikke åpne den"),
    (r"split the plan into several workbooks", "del planen i flere arbeidsbøker"),
    (r"split the plan into several files", "del planen i flere filer"),
    (r"delete the rows and columns after the data \(select them, right-click, Delete\) and save again",
     "slett radene og kolonnene etter dataene (merk dem, høyreklikk, Slett) og lagre på nytt"),
    (r"delete the rows after the data and save again", "slett radene etter dataene og lagre på nytt"),
    (r"rusgraph reads up to column (?P<x>\S+): move or delete it", "rusgraph leser til og med kolonne {x}: flytt eller slett den"),
    (r"delete it, or move it up to the data", "slett den, eller flytt den opp til dataene"),
]

_PLACE = {"nb": ("ark", "rad", "linje", "kolonne"), "en": ("sheet", "row", "line", "column")}


def translate(text: str, table: list[tuple[str, Any]], lang: str) -> str:
    """``text`` in ``lang``: nb through the first pattern of ``table`` that matches it whole
    (hint sentences joined with '. ' are translated one by one), en as it is."""
    if lang != "nb" or not text:
        return text
    for pattern, nb in table:
        m = re.fullmatch(pattern, text, flags=re.S)
        if m:
            return nb(m) if callable(nb) else nb.format(**m.groupdict())
    if ". " in text:
        return ". ".join(translate(part, table, lang) for part in text.split(". "))
    return text


def place_text(place: Any, where: str | None, lang: str) -> str:
    """'alna.xlsx, ark Tiltak, rad 2, kolonne Status'."""
    if place is None:
        return where or ""
    sheet, row, line, column = _PLACE.get(lang, _PLACE["en"])
    parts = [place.file]
    if place.sheet:
        parts.append(f"{sheet} {place.sheet}")
    if place.row is not None:
        parts.append(f"{row} {place.row}" + (f" ({line} {place.line})" if place.line and place.line != place.row else ""))
    elif place.line is not None:
        parts.append(f"{line} {place.line}")
    if place.column:
        parts.append(f"{column} {place.column}")
    return ", ".join(parts)


def for_planner(exc: SpreadsheetError) -> bool:
    """Whether ``exc`` is about the spreadsheet's contents (cells, sheets, encoding): those
    are told in --lang; an error about the command's options is not."""
    return (isinstance(exc, SpreadsheetProblems) or getattr(exc, "place", None) is not None
            or translate(exc.message, MESSAGES, "nb") != exc.message)


def problems_of(exc: SpreadsheetError) -> list[SpreadsheetError]:
    return list(exc.problems) if isinstance(exc, SpreadsheetProblems) else [exc]


def records(exc: SpreadsheetError, lang: str = "nb") -> list[dict[str, Any]]:
    """One record per problem: file, sheet, row, column, message and hint in ``lang``."""
    out = []
    for p in problems_of(exc):
        place = getattr(p, "place", None)
        out.append({
            "file": place.file if place is not None else (p.where or ""),
            "sheet": (place.sheet or "") if place is not None else "",
            "row": place.row if place is not None else None,
            "column": (place.column or "") if place is not None else "",
            "message": translate(p.message, MESSAGES, lang),
            "hint": translate(p.hint or "", HINTS, lang),
        })
    return out


def render(exc: SpreadsheetError, fmt: str = "text", lang: str = "nb") -> str:
    """Every problem of ``exc``: text (for stderr), json or csv (for stdout)."""
    recs = records(exc, lang)
    complete = getattr(exc, "complete", True)
    if fmt == "json":
        return json.dumps({"conforms": None, "readable": False, "complete": complete, "problems": recs},
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=["file", "sheet", "row", "column", "message", "hint"], lineterminator="\r\n")
        w.writeheader()
        w.writerows(recs)
        return buf.getvalue()
    if not isinstance(exc, SpreadsheetProblems):  # one problem: one line, as every error reads
        if lang != "nb":
            return f"Error: {exc}\n"
        where = place_text(getattr(exc, "place", None), exc.where, lang)
        hint = recs[0]["hint"]
        return f"Feil: {recs[0]['message']}{f' ({where})' if where else ''}{f'. {hint}' if hint else ''}\n"
    n = len(recs)
    if lang == "nb":
        head = f"Feil: regnearket kan ikke leses ({n} {'problem' if n == 1 else 'problemer'}"
        tail = "" if complete else "; lesingen stoppet der, det kan være flere"
        fix = "Rett cellene og kjør igjen."
    else:
        head = f"Error: the spreadsheet cannot be read ({n} problem{'s' * (n != 1)}"
        tail = "" if complete else "; reading stopped there, there may be more"
        fix = "Fix the cells and run again."
    lines = [f"{head}{tail}):"]
    for p, rec in zip(problems_of(exc), recs):
        where = place_text(getattr(p, "place", None), p.where, lang)
        hint = f" {rec['hint'][0].upper()}{rec['hint'][1:]}{'' if rec['hint'].endswith(('.', '?')) else '.'}" \
            if rec["hint"] else ""
        lines.append(f"  {where}: {rec['message']}.{hint}")
    lines.append(fix)
    return "\n".join(lines) + "\n"
