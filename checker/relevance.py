"""Which files can change `ownership check`'s result, read fast enough to ask before every commit.

The check reads the config and its includes, the alert files its globs find, the files of
discovered services, and the runbooks services name. Pre-commit asks whether a commit touches any
of them, and the answer must cost about as much as starting Python, so this reads only the keys that
name files (`include`, `alerts[].paths`, `discovery`, `services.*.runbook`) from the YAML *event
stream* of the config and its includes: no schema, no model, no location-keeping loader.

libyaml's event parser is iterative (PyYAML's constructors recurse, and a committed `[[[[...`
crashes them), containers deeper than those keys are skipped unbuilt, and anything unexpected (bad
YAML, a second document, a repeated key that names files, an alias where a name belongs, too many
files) answers "cannot tell": the whole check then runs and reports the problem with its file and line.
"""

from __future__ import annotations

import os
import posixpath

import yaml

from .globs import Glob
from .sources import EntryKind, SourceError, normalize_repo_path, pattern_problem
from .sources.worktree import WorktreeSource

READ_LIMIT = 10 * 1024 * 1024  # checker.load.MAX_FILE_BYTES: a larger file is the full check's to report
MAX_INCLUDED_FILES = 1000  # checker.config's limit
MAX_NAMES = 100_000  # names collected from one config, far above real ones; beyond it, cannot tell
DEPTH = 4  # top -> alerts -> an alert source -> its paths: the deepest container read
MAX_DEPTH = 100  # checker.load's limit, checked while streaming as there
NAMING_KEYS = frozenset({"include", "alerts", "paths", "discovery", "services", "runbook", "routing",
                         "alertmanager", "directories", "kubernetes", "backstage"})
DISCOVERY_KINDS = ("directories", "kubernetes", "backstage")

_Parser = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class CannotTell(Exception):
    """The config cannot be read cheaply; run the whole check, which says why."""


class _Opaque:
    """A value not read: an alias (never expanded here) or a container deeper than DEPTH."""


OPAQUE = _Opaque()


class References:
    """What the check reads from the repository: exact paths and globs, relative to its root."""

    def __init__(self, config: str) -> None:
        self.config = config
        self.exact: set[str] = {config}  # the config, its includes, runbooks
        self.file_globs: list[Glob] = []  # includes, alert files, manifests of discovery
        self.directory_globs: list[Glob] = []  # `discovery: directories`
        self.names = 0

    def matters(self, path: str) -> bool:
        """Whether adding, changing or deleting `path` can change the check's result."""
        if path in self.exact or any(g.matches(path) for g in self.file_globs):
            return True
        parent = posixpath.dirname(path)
        while parent:
            if any(g.matches(parent) for g in self.directory_globs):
                return True
            parent = posixpath.dirname(parent)
        return False

    def add_glob(self, pattern: str, directories: bool = False) -> None:
        if pattern_problem(pattern) is None:  # a bad glob is the check's to report
            (self.directory_globs if directories else self.file_globs).append(Glob.compile(pattern.rstrip("/")))

    def read_document(self, document: dict[str, object]) -> None:
        """The names one file of the config gives (the model builder reads these keys in every file)."""
        for body in _values(document.get("services")):
            runbook = _plain(body.get("runbook")) if isinstance(body, dict) else None
            if isinstance(runbook, str):
                self._count()
                self.exact.add(normalize_repo_path(runbook.split("#", 1)[0]) or runbook)
        for source in _items(document.get("alerts")):
            for pattern in _items(source.get("paths")) if isinstance(source, dict) else []:
                self._count()
                if isinstance(pattern, str):
                    self.add_glob(pattern)
        for entry in _items(document.get("discovery")):
            if not isinstance(entry, dict):
                continue
            for kind in DISCOVERY_KINDS:
                pattern = _plain(entry.get(kind))
                if isinstance(pattern, str):
                    self._count()
                    self.add_glob(pattern, directories=kind == "directories")
        routing = document.get("routing")
        alertmanager = _plain(routing.get("alertmanager")) if isinstance(routing, dict) else None
        if isinstance(alertmanager, str):  # the Alertmanager config that routes paging alerts
            self._count()
            self.exact.add(normalize_repo_path(alertmanager) or alertmanager)

    def _count(self) -> None:
        self.names += 1
        if self.names > MAX_NAMES:
            raise CannotTell(f"the config names more than {MAX_NAMES} files")


