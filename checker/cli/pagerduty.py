"""`ownership pagerduty plan|apply` and `ownership import pagerduty` (SPEC §10).

Exit codes: plan 0 nothing would change, 1 something would, 2 errors; apply 0 applied (or nothing to
apply), 2 errors; import 0, 2 errors. Errors are one line, never the token.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from .common import EXIT_BLOCKING, EXIT_OK, config_options, fail, load_model, parse_instant
from .group import cli


@cli.group("pagerduty")
def pagerduty_group() -> None:
    """Apply the rotations to PagerDuty: one schedule per rotation (PAGERDUTY_TOKEN; PAGERDUTY_API_URL for EU)."""


def _rotation_options(command: Any) -> Any:
    command = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                           show_default=True)(command)
    command = click.option("--now", "now", metavar="T",
                           help="Plan as of this time, YYYY-MM-DDTHH:MM[Z|+HH:MM] (default: now).")(command)
    command = config_options(command)
    return click.argument("rotations", nargs=-1, metavar="[ROTATION]...")(command)


@pagerduty_group.command("plan")
@_rotation_options
def plan_command(rotations: tuple[str, ...], config: str | None, repo: str | None, now: str | None,
                 fmt: str) -> None:
    """What `apply` would change in PagerDuty; exit 0 when nothing, 1 when something would change."""
    result, _ = _plan(rotations, config, repo, now, apply_it=False)
    _print_plan(result, fmt)
    sys.exit(EXIT_BLOCKING if result.changes else EXIT_OK)


@pagerduty_group.command("apply")
@_rotation_options
def apply_command(rotations: tuple[str, ...], config: str | None, repo: str | None, now: str | None,
                  fmt: str) -> None:
    """Make PagerDuty's schedules what the config says (planned in full first; a second apply changes nothing)."""
    from ..pagerduty.client import PagerDutyError
    from ..pagerduty.plan import apply

    result, pd = _plan(rotations, config, repo, now, apply_it=True)
    if fmt == "json":
        _print_plan(result, fmt)
    try:
        done = apply(result, pd)
    except PagerDutyError as exc:
        fail(f"{exc} (the changes before it were made; run apply again)")
    if fmt == "text":
        for line in done:
            click.echo(line)
        click.echo(f"applied {len(result.changes)} change(s) to {len(result.rotations)} rotation(s)"
                   if result.changes else "nothing to apply: PagerDuty matches the config")
    sys.exit(EXIT_OK)


def _plan(rotations: tuple[str, ...], config: str | None, repo: str | None, now: str | None,
          apply_it: bool) -> tuple[Any, Any]:
    from ..pagerduty.client import PagerDuty, PagerDutyError
    from ..pagerduty.plan import plan

    instant = parse_instant(now, "--now")
    model = load_model(repo, config, refuse_errors=apply_it)
    unknown = [r for r in rotations if r not in model.rotations]
    if unknown:
        fail(f"no rotation {', '.join(map(repr, unknown))} in the config; declared: {', '.join(sorted(model.rotations))}")
    try:
        pd = PagerDuty.from_env(os.environ)
        return plan(model, list(rotations) or list(model.rotations), instant, pd), pd
    except PagerDutyError as exc:
        fail(str(exc))


