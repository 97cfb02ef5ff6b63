"""The rotation engine: who is on call when, as intervals (see engine.py), and what a change moves (diff.py)."""

from .engine import RotationSchedule, Run, Schedule, Slot, lookback, runs, simulate, simulate_rotation
from .intervals import Interval, intersect, subtract, union
from .localtime import DAY, daily_windows, format_local, holiday_windows

__all__ = [
    "DAY", "Interval", "RotationSchedule", "Run", "Schedule", "Slot", "daily_windows", "format_local",
    "holiday_windows", "intersect", "lookback", "runs", "simulate", "simulate_rotation", "subtract", "union",
]
