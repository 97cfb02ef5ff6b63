"""Deterministic synthetic organisations for the benchmark (and the engine's speed measurement).

Each team has six people, a 24x7 primary rotation and a business-hours rotation
of the same people in the opposite order, six services with runbooks and
service directories; secondaries are the next team's primary, so a generated
organisation is healthy and every rule has real work to do.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

ZONES = ["Europe/London", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "America/Chicago",
         "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo"]


@dataclass(frozen=True)
class Size:
    name: str
    teams: int
    services_per_team: int = 6
    alert_files: int = 0
    alerts_per_file: int = 40


SIZES = {
    "small": Size("small", teams=2, alert_files=2, alerts_per_file=10),
    "large": Size("large", teams=500, alert_files=500, alerts_per_file=40),     # 3,000 people, 1,000 rotations
    "double": Size("double", teams=1000, alert_files=1000, alerts_per_file=40),
    "quad": Size("quad", teams=2000, alert_files=2000, alerts_per_file=40),  # quad/double: is it linear?
}


def generate(root: Path, size: Size, extra_service: bool = False) -> Path:
    """Write the organisation under root; returns root. extra_service adds one undeclared-on-base service."""
    root.mkdir(parents=True, exist_ok=True)
    config = ["version: 1", "policy:", "  horizon: 12w", "people:"]
    teams, rotations, services = ["teams:"], ["rotations:"], ["services:"]
    for t in range(size.teams):
        team = f"team-{t:04d}"
        zone = ZONES[t % len(ZONES)]
        people = [f"p{t:04d}-{i}" for i in range(6)]
        for person in people:
            config.append(f"  {person}: {{name: Person {person}, github: gh-{person}, timezone: {zone}}}")
        next_primary = f"team-{(t + 1) % size.teams:04d}-primary"
        teams += [f"  {team}:",
                  f"    github_team: acme/{team}",
                  f"    members: [{', '.join(people)}]",
                  f"    oncall: {{primary: {team}-primary, secondary: {next_primary}}}",
                  "    escalation:",
                  f"      - rotation: {team}-primary",
                  f"      - rotation: {team}-daytime",
                  "      - contact: \"Engineering manager\""]
        rotations += [f"  {team}-primary:",
                      f"    team: {team}",
                      f"    timezone: {zone}",
                      f"    members: [{', '.join(people)}]",
                      "    shift: 1w",
                      "    start: 2026-01-06T12:00",
                      "    holiday_shift: 1d",
                      f"  {team}-daytime:",
                      f"    team: {team}",
                      f"    timezone: {zone}",
                      "    hours: \"09:00-17:00\"",
                      f"    members: [{', '.join(people[3:] + people[:3])}]",
                      "    shift: 1w",
                      "    start: 2026-01-06T12:00",
                      "    holiday_shift: 1d"]
        for s in range(size.services_per_team):
            service = f"svc-{t:04d}-{s}"
            services += [f"  {service}:",
                         f"    team: {team}",
                         f"    runbook: docs/runbooks/{service}.md",
                         f"    paths: [\"services/{service}/\"]"]
            _write(root / f"docs/runbooks/{service}.md", f"# {service}\n\nRestart it, then check the dashboard.\n")
            _write(root / f"services/{service}/main.py", f"print('{service}')\n")
    if extra_service:
        services += ["  svc-new:", "    team: team-0000", "    runbook: docs/runbooks/svc-new.md"]
    config += teams + rotations + services
    config += ["discovery:", "  - directories: \"services/*\""]
    if size.alert_files:
        config += ["alerts:", "  - type: prometheus", "    paths: [\"monitoring/**/*.yaml\"]",
                   "    owner_labels: [team, service]"]
        _write_alerts(root, size)
    _write(root / "ownership.yaml", "\n".join(config) + "\n")
    return root


def _write_alerts(root: Path, size: Size) -> None:
    for f in range(size.alert_files):
        team = f"team-{f % size.teams:04d}"
        lines = ["groups:", f"  - name: {team}-{f}", "    rules:"]
        for a in range(size.alerts_per_file):
            service = f"svc-{f % size.teams:04d}-{a % size.services_per_team}"
            severity = "critical" if a % 4 == 0 else "warning"
            lines += [f"      - alert: HighErrorRate{f}x{a}",
                      f"        expr: sum(rate(http_requests_total{{service=\"{service}\",code=~\"5..\"}}[5m])) > {a}",
                      "        for: 5m",
                      "        labels:",
                      f"          severity: {severity}",
                      f"          service: {service}",
                      "        annotations:",
                      f"          summary: \"{service} is failing\"",
                      f"          runbook_url: docs/runbooks/{service}.md"]
        _write(root / f"monitoring/{team}/rules-{f}.yaml", "\n".join(lines) + "\n")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("root", type=Path)
    arguments = parser.parse_args()
    generate(arguments.root, SIZES[arguments.size])
    print(arguments.root)
