"""The ownership report as data: one dict, rendered as Markdown or HTML, or printed as JSON.

Everything here is computed from the check's result (model, schedule,
diagnostics); the renderers only lay it out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from ..alerts import alert_counts
from ..diagnostics import Diagnostic, Severity
from ..model import Model
from ..pipeline import CheckResult
from ..protected import protected_days_between, protected_reason
from ..schedule import Schedule, Slot, holiday_windows_between, runs, simulate
from ..schedule.limits import ScheduleTooLarge
from ..schedule.load import clipped, holiday_hours, long_run_shares, out_of_hours, waking_windows
from ..schedule.localtime import later
from ..timeutil import format_duration
from ..who import on_call, touching_turns

REPORT_VERSION = 1


def _iso(moment: datetime) -> str:
    return _iso_utc(moment) if moment.tzinfo is UTC else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@lru_cache(maxsize=1 << 16)  # bounded; the calendar writes the same few thousand handoffs tens of thousands of times
def _iso_utc(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def build_report(result: CheckResult, now: datetime, weeks: int) -> dict[str, Any]:
    model = result.model
    horizon_end = later(now, model.policy.horizon)
    calendar_end = later(now, timedelta(weeks=weeks))
    schedule = result.context.schedule if result.context is not None else None  # the one the rules ran on
    if schedule is None or timedelta(weeks=weeks) > model.policy.horizon:
        try:
            schedule = simulate(model, now, horizon=max(model.policy.horizon, timedelta(weeks=weeks)))
        except ScheduleTooLarge:
            if schedule is None:
                raise
            weeks = max(model.policy.horizon // timedelta(weeks=1), 1)  # the calendar shows what was simulated
            calendar_end = later(now, timedelta(weeks=weeks))
    counts = alert_counts(model.alerts, model)
    by_subject: dict[str, list[Diagnostic]] = {}
    for diagnostic in result.diagnostics:
        by_subject.setdefault(diagnostic.subject, []).append(diagnostic)
    # Indexes, so the report stays linear in services x alerts.
    alerts_of_service: dict[str, list[str]] = {}
    alerts_of_team: dict[str, set[str]] = {}
    for alert in model.alerts:
        if alert.service:
            alerts_of_service.setdefault(alert.service, []).append(alert.subject)
        if alert.team:
            alerts_of_team.setdefault(alert.team, set()).add(alert.subject)
    # Each team's services and rotations in one pass, not one scan of the organisation per team.
    services_of_team: dict[str, list[str]] = {}
    for service in model.services.values():
        if service.team is not None:
            services_of_team.setdefault(service.team, []).append(service.name)
    rotations_of_team: dict[str, list[str]] = {}
    for rotation in model.rotations.values():
        if rotation.team is not None:
            rotations_of_team.setdefault(rotation.team, []).append(rotation.name)
    return {
        "version": REPORT_VERSION,
        "generated_at": _iso(now),
        "horizon": {"start": _iso(now), "end": _iso(horizon_end), "weeks": model.policy.horizon.days // 7},
        "calendar_weeks": weeks,
        "summary": _summary(result),
        "attention": _attention(result),
        "services": [_service(model, name, now, schedule, counts, by_subject, alerts_of_service.get(name, []))
                     for name in sorted(model.services)],
        "teams": [_team(model, name, by_subject, alerts_of_team.get(name, set()), services_of_team.get(name, []),
                        rotations_of_team.get(name, [])) for name in sorted(model.teams)],
        "calendar": _calendar(model, schedule, now, calendar_end),
        "load": _load(model, schedule, now, horizon_end),
        "limits": _limits(model),
    }


def _summary(result: CheckResult) -> dict[str, int]:
    production = [s for s in result.model.services.values() if s.is_production]
    return {
        "services": len(result.model.services),
        "production_services": len(production),
        "teams": len(result.model.teams),
        "rotations": len(result.model.rotations),
        "people": len(result.model.people),
        "alerts": len(result.model.alerts),
        "errors": sum(1 for d in result.diagnostics if d.severity is Severity.ERROR),
        "warnings": sum(1 for d in result.diagnostics if d.severity is Severity.WARNING),
    }


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {"rule": d.rule, "name": d.name, "severity": d.severity.value, "subject": d.subject,
            "message": d.message, "file": d.location.file, "line": d.location.line, "column": d.location.column}


def _attention(result: CheckResult) -> dict[str, list[dict[str, Any]]]:
    """What needs an owner first: services the repo has but the config lacks, alerts nobody owns."""
    return {
        "undeclared_services": [{"name": d.subject.removeprefix("service/"), "message": d.message,
                                 "file": d.location.file, "line": d.location.line}
                                for d in result.diagnostics if d.rule == "SVC006"],
        "unowned_alerts": [{"alert": d.subject.removeprefix("alert/"), "rule": d.rule, "message": d.message,
                            "file": d.location.file, "line": d.location.line}
                           for d in result.diagnostics if d.rule in ("ALR001", "ALR002")],
    }


def _person_ref(model: Model, person: str) -> dict[str, Any]:
    found = model.people.get(person)
    return {"person": person, "name": found.display_name if found else None,
            "github": found.github if found else None}


def _service(model: Model, name: str, now: datetime, schedule: Schedule, counts: dict[Any, Any],
             by_subject: dict[str, list[Diagnostic]], alert_subjects: list[str]) -> dict[str, Any]:
    service = model.services[name]
    oncall = model.oncall_for(service)
    present = on_call(model, service, now, schedule)
    count = counts.get((service.team, name))
    diagnostics = list(by_subject.get(f"service/{name}", []))
    diagnostics += [d for subject in dict.fromkeys(alert_subjects) for d in by_subject.get(subject, [])]
    runbook = service.runbook
    return {
        "name": name,
        "team": service.team,
        "lifecycle": service.lifecycle,
        "coverage": service.coverage,
        "description": service.description,
        "primary_rotations": oncall.primary if oncall else [],
        "secondary_rotations": oncall.secondary if oncall else [],
        "oncall_now": [{**_person_ref(model, p.person), "role": p.role, "rotation": p.rotation,
                        "until": _iso(p.until), "override": p.override} for p in present],
        "runbook": runbook,
        "runbook_is_url": bool(runbook and runbook.lower().startswith("https://")),
        "alerts": {"paging": count.paging if count else 0, "other": count.other if count else 0},
        "diagnostics": [_diagnostic(d) for d in diagnostics],
    }


def _escalation_text(level: Any) -> str:
    return f"{level.kind}: {level.target}"


def _team(model: Model, name: str, by_subject: dict[str, list[Diagnostic]], alert_subjects: set[str],
          service_names: list[str], rotations: list[str]) -> dict[str, Any]:
    team = model.teams[name]
    services = {f"service/{s}" for s in service_names}
    mine = {f"team/{name}"} | services | {f"rotation/{r}" for r in rotations} | alert_subjects \
        | {f"person/{m}" for m in team.members}
    diagnostics = [d for subject in mine for d in by_subject.get(subject, [])]
    return {
        "name": name,
        "github_team": team.github_team,
        "chat": team.chat,
        "members": [_person_ref(model, m) for m in team.members],
        "rotations": rotations,
        "services": sorted(s.removeprefix("service/") for s in services),
        "escalation": [_escalation_text(level) for level in team.escalation],
        "health": {"errors": sum(1 for d in diagnostics if d.severity is Severity.ERROR),
                   "warnings": sum(1 for d in diagnostics if d.severity is Severity.WARNING),
                   "rules": sorted({d.rule for d in diagnostics})},
    }


def _calendar(model: Model, schedule: Schedule, start: datetime, end: datetime) -> dict[str, Any]:
    """Turns per rotation (touching slots of one person merged), and the days that are special."""
    rotations = []
    for name in sorted(schedule.rotations):
        held = schedule.rotations[name].slots
        turns: list[dict[str, Any]] = []
        for first, last in touching_turns(held):  # one pass: a turn may hold thousands of slots
            if held[last].end <= start or held[first].start >= end:
                continue
            slot = next(held[i] for i in range(first, last + 1) if held[i].end > start)
            turns.append({**_person_ref(model, slot.person), "start": _iso(max(held[first].start, start)),
                          "end": _iso(min(held[last].end, end)), "override": slot.override is not None,
                          "holiday_piece": slot.piece >= 0})
        rotation = model.rotations[name]
        rotations.append({"rotation": name, "team": rotation.team, "timezone": rotation.timezone,
                          "hours": _hours(rotation.hours), "turns": turns})
    days = []
    policy = model.policy
    windows = holiday_windows_between(policy.rotation.holiday_window, UTC, start, end)
    day = start.date()
    while (midnight := datetime(day.year, day.month, day.day, tzinfo=UTC)) < end:
        protected = protected_reason(day, None, policy) is not None
        in_window = any(w0 <= midnight < w1 for w0, w1 in windows)
        if protected or in_window:
            days.append({"date": day.isoformat(), "protected": protected, "holiday_window": in_window})
        day += timedelta(days=1)
    return {"start": _iso(start), "end": _iso(end), "rotations": rotations, "special_days": days}


def _hours(window: tuple[int, int] | None) -> str | None:
    if window is None:
        return None
    return f"{window[0] // 60:02d}:{window[0] % 60:02d}-{window[1] // 60:02d}:{window[1] % 60:02d}"


def _load(model: Model, schedule: Schedule, now: datetime, end: datetime) -> list[dict[str, Any]]:
    """Per person over the horizon, from the schedule the rules read: hours on call (time holding any
    rotation, overrides and holiday pieces included), of which out of hours (outside their
    `local_hours` on weekdays, or at weekends, in their zone) and on holidays (inside a rotation's
    holiday window, or on one of their protected days)."""
    shares = long_run_shares(model)
    by_person = schedule.by_person()
    waking: dict[Any, list[tuple[datetime, datetime]]] = {}  # by zone: shared by everyone there
    protected: dict[str | None, tuple[set[int], set[int]]] = {}  # by country: days looked at, protected ones
    windows: dict[tuple[Any, Any], list[tuple[datetime, datetime]]] = {}  # by holiday window and zone
    days: dict[tuple[datetime, datetime, Any], range] = {}  # by slot span and zone: legs share their windows
    out = []
    for name in sorted(model.people):
        person = model.people[name]
        slots = [s for s in by_person.get(name, []) if s.end > now and s.start < end]
        held = clipped(slots, now, end)
        stretches = runs(slots)
        longest = max(((r.end - r.start).total_seconds() / 86400 for r in stretches), default=0.0)
        holidays = [w for rotation in {s.rotation for s in slots}
                    for w in _holiday_windows(windows, model.policy_for(model.rotations[rotation]).holiday_window,
                                              model.rotations[rotation].tz, now, end)]
        holidays += [(start, finish) for _, _, start, finish in protected_days_between(person, model.policy, now, end)]
        out.append({
            **_person_ref(model, name),
            "timezone": person.timezone,
            "exempt": person.exempt,
            "rotations": [r for r, _ in shares.get(name, [])],
            "oncall_hours": round(sum((e - s).total_seconds() for s, e in held) / 3600, 1),
            "out_of_hours_hours": round(out_of_hours(held, _waking(waking, person.tz, model, now, end)), 1),
            "holiday_hours": round(holiday_hours(held, holidays), 1),
            "long_run_share": round(sum(share for _, share in shares.get(name, [])), 4),
            "longest_stretch_days": round(longest, 1),
            "holidays_worked": _holidays_worked(slots, person, model, protected, days),
        })
    return out


def _waking(waking: dict[Any, list[tuple[datetime, datetime]]], tz: Any, model: Model, now: datetime,
            end: datetime) -> list[tuple[datetime, datetime]]:
    if tz not in waking:
        waking[tz] = waking_windows(tz, model.policy.rotation.local_hours, now, end)
    return waking[tz]


def _holiday_windows(known: dict[tuple[Any, Any], list[tuple[datetime, datetime]]], holiday: Any, tz: Any,
                     now: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    if (holiday, tz) not in known:
        known[holiday, tz] = holiday_windows_between(holiday, tz, now, end)
    return known[holiday, tz]


def _holidays_worked(slots: list[Slot], person: Any, model: Model,
                     protected: dict[str | None, tuple[set[int], set[int]]],
                     spans: dict[tuple[datetime, datetime, Any], range]) -> list[str]:
    """The protected days (in the person's zone) any of their slots touches. `protected` remembers the
    days looked at, and which are protected, by country: whether a day is protected depends on nothing
    else of the person; `spans` the local days of each slot span by zone."""
    days: set[int] = set()
    for slot in slots:
        span = (slot.start, slot.end, person.tz)
        if span not in spans:
            first = slot.start.astimezone(person.tz).date().toordinal()
            last = (slot.end - timedelta(microseconds=1)).astimezone(person.tz).date().toordinal()
            spans[span] = range(first, last + 1)
        days.update(spans[span])
    looked_at, found = protected.setdefault(person.country, (set(), set()))
    for ordinal in days - looked_at:
        if protected_reason(date.fromordinal(ordinal), person, model.policy) is not None:
            found.add(ordinal)
    looked_at |= days
    return [date.fromordinal(ordinal).isoformat() for ordinal in sorted(days & found)]


def _limits(model: Model) -> dict[str, Any]:
    rotation = model.policy.rotation
    return {
        "max_oncall_fraction": rotation.max_oncall_fraction,
        "max_consecutive": format_duration(rotation.max_consecutive),
        "max_consecutive_days": rotation.max_consecutive.total_seconds() / 86400,
        "max_shift": format_duration(rotation.max_shift),
        "holiday_max_shift": format_duration(rotation.holiday_max_shift),
        "min_members": rotation.min_members,
        "horizon_hours": model.policy.horizon.total_seconds() / 3600,
    }
