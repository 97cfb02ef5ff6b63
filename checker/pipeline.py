"""One run of the checker over one Source: load -> model -> discovery -> rules -> waivers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from datetime import datetime
from typing import Any

from . import cache
from .alerts import alert_files, read_alerts, read_routing
from .bounded import bound_diagnostics
from .config import LoadedConfig, load_config
from .diagnostics import Diagnostic, Severity, sort_diagnostics
from .discovery import discover
from .model import Model
from .records import record
from .rules import (
    Context,
    DiscoveredService,
    as_configured,
    model_only_rules,
    per_alert_file_rules,
    run_rules,
)
from .rules.waivers import apply_waivers
from .sources import Source, pattern_problem


@record
class CheckResult:
    model: Model
    diagnostics: list[Diagnostic]  # bounded (see bounded.py) unless run_check was told otherwise
    discovered: list[DiscoveredService] = field(default_factory=list)
    context: Context | None = None  # what the rules read, e.g. the simulated schedule, for the report
    keys: set[tuple[str, str]] = field(default_factory=set)  # (rule, subject) of every diagnostic, cut or not


# Gathers facts from outside the repository before the rules run (e.g. --online GitHub look-ups).
Prepare = Callable[[Model], dict[str, Any]]


def run_check(source: Source, config_path: str, now: datetime, prepare: Prepare | None = None,
              loaded: LoadedConfig | None = None, bounded: bool = True, remember: bool = False,
              only: frozenset[str] | None = None, leave_out: frozenset[str] = frozenset(),
              finish: bool = True) -> CheckResult:
    """Every rule on one version of the repository. Raises ConfigMissing when there is no config.
    `loaded`: the config already read from this source (the pre-commit path reads it to decide).
    `bounded`: cut the diagnostics to what a reader can use (diff mode cuts after marking new ones).
    `remember`: `now` was given (--now), so with a cache in use the model-only rules' verdict, and each
    rule file's alert rules' verdict, are kept in it or read from it (checker/verdicts.py, alert_verdicts.py).
    `only`/`leave_out`: the rules to run (diff mode). `finish`: apply the waivers now; diff mode runs
    more rules on the head first, then calls finish_check."""
    loaded = loaded or load_config(source, config_path)
    model = loaded.model
    discovered, discovery_problems = discover(model, source)
    discovery_problems += _unusable_directories(model, source)
    model.alertmanager, alert_problems = read_routing(model, source)
    files, glob_problems = alert_files(model, source)
    alert_problems += glob_problems
    # Verdicts are worth working out only where they can be kept.
    remembering = remember and only is None and not leave_out and cache.in_use()
    if not remembering:  # else the alerts are read with their rules' verdicts, below
        model.alerts, read_problems = read_alerts(model, source, files)
        alert_problems += read_problems
    context = Context(model=model, repo=source, now=now, discovered=discovered,
                      extras=prepare(model) if prepare else {})
    staged = [as_configured(d, model) for d in loaded.diagnostics + discovery_problems + alert_problems]
    diagnostics = [d for d in staged if d.severity is not Severity.OFF]
    if remembering:
        from .alert_verdicts import remembered_alert_rules
        from .verdicts import remembered, verdict_key

        key = verdict_key(loaded, model, now)
        diagnostics += remembered(loaded, context, config_path, key, lambda rules: run_rules(context, only=rules))
        diagnostics += remembered_alert_rules(context, files, key)
        diagnostics.extend(run_rules(context, leave_out=model_only_rules() | per_alert_file_rules()))
    else:
        diagnostics.extend(run_rules(context, only, leave_out))
    result = CheckResult(model, diagnostics, discovered, context)
    return finish_check(result, config_path, bounded) if finish else result


def finish_check(result: CheckResult, config_path: str, bounded: bool = True) -> CheckResult:
    """Waivers applied to every diagnostic found, the keys of all of them, and the cut (if bounded)."""
    assert result.context is not None
    diagnostics = apply_waivers(result.diagnostics, result.model, result.context.now)
    result.keys = {d.key for d in diagnostics}
    result.diagnostics = bound_diagnostics(diagnostics, config_path) if bounded else sort_diagnostics(diagnostics)
    return result


def _unusable_directories(model: Model, source: Source) -> list[Diagnostic]:
    """A folder a `directories` discovery glob matches but whose name cannot be used (not UTF-8, ...)
    is not a service anyone can declare: say so, rather than drop it."""
    problems = []
    for entry in model.discovery:
        if entry.kind != "directories" or pattern_problem(entry.pattern):
            continue
        for directory in source.unusable_directories(entry.pattern):
            problems.append(Diagnostic(
                "CFG001", Severity.ERROR, f"file/{directory}",
                f"discovery '{entry.pattern}' matches {directory}, whose name {source.unusable()[directory]}; "
                "rename it", entry.loc))
    return problems
