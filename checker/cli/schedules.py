"""`ownership who` and `ownership calendar`: the simulated schedule, asked about or exported."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import EXIT_BLOCKING, EXIT_OK, config_options, fail, load_model, parse_instant
from .group import cli


@cli.command()
@click.argument("service_name", metavar="SERVICE")
@config_options
@click.option("--at", "at", metavar="T", help="The moment to ask about (default: now).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def who(service_name: str, config: str | None, repo: str | None, at: str | None, fmt: str) -> None:
    """Who is primary and secondary on call for SERVICE at T; exit 1 if no primary is."""
    import json

    from ..schedule import format_local
    from ..who import on_call

    instant = parse_instant(at, "--at")
    model = load_model(repo, config)
    service = model.services.get(service_name)
    if service is None:
        fail(f"no service {service_name!r} in the config; declared: {', '.join(sorted(model.services)) or 'none'}")
    from ..schedule.limits import ScheduleTooLarge

    try:
        people = on_call(model, service, instant)
    except ScheduleTooLarge as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps({
            "service": service.name,
            "at": instant.isoformat(),
            "oncall": [{
                "role": p.role, "person": p.person, "rotation": p.rotation,
                "name": getattr(model.people.get(p.person), "display_name", None),
                "since": p.since.isoformat(), "until": p.until.isoformat(), "override": p.override,
            } for p in people],
        }, indent=2))
    else:
        click.echo(f"{service.name} at {instant.isoformat()}")
        for role in ("primary", "secondary"):
            found = [p for p in people if p.role == role]
            if not found:
                click.echo(f"  {role + ':':<11}nobody on call")
            for p in found:
                tz = model.rotations[p.rotation].tz
                person = model.people.get(p.person)
                label = f"{p.person} ({person.display_name})" if person and person.display_name else p.person
                note = ", override" if p.override else ""
                click.echo(f"  {role + ':':<11}{label} on {p.rotation} until {format_local(p.until, tz)} {tz}{note}")
    sys.exit(EXIT_OK if any(p.role == "primary" for p in people) else EXIT_BLOCKING)


@cli.command()
@click.argument("rotations", nargs=-1, metavar="[ROTATION]...")
@config_options
@click.option("--output", "output", metavar="F.ics", required=True, help="Where to write the calendar.")
@click.option("--from", "start", metavar="T", help="First moment (default: now).")
@click.option("--weeks", type=click.IntRange(1, 520), help="How many weeks (default: the policy horizon).")
def calendar(rotations: tuple[str, ...], config: str | None, repo: str | None, output: str, start: str | None,
             weeks: int | None) -> None:
    """The simulated schedule as iCalendar (.ics), one event per shift piece."""
    from datetime import timedelta

    from ..report.calendar import to_ical
    from ..schedule import simulate

    instant = parse_instant(start, "--from")
    model = load_model(repo, config)
    unknown = [r for r in rotations if r not in model.rotations]
    if unknown:
        fail(f"no rotation {', '.join(map(repr, unknown))} in the config; declared: {', '.join(sorted(model.rotations))}")
    horizon = timedelta(weeks=weeks) if weeks else model.policy.horizon
    from ..schedule.limits import ScheduleTooLarge

    try:
        schedule = simulate(model, instant, horizon=horizon, rotations=rotations or None)
    except ScheduleTooLarge as exc:
        fail(str(exc))
    data = to_ical(model, schedule, instant, instant)
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    events = data.count(b"BEGIN:VEVENT")
    click.echo(f"wrote {events} shifts of {len(schedule.rotations)} rotation(s) to {output}", err=True)
