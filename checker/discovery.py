"""Discovery: services that exist in the repository, whether or not the config declares them.

Each `discovery:` entry finds things of one kind (directories, Kubernetes
workloads, Backstage components), leaving out what its `exclude` globs name.
Then one thing is one service, however many kinds find it (SPEC §9): the same
name found twice is one service, and a Backstage component whose
catalog-info.yaml sits in a discovered directory *is* that directory's
service, under the component's name. Names are made valid service names (lower
case, `[a-z0-9._-]`), so what SVC006 asks to declare always passes the schema
and, once declared, satisfies discovery.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from functools import lru_cache
from typing import Any

from . import cache_codec
from .cache import Invalid, cached
from .diagnostics import Diagnostic, Location, Severity
from .globs import excluded
from .load import MAX_FILE_BYTES, read_yaml, value_loc
from .model import DiscoverySource, Model
from .records import record
from .rules import DiscoveredService
from .sources import Source, SourceError, pattern_problem

KUBERNETES_WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "CronJob"})
_KIND_PRIORITY = {"backstage": 0, "kubernetes": 1, "directories": 2}  # whose name and location a service carries
_NOT_A_NAME = re.compile(r"[^a-z0-9._-]+")


@lru_cache(maxsize=1 << 16)  # merge() asks for each found name's up to three times
def suggested_name(found: str) -> str:
    """A valid service name for a name found in the repository: accents dropped, lower case, every
    other run of characters as `-`. A name with no Latin letter or digit is written in punycode
    (`xn--...`, as IDNA writes such names); one with no letter at all gets a stable `unnamed-` name.
    Every found name has one, and the same name always gets the same one."""
    folded = unicodedata.normalize("NFKD", found).encode("ascii", "ignore").decode("ascii").lower()
    name = _NOT_A_NAME.sub("-", folded).strip("-._")
    if name:
        return name
    encoded = _NOT_A_NAME.sub("-", found.encode("punycode").decode("ascii").lower()).strip("-._")
    if encoded and not found.isascii():
        return "xn--" + encoded
    import hashlib  # rarely needed: kept off start-up

    return "unnamed-" + hashlib.blake2b(found.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()


@record
class _Found:
    """One raw finding, before things found several times are merged."""

    name: str
    kind: str
    location: Location
    path: str  # the directory, or the file that named it
    lifecycle: str | None = None
    owner: str | None = None


def discover(model: Model, source: Source) -> tuple[list[DiscoveredService], list[Diagnostic]]:
    found: list[_Found] = []
    problems: list[Diagnostic] = []
    for entry in model.discovery:
        bad = [(p, pattern_problem(p)) for p in [entry.pattern, *entry.exclude] if pattern_problem(p)]
        if bad:
            pattern, problem = bad[0]
            problems.append(Diagnostic("CFG002", Severity.ERROR, f"file/{entry.loc.file}",
                                       f"discovery '{pattern}': {problem}", entry.loc))
            continue
        found.extend(_entry_findings(entry, source, problems))
    return merge(found), problems


def _entry_findings(entry: DiscoverySource, source: Source, problems: list[Diagnostic]) -> list[_Found]:
    if entry.kind == "directories":
        matched = source.glob_directories(entry.pattern)
    else:
        matched = source.glob(entry.pattern)
    kept = [path for path in matched if not excluded(path, entry.exclude)]
    if not kept:
        problems.append(_nothing_matched(entry, len(matched)))
    if entry.kind == "directories":
        return [_Found(posixpath.basename(path), "directories", entry.loc, path) for path in kept]
    out: list[_Found] = []
    for path in kept:
        out.extend(_from_manifests(source, path, entry.kind, problems))
    return out


def _nothing_matched(entry: DiscoverySource, matched: int) -> Diagnostic:
    what = "directory" if entry.kind == "directories" else "file"
    if matched:
        message = (f"{entry.kind} discovery '{entry.pattern}' matches {matched} {what}(s) and `exclude` leaves none "
                   "of them; narrow `exclude` or remove the entry")
    else:
        hint = "relative to the repository root?" if entry.kind == "directories" else \
            "`.yml` or `.yaml`? relative to the repository root?"
        message = (f"{entry.kind} discovery '{entry.pattern}' matches no {what}, so it finds no service; fix the "
                   f"glob ({hint}) or remove the entry")
    return Diagnostic("SVC008", Severity.WARNING, f"file/{entry.pattern}", message, entry.loc)


def _from_manifests(source: Source, path: str, kind: str, problems: list[Diagnostic]) -> list[_Found]:
    try:
        data = source.read(path, MAX_FILE_BYTES)
    except SourceError as exc:
        problems.append(Diagnostic("CFG001", Severity.ERROR, f"file/{path}", str(exc), Location(path)))
        return []
    found, file_problems = cached(f"discovery/{kind}", path, data, lambda: _read_manifests(data, path, kind),
                                  lambda read: _encode_found(read, path),
                                  lambda plain: _decode_found(plain, path, kind))
    problems.extend(file_problems)
    return found


def _read_manifests(data: bytes, path: str, kind: str) -> tuple[list[_Found], list[Diagnostic]]:
    """What one manifest declares (Kubernetes workloads, or Backstage components), and its YAML problems."""
    loaded = read_yaml(data, path)
    wanted = KUBERNETES_WORKLOADS if kind == "kubernetes" else frozenset({"Component"})
    out = []
    for document in loaded.documents:
        name, loc = _workload_name(document, wanted)
        if name is None or loc is None:
            continue
        found = _Found(name, kind, loc, path)
        if kind == "backstage":
            spec = document.get("spec")
            spec = spec if isinstance(spec, dict) else {}
            found.lifecycle = spec.get("lifecycle") if isinstance(spec.get("lifecycle"), str) else None
            found.owner = spec.get("owner") if isinstance(spec.get("owner"), str) else None
        out.append(found)
    return out, loaded.diagnostics


def _encode_found(read: tuple[list[_Found], list[Diagnostic]], path: str) -> dict[str, object]:
    found, problems = read
    return {"found": [[f.name, *cache_codec.location(f.location, path), f.lifecycle, f.owner] for f in found],
            "diagnostics": cache_codec.diagnostics(problems, path)}


def _decode_found(plain: object, path: str, kind: str) -> tuple[list[_Found], list[Diagnostic]]:
    if not isinstance(plain, dict) or not isinstance(plain.get("found"), list):
        raise Invalid
    found = []
    for item in plain["found"]:
        if not isinstance(item, list) or len(item) != 5:
            raise Invalid
        name, line, column, lifecycle, owner = item
        if type(name) is not str or not name or not all(v is None or type(v) is str for v in (lifecycle, owner)):
            raise Invalid
        found.append(_Found(name, kind, cache_codec.read_location([line, column], path), path, lifecycle, owner))
    return found, cache_codec.read_diagnostics(plain.get("diagnostics"), path, frozenset({"CFG001", "CFG003"}))


def _workload_name(document: Any, kinds: frozenset[str]) -> tuple[str | None, Location | None]:
    if not isinstance(document, dict) or document.get("kind") not in kinds:
        return None, None
    metadata = document.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str) or not metadata["name"]:
        return None, None
    return metadata["name"], value_loc(metadata, "name", getattr(document, "loc", Location("")))


def merge(found: list[_Found]) -> list[DiscoveredService]:
    """One service per thing: findings with the same valid name are one, and a directory and the
    Backstage component whose catalog file sits in it are one, under the component's name."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    directories = {item.path: item for item in found if item.kind == "directories"}
    claimed: set[str] = set()
    for item in found:
        directory = posixpath.dirname(item.path)
        if item.kind == "backstage" and directory in directories and directory not in claimed:
            claimed.add(directory)  # its first component names the directory's service
            parent[root(suggested_name(directories[directory].name))] = root(suggested_name(item.name))
    groups: dict[str, list[_Found]] = {}
    for item in found:
        groups.setdefault(root(suggested_name(item.name)), []).append(item)
    out = []
    for items in groups.values():
        items.sort(key=lambda i: _KIND_PRIORITY[i.kind])
        first = items[0]
        name = suggested_name(first.name)
        backstage = [i for i in items if i.kind == "backstage"]
        lifecycles = [i.lifecycle for i in backstage]
        lifecycle = None if not backstage or any(
            lc is None or lc.strip().lower() in ("", "production") for lc in lifecycles) else lifecycles[0]
        aliases = tuple(sorted({suggested_name(i.name) for i in items} - {name}))
        owner = next((i.owner for i in backstage if i.owner), None)
        out.append(DiscoveredService(name, first.kind, first.location, first.name, aliases, lifecycle, owner,
                                     first.path))
    return sorted(out, key=lambda s: (s.name, s.location))
