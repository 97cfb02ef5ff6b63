"""`ownership who` and `ownership calendar`: they agree with each other and with the clock on DST weekends."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from tests.conftest import REPO_ROOT

ACME = str(REPO_ROOT / "examples/acme")

DST_CONFIG = """\
version: 1
people: {a: {}, b: {}, c: {}, d: {}, e: {}, f: {}, g: {}, h: {}}
teams:
  t: {members: [a, b, c, d], oncall: {primary: london, secondary: york}}
  u: {members: [e, f, g, h]}
rotations:
  london: {team: t, members: [a, b, c, d], shift: 1w, start: 2026-01-04T02:30, timezone: Europe/London}
  york: {team: u, members: [e, f, g, h], shift: 1w, start: 2026-01-04T02:30, timezone: America/New_York}
services:
  api: {team: t, runbook: https://wiki.example.com/api}
"""


def who(run, repo: str, service: str, at: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    result = run("who", service, "--repo", repo, "--at", at, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def people(answer: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {entry["role"]: entry["person"] for entry in answer["oncall"]}


def test_who_either_side_of_a_europe_spring_forward_handoff(repo, run) -> None:  # type: ignore[no-untyped-def]
    # Handoff Sunday 02:30 London; on 2026-03-29 02:30 does not exist (01:00 -> 02:00 jumps to BST).
    root = str(repo(DST_CONFIG))
    before = who(run, root, "api", "2026-03-29T01:29Z")   # 01:29 GMT: last minute of the old shift
    after = who(run, root, "api", "2026-03-29T01:31Z")    # 02:31 BST: the new shift has started
    assert people(before)["primary"] != people(after)["primary"]
    primary = next(e for e in before["oncall"] if e["role"] == "primary")
    # 02:30 does not exist that night; read with the offset before the change it is 01:30 UTC (03:30 BST)
    assert primary["until"] == "2026-03-29T01:30:00+00:00"


def test_who_either_side_of_a_europe_fall_back_handoff(repo, run) -> None:  # type: ignore[no-untyped-def]
    # 2026-10-25: 02:30 London happens once (clocks go back at 02:00 BST -> 01:00 GMT, so 02:30 GMT exists).
    root = str(repo(DST_CONFIG))
    before = who(run, root, "api", "2026-10-25T02:29Z")
    after = who(run, root, "api", "2026-10-25T02:31Z")
    assert people(before)["primary"] != people(after)["primary"]


def test_who_either_side_of_american_dst_handoffs(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = str(repo(DST_CONFIG))
    # 2026-03-08 02:30 New York does not exist; the handoff lands at 03:30 EDT = 07:30 UTC
    assert people(who(run, root, "api", "2026-03-08T07:29Z"))["secondary"] != \
        people(who(run, root, "api", "2026-03-08T07:31Z"))["secondary"]
    # 2026-11-01 02:30 EST = 07:30 UTC
    assert people(who(run, root, "api", "2026-11-01T07:29Z"))["secondary"] != \
        people(who(run, root, "api", "2026-11-01T07:31Z"))["secondary"]


def test_who_text_names_people_rotations_and_shift_end(run) -> None:  # type: ignore[no-untyped-def]
    result = run("who", "checkout-api", "--repo", ACME, "--at", "2026-12-25T03:00Z")
    assert result.exit_code == 0
    assert "primary:   dave (Dave Diaz) on payments-eu until Sat 2026-12-26 12:00 Europe/London, override" \
        in result.output
    assert "secondary: dina (Dina Das) on sre-apac" in result.output


def test_who_unknown_service_and_nobody_on_call(repo, run) -> None:  # type: ignore[no-untyped-def]
    assert run("who", "nope", "--repo", ACME).exit_code == 2
    root = str(repo("version: 1\nservices: {api: {lifecycle: experimental}}\n"))
    result = run("who", "api", "--repo", root, "--at", "2026-01-01T00:00Z")
    assert result.exit_code == 1 and "nobody on call" in result.output


def events(path: Path) -> list[tuple[datetime, datetime, str]]:
    calendar = Calendar.from_ical(path.read_bytes())
    out = []
    for event in calendar.walk("VEVENT"):
        summary = str(event["SUMMARY"])
        out.append((event["DTSTART"].dt, event["DTEND"].dt, summary))
    return out


def test_calendar_agrees_with_who_every_six_hours(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "oncall.ics"
    result = run("calendar", "payments-eu", "sre-emea", "sre-amer", "sre-apac", "--repo", ACME,
                 "--output", str(target), "--from", "2026-12-15T00:00Z", "--weeks", "4")
    assert result.exit_code == 0, result.output
    found = events(target)
    assert found and all(end > start for start, end, _ in found)
    moment = datetime(2026, 12, 15, 3, tzinfo=UTC)
    checked = 0
    while moment < datetime(2027, 1, 12, tzinfo=UTC):
        answer = who(run, ACME, "checkout-api", moment.isoformat())
        for entry in answer["oncall"]:
            matching = [s for s, e, summary in found if s <= moment < e and f"({entry['rotation']})" in summary]
            assert len(matching) == 1, (moment, entry)
            [summary] = [summ for s, e, summ in found if s <= moment < e and f"({entry['rotation']})" in summ]
            name = entry["name"] or entry["person"]
            assert summary == f"On call: {name} ({entry['rotation']})"
            checked += 1
        moment += timedelta(hours=6)
    assert checked > 200


def test_calendar_unknown_rotation_is_a_usage_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("calendar", "nope", "--repo", ACME, "--output", str(tmp_path / "x.ics"))
    assert result.exit_code == 2 and "no rotation 'nope'" in result.output


# ---------------------------------------------------------------- who = calendar, for random rotations and windows

ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Australia/Lord_Howe"]


@st.composite
def rotation_and_window(draw: st.DrawFn) -> tuple[str, datetime, int, list[datetime]]:
    zone = draw(st.sampled_from(ZONES))
    shift = draw(st.sampled_from(["6h", "1d", "2d", "1w", "3w"]))
    start = draw(st.datetimes(datetime(2025, 12, 1), datetime(2026, 11, 30))).replace(second=0, microsecond=0)
    # holiday_shift joins these once the engine cuts by the whole holiday period whatever the range (SPEC §11;
    # today a shift that merely touches the window is cut or not depending on the range simulated)
    hours = draw(st.sampled_from(["", "hours: \"09:00-17:00\"", "hours: \"20:00-08:00\""]))
    override = ""
    if draw(st.booleans()):
        begin = start + timedelta(hours=draw(st.integers(0, 24 * 60)))
        offset = draw(st.sampled_from(["", "Z", "+05:30", "-03:00"]))
        length = timedelta(hours=draw(st.integers(1, 24 * 10)))
        override = (f"overrides: [{{person: z, from: \"{begin:%Y-%m-%dT%H:%M}{offset}\", "
                    f"to: \"{begin + length:%Y-%m-%dT%H:%M}{offset}\"}}]")
    config = f"""\
version: 1
people: {{a: {{}}, b: {{}}, c: {{}}, d: {{}}, z: {{}}}}
teams: {{t: {{members: [a, b, c, d], oncall: {{primary: r}}}}}}
rotations:
  r:
    team: t
    timezone: {zone}
    members: [a, b, c, d]
    shift: {shift}
    start: {start:%Y-%m-%dT%H:%M}
    {hours}
    {override}
services: {{api: {{team: t, runbook: https://wiki.example.com/api}}}}
"""
    since = (start + timedelta(minutes=draw(st.integers(-3 * 24 * 60, 60 * 24 * 60)))).replace(tzinfo=UTC)
    weeks = draw(st.integers(1, 6))
    moments = draw(st.lists(st.integers(0, weeks * 7 * 24 * 60 - 1), min_size=1, max_size=20))
    return config, since, weeks, [since + timedelta(minutes=m) for m in moments]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rotation_and_window())
def test_who_equals_the_calendars_event_at_every_instant_of_any_window(case) -> None:  # type: ignore[no-untyped-def]
    from checker.cli.common import load_model
    from checker.report.calendar import calendar_schedule, to_ical
    from checker.who import on_call

    config, since, weeks, moments = case
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "ownership.yaml").write_text(config, encoding="utf-8")
        model = load_model(root, None)
    data = to_ical(model, calendar_schedule(model, since, timedelta(weeks=weeks)), since)
    found = [(e["DTSTART"].dt, e["DTEND"].dt, str(e["DESCRIPTION"]).split("\n")[1].removeprefix("Person: "))
             for e in Calendar.from_ical(data).walk("VEVENT")]
    for moment in moments:
        holders = [person for start, end, person in found if start <= moment < end]
        answer = [p.person for p in on_call(model, model.services["api"], moment)]
        assert holders == answer, (moment, holders, answer)
