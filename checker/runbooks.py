"""Can a runbook reference be followed? Shared by service runbooks (SVC004) and alert runbook_url (ALR003)."""

from __future__ import annotations

from .load import MAX_FILE_BYTES
from .sources import UNPRINTABLE, EntryKind, Source, SourceError, normalize_repo_path

RUNBOOK_READ_LIMIT = 4096  # enough to tell an empty file from a real one, almost always


def runbook_problem(repo: Source, runbook: str, by_path: dict[str, str | None] | None = None) -> str | None:
    """Why a runbook reference cannot be followed, or None. Shared with alert runbook_url checks.
    by_path: what was found of each repository path already this run, so references that differ only
    in their #fragment look at the file once."""
    if UNPRINTABLE.search(runbook):  # a NUL crashes file system calls; a line break forges output lines
        return "holds a line break or control character; write the path or https URL on its own"
    lowered = runbook.lower()
    if lowered.startswith("https://"):
        return None if len(runbook) > len("https://") else "is an empty URL"
    if "://" in runbook or lowered.startswith(("http:", "file:", "mailto:", "javascript:", "data:")):
        return "is a URL that is not https; link the https page"
    path = runbook.split("#", 1)[0]
    normal = normalize_repo_path(path)
    if normal is None:
        return "resolves outside the repository or inside .git; give a path inside the repository"
    if by_path is None:
        return _file_problem(repo, normal)
    if normal not in by_path:
        by_path[normal] = _file_problem(repo, normal)
    return by_path[normal]


def _file_problem(repo: Source, normal: str) -> str | None:
    kind = repo.kind(normal)
    if kind is EntryKind.MISSING:
        return "does not exist in the repository; add the file or fix the path"
    if kind is EntryKind.SYMLINK:
        return "is (or goes through) a symlink, which is not followed; commit the file itself"
    if kind is EntryKind.SUBMODULE:
        return "is inside a submodule, which is not read; keep runbooks in this repository"
    if kind is EntryKind.DIRECTORY:
        return "is a directory; point at the runbook file"
    try:
        content = repo.read(normal, RUNBOOK_READ_LIMIT)
        if not content.strip() and len(content) > RUNBOOK_READ_LIMIT:  # blank so far: its text may come later
            content = repo.read(normal, MAX_FILE_BYTES)
    except SourceError as exc:
        return f"cannot be read ({exc})"
    if not content.strip():
        return "is empty; write the runbook"
    return None
