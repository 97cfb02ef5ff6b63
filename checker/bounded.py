"""Bounding the diagnostics of one run: at most so many per (rule, file) and per run, the rest counted.

A hostile file can hold millions of problems; a reader needs a few. A cut group becomes one diagnostic,
"and N more <RULE> in <file>", as severe as the worst it stands for and new when any of them is new, so
the verdict and exit code never change by cutting; only the list shortens. Errors (and, in diff mode,
new ones) are kept before warnings. Readers that can stop early (the alert reader) use the same limits.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from .diagnostics import Diagnostic, Location, Severity, sort_diagnostics
from .records import record

MAX_DIAGNOSTICS_PER_RULE_AND_FILE = 100  # past this, one "and N more <RULE> in <file>"
MAX_DIAGNOSTICS_PER_RUN = 10_000  # past this, one "and N more diagnostics"


@record
class _Shown:
    diagnostic: Diagnostic
    stands_for: Counter[str]  # rule -> how many diagnostics it shows: 1, or many for a summary


def bound_diagnostics(diagnostics: list[Diagnostic], run_file: str,
                      per_group: int = MAX_DIAGNOSTICS_PER_RULE_AND_FILE,
                      per_run: int = MAX_DIAGNOSTICS_PER_RUN) -> list[Diagnostic]:
    """The diagnostics, sorted, with cut groups (and the run's overflow, reported at run_file) summarised."""
    if len(diagnostics) <= min(per_group, per_run):
        return sort_diagnostics(diagnostics)
    groups: dict[tuple[str, str], list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        groups[(diagnostic.rule, diagnostic.location.file)].append(diagnostic)
    shown: list[_Shown] = []
    for (rule, file), members in groups.items():
        members.sort(key=_priority)
        shown += [_Shown(d, Counter({rule: 1})) for d in members[:per_group]]
        if len(members) > per_group:
            cut = members[per_group:]
            shown.append(_summary(cut, Counter({rule: len(cut)}), f"file/{file}", cut[0].location,
                                  f"and {len(cut):,} more {rule} in {file} (at most {per_group:,} are shown "
                                  "per rule and file)"))
    if len(shown) > per_run:
        shown.sort(key=lambda s: _priority(s.diagnostic))
        overflow = shown[per_run - 1:]
        total: Counter[str] = Counter()
        for item in overflow:
            total.update(item.stands_for)
        by_rule = ", ".join(f"{rule}: {count:,}" for rule, count in total.most_common(5))
        shown = shown[:per_run - 1] + [_summary(
            [s.diagnostic for s in overflow], total, f"file/{run_file}", Location(run_file),
            f"and {total.total():,} more diagnostics not shown (at most {per_run:,} per run; {by_rule})")]
    return sort_diagnostics([s.diagnostic for s in shown])


def _priority(diagnostic: Diagnostic) -> tuple[bool, bool, tuple[str, int, int, str, str, str]]:
    return (diagnostic.severity is not Severity.ERROR, diagnostic.new is False, diagnostic.sort_key())


def _summary(cut: Iterable[Diagnostic], stands_for: Counter[str], subject: str, location: Location,
             message: str) -> _Shown:
    """One diagnostic for many: under the rule most of them have, as severe and as new as any of them."""
    rule = stands_for.most_common(1)[0][0]
    severity, new, name = Severity.WARNING, None, ""
    for diagnostic in cut:
        if diagnostic.severity is Severity.ERROR:
            severity = Severity.ERROR
        if diagnostic.new is not None:
            new = bool(new) or diagnostic.new
        if diagnostic.rule == rule:
            name = diagnostic.name
    return _Shown(Diagnostic(rule, severity, subject, message, location, new=new, name=name), stands_for)
