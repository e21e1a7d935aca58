"""What one cell of a plan means: multi-valued cells, line ranges, periods, dates,
deadlines, a plan's own strategies and curated links.

Owns: the parsing of single cell values into the transcription record's values, each
failure a SpreadsheetError at the cell's Where. It must not walk rows (rusgraph.sheets.record
does) nor build RDF.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Sequence

from .template import Where, norm, sheet_error
from .vocab import Choice, Vocab, resolve

_BULLET = re.compile(r"^\s*(?:[-\u2013\u2022*\u25aa\u25cf]\s+)")
_DATE_LIKE = re.compile(r"(?<![\d.])\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?![\d.]*\d)")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


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
        raise sheet_error(f"source location {text!r} does not parse", where,
                     "write the line numbers in the source text as 31 or 31-62")
    start = int(m.group(1))
    end = int(m.group(2) or start)
    if not 0 < start <= end:
        raise sheet_error(f"source location {text!r} runs backwards or starts at 0", where,
                     "write the first line, then the last: 31-62")
    return [start, end]


def parse_period(text: str, where: Where) -> tuple[int | None, int | None]:
    t = norm(text)
    if not t:
        return None, None
    m = re.fullmatch(r"(\d{4})?\s*(?:(?:-|til|to)\s*(\d{4})?)?", t)
    if not m or not (m.group(1) or m.group(2)):
        raise sheet_error(f"period {text!r} does not parse", where, "write the years as 2023-2028 (or 2023- when open-ended)")
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
            raise sheet_error(f"date {s!r} does not parse", where,
                         "write a date as 31.12.2025 or 2025-12-31, a month as mars 2025, a year as 2025, "
                         "or free text such as Kontinuerlig")


def source_name(text: str) -> str:
    """A source document name safe in an IRI: letters, digits, '.', '_' and '-'."""
    from ..graph.namespaces import slugify

    text = text.strip()
    if re.fullmatch(r"[A-Za-z0-9._-]+", text):
        return text
    stem, dot, suffix = text.rpartition(".")
    if not dot or " " in suffix or len(suffix) > 5:
        stem, suffix = text, ""
    return (slugify(stem) or "plan") + (f".{slugify(suffix)}" if suffix and slugify(suffix) else "")


def own_strategy(value: str, where: Where) -> dict[str, Any]:
    """'st4 | Overgang til egen bolig | Transition ... | 41-41 | g3: reason | note' -> a record
    strategy (the transcription format's ``strategies``)."""
    parts = [x.strip() for x in value.split("|")]
    parts += [""] * (6 - len(parts))
    sid, label, label_en, lines, link, note = parts[:6]
    if not SLUG.fullmatch(sid or "-") or not label:
        raise sheet_error(f"own strategy {value[:60]!r} needs an ID and a name", where,
                     "write it as ID | name | English name | source lines | CODE: reason | note")
    out: dict[str, Any] = {"id": sid, "label": label, "lines": parse_lines(lines, where), "links": []}
    if label_en:
        out["label_en"] = label_en
    if link:
        code, _, reason = link.partition(":")
        if not reason.strip():
            raise sheet_error(f"the own strategy's link to {code.strip()} has no reason", where,
                         "write it as CODE: why the link holds")
        out["links"].append({"target": code.strip(), "basis": "curated", "reason": reason.strip()})
    if note:
        out["notes"] = note
    return out


def own_link(entry: str, own: list[dict[str, Any]]) -> dict[str, Any] | None:
    """'st4: reason' as a curated link to one of the plan's own strategies, else None."""
    head, _, reason = entry.partition(":")
    if reason.strip() and any(s["id"] == head.strip() for s in own):
        return {"target": head.strip(), "basis": "curated", "reason": reason.strip()}
    return None


def curated_link(vocab: Vocab, entry: str, where: Where, lang: str) -> tuple[Choice, str]:
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
        raise sheet_error(f"curated link to {hit.code} has no reason", where, f"write it as {hit.code}: why the link holds")
    head = entry.split(":", 1)[0].strip()
    resolve(vocab, "link", head, where, lang)  # raises with suggestions
    raise AssertionError("unreachable")
