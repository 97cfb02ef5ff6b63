"""Where files are read from: the working tree now, a git commit in diff mode.

The pipeline only ever sees a :class:`Source`, so checking the base of a pull
request is "run the same pipeline on another source".  Paths are POSIX paths
relative to the repository root; a Source never reads outside it.
"""

from __future__ import annotations

import posixpath
import re
from abc import ABC, abstractmethod
from collections.abc import Container, Iterable, Mapping
from enum import Enum
from functools import lru_cache

from ..globs import UNPRINTABLE, Glob, pattern_problem

__all__ = ["UNPRINTABLE", "EntryKind", "Listing", "Source", "SourceError", "list_paths", "normalize_repo_path",
           "pattern_problem"]


class EntryKind(Enum):
    FILE = "file"
    DIRECTORY = "directory"
    SYMLINK = "symlink"
    SUBMODULE = "submodule"
    MISSING = "missing"


class SourceError(Exception):
    """A file could not be read; the message is for the user."""


MAX_PATH_LENGTH = 4096  # PATH_MAX on Linux; a longer name (possible in a git tree) is not read
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # e.g. a byte that is not UTF-8, as os (surrogateescape) gives it


class Listing:
    """A source's files, by printable path, the names that cannot be used (files and folders), with why,
    and the symlinks (never followed, but a glob that matches one reports it rather than leave it out)."""

    __slots__ = ("_directories", "_matched", "files", "links", "unusable")  # no dataclass: off the hook's start-up

    def __init__(self, files: list[str], unusable: dict[str, str] | None = None,
                 links: list[str] | None = None) -> None:
        self.files = files
        self.unusable = unusable if unusable is not None else {}
        self.links = links or []
        self._directories: list[str] | None = None
        self._matched: dict[str, list[str]] = {}  # by pattern: discovery and its unusable-name check ask alike

    def directories_matching(self, pattern: str) -> list[str]:
        """Directories holding at least one file (as git sees them) that match a pattern, sorted."""
        if pattern not in self._matched:
            matcher = _matcher(pattern.rstrip("/"))
            self._matched[pattern] = [d for d in self.directories() if matcher.matches(d)] if matcher else []
        return self._matched[pattern]

    def directories(self) -> list[str]:
        """Every folder above a file, sorted (found once: a file's parents are walked up to the first seen)."""
        if self._directories is None:
            seen: set[str] = set()
            for f in self.files:
                parent = posixpath.dirname(f)
                while parent and parent not in seen:
                    seen.add(parent)
                    parent = posixpath.dirname(parent)
            self._directories = sorted(seen)
        return self._directories


def list_paths(raw_paths: Iterable[str], raw_links: Iterable[str] = ()) -> Listing:
    """A Listing of raw paths (str, undecodable bytes as surrogateescape) and symlinks. An unusable name is
    listed under a printable form, so globs still see it and whoever reads it is told to rename it; nothing
    downstream ever holds a string that cannot be printed or encoded."""
    files: set[str] = set()
    unusable: dict[str, str] = {}
    links = sorted({_shown(raw)[0] for raw in raw_links})
    for raw in raw_paths:
        shown, problem = _shown(raw)
        files.add(shown)
        if problem is None:
            continue
        unusable.setdefault(shown, problem)
        parts, raw_parts = shown.split("/"), raw.split("/")
        for index in range(len(raw_parts) - 1):  # the first unusable folder and every folder below it
            folder_problem = _name_problem(raw_parts[index], index == 0)
            if folder_problem is not None:
                for end in range(index + 1, len(parts)):
                    unusable.setdefault("/".join(parts[:end]), folder_problem)
                break
    return Listing(sorted(files), unusable, links)


def _shown(raw: str) -> tuple[str, str | None]:
    """A raw path as printable text (bytes that are not UTF-8 and control characters as \\xNN), and why
    the name cannot be used, or None."""
    if raw.isascii() and raw.isprintable() and "\\" not in raw and len(raw) <= MAX_PATH_LENGTH and raw[1:2] != ":":
        return raw, None  # the usual name (ASCII, no control character): nothing to escape or refuse
    return _shown_in_full(raw)


def printable_path(raw: str) -> str:
    """A raw path as listings, subjects and messages show it (see _shown)."""
    return _shown(raw)[0]


def _shown_in_full(raw: str) -> tuple[str, str | None]:
    shown = UNPRINTABLE.sub(_escaped, raw)
    if len(raw) > MAX_PATH_LENGTH:
        return shown, f"is longer than {MAX_PATH_LENGTH} characters"
    problems = (_name_problem(part, index == 0) for index, part in enumerate(raw.split("/")))
    return shown, next((p for p in problems if p is not None), None)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xdc80 <= code <= 0xdcff:  # surrogateescape's stand-in for the byte code - 0xdc00
        code -= 0xdc00
    return f"\\x{code:02x}" if code <= 0xff else f"\\u{code:04x}"


