"""What the loader builds: mappings and sequences that remember where each key, value and item is written.

Mappings are :class:`YMap` (a dict) and sequences :class:`YSeq` (a list), so
jsonschema and the model read them as ordinary JSON data.
"""

from __future__ import annotations

from typing import Any

from .diagnostics import Location, Written, placed


class YMap(dict):  # type: ignore[type-arg]
    """A mapping with the location of itself, each key and each value (the parser's marks for those: read
    them with key_loc and value_loc)."""

    __slots__ = ("key_locs", "loc", "value_locs")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.key_locs: dict[str, Written] = {}
        self.value_locs: dict[str, Written] = {}

    def with_value(self, key: str, value: Any) -> YMap:
        """A copy with one more key (placed at the mapping itself); parsed nodes are shared, never changed."""
        copy = YMap(self.loc)
        copy.update(self)
        copy[key] = value
        copy.key_locs = {**self.key_locs, key: self.loc}
        copy.value_locs = {**self.value_locs, key: self.loc}
        return copy


class YSeq(list):  # type: ignore[type-arg]
    """A sequence with the location of itself and of each item (marks: read them with value_loc)."""

    __slots__ = ("item_locs", "loc")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.item_locs: list[Written] = []


def value_loc(container: Any, key: Any, default: Location) -> Location:
    """Where container[key] is written (the value, not the key)."""
    if isinstance(container, YMap):
        return placed(container.value_locs.get(key, container.loc), container.loc.file)
    if isinstance(container, YSeq) and isinstance(key, int) and 0 <= key < len(container.item_locs):
        return placed(container.item_locs[key], container.loc.file)
    return default


def key_loc(container: Any, key: str, default: Location) -> Location:
    if isinstance(container, YMap):
        return placed(container.key_locs.get(key, container.loc), container.loc.file)
    return default


def locate(root: Any, path: Any, default: Location) -> Location:
    """Location of the node at a JSON path (keys and indexes) below root."""
    node, loc = root, getattr(root, "loc", default)
    for part in path:
        try:
            child = node[part]
        except (KeyError, IndexError, TypeError):
            break
        loc = value_loc(node, part, loc)
        node = child
    return loc
