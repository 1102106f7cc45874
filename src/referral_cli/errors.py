"""One family of errors a case worker can read; the CLI edge turns them into exit code 1."""

from __future__ import annotations


class ReferralError(Exception):
    """A problem the user can fix: the message is shown as is, without a traceback."""


class NotFoundError(ReferralError):
    """A named agency, service or session does not exist (or the name is ambiguous)."""


class CatalogError(ReferralError):
    """A catalog file is malformed; holds every problem found, each with file and line."""

    def __init__(self, problems: list[CatalogProblem]) -> None:
        self.problems = problems
        count = len(problems)
        head = f"The catalog has {count} problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([head, *(f"  {p}" for p in problems)]))


class CatalogProblem:
    """One problem in one catalog file, located by line and field."""

    __slots__ = ("field", "file", "line", "message")

    def __init__(self, file: str, line: int | None, field: str, message: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.message = message

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"

    def as_dict(self) -> dict[str, object]:
        """Machine-readable form for `--format json`."""
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message}
