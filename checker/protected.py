"""Protected days: the policy's MM-DD days, and each person's public holidays (via `holidays`)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from .model import Person, Policy


@lru_cache(maxsize=64)
def _country(code: str, year: int) -> Any:
    import holidays  # imported only when a person has a country

    country, _, subdivision = code.partition("-")
    return holidays.country_holidays(country, subdiv=subdivision or None, years=year)


def check_country(code: str) -> None:
    """ValueError when `holidays` does not know the country or subdivision."""
    try:
        _country(code, 2026)
    except (NotImplementedError, KeyError, ValueError) as exc:
        raise ValueError(f"'{code}' is not a country (or subdivision) the holidays package knows: "
                         f"{' '.join(str(exc).split())[:120]}") from None


def protected_reason(day: date, person: Person | None, policy: Policy) -> str | None:
    """Why a day is protected for a person, or None."""
    if (day.month, day.day) in policy.rotation.protected_days:
        return "a protected day"
    if person is not None and person.country:
        try:
            name = _country(person.country, day.year).get(day)
        except (NotImplementedError, KeyError, ValueError):
            return None  # an unknown country is reported as CFG005
        if name:
            return f"a public holiday in {person.country} ({name})"
    return None
