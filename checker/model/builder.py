"""Building the Model from schema-checked YAML documents (one per included file).

The builder is tolerant: a value of the wrong type was already reported as
CFG002, so it is skipped here rather than crashing. What only the model can
know is reported here: CFG003 (a name defined in two files), CFG004 (unknown
references) and CFG005 (impossible values).
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostic, Location
from ..load import YMap, key_loc, value_loc
from ..timeutil import parse_date
from .alerting import AlertingReader
from .entities import (
    DiscoverySource,
    EscalationLevel,
    Leave,
    Model,
    OnCall,
    Person,
    Service,
    Team,
    Waiver,
)
from .policy import PolicyReader
from .rotations import RotationReader
from .values import items_of, names_at, names_of, next_midnight, node_of, str_at


class ModelBuilder(PolicyReader, RotationReader, AlertingReader):
    """Merges the documents of the main file and its includes into one Model."""

    def __init__(self, config_file: str) -> None:
        super().__init__()
        self.model = Model(config_file)
        self.policy = self.model.policy
        self._defined_in: dict[tuple[str, str], Location] = {}

    def add_document(self, doc: Any, file: str) -> None:
        self.model.files.append(file)
        if not isinstance(doc, YMap):
            return
        if "policy" in doc:
            self._read_policy(doc, file)
        if "routing" in doc:
            self._routing(doc, file)
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
                read(name, body if isinstance(body, YMap) else YMap(loc), loc)
        for index, body in items_of(doc.get("alerts")):
            self._alert_source(body, value_loc(doc["alerts"], index, doc.loc))
        for index, body in items_of(doc.get("discovery")):
            self._discovery(body, value_loc(doc["discovery"], index, doc.loc))
        for index, body in items_of(doc.get("waivers")):
            self._waiver(body, value_loc(doc["waivers"], index, doc.loc))
        self._pagerduty(doc.get("pagerduty"), file)

    def _first_definition(self, section: str, name: str, loc: Location) -> bool:
        first = self._defined_in.get((section, name))
        if first is None:
            self._defined_in[(section, name)] = loc
            return True
        kind = {"people": "person", "teams": "team", "rotations": "rotation", "services": "service"}[section]
        self.problem("CFG003", f"{kind}/{name}", loc,
                     f"{kind} '{name}' is already defined at {first}; keep one definition")
        return False

    def _rotation(self, name: str, body: YMap, loc: Location) -> None:
        self.model.rotations[name] = self.read_rotation(name, body, loc)

    def _person(self, name: str, body: YMap, loc: Location) -> None:
        subject = f"person/{name}"
        person = Person(name, node_of(body, loc), display_name=str_at(body, "name"), github=str_at(body, "github"),
                        email=str_at(body, "email"), country=str_at(body, "country"), exempt=str_at(body, "exempt"))
        if "timezone" in body:
            person.timezone, person.tz = self.zone_at(body, "timezone", subject)
        if person.country is not None:
            from ..public_holidays import check_country  # imports `holidays` only when someone has a country

            try:
                check_country(person.country)
            except ValueError as exc:
                self.problem("CFG005", subject, person.node.at("country"), str(exc))
                person.country = None
        for index, leave in items_of(body.get("unavailable")):
            if not isinstance(leave, YMap):
                continue
            leave_loc = value_loc(body["unavailable"], index, loc)
            start = self.instant(leave, "from", person.tz, subject)
            end = self.instant(leave, "to", person.tz, subject)
            if start is None or end is None:
                continue
            # A date alone in `to` is the last day of leave, inclusive.
            end_instant = next_midnight(end[0], person.tz) if end[1] else end[0]
            if end_instant <= start[0]:
                self.problem("CFG005", subject, value_loc(leave, "to", leave_loc),
                             f"leave ends ({leave['to']}) before it starts ({leave['from']}); swap from and to")
                continue
            person.unavailable.append(Leave(start[0], end_instant, str_at(leave, "reason") or "", leave_loc))
        self.model.people[name] = person

    def _oncall(self, body: Any, loc: Location) -> OnCall | None:
        if not isinstance(body, YMap):
            return None
        primary, primary_locs = names_at(body, "primary", loc)
        secondary, secondary_locs = names_at(body, "secondary", loc)
        return OnCall(primary, secondary, node_of(body, loc), {"primary": primary_locs, "secondary": secondary_locs})

    def _team(self, name: str, body: YMap, loc: Location) -> None:
        members, member_locs = names_at(body, "members", loc)
        team = Team(name, node_of(body, loc), github_team=str_at(body, "github_team"), chat=str_at(body, "chat"),
                    members=members, member_locs=member_locs,
                    oncall=self._oncall(body.get("oncall"), value_loc(body, "oncall", loc)))
        for index, level in items_of(body.get("escalation")):
            if isinstance(level, dict) and len(level) == 1:
                kind, target = next(iter(level.items()))
                if isinstance(target, str):
                    team.escalation.append(
                        EscalationLevel(kind, target, value_loc(body["escalation"], index, loc)))
        self._receivers(team, body, loc)
        self.model.teams[name] = team

    def _service(self, name: str, body: YMap, loc: Location) -> None:
        service = Service(name, node_of(body, loc), team=str_at(body, "team"),
                          lifecycle=str_at(body, "lifecycle") or "production",
                          coverage=str_at(body, "coverage") or "24x7",
                          oncall=self._oncall(body.get("oncall"), value_loc(body, "oncall", loc)),
                          runbook=str_at(body, "runbook"), description=str_at(body, "description"))
        service.paths, service.path_locs = names_at(body, "paths", loc)
        service.depends_on, service.depends_locs = names_at(body, "depends_on", loc)
        self.model.services[name] = service

    def _discovery(self, body: Any, loc: Location) -> None:
        if not isinstance(body, YMap):
            return
        kinds = [kind for kind in ("directories", "kubernetes", "backstage") if isinstance(body.get(kind), str)]
        if len(kinds) > 1:
            self.problem("CFG002", f"file/{loc.file}", loc, f"a discovery entry has {' and '.join(kinds)}; give each "
                         f"kind its own entry (`- {kinds[0]}: ...` and `- {kinds[1]}: ...`)")
        for kind in kinds:
            self.model.discovery.append(DiscoverySource(kind, body[kind], value_loc(body, kind, loc),
                                                        names_of(body.get("exclude"))))

    def _pagerduty(self, body: Any, file: str) -> None:
        """`pagerduty.schedules`: rotation -> schedule ID; a rotation mapped in two files is CFG003."""
        schedules = body.get("schedules") if isinstance(body, YMap) else None
        if not isinstance(schedules, YMap):
            return
        for rotation, schedule_id in schedules.items():
            if not isinstance(schedule_id, str):
                continue
            loc = key_loc(schedules, rotation, schedules.loc)
            first = self.model.pagerduty_locs.get(rotation)
            if first is not None:
                self.problem("CFG003", f"file/{file}", loc,
                             f"pagerduty.schedules maps rotation '{rotation}' again (first at {first}); keep one")
                continue
            self.model.pagerduty_schedules[rotation] = schedule_id
            self.model.pagerduty_locs[rotation] = loc

    def _waiver(self, body: Any, loc: Location) -> None:
        if not isinstance(body, YMap):
            return
        rule, subject = str_at(body, "rule"), str_at(body, "subject")
        if rule is None or subject is None:
            return
        expires = self.parsed(body, "expires", parse_date, "file/" + loc.file)
        self.model.waivers.append(Waiver(rule, subject, str_at(body, "reason") or "", expires, loc))

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
        for rotation_name, where in m.pagerduty_locs.items():
            self._expect("rotations", rotation_name, f"file/{where.file}", where, "pagerduty.schedules")
            for change in rotation.changes:
                for member, member_loc in zip(change.members, change.member_locs):
                    self._expect("people", member, subject, member_loc, "changes.members")
        for service in m.services.values():
            subject = f"service/{service.name}"
            if service.team is not None:
                self._expect("teams", service.team, subject, service.node.at("team"), "team")
            self._expect_oncall(service.oncall, subject)
        self._expect_alert_owners()
        self.finish_rotations(m)
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
        import difflib  # only for a name that is not declared

        close = difflib.get_close_matches(name, list(table), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"declare it under {section}:"
        self.problem("CFG004", subject, loc, f"{where} names {kind} '{name}', which is not declared; {hint}")
