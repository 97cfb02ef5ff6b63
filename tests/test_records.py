"""@record is @dataclass, made on first construction (checker/records.py)."""

from __future__ import annotations

import copy
from dataclasses import FrozenInstanceError, field, fields, is_dataclass, replace
from typing import Any

import pytest

from checker.records import record


def test_a_record_is_made_a_dataclass_by_its_first_instance_and_is_one_from_then_on() -> None:
    @record
    class Point:
        x: int
        y: int = 0
        tags: list[str] = field(default_factory=list)

        def __post_init__(self) -> None:
            self.tags.append("made")

    assert not is_dataclass(Point)  # nothing made at import
    first = Point(1)
    assert is_dataclass(Point) and [f.name for f in fields(Point)] == ["x", "y", "tags"]
    assert first == Point(1) and first != Point(1, 2)
    assert repr(first) == "test_a_record_is_made_a_dataclass_by_its_first_instance_and_is_one_from_then_on.<locals>." \
                          "Point(x=1, y=0, tags=['made'])"
    assert Point(1).tags is not first.tags  # default_factory, per instance
    assert (replace(first, y=5).x, replace(first, y=5).y) == (1, 5) and copy.copy(first) == first
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]  # x is required, as in a dataclass


def test_a_frozen_record_is_frozen_and_hashable() -> None:
    @record(frozen=True)
    class Key:
        name: str

    assert {Key("a"), Key("a")} == {Key("a")}
    with pytest.raises(FrozenInstanceError):
        Key("a").name = "b"  # type: ignore[misc]


def test_what_a_record_cannot_be_is_refused() -> None:
    with pytest.raises(TypeError, match="slots"):
        record(slots=True)  # type: ignore[call-overload]

    @record
    class Base:
        a: int

    with pytest.raises(TypeError, match="inherit"):
        @record
        class Child(Base):
            b: int


@pytest.mark.parametrize("options", [{}, {"frozen": True}, {"eq": False}, {"frozen": True, "eq": False}])
def test_eq_hash_and_repr_are_what_dataclass_gives(options: dict[str, bool]) -> None:
    from dataclasses import dataclass

    def define(decorator: Any) -> Any:
        @decorator(**options)
        class Made:
            name: str
            size: int = 0
            note: str = field(default="", compare=False)
            secret: str = field(default="", repr=False)
            tags: tuple[str, ...] = ()
        return Made

    real, mine = define(dataclass), define(record)
    samples = [("a", 1, "x", "s", ("t",)), ("a", 1, "y", "s", ("t",)), ("a", 2, "x", "s", ()), ("b", 1, "", "", ())]
    for left in samples:
        assert repr(mine(*left)).split("(", 1)[1] == repr(real(*left)).split("(", 1)[1]
        for right in samples:
            assert (mine(*left) == mine(*right)) == (real(*left) == real(*right))
        assert mine(*left) != real(*left)  # another class: never equal, as between two dataclasses
        if real.__hash__ is None:
            assert mine.__hash__ is None
        else:
            assert (hash(mine(*left)) == hash(mine(*samples[1]))) == (hash(real(*left)) == hash(real(*samples[1])))
