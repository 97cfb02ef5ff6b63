"""Discovery: services that exist in the repository, whether or not the config declares them."""

from __future__ import annotations

import posixpath
from typing import Any

from .diagnostics import Diagnostic, Location, Severity
from .load import MAX_FILE_BYTES, read_yaml, value_loc
from .model import Model
from .rules import DiscoveredService
from .sources import Source, SourceError, pattern_problem

KUBERNETES_WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "CronJob"})


def discover(model: Model, source: Source) -> tuple[list[DiscoveredService], list[Diagnostic]]:
    found: list[DiscoveredService] = []
    problems: list[Diagnostic] = []
    for entry in model.discovery:
        problem = pattern_problem(entry.pattern)
        if problem:
            problems.append(Diagnostic("CFG002", Severity.ERROR, f"file/{entry.loc.file}",
                                       f"discovery '{entry.pattern}': {problem}", entry.loc))
            continue
        if entry.kind == "directories":
            for directory in source.glob_directories(entry.pattern):
                found.append(DiscoveredService(posixpath.basename(directory), "directories", entry.loc))
            continue
        for path in source.glob(entry.pattern):
            found.extend(_from_manifests(source, path, entry.kind, problems))
    return found, problems


def _from_manifests(source: Source, path: str, kind: str, problems: list[Diagnostic]) -> list[DiscoveredService]:
    try:
        loaded = read_yaml(source.read(path, MAX_FILE_BYTES), path)
    except SourceError as exc:
        problems.append(Diagnostic("CFG001", Severity.ERROR, f"file/{path}", str(exc), Location(path)))
        return []
    problems.extend(loaded.diagnostics)
    wanted = KUBERNETES_WORKLOADS if kind == "kubernetes" else frozenset({"Component"})
    out = []
    for document in loaded.documents:
        name, loc = _workload_name(document, wanted)
        if name is not None and loc is not None:
            out.append(DiscoveredService(name, kind, loc))
    return out


def _workload_name(document: Any, kinds: frozenset[str]) -> tuple[str | None, Location | None]:
    if not isinstance(document, dict) or document.get("kind") not in kinds:
        return None, None
    metadata = document.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str):
        return None, None
    return metadata["name"], value_loc(metadata, "name", getattr(document, "loc", Location("")))
