"""Properties of the mapping over random rotations: PagerDuty's rendering of the mapped layers against the
simulated schedule, with PagerDuty's layer semantics taken from the fake (tests/pagerduty/fake.py), so the
engine and the mapping are checked against an independent reading of layers, turns and restrictions."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.config import load_config
from checker.model import Rotation
from checker.pagerduty.mapping import layers, schedule_body
from checker.pagerduty.timeline import Difference, Stretch, differences, holds_throughout, normalise, outside
from checker.schedule import simulate_rotation
from checker.schedule.roster import timeline
from checker.sources.worktree import WorktreeSource
from tests.pagerduty.fake import PagerDutyLayers

PEOPLE = ["a", "b", "c", "d", "e"]
ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]
LENGTHS = ["6h", "12h", "1d", "2d", "3d", "1w", "2w"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SINCE = datetime(2026, 9, 20, tzinfo=UTC)  # the horizon holds both autumn DST changes and Sydney's
UNTIL = SINCE + timedelta(weeks=10)
DAY = timedelta(days=1)


@st.composite
def rotations(draw: st.DrawFn) -> tuple[str, int | None, list[str] | None]:
    """A rotation's YAML lines; where a change goes (a shift index of the first roster); its new members."""
    zone = draw(st.sampled_from(ZONES))
    members = draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=5, unique=True))
    pattern = draw(st.one_of(st.sampled_from(LENGTHS).map(lambda x: [x]),
                             st.lists(st.sampled_from(LENGTHS), min_size=2, max_size=4)))
    start = datetime(2026, 1, 1) + timedelta(days=draw(st.integers(0, 300)), minutes=30 * draw(st.integers(0, 47)))
    lines = [f"timezone: {zone}", f"members: [{', '.join(members)}]",
             f"shift: {pattern[0] if len(pattern) == 1 else '[' + ', '.join(pattern) + ']'}",
             f"start: {start:%Y-%m-%dT%H:%M}"]
    if draw(st.booleans()):
        opens, length = draw(st.integers(0, 47)), draw(st.integers(1, 47))
        lines.append(f'hours: "{opens // 2:02d}:{opens % 2 * 30:02d}-{(opens + length) % 48 // 2:02d}:'
                     f'{(opens + length) % 2 * 30:02d}"')
    if draw(st.booleans()):
        lines.append(f"days: [{', '.join(draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=6, unique=True)))}]")
    change = draw(st.one_of(st.none(), st.integers(1, 80)))
    joined = draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=5, unique=True)) if change else None
    return "".join(f"    {line}\n" for line in lines), change, joined


def rotation_of(lines: str, change: int | None, joined: list[str] | None) -> Rotation | None:
    """The rotation as the model reads it, its change (if any) at the handoff starting shift `change` of the
    first roster, written as an instant; None when the model refuses it (a start in a DST gap)."""
    if change is not None and joined is not None:
        first = rotation_of(lines, None, None)
        line = timeline(first) if first is not None else None
        if line is None:
            return None
        instant = line.rosters[0].boundary(change)
        lines += f"    changes: [{{from: \"{instant.isoformat()}\", members: [{', '.join(joined)}]}}]\n"
    folder = Path(tempfile.mkdtemp(prefix="mapping-properties-"))
    (folder / "ownership.yaml").write_text(
        "version: 1\npeople: {a: {}, b: {}, c: {}, d: {}, e: {}}\nteams: {t: {members: [a, b, c, d, e]}}\n"
        "rotations:\n  r:\n    team: t\n" + lines, encoding="utf-8")
    loaded = load_config(WorktreeSource(str(folder)), "ownership.yaml")
    if any(d.rule == "CFG005" for d in loaded.diagnostics):
        return None
    return loaded.model.rotations["r"]


def rendered(rotation: Rotation) -> list[Stretch]:
    """PagerDuty's rendering (wall-clock turns) of the mapped layers over [SINCE, UNTIL)."""
    body = schedule_body(rotation, layers(rotation, {p: p for p in PEOPLE}, SINCE))
    return [Stretch(s, e, u) for s, e, u in PagerDutyLayers("wall").render(body, SINCE, UNTIL, [])]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rotations())
def test_layers_page_nobody_the_config_does_not_and_one_shift_length_needs_no_override(
        drawn: tuple[str, int | None, list[str] | None]) -> None:
    rotation = rotation_of(*drawn)
    if rotation is None:
        return
    simulated = [Stretch(s.start, s.end, s.person) for s in simulate_rotation(rotation, SINCE, UNTIL).slots]
    # An `hours` window that starts in a DST gap has no one reading (PagerDuty may count its length from the
    # local time the gap moves it to): those nights are what the plan reports as "cannot express", and only
    # those.
    found = [d for d in differences(simulated, rendered(rotation), SINCE, UNTIL)
             if rotation.hours is None or not near_dst(d, rotation.tz)]
    # restrictions and layer ends cover exactly the config's covered time: nothing needs removing
    assert [d for d in found if d.expected is None] == []
    assert [d for d in found if d.actual is None] == []
    if all(len(r.pattern) == 1 for r in timeline(rotation).rosters):  # type: ignore[union-attr]
        # one shift length: the layers alone are the schedule, across DST, days, hours and changes
        assert found == []


def near_dst(found: Difference, tz: tzinfo) -> bool:
    """Whether the zone changes its offset within a day of the stretch."""
    return bool(tz.utcoffset((found.start - DAY).astimezone(tz).replace(tzinfo=None))
                != tz.utcoffset((found.end + DAY).astimezone(tz).replace(tzinfo=None)))

stretch_lists = st.lists(st.tuples(st.integers(0, 48), st.integers(1, 12), st.sampled_from(["a", "b"])),
                         max_size=8).map(lambda items: [Stretch(SINCE + timedelta(hours=s), SINCE + timedelta(hours=s + n),
                                                                who) for s, n, who in items])


@given(stretch_lists, stretch_lists)
def test_outside_and_holds_throughout_agree_with_a_sample_by_the_hour(left: list[Stretch],
                                                                       cover: list[Stretch]) -> None:
    timeline_ = normalise(left, SINCE, SINCE + timedelta(hours=60))
    found = outside(timeline_, cover)
    for hour in range(60):
        moment = SINCE + timedelta(hours=hour)
        holder = next((s.holder for s in timeline_ if s.start <= moment < s.end), None)
        covered = any(c.start <= moment < c.end for c in cover)
        kept = next((s.holder for s in found if s.start <= moment < s.end), None)
        assert kept == (None if covered else holder)
    for item in cover:
        expected = all(next((s.holder for s in timeline_ if s.start <= SINCE + timedelta(hours=h) < s.end), None)
                       == item.holder for h in range(int((item.start - SINCE).total_seconds() // 3600),
                                                     int((item.end - SINCE).total_seconds() // 3600)))
        assert holds_throughout(timeline_, item) == expected
