"""What the rules that read only the config said, remembered for the same config at the same --now.

Most of a large check is the schedule: simulating every rotation over the
horizon and the (t) rules on it. Those rules (``model_only`` in the registry)
read nothing but the model, `--now` and the schedule simulated from them, and
the model is a function of the config files' bytes. So their diagnostics, and
the one schedule fact another rule needs (which rotations have someone on call
after now, for ALR004), are kept in the per-file cache (checker/cache.py)
under a key made of:

- every config file read (main and includes): path and bytes;
- `--now`, exactly (a check without `--now` runs at the current minute, so it
  meets its entry only within that minute);
- the time zone data of every zone the config names (the files' sizes and
  times, or the tzdata package's version), and the `holidays` package's
  version when someone has a `country`;
- and, as for every entry, the checker's own code.

A changed rule file, runbook or manifest leaves the entry valid; a changed
config, a new `--now` or new zone data makes a new one. The entry is checked
like any other (plain JSON, each value validated, nothing executed).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any

from .cache import Invalid, cached
from .config import LoadedConfig
from .diagnostics import Diagnostic, Location, Severity
from .load import MAX_FILE_BYTES
from .model import Model
from .rules import CATALOGUE, Context, effective_severity, model_only_rules

FACT = "on_call_after_now"


def remembered(loaded: LoadedConfig, context: Context, config_path: str, key: bytes,
               run: Callable[[frozenset[str]], Iterable[Diagnostic]]) -> list[Diagnostic]:
    """The model-only rules' diagnostics: from the cache, or run(only those rules) and stored. Sets the
    context's on-call facts either way (from the cache, the schedule is not simulated for them).
    key: verdict_key() of this run."""
    model_only = model_only_rules()

    def compute() -> tuple[list[Diagnostic], dict[str, bool]]:
        found = list(run(model_only))
        return found, {name: context.someone_on_call_after_now(name) for name in sorted(context.model.rotations)}

    diagnostics, facts = cached("verdict/model-only", config_path, key, compute, _encode,
                                lambda plain: _decode(plain, model_only, context.model, loaded.files))
    context.on_call_after_now.update(facts)
    return diagnostics


def verdict_key(loaded: LoadedConfig, model: Model, now: datetime) -> bytes:
    """What every verdict of this run depends on besides the repository's other files: the config's
    bytes, --now, and the zone and holiday data the schedule is made from."""
    parts = [loaded.fingerprint, now.isoformat().encode()]
    zones = sorted({r.timezone for r in model.rotations.values()} | {p.timezone for p in model.people.values()})
    parts += [f"{zone}={_zone_stamp(zone)}".encode() for zone in zones]
    if any(person.country for person in model.people.values()):
        parts.append(f"holidays={_version('holidays')}".encode())
    return b"\0".join(parts)


def _zone_stamp(zone: str) -> str:
    """What the zone's rules were read from: a TZif file (size and time), else the tzdata package."""
    import zoneinfo

    for root in zoneinfo.TZPATH:
        try:
            info = os.stat(os.path.join(root, zone))
        except (OSError, ValueError):
            continue
        return f"{info.st_size}:{info.st_mtime_ns}"
    return f"tzdata {_version('tzdata')}"


@lru_cache(maxsize=8)
def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "-"


def _encode(result: tuple[list[Diagnostic], dict[str, bool]]) -> dict[str, Any]:
    diagnostics, facts = result
    return {"diagnostics": encode_diagnostics(diagnostics), FACT: facts}


def encode_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[list[Any]]:
    return [[d.rule, d.severity.value, d.subject, d.message, d.location.file, d.location.line, d.location.column,
             d.detail] for d in diagnostics]


def _decode(plain: Any, model_only: frozenset[str], model: Model,
            files: tuple[str, ...]) -> tuple[list[Diagnostic], dict[str, bool]]:
    """What an entry holds, if it is what these rules could have said of this config: diagnostics of
    model-only rules in the config's files (decode_diagnostics), and an on-call fact for each rotation.
    (An entry that leaves findings out cannot be told from an honest one: whoever can write the cache
    directory is trusted as far as that, see README "The cache".)"""
    if not isinstance(plain, dict):
        raise Invalid("not a verdict")
    diagnostics = decode_diagnostics(plain.get("diagnostics"), model_only, model, files)
    facts = plain.get(FACT)
    if not isinstance(facts, dict) or set(facts) != set(model.rotations) \
            or not all(type(v) is bool for v in facts.values()):
        raise Invalid("not the rotations' on-call facts")
    return diagnostics, facts


def decode_diagnostics(plain: Any, rules: frozenset[str], model: Model,
                       files: Collection[str]) -> list[Diagnostic]:
    """Stored diagnostics, if each is one these rules could raise under this config: of one of the
    rules, at its severity in this config (never off), in one of the files, at a place a file within
    the size limit has. Raises Invalid otherwise."""
    if not isinstance(plain, list):
        raise Invalid("not a list of diagnostics")
    diagnostics = []
    for item in plain:
        if not isinstance(item, list) or len(item) != 8:
            raise Invalid("not a diagnostic")
        rule, severity, subject, message, file, line, column, detail = item
        if rule not in rules or not all(isinstance(v, str) for v in (subject, message, detail)) \
                or file not in files or not all(type(v) is int and 1 <= v <= MAX_FILE_BYTES + 1 for v in (line, column)) \
                or severity != effective_severity(rule, model).value or severity == Severity.OFF.value:
            raise Invalid("not a diagnostic of these rules")
        diagnostics.append(Diagnostic(rule, Severity(severity), subject, message, Location(file, line, column),
                                      name=CATALOGUE[rule].name, detail=detail))
    return diagnostics
