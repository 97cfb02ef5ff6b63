"""Reading `policy:`: the limits every rule compares against."""

from __future__ import annotations

from ..diagnostics import Location, Severity
from ..load import YMap, key_loc, value_loc
from ..timeutil import WEEKDAYS, parse_month_day, parse_window
from .entities import Node, Policy, RotationPolicy
from .values import ValueReader


class PolicyReader(ValueReader):
    policy: Policy
    def _read_policy(self, doc: YMap, file: str) -> None:
        body = self.single_block(doc, "policy", file)
        if not isinstance(body, YMap):
            return
        loc = key_loc(doc, "policy", doc.loc)
        policy = self.policy
        locs: dict[str, Location] = {}
        policy.node = Node(loc, locs)
        horizon = self.duration(body, "horizon", f"file/{file}")
        if horizon is not None:
            policy.horizon = horizon
        rotation = body.get("rotation")
        if isinstance(rotation, YMap):
            self._rotation_policy(rotation, policy.rotation, locs, file)
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

    def _rotation_policy(self, body: YMap, target: RotationPolicy, locs: dict[str, Location], file: str) -> None:
        subject = f"file/{file}"
        for key in ("min_members",):
            value = body.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                target.min_members = value
        for key in ("max_shift", "max_consecutive", "max_gap", "holiday_max_shift"):
            value = self.duration(body, key, subject)
            if value is not None:
                setattr(target, key, value)
        fraction = body.get("max_oncall_fraction")
        if isinstance(fraction, (int, float)) and not isinstance(fraction, bool):
            target.max_oncall_fraction = float(fraction)
        days = body.get("handoff_days")
        if isinstance(days, list):
            target.handoff_days = tuple(sorted({WEEKDAYS.index(d) for d in days if d in WEEKDAYS}))
        for key in ("handoff_hours", "local_hours"):
            window = self.parsed(body, key, parse_window, subject)
            if window is not None:
                setattr(target, key, window)
        holiday = body.get("holiday_window")
        if isinstance(holiday, list) and len(holiday) == 2:
            days_parsed = [self.parsed_value(v, parse_month_day, value_loc(holiday, i, body.loc), subject)
                           for i, v in enumerate(holiday)]
            if days_parsed[0] is not None and days_parsed[1] is not None:
                target.holiday_window = (days_parsed[0], days_parsed[1])
        protected = body.get("protected_days")
        if isinstance(protected, list):
            parsed = [self.parsed_value(v, parse_month_day, value_loc(protected, i, body.loc), subject)
                      for i, v in enumerate(protected)]
            target.protected_days = tuple(p for p in parsed if p is not None)
        for key in body:
            locs[f"rotation.{key}"] = value_loc(body, key, body.loc)

