"""The rule registry: every rule by ID, registered where it is written.

A rule is a function decorated with :func:`rule`.  Its docstring is what
``ownership explain`` prints: what fires it, why it matters, and a failing and
a fixed example.  It reads the :class:`Context` and yields :class:`Finding`s;
the engine adds the rule ID, name and severity.  Rules raised by earlier
stages (loading, schema, model) are documented with :func:`declare`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import field
from datetime import datetime
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity
from ..model import Model
from ..records import record
from ..runbooks import runbook_problem
from ..schedule import Schedule, Slot, simulate
from ..sources import Source


@record(frozen=True)
class Finding:
    subject: str
    location: Location
    message: str
    # What distinguishes this finding from others of its rule and subject (a person, an interval):
    # carried into Diagnostic.detail for SARIF fingerprints.
    detail: str = field(default="", compare=False)


@record
class DiscoveredService:
    """One thing discovery found, however many kinds found it (checker/discovery.py)."""

    name: str  # a valid service name: the name found, in lower case (its directory's service's, if Backstage names it)
    kind: str  # directories | kubernetes | backstage: the kind whose name it carries
    location: Location
    found_as: str = ""  # the name as written where it was found
    aliases: tuple[str, ...] = ()  # other valid names it was found under (its directory's)
    lifecycle: str | None = None  # Backstage spec.lifecycle
    owner: str | None = None  # Backstage spec.owner, e.g. group:payments
    path: str = ""  # the directory, or the file, that named it

    @property
    def is_production(self) -> bool:
        """Production unless Backstage gives another lifecycle (experimental, deprecated, ...)."""
        return self.lifecycle is None or self.lifecycle.strip().lower() in ("", "production")


@record
class Context:
    """Everything a rule may read. Rules hold no state and write nothing."""

    model: Model
    repo: Source
    now: datetime
    discovered: list[DiscoveredService] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)  # later stages: alerts
    _schedule: Schedule | None = None
    _runbooks: dict[str, str | None] = field(default_factory=dict, repr=False)
    _runbook_files: dict[str, str | None] = field(default_factory=dict, repr=False)  # by repository path
    on_call_after_now: dict[str, bool] = field(default_factory=dict)  # by rotation (checker/verdicts.py)

    def someone_on_call_after_now(self, rotation: str) -> bool:
        """Whether a known person holds some of the rotation's time after now (ALR004)."""
        if rotation not in self.on_call_after_now:
            self.on_call_after_now[rotation] = _someone_after(self.schedule.rotations[rotation].slots, self.now,
                                                              self.model.people)
        return self.on_call_after_now[rotation]

    def runbook_answers(self) -> dict[str, str | None]:
        """Every runbook reference looked at so far in this run, with what runbook_problem said."""
        return dict(self._runbooks)

    def runbook_problem(self, reference: str) -> str | None:
        """Why a runbook path or URL cannot be followed (or None), looked at once per run:
        thousands of alerts share a few hundred runbooks."""
        if reference not in self._runbooks:
            self._runbooks[reference] = runbook_problem(self.repo, reference, self._runbook_files)
        return self._runbooks[reference]

    @property
    def schedule(self) -> Schedule:
        """The simulated schedule, computed once, on first use by a rule marked (t). In diff mode the
        other side's schedule is at hand ("reuse_schedule"): rotations it simulated, unchanged here,
        are not simulated again."""
        if self._schedule is None:
            other = self.extras.get("reuse_schedule")
            self._schedule = simulate(self.model, self.now, reuse=other if isinstance(other, Schedule) else None)
        return self._schedule


Check = Callable[[Context], Iterable[Finding]]


