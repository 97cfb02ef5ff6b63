"""The resolved config: people, teams, rotations, services, policy, waivers.

Built from schema-checked YAML documents (one per included file).  The builder
is tolerant: a value of the wrong type was already reported as CFG002, so it
is skipped here rather than crashing.  What only the model can know is reported
here: CFG003 (a name defined in two files), CFG004 (unknown references) and
CFG005 (impossible values).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Iterator

from .diagnostics import Diagnostic, Location, Severity
from .load import YMap, key_loc, value_loc
from .timeutil import (
    UTC, WEEKDAYS, parse_date, parse_datetime, parse_duration, parse_month_day, parse_window, zone,
)

if TYPE_CHECKING:
    from .alerts import Alert



@dataclass
class Node:
    """Where an entity is declared, and where each of its keys' values are."""

    loc: Location
    locs: dict[str, Location] = field(default_factory=dict)

    def at(self, key: str) -> Location:
        return self.locs.get(key, self.loc)


@dataclass
class RotationPolicy:
    min_members: int = 4
    max_shift: timedelta = timedelta(weeks=1)
    max_consecutive: timedelta = timedelta(weeks=2)
    max_gap: timedelta = timedelta(weeks=8)
    max_oncall_fraction: float = 0.25
    handoff_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    handoff_hours: tuple[int, int] = (9 * 60, 17 * 60)
    holiday_window: tuple[tuple[int, int], tuple[int, int]] = ((12, 22), (1, 3))
    holiday_max_shift: timedelta = timedelta(days=2)
    protected_days: tuple[tuple[int, int], ...] = ((12, 25), (1, 1))
    local_hours: tuple[int, int] = (7 * 60, 22 * 60)


@dataclass
class ServicePolicy:
    require_runbook: bool = True
    require_secondary: bool = True
    min_escalation_levels: int = 2


@dataclass
class Policy:
    horizon: timedelta = timedelta(weeks=12)
    rotation: RotationPolicy = field(default_factory=RotationPolicy)
    service: ServicePolicy = field(default_factory=ServicePolicy)
    paging_severities: tuple[str, ...] = ("critical", "page")
    rule_severity: dict[str, Severity] = field(default_factory=dict)
    node: Node | None = None

    def locate(self, section: str, key: str, fallback: Location) -> Location:
        """Where a policy key is set, else the fallback (the default applies)."""
        if self.node is None:
            return fallback
        return self.node.locs.get(f"{section}.{key}", fallback)


@dataclass
class Leave:
    start: datetime
    end: datetime
    reason: str
    loc: Location


@dataclass
class Person:
    name: str
    node: Node
    display_name: str | None = None
    github: str | None = None
    email: str | None = None
    timezone: str = "UTC"
    tz: tzinfo = UTC
    country: str | None = None
    unavailable: list[Leave] = field(default_factory=list)
    exempt: str | None = None


@dataclass
class OnCall:
    primary: list[str]
    secondary: list[str]
    node: Node
    locs: dict[str, list[Location]] = field(default_factory=dict)  # role -> where each name is written


@dataclass
class EscalationLevel:
    kind: str  # rotation | team | contact
    target: str
    loc: Location


@dataclass
class Team:
    name: str
    node: Node
    github_team: str | None = None
    chat: str | None = None
    members: list[str] = field(default_factory=list)
    member_locs: list[Location] = field(default_factory=list)
    oncall: OnCall | None = None
    escalation: list[EscalationLevel] = field(default_factory=list)


@dataclass
class Override:
    person: str
    start: datetime
    end: datetime
    volunteer: bool
    loc: Location


@dataclass
class Rotation:
    name: str
    node: Node
    team: str | None = None
    timezone: str = "UTC"
    tz: tzinfo = UTC
    members: list[str] = field(default_factory=list)
    member_locs: list[Location] = field(default_factory=list)
    shift: timedelta | None = None
    start: datetime | None = None
    hours: tuple[int, int] | None = None
    holiday_shift: timedelta | None = None
    overrides: list[Override] = field(default_factory=list)


