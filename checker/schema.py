"""The JSON Schema of ownership.yaml, and its errors turned into CFG002 diagnostics at the node at fault."""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, Location, Severity
from .load import YMap, key_loc, locate

_SUBJECT_KINDS = {"services": "service", "teams": "team", "rotations": "rotation", "people": "person"}
_TYPE_NAMES = {
    "object": "a mapping", "array": "a list", "string": "a string", "integer": "a whole number",
    "number": "a number", "boolean": "true or false", "null": "empty",
}


def schema_text() -> str:
    """The schema as shipped: package data when installed, else the repo's schemas/ (source checkout)."""
    packaged = resources.files("checker").joinpath("ownership.schema.json")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parent.parent / "schemas" / "ownership.schema.json").read_text("utf-8")


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


@lru_cache(maxsize=1)
def jsonschema_validator() -> Any:
    """jsonschema's Draft 7 validator for our schema, with `pattern` read as ECMA-262 reads it (see _regex)."""
    # No format checker: formats are checked by the model with better messages,
    # and jsonschema's format checkers are slow to import.
    from jsonschema import Draft7Validator, ValidationError, validators

    def pattern(validator: Any, expected: str, instance: Any, _schema: Any) -> Any:
        if validator.is_type(instance, "string") and not _regex(expected).search(instance):
            yield ValidationError(f"{instance!r} does not match {expected!r}")

    # jsonschema hands `pattern` to Python's re, whose `$` also matches before a final newline.
    return validators.extend(Draft7Validator, {"pattern": pattern})(schema())  # type: ignore[no-untyped-call]


# ---------------------------------------------------------------- the fast path
#
# Pre-commit runs this on every commit, and a valid config is the common case.
# `conforms` answers "is it valid?" for the keywords schemas/ownership.schema.json
# uses, in one pass and without importing jsonschema (whose import alone costs
# ~100 ms); only an invalid config goes to jsonschema for its error messages.
# tests/test_schema.py checks the two agree.