def read_references(root: str, config_path: str) -> References | None:
    """The files the config at `config_path` makes the check read; None when it is missing.
    Raises CannotTell when it cannot be read cheaply (the check must run to say why)."""
    source = WorktreeSource(root)
    if source.kind(config_path) is EntryKind.MISSING:
        return None
    references = References(config_path)
    main = _document(source, config_path)
    references.read_document(main)
    base = posixpath.dirname(config_path)
    included: set[str] = set()
    for pattern in _items(main.get("include")):
        if not isinstance(pattern, str):
            continue  # the schema's to report
        full = posixpath.join(base, pattern) if base else pattern
        if pattern_problem(full):
            continue
        references.add_glob(full)  # an include added or deleted matters, found now or not
        for path in _glob(source, full):
            if path != config_path and path not in included:
                included.add(path)
                if len(included) > MAX_INCLUDED_FILES:
                    raise CannotTell(f"include matches more than {MAX_INCLUDED_FILES} files")
                references.exact.add(path)
                references.read_document(_document(source, path))
    return references


def _document(source: WorktreeSource, path: str) -> dict[str, object]:
    try:
        data = source.read(path, READ_LIMIT)
    except SourceError as exc:
        raise CannotTell(str(exc)) from None
    if len(data) > READ_LIMIT:
        raise CannotTell(f"{path} is over the size limit")
    document = shallow_document(data)
    if not isinstance(document, dict):
        raise CannotTell(f"{path} is not one YAML mapping")
    return document


def shallow_document(data: bytes) -> object:
    """The one YAML document in `data`, containers deeper than DEPTH and aliases left OPAQUE, every
    scalar a string. Raises CannotTell on bad YAML, several documents or a duplicate key that names files."""
    stack: list[list[object]] = []  # open containers; a mapping's list alternates key, value
    kinds: list[bool] = []  # True where stack holds a mapping
    skipped = 0  # depth inside a container too deep to build
    document: object = None
    documents = 0
    try:
        for event in yaml.parse(data, Loader=_Parser):
            if skipped:
                skipped += 1 if isinstance(event, _OPEN) else -1 if isinstance(event, _CLOSE) else 0
                if skipped > MAX_DEPTH:  # stop reading: libyaml slows quadratically with depth
                    raise CannotTell(f"nesting deeper than {MAX_DEPTH} levels")
                if not skipped:
                    stack[-1].append(OPAQUE)
                continue
            value: object
            if isinstance(event, yaml.ScalarEvent):
                value = event.value
            elif isinstance(event, yaml.AliasEvent):
                value = OPAQUE
            elif isinstance(event, _OPEN):
                if len(stack) >= DEPTH:
                    skipped = 1
                else:
                    stack.append([])
                    kinds.append(isinstance(event, yaml.MappingStartEvent))
                continue
            elif isinstance(event, _CLOSE):
                items = stack.pop()
                value = _mapping(items) if kinds.pop() else items
            else:
                documents += isinstance(event, yaml.DocumentStartEvent)
                if documents > 1:
                    raise CannotTell("more than one YAML document")
                continue
            if stack:
                stack[-1].append(value)
            else:
                document = value
    except yaml.YAMLError as exc:
        raise CannotTell(f"invalid YAML: {exc}") from None
    return document


def _mapping(items: list[object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in zip(items[0::2], items[1::2]):
        if not isinstance(key, str):
            continue  # a key that is no name is the schema's to report
        if key in out:
            if key in NAMING_KEYS:  # which of the two the check reads is the full loader's to say
                raise CannotTell(f"duplicate key {key!r}")
            continue
        out[key] = value
    return out


def _plain(value: object) -> object:
    """A value read as it is; an alias could stand for anything, so it cannot be told apart."""
    if value is OPAQUE:
        raise CannotTell("an alias where a file name belongs")
    return value


def _items(value: object) -> list[object]:
    """A sequence's items, each plain; nothing when the value is no sequence (the schema says so)."""
    value = _plain(value)
    return [_plain(item) for item in value] if isinstance(value, list) else []


def _values(value: object) -> list[object]:
    """A mapping's values, each plain."""
    value = _plain(value)
    return [_plain(item) for item in value.values()] if isinstance(value, dict) else []


def _glob(source: WorktreeSource, pattern: str) -> list[str]:
    """source.glob(pattern), listing only the folder named by the pattern's literal start: a
    pre-commit run must not walk a 50,000-file monorepo to find `ownership/*.yaml`."""
    literal: list[str] = []
    for part in pattern.split("/")[:-1]:
        if any(c in part for c in "*?["):
            break
        literal.append(part)
    prefix = "/".join(literal)
    if not prefix:
        return source.glob(pattern)
    if source.kind(prefix) is not EntryKind.DIRECTORY:  # missing, a symlink or a submodule: nothing read
        return []
    inner = WorktreeSource(os.path.join(source.root, prefix))
    return [f"{prefix}/{path}" for path in inner.glob(pattern[len(prefix) + 1:])]
