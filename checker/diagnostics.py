"""Diagnostic, Severity and Location: what every stage of the pipeline produces."""

from __future__ import annotations

import enum
from dataclasses import field, replace
from typing import NamedTuple, Protocol, TypeAlias

from .records import record


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


class Location(NamedTuple):
    """A place in a file; line and column are 1-based. A tuple: the loader makes one per YAML node."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Mark(Protocol):
    """Where PyYAML's parser saw a node: its own Mark object, line and column counted from 0."""

    @property
    def index(self) -> int: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


# Where a key, value or item is written, as the loader keeps it: the parser's mark, made into a Location
# (by `placed`) only when someone asks. Half a million nodes, a handful of diagnostics: the tuple per
# node was a fifth of the loader's time.
Written: TypeAlias = "Location | Mark"

_tuple_new = tuple.__new__


def placed(at: Written, file: str) -> Location:
    """The Location of what the loader kept for a node of `file`."""
    if type(at) is Location:
        return at
    return _tuple_new(Location, (file, at.line + 1, at.column + 1))


@record(frozen=True)
class Diagnostic:
    rule: str
    severity: Severity
    subject: str
    message: str
    location: Location
    # Set only in diff mode (--base): True when (rule, subject) is absent at the base.
    new: bool | None = None
    # Filled in by the pipeline from the catalogue, so rules need not repeat it.
    name: str = field(default="", compare=False)
    # What tells apart two diagnostics of one rule and subject (a person, an interval), when a rule
    # can say; SARIF fingerprints use it. Not part of the identity diff mode compares.
    detail: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, str]:
        """What identifies a diagnostic across two versions of a repo."""
        return (self.rule, self.subject)

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        loc = self.location
        return (loc.file, loc.line, loc.column, self.rule, self.subject, self.message)

    def with_(self, **changes: object) -> Diagnostic:
        return replace(self, **changes)  # type: ignore[arg-type]


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """SPEC §4: sorted by file, line, column, rule."""
    return sorted(diagnostics, key=Diagnostic.sort_key)


def is_blocking(diag: Diagnostic, strict: bool) -> bool:
    """Errors block; in diff mode only new ones do. --strict makes everything block."""
    if diag.severity is Severity.OFF:
        return False
    if strict:
        return True
    if diag.severity is not Severity.ERROR:
        return False
    return diag.new is not False
