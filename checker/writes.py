"""Writing a file the way every command does: atomically, and never through a symlink.

A pull request controls what is committed, so a committed symlink (`report.html -> ../../outside`,
or a symlinked directory on the way) must not redirect `--output` out of the repository. And a write
that fails halfway (disk full, quota, a signal) must leave the previous file as it was: the new bytes
go to a temporary file created beside the target (O_EXCL, O_NOFOLLOW), are flushed to disk, and
`os.replace` puts them in place in one step. `os.replace` renames over the target itself, so even a
symlink created at the last moment is replaced, never followed.

The directories are checked with lstat before the write, not opened one by one: the attacker this
guards against commits symlinks; it does not race the checker from another process.
"""

from __future__ import annotations

import os
import secrets
import stat


class WriteRefused(Exception):
    """The target is not a place the tool will write to; the message says why."""


def write_file(path: str, data: bytes | str, *, repository: str | None = None, make_parents: bool = False) -> None:
    """Replace `path` with `data` atomically. Inside `repository` (or the git work tree around it) no
    directory on the way may be a symlink; the target itself never may. Missing directories are made
    only when `make_parents`. Raises WriteRefused, or OSError when the system fails the write."""
    content = data.encode("utf-8") if isinstance(data, str) else data  # encoding errors before any file exists
    target = os.path.abspath(path)
    directory, name = os.path.split(target)
    if not name:
        raise WriteRefused("it names a directory, not a file")
    _check_directories(directory, _guarded_top(target, repository), make_parents)
    mode = _existing_mode(target)
    temporary = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(temporary, flags, 0o666 if mode is None else 0o600)
    try:
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view):]
            if mode is not None:
                os.chmod(fd if os.chmod in os.supports_fd else temporary, mode)  # keep the old file's mode
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except BaseException:
        _remove_quietly(temporary)
        raise
    _sync_directory(directory)


def _guarded_top(target: str, repository: str | None) -> str | None:
    """The outermost directory below which no symlink is followed: the git work tree holding the
    repository (a monorepo's `--repo` is one folder of it), else the repository; None when the target
    lies outside both (e.g. a report written to $RUNNER_TEMP)."""
    if repository is None:
        return None
    top = os.path.realpath(repository)
    probe = top
    while True:
        if os.path.lexists(os.path.join(probe, ".git")):
            top = probe
            break
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    try:
        inside = os.path.commonpath([top, target]) == top
    except ValueError:  # another drive
        inside = False
    return top if inside else None


def _check_directories(directory: str, top: str | None, make_parents: bool) -> None:
    """Every directory from `top` down to `directory` is a real directory (made if allowed)."""
    if top is None:
        if not os.path.isdir(directory):
            raise WriteRefused(f"the directory {directory} does not exist")
        return
    current = top
    for part in os.path.relpath(directory, top).split(os.sep):
        if part in ("", os.curdir):
            continue
        current = os.path.join(current, part)
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            if not make_parents:
                raise WriteRefused(f"the directory {current} does not exist") from None
            os.mkdir(current)
            continue
        if stat.S_ISLNK(info.st_mode):
            raise WriteRefused(f"{current} is a symlink, which is never followed; write to a real directory")
        if not stat.S_ISDIR(info.st_mode):
            raise WriteRefused(f"{current} is not a directory")


def _existing_mode(target: str) -> int | None:
    """The permission bits of the file being replaced, None if there is none; refuses non-files."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise WriteRefused("it is a symlink, which is never followed; remove it or write elsewhere")
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused("it exists and is not a regular file")
    return stat.S_IMODE(info.st_mode)


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable where the platform allows opening a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
