"""`ownership who` and `ownership calendar`: the simulated schedule, asked about or exported."""

from __future__ import annotations

import sys

import click

from .common import (
    EXIT_BLOCKING,
    EXIT_OK,
    config_options,
    fail,
    load_model,
    parse_instant,
    resolve_paths,
    write_or_fail,
)
from .group import cli


@cli.command()
@click.argument("service_name", metavar="SERVICE")
@config_options
@click.option("--at", "at", metavar="T", help="The moment to ask about (default: now).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def who(service_name: str, config: str | None, repo: str | None, at: str | None, fmt: str) -> None:
    """Who is primary and secondary on call for SERVICE at T; exit 1 if no primary is."""
    import json

    from ..escape import log_line, terminal
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
        click.echo(log_line(f"{service.name} at {instant.isoformat()}"))
        for role in ("primary", "secondary"):
            found = [p for p in people if p.role == role]
            if not found:
                click.echo(f"  {role + ':':<11}nobody on call")
            for p in found:
                tz = model.rotations[p.rotation].tz
                person = model.people.get(p.person)
                label = f"{p.person} ({person.display_name})" if person and person.display_name else p.person
                note = ", override" if p.override else ""
                click.echo(f"  {role + ':':<11}{terminal(label)} on {terminal(p.rotation)} until "
                           f"{format_local(p.until, tz)} {tz}{note}")
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

    from ..report.calendar import calendar_schedule, to_ical

    instant = parse_instant(start, "--from")
    model = load_model(repo, config)
    unknown = [r for r in rotations if r not in model.rotations]
    if unknown:
        fail(f"no rotation {', '.join(map(repr, unknown))} in the config; declared: {', '.join(sorted(model.rotations))}")
    horizon = timedelta(weeks=weeks) if weeks else model.policy.horizon
    from ..schedule.limits import ScheduleTooLarge

    try:
        schedule = calendar_schedule(model, instant, horizon, rotations or None)
        data = to_ical(model, schedule, instant)
    except ScheduleTooLarge as exc:
        fail(str(exc))
    except OverflowError:
        fail(f"--from {instant.date().isoformat()}: the calendar's range reaches beyond the years 1-9999 that dates "
             "can hold; choose a --from nearer today")
    write_or_fail(output, data, resolve_paths(repo, config)[0])
    events = data.count(b"\r\nBEGIN:VEVENT\r\n")  # whole lines: a name holding "BEGIN:VEVENT" is not one
    click.echo(f"wrote {events} shifts of {len(schedule.rotations)} rotation(s) to {output}", err=True)
