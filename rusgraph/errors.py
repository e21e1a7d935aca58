"""The one error hierarchy of rusgraph.

Every error carries a message a user can act on: what failed, where (file and line, or
URL), and what to do. The CLI turns any RusgraphError into ``Error: ...`` on stderr and
exit code 2; nothing here prints or exits.
"""

from __future__ import annotations


class RusgraphError(Exception):
    """Base class: rusgraph could not do what was asked (exit code 2 on the CLI)."""

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = self.message
        if self.where:
            text = f"{text} ({self.where})"
        if self.hint:
            text = f"{text}. {self.hint}"
        return text


class SourceError(RusgraphError):
    """A data, ontology or shapes source is missing, unreadable or does not parse."""


class ResourceError(RusgraphError):
    """A bundled resource (ontology, shapes, queries, data) cannot be found."""


class QueryError(RusgraphError):
    """A query is unknown, does not parse, or is missing a parameter."""


class ShapesError(RusgraphError):
    """The shapes graph is not usable SHACL."""


class EndpointError(RusgraphError):
    """A SPARQL endpoint is down, refuses the request, times out or answers nonsense."""


class BuildError(RusgraphError):
    """A transcription record cannot be turned into RDF (unknown code, bad field)."""


class SpreadsheetError(RusgraphError):
    """A plan spreadsheet (.xlsx or .csv) cannot be read or imported; ``where`` names the
    file, sheet, row and column (or the file and line for CSV that does not decode), and
    ``place`` (a rusgraph.sheets.template.Where, when there is one) holds them apart."""

    place: object = None


class SpreadsheetProblems(SpreadsheetError):
    """Several bad cells of one plan spreadsheet, every one a SpreadsheetError (``problems``,
    in reading order); ``complete`` is False when reading stopped at the limit."""

    def __init__(self, problems: "list[SpreadsheetError]", *, complete: bool = True):
        self.problems = list(problems)
        self.complete = complete
        first = self.problems[0]
        more = len(self.problems) - 1
        super().__init__(first.message, where=first.where,
                         hint=f"{first.hint + '. ' if first.hint else ''}{more} more problem{'s' * (more != 1)} "
                              f"in the file{'' if complete else ' (and maybe more: reading stopped there)'}")
