"""CODEOWNERS from the config, and what GitHub makes of it.

- generate.py: the managed block's lines (each service's `paths` owned by its team's `github_team`), with
  every path validated and escaped, and conflicts reported instead of written;
- block.py: finding and replacing the block between its markers, hand-written lines and line endings kept;
- patterns.py: GitHub's reading of a CODEOWNERS file (the last matching line wins);
- audit.py: COD002 (a hand-written line takes a service's files from its team) and COD003 (a path that
  matches no file);
- sync.py: the whole of `ownership codeowners [--check]` as a plan the command carries out.
"""

from __future__ import annotations

from ..escape import terminal
from ..sources import EntryKind, Source
from .block import BEGIN, END
from .generate import Generated, generate
from .patterns import split_lines

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")  # where GitHub looks, in its order
MAX_BYTES = 3 * 1024 * 1024  # GitHub does not load a CODEOWNERS file over 3 MB

__all__ = ["BEGIN", "END", "LOCATIONS", "MAX_BYTES", "Generated", "diff", "find", "generate"]


def find(source: Source) -> str | None:
    """The CODEOWNERS GitHub would use: the first of .github/, the root, docs/."""
    return next((path for path in LOCATIONS if source.kind(path) is EntryKind.FILE), None)


def diff(current: str, wanted: str, path: str) -> str:
    """A unified diff for the terminal: each line's text escaped (a hand-written line may hold escape sequences)."""
    import difflib  # only for `codeowners --check`: off the start-up path

    lines = difflib.unified_diff(split_lines(current), split_lines(wanted), lineterm="",
                                 fromfile=f"{path} (now)", tofile=f"{path} (from ownership.yaml)")
    return "".join(terminal(line) + "\n" for line in lines)