def _name_problem(name: str, first: bool) -> str | None:
    """Why one name along a path cannot be used (the first is the one a drive letter can start)."""
    if first and _DRIVE.match(name):
        return "starts with a drive letter and a colon, which Windows reads as another drive"
    if _SURROGATE.search(name):
        return "is not valid UTF-8 (shown with \\x escapes)"
    if UNPRINTABLE.search(name):
        return "holds a control character or line break (shown with \\x escapes)"
    if "\\" in name:
        return "holds a backslash, which is a folder separator on Windows"
    return None


class Source(ABC):
    """Read-only view of a repository's files."""

    def files(self) -> list[str]:
        """Every regular file, sorted; symlinks, submodules and .git are left out. Unusable names are
        included in printable form (see unusable())."""
        return self.listing().files

    def unusable(self) -> dict[str, str]:
        """Files and folders whose names cannot be used (not UTF-8, control characters, ...), by printable
        path, with why. Reading one is a SourceError that says to rename it."""
        return self.listing().unusable

    @abstractmethod
    def listing(self) -> Listing:
        """The files, read once."""

    def read(self, path: str, limit: int | None = None) -> bytes:
        """The bytes of a regular file (at most limit + 1 of them); SourceError when it is not one.

        The check is shared, so no source can be talked into following a symlink or entering a submodule.
        """
        problem = self.unusable().get(path)
        if problem is not None:
            raise SourceError(f"{path}: the name {problem}, so it is not read; rename it")
        kind = self.kind(path)
        if kind is EntryKind.SYMLINK:
            raise SourceError(f"{path} is (or goes through) a symlink, which is not followed; commit the file itself")
        if kind is not EntryKind.FILE:
            raise SourceError(f"{path} is not a regular file in {self.describe()} ({kind.value})")
        normal = normalize_repo_path(path)
        if normal is None:  # kind() knows no such path; a listed name a path cannot hold is unusable() above
            raise SourceError(f"{path} is not a path inside {self.describe()}")
        return self._read_regular(normal, limit)

    @abstractmethod
    def _read_regular(self, path: str, limit: int | None) -> bytes:
        """Read a path that kind() says is a regular file."""

    @abstractmethod
    def describe(self) -> str:
        """Where files come from, for messages."""

    @abstractmethod
    def kind(self, path: str) -> EntryKind:
        """What a path is, without following symlinks anywhere along it."""

    def glob(self, pattern: str) -> list[str]:
        """Files matching a glob, unusable names and symlinks included (reading one says why it is not read); [] for a
        pattern that pattern_problem refuses (callers report that first)."""
        matcher = _matcher(pattern)
        if matcher is None:
            return []
        listing = self.listing()
        found = [f for f in listing.files if matcher.matches(f)]
        if listing.links:  # reading one says it is a symlink: a matched file is reported, never silently left out
            found = sorted(found + [link for link in listing.links if matcher.matches(link)])
        return found

    def glob_directories(self, pattern: str) -> list[str]:
        """Directories matching a pattern that hold at least one file (as git sees them); folders with
        unusable names are left out (see unusable_directories)."""
        unusable = self.unusable()
        return [d for d in self.listing().directories_matching(pattern) if d not in unusable]

    def unusable_directories(self, pattern: str) -> list[str]:
        """Directories matching a pattern whose names cannot be used."""
        unusable = self.unusable()
        return [d for d in self.listing().directories_matching(pattern) if d in unusable]


def _matcher(pattern: str) -> Glob | None:
    return None if pattern_problem(pattern) else Glob.compile(pattern)


def listed_kind(path: str, special: Mapping[str, EntryKind], files: Container[str],
                directories: Container[str]) -> EntryKind:
    """The kind of a path in a listing held in memory (a git tree, a test's repository): a symlink or
    submodule anywhere along it first (nothing behind one is read), then a file, then a directory."""
    normal = normalize_repo_path(path)
    if normal is None:
        return EntryKind.MISSING
    parts = normal.split("/")
    for end in range(1, len(parts) + 1):
        found = special.get("/".join(parts[:end]))
        if found is not None:
            return found
    if normal in files:
        return EntryKind.FILE
    return EntryKind.DIRECTORY if normal in directories else EntryKind.MISSING


_DRIVE = re.compile(r"[A-Za-z]:")


@lru_cache(maxsize=1 << 16)  # a run asks for each runbook and rule file more than once (kind, then read)
def normalize_repo_path(path: str) -> str | None:
    """The path relative to the repo root, or None if it is absolute, leaves the repo, enters .git, or
    holds a control character (a NUL would crash the OS call; a line break would split output lines)."""
    if (not path or path.startswith(("/", "\\")) or "\\" in path or _DRIVE.match(path)
            or UNPRINTABLE.search(path)):
        return None
    normal = posixpath.normpath(path)
    parts = normal.split("/")
    if normal in (".", "") or parts[0] == ".." or ".git" in parts:
        return None
    return normal
