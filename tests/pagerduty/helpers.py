"""Configs and comparisons the PagerDuty tests share."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from checker.config import load_config
from checker.pagerduty.plan import APPLY_MARGIN
from checker.pagerduty.timeline import Difference, Stretch, differences
from checker.schedule import simulate
from checker.sources.worktree import WorktreeSource
from checker.timeutil import parse_now
from tests.pagerduty.fake import FakePagerDuty

PEOPLE = ["alice", "bob", "carol", "dave", "erin"]


def config(rotation: str, people: str | None = None, extra: str = "") -> str:
    """A config with five people (emails at acme.example) in team `pay`, and the rotation given as YAML."""
    people = people or "\n".join(f"  {p}: {{email: {p}@acme.example}}" for p in PEOPLE)
    return (f"version: 1\npeople:\n{people}\nteams:\n  pay: {{members: [{', '.join(PEOPLE)}]}}\n"
            f"rotations:\n{rotation}\n{extra}")


LONDON_WEEKLY = """  pay-eu:
    team: pay
    timezone: Europe/London
    members: [alice, bob, carol, dave]
    shift: 1w
    start: 2026-01-06T12:00
"""


def add_people(fake: FakePagerDuty, names: list[str] = PEOPLE) -> None:
    for name in names:
        fake.add_user(name.title(), f"{name}@acme.example")


def simulated(root: Path, rotation: str, now: str, weeks: timedelta) -> list[Stretch]:
    model = load_config(WorktreeSource(str(root)), "ownership.yaml").model
    start = parse_now(now)
    slots = simulate(model, start, weeks, [rotation]).rotations[rotation].slots
    return [Stretch(s.start, s.end, f"{s.person}@acme.example") for s in slots]


def drift(fake: FakePagerDuty, root: Path, rotation: str, now: str) -> list[Difference]:
    """Where PagerDuty's final schedule (as the fake renders it) differs from the simulated one, over the
    window `apply` covers."""
    model = load_config(WorktreeSource(str(root)), "ownership.yaml").model
    since = parse_now(now)
    until = since + model.policy.horizon + APPLY_MARGIN
    schedule_id = next(s["id"] for s in fake.schedules.values() if s["name"] == rotation)
    emails = {u["id"]: u["email"] for u in fake.users.values()}
    final = [Stretch(s, e, emails[u]) for s, e, u in fake.final(schedule_id, since, until)]
    return differences(simulated(root, rotation, now, until - since), final, since, until)


def writes(fake: FakePagerDuty) -> list[tuple[str, str]]:
    """The requests that would change PagerDuty (a preview changes nothing)."""
    return [(m, p) for m, p, _, _ in fake.requests if m in ("POST", "PUT", "DELETE") and p != "/schedules/preview"]


def at(text: str) -> datetime:
    return parse_now(text)


def applied(fake: FakePagerDuty, env: dict[str, str], run: Any, root: Path, rotation: str = LONDON_WEEKLY,
            extra: str = "") -> str:
    """A repository at `root` whose config holds `rotation`, applied to the fake; the schedule's ID."""
    from tests.conftest import write_repo

    add_people(fake)
    write_repo(root, config(rotation, extra=extra))
    result = run("pagerduty", "apply", "--repo", str(root), "--now", "2026-10-01T09:00Z", env=env)
    assert result.exit_code == 0, result.output
    (schedule_id,) = fake.schedules
    return str(schedule_id)
