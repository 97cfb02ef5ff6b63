"""The JSON Schema of ownership.yaml, and its errors turned into CFG002 diagnostics at the node at fault."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

from .diagnostics import Diagnostic, Location, Severity
from .load import YMap, key_loc, locate
from .schema_fast import conforms, ecma_anchored, regex

__all__ = ["conforms", "ecma_anchored", "jsonschema_validator", "schema", "schema_text", "validate"]

_SUBJECT_KINDS = {"services": "service", "teams": "team", "rotations": "rotation", "people": "person"}
_TYPE_NAMES = {
    "object": "a mapping", "array": "a list", "string": "a string", "integer": "a whole number",
    "number": "a number", "boolean": "true or false", "null": "empty",
}


def schema_text() -> str:
    """The schema as shipped: package data beside this module when installed, else the repo's schemas/
    (a source checkout); importlib.resources only for a package that is not plain files (a zip), as its
    import and readers cost ~10 ms of every start-up."""
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, "ownership.schema.json"),
                      os.path.join(os.path.dirname(here), "schemas", "ownership.schema.json")):
        if os.path.isfile(candidate):
            with open(candidate, encoding="utf-8") as handle:
                return handle.read()
    from importlib import resources

    return resources.files("checker").joinpath("ownership.schema.json").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


@lru_cache(maxsize=1)
def jsonschema_validator() -> Any:
    """jsonschema's Draft 7 validator for our schema, with `pattern` read as ECMA-262 reads it (see regex)."""
    # No format checker: formats are checked by the model with better messages,
    # and jsonschema's format checkers are slow to import.
    from jsonschema import Draft7Validator, ValidationError, validators

    def pattern(validator: Any, expected: str, instance: Any, _schema: Any) -> Any:
        if validator.is_type(instance, "string") and not regex(expected).search(instance):
            yield ValidationError(f"{instance!r} does not match {expected!r}")

    # jsonschema hands `pattern` to Python's re, whose `$` also matches before a final newline.
    return validators.extend(Draft7Validator, {"pattern": pattern})(schema())  # type: ignore[no-untyped-call]


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
            import difflib  # only for an invalid config

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
