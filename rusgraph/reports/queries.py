"""Canned and ad-hoc SPARQL queries.

Owns: reading ``.rq`` files and their ``#+ key: value`` headers, binding parameters
(never pasting them into query text), running a query against a KnowledgeGraph (or, via
``rusgraph.remote.endpoint``, an endpoint), and the QueryResult value. It must not format output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..errors import QueryError
from ..graph.resources import bundled_dir
from ..graph.sparqltext import inject_values, mentioned_vars, sparql_term, strip_comments, values_block

MULTI_SEPARATOR = "; "
LANGS: tuple[str, ...] = ("nb", "en")


@dataclass(frozen=True)
class Param:
    """A report parameter. ``variable`` is the SPARQL variable it binds (the name unless
    the header says ``variable=X``, for a parameter named like an output column)."""

    name: str
    required: bool
    description: str
    description_nb: str = ""
    variable: str = ""

    def text(self, lang: str = "nb") -> str:
        return (self.description_nb if lang == "nb" else "") or self.description


@dataclass(frozen=True)
class CannedQuery:
    """A query with its header metadata."""

    name: str
    text: str
    path: str | None = None
    title_nb: str = ""
    title_en: str = ""
    description: str = ""
    columns: tuple[str, ...] = ()
    multi: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    description_nb: str = ""
    # what the report's numbers rest on (placement, stated and curated links), en and nb
    basis_en: str = ""
    basis_nb: str = ""

    def title(self, lang: str = "nb") -> str:
        return (self.title_en if lang == "en" else self.title_nb) or self.title_nb or self.title_en or self.name

    def question(self, lang: str = "nb") -> str:
        """The question the report answers, in ``lang`` (nb falls back to en only where no
        Norwegian text is written)."""
        return (self.description_nb if lang == "nb" else self.description) or self.description

    def basis(self, lang: str = "nb") -> str:
        """What the report's numbers rest on, in ``lang``; "" for a report without counts."""
        return (self.basis_nb if lang == "nb" else self.basis_en) or ""


@dataclass(frozen=True)
class QueryResult:
    """What a query gave, as plain values.

    ``rows`` holds rdflib terms (or None for unbound) in ``vars`` order for SELECT;
    ``boolean`` is set for ASK; ``graph`` for CONSTRUCT and DESCRIBE.
    """

    kind: str
    vars: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    boolean: bool | None = None
    graph: Any = field(default=None, repr=False, compare=False)
    query: CannedQuery | None = field(default=None, repr=False, compare=False)

    def as_strings(self) -> list[list[str]]:
        """Rows as strings ('' for unbound), the form the CSV writer and tests compare."""
        return [["" if v is None else str(v) for v in row] for row in self.rows]


_HEADER = re.compile(r"^#\+\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$")


def parse_header(text: str) -> dict[str, list[str]]:
    """The ``#+ key: value`` lines at the top of a query (a key may repeat)."""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _HEADER.match(line)
        if not m:
            if line.lstrip().startswith("#"):
                continue
            break
        out.setdefault(m.group(1).lower(), []).append(m.group(2))
    return out


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def query_from_text(text: str, *, name: str = "query", path: str | None = None) -> CannedQuery:
    h = parse_header(text)
    nb_texts = dict(tuple(p.strip() for p in spec.split("|", 1)) for spec in h.get("param_nb", []) if "|" in spec)
    params = []
    for spec in h.get("param", []):
        parts = [p.strip() for p in spec.split("|")]
        variable = next((p.split("=", 1)[1].strip() for p in parts[3:] if p.startswith("variable=")), "")
        params.append(Param(name=parts[0], required=len(parts) > 1 and parts[1] == "required",
                            description=parts[2] if len(parts) > 2 else "",
                            description_nb=nb_texts.get(parts[0], ""), variable=variable or parts[0]))
    one = lambda k: h.get(k, [""])[0]  # noqa: E731
    return CannedQuery(
        name=name,
        text=text,
        path=path,
        title_nb=one("title_nb"),
        title_en=one("title_en"),
        description=one("description"),
        columns=_split(one("columns")),
        multi=_split(one("multi")),
        params=tuple(params),
        description_nb=one("description_nb"),
        basis_en=one("basis"),
        basis_nb=one("basis_nb"),
    )


def list_queries(directory: Path | None = None) -> list[CannedQuery]:
    """Every canned query, sorted by name."""
    directory = directory or bundled_dir("queries")
    out = []
    for path in sorted(directory.glob("*.rq")):
        out.append(query_from_text(path.read_text(encoding="utf-8"), name=path.stem, path=str(path)))
    return out


