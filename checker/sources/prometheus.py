"""Prometheus alert rules: rule files (`groups:`) and PrometheusRule manifests (`spec.groups`).

Single or multi-document YAML, merge keys included. Recording rules are
skipped, and a group with an empty `rules:` list holds no alerts (as
promtool says: "0 rules found"). Other Kubernetes objects in a
multi-document manifest are skipped; a file that holds no rule groups at all,
a group or rule of the wrong shape, or a Helm/Go template is ALR005. A hostile
file cannot make the problem list unbounded: after MAX_PROBLEMS_PER_FILE the
rest are counted in one last ALR005.
"""

from __future__ import annotations

from typing import Any

from ..bounded import MAX_DIAGNOSTICS_PER_RULE_AND_FILE
from ..diagnostics import Diagnostic, Location, Severity, Written
from ..load import YMap, read_yaml, value_loc
from ..model import Alert
from .templates import template_marker

RULE_KINDS = {"PrometheusRule"}
LIST_KINDS = {"List", "PrometheusRuleList"}
# Kept problems and the count of the rest fit within the pipeline's own cap per rule and file.
MAX_PROBLEMS_PER_FILE = MAX_DIAGNOSTICS_PER_RULE_AND_FILE - 1
_TEXT = frozenset({str})


def file_problem(path: str, loc: Location, message: str) -> Diagnostic:
    """ALR005: the file cannot be read as Prometheus rules."""
    return Diagnostic("ALR005", Severity.ERROR, f"file/{path}", message, loc)


