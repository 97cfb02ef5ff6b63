"""What `ownership init` finds in a repository: discovery entries, rule files, and the services they name.

It proposes what a human would list (SPEC §9): workloads, service
directories and Backstage components outside test, example, vendor, hack
and template folders and Helm charts; rule files that hold rule groups (not
promtool test files, not manifests of other kinds). Each proposed glob is
checked against the files it would really read: anything under it that init
left out, or that would not read cleanly, goes to the entry's `exclude`, so
the config it writes checks without a single CFG001 or SVC008.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import field
from typing import Any

from ..diagnostics import Location
from ..discovery import KUBERNETES_WORKLOADS, discover
from ..globs import excluded
from ..load import MAX_FILE_BYTES, read_yaml
from ..model import DiscoverySource, Model
from ..records import record
from ..rules import DiscoveredService
from ..sources import Source, SourceError

SERVICE_PARENTS = ("services", "apps", "microservices")  # each directory under them is a service
FALLBACK_PARENTS = ("cmd",)  # Go binaries: services only when no manifest or catalog says better
MAX_FILES_SCANNED = 5000  # YAML files read; enough for a large monorepo's manifests and rules
# Folders whose YAML is not what runs in production.
_SKIPPED_WORDS = frozenset({
    "test", "tests", "testing", "testdata", "e2e", "fixture", "fixtures", "example", "examples", "sample",
    "samples", "demo", "demos", "vendor", "third_party", "node_modules", "hack", "template", "templates",
    "skeleton",
})
_NOT_SERVICES = frozenset({"common", "shared", "lib", "libs", "util", "utils", "tools", "internal", "pkg", "docs"})
_TEMPLATED = re.compile(r"\{\{|\$\{\{")


@record
class Entry:
    """A discovery entry init proposes."""

    kind: str
    pattern: str
    exclude: list[str] = field(default_factory=list)


@record
class Findings:
    discovery: list[Entry] = field(default_factory=list)
    alert_paths: list[str] = field(default_factory=list)
    services: list[DiscoveredService] = field(default_factory=list)


def skipped_folder(path: str, charts: set[str]) -> str | None:
    """The folder that makes path not production's (a test, example, vendor ... folder, or a Helm chart), or None."""
    parts = path.split("/")
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth])
        words = set(re.split(r"[-_.]", parts[depth - 1].lower())) | {parts[depth - 1].lower()}
        if words & _SKIPPED_WORDS or folder in charts:
            return folder
    return None


@record
class _File:
    path: str
    documents: list[Any]
    clean: bool  # read without a diagnostic, and nothing templated where a name belongs


def scan(source: Source) -> Findings:
    files = source.files()
    charts = {posixpath.dirname(f) for f in files if posixpath.basename(f) == "Chart.yaml"}
    yaml_files = [f for f in files if f.endswith((".yaml", ".yml"))]
    read: dict[str, _File] = {}
    for path in [f for f in yaml_files if not skipped_folder(f, charts)][:MAX_FILES_SCANNED]:
        read[path] = _read(source, path)
    found = Findings()
    workloads = [f for f, r in read.items() if r.clean and any(_is_workload(d) for d in r.documents)]
    catalogs = [f for f, r in read.items() if r.clean and posixpath.basename(f).startswith("catalog-info.")
                and any(_is_component(d) for d in r.documents)]
    for top, extension in sorted({(_top(f), posixpath.splitext(f)[1]) for f in workloads}):
        found.discovery.append(_entry("kubernetes", f"{top}/**/*{extension}" if top else f"*{extension}",
                                      source, read, charts))
    for extension in sorted({posixpath.splitext(f)[1] for f in catalogs}):
        found.discovery.append(_entry("backstage", f"**/catalog-info{extension}", source, read, charts))
    parents = SERVICE_PARENTS if found.discovery else SERVICE_PARENTS + FALLBACK_PARENTS
    for parent in parents:
        entry = _directories_entry(parent, files, charts)
        if entry is not None:
            found.discovery.append(entry)
    found.alert_paths = _alert_paths([f for f, r in read.items() if r.clean and _holds_rule_groups(r.documents)],
                                     read)
    found.services = _discovered(source, found.discovery)
    return found


def _read(source: Source, path: str) -> _File:
    try:
        loaded = read_yaml(source.read(path, MAX_FILE_BYTES), path)
    except SourceError:
        return _File(path, [], False)
    names = [d.get("metadata", {}).get("name") for d in loaded.documents
             if isinstance(d, dict) and isinstance(d.get("metadata"), dict)]
    templated = any(isinstance(n, str) and _TEMPLATED.search(n) for n in names)
    return _File(path, loaded.documents, not loaded.diagnostics and not templated)


def _top(path: str) -> str:
    return path.split("/", 1)[0] if "/" in path else ""


def _is_workload(document: Any) -> bool:
    return isinstance(document, dict) and document.get("kind") in KUBERNETES_WORKLOADS


def _is_component(document: Any) -> bool:
    return isinstance(document, dict) and document.get("kind") == "Component"


def _entry(kind: str, pattern: str, source: Source, read: dict[str, _File], charts: set[str]) -> Entry:
    """The entry, with `exclude` for every file under its glob that init left out or that does not read cleanly."""
    entry = Entry(kind, pattern)
    for path in source.glob(pattern):
        if excluded(path, entry.exclude):
            continue
        folder = skipped_folder(path, charts)
        if folder is not None:
            entry.exclude.append(folder)
        elif path not in read or not read[path].clean:
            entry.exclude.append(path)
    return entry


def _directories_entry(parent: str, files: list[str], charts: set[str]) -> Entry | None:
    children = sorted({f.split("/")[1] for f in files if f.startswith(parent + "/") and f.count("/") >= 2})
    if not children:
        return None
    entry = Entry("directories", f"{parent}/*")
    for child in children:
        path = f"{parent}/{child}"
        if child.lower() in _NOT_SERVICES or skipped_folder(path + "/x", charts):
            entry.exclude.append(path)
    return entry if len(entry.exclude) < len(children) else None


def _holds_rule_groups(documents: list[Any]) -> bool:
    """A Prometheus rule file (`groups:` of named groups with `rules:`) or a PrometheusRule manifest."""
    for document in documents:
        if not isinstance(document, dict):
            continue
        if document.get("kind") == "PrometheusRule":
            return True
        groups = document.get("groups")
        if isinstance(groups, list) and groups and all(
                isinstance(g, dict) and "name" in g and isinstance(g.get("rules"), list) for g in groups):
            return True
    return False


def _alert_paths(rule_files: list[str], read: dict[str, _File]) -> list[str]:
    """Each directory's rule files: `DIR/*.EXT` when every such file there holds rules, else one by one."""
    out: list[str] = []
    by_place: dict[tuple[str, str], list[str]] = {}
    for path in rule_files:
        by_place.setdefault((posixpath.dirname(path), posixpath.splitext(path)[1]), []).append(path)
    for (directory, extension), paths in sorted(by_place.items()):
        beside = [f for f in read if posixpath.dirname(f) == directory and f.endswith(extension)]
        if len(paths) > 1 and sorted(paths) == sorted(beside):
            out.append(f"{directory}/*{extension}" if directory else f"*{extension}")
        else:
            out.extend(sorted(paths))
    return out


def _discovered(source: Source, entries: list[Entry]) -> list[DiscoveredService]:
    model = Model("ownership.yaml")
    model.discovery = [DiscoverySource(e.kind, e.pattern, Location("ownership.yaml"), e.exclude) for e in entries]
    services, _ = discover(model, source)
    return services