def get_query(name_or_path: str) -> CannedQuery:
    """A canned query by name, or a ``.rq`` file by path."""
    p = Path(name_or_path)
    if p.suffix == ".rq" or p.exists():
        if not p.is_file():
            raise QueryError("query file not found", where=str(p), hint="check the path")
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read the query file: {exc}", where=str(p)) from None
        return query_from_text(text, name=p.stem, path=str(p))
    available = list_queries()
    for q in available:
        if q.name == name_or_path:
            return q
    names = ", ".join(q.name for q in available)
    raise QueryError(f"unknown report {name_or_path!r}", hint=f"available reports: {names}")


def check_params(query: CannedQuery, params: Mapping[str, str]) -> None:
    """QueryError unless ``params`` are exactly what a canned report takes: no unknown
    name (a report without parameters takes none), every required one given."""
    declared = [p.name for p in query.params]
    unknown = sorted(set(params) - set(declared))
    if unknown:
        valid = ("parameters: " + ", ".join(declared)) if declared else f"{query.name} takes no parameters"
        raise QueryError(f"unknown parameter(s) {', '.join(unknown)} for {query.name}", hint=valid)
    _check_required(query, params)


def _check_required(query: CannedQuery, params: Mapping[str, str]) -> None:
    missing = [p.name for p in query.params if p.required and p.name not in params]
    if missing:
        raise QueryError(f"{query.name} needs the parameter(s) {', '.join(missing)}",
                         hint=f"add --param {missing[0]}=VALUE (parameters: "
                              + ", ".join(p.name for p in query.params) + ")")


def bindings_for(query: CannedQuery, params: Mapping[str, str], lang: str):  # type: ignore[no-untyped-def]
    """The initial bindings: ``?lang`` and the parameters, as RDF literals. A declared
    parameter binds its variable; an ad-hoc query's ``NAME`` binds ``?NAME``."""
    from rdflib import Literal

    if lang not in LANGS:
        raise QueryError(f"unknown language {lang!r}", hint="use nb or en")
    if query.params:
        check_params(query, params)
    _check_required(query, params)
    variables = {p.name: p.variable or p.name for p in query.params}
    out = {"lang": Literal(lang)}
    for k, v in params.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k):
            raise QueryError(f"bad parameter name {k!r}")
        out[variables.get(k, k)] = Literal(v)
    return out


def _normalise_multi(result: QueryResult, multi: tuple[str, ...]) -> QueryResult:
    """Sort the parts of multi-valued cells so every engine gives the same text."""
    if not multi or result.kind != "select":
        return result
    from rdflib import Literal

    idx = [i for i, v in enumerate(result.vars) if v in multi]
    rows = []
    for row in result.rows:
        row = list(row)
        for i in idx:
            v = row[i]
            if v is not None and str(v):
                parts = sorted(set(str(v).split(MULTI_SEPARATOR)))
                row[i] = Literal(MULTI_SEPARATOR.join(parts))
        rows.append(tuple(row))
    return QueryResult(kind=result.kind, vars=result.vars, rows=tuple(rows), boolean=result.boolean,
                       graph=result.graph, query=result.query)


def run_query(target: Any, query: CannedQuery | str, params: Mapping[str, str] | None = None,
              *, lang: str = "nb", engine: str = "fast") -> QueryResult:
    """Run a canned query (or SPARQL text) against a KnowledgeGraph or a remote Endpoint.

    ``engine="reference"`` runs it with rdflib's SPARQL on ``kg.union`` instead of on the
    Oxigraph store (the tests hold the store's answers to it)."""
    if engine not in ("fast", "reference"):
        raise QueryError(f"unknown query engine {engine!r}", hint="use fast or reference")
    if isinstance(query, str):
        query = query_from_text(query, name="query")
    bindings = bindings_for(query, params or {}, lang)
    if hasattr(target, "run_sparql"):  # a remote endpoint
        result = target.run_sparql(query, bindings)
    else:
        result = _run_local(target, query, bindings, engine)
    return _normalise_multi(_declared_columns(result, query, getattr(target, "url", None)), query.multi)


