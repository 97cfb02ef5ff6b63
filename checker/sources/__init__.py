"""Where files are read from: the working tree now, a git commit in diff mode.

The pipeline only ever sees a :class:`Source`, so checking the base of a pull
request is "run the same pipeline on another source".  Paths are POSIX paths
relative to the repository root; a Source never reads outside it.
"""

from __future__ import annotations

import posixpath
import re
from abc import ABC, abstractmethod
from enum import Enum
from functools import lru_cache


class EntryKind(Enum):
    FILE = "file"
    DIRECTORY = "directory"
    SYMLINK = "symlink"
    SUBMODULE = "submodule"
    MISSING = "missing"


class SourceError(Exception):
    """A file could not be read; the message is for the user."""


class Source(ABC):
    """Read-only view of a repository's files."""

    @abstractmethod
    def files(self) -> list[str]:
        """Every regular file, sorted; symlinks, submodules and .git are left out."""

    def read(self, path: str, limit: int | None = None) -> bytes:
        """The bytes of a regular file (at most limit + 1 of them); SourceError when it is not one.

        The check is shared, so no source can be talked into following a symlink or entering a submodule.
        """
        kind = self.kind(path)
        if kind is not EntryKind.FILE:
            raise SourceError(f"{path} is not a regular file in {self.describe()} ({kind.value})")
        return self._read_regular(normalize_repo_path(path) or "", limit)

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
        regex = glob_regex(pattern)
        return [f for f in self.files() if regex.match(f)]

    def glob_directories(self, pattern: str) -> list[str]:
        """Directories matching a pattern that hold at least one file (as git sees them)."""
        regex = glob_regex(pattern.rstrip("/"))
        found: set[str] = set()
        for f in self.files():
            parent = posixpath.dirname(f)
            while parent and parent not in found:
                if regex.match(parent):
                    found.add(parent)
                parent = posixpath.dirname(parent)
        return sorted(found)


def normalize_repo_path(path: str) -> str | None:
    """The path relative to the repo root, or None if it is absolute, leaves the repo or enters .git."""
    if not path or path.startswith(("/", "\\")) or "\\" in path or re.match(r"[A-Za-z]:", path):
        return None
    normal = posixpath.normpath(path)
    parts = normal.split("/")
    if normal in (".", "") or parts[0] == ".." or ".git" in parts:
        return None
    return normal


def pattern_problem(pattern: str) -> str | None:
    """Why a glob cannot be used safely, or None."""
    if normalize_repo_path(pattern.replace("*", "x").replace("?", "x")) is None:
        return "a glob must be relative to the repository and stay inside it (no '/', '..' or .git)"
    return None


@lru_cache(maxsize=512)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """`*` and `?` stay within a path segment, `**` crosses segments, `[...]` is a class."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")
