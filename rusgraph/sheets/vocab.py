"""The code tables a template is built from and a filled one is checked against.

Owns: the drop-down lists (status, risk, themes, strategies, city-plan goals, Oslostandards,
districts, yes/no) read from the bundled vocabularies.json and upper.json, how a cell's
text is matched to a value (case, spacing and dashes do not matter) and the nearest values
suggested when it is not one. It must not read spreadsheets.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .template import COLUMN, Where, norm, sheet_error

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
    from ..build.files import read_record, upper_context

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

def resolve(vocab: Vocab, list_name: str, text: str, where: Where, lang: str = "nb") -> Choice:
    """The choice a controlled cell's value names, or a SpreadsheetError with the nearest ones."""
    lst = vocab.list(list_name)
    hit = lst.get(text)
    if hit is not None:
        return hit
    key = norm(text)
    if key in lst.ambiguous:
        codes = ", ".join(c.code or c.display(lang) for c in lst.ambiguous[key])
        raise sheet_error(f"{lst.what} {text!r} is ambiguous", where, f"it names {codes}: write the code")
    if list_name in ("strategy", "city_goal", "standard", "goal_link"):
        other = vocab.list("link").get(text)
        if other is not None and other.kind in KIND_NAMES:
            kind_name, col = KIND_NAMES[other.kind]
            hint = f"write it in column {COLUMN[col].name(lang)}" if col else "it cannot be linked from this column"
            raise sheet_error(f"{other.code} is {'an' if kind_name[0] in 'aeiouAEIOU' else 'a'} {kind_name}, "
                         f"not {'an' if lst.what[0] in 'aeiouAEIOU' else 'a'} {lst.what}", where, hint)
    suggestions = lst.suggest(text, lang)
    if suggestions:
        sep = "; " if any("," in x for x in suggestions) else ", "
        hint = f"Did you mean: {sep.join(suggestions)}?"
    elif len(lst.choices) <= 8:
        hint = f"Choose one of: {', '.join(c.display(lang) for c in lst.choices)}"
    else:
        hint = "pick a value from the drop-down list (`rusgraph template` writes one)"
    raise sheet_error(f"unknown {lst.what} {text!r}", where, hint)
