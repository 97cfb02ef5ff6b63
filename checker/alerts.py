"""Alerts read from the repository, and who owns them.

Alert *sources* (one small module each, registered in READERS) turn a file
into Alerts; Prometheus rule files and PrometheusRule manifests are the first.
Ownership resolves through a source's `owner_labels`, in order: the first
label present decides, naming a team, or a service (then the service's team).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .diagnostics import Diagnostic, Location, Severity
from .load import MAX_FILE_BYTES
from .model import Alert, Model, is_templated
from .sources import Source, SourceError, pattern_problem

Reader = Callable[[bytes, str], tuple[list[Alert], list[Diagnostic]]]


def _readers() -> dict[str, Reader]:
    from .sources import prometheus

    return {"prometheus": prometheus.read}


def read_alerts(model: Model, source: Source) -> tuple[list[Alert], list[Diagnostic]]:
    """Every alert the config's `alerts:` globs find, each file read once, owners resolved."""
    readers = _readers()
    alerts: list[Alert] = []
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for alert_source in model.alert_sources:
        reader = readers.get(alert_source.type)
        if reader is None:
            continue  # the schema reports an unknown type
        for pattern in alert_source.paths:
            problem = pattern_problem(pattern)
            if problem:
                problems.append(Diagnostic("CFG002", Severity.ERROR, f"file/{alert_source.node.loc.file}",
                                           f"alert path '{pattern}': {problem}", alert_source.node.at("paths")))
                continue
            for path in source.glob(pattern):
                if path in seen:
                    continue
                seen.add(path)
                found, file_problems = _read_file(reader, source, path)
                for alert in found:
                    alert.owner_labels = tuple(alert_source.owner_labels)
                alerts.extend(found)
                problems.extend(file_problems)
    resolve_owners(alerts, model)
    return alerts, problems


def _read_file(reader: Reader, source: Source, path: str) -> tuple[list[Alert], list[Diagnostic]]:
    try:
        data = source.read(path, MAX_FILE_BYTES)
    except SourceError as exc:
        return [], [Diagnostic("ALR005", Severity.ERROR, f"file/{path}", str(exc), Location(path))]
    return reader(data, path)


def owner_label_of(alert: Alert) -> tuple[str, str] | None:
    """The first owner label present with a literal value, as (label, value)."""
    for label in alert.owner_labels:
        value = alert.labels.get(label)
        if value and not is_templated(value):
            return label, value
    return None


def resolve_owners(alerts: list[Alert], model: Model) -> None:
    for alert in alerts:
        found = owner_label_of(alert)
        if found is None:
            continue
        alert.owner_label, value = found
        if value in model.teams:
            alert.team = value
        elif value in model.services:
            alert.service = value
            alert.team = model.services[value].team


@dataclass(frozen=True)
class AlertCount:
    paging: int
    other: int


def alert_counts(alerts: list[Alert], model: Model) -> dict[tuple[str | None, str | None], AlertCount]:
    """Paging and other alerts per (team, service); service None for alerts owned by a team directly."""
    paging: Counter[tuple[str | None, str | None]] = Counter()
    other: Counter[tuple[str | None, str | None]] = Counter()
    for alert in alerts:
        key = (alert.team, alert.service)
        (paging if alert.is_paging(model.policy.paging_severities) else other)[key] += 1
    return {key: AlertCount(paging[key], other[key]) for key in set(paging) | set(other)}

