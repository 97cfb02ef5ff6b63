"""The report as JSON: indented down to its records (a service, a team, a person), each record on one line.

`json.dumps(indent=2)` indents every level with the json module's pure-Python
encoder: a third of a large organisation's `report --format json`. Here the
two outer levels are laid out and each record is written by the C encoder, so
the file stays readable (and greppable: one service per line) and valid JSON.
"""

from __future__ import annotations

import json
from typing import Any

LEVELS = 2  # the report object, then its sections; a section's items are records


def render(data: dict[str, Any]) -> str:
    return _value(data, 0) + "\n"


def _value(value: Any, depth: int) -> str:
    if depth >= LEVELS or not isinstance(value, (dict, list)) or not value \
            or isinstance(value, dict) and not all(isinstance(key, str) for key in value):
        return json.dumps(value, separators=(", ", ": "))
    inner, outer = "  " * (depth + 1), "  " * depth
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(key)}: {_value(item, depth + 1)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + outer + "}"
    return "[\n" + ",\n".join(f"{inner}{_value(item, depth + 1)}" for item in value) + "\n" + outer + "]"
