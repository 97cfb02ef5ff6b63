"""Plain YAML scalars read with YAML 1.2 core-schema rules: `12:00`, `2026-01-06`, `no` and `on` stay strings."""

from __future__ import annotations

import math
import re
from typing import Any

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
_MAX_NUMBER_CHARS = 40  # longer digit strings stay strings (int() refuses >4300 digits)
# For the loader's fast path: a plain scalar that is not a keyword and does not start with one of
# NUMBER_START is a string as written (non-ASCII digits included: the patterns above are ASCII).
KEYWORDS: dict[str, Any] = {**dict.fromkeys(_NULL), **_BOOL}
NUMBER_START = frozenset("0123456789+-.")


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted, untagged) scalar under YAML 1.2 core rules."""
    if text in KEYWORDS:
        return KEYWORDS[text]
    if text[0] not in NUMBER_START:
        return text
    if len(text) > _MAX_NUMBER_CHARS:
        return text
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text, 0)
    if _HEX.match(text):
        return int(text, 0)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text[0] == "-" else math.inf
    if _NAN.match(text):
        return math.nan
    return text
