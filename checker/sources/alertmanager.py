"""The Alertmanager config (`routing.alertmanager`): its routing tree and receivers, checked as
Alertmanager's config/config.go checks them, so a config it would refuse is ALR007 here too.

Read through the same safe loader as every file (merge keys, bounded size,
aliases and nesting). Only what routing needs is read: `route` (receiver,
`matchers`, legacy `match`/`match_re`, `continue`, `routes`) and the
receivers' names; notification settings are left alone.
"""

from __future__ import annotations

import re
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity
from ..load import YMap, key_loc, read_yaml, value_loc
from ..matchers import Matcher, MatcherError, new_matcher, parse_matchers
from ..routing import AlertmanagerConfig, Route
from .templates import template_marker

ROUTE_KEYS = frozenset({"receiver", "group_by", "match", "match_re", "matchers", "continue", "routes", "group_wait",
                        "group_interval", "repeat_interval", "mute_time_intervals", "active_time_intervals",
                        "labels"})
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")  # prometheus/common model.LabelNameRE, for match/match_re
# go-yaml v2, which Alertmanager reads its config with, takes YAML 1.1 booleans.
YAML11_BOOLS = {**dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON"), True),
                **dict.fromkeys(("n", "N", "no", "No", "NO", "off", "Off", "OFF"), False)}


class _Problems:
    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[Diagnostic] = []

    def add(self, loc: Location, message: str) -> None:
        self.found.append(Diagnostic("ALR007", Severity.ERROR, f"file/{self.path}",
                                     f"Alertmanager config {self.path}: {message}", loc))


def read(data: bytes, path: str) -> tuple[AlertmanagerConfig | None, list[Diagnostic]]:
    """The routing tree, or None and ALR007s saying why Alertmanager would refuse the file."""
    problems = _Problems(path)
    loaded = read_yaml(data, path)
    for diagnostic in loaded.diagnostics:
        problems.add(diagnostic.location, diagnostic.message)
    if problems.found and b"{{" in data:
        marker = template_marker(data, path)
        if marker is not None:
            return None, [Diagnostic("ALR007", Severity.ERROR, f"file/{path}",
                                     f"Alertmanager config {path} is a Helm/Go template (`{{{{` outside a string "
                                     f"at line {marker.line}): render it and point `routing.alertmanager` at the "
                                     "rendered file", marker)]
    if problems.found:
        return None, problems.found
    if len(loaded.documents) != 1 or not isinstance(loaded.documents[0], YMap):
        problems.add(Location(path), "expected one YAML mapping with `route:` and `receivers:`")
        return None, problems.found
    document = loaded.documents[0]
    receivers = _receivers(document, problems)
    body = document.get("route")
    if not isinstance(body, YMap):
        problems.add(value_loc(document, "route", document.loc), "no routes provided: add a `route:` with a "
                     "default `receiver:`")
        return None, problems.found
    root = _route(body, "route", None, problems)
    _check_root(body, root, problems)
    _check_receivers_defined(root, receivers, problems)
    if problems.found:
        return None, problems.found
    names = frozenset(m.name for node in _walk(root) for m in node.matchers)
    return AlertmanagerConfig(path, root, receivers, names), []


def _receivers(document: YMap, problems: _Problems) -> dict[str, Location]:
    found: dict[str, Location] = {}
    entries = document.get("receivers")
    if entries is None:
        return found
    if not isinstance(entries, list):
        problems.add(value_loc(document, "receivers", document.loc), "`receivers` must be a list")
        return found
    for index, entry in enumerate(entries):
        loc = value_loc(entries, index, document.loc)
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name:
            problems.add(loc, "missing name in receiver")
        elif name in found:
            problems.add(value_loc(entry, "name", loc), f"notification config name '{name}' is not unique "
                         f"(first at line {found[name].line})")
        else:
            found[name] = value_loc(entry, "name", loc)
    return found


