"""Protected days: the policy's MM-DD days, and each person's public holidays (via `holidays`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from .model import Person, Policy
from .public_holidays import country_holidays


def protected_reason(day: date, person: Person | None, policy: Policy) -> str | None:
    """Why a day is protected for a person, or None."""
    if (day.month, day.day) in policy.rotation.protected_days:
        return "a protected day"
    if person is not None and person.country:
        try:
            name = country_holidays(person.country, day.year).get(day)
        except (NotImplementedError, KeyError, ValueError):
            return None  # an unknown country is reported as CFG005
        if name:
            return f"a public holiday in {person.country} ({name})"
    return None


def protected_days_between(person: Person | None, policy: Policy, start: datetime,
                           end: datetime) -> list[tuple[date, str, datetime, datetime]]:
    """Each protected day of a person that meets [start, end): (day, why, its local start and end in UTC)."""
    tz_name = person.timezone if person else "UTC"
    country = person.country if person else None
    return _protected_days(tz_name, country, policy.rotation.protected_days, start, end)


@lru_cache(maxsize=1024)
def _protected_days(tz_name: str, country: str | None, fixed: tuple[tuple[int, int], ...], start: datetime,
                    end: datetime) -> list[tuple[date, str, datetime, datetime]]:
    from .timeutil import localize, zone

    tz = zone(tz_name)
    found: dict[date, str] = {}
    for year in range(start.astimezone(tz).year, end.astimezone(tz).year + 1):
        if country:
            try:
                for day, name in sorted(country_holidays(country, year).items()):
                    found.setdefault(day, f"a public holiday in {country} ({name})")
            except (NotImplementedError, KeyError, ValueError):
                pass
        for month, day_of_month in fixed:
            try:
                found[date(year, month, day_of_month)] = "a protected day"
            except ValueError:  # 02-29 in a common year
                continue
    out = []
    for day in sorted(found):
        midnight = datetime(day.year, day.month, day.day)
        day_start, day_end = localize(midnight, tz), localize(midnight + timedelta(days=1), tz)
        if day_start < end and day_end > start:
            out.append((day, found[day], day_start, day_end))
    return out