def run_query_each(target: Any, query: CannedQuery | str, param: str, values: list[str], *,
                   lang: str = "nb") -> QueryResult:
    """The report for each of ``values`` of its parameter ``param``: the rows of every run
    together. On the local store it is one run, with one VALUES row per value (the rows are
    those of the runs one by one, each bound as :func:`run_query` binds it); elsewhere (an
    endpoint, the reference engine, a query the store does not take) one run per value."""
    if isinstance(query, str):
        query = query_from_text(query, name="query")
    if not values:
        return QueryResult(kind="select", vars=query.columns, rows=(), query=query)
    if not hasattr(target, "run_sparql") and hasattr(target, "parts"):
        from rdflib import Literal

        from ..graph.engine import run_query as run_on_store

        used = mentioned_vars(query.text)
        var = next((p.variable or p.name for p in query.params if p.name == param), param)
        bound = {k: v for k, v in bindings_for(query, {param: values[0]}, lang).items() if k in used}
        text = inject_values(query.text, bound)
        one = values_block(bound)
        if var in bound and one in text:  # the one-value VALUES block inject_values wrote, a row per value
            names = sorted(bound)
            rows = " ".join("(" + " ".join(sparql_term(Literal(v) if n == var else bound[n]) for n in names) + ")"
                            for v in values)
            out = run_on_store(target, text.replace(one, f"VALUES ({' '.join('?' + n for n in names)}) {{ {rows} }}", 1))
            if out is not None and out[0] == "select":
                result = QueryResult(kind="select", vars=out[1], rows=out[2], query=query)
                return _normalise_multi(_declared_columns(result, query, None), query.multi)
    results = [run_query(target, query, {param: v}, lang=lang) for v in values]
    return QueryResult(kind="select", vars=results[0].vars, rows=tuple(r for res in results for r in res.rows),
                       query=query)


def _declared_columns(result: QueryResult, query: CannedQuery, where: str | None) -> QueryResult:
    """The result with the query's declared ``#+ columns`` in their order, or QueryError when
    its columns are other ones (a store answering another question, or a query whose header
    is wrong): nothing is printed under a report's title that is not that report."""
    if not query.columns or result.kind != "select" or result.vars == query.columns:
        return result
    if sorted(result.vars) != sorted(query.columns):
        got = ", ".join(result.vars) or "none"
        raise QueryError(f"the answer's columns ({got}) are not those of {query.name} "
                         f"({', '.join(query.columns)}), so it is not that report's answer",
                         where=where or query.path or query.name,
                         hint="check that the URL is the SPARQL endpoint you meant (a redirect or a proxy "
                              "may answer instead)" if where else "fix the query's #+ columns header")
    order = [result.vars.index(c) for c in query.columns]
    rows = tuple(tuple(row[i] for i in order) for row in result.rows)
    return QueryResult(kind=result.kind, vars=query.columns, rows=rows, boolean=result.boolean,
                       graph=result.graph, query=result.query)


def _run_local(kg: Any, query: CannedQuery, bindings: Mapping[str, Any], engine: str = "fast") -> QueryResult:
    if engine == "fast" and hasattr(kg, "parts"):  # Oxigraph; rows converted to the rdflib terms rdflib gives
        from ..graph.engine import run_query as run_on_store

        used = {str(v) for v in mentioned_vars(query.text)}
        # Bound as a VALUES block at the start of the outer WHERE group, as for endpoints
        # (pyoxigraph's substitutions only take projected variables).
        try:
            text = inject_values(query.text, {k: v for k, v in bindings.items() if k in used})
        except QueryError:
            text = None
        describe = re.search(r"\bDESCRIBE\b", strip_comments(query.text), re.I) is not None
        out = None if text is None else run_on_store(kg, text, describe=describe)
        if out is not None:
            kind, vars_, rows, boolean, graph = out
            return QueryResult(kind=kind, vars=vars_, rows=rows, boolean=boolean, graph=graph, query=query)
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(query.text)
    except Exception as exc:
        raise QueryError(f"the query does not parse: {' '.join(str(exc).split())[:300]}",
                         where=query.path or query.name, hint="check the SPARQL syntax") from None
    # Only bind variables the query mentions: an unused ?lang must not change the result.
    used = {str(v) for v in mentioned_vars(query.text)}
    bound = {k: v for k, v in bindings.items() if k in used}
    try:
        res = kg.union.query(prepared, initBindings=bound)
    except Exception as exc:
        raise QueryError(f"the query failed: {' '.join(str(exc).split())[:300]}",
                         where=query.path or query.name) from None
    return _from_rdflib(res, query)


def _from_rdflib(res: Any, query: CannedQuery | None) -> QueryResult:
    if res.type == "SELECT":
        vars_ = tuple(str(v) for v in res.vars)
        rows = tuple(tuple(row[v] if v in row.labels else None for v in vars_) for row in res)  # type: ignore[union-attr]
        return QueryResult(kind="select", vars=vars_, rows=rows, query=query)
    if res.type == "ASK":
        return QueryResult(kind="ask", boolean=bool(res.askAnswer), query=query)
    return QueryResult(kind=res.type.lower(), graph=res.graph, query=query)
