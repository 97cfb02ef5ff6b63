"""Holiday cutting as SPEC §7.3 settles it.

The holiday period runs from the first regular handoff at or after the
window's start (00:00 local on its first day) to the first regular handoff at
or after its end (24:00 local on its last day). That period, and only that,
is cut into pieces of `holiday_shift` numbered j = 0, 1, ... across the whole
period; piece j goes to the owner of shift k0 + j, k0 being the shift that
starts the period. The period depends only on the rotation, never on the
range simulated, so every --from and horizon cut a shift the same way. A
roster change inside the period starts a new run of pieces from its `from`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from ..records import record
from .intervals import Interval
from .localtime import add_wall, holiday_windows, to_utc, wall
from .roster import Timeline


@record(frozen=True)
class Piece:
    roster: int
    k0: int  # the shift that starts the period (or the roster's part of it)
    j: int
    start: datetime
    end: datetime
    person: str


def holiday_periods(line: Timeline, holiday: tuple[tuple[int, int], tuple[int, int]], start: datetime,
                    end: datetime) -> list[Interval]:
    """The non-empty holiday periods that meet [start, end), sorted."""
    tz = line.rosters[0].tz
    longest = max(max(r.pattern) for r in line.rosters)
    # A period reaches at most one shift past its window, so earlier windows cannot meet [start, end).
    reach_years = min(longest // timedelta(days=365) + 1, 10_000)
    first_year = max(wall(start, tz).year - 1 - reach_years, wall(line.start, tz).year - 1)
    out = []
    for _, (window_start, window_end) in holiday_windows(holiday, tz, first_year, wall(end, tz).year):
        if window_start >= end:
            break
        period_start = line.handoff_at_or_after(window_start)[2]
        period_end = line.handoff_at_or_after(window_end)[2]
        if period_start < period_end and period_start < end and period_end > start:
            out.append((period_start, period_end))
    return out


def cut_parts(line: Timeline, holiday: tuple[tuple[int, int], tuple[int, int]], holiday_shift: timedelta | None,
              start: datetime, end: datetime) -> list[Interval]:
    """The parts of holiday periods meeting [start, end) that are cut: each period split where a
    roster change falls, keeping the parts of rosters whose shifts are longer than the pieces."""
    if holiday_shift is None or all(max(r.pattern) <= holiday_shift for r in line.rosters):
        return []
    out = []
    for period_start, period_end in holiday_periods(line, holiday, start, end):
        index = line.roster_at(period_start)
        while index < len(line.rosters) and line.rosters[index].start < period_end:
            part = (max(period_start, line.rosters[index].start), min(period_end, line.ends[index]))
            if max(line.rosters[index].pattern) > holiday_shift:
                out.append(part)
            index += 1
    return out


def pieces(line: Timeline, part: Interval, holiday_shift: timedelta, start: datetime,
           end: datetime) -> Iterator[Piece]:
    """The pieces of one cut part that meet [start, end): piece j from the part's start on the
    wall clock, boundaries raised like shifts' (SPEC §11)."""
    part_start, part_end = part
    roster = line.rosters[line.roster_at(part_start)]
    k0 = roster.index_at(part_start)
    origin = wall(part_start, roster.tz)
    current, j = part_start, 0
    while current < part_end and current < end:
        following = min(max(to_utc(add_wall(origin, (j + 1) * holiday_shift), roster.tz), current), part_end)
        if following > current and following > start:
            yield Piece(roster.index, k0, j, current, following, roster.owner(k0 + j))
        current, j = following, j + 1
