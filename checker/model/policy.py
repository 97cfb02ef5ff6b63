"""Reading `policy:` (and a rotation's own `policy:`): the limits every rule compares against."""

from __future__ import annotations

import math
from typing import Any

from ..diagnostics import Location, Severity, Written
from ..load import YMap, key_loc, value_loc
from ..schedule.limits import MAX_HORIZON
from ..timeutil import WEEKDAYS, format_duration, parse_month_day, parse_window
from .entities import Node, Policy, RotationPolicy
from .values import ValueReader

_DURATIONS = ("max_shift", "max_consecutive", "max_gap", "holiday_max_shift", "notice")
_FRACTIONS = ("max_oncall_fraction", "min_balance")


class PolicyReader(ValueReader):
    policy: Policy
    def _read_policy(self, doc: YMap, file: str) -> None:
        body = self.single_block(doc, "policy", file)
        if not isinstance(body, YMap):
            return
        loc = key_loc(doc, "policy", doc.loc)
        policy = self.policy
        locs: dict[str, Written] = {}
        policy.node = Node(loc, locs)
        horizon = self.duration(body, "horizon", f"file/{file}")
        if horizon is not None:
            locs["horizon"] = where = value_loc(body, "horizon", loc)
            if horizon > MAX_HORIZON:
                self.problem("CFG005", f"file/{file}", where,
                             f"horizon {format_duration(horizon)} is longer than the limit of "
                             f"{format_duration(MAX_HORIZON)} (two years) that one run simulates; this run "
                             f"simulates {format_duration(MAX_HORIZON)}; write `horizon: "
                             f"{format_duration(MAX_HORIZON)}` or less")
                horizon = MAX_HORIZON
            policy.horizon = horizon
        rotation = body.get("rotation")
        if isinstance(rotation, YMap):
            for key, key_loc_ in read_rotation_policy(self, rotation, policy.rotation, f"file/{file}").items():
                locs[f"rotation.{key}"] = key_loc_
        service = body.get("service")
        if isinstance(service, YMap):
            for key in ("require_runbook", "require_secondary"):
                if isinstance(service.get(key), bool):
                    setattr(policy.service, key, service[key])
                    locs[f"service.{key}"] = value_loc(service, key, loc)
            levels = service.get("min_escalation_levels")
            if isinstance(levels, int) and not isinstance(levels, bool):
                policy.service.min_escalation_levels = levels
                locs["service.min_escalation_levels"] = value_loc(service, "min_escalation_levels", loc)
        alerts = body.get("alerts")
        if isinstance(alerts, YMap) and isinstance(alerts.get("paging_severities"), list):
            policy.paging_severities = tuple(str(v) for v in alerts["paging_severities"] if isinstance(v, str))
        rules = body.get("rules")
        if isinstance(rules, YMap):
            for rule_id, level in rules.items():
                if level in ("error", "warning", "off"):
                    policy.rule_severity[rule_id] = Severity(level)


def read_rotation_policy(reader: ValueReader, body: YMap, target: RotationPolicy | dict[str, Any],
                         subject: str) -> dict[str, Location]:
    """The keys of `policy.rotation` (or a rotation's `policy:`) that are set and valid, stored into
    target (a RotationPolicy, or a dict of overrides); returns where each is written."""
    found: dict[str, Any] = {}
    value: Any
    minimum = body.get("min_members")
    if isinstance(minimum, int) and not isinstance(minimum, bool):
        found["min_members"] = minimum
    for key in _DURATIONS:
        value = reader.duration(body, key, subject, positive=key != "notice")
        if value is not None:
            found[key] = value
    for key in _FRACTIONS:
        value = body.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if math.isfinite(value):
                found[key] = float(value)
            else:  # YAML's .nan and .inf pass the schema's bounds (every comparison with NaN is false)
                reader.problem("CFG005", subject, value_loc(body, key, body.loc),
                               f"{key} is {value}; give a number such as 0.25")
    days = body.get("handoff_days")
    if isinstance(days, list):
        found["handoff_days"] = tuple(sorted({WEEKDAYS.index(d) for d in days if d in WEEKDAYS}))
    for key in ("handoff_hours", "local_hours"):
        value = reader.parsed(body, key, parse_window, subject)
        if value is not None:
            found[key] = value
    holiday = body.get("holiday_window")
    if isinstance(holiday, list) and len(holiday) == 2:
        days_parsed = [reader.parsed_value(v, parse_month_day, value_loc(holiday, i, body.loc), subject)
                       for i, v in enumerate(holiday)]
        if days_parsed[0] is not None and days_parsed[1] is not None:
            found["holiday_window"] = (days_parsed[0], days_parsed[1])
    protected = body.get("protected_days")
    if isinstance(protected, list):
        parsed = [reader.parsed_value(v, parse_month_day, value_loc(protected, i, body.loc), subject)
                  for i, v in enumerate(protected)]
        found["protected_days"] = tuple(p for p in parsed if p is not None)
    for key, value in found.items():
        if isinstance(target, dict):
            target[key] = value
        else:
            setattr(target, key, value)
    return {key: value_loc(body, key, body.loc) for key in found}

