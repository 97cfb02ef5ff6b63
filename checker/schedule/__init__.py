"""The rotation engine, the one place of time arithmetic: who is on call when, as intervals.

engine.py simulates (rosters in roster.py, holiday cutting in holidays.py,
local time in localtime.py); diff.py says what a change moves; load.py
measures who carries how much; limits.py bounds what one run simulates.

The model reads limits.py, roster.py and localtime.py while it is being
built, so those three import nothing from this package but each other and
`model.entities`.
"""

from typing import TYPE_CHECKING, Any

from .engine import (
    RotationSchedule,
    Run,
    Schedule,
    Slot,
    runs,
    simulate,
    simulate_rotation,
    turns,
)
from .intervals import Interval, intersect, subtract, total_hours, union
from .limits import lookback
from .localtime import (
    DAY,
    calendar_add,
    calendar_length,
    daily_windows,
    format_local,
    holiday_windows_between,
    iso_local,
)

if TYPE_CHECKING:
    from .diff import PersonChange, ScheduleChange, ScheduleDiff, schedule_diff

_DIFF = ("PersonChange", "ScheduleChange", "ScheduleDiff", "schedule_diff")


def __getattr__(name: str) -> Any:
    """diff.py on first use: only diff mode (--base) compares schedules, so `check` starts without it."""
    if name in _DIFF:
        from . import diff

        return getattr(diff, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DAY", "Interval", "PersonChange", "RotationSchedule", "Run", "Schedule", "ScheduleChange", "ScheduleDiff",
    "Slot", "calendar_add", "calendar_length",
    "daily_windows", "format_local", "holiday_windows_between", "intersect", "iso_local", "lookback", "runs",
    "schedule_diff", "simulate", "simulate_rotation", "subtract", "total_hours", "turns", "union",
]