def _route(body: Any, path: str, parent: Route | None, problems: _Problems) -> Route:
    loc = getattr(body, "loc", parent.loc if parent else Location(problems.path))
    inherited = parent.receiver if parent else ""
    node = Route(inherited, [], path, loc)
    if not isinstance(body, YMap):
        problems.add(loc, f"{path} must be a mapping")
        return node
    for key in body:
        if key not in ROUTE_KEYS:
            problems.add(key_loc(body, key, loc), f"unknown key '{key}' in {path} (Alertmanager refuses the config); "
                         f"route keys are {', '.join(sorted(ROUTE_KEYS))}")
    receiver = body.get("receiver")
    if isinstance(receiver, str) and receiver:
        node.receiver = receiver
    elif receiver is not None:
        problems.add(value_loc(body, "receiver", loc), f"{path}.receiver must be a receiver's name")
    node.matchers = _matchers(body, path, problems)
    node.continue_ = _boolean(body, "continue", path, problems)
    children = body.get("routes")
    if isinstance(children, list):
        node.routes = [_route(child, f"{path}.routes[{index}]", node, problems)
                       for index, child in enumerate(children)]
    elif children is not None:
        problems.add(value_loc(body, "routes", loc), f"{path}.routes must be a list of routes")
    return node


def _matchers(body: YMap, path: str, problems: _Problems) -> list[Matcher]:
    """`match`, `match_re` and `matchers` together, as dispatch/route.go joins them."""
    found: list[Matcher] = []
    for key, op in (("match", "="), ("match_re", "=~")):
        block = body.get(key)
        if block is None:
            continue
        if not isinstance(block, YMap):
            problems.add(value_loc(body, key, body.loc), f"{path}.{key} must be a mapping of label names to values")
            continue
        for name, value in block.items():
            where = value_loc(block, name, block.loc)
            if not LABEL_NAME.match(name):
                problems.add(key_loc(block, name, block.loc), f"invalid label name '{name}' in {path}.{key}")
            elif isinstance(value, (dict, list)) or (op == "=~" and value is None):
                problems.add(where, f"invalid value for '{name}' in {path}.{key}: write one string")
            else:
                try:
                    found.append(new_matcher(name, op, _scalar_text(value)))
                except MatcherError as exc:
                    problems.add(where, f"{path}.{key} '{name}': {exc}")
    lines = body.get("matchers")
    if lines is not None and not isinstance(lines, list):
        problems.add(value_loc(body, "matchers", body.loc), f"{path}.matchers must be a list of strings")
        return found
    for index, line in enumerate(lines or []):
        where = value_loc(lines, index, body.loc)
        if not isinstance(line, str):
            problems.add(where, f"{path}.matchers[{index}] must be a string such as 'team=\"payments\"'")
            continue
        try:
            found.extend(parse_matchers(line))
        except MatcherError as exc:
            problems.add(where, f"{path}.matchers[{index}] {line!r}: {exc}")
    return found


def _scalar_text(value: Any) -> str:
    """A YAML scalar as go-yaml hands it to a string field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _boolean(body: YMap, key: str, path: str, problems: _Problems) -> bool:
    value = body.get(key)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value in YAML11_BOOLS:
        return YAML11_BOOLS[value]
    problems.add(value_loc(body, key, body.loc), f"{path}.{key} must be true or false")
    return False


def _check_root(body: YMap, root: Route, problems: _Problems) -> None:
    if not root.receiver:
        problems.add(root.loc, "root route must specify a default receiver")
    if root.matchers:
        problems.add(root.loc, "root route must not have any matchers (it is where every other alert lands)")
    if root.continue_:
        problems.add(value_loc(body, "continue", root.loc), "cannot have continue in root route")
    for key in ("mute_time_intervals", "active_time_intervals"):
        if body.get(key):
            problems.add(value_loc(body, key, root.loc), f"root route must not have any {key.replace('_', ' ')}")


def _check_receivers_defined(root: Route, receivers: dict[str, Location], problems: _Problems) -> None:
    reported: set[str] = set()
    for node in _walk(root):
        if node.receiver and node.receiver not in receivers and node.receiver not in reported:
            reported.add(node.receiver)
            problems.add(node.loc, f"undefined receiver '{node.receiver}' used in {node.path}; define it under "
                         "`receivers:`")


def _walk(root: Route) -> list[Route]:
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.routes))
    return out
