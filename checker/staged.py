"""The files staged for the next commit, as git lists them: additions, changes and deletions.

Pre-commit starts the checker on every commit, and the "nothing to check" answer has a budget of
1.5x `python -c "import yaml"` (~45 ms here; README, Performance). Importing GitPython alone costs
~85 ms, so git is run directly: one `git diff --cached` process per answer, spawned with
os.posix_spawnp (the `subprocess` module's import alone is ~5 ms; it is the fallback where
posix_spawnp is missing, e.g. on Windows). The argv is fixed: no shell, no user text among the
options (the root after `-C` is a resolved absolute path). Names come back NUL-separated (`-z`), so
none is unquoted or split, and `--relative` keeps them relative to the checked folder (a monorepo's
`--repo`). Inside a hook git sets GIT_INDEX_FILE (e.g. `git commit FILE` stages into a temporary
index); it is inherited, so the names are those of the commit being made.
"""

from __future__ import annotations

import os

GIT_STAGED = ("diff", "--cached", "--name-status", "-z", "--no-renames", "--relative", "--")
GIT_ANYTHING_STAGED = ("diff", "--cached", "--quiet", "--")


class StagedError(Exception):
    """git could not list the staged files; the message is for the user."""


def staged_changes(root: str) -> list[tuple[str, str]]:
    """(status letter, path relative to root) for every staged change under root; a rename is a
    deletion and an addition (--no-renames), so both of its names are seen."""
    fields = _git(GIT_STAGED, root)[1].split(b"\0")
    changes: list[tuple[str, str]] = []
    index = 0
    while index + 1 < len(fields):
        status = os.fsdecode(fields[index])
        names = 2 if status[:1] in ("R", "C") else 1  # only without --no-renames; kept for safety
        for path in fields[index + 1 : index + 1 + names]:
            changes.append((status[:1], os.fsdecode(path)))
        index += 1 + names
    return changes


def anything_staged(root: str) -> bool:
    """Whether anything at all is staged in the repository, under root or elsewhere."""
    return _git(GIT_ANYTHING_STAGED, root, ok=(0, 1))[0] == 1


def _git(args: tuple[str, ...], root: str, ok: tuple[int, ...] = (0,)) -> tuple[int, bytes]:
    """git's exit code and standard output; StagedError when it cannot run or fails."""
    argv = ["git", "-C", os.path.abspath(root), *args]
    try:
        code, out, err = _spawn(argv) if hasattr(os, "posix_spawnp") else _subprocess(argv)
    except OSError as exc:
        raise StagedError(f"cannot run git: {exc.strerror}") from None
    if code not in ok:
        message = os.fsdecode(err).strip().splitlines()
        raise StagedError(message[0] if message else f"git {args[0]} exited {code}")
    return code, out


def _spawn(argv: list[str]) -> tuple[int, bytes, bytes]:
    out_read, out_write = os.pipe()  # both ends close-on-exec; only the dup2 copies reach git
    err_read, err_write = os.pipe()
    try:
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, out_write, 1), (os.POSIX_SPAWN_DUP2, err_write, 2)])
    except OSError:
        for fd in (out_read, out_write, err_read, err_write):
            os.close(fd)
        raise
    os.close(out_write)
    os.close(err_write)
    out = _read_all(out_read)  # git's stderr is a line or two: it fits the pipe while stdout drains
    err = _read_all(err_read)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), out, err


def _read_all(fd: int) -> bytes:
    chunks = []
    try:
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def _subprocess(argv: list[str]) -> tuple[int, bytes, bytes]:
    import subprocess

    done = subprocess.run(argv, capture_output=True, check=False)
    return done.returncode, done.stdout, done.stderr