@record(frozen=True)
class RuleInfo:
    id: str
    name: str
    severity: Severity
    written_doc: str  # as written in the source; `doc` is what `explain` prints
    check: Check | None  # None: raised by an earlier stage
    # Reads only the config's model, --now and the schedule simulated from them: what it finds is remembered
    # with the config (checker/verdicts.py). Not the repository's files, alerts, discovery or outside facts.
    model_only: bool = False
    # Reads each alert with the others of its file only, and besides the model only --now's on-call facts,
    # the runbooks it names (Context.runbook_problem) and the Alertmanager config: what it finds in one rule
    # file is remembered per file (checker/alert_verdicts.py).
    per_alert_file: bool = False

    @property
    def doc(self) -> str:
        """The documentation, dedented. (Done when read: `check` never needs it, and ~40 rules' worth
        of dedenting at every start-up is not free.)"""
        return inspect.cleandoc(self.written_doc)

    @property
    def summary(self) -> str:
        first_paragraph = self.doc.strip().split("\n\n")[0]
        return " ".join(first_paragraph.split())


CATALOGUE: dict[str, RuleInfo] = {}


def _register(info: RuleInfo) -> None:
    if info.id in CATALOGUE:
        raise RuntimeError(f"rule {info.id} registered twice")
    CATALOGUE[info.id] = info


def rule(rule_id: str, name: str, severity: Severity = Severity.ERROR,
         model_only: bool = False, per_alert_file: bool = False) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        _register(RuleInfo(rule_id, name, severity, check.__doc__ or "", check, model_only, per_alert_file))
        return check

    return register


def declare(rule_id: str, name: str, severity: Severity, doc: str) -> None:
    _register(RuleInfo(rule_id, name, severity, doc, None))


_GROUP_ORDER = ["CFG", "SVC", "ROT", "ESC", "ALR", "WVR", "GH", "COD", "DRF"]  # the spec's catalogue order


def in_spec_order() -> list[RuleInfo]:
    """The catalogue as the spec lists it: by group, then number."""
    def key(info: RuleInfo) -> tuple[int, str]:
        group = info.id.rstrip("0123456789")
        return (_GROUP_ORDER.index(group) if group in _GROUP_ORDER else len(_GROUP_ORDER), info.id)

    return sorted(CATALOGUE.values(), key=key)


def effective_severity(rule_id: str, model: Model) -> Severity:
    override = model.policy.rule_severity.get(rule_id)
    return override if override is not None else CATALOGUE[rule_id].severity


def as_configured(diagnostic: Diagnostic, model: Model) -> Diagnostic:
    """A diagnostic of an earlier stage (loading, reading) with its catalogue name and the policy's
    severity."""
    return diagnostic.with_(name=CATALOGUE[diagnostic.rule].name,
                            severity=effective_severity(diagnostic.rule, model))


def model_only_rules() -> frozenset[str]:
    """The rules that read only the model, --now and the schedule (RuleInfo.model_only)."""
    return frozenset(rule_id for rule_id, info in CATALOGUE.items() if info.model_only)


def per_alert_file_rules() -> frozenset[str]:
    """The rules that read one rule file's alerts at a time (RuleInfo.per_alert_file)."""
    return frozenset(rule_id for rule_id, info in CATALOGUE.items() if info.per_alert_file)


def _someone_after(slots: list[Slot], now: datetime, people: Mapping[str, object]) -> bool:
    """Read from the end: a rotation's slots are in time order, and the lookback before now holds most."""
    for slot in reversed(slots):
        if slot.end <= now:
            return False
        if slot.person in people:
            return True
    return False


def run_rules(context: Context, only: frozenset[str] | None = None,
              leave_out: frozenset[str] = frozenset()) -> Iterator[Diagnostic]:
    """Every registered rule that is not switched off (of `only`, less `leave_out`), as Diagnostics."""
    for info in CATALOGUE.values():
        if info.check is None or (only is not None and info.id not in only) or info.id in leave_out:
            continue
        severity = effective_severity(info.id, context.model)
        if severity is Severity.OFF:
            continue
        for found in info.check(context):
            yield Diagnostic(info.id, severity, found.subject, found.message, found.location, name=info.name,
                             detail=found.detail)
