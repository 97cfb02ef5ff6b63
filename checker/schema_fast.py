"""Is a config valid against the schema? The fast path, without jsonschema.

Pre-commit runs this on every commit, and a valid config is the common case.
`conforms` answers "is it valid?" for the keywords schemas/ownership.schema.json
uses, in one pass and without importing jsonschema (whose import alone costs
~100 ms); only an invalid config goes to jsonschema for its error messages
(checker/schema.py). tests/test_schema.py checks the two agree.

Each schema node is compiled once into a function that runs only the checks
the node has (a large config is ~10^5 values, each checked against a node).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

Check = Callable[[Any], bool]


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) or isinstance(value, float) and value.is_integer()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None, "integer": _is_integer, "number": _is_number,
}


@lru_cache(maxsize=256)
def regex(pattern: str) -> Any:
    """A schema pattern compiled as ECMA-262 reads it (see ecma_anchored)."""
    import re

    return re.compile(ecma_anchored(pattern))


def ecma_anchored(pattern: str) -> str:
    """A schema pattern for Python's re with ECMA-262's (JSON Schema's) meaning of `$`: the end of the
    string. Python's `$` also matches before a final newline, so `^[a-z]+$` would accept "abc\\n" and
    a name could split a CODEOWNERS, text or .ics line. (`^` already means the start without MULTILINE.)"""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern.startswith("^]", i + 1) or pattern.startswith("]", i + 1):  # a leading ']' is a member
                skip = 3 if pattern[i + 1] == "^" else 2
                out.append(pattern[i:i + skip])
                i += skip
                continue
        elif c == "$":
            c = "\\Z"
        out.append(c)
        i += 1
    return "".join(out)


_compiled: dict[int, tuple[dict[str, Any], Check]] = {}  # id(root) -> (root, its check); the root is kept alive


def conforms(value: Any, node: dict[str, Any]) -> bool:
    """True when value is valid against the schema `node` (a subset of draft-07: the keywords ours uses)."""
    found = _compiled.get(id(node))
    if found is None or found[0] is not node:
        found = _compiled[id(node)] = (node, _Compiler(node).check(node))
    return found[1](value)


def _all(steps: list[Check]) -> Check:
    """A check that passes when every step does, in order (unrolled for the usual one to three)."""
    if not steps:
        return lambda v: True
    if len(steps) == 1:
        return steps[0]
    if len(steps) == 2:
        first, second = steps
        return lambda v: first(v) and second(v)
    if len(steps) == 3:
        first, second, third = steps
        return lambda v: first(v) and second(v) and third(v)
    return lambda v: all(step(v) for step in steps)


class _Compiler:
    """Compiles schema nodes into checks; each definition `$ref`s name is compiled once (one that refers
    to itself, directly or not, is looked up when first called)."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.definitions: dict[str, Check] = {}
        self.compiling: set[str] = set()

    def check(self, node: dict[str, Any]) -> Check:
        if "$ref" in node:  # as in draft-07, a $ref replaces the node's other keywords
            return self._reference(node["$ref"])
        steps: list[Check] = []
        kind = node.get("type")
        if isinstance(kind, list):
            alternatives = [_TYPES[k] for k in kind]
            steps.append(lambda v: any(is_type(v) for is_type in alternatives))
        elif kind is not None:
            steps.append(_TYPES[kind])
        if "const" in node:
            const = node["const"]
            steps.append(lambda v: v == const and type(v) is type(const))
        if "enum" in node:
            allowed = node["enum"]
            steps.append(lambda v: any(v == e and type(v) is type(e) for e in allowed))
        string_steps = self._string_steps(node)
        if string_steps:
            on_strings = _all(string_steps)
            steps.append(lambda v: not isinstance(v, str) or on_strings(v))
        if "minimum" in node or "maximum" in node:
            low, high = node.get("minimum"), node.get("maximum")
            steps.append(lambda v: not _is_number(v) or (low is None or v >= low) and (high is None or v <= high))
        if isinstance(node.get("items"), dict) or "minItems" in node or "maxItems" in node:
            steps.append(self._array(node))
        if any(k in node for k in ("properties", "additionalProperties", "required", "propertyNames",
                                   "minProperties", "maxProperties")):
            steps.append(self._object(node))
        if "allOf" in node:
            every = [self.check(sub) for sub in node["allOf"]]
            steps.append(lambda v: all(sub(v) for sub in every))
        if "anyOf" in node:
            some = [self.check(sub) for sub in node["anyOf"]]
            steps.append(lambda v: any(sub(v) for sub in some))
        return _all(steps)

    def _reference(self, name: str) -> Check:
        """A local JSON pointer (`#/definitions/name`, `#/properties/policy/properties/rotation`)."""
        definitions = self.definitions
        if name in definitions:
            return definitions[name]
        if name in self.compiling:
            return lambda v: definitions[name](v)
        self.compiling.add(name)
        target: Any = self.root
        for part in name.removeprefix("#/").split("/"):
            target = target[part]
        definitions[name] = self.check(target)
        self.compiling.discard(name)
        return definitions[name]

    def _string_steps(self, node: dict[str, Any]) -> list[Check]:
        steps: list[Check] = []
        if node.get("minLength", 0):
            least = node["minLength"]
            steps.append(lambda v: len(v) >= least)
        if "pattern" in node:
            search = regex(node["pattern"]).search
            steps.append(lambda v: search(v) is not None)
        return steps

    def _array(self, node: dict[str, Any]) -> Check:
        least, most = node.get("minItems", 0), node.get("maxItems")
        items = self.check(node["items"]) if isinstance(node.get("items"), dict) else None

        def array(value: Any) -> bool:
            if not isinstance(value, list):
                return True
            if len(value) < least or most is not None and len(value) > most:
                return False
            return items is None or all(items(item) for item in value)

        return array

    def _object(self, node: dict[str, Any]) -> Check:
        least, most = node.get("minProperties", 0), node.get("maxProperties")
        required = tuple(node.get("required", ()))
        names = self.check(node["propertyNames"]) if "propertyNames" in node else None
        written: dict[str, Any] = node.get("properties", {})
        properties: dict[str, Check] = {}  # compiled on first use: a config uses a few of the schema's keys
        extra = node.get("additionalProperties", True)
        extra_check = self.check(extra) if isinstance(extra, dict) else None
        closed = extra is False

        def mapping(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            if len(value) < least or most is not None and len(value) > most:
                return False
            for key in required:
                if key not in value:
                    return False
            for key, item in value.items():
                if names is not None and not names(key):
                    return False
                check = properties.get(key)
                if check is None and key in written:
                    check = properties[key] = self.check(written[key])
                if check is not None:
                    if not check(item):
                        return False
                elif closed or extra_check is not None and not extra_check(item):
                    return False
            return True

        return mapping
