"""The resolved config as plain dataclasses: people, teams, rotations, services, policy, alerts, waivers.

Nothing here reads YAML or computes a schedule; `builder.py` fills these in,
the engine and the rules read them.
"""

from __future__ import annotations

from dataclasses import field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from ..diagnostics import Location, Severity, Written, placed
from ..records import record

if TYPE_CHECKING:  # read only with routing.alertmanager (checker/routing.py is imported then)
    from ..routing import AlertmanagerConfig


@record
class Node:
    """Where an entity is declared, and where each of its keys' values are (in the same file)."""

    loc: Location
    locs: dict[str, Written] = field(default_factory=dict)

    def at(self, key: str) -> Location:
        return placed(self.locs.get(key, self.loc), self.loc.file)


@record
class RotationPolicy:
    min_members: int = 4
    max_shift: timedelta = timedelta(weeks=1)
    max_consecutive: timedelta = timedelta(weeks=2)
    max_gap: timedelta = timedelta(weeks=12)
    max_oncall_fraction: float = 0.25
    handoff_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    handoff_hours: tuple[int, int] = (9 * 60, 17 * 60)
    holiday_window: tuple[tuple[int, int], tuple[int, int]] = ((12, 22), (1, 3))
    holiday_max_shift: timedelta = timedelta(days=2)
    protected_days: tuple[tuple[int, int], ...] = ((12, 25), (1, 1))
    local_hours: tuple[int, int] = (7 * 60, 22 * 60)
    notice: timedelta = timedelta(weeks=2)
    min_balance: float = 0.5


@record
class ServicePolicy:
    require_runbook: bool = True
    require_secondary: bool = True
    min_escalation_levels: int = 2


@record
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
        at = self.node.locs.get(f"{section}.{key}")
        return fallback if at is None else placed(at, self.node.loc.file)


@record
class Leave:
    start: datetime
    end: datetime
    reason: str
    loc: Location


@record
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


@record
class OnCall:
    primary: list[str]
    secondary: list[str]
    node: Node
    locs: dict[str, list[Location]] = field(default_factory=dict)  # role -> where each name is written


@record
class EscalationLevel:
    kind: str  # rotation | team | contact
    target: str
    loc: Location


@record
class Team:
    name: str
    node: Node
    github_team: str | None = None
    chat: str | None = None
    members: list[str] = field(default_factory=list)
    member_locs: list[Location] = field(default_factory=list)
    oncall: OnCall | None = None
    escalation: list[EscalationLevel] = field(default_factory=list)
    receivers: list[str] = field(default_factory=list)  # Alertmanager receivers that page this team
    receiver_locs: list[Location] = field(default_factory=list)


@record
class Override:
    person: str
    start: datetime
    end: datetime
    volunteer: bool
    loc: Location


@record
class RosterChange:
    """`rotations.X.changes[i]` (SPEC §7.1): a new roster from `start` (`from:`, a regular handoff of the
    roster in force before it) on. Without `pattern` the previous shift pattern continues."""

    start: datetime
    members: list[str]
    member_locs: list[Location]
    node: Node
    pattern: tuple[timedelta, ...] | None = None
    first: str | None = None


@record
class Rotation:
    name: str
    node: Node
    team: str | None = None
    timezone: str = "UTC"
    tz: tzinfo = UTC
    members: list[str] = field(default_factory=list)
    member_locs: list[Location] = field(default_factory=list)
    # `shift`: one length, or a pattern used in turn (SPEC §7.2); empty when missing or invalid.
    pattern: tuple[timedelta, ...] = ()
    # The longest of `pattern`, for readers that want one length; Rotation(shift=1w) means pattern (1w,).
    shift: timedelta | None = None
    start: datetime | None = None
    hours: tuple[int, int] | None = None
    days: tuple[int, ...] | None = None  # covered local weekdays (0 = Monday); None: every day
    holiday_shift: timedelta | None = None
    overrides: list[Override] = field(default_factory=list)
    changes: list[RosterChange] = field(default_factory=list)  # valid ones only, oldest first
    # `rotations.X.policy`: the keys it sets (with where), and the effective policy once resolved.
    policy_overrides: dict[str, object] = field(default_factory=dict)
    policy_locs: dict[str, Location] = field(default_factory=dict)
    policy: RotationPolicy | None = None

    def __post_init__(self) -> None:
        if self.pattern:
            self.shift = max(self.pattern)
        elif self.shift is not None:
            self.pattern = (self.shift,)

    def set_pattern(self, pattern: tuple[timedelta, ...]) -> None:
        self.pattern, self.shift = pattern, (max(pattern) if pattern else None)

    def longest_shift(self) -> timedelta | None:
        """The longest shift of every roster, changes included."""
        lengths = list(self.pattern) + [d for c in self.changes for d in (c.pattern or ())]
        return max(lengths) if lengths else None


