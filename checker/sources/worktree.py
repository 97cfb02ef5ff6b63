"""The repository's working tree as a Source."""

from __future__ import annotations

import errno
import os
import stat

from ..reads import read_and_close
from . import EntryKind, Listing, Source, SourceError, list_paths, normalize_repo_path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class WorktreeSource(Source):
    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root)
        self._listing: Listing | None = None
        self._listed_files: frozenset[str] = frozenset()  # the listing's usable files, once it is read
        self._kinds: dict[str, EntryKind] = {}  # a run looks at the same runbooks many times

    def listing(self) -> Listing:
        if self._listing is None:
            files, links = self._walk()
            self._listing = list_paths(files, links)
            self._listed_files = frozenset(self._listing.files) - self._listing.unusable.keys()
        return self._listing

    def _walk(self) -> tuple[list[str], list[str]]:
        """Every regular file's path and every symlink's, as the OS names them (bytes that are not UTF-8 as
        surrogateescape); nothing behind a symlink."""
        found: list[str] = []
        links: list[str] = []
        pending = [""]
        while pending:
            rel = pending.pop()
            try:
                entries = self._entries(rel)
            except OSError:
                continue
            if rel and any(e.name == ".git" for e in entries):
                continue  # a submodule or nested repository: not ours to read
            for entry in entries:
                if entry.name == ".git":
                    continue
                path = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_symlink():
                    links.append(path)
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append(path)
                elif entry.is_file(follow_symlinks=False):
                    found.append(path)
        return found, links

    def kind(self, path: str) -> EntryKind:
        if path in self._listed_files:
            return EntryKind.FILE  # the walk reached it without following a symlink or entering a submodule
        if path not in self._kinds:
            self._kinds[path] = self._kind(path)
        return self._kinds[path]

    def _kind(self, path: str) -> EntryKind:
        normal = normalize_repo_path(path)
        if normal is None:
            return EntryKind.MISSING
        current = self.root
        parts = normal.split("/")
        for index, part in enumerate(parts):
            current = os.path.join(current, part)
            try:
                info = os.lstat(current)
            except OSError:
                return EntryKind.MISSING
            if stat.S_ISLNK(info.st_mode):
                return EntryKind.SYMLINK
            if stat.S_ISDIR(info.st_mode):
                if os.path.lexists(os.path.join(current, ".git")):
                    return EntryKind.SUBMODULE
                if index == len(parts) - 1:
                    return EntryKind.DIRECTORY
            elif index < len(parts) - 1 or not stat.S_ISREG(info.st_mode):
                return EntryKind.MISSING
        return EntryKind.FILE

    def describe(self) -> str:
        return "the repository"

    def _entries(self, rel: str) -> list[os.DirEntry[str]]:
        try:
            return list(os.scandir(os.path.join(self.root, rel) if rel else self.root))
        except OSError as exc:
            if exc.errno != errno.ENAMETOOLONG:
                raise
        fd = self._open_beneath(rel, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
        try:
            return list(os.scandir(fd))
        finally:
            os.close(fd)

    def _read_regular(self, path: str, limit: int | None) -> bytes:
        try:
            try:
                fd = os.open(os.path.join(self.root, path), os.O_RDONLY | _NOFOLLOW)
            except OSError as exc:
                if exc.errno != errno.ENAMETOOLONG:
                    raise
                fd = self._open_beneath(path, os.O_RDONLY | _NOFOLLOW)
            return read_and_close(fd, None if limit is None else limit + 1)
        except OSError as exc:
            raise SourceError(f"cannot read {path}: {exc.strerror}") from None

    def _open_beneath(self, rel: str, flags: int) -> int:
        """rel opened one folder at a time from the root, never through a symlink: a repository checked out
        deep enough puts its deepest files past PATH_MAX, where the whole path cannot be opened at once."""
        fd = os.open(self.root, os.O_RDONLY | _DIRECTORY)
        try:
            *folders, name = rel.split("/")
            for folder in folders:
                inner = os.open(folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
                os.close(fd)
                fd = inner
            return os.open(name, flags, dir_fd=fd)
        finally:
            os.close(fd)