def _print_plan(result: Any, fmt: str) -> None:
    from ..schedule import format_local

    if fmt == "json":
        by_name = {r.rotation.name: r.rotation for r in result.rotations}
        click.echo(json.dumps({
            "version": 1, "since": result.since.isoformat(), "until": result.until.isoformat(),
            "changes": [c.as_json(by_name[c.rotation]) for c in result.changes],
            "unexpressible": [{"rotation": r.rotation.name, "start": d.start.isoformat(), "end": d.end.isoformat(),
                               "pagerduty": d.actual} for r in result.rotations for d in r.unexpressible],
        }, indent=2))
        return
    for rotation_plan in result.rotations:
        rotation, tz = rotation_plan.rotation, rotation_plan.rotation.tz
        target = f"PagerDuty schedule {rotation_plan.schedule_id}" if rotation_plan.schedule_id else "a new schedule"
        click.echo(f"{rotation.name} -> {target}: {len(rotation_plan.changes) or 'no'} change(s)")
        for change in rotation_plan.changes:
            sign = {"update_schedule": "~", "delete_override": "-"}.get(change.action, "+")
            if change.start is not None and change.end is not None:
                click.echo(f"  {sign} {change.action.split('_')[1]} {format_local(change.start, tz)} to "
                           f"{format_local(change.end, tz)} ({tz}): {change.person or 'a user not in the config'}")
            else:
                click.echo(f"  {sign} {change.summary}")
            for layer in change.layers:
                click.echo(f"      {_layer_line(layer, tz)}")
        for difference in rotation_plan.unexpressible:
            click.echo(f"  ! cannot express: PagerDuty's layers page someone {format_local(difference.start, tz)} to "
                       f"{format_local(difference.end, tz)} ({tz}) where the config covers nobody")
    counts: dict[str, int] = {}
    for change in result.changes:
        counts[change.action] = counts.get(change.action, 0) + 1
    words = ", ".join(f"{counts[action]} {what}" for action, what in (
        ("create_schedule", "schedule(s) to create"), ("update_schedule", "schedule(s) to update"),
        ("delete_override", "override(s) to delete"), ("create_override", "override(s) to create"))
        if action in counts)
    click.echo(f"plan: {words or 'no changes'} for {len(result.rotations)} rotation(s), "
               f"{format_local(result.since, result.since.tzinfo)} to {format_local(result.until, result.until.tzinfo)} UTC")


def _layer_line(layer: dict[str, Any], tz: Any) -> str:
    """One planned layer for people: when it is in force, who turns in what order, how often, when restricted."""
    from datetime import datetime, timedelta

    from ..schedule import format_local
    from ..timeutil import format_duration

    def local(text: str) -> str:
        return format_local(datetime.fromisoformat(text), tz)

    def length(seconds: int) -> str:
        return format_duration(timedelta(seconds=seconds)) if seconds % 60 == 0 else f"{seconds}s"

    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    until = f" to {local(layer['end'])}" if layer.get("end") else ""
    windows: dict[str, list[int]] = {}  # "09:00 for 8h" -> the days it starts on (-1: daily)
    for r in layer["restrictions"]:
        day = r["start_day_of_week"] - 1 if r["type"] == "weekly_restriction" else -1
        windows.setdefault(f"{r['start_time_of_day'][:5]} for {length(r['duration_seconds'])}", []).append(day)
    limits = ", ".join(f"{_days(found, days)} {window}" for window, found in windows.items())
    return (f"{layer['name'].split(' from ')[0]} from {local(layer['start'])}{until}: {', '.join(layer['members'])}; "
            f"a turn every {length(layer['turn_length_seconds'])}" + (f"; on call {limits}" if limits else ""))


def _days(found: list[int], names: list[str]) -> str:
    """Days as people write them: `daily`, `Mon-Fri`, `Mon, Wed`."""
    if -1 in found:
        return "daily"
    runs: list[list[int]] = []
    for day in sorted(found):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(names[r[0]] if len(r) == 1 else f"{names[r[0]]}-{names[r[-1]]}" for r in runs)


@cli.group("import")
def import_group() -> None:
    """Print existing schedules as this config's YAML, for adoption."""


@import_group.command("pagerduty")
@click.argument("schedule_ids", nargs=-1, metavar="[SCHEDULE_ID]...")
@click.option("--now", "now", metavar="T", help="Import as of this time (default: now).")
@click.option("--weeks", type=click.IntRange(1, 104), default=None,
              help="How far ahead PagerDuty's final schedule is reproduced (default: the default horizon, 12w, "
                   "and the 2w `apply` plans beyond it).")
def import_pagerduty(schedule_ids: tuple[str, ...], now: str | None, weeks: int | None) -> None:
    """Rotations (and people) from PagerDuty schedules (all, or SCHEDULE_ID...), as YAML on standard output."""
    from datetime import timedelta

    from ..model import Policy
    from ..pagerduty.client import PagerDuty, PagerDutyError
    from ..pagerduty.importer import import_schedules
    from ..pagerduty.plan import APPLY_MARGIN

    instant = parse_instant(now, "--now")
    ahead = timedelta(weeks=weeks) if weeks else Policy().horizon + APPLY_MARGIN
    try:
        pd = PagerDuty.from_env(os.environ)
        click.echo(import_schedules(pd, list(schedule_ids), instant, ahead), nl=False)
    except PagerDutyError as exc:
        fail(str(exc))
