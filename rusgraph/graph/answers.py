"""Answers kept beside an on-disk store, so a second run of the same report is a file read.

Owns: the file layout of kept SELECT answers (one JSON file per query text, keyed by the
digest of the store's manifest, so a changed source makes every kept answer stale) and the
JSON form of rdflib terms in them. Must not: run queries or decide when an answer may be
kept (:func:`rusgraph.graph.engine.run_query` does, for stores opened with ``--store``).
"""

from __future__ import annotations

from typing import Any


def _answer_file(kept: tuple[Any, str], text: str) -> Any:
    import hashlib

    directory, key = kept
    return directory / (hashlib.sha256((key + "\n" + text).encode("utf-8")).hexdigest() + ".json")


def _term_json(t: Any) -> Any:
    from rdflib import BNode, Literal

    if t is None:
        return None
    if isinstance(t, Literal):
        return {"l": str(t), "lang": t.language, "dt": str(t.datatype) if t.datatype is not None else None}
    if isinstance(t, BNode):
        return {"b": str(t)}
    return {"u": str(t)}


def _json_term(d: Any) -> Any:
    from rdflib import BNode, Literal, URIRef

    if d is None:
        return None
    if "u" in d:
        return URIRef(d["u"])
    if "b" in d:
        return BNode(d["b"])
    return Literal(d["l"], lang=d["lang"], datatype=URIRef(d["dt"]) if d["dt"] else None)


def kept_answer(kept: tuple[Any, str], text: str) -> Any:
    """The SELECT answer to ``text`` kept beside an on-disk store whose files have not
    changed since (the key is the digest of its manifest), or None."""
    import json

    try:
        doc = json.loads(_answer_file(kept, text).read_text(encoding="utf-8"))
        if doc.get("text") != text:
            return None
        rows = tuple(tuple(_json_term(c) for c in row) for row in doc["rows"])
        return ("select", tuple(doc["vars"]), rows, None, None)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def keep_answer(kept: tuple[Any, str], text: str, vars_: tuple[str, ...], rows: tuple) -> None:
    import json
    import os

    target = _answer_file(kept, text)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"text": text, "vars": list(vars_),
                                   "rows": [[_term_json(c) for c in row] for row in rows]}), encoding="utf-8")
        tmp.replace(target)
    except OSError:
        pass  # an answer not kept is computed again next time