_TYPES: dict[str, Any] = {
    "object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool)
    or isinstance(v, float) and v.is_integer(),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


@lru_cache(maxsize=256)
def _regex(pattern: str) -> Any:
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


def _is_type(value: Any, name: str) -> bool:
    check = _TYPES[name]
    return check(value) if callable(check) and not isinstance(check, type) else isinstance(value, check)


def conforms(value: Any, node: dict[str, Any], root: dict[str, Any] | None = None) -> bool:
    """True when value is valid against node (a subset of draft-07: the keywords our schema uses)."""
    root = root if root is not None else node
    while "$ref" in node:
        node = _pointer(root, node["$ref"])
    kind = node.get("type")
    if kind is not None and not (any(_is_type(value, k) for k in kind) if isinstance(kind, list)
                                 else _is_type(value, kind)):
        return False
    if "const" in node and not (value == node["const"] and type(value) is type(node["const"])):
        return False
    if "enum" in node and not any(value == e and type(value) is type(e) for e in node["enum"]):
        return False
    if isinstance(value, str):
        if len(value) < node.get("minLength", 0):
            return False
        if "pattern" in node and not _regex(node["pattern"]).search(value):
            return False
    if (isinstance(value, (int, float)) and not isinstance(value, bool)
            and ("minimum" in node and value < node["minimum"] or "maximum" in node and value > node["maximum"])):
        return False
    if isinstance(value, list):
        if not node.get("minItems", 0) <= len(value) <= node.get("maxItems", len(value)):
            return False
        items = node.get("items")
        if items is not None and not all(conforms(item, items, root) for item in value):
            return False
    if isinstance(value, dict) and not _conforms_object(value, node, root):
        return False
    if "allOf" in node and not all(conforms(value, sub, root) for sub in node["allOf"]):
        return False
    return "anyOf" not in node or any(conforms(value, sub, root) for sub in node["anyOf"])


def _pointer(root: dict[str, Any], ref: str) -> dict[str, Any]:
    """The node a local `$ref` (`#/definitions/name`, `#/properties/policy/...`) points at."""
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node  # type: ignore[no-any-return]


def _conforms_object(value: dict[str, Any], node: dict[str, Any], root: dict[str, Any]) -> bool:
    if not node.get("minProperties", 0) <= len(value) <= node.get("maxProperties", len(value)):
        return False
    if any(key not in value for key in node.get("required", ())):
        return False
    names = node.get("propertyNames")
    if names is not None and not all(conforms(key, names, root) for key in value):
        return False
    properties = node.get("properties", {})
    extra = node.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            if not conforms(item, properties[key], root):
                return False
        elif extra is False or isinstance(extra, dict) and not conforms(item, extra, root):
            return False
    return True


def known_keys(section_schema: dict[str, Any]) -> list[str]:
    return list(section_schema.get("properties", {}))


def validate(document: Any, path: str) -> list[Diagnostic]:
    """One CFG002 per problem, each at the node at fault. The schema holds for includes too, so it does
    not require `version`; config.py requires it of the main file."""
    default = getattr(document, "loc", Location(path))
    if not isinstance(document, dict):
        what = "empty" if document is None else f"{_type_of(document)}"
        return [_cfg002(f"file/{path}", default, f"the config is {what}; it must be a mapping that starts with `version: 1`")]
    if conforms(document, schema()):
        return []  # the common case, answered without importing jsonschema
    diagnostics: list[Diagnostic] = []
    for error in jsonschema_validator().iter_errors(document):
        diagnostics.extend(_explain(error, document, path, default))
    return diagnostics


def _cfg002(subject: str, loc: Location, message: str) -> Diagnostic:
    return Diagnostic("CFG002", Severity.ERROR, subject, message, loc)


def subject_for(path: list[Any], file: str) -> str:
    if len(path) >= 2 and path[0] in _SUBJECT_KINDS and isinstance(path[1], str):
        return f"{_SUBJECT_KINDS[path[0]]}/{path[1]}"
    return f"file/{file}"


def dotted(path: list[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the top level"


def _type_of(value: Any) -> str:
    for name, python_type in (("a mapping", dict), ("a list", list), ("true or false", bool), ("a string", str)):
        if isinstance(value, python_type):
            return name
    if value is None:
        return "empty"
    return "a number"


def _deepest(error: Any) -> Any:
    """For anyOf/oneOf, the sub-error that says most about what to change: the one
    that got furthest into the value (a list of names failing on one item beats
    "must be a string")."""
    return max(error.context, key=lambda e: len(e.absolute_path))


def _explain(error: Any, root: Any, file: str, default: Location) -> list[Diagnostic]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        if all(e.validator == "type" and len(e.absolute_path) == len(error.absolute_path) for e in error.context):
            path = list(error.absolute_path)
            return [_cfg002(subject_for(path, file), locate(root, path, default),
                            f"{dotted(path)} must be {error.schema.get('description', 'valid').rstrip('.').lower()}, "
                            f"not {_type_of(error.instance)}")]
        error = _deepest(error)
    path = list(error.absolute_path)
    where = dotted(path)
    subject = subject_for(path, file)
    loc = locate(root, path, default)
    instance, schema_part, kind = error.instance, error.schema, error.validator
    described = schema_part.get("description", "")
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = known_keys(schema_part)
        out = []
        for key in instance:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(allowed)}"
            out.append(_cfg002(subject, key_loc(instance, key, loc), f"unknown key '{key}' in {where}; {hint}"))
        return out
    if "propertyNames" in error.schema_path:
        bad = error.instance
        node = _node_at(root, path)
        kloc = key_loc(node, bad, loc) if isinstance(node, YMap) else loc
        subject = subject_for(path + [bad], file)
        return [_cfg002(subject, kloc, f"'{bad}' in {where} is not a valid name: use lower-case letters, "
                                        "digits, '.', '_' and '-', starting with a letter or digit")]
    if kind == "required":
        missing = [k for k in schema_part.get("required", []) if isinstance(instance, dict) and k not in instance]
        return [_cfg002(subject, loc, f"{where} is missing required key '{k}'") for k in missing]
    if kind == "type":
        expected = schema_part.get("type")
        names = [_TYPE_NAMES.get(str(t), str(t)) for t in (expected if isinstance(expected, list) else [expected])]
        return [_cfg002(subject, loc, f"{where} must be {' or '.join(names)}, not {_type_of(instance)}")]
    if kind in ("pattern", "const", "enum", "minimum", "maximum", "minLength"):
        if kind == "enum":
            rule = f"one of {', '.join(map(str, schema_part['enum']))}"
            return [_cfg002(subject, loc, f"{where} is '{instance}'; it must be {rule}")]
        if kind == "const":
            return [_cfg002(subject, loc, f"{where} must be {schema_part['const']!r}")]
        return [_cfg002(subject, loc, f"{where} value {instance!r} is not valid. {described}".strip())]
    if kind in ("minProperties", "maxProperties") and isinstance(instance, dict):
        keys = ", ".join(known_keys(schema_part))
        return [_cfg002(subject, loc, f"{where} must have exactly one of: {keys}")]
    if kind in ("minItems", "maxItems"):
        return [_cfg002(subject, loc, f"{where}: {error.message}. {described}".strip())]
    return [_cfg002(subject, loc, f"{where}: {error.message}")]


def _node_at(root: Any, path: list[Any]) -> Any:
    node = root
    for part in path:
        node = node[part]
    return node