class Problems:
    """ALR005s of one file, the first MAX_PROBLEMS_PER_FILE kept and the rest only counted."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.kept: list[Diagnostic] = []
        self.more = 0
        self.first_more: Location | None = None

    def add(self, loc: Location, message: str) -> None:
        if len(self.kept) < MAX_PROBLEMS_PER_FILE:
            self.kept.append(file_problem(self.path, loc, message))
            return
        self.more += 1
        self.first_more = self.first_more or loc

    def __bool__(self) -> bool:
        return bool(self.kept)

    def result(self) -> list[Diagnostic]:
        if not self.more:
            return self.kept
        assert self.first_more is not None
        return [*self.kept, file_problem(self.path, self.first_more,
                                         f"and {self.more:,} more problems in this file (only the first "
                                         f"{MAX_PROBLEMS_PER_FILE} are listed); fix those first")]


def read(data: bytes, path: str) -> tuple[list[Alert], list[Diagnostic]]:
    loaded = read_yaml(data, path)
    problems = Problems(path)
    # A file that is not YAML, or repeats a key, cannot be read as rules.
    for diagnostic in loaded.diagnostics:
        problems.add(diagnostic.location, f"cannot read {path}: {diagnostic.message}")
    alerts: list[Alert] = []
    groups_found = 0
    for document in loaded.documents:
        for groups, loc in _rule_groups(document, path, problems):
            groups_found += 1
            _read_groups(groups, loc, path, alerts, problems)
    if problems and b"{{" in data:
        template = template_marker(data, path)
        if template is not None:
            return [], [file_problem(path, template, f"{path} is a Helm/Go template (`{{{{` outside a string at "
                                     f"line {template.line}), not a rule file: render it with `helm template`, "
                                     "or exclude it (`alerts[].exclude`)")]
    if not groups_found and not problems:
        problems.add(Location(path), f"{path} holds no Prometheus rule groups (`groups:` or a PrometheusRule's "
                     "`spec.groups`); fix it, or narrow `alerts[].paths` or `alerts[].exclude`")
    return alerts, problems.result()


def _rule_groups(document: Any, path: str, problems: Problems) -> list[tuple[Any, Location]]:
    if document is None:
        return []
    loc = getattr(document, "loc", Location(path))
    if not isinstance(document, dict):
        problems.add(loc, "expected a mapping with `groups:` or a PrometheusRule")
        return []
    if "groups" in document:
        return [(document["groups"], value_loc(document, "groups", loc))]
    kind = document.get("kind")
    if kind in RULE_KINDS:
        spec = document.get("spec")
        if not isinstance(spec, dict) or "groups" not in spec:
            problems.add(value_loc(document, "spec", loc), "PrometheusRule has no `spec.groups`")
            return []
        return [(spec["groups"], value_loc(spec, "groups", loc))]
    if kind in LIST_KINDS and isinstance(document.get("items"), list):
        out: list[tuple[Any, Location]] = []
        for item in document["items"]:
            out.extend(_rule_groups(item, path, problems))
        return out
    if isinstance(kind, str) and "apiVersion" in document:
        return []  # another Kubernetes object in the same manifest
    problems.add(loc, "not a Prometheus rule file: expected `groups:` at the top level or `kind: PrometheusRule`")
    return []


def _read_groups(groups: Any, loc: Location, path: str, alerts: list[Alert], problems: Problems) -> None:
    if groups is None:
        return
    if not isinstance(groups, list):
        problems.add(loc, "`groups` must be a list of rule groups")
        return
    names: dict[str, Location] = {}
    for index, group in enumerate(groups):
        group_loc = value_loc(groups, index, loc)
        rules = group.get("rules") if isinstance(group, dict) else None
        if not isinstance(group, dict) or not isinstance(rules, (list, type(None))):
            problems.add(group_loc, "a rule group must be a mapping with `name` and a `rules:` list")
            continue
        name = group.get("name")
        if not isinstance(name, str) or not name:
            problems.add(value_loc(group, "name", group_loc), "a rule group needs a `name:` (Prometheus refuses "
                         "a group without one)")
            name = ""
        elif name in names:
            first = names[name]
            problems.add(value_loc(group, "name", group_loc), f"group name '{name}' is repeated in this file "
                         f"(first at line {first.line}); Prometheus refuses the file: rename one")
        else:
            names[name] = value_loc(group, "name", group_loc)
        group_labels, group_label_locs = _labels_block(group, "labels", group_loc, f"group {name}", problems)
        for position, rule in enumerate(rules or []):
            alert = _read_rule(rule, rules, position, group_loc, path, name, problems)
            if alert is not None:
                for label, value in group_labels.items():
                    if label not in alert.labels:  # the rule's own labels win, as in Prometheus
                        alert.labels[label], alert.label_locs[label] = value, group_label_locs[label]
                alerts.append(alert)


def _read_rule(rule: Any, rules: Any, position: int, group_loc: Location, path: str, group: str,
               problems: Problems) -> Alert | None:
    """The alert of rules[position], if it is one. Where the rule is written is worked out only for a
    problem: a parsed rule is a YMap, which places its own keys and values."""
    if not isinstance(rule, dict):
        problems.add(value_loc(rules, position, group_loc), "a rule must be a mapping with `alert:` or `record:`")
        return None
    if "record" in rule and "alert" not in rule:
        return None  # recording rules page nobody
    name = rule.get("alert")
    if not isinstance(name, str) or not name:
        problems.add(value_loc(rules, position, group_loc),
                     "a rule needs `alert: <name>` (or `record:` for a recording rule)")
        return None
    loc = rule.loc if type(rule) is YMap else value_loc(rules, position, group_loc)
    labels, label_locs = _labels_block(rule, "labels", loc, f"alert {name}", problems)
    annotations, annotation_locs = _labels_block(rule, "annotations", loc, f"alert {name}", problems)
    return Alert(name, path, value_loc(rule, "alert", loc), group, labels, label_locs, annotations, annotation_locs)


def _labels_block(owner: Any, key: str, loc: Location, what: str,
                  problems: Problems) -> tuple[dict[str, str], dict[str, Written]]:
    """A `labels:` or `annotations:` mapping as text values (as Prometheus reads scalars), and where each
    value is written. (Read for every one of tens of thousands of alerts: kept to one pass.)"""
    block = owner.get(key)
    if block is None:
        return {}, {}
    if type(block) is YMap and set(map(type, block.values())) <= _TEXT:
        return dict(block), dict(block.value_locs)  # the usual block: texts only (keys are always text)
    if not isinstance(block, dict):
        problems.add(value_loc(owner, key, loc), f"`{key}` of {what} must be a mapping of names to values")
        return {}, {}
    written: dict[str, Written] = block.value_locs if isinstance(block, YMap) else {}
    fallback = block.loc if isinstance(block, YMap) else loc  # as value_loc places a value without one
    texts: dict[str, str] = {}
    locs: dict[str, Written] = {}
    for label, value in block.items():
        if type(value) is not str:
            if isinstance(value, (dict, list)):
                problems.add(value_loc(block, label, fallback), f"{key[:-1]} {label} of {what} must be a plain value")
                continue
            value = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
        label = str(label)
        texts[label], locs[label] = value, written.get(label, fallback)
    return texts, locs
