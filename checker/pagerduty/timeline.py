"""Who holds the pager when, as stretches, and where two such timelines differ.

Pure: the plan (simulated schedule against PagerDuty's rendering of the layers), DRF001 (simulated against
PagerDuty's final schedule) and the import (PagerDuty against the imported rotation) all compare
timelines the same way, here.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from datetime import UTC, datetime

from ..records import record
from ..schedule.intervals import subtract, union


@record(frozen=True)
class Stretch:
    """[start, end) held by `holder` (a person's name or a PagerDuty user ID; None: nobody)."""

    start: datetime
    end: datetime
    holder: str | None


def parse_instant(text: object) -> datetime:
    """An ISO 8601 instant from PagerDuty's answer, in UTC; ValueError for anything else."""
    if not isinstance(text, str) or len(text) > 40:
        raise ValueError(f"not an ISO 8601 time: {str(text)[:40]!r}")
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"time without an offset: {text!r}")
    return value.astimezone(UTC)


def normalise(stretches: Iterable[Stretch], begin: datetime, end: datetime) -> list[Stretch]:
    """Clipped to [begin, end), sorted, held stretches only, touching ones of one holder joined.
    Overlaps (a hostile or broken answer) keep the later-starting holder from its start on."""
    out: list[Stretch] = []
    for item in sorted(stretches, key=lambda s: (s.start, s.end)):
        start, finish = max(item.start, begin), min(item.end, end)
        if start >= finish or item.holder is None:
            continue
        if out and out[-1].end > start:
            out[-1] = Stretch(out[-1].start, start, out[-1].holder)
            if out[-1].start >= out[-1].end:
                out.pop()
        if out and out[-1].end == start and out[-1].holder == item.holder:
            out[-1] = Stretch(out[-1].start, finish, item.holder)
        else:
            out.append(Stretch(start, finish, item.holder))
    return out


def holder_at(stretches: list[Stretch], index: int, moment: datetime) -> tuple[str | None, int]:
    """The holder at moment walking a sorted list from index, and the index to go on from."""
    while index < len(stretches) and stretches[index].end <= moment:
        index += 1
    if index < len(stretches) and stretches[index].start <= moment:
        return stretches[index].holder, index
    return None, index


@record(frozen=True)
class Difference:
    """[start, end) where `expected` and `actual` hold the pager differently (None: nobody)."""

    start: datetime
    end: datetime
    expected: str | None
    actual: str | None


def differences(expected: Iterable[Stretch], actual: Iterable[Stretch], begin: datetime,
                end: datetime) -> list[Difference]:
    """Every maximal stretch of [begin, end) over which the two timelines name different holders, each
    with one holder on each side (a change of holder on either side starts a new one)."""
    left, right = normalise(expected, begin, end), normalise(actual, begin, end)
    edges = sorted({begin, end} | {s.start for s in left + right} | {s.end for s in left + right})
    out: list[Difference] = []
    i = j = 0
    for start, finish in itertools.pairwise(edges):
        if start >= end or finish <= begin:
            continue
        a, i = holder_at(left, i, start)
        b, j = holder_at(right, j, start)
        if a == b:
            continue
        if out and out[-1].end == start and (out[-1].expected, out[-1].actual) == (a, b):
            out[-1] = Difference(out[-1].start, finish, a, b)
        else:
            out.append(Difference(start, finish, a, b))
    return out


def relabel(stretches: Iterable[Stretch], names: dict[str, str]) -> list[Stretch]:
    """The same stretches with each holder renamed through `names` (unknown holders kept)."""
    return [Stretch(s.start, s.end, names.get(s.holder, s.holder) if s.holder else None) for s in stretches]


def within(found: list[Difference], other: list[Difference]) -> list[Difference]:
    """The parts of `found` that lie inside some stretch of `other` (both sorted, as differences gives them)."""
    out: list[Difference] = []
    j = 0
    for item in found:
        while j < len(other) and other[j].end <= item.start:
            j += 1
        k = j
        while k < len(other) and other[k].start < item.end:
            start, end = max(item.start, other[k].start), min(item.end, other[k].end)
            if start < end:
                out.append(Difference(start, end, item.expected, item.actual))
            k += 1
    return out


def holds_throughout(stretches: list[Stretch], stretch: Stretch, starts: list[datetime] | None = None) -> bool:
    """Whether normalised `stretches` (whose starts are `starts`, if given) give all of `stretch` to its
    holder, with no gap."""
    index = bisect.bisect_right(starts if starts is not None else [s.start for s in stretches], stretch.start) - 1
    cursor = stretch.start
    while 0 <= index < len(stretches) and cursor < stretch.end:
        found = stretches[index]
        if found.start > cursor or found.end <= cursor or found.holder != stretch.holder:
            return False
        cursor, index = found.end, index + 1
    return cursor >= stretch.end


def outside(stretches: list[Stretch], cover: list[Stretch]) -> list[Stretch]:
    """The parts of sorted, disjoint `stretches` that no stretch of `cover` (in any order) meets."""
    pieces = subtract([(s.start, s.end) for s in stretches], union((c.start, c.end) for c in cover))
    out: list[Stretch] = []
    index = 0
    for start, end in pieces:  # each piece lies inside one stretch, in the same order
        while stretches[index].end <= start:
            index += 1
        out.append(Stretch(start, end, stretches[index].holder))
    return out
