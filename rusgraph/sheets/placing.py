"""Validation findings placed on the spreadsheet they came from: sheet, row and column.

Owns: mapping a finding's focus node, rule and path back to the cell a planner must fix
(through the Locator an import keeps), and the placed findings as JSON or CSV records. It
must not validate (rusgraph.validation does) nor word the findings.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any, Sequence

from .importing import ImportedPlan
from .record import Locator
from .template import FIELD, Where

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
    from ..validation.findings import finding_record

    rec = finding_record(p.finding, lang)
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