@dataclass
class Service:
    name: str
    node: Node
    team: str | None = None
    lifecycle: str = "production"
    coverage: str = "24x7"
    oncall: OnCall | None = None  # as written on the service
    runbook: str | None = None
    paths: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    depends_locs: list[Location] = field(default_factory=list)
    description: str | None = None

    @property
    def is_production(self) -> bool:
        return self.lifecycle == "production"


@dataclass
class AlertSource:
    type: str
    paths: list[str]
    owner_labels: list[str]
    node: Node


@dataclass
class DiscoverySource:
    kind: str  # directories | kubernetes | backstage
    pattern: str
    loc: Location


@dataclass
class Waiver:
    rule: str
    subject: str
    reason: str
    expires: date | None
    loc: Location


@dataclass
class Model:
    config_file: str
    files: list[str] = field(default_factory=list)
    policy: Policy = field(default_factory=Policy)
    people: dict[str, Person] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    rotations: dict[str, Rotation] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    alert_sources: list[AlertSource] = field(default_factory=list)
    discovery: list[DiscoverySource] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    # Read from the repository by the pipeline (alerts.read_alerts), owners resolved.
    alerts: list[Alert] = field(default_factory=list)

    def oncall_for(self, service: Service) -> OnCall | None:
        """The service's own on-call, else its team's."""
        if service.oncall is not None:
            return service.oncall
        team = self.teams.get(service.team or "")
        return team.oncall if team else None

    def schedulable_members(self, rotation: Rotation) -> list[str]:
        """Members who are declared and not exempt, in turn order."""
        out = []
        for name in rotation.members:
            person = self.people.get(name)
            if person is not None and person.exempt is None:
                out.append(name)
        return out

    def oncall_shares(self) -> dict[str, list[tuple[str, float]]]:
        """Each person's long-run share of time on call, per rotation (SPEC ROT008): the rotation's
        daily window share divided by its schedulable members (a person listed twice counts twice)."""
        shares: dict[str, list[tuple[str, float]]] = {}
        for rotation in self.rotations.values():
            schedulable = self.schedulable_members(rotation)
            if not schedulable:
                continue
            share = window_share(rotation) / len(schedulable)
            for person in dict.fromkeys(schedulable):
                shares.setdefault(person, []).append((rotation.name, share * schedulable.count(person)))
        return shares

    def production_services_of(self, team: str) -> list[Service]:
        return [s for s in self.services.values() if s.team == team and s.is_production]


def window_share(rotation: Rotation) -> float:
    """The fraction of each day a rotation covers."""
    if rotation.hours is None:
        return 1.0
    start, end = rotation.hours
    return ((end - start) % (24 * 60) or 24 * 60) / (24 * 60)


# ---------------------------------------------------------------- building


def _node(mapping: Any, loc: Location) -> Node:
    if isinstance(mapping, YMap):
        return Node(loc, dict(mapping.value_locs))
    return Node(loc)


