"""Bounds on what one run simulates (SPEC §11: slots per run), so no config can make the checker hang.

The model reports a value beyond them as CFG005 naming the limit and keeps
the run within them; `simulate` refuses a range that would exceed MAX_SLOTS
(ScheduleTooLarge), which commands turn into a one-line error.
"""

from __future__ import annotations

from datetime import timedelta

from ..model.entities import Model, Rotation

MIN_SHIFT = timedelta(hours=1)  # each element of a shift pattern, and holiday_shift
MAX_HORIZON = timedelta(weeks=104)  # policy.horizon: two years
MAX_LOOKBACK = MAX_HORIZON + timedelta(days=1)  # before now, for stretches already under way
MAX_SLOTS = 1_000_000  # slots of one simulation, all rotations together (about 200 MB, 10 s)


class ScheduleTooLarge(ValueError):
    """A simulation would hold more than MAX_SLOTS slots."""


def estimated_slots(rotation: Rotation, span: timedelta) -> int:
    """An upper estimate of the slots a rotation has over a span: its shifts and holiday pieces,
    one covered window per day, and two cuts per override."""
    lengths = list(rotation.pattern) + [d for c in rotation.changes for d in (c.pattern or ())]
    if rotation.holiday_shift is not None:
        lengths.append(rotation.holiday_shift)
    if not lengths or not rotation.members:
        return 0
    shortest = max(min(lengths), MIN_SHIFT)
    windows = span // timedelta(days=1) + 2 if rotation.hours is not None or rotation.days is not None else 1
    return span // shortest + 2 + windows + 2 * len(rotation.overrides)


def lookback(model: Model) -> timedelta:
    """How far before `now` to simulate, so stretches already under way are seen whole."""
    longest = max([model.policy.rotation.max_consecutive]
                  + [model.policy_for(r).max_consecutive for r in model.rotations.values()])
    return min(longest + timedelta(days=1), MAX_LOOKBACK)
