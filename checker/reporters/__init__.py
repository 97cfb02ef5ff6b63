"""Reporters for `ownership check`: each turns the outcome into text; none evaluates a rule.

A reporter is a module here whose class registers itself by name; FORMATS
feeds `--format`, and a reporter's module is imported only when it is used.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, Severity, is_blocking
from ..records import record

if TYPE_CHECKING:
    from ..schedule import ScheduleDiff


@record(frozen=True)
class Checked:
    """What a check looked at (SPEC §11: `check` never exits 0 without saying what it checked)."""

    services: int
    rotations: int
    alerts: int

    @classmethod
    def of(cls, model: Any) -> Checked:
        """The counts of a resolved model (checker.model.Model)."""
        return cls(len(model.services), len(model.rotations), len(model.alerts) + model.remembered_alerts)

    def __str__(self) -> str:
        return f"checked {self.services} services, {self.rotations} rotations, {self.alerts} alerts"


@record(frozen=True)
class Outcome:
    """What a check found, and how it is judged."""

    diagnostics: list[Diagnostic]
    strict: bool = False
    diff_mode: bool = False  # --base: diagnostics carry `new`
    checked: Checked | None = None  # None from callers that do not say what they checked
    schedule_changes: ScheduleDiff | None = None  # --base: what the change moves (SPEC §7.4)

    def blocking(self, diagnostic: Diagnostic) -> bool:
        return is_blocking(diagnostic, self.strict)

    @property
    def blocking_count(self) -> int:
        return sum(1 for d in self.diagnostics if self.blocking(d))

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)

    def by_importance(self) -> list[Diagnostic]:
        """Blocking first, then errors, then the rest; file order within each."""
        return sorted(self.diagnostics, key=lambda d: (not self.blocking(d), d.severity is not Severity.ERROR))


class Reporter(ABC):
    name: str

    def __init__(self, color: bool = False) -> None:
        self.color = color

    @abstractmethod
    def render(self, outcome: Outcome) -> str: ...


REPORTERS: dict[str, type[Reporter]] = {}
# --format name -> the module that defines it (json_ so as not to shadow the json module)
FORMATS = {"text": "text", "json": "json_", "github": "github", "sarif": "sarif", "markdown": "markdown"}


def register(cls: type[Reporter]) -> type[Reporter]:
    REPORTERS[cls.name] = cls
    return cls


def get_reporter(name: str, color: bool = False) -> Reporter:
    if name not in REPORTERS:
        import importlib

        importlib.import_module(f"{__name__}.{FORMATS[name]}")
    return REPORTERS[name](color=color)
