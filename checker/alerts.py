"""Alerts read from the repository, and who owns them.

Alert *sources* (one small module each, registered in READERS) turn a file
into Alerts; Prometheus rule files and PrometheusRule manifests are the first.
Ownership resolves through a source's `owner_labels`, in order: the first
label present decides, naming a team, or a service (then the service's team);
an alert with none falls to the source's `owner` (owner by path).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import combinations
from typing import TYPE_CHECKING

from . import cache_codec
from .cache import cached, content_digest
from .diagnostics import Diagnostic, Location, Severity
from .globs import excluded
from .load import MAX_FILE_BYTES
from .model import Alert, AlertSource, Model, is_templated
from .records import record
from .sources import Source, SourceError, normalize_repo_path, pattern_problem

if TYPE_CHECKING:
    from .routing import AlertmanagerConfig

Reader = Callable[[bytes, str], tuple[list[Alert], list[Diagnostic]]]
READER_RULES = frozenset({"ALR005"})  # the only rule a reader raises (a cached entry with another is forged)


def read_routing(model: Model, source: Source) -> tuple[AlertmanagerConfig | None, list[Diagnostic]]:
    """The Alertmanager config `routing.alertmanager` names, or ALR007s saying why it cannot be used."""
    if model.routing is None:
        return None, []
    from .sources import alertmanager

    path, loc = model.routing.alertmanager, model.routing.node.at("alertmanager")
    normal = normalize_repo_path(path)
    try:
        if normal is None:
            raise SourceError(f"'{path}' is not a path inside the repository")
        data = source.read(normal, MAX_FILE_BYTES)
    except SourceError as exc:
        return None, [Diagnostic("ALR007", Severity.ERROR, f"file/{path}",
                                 f"routing.alertmanager cannot be read: {exc}; fix the path", loc)]
    config, problems = alertmanager.read(data, normal)
    if config is not None:
        config.digest = content_digest(data)  # what the alert verdicts that route through it are keyed by
    return config, problems


def _readers() -> dict[str, Reader]:
    from .sources import prometheus

    return {"prometheus": prometheus.read}


@record(frozen=True)
class AlertFile:
    """A rule file the config's `alerts:` globs find, with the entry of `alerts:` that reads it."""

    path: str
    alert_source: AlertSource
    index: int  # of alert_source in `alerts:`


def alert_files(model: Model, source: Source) -> tuple[list[AlertFile], list[Diagnostic]]:
    """Every file the config's `alerts:` globs find (less `exclude`), each once, read by the first entry
    that finds it. ALR008 for a glob that matches no file, CFG002 for one that leaves the repository."""
    readers = _readers()
    files: list[AlertFile] = []
    problems: list[Diagnostic] = []
    # The Alertmanager config often sits beside the rules; it is read as what it is, not as rules.
    seen: set[str] = {normalize_repo_path(model.routing.alertmanager) or ""} if model.routing else set()
    for source_index, alert_source in enumerate(model.alert_sources):
        if alert_source.type not in readers:
            continue  # the schema reports an unknown type
        exclude = _usable_patterns(alert_source, "exclude", alert_source.exclude, problems)
        for index, pattern in enumerate(alert_source.paths):
            loc = alert_source.path_locs[index] if index < len(alert_source.path_locs) else alert_source.node.loc
            if not _usable_patterns(alert_source, "paths", [pattern], problems):
                continue
            matched = source.glob(pattern)
            if not matched:
                problems.append(Diagnostic("ALR008", Severity.WARNING, f"file/{pattern}",
                                           f"alerts path '{pattern}' matches no file, so no alert is read from it; "
                                           "fix the glob (`.yml` or `.yaml`?) or remove it", loc))
            for path in matched:
                if path not in seen and not excluded(path, exclude):
                    seen.add(path)
                    files.append(AlertFile(path, alert_source, source_index))
    return files, problems


def read_alerts(model: Model, source: Source,
                files: list[AlertFile] | None = None) -> tuple[list[Alert], list[Diagnostic]]:
    """Every alert of the files (by default all alert_files() finds, with its problems), subjects made
    unique and owners resolved."""
    problems: list[Diagnostic] = []
    if files is None:
        files, problems = alert_files(model, source)
    alerts: list[Alert] = []
    for file in files:
        found, file_problems = read_alert_file(source, file)
        alerts.extend(found)
        problems.extend(file_problems)
    assign_subjects(alerts)
    resolve_owners(alerts, model)
    return alerts, problems


def read_alert_file(source: Source, file: AlertFile, data: bytes | None = None,
                    digest: bytes | None = None) -> tuple[list[Alert], list[Diagnostic]]:
    """One file's alerts, with its source's settings, and its problems (ALR005); what an unchanged file
    gave last time when the cache has it. data, digest: its bytes and content_digest, if read already."""
    kind, path = file.alert_source.type, file.path
    if data is None:
        data, problems = alert_file_bytes(source, path)
        if data is None:
            return [], problems
    reader, content = _readers()[kind], data
    found, problems = cached(f"alerts/{kind}", path, data, lambda: reader(content, path),
                             lambda result: cache_codec.alerts(result, path),
                             lambda plain: cache_codec.read_alerts(plain, path, READER_RULES), _pristine, digest)
    for alert in found:
        _apply_source(alert, file.alert_source)
    return found, problems


