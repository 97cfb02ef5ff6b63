"""Git, through GitPython, for diff mode: safe refs, the merge base, files at a commit.

Imported only with --base (or in GitHub Actions), so a plain check never pays
for GitPython. No value from the user reaches git as an option: refs are
validated first, then passed after `--end-of-options`, and everything after
that is a 40-hex SHA.
"""

from __future__ import annotations

import hashlib
import os
import re
from typing import Any

from .reads import read_and_close
from .sources import EntryKind, Listing, Source, list_paths, listed_kind, printable_path

SHA = re.compile(r"[0-9a-f]{40}\Z")
_WORKTREE_READ_LIMIT = 1024 * 1024  # a larger file is asked of git (hashing it would cost as much)
_REF_AND_SUFFIX = re.compile(r"(.*?)((?:[~^][0-9]*)*)", re.DOTALL)  # a ref name, then ~N / ^N
_BAD_REF_CHARS = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


class GitError(Exception):
    """A git problem the user can fix; the message says how (exit 2)."""


def ref_problem(ref: str) -> str | None:
    """Why a --base value is refused before git sees it, or None (git check-ref-format's rules, plus ~N/^N)."""
    if not ref:
        return "is empty"
    if ref.startswith("-"):
        return "starts with '-', which git would read as an option"
    match = _REF_AND_SUFFIX.fullmatch(ref)
    name = match.group(1) if match else ""
    if not name:
        return "has no ref name"
    if (_BAD_REF_CHARS.search(name) or ".." in name or "@{" in name or "//" in name or name == "@"
            or name.endswith((".", "/", ".lock")) or name.startswith("/")
            or any(part.startswith(".") or part.endswith(".lock") for part in name.split("/"))):
        return "is not a valid git ref name"
    return None


def open_repo(path: str) -> Any:
    """The git repository holding path (path may be a folder inside it)."""
    import git

    try:
        return git.Repo(path, search_parent_directories=True)
    except git.InvalidGitRepositoryError:
        raise GitError(f"{path} is not a git repository; --base needs one") from None
    except git.NoSuchPathError:
        raise GitError(f"{path} does not exist") from None
    except git.GitCommandNotFound:
        raise GitError("git is not installed; --base needs it") from None


def folder_in(repo: Any, root: str) -> str:
    """The checked folder's path inside the repository ("" for its root), as GitCommitSource takes it."""
    prefix = os.path.relpath(os.path.realpath(root), os.path.realpath(str(repo.working_tree_dir)))
    return "" if prefix == "." else prefix


def _git(repo: Any, *args: str) -> str:
    return _git_bytes(repo, *args).decode("utf-8", "replace")


def _git_bytes(repo: Any, *args: str) -> bytes:
    """git's output as bytes: file names in it need not be UTF-8."""
    import git

    try:
        return bytes(repo.git.execute(["git", *args], with_extended_output=False, stdout_as_string=False))
    except git.GitCommandError as exc:
        raise GitError(" ".join(str(exc.stderr).split()) or str(exc)) from None
    except git.GitCommandNotFound:
        raise GitError("git is not installed; --base needs it") from None


def is_shallow(repo: Any) -> bool:
    return _git(repo, "rev-parse", "--is-shallow-repository").strip() == "true"


def resolve_commit(repo: Any, ref: str) -> str:
    problem = ref_problem(ref)
    if problem:
        raise GitError(f"--base {ref!r} {problem}")
    try:
        sha = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").strip()
    except GitError:
        sha = ""
    if not SHA.match(sha):
        if SHA.match(ref) and is_shallow(repo):
            raise GitError(f"base commit {ref} is not in this shallow clone; check out with `fetch-depth: 0` "
                           "(actions/checkout) so the pull request's base is present")
        raise GitError(f"unknown git ref {ref!r}; fetch it first (e.g. `git fetch origin {ref}`)")
    return sha


def merge_base(repo: Any, base_ref: str) -> str:
    """The merge base of base_ref and HEAD, as a SHA; GitError names the fix when history is missing."""
    base = resolve_commit(repo, base_ref)
    head = resolve_commit(repo, "HEAD")
    try:
        found = _git(repo, "merge-base", "--end-of-options", base, head).strip()
    except GitError:
        found = ""
    if not SHA.match(found):
        if is_shallow(repo):
            raise GitError(f"the merge base of {base_ref!r} and HEAD is not in this shallow clone; check out "
                           "with `fetch-depth: 0` (actions/checkout)")
        raise GitError(f"{base_ref!r} and HEAD have no common history")
    return found