@record
class Service:
    name: str
    node: Node
    team: str | None = None
    lifecycle: str = "production"
    coverage: str = "24x7"
    oncall: OnCall | None = None  # as written on the service
    runbook: str | None = None
    paths: list[str] = field(default_factory=list)
    path_locs: list[Location] = field(default_factory=list)  # where each of paths is written
    depends_on: list[str] = field(default_factory=list)
    depends_locs: list[Location] = field(default_factory=list)
    description: str | None = None

    @property
    def is_production(self) -> bool:
        return self.lifecycle == "production"


@record
class AlertSource:
    type: str
    paths: list[str]
    owner_labels: list[str]
    node: Node
    path_locs: list[Location] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    owner: str | None = None  # owns the alerts of these files that carry no owner label
    runbook_annotations: tuple[str, ...] = ("runbook_url",)
    paging_severities: tuple[str, ...] | None = None  # None: policy.alerts.paging_severities


@record
class Routing:
    """Where alerts really go: an Alertmanager config in the repository (SPEC §8)."""

    alertmanager: str
    external_labels: dict[str, str]
    node: Node


@record
class DiscoverySource:
    kind: str  # directories | kubernetes | backstage
    pattern: str
    loc: Location
    exclude: list[str] = field(default_factory=list)  # globs never read (a path, or a directory above it)


@record
class Waiver:
    rule: str
    subject: str
    reason: str
    expires: date | None
    loc: Location


def is_templated(value: str) -> bool:
    """A value filled in by Alertmanager at fire time ({{ $labels.team }}) names nobody now."""
    return "{{" in value


@record
class Alert:
    """One alerting rule read from a rule file, with where each label and annotation is written."""

    name: str
    file: str
    loc: Location  # where `alert: NAME` is written
    group: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    label_locs: dict[str, Written] = field(default_factory=dict)  # read with label_at
    annotations: dict[str, str] = field(default_factory=dict)
    annotation_locs: dict[str, Written] = field(default_factory=dict)  # read with annotation_at
    owner_labels: tuple[str, ...] = ("team", "service")
    runbook_annotations: tuple[str, ...] = ("runbook_url",)
    paging_severities: tuple[str, ...] | None = None  # the source's own, else the policy's
    path_owner: str | None = None  # the source's `owner`, for alerts without an owner label
    # Unique in the run; alerts.assign_subjects() lengthens it when a file repeats the name (SPEC §8).
    subject: str = ""
    # Filled by alerts.resolve_owners():
    owner_label: str | None = None  # the label that decided, if any
    owned_by_path: bool = False  # the source's `owner` decided
    team: str | None = None
    service: str | None = None

    def __post_init__(self) -> None:
        self.subject = self.subject or self.short_subject

    def label_at(self, label: str) -> Location:
        """Where a label's value is written (the alert itself, for a label it does not have)."""
        return placed(self.label_locs.get(label, self.loc), self.file)

    def annotation_at(self, annotation: str) -> Location:
        return placed(self.annotation_locs.get(annotation, self.loc), self.file)

    @property
    def short_subject(self) -> str:
        """alert/PATH#NAME: what waivers may name for every same-named alert of the file."""
        return f"alert/{self.file}#{self.name}"

    def is_paging(self, severities: tuple[str, ...]) -> bool:
        """Paging by the source's `paging_severities` when it has them, else by the given (policy's) ones."""
        own = self.paging_severities if self.paging_severities is not None else severities
        return self.labels.get("severity") in own

    def runbook(self) -> tuple[str, str] | None:
        """The first of the source's runbook annotations present, as (annotation, value)."""
        for name in self.runbook_annotations:
            if self.annotations.get(name):
                return name, self.annotations[name]
        return None


@record
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
    routing: Routing | None = None
    # Read from the repository by the pipeline (alerts.read_routing) when `routing:` names a readable config.
    alertmanager: AlertmanagerConfig | None = None
    # Read from the repository by the pipeline (alerts.read_alerts), owners resolved.
    alerts: list[Alert] = field(default_factory=list)
    # Rule files whose alert rules' verdict came from the cache (checker/alert_verdicts.py) are not read
    # into `alerts`: their alerts are only counted, and their long subjects kept with the short form.
    remembered_alerts: int = 0
    remembered_short_subjects: dict[str, str] = field(default_factory=dict)
    # `pagerduty.schedules` (SPEC §10): rotation -> PagerDuty schedule ID, with where each is written.
    pagerduty_schedules: dict[str, str] = field(default_factory=dict)
    pagerduty_locs: dict[str, Location] = field(default_factory=dict)

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

    def policy_for(self, rotation: Rotation) -> RotationPolicy:
        """The rotation's effective policy: `policy.rotation` with its own `policy:` keys on top."""
        return rotation.policy if rotation.policy is not None else self.policy.rotation

    def production_services_of(self, team: str) -> list[Service]:
        return [s for s in self.services.values() if s.team == team and s.is_production]

