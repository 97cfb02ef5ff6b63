"""The builders' shared ground: reporting problems and parsing values with CFG005 at the node."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity
from ..load import YMap, key_loc, value_loc
from ..timeutil import parse_datetime, parse_duration, zone
from .entities import Node


def node_of(mapping: Any, loc: Location) -> Node:
    """The entity declared at loc (in the mapping's own file) by mapping."""
    if isinstance(mapping, YMap):
        return Node(loc, dict(mapping.value_locs))
    return Node(loc)


def str_at(mapping: Any, key: str) -> str | None:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, str) else None


def names_of(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def names_at(mapping: Any, key: str, default: Location) -> tuple[list[str], list[Location]]:
    """The names under a key (one name or a list), with where each is written."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if isinstance(value, str):
        return [value], [value_loc(mapping, key, default)]
    names, locs = [], []
    for index, item in items_of(value):
        if isinstance(item, str):
            names.append(item)
            locs.append(value_loc(value, index, default))
    return names, locs


def items_of(value: Any) -> Iterator[tuple[int, Any]]:
    if isinstance(value, list):
        yield from enumerate(value)


def next_midnight(moment: datetime, tz: tzinfo) -> datetime:
    local = moment.astimezone(tz)
    following = (local + timedelta(days=1)).date()
    return datetime(following.year, following.month, following.day, tzinfo=tz)


class ValueReader:
    """Collects diagnostics; parses typed values, reporting CFG005 where they are impossible."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self._blocks: dict[str, Location] = {}  # top-level blocks one file may set, where they were set

    def single_block(self, doc: YMap, key: str, file: str) -> Any:
        """The value of a top-level block (`policy`, `routing`) that only one file may set, or None (and CFG003)
        when an earlier file set it already."""
        loc = key_loc(doc, key, doc.loc)
        first = self._blocks.get(key)
        if first is not None:
            self.problem("CFG003", f"file/{file}", loc, f"{key} is already set at {first}; keep one {key} block")
            return None
        self._blocks[key] = loc
        return doc[key]

    def problem(self, rule: str, subject: str, loc: Location, message: str) -> None:
        self.diagnostics.append(Diagnostic(rule, Severity.ERROR, subject, message, loc))

    def parsed(self, mapping: YMap, key: str, parse: Any, subject: str) -> Any:
        value = mapping.get(key)
        return self.parsed_value(value, parse, value_loc(mapping, key, mapping.loc), subject)

    def parsed_value(self, value: Any, parse: Any, loc: Location, subject: str) -> Any:
        if not isinstance(value, str):
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.problem("CFG005", subject, loc, str(exc))
            return None

    def duration(self, mapping: YMap, key: str, subject: str, positive: bool = True) -> timedelta | None:
        value: timedelta | None = self.parsed(mapping, key, parse_duration, subject)
        if value is not None and positive and value <= timedelta(0):
            self.problem("CFG005", subject, value_loc(mapping, key, mapping.loc),
                         f"{key} is zero; give it a length such as 1w")
            return None
        return value

    def zone_at(self, mapping: YMap, key: str, subject: str) -> tuple[str, tzinfo]:
        tz = self.parsed(mapping, key, zone, subject)
        if tz is None:
            return "UTC", UTC
        return mapping[key], tz

    def instant(self, mapping: YMap, key: str, tz: tzinfo, subject: str) -> tuple[datetime, bool] | None:
        return self.parsed(mapping, key, lambda text: parse_datetime(text, tz), subject)  # type: ignore[no-any-return]

