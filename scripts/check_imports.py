"""Check rusgraph's layout: no import cycles, no private imports, layers, short modules.

    python scripts/check_imports.py            # exit 1 and a list when something is wrong

Every import of a rusgraph module counts, at the top of a file or inside a function (a
lazy import is still a dependency). A cycle is a set of modules that reach each other
(strongly connected components of the graph module -> module it imports). A private import
is ``from .mod import _name`` or ``from . import _mod`` (names starting with one
underscore; dunders are fine) and ``mod._name`` read from an imported rusgraph module.
The subpackages are layers (LAYERS below, lowest first): a module imports only from its own
subpackage or from a lower layer, so that each subpackage's docstring ("must not ...") holds.
No module is longer than MAX_LINES, and every subpackage opens with a docstring.
What cannot be fixed yet is listed in ALLOWED below with the reason; an entry that no longer
occurs is an error too, so the list only shrinks.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "rusgraph"

# (reason, text) pairs that may remain for now; see the module docstring. validation.py,
# fastshacl.py and spreadsheet.py were being rewritten on other branches when this check
# came in; the shared SHACL report helpers belong in their own module of the validate/
# subpackage (issue 16's layout), and the spreadsheet's borrowed helpers in sheets/.
_SHACL = "fastshacl builds pySHACL's report with validation's helpers; split them out in validate/"
_SHEETS = "spreadsheet borrows build's and findings' helpers; make them public in sheets/"
_SPLIT = "being split by concern on its own branch (issue 16); remove the entry with the split"
ALLOWED: set[tuple[str, str]] = {
    (_SPLIT, "long: rusgraph.build has 731 lines (at most 500; split it by concern)"),
    (_SPLIT, "long: rusgraph.remote.endpoint has 567 lines (at most 500; split it by concern)"),
    (_SPLIT, "long: rusgraph.sheets.spreadsheet has 2030 lines (at most 500; split it by concern)"),
    (_SPLIT, "long: rusgraph.validation.compiled has 1301 lines (at most 500; split it by concern)"),
    (_SHACL, "cycle: rusgraph.validation.compiled <-> rusgraph.validation.validator"),
    (_SHACL, "private: rusgraph.validation.compiled imports rusgraph.validation.validator._prefix_block"),
    (_SHACL, "private: rusgraph.validation.compiled imports rusgraph.validation.validator._report_node"),
    (_SHACL, "private: rusgraph.validation.compiled imports rusgraph.validation.validator._sort_key"),
    (_SHACL, "private: rusgraph.validation.compiled imports rusgraph.validation.validator._texts"),
    (_SHACL, "private: rusgraph.validation.validator imports rusgraph.validation.compiled._mask_strings"),
    (_SHEETS, "private: rusgraph.sheets.spreadsheet imports rusgraph.build._section_links"),
    (_SHEETS, "private: rusgraph.sheets.spreadsheet imports rusgraph.validation.findings._record"),
}


# Lowest first. A module of one layer imports only from its own subpackage or lower layers.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors",),
    ("outputs",),
    ("graph",),
    ("inference", "validation", "build"),
    ("sheets",),
    ("reports", "exports"),
    ("remote", "site"),
    ("userdata",),
    ("cli", ""),  # "" is the package itself (its lazy public API)
    ("__main__",),
)
MAX_LINES = 500


def layer_of(module: str, layers: tuple[tuple[str, ...], ...] = LAYERS) -> int | None:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else ""
    for i, names in enumerate(layers):
        if top in names:
            return i
    return None


def layering(graph: dict[str, set[str]], layers: tuple[tuple[str, ...], ...] = LAYERS) -> list[str]:
    out = []
    for mod, deps in graph.items():
        if layer_of(mod, layers) is None:
            out.append(f"layer: {mod} belongs to no layer (add its subpackage to LAYERS)")
            continue
        for dep in deps:
            if mod.split(".")[:2] == dep.split(".")[:2] or layer_of(dep, layers) is None:
                continue
            if layer_of(dep, layers) >= layer_of(mod, layers):
                out.append(f"layer: {mod} imports {dep} (a layer at or above its own; see LAYERS)")
    return out


def shape(files: list[Path], root: Path, max_lines: int = MAX_LINES) -> list[str]:
    out = []
    for f in files:
        mod = module_name(f, root)
        n = len(f.read_text(encoding="utf-8").splitlines())
        if n > max_lines:
            out.append(f"long: {mod} has {n} lines (at most {max_lines}; split it by concern)")
        if f.name == "__init__.py":
            tree = ast.parse(f.read_text(encoding="utf-8"))
            if not ast.get_docstring(tree):
                out.append(f"docstring: {mod} does not say what it owns and must not do")
    return out


def module_name(path: Path, root: Path = ROOT) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def resolve(current: str, is_package: bool, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def scan(files: list[Path], root: Path = ROOT) -> tuple[dict[str, set[str]], list[str]]:
    known = {module_name(f, root) for f in files}
    graph: dict[str, set[str]] = {m: set() for m in known}
    problems: list[str] = []
    for f in files:
        mod = module_name(f, root)
        is_pkg = f.name == "__init__.py"
        tree = ast.parse(f.read_text(encoding="utf-8"), filename=str(f))
        aliases: dict[str, str] = {}  # local name -> rusgraph module it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == PACKAGE and a.name in known:
                        graph[mod].add(a.name)
                        aliases[a.asname or a.name] = a.name
            elif isinstance(node, ast.ImportFrom):
                src = resolve(mod, is_pkg, node.level, node.module)
                if src.split(".")[0] != PACKAGE:
                    continue
                for a in node.names:
                    sub = f"{src}.{a.name}"
                    if sub in known:  # from . import module
                        graph[mod].add(sub)
                        aliases[a.asname or a.name] = sub
                        if private(a.name):
                            problems.append(f"private: {mod} imports the private module {sub}")
                        continue
                    if src in known and src != mod:
                        graph[mod].add(src)
                    if private(a.name) and src != mod:
                        problems.append(f"private: {mod} imports {src}.{a.name}")
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and private(node.attr) and aliases[node.value.id] != mod):
                problems.append(f"private: {mod} reads {aliases[node.value.id]}.{node.attr}")
    for m in graph:
        graph[m].discard(m)
        graph[m].discard(PACKAGE)  # the package's lazy __getattr__ table is not a dependency
    return graph, sorted(set(problems))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in graph:
                    continue
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return sorted(out)


def check(root: Path = ROOT, allowed: set[tuple[str, str]] | None = None,
          layers: tuple[tuple[str, ...], ...] | None = LAYERS, max_lines: int = MAX_LINES) -> list[str]:
    files = sorted((root / PACKAGE).rglob("*.py"))
    graph, problems = scan(files, root)
    found = set(problems)
    for comp in cycles(graph):
        found.add("cycle: " + " <-> ".join(comp))
    if layers is not None:
        found.update(layering(graph, layers))
    found.update(shape(files, root, max_lines))
    allowed_texts = {text for _reason, text in (ALLOWED if allowed is None else allowed)}
    errors = sorted(found - allowed_texts)
    errors += [f"allow-list entry no longer occurs (remove it): {text}" for text in sorted(allowed_texts - found)]
    return errors


def main() -> int:
    errors = check()
    for e in errors:
        print(e)
    if errors:
        print(f"{len(errors)} import problem(s)", file=sys.stderr)
        return 1
    print("no import cycles, no private imports, layers kept, no module over", MAX_LINES, "lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