def _usable_patterns(alert_source: AlertSource, key: str, patterns: list[str],
                     problems: list[Diagnostic]) -> list[str]:
    """The globs that stay inside the repository; CFG002 for the others."""
    usable = []
    for pattern in patterns:
        problem = pattern_problem(pattern)
        if problem:
            problems.append(Diagnostic("CFG002", Severity.ERROR, f"file/{alert_source.node.loc.file}",
                                       f"alert {key} '{pattern}': {problem}", alert_source.node.at(key)))
        else:
            usable.append(pattern)
    return usable


def _apply_source(alert: Alert, alert_source: AlertSource) -> None:
    alert.owner_labels = tuple(alert_source.owner_labels)
    alert.runbook_annotations = alert_source.runbook_annotations
    alert.paging_severities = alert_source.paging_severities
    alert.path_owner = alert_source.owner


def alert_file_bytes(source: Source, path: str) -> tuple[bytes | None, list[Diagnostic]]:
    """A rule file's bytes, or None and the ALR005 that says why it cannot be read."""
    try:
        return source.read(path, MAX_FILE_BYTES), []
    except SourceError as exc:
        return None, [Diagnostic("ALR005", Severity.ERROR, f"file/{path}", str(exc), Location(path))]


def _pristine(read: tuple[list[Alert], list[Diagnostic]]) -> tuple[list[Alert], list[Diagnostic]]:
    """Copies of the alerts as read: the run then fills in their source's settings, subject and owner."""
    alerts, problems = read
    return [_copied(alert) for alert in alerts], problems


def _copied(alert: Alert) -> Alert:
    """A shallow copy, as copy.copy makes of a dataclass, without its __reduce_ex__ round trip (a
    --base run copies every alert the head read)."""
    twin: Alert = object.__new__(Alert)
    twin.__dict__.update(alert.__dict__)
    return twin


def owner_label_of(alert: Alert) -> tuple[str, str] | None:
    """The first owner label present with a literal value, as (label, value)."""
    for label in alert.owner_labels:
        value = alert.labels.get(label)
        if value and not is_templated(value):
            return label, value
    return None


def resolve_owners(alerts: list[Alert], model: Model) -> None:
    """An owner label decides; without one, the source's `owner` (owner by path) does."""
    for alert in alerts:
        found = owner_label_of(alert)
        if found is not None:
            alert.owner_label, value = found
        elif alert.path_owner is not None:
            alert.owned_by_path, value = True, alert.path_owner
        else:
            continue
        if value in model.teams:
            alert.team = value
        elif value in model.services:
            alert.service = value
            alert.team = model.services[value].team


# Label subsets tried (times alerts compared) before falling back to group names: a file with
# hundreds of same-named alerts and many labels must not make subjects exponential.
MAX_SUBJECT_WORK = 200_000


def assign_subjects(alerts: list[Alert]) -> None:
    """SPEC §8: `alert/PATH#NAME` when the name is unique in its file; else the fewest labels (by name)
    that tell the same-named alerts apart, `#NAME{a="x",b="y"}`; else `#NAME@GROUP`, then `@GROUP[i]`."""
    same_named: dict[tuple[str, str], list[Alert]] = {}
    for alert in alerts:
        same_named.setdefault((alert.file, alert.name), []).append(alert)
    for same in same_named.values():
        for alert in same:
            alert.subject = alert.short_subject
        if len(same) == 1:
            continue
        labels = _distinguishing_labels(same)
        if labels is not None:
            for alert in same:
                shown = ",".join(f'{name}="{_label_text(alert.labels.get(name, ""))}"' for name in labels)
                alert.subject += "{" + shown + "}"
            continue
        in_group = Counter(alert.group for alert in same)
        index: Counter[str] = Counter()
        for alert in same:
            alert.subject += f"@{alert.group}"
            if in_group[alert.group] > 1:
                alert.subject += f"[{index[alert.group]}]"
                index[alert.group] += 1


def _distinguishing_labels(same: list[Alert]) -> tuple[str, ...] | None:
    """The smallest set of label names, first in name order, whose values differ between every two
    alerts (an absent label is empty, as in Prometheus); None when no set does, or within the bound."""
    names = sorted({name for alert in same for name in alert.labels})
    # A label with one value across the alerts never helps; leaving it out keeps the search small.
    varying = [name for name in names if len({alert.labels.get(name, "") for alert in same}) > 1]

    def distinct(chosen: tuple[str, ...]) -> bool:
        return len({tuple(alert.labels.get(name, "") for name in chosen) for alert in same}) == len(same)

    if not varying or not distinct(tuple(varying)):
        return None
    work = 0
    for size in range(1, len(varying) + 1):
        for chosen in combinations(varying, size):
            work += len(same)
            if work > MAX_SUBJECT_WORK:
                return None
            if distinct(chosen):
                return chosen
    return None


def _label_text(value: str) -> str:
    """A label value as Alertmanager prints it in a matcher (OpenMetrics escaping)."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


@record(frozen=True)
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

