"""The ownership.yaml `init` writes. Every value from the repository (a name, a path, a glob, a
Backstage owner or lifecycle) is a validated name or goes through escape.yaml_scalar, comments
included: a manifest name or a file name can hold `: `, `#`, quotes or line breaks."""

from __future__ import annotations

import re

from ..escape import yaml_key, yaml_name, yaml_scalar
from ..rules import DiscoveredService
from .scan import Findings

NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
LIFECYCLES = {"experimental": "experimental", "deprecated": "deprecated"}  # Backstage's -> ours; others: experimental

POLICY_COMMENT = """\
# policy:                          # every key has the default shown; uncomment to change
#   horizon: 12w                   # how far ahead schedules are simulated
#   rotation:
#     min_members: 4               # a turn at most every 4 weeks
#     max_shift: 1w
#     max_consecutive: 2w
#     max_gap: 12w
#     max_oncall_fraction: 0.25
#     handoff_days: [mon, tue, wed, thu, fri]
#     handoff_hours: "09:00-17:00"
#     holiday_window: ["12-22", "01-03"]
#     holiday_max_shift: 2d
#     protected_days: ["12-25", "01-01"]
#     local_hours: "07:00-22:00"
#     notice: 2w                   # with --base: roster edits move nobody sooner (ROT014)
#     min_balance: 0.5             # least member's realised hours / busiest member's (ROT015)
#   service:
#     require_runbook: true
#     require_secondary: true
#     min_escalation_levels: 2
#   alerts:
#     paging_severities: [critical, page]
"""

HEADER = [
    ("# yaml-language-server: $schema=https://raw.githubusercontent.com/ownership-as-code/ownership-as-code/main/"
    "schemas/ownership.schema.json"),
    "#",
    "# Started by `ownership init`. Run `ownership check`: each diagnostic says what to fill in next.",
    "# 1. Declare people and teams, and give every service its team (replace `todo`).",
    "# 2. Write each runbook, or point `runbook:` at an https page.",
    "# 3. Add rotations (four or more people, one-week shifts) and each team's oncall and escalation.",
    "version: 1",
    "",
]


def backstage_team(owner: str | None) -> str | None:
    """The team name a Backstage `spec.owner` gives (`group:payments`, `group:default/payments`, `payments`),
    when it is a group and already a valid name; users and odd names are left for a human."""
    if not owner:
        return None
    kind, _, ref = owner.rpartition(":")
    name = ref.rpartition("/")[2]
    return name if kind.lower() in ("", "group") and NAME.fullmatch(name) else None


def _service(found: DiscoveredService) -> list[str]:
    where = f"found by {found.kind} discovery: {yaml_scalar(found.path)}"
    if found.found_as != found.name:
        where += f" as {yaml_scalar(found.found_as)}"
    if found.aliases:
        where += ", also as " + ", ".join(found.aliases)
    lines = [yaml_key(found.name, "  "), f"    # {where}"]
    team = backstage_team(found.owner)
    if team:
        lines.append(f"    team: {yaml_name(team)}    # Backstage owner {yaml_scalar(found.owner or '')}")
    else:
        owner = f"; Backstage owner {yaml_scalar(found.owner)}" if found.owner else ""
        lines.append(f"    team: todo    # TODO: the owning team{owner}")
    if not found.is_production and found.lifecycle is not None:
        ours = LIFECYCLES.get(found.lifecycle.strip().lower(), "experimental")
        lines.append(f"    lifecycle: {ours}    # Backstage lifecycle {yaml_scalar(found.lifecycle)}")
    else:  # a runbook is required in production only
        lines.append(f"    runbook: docs/runbooks/{found.name}.md    # TODO: write it, or link an https page")
    return lines


def _teams(services: list[DiscoveredService]) -> list[str]:
    teams = sorted({team for s in services if (team := backstage_team(s.owner))})
    if not teams:
        return ["teams: {}        # payments: {github_team: acme/payments, members: [alice, ...]}"]
    return ["teams:                          # from Backstage owners: add github_team, members, oncall, escalation"] \
        + [f"{yaml_key(team, '  ')} {{}}" for team in teams]


def render(findings: Findings) -> str:
    lines = list(HEADER) + [POLICY_COMMENT,
                            ("people: {}       # alice: {name: Alice Example, github: alice-example, timezone: "
                            "Europe/London}")]
    lines += _teams(findings.services)
    lines += ["rotations: {}    # payments-eu: {team: payments, members: [...], shift: 1w, start: 2026-01-06T12:00}",
              ""]
    if findings.services:
        lines.append("services:")
        for found in findings.services:
            lines += _service(found)
    else:
        lines.append("services: {}     # nothing was discovered; declare your services here")
    lines.append("")
    if findings.discovery:
        lines.append("discovery:")
        for entry in findings.discovery:
            lines.append(f"  - {entry.kind}: {yaml_scalar(entry.pattern)}")
            if entry.exclude:
                lines.append("    exclude: [" + ", ".join(yaml_scalar(p) for p in sorted(entry.exclude)) + "]")
    else:
        lines.append('# discovery:\n#   - directories: "services/*"')
    lines.append("")
    if findings.alert_paths:
        lines += ["alerts:", "  - type: prometheus", "    paths:"]
        lines += [f"      - {yaml_scalar(path)}" for path in findings.alert_paths]
        lines += ["    owner_labels: [team, service]"]
    else:
        lines += ["# alerts:", "#   - type: prometheus", '#     paths: ["monitoring/**/*.yaml"]',
                  "#     owner_labels: [team, service]"]
    return "\n".join(lines) + "\n"
