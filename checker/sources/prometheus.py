"""Prometheus alert rules: rule files (`groups:`) and PrometheusRule manifests (`spec.groups`).

Single or multi-document YAML. Recording rules are skipped. Other Kubernetes
objects in a multi-document manifest are skipped; a file that holds no rule
groups at all, or a group or rule of the wrong shape, is ALR005.
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostic, Location, Severity
from ..load import read_yaml, value_loc
from ..model import Alert

RULE_KINDS = {"PrometheusRule"}
LIST_KINDS = {"List", "PrometheusRuleList"}


def file_problem(path: str, loc: Location, message: str) -> Diagnostic:
    """ALR005: the file cannot be read as Prometheus rules."""
    return Diagnostic("ALR005", Severity.ERROR, f"file/{path}", message, loc)


def read(data: bytes, path: str) -> tuple[list[Alert], list[Diagnostic]]:
    loaded = read_yaml(data, path)
    # A file that is not YAML, or repeats a key, cannot be read as rules.
    problems = [file_problem(path, d.location, f"cannot read {path}: {d.message}") for d in loaded.diagnostics]
    alerts: list[Alert] = []
    groups_found = 0
    for document in loaded.documents:
        for groups, loc in _rule_groups(document, path, problems):
            groups_found += 1
            _read_groups(groups, loc, path, alerts, problems)
    if not groups_found and not problems:
        problems.append(file_problem(path, Location(path), f"{path} holds no Prometheus rule groups "
                                     "(`groups:` or a PrometheusRule's `spec.groups`); fix it or narrow "
                                     "`alerts[].paths`"))
    return alerts, problems


def _rule_groups(document: Any, path: str, problems: list[Diagnostic]) -> list[tuple[Any, Location]]:
    if document is None:
        return []
    loc = getattr(document, "loc", Location(path))
    if not isinstance(document, dict):
        problems.append(file_problem(path, loc, "expected a mapping with `groups:` or a PrometheusRule"))
        return []
    if "groups" in document:
        return [(document["groups"], value_loc(document, "groups", loc))]
    kind = document.get("kind")
    if kind in RULE_KINDS:
        spec = document.get("spec")
        if not isinstance(spec, dict) or "groups" not in spec:
            problems.append(file_problem(path, value_loc(document, "spec", loc),
                                         "PrometheusRule has no `spec.groups`"))
            return []
        return [(spec["groups"], value_loc(spec, "groups", loc))]
    if kind in LIST_KINDS and isinstance(document.get("items"), list):
        out: list[tuple[Any, Location]] = []
        for item in document["items"]:
            out.extend(_rule_groups(item, path, problems))
        return out
    if isinstance(kind, str) and "apiVersion" in document:
        return []  # another Kubernetes object in the same manifest
    problems.append(file_problem(path, loc, "not a Prometheus rule file: expected `groups:` at the top level "
                                 "or `kind: PrometheusRule`"))
    return []


def _read_groups(groups: Any, loc: Location, path: str, alerts: list[Alert], problems: list[Diagnostic]) -> None:
    if groups is None:
        return
    if not isinstance(groups, list):
        problems.append(file_problem(path, loc, "`groups` must be a list of rule groups"))
        return
    for index, group in enumerate(groups):
        group_loc = value_loc(groups, index, loc)
        if not isinstance(group, dict) or not isinstance(group.get("rules", []), list):
            problems.append(file_problem(path, group_loc, "a rule group must be a mapping with `name` and a "
                                         "`rules:` list"))
            continue
        name = group["name"] if isinstance(group.get("name"), str) else ""
        rules = group.get("rules") or []
        for position, rule in enumerate(rules):
            rule_loc = value_loc(rules, position, group_loc)
            alert = _read_rule(rule, rule_loc, path, name, problems)
            if alert is not None:
                alerts.append(alert)


def _read_rule(rule: Any, loc: Location, path: str, group: str, problems: list[Diagnostic]) -> Alert | None:
    if not isinstance(rule, dict):
        problems.append(file_problem(path, loc, "a rule must be a mapping with `alert:` or `record:`"))
        return None
    if "record" in rule and "alert" not in rule:
        return None  # recording rules page nobody
    name = rule.get("alert")
    if not isinstance(name, str) or not name:
        problems.append(file_problem(path, loc, "a rule needs `alert: <name>` (or `record:` for a recording rule)"))
        return None
    alert = Alert(name, path, value_loc(rule, "alert", loc), group)
    for key, target, target_locs in (("labels", alert.labels, alert.label_locs),
                                      ("annotations", alert.annotations, alert.annotation_locs)):
        block = rule.get(key)
        if block is None:
            continue
        if not isinstance(block, dict):
            problems.append(file_problem(path, value_loc(rule, key, loc), f"`{key}` of alert {name} must be a "
                                         "mapping of names to values"))
            continue
        for label, value in block.items():
            if isinstance(value, (dict, list)):
                problems.append(file_problem(path, value_loc(block, label, loc),
                                             f"{key[:-1]} {label} of alert {name} must be a plain value"))
                continue
            target[str(label)] = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
            target_locs[str(label)] = value_loc(block, label, loc)
    return alert
