"""Shortcuts taken for speed give the answers of the full computations they skip."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.sources import EntryKind, _shown, _shown_in_full
from checker.sources.worktree import WorktreeSource

PATHS = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(["a", "b.yaml", "x\\y", "\n", "\udcff", ".."])),
                 min_size=1, max_size=4).map("/".join)


@given(st.one_of(PATHS, st.text(), st.text(alphabet=st.characters(max_codepoint=0x7f))))
@settings(max_examples=500)
def test_a_usual_name_is_shown_as_the_full_check_would_show_it(raw: str) -> None:
    assert _shown(raw) == _shown_in_full(raw)


def test_a_long_ascii_name_still_says_it_is_too_long() -> None:
    assert _shown("a/" + "x" * 5000)[1] == "is longer than 4096 characters"


def test_a_listed_file_is_the_kind_the_file_system_says(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs" / "sub").mkdir(parents=True)
    (root / "docs" / "runbook.md").write_text("# runbook\n")
    (root / "docs" / "sub" / "deep.md").write_text("# deep\n")
    (root / "outside.md").write_text("# outside\n")
    os.symlink(root / "outside.md", root / "docs" / "link.md")
    os.symlink(root / "docs" / "sub", root / "linked-dir")
    (root / "vendor" / "module").mkdir(parents=True)
    (root / "vendor" / "module" / ".git").write_text("gitdir: elsewhere\n")
    (root / "vendor" / "module" / "README.md").write_text("# a submodule\n")
    os.mkfifo(root / "docs" / "pipe")
    paths = ["docs/runbook.md", "docs/sub/deep.md", "outside.md", "docs/link.md", "linked-dir/deep.md",
             "vendor/module/README.md", "docs/pipe", "docs", "docs/missing.md", "../outside.md"]
    fresh = {path: WorktreeSource(str(root)).kind(path) for path in paths}  # before any listing
    listed = WorktreeSource(str(root))
    listed.listing()
    assert {path: listed.kind(path) for path in paths} == fresh
    assert fresh["docs/runbook.md"] is EntryKind.FILE and fresh["docs/link.md"] is EntryKind.SYMLINK
    assert fresh["vendor/module/README.md"] is EntryKind.SUBMODULE and fresh["docs/pipe"] is EntryKind.MISSING