def _str(mapping: Any, key: str) -> str | None:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, str) else None


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _names_at(mapping: Any, key: str, default: Location) -> tuple[list[str], list[Location]]:
    """The names under a key (one name or a list), with where each is written."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if isinstance(value, str):
        return [value], [value_loc(mapping, key, default)]
    names, locs = [], []
    for index, item in _items(value):
        if isinstance(item, str):
            names.append(item)
            locs.append(value_loc(value, index, default))
    return names, locs


def _items(value: Any) -> Iterator[tuple[int, Any]]:
    if isinstance(value, list):
        yield from enumerate(value)


class ModelBuilder:
    """Merges the documents of the main file and its includes into one Model."""

    def __init__(self, config_file: str) -> None:
        self.model = Model(config_file)
        self.diagnostics: list[Diagnostic] = []
        self._defined_in: dict[tuple[str, str], Location] = {}
        self._policy_loc: Location | None = None

    def problem(self, rule: str, subject: str, loc: Location, message: str) -> None:
        self.diagnostics.append(Diagnostic(rule, Severity.ERROR, subject, message, loc))

    def add_document(self, doc: Any, file: str) -> None:
        self.model.files.append(file)
        if not isinstance(doc, YMap):
            return
        if "policy" in doc:
            self._read_policy(doc, file)
        readers = {"people": self._person, "teams": self._team, "rotations": self._rotation,
                   "services": self._service}
        for section, read in readers.items():
            entries = doc.get(section)
            if not isinstance(entries, YMap):
                continue
            for name, body in entries.items():
                loc = key_loc(entries, name, entries.loc)
                if not self._first_definition(section, name, loc):
                    continue
                read(name, body if isinstance(body, dict) else YMap(loc), loc)
        for index, body in _items(doc.get("alerts")):
            self._alert_source(body, value_loc(doc["alerts"], index, doc.loc))
        for index, body in _items(doc.get("discovery")):
            if isinstance(body, dict) and len(body) == 1:
                kind, pattern = next(iter(body.items()))
                if isinstance(pattern, str):
                    loc = value_loc(body, kind, doc.loc)
                    self.model.discovery.append(DiscoverySource(kind, pattern, loc))
        for index, body in _items(doc.get("waivers")):
            self._waiver(body, value_loc(doc["waivers"], index, doc.loc))

    def _first_definition(self, section: str, name: str, loc: Location) -> bool:
        first = self._defined_in.get((section, name))
        if first is None:
            self._defined_in[(section, name)] = loc
            return True
        kind = {"people": "person", "teams": "team", "rotations": "rotation", "services": "service"}[section]
        self.problem("CFG003", f"{kind}/{name}", loc,
                     f"{kind} '{name}' is already defined at {first}; keep one definition")
        return False

    # --- policy

    def _read_policy(self, doc: YMap, file: str) -> None:
        loc = key_loc(doc, "policy", doc.loc)
        if self._policy_loc is not None:
            self.problem("CFG003", f"file/{file}", loc,
                         f"policy is already set at {self._policy_loc}; keep one policy block")
            return
        self._policy_loc = loc
        body = doc["policy"]
        if not isinstance(body, YMap):
            return
        policy = self.model.policy
        locs: dict[str, Location] = {}
        policy.node = Node(loc, locs)
        horizon = self._duration(body, "horizon", f"file/{file}")
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
            value = self._duration(body, key, subject)
            if value is not None:
                setattr(target, key, value)
        fraction = body.get("max_oncall_fraction")
        if isinstance(fraction, (int, float)) and not isinstance(fraction, bool):
            target.max_oncall_fraction = float(fraction)
        days = body.get("handoff_days")
        if isinstance(days, list):
            target.handoff_days = tuple(sorted({WEEKDAYS.index(d) for d in days if d in WEEKDAYS}))
        for key in ("handoff_hours", "local_hours"):
            window = self._parsed(body, key, parse_window, subject)
            if window is not None:
                setattr(target, key, window)
        holiday = body.get("holiday_window")
        if isinstance(holiday, list) and len(holiday) == 2:
            days_parsed = [self._parsed_value(v, parse_month_day, value_loc(holiday, i, body.loc), subject)
                           for i, v in enumerate(holiday)]
            if days_parsed[0] is not None and days_parsed[1] is not None:
                target.holiday_window = (days_parsed[0], days_parsed[1])
        protected = body.get("protected_days")
        if isinstance(protected, list):
            parsed = [self._parsed_value(v, parse_month_day, value_loc(protected, i, body.loc), subject)
                      for i, v in enumerate(protected)]
            target.protected_days = tuple(p for p in parsed if p is not None)
        for key in body:
            locs[f"rotation.{key}"] = value_loc(body, key, body.loc)

    # --- value parsing with CFG005

    def _parsed(self, mapping: YMap, key: str, parse: Any, subject: str) -> Any:
        value = mapping.get(key)
        return self._parsed_value(value, parse, value_loc(mapping, key, mapping.loc), subject)

    def _parsed_value(self, value: Any, parse: Any, loc: Location, subject: str) -> Any:
        if not isinstance(value, str):
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.problem("CFG005", subject, loc, str(exc))
            return None

    def _duration(self, mapping: YMap, key: str, subject: str, positive: bool = True) -> timedelta | None:
        value = self._parsed(mapping, key, parse_duration, subject)
        if value is not None and positive and value <= timedelta(0):
            self.problem("CFG005", subject, value_loc(mapping, key, mapping.loc),
                         f"{key} is zero; give it a length such as 1w")
            return None
        return value

    def _zone(self, mapping: YMap, key: str, subject: str) -> tuple[str, tzinfo]:
        tz = self._parsed(mapping, key, zone, subject)
        if tz is None:
            return "UTC", UTC
        return mapping[key], tz

    def _instant(self, mapping: YMap, key: str, tz: tzinfo, subject: str) -> tuple[datetime, bool] | None:
        return self._parsed(mapping, key, lambda text: parse_datetime(text, tz), subject)  # type: ignore[no-any-return]

    # --- entities

    def _person(self, name: str, body: YMap, loc: Location) -> None:
        subject = f"person/{name}"
        person = Person(name, _node(body, loc), display_name=_str(body, "name"), github=_str(body, "github"),
                        email=_str(body, "email"), country=_str(body, "country"), exempt=_str(body, "exempt"))
        if "timezone" in body:
            person.timezone, person.tz = self._zone(body, "timezone", subject)
        if person.country is not None:
            from .protected import check_country  # imports `holidays` only when someone has a country

            try:
                check_country(person.country)
            except ValueError as exc:
                self.problem("CFG005", subject, person.node.at("country"), str(exc))
                person.country = None
        for index, leave in _items(body.get("unavailable")):
            if not isinstance(leave, YMap):
                continue
            leave_loc = value_loc(body["unavailable"], index, loc)
            start = self._instant(leave, "from", person.tz, subject)
            end = self._instant(leave, "to", person.tz, subject)
            if start is None or end is None:
                continue
            # A date alone in `to` is the last day of leave, inclusive.
            end_instant = _next_midnight(end[0], person.tz) if end[1] else end[0]
            if end_instant <= start[0]:
                self.problem("CFG005", subject, value_loc(leave, "to", leave_loc),
                             f"leave ends ({leave['to']}) before it starts ({leave['from']}); swap from and to")
                continue
            person.unavailable.append(Leave(start[0], end_instant, _str(leave, "reason") or "", leave_loc))
        self.model.people[name] = person

    def _oncall(self, body: Any, loc: Location) -> OnCall | None:
        if not isinstance(body, YMap):
            return None
        primary, primary_locs = _names_at(body, "primary", loc)
        secondary, secondary_locs = _names_at(body, "secondary", loc)
        return OnCall(primary, secondary, _node(body, loc), {"primary": primary_locs, "secondary": secondary_locs})

    def _team(self, name: str, body: YMap, loc: Location) -> None:
        members, member_locs = _names_at(body, "members", loc)
        team = Team(name, _node(body, loc), github_team=_str(body, "github_team"), chat=_str(body, "chat"),
                    members=members, member_locs=member_locs,
                    oncall=self._oncall(body.get("oncall"), value_loc(body, "oncall", loc)))
        for index, level in _items(body.get("escalation")):
            if isinstance(level, dict) and len(level) == 1:
                kind, target = next(iter(level.items()))
                if isinstance(target, str):
                    team.escalation.append(
                        EscalationLevel(kind, target, value_loc(body["escalation"], index, loc)))
        self.model.teams[name] = team

    def _rotation(self, name: str, body: YMap, loc: Location) -> None:
        subject = f"rotation/{name}"
        rotation = Rotation(name, _node(body, loc), team=_str(body, "team"))
        if "timezone" in body:
            rotation.timezone, rotation.tz = self._zone(body, "timezone", subject)
        rotation.members, rotation.member_locs = _names_at(body, "members", loc)
        rotation.shift = self._duration(body, "shift", subject)
        rotation.holiday_shift = self._duration(body, "holiday_shift", subject)
        start = self._instant(body, "start", rotation.tz, subject)
        rotation.start = start[0] if start else None
        rotation.hours = self._parsed(body, "hours", parse_window, subject)
        for index, entry in _items(body.get("overrides")):
            if not isinstance(entry, YMap) or not isinstance(entry.get("person"), str):
                continue
            entry_loc = value_loc(body["overrides"], index, loc)
            begin = self._instant(entry, "from", rotation.tz, subject)
            end = self._instant(entry, "to", rotation.tz, subject)
            if begin is None or end is None:
                continue
            if end[0] <= begin[0]:
                self.problem("CFG005", subject, value_loc(entry, "to", entry_loc),
                             f"override ends ({entry['to']}) before it starts ({entry['from']}); swap from and to")
                continue
            volunteer = entry.get("volunteer") is True
            rotation.overrides.append(Override(entry["person"], begin[0], end[0], volunteer, entry_loc))
        self.model.rotations[name] = rotation

    def _service(self, name: str, body: YMap, loc: Location) -> None:
        service = Service(name, _node(body, loc), team=_str(body, "team"),
                          lifecycle=_str(body, "lifecycle") or "production",
                          coverage=_str(body, "coverage") or "24x7",
                          oncall=self._oncall(body.get("oncall"), value_loc(body, "oncall", loc)),
                          runbook=_str(body, "runbook"), description=_str(body, "description"))
        service.paths = _names_at(body, "paths", loc)[0]
        service.depends_on, service.depends_locs = _names_at(body, "depends_on", loc)
        self.model.services[name] = service

    def _alert_source(self, body: Any, loc: Location) -> None:
        if not isinstance(body, YMap) or not isinstance(body.get("type"), str):
            return
        labels = _names(body.get("owner_labels")) or ["team", "service"]
        self.model.alert_sources.append(AlertSource(body["type"], _names(body.get("paths")), labels, _node(body, loc)))

    def _waiver(self, body: Any, loc: Location) -> None:
        if not isinstance(body, YMap):
            return
        rule, subject = _str(body, "rule"), _str(body, "subject")
        if rule is None or subject is None:
            return
        expires = self._parsed(body, "expires", parse_date, "file/" + loc.file)
        self.model.waivers.append(Waiver(rule, subject, _str(body, "reason") or "", expires, loc))

    # --- references (CFG004), once every file is in

    def resolve(self) -> tuple[Model, list[Diagnostic]]:
        m = self.model
        for team in m.teams.values():
            subject = f"team/{team.name}"
            for member, member_loc in zip(team.members, team.member_locs):
                self._expect("people", member, subject, member_loc, "members")
            self._expect_oncall(team.oncall, subject)
            for level in team.escalation:
                if level.kind == "rotation":
                    self._expect("rotations", level.target, subject, level.loc, "escalation")
                elif level.kind == "team":
                    self._expect("teams", level.target, subject, level.loc, "escalation")
        for rotation in m.rotations.values():
            subject = f"rotation/{rotation.name}"
            if rotation.team is not None:
                self._expect("teams", rotation.team, subject, rotation.node.at("team"), "team")
            for member, member_loc in zip(rotation.members, rotation.member_locs):
                self._expect("people", member, subject, member_loc, "members")
            for override in rotation.overrides:
                self._expect("people", override.person, subject, override.loc, "overrides.person")
        for service in m.services.values():
            subject = f"service/{service.name}"
            if service.team is not None:
                self._expect("teams", service.team, subject, service.node.at("team"), "team")
            self._expect_oncall(service.oncall, subject)
        return m, self.diagnostics

    def _expect_oncall(self, oncall: OnCall | None, subject: str) -> None:
        if oncall is None:
            return
        for role in ("primary", "secondary"):
            for name, name_loc in zip(getattr(oncall, role), oncall.locs[role]):
                self._expect("rotations", name, subject, name_loc, f"oncall.{role}")

    def _expect(self, section: str, name: str, subject: str, loc: Location, where: str) -> None:
        table: dict[str, Any] = getattr(self.model, section)
        if name in table:
            return
        kind = {"people": "person", "teams": "team", "rotations": "rotation"}[section]
        close = difflib.get_close_matches(name, list(table), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"declare it under {section}:"
        self.problem("CFG004", subject, loc, f"{where} names {kind} '{name}', which is not declared; {hint}")


def _next_midnight(moment: datetime, tz: tzinfo) -> datetime:
    local = moment.astimezone(tz)
    following = (local + timedelta(days=1)).date()
    return datetime(following.year, following.month, following.day, tzinfo=tz)