def renamed_files(repo: Any, sha: str, prefix: str = "") -> dict[str, str]:
    """Files git sees as renamed between a commit and the working tree (its rename detection, -M),
    old path to new, relative to prefix (the checked folder); renames across its edge are left out. Paths
    as the diagnostics' subjects print them (a name that is not UTF-8 or holds a line break, escaped)."""
    if not SHA.match(sha):
        raise ValueError(sha)
    listing = _git_bytes(repo, "diff", "--name-status", "-z", "-M", "--no-color", "--end-of-options", sha,
                         "--").decode("utf-8", "surrogateescape")  # as the listings read names
    fields = listing.split("\0")
    prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
    renames: dict[str, str] = {}
    index = 0
    while index < len(fields):
        status = fields[index]
        if status.startswith(("R", "C")) and index + 2 < len(fields):
            old, new = fields[index + 1], fields[index + 2]
            if status.startswith("R") and old.startswith(prefix) and new.startswith(prefix):
                renames[printable_path(old[len(prefix):])] = printable_path(new[len(prefix):])
            index += 3
        else:
            index += 2  # one path follows every other status
    return renames


class GitCommitSource(Source):
    """The repository as it was at one commit, read from git objects; nothing is checked out."""

    def __init__(self, repo: Any, sha: str, prefix: str = "", worktree: str | None = None) -> None:
        """prefix: the checked folder's path inside the repository ("" for its root). worktree: that
        folder in the working tree, where a file whose bytes hash to the commit's blob is read instead
        of asking git for the blob (most files are the same on both sides of a pull request)."""
        if not SHA.match(sha):
            raise ValueError(sha)
        self.repo, self.sha, self.worktree = repo, sha, worktree
        prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._blobs: dict[str, tuple[str, int]] = {}  # path -> (blob SHA, size)
        self._special: dict[str, EntryKind] = {}
        self._directories: set[str] = set()
        raw_files: list[str] = []
        raw_links: list[str] = []
        listing = _git_bytes(repo, "ls-tree", "-r", "-l", "-z", "--full-tree", "--end-of-options", sha)
        for entry in listing.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            full_path = name.decode("utf-8", "surrogateescape")  # as the working tree's os.scandir reads it
            if not full_path.startswith(prefix):
                continue
            path = full_path[len(prefix):]
            mode, _, object_sha, size = meta.decode("ascii").split()
            if mode in ("100644", "100755"):
                raw_files.append(path)
                self._blobs[path] = (object_sha, int(size))
            elif mode == "120000":
                self._special[path] = EntryKind.SYMLINK
                raw_links.append(path)
            elif mode == "160000":
                self._special[path] = EntryKind.SUBMODULE
            parent = path.rpartition("/")[0]
            while parent and parent not in self._directories:
                self._directories.add(parent)
                parent = parent.rpartition("/")[0]
        self._listing = list_paths(raw_files, raw_links)

    def listing(self) -> Listing:
        return self._listing

    def kind(self, path: str) -> EntryKind:
        return listed_kind(path, self._special, self._blobs, self._directories)

    def describe(self) -> str:
        return f"commit {self.sha[:12]}"

    def _read_regular(self, path: str, limit: int | None) -> bytes:
        object_sha, size = self._blobs[path]
        data = self._same_in_worktree(path, object_sha, size)
        if data is None:
            stream = self.repo.odb.stream(bytes.fromhex(object_sha))
            data = bytes(stream.read() if limit is None else stream.read(limit + 1))
        return data if limit is None else data[:limit + 1]

    def _same_in_worktree(self, path: str, object_sha: str, size: int) -> bytes | None:
        """The working tree's bytes at path when git would name them object_sha (so they are the blob's
        bytes, whatever the path is in the working tree); else None. Small regular files only."""
        if self.worktree is None or size > _WORKTREE_READ_LIMIT:
            return None
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(os.path.join(self.worktree, path), flags)
        except OSError:
            return None
        try:
            data = read_and_close(fd, size + 1, regular_only=True)
        except OSError:
            return None
        if len(data) != size:
            return None
        digest = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
        return data if digest == object_sha else None
