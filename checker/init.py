"""`ownership init`: a starting ownership.yaml from what the repository already holds.

It looks for service directories, Kubernetes workloads, Backstage components
and Prometheus rule files, declares every discovered service with TODO
placeholders, and leaves the rest to `ownership check`, whose diagnostics
then say, one by one, what to fill in.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from .diagnostics import Location
from .discovery import KUBERNETES_WORKLOADS
from .load import MAX_FILE_BYTES, read_yaml
from .model import DiscoverySource, Model
from .sources import Source, SourceError

SERVICE_PARENTS = ("services", "apps", "cmd", "packages", "microservices")
MAX_FILES_SCANNED = 5000  # YAML files read to find workloads and rules; enough for a large monorepo's config


@dataclass
class Findings:
    discovery: list[tuple[str, str]] = field(default_factory=list)  # (kind, pattern)
    alert_paths: list[str] = field(default_factory=list)
    services: dict[str, str] = field(default_factory=dict)  # name -> where it was found


def _top(path: str) -> str:
    return path.split("/", 1)[0] if "/" in path else ""


def scan(source: Source) -> Findings:
    found = Findings()
    files = source.files()
    for parent in SERVICE_PARENTS:
        if any(f.startswith(parent + "/") and f.count("/") >= 2 for f in files):
            found.discovery.append(("directories", f"{parent}/*"))
    workload_tops: set[str] = set()
    rule_tops: set[str] = set()
    catalog = False
    yaml_files = [f for f in files if f.endswith((".yaml", ".yml"))][:MAX_FILES_SCANNED]
    for path in yaml_files:
        if posixpath.basename(path) == "catalog-info.yaml":
            catalog = True
            continue
        try:
            documents = read_yaml(source.read(path, MAX_FILE_BYTES), path).documents
        except SourceError:
            continue
        for document in documents:
            if not isinstance(document, dict):
                continue
            if document.get("kind") in KUBERNETES_WORKLOADS:
                workload_tops.add(_top(path))
            if document.get("kind") == "PrometheusRule" or _has_alert_groups(document):
                rule_tops.add(_top(path))
    for top in sorted(workload_tops):
        found.discovery.append(("kubernetes", f"{top}/**/*.yaml" if top else "*.yaml"))
    if catalog:
        found.discovery.append(("backstage", "**/catalog-info.yaml"))
    found.alert_paths = [f"{top}/**/*.yaml" if top else "*.yaml" for top in sorted(rule_tops)]
    return found


def _has_alert_groups(document: dict) -> bool:  # type: ignore[type-arg]
    groups = document.get("groups")
    return isinstance(groups, list) and any(
        isinstance(g, dict) and isinstance(g.get("rules"), list)
        and any(isinstance(r, dict) and "alert" in r for r in g["rules"]) for g in groups)


def discovered_services(source: Source, findings: Findings) -> dict[str, str]:
    from .discovery import discover

    model = Model("ownership.yaml")
    model.discovery = [DiscoverySource(kind, pattern, Location("ownership.yaml")) for kind, pattern in findings.discovery]
    services, _ = discover(model, source)
    out: dict[str, str] = {}
    for service in services:
        where = f"a {service.kind} manifest, {service.location.file}" if service.kind != "directories" \
            else "its directory"
        out.setdefault(service.name, where)
    return out


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


def render(findings: Findings) -> str:
    lines = [
        "# yaml-language-server: $schema=https://raw.githubusercontent.com/ownership-as-code/ownership-as-code/main/schemas/ownership.schema.json",
        "#",
        "# Started by `ownership init`. Run `ownership check`: each diagnostic says what to fill in next.",
        "# 1. Declare people and teams, and give every service its team (replace `todo`).",
        "# 2. Write each runbook, or point `runbook:` at an https page.",
        "# 3. Add rotations (four or more people, one-week shifts) and each team's oncall and escalation.",
        "version: 1",
        "",
        POLICY_COMMENT,
        "people: {}       # alice: {name: Alice Example, github: alice-example, timezone: Europe/London}",
        "teams: {}        # payments: {github_team: acme/payments, members: [alice, ...]}",
        "rotations: {}    # payments-eu: {team: payments, members: [...], shift: 1w, start: 2026-01-06T12:00}",
        "",
    ]
    if findings.services:
        lines.append("services:")
        for name in sorted(findings.services):
            lines += [f"  {name + ':':<28} # found by {findings.services[name]}",
                      "    team: todo                   # TODO: the owning team",
                      f"    runbook: docs/runbooks/{name}.md   # TODO: write it, or link an https page"]
    else:
        lines.append("services: {}     # nothing was discovered; declare your services here")
    lines.append("")
    if findings.discovery:
        lines.append("discovery:")
        lines += [f'  - {kind}: "{pattern}"' for kind, pattern in findings.discovery]
    else:
        lines.append('# discovery:\n#   - directories: "services/*"')
    lines.append("")
    if findings.alert_paths:
        lines += ["alerts:", "  - type: prometheus",
                  "    paths: [" + ", ".join(f'"{p}"' for p in findings.alert_paths) + "]",
                  "    owner_labels: [team, service]"]
    else:
        lines += ["# alerts:", "#   - type: prometheus", '#     paths: ["monitoring/**/*.yaml"]',
                  "#     owner_labels: [team, service]"]
    return "\n".join(lines) + "\n"


def initial_config(source: Source) -> tuple[str, Findings]:
    findings = scan(source)
    findings.services = discovered_services(source, findings)
    return render(findings), findings
