"""File paths in outputs, relative to the git repository's root rather than to --repo (SPEC §11).

In a monorepo the config often lives below the root (`working-directory:
services/payments` in a workflow), but GitHub places annotations, check-run
annotations and code-scanning alerts by paths from the repository's root. The
pipeline reads files relative to --repo; the command rewrites each location's
file once, after the pipeline ran and before anything is rendered or posted.
Subjects (`file/PATH`) keep --repo-relative paths: they are identities that
waivers and diff mode compare.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ..diagnostics import Diagnostic

_MAX_GITFILE = 4096  # a `.git` file holds one `gitdir: PATH` line


def _is_git_marker(candidate: Path) -> bool:
    """A `.git` directory, or a `.git` file (worktrees, submodules) that starts with `gitdir:`."""
    try:
        if candidate.is_dir():
            return True
        if candidate.is_file():
            with candidate.open("rb") as handle:
                return handle.read(_MAX_GITFILE).startswith(b"gitdir:")
    except OSError:
        return False
    return False


def git_root(start: Path) -> Path | None:
    """The nearest directory at or above start holding a `.git`, without asking git (no GitPython on
    the plain path); None outside a git repository."""
    for directory in (start, *start.parents):
        if _is_git_marker(directory / ".git"):
            return directory
    return None


def display_prefix(root: Path, env: Mapping[str, str]) -> str:
    """What to put before --repo-relative paths: --repo's place in its git repository ("" at the root).
    GitHub's runner places annotations by the enclosing git repository too, so that comes first;
    outside any git repository, GITHUB_WORKSPACE (Actions) when --repo lies inside it; else nothing."""
    base = git_root(root)
    if base is None and env.get("GITHUB_WORKSPACE"):
        workspace = Path(os.path.realpath(env["GITHUB_WORKSPACE"]))
        base = workspace if root == workspace or workspace in root.parents else None
    if base is None or base == root:
        return ""
    return root.relative_to(base).as_posix() + "/"


def relative_to_repository(diagnostics: list[Diagnostic], root: Path,
                           env: Mapping[str, str] = os.environ) -> list[Diagnostic]:
    """The diagnostics with each location's file written from the git repository's root."""
    prefix = display_prefix(root, env)
    if not prefix:
        return diagnostics
    return [d.with_(location=d.location._replace(file=prefix + d.location.file)) if d.location.file else d
            for d in diagnostics]
