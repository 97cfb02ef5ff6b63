"""Public holidays per country (ISO 3166 code, optional subdivision), from the `holidays` package.

Imported only when someone has a `country`: the package is large.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=64)
def country_holidays(code: str, year: int) -> Any:
    import holidays  # imported only when a person has a country

    country, _, subdivision = code.partition("-")
    return holidays.country_holidays(country, subdiv=subdivision or None, years=year)


def check_country(code: str) -> None:
    """ValueError when `holidays` does not know the country or subdivision."""
    try:
        country_holidays(code, 2026)
    except (NotImplementedError, KeyError, ValueError) as exc:
        raise ValueError(f"'{code}' is not a country (or subdivision) the holidays package knows: "
                         f"{' '.join(str(exc).split())[:120]}") from None
