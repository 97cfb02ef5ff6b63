"""SVC004 cases that YAML fixtures cannot express: symlinks, submodules, .git."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import check_repo, write_repo

CONFIG = "version: 1\nservices:\n  api: {lifecycle: experimental, runbook: %s}\n"


def svc004(root: Path) -> list[str]:
    return [d.message for d in check_repo(root).diagnostics if d.rule == "SVC004"]


def test_symlinked_runbook_is_refused(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", CONFIG % "docs/runbook.md", {"docs/real.md": "# real\n"})
    os.symlink("real.md", root / "docs/runbook.md")
    [message] = svc004(root)
    assert "symlink" in message


def test_symlink_to_git_config_is_not_read(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", CONFIG % "docs/runbook.md", {".git/config": "[core]\n", "docs/x": "x"})
    os.symlink("../.git/config", root / "docs/runbook.md")
    [message] = svc004(root)
    assert "symlink" in message


def test_runbook_through_a_symlinked_directory_is_refused(tmp_path: Path) -> None:
    outside = write_repo(tmp_path / "outside", None, {"runbook.md": "# secret\n"})
    root = write_repo(tmp_path / "r", CONFIG % "docs/runbook.md")
    os.symlink(outside, root / "docs")
    [message] = svc004(root)
    assert "symlink" in message


def test_runbook_inside_a_submodule_is_refused(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", CONFIG % "vendor/lib/runbook.md",
                      {"vendor/lib/runbook.md": "# theirs\n", "vendor/lib/.git": "gitdir: ../../.git/modules/lib\n"})
    [message] = svc004(root)
    assert "submodule" in message


def test_runbook_inside_dot_git_is_refused(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", CONFIG % "docs/../.git/HEAD", {".git/HEAD": "ref: refs/heads/main\n"})
    [message] = svc004(root)
    assert ".git" in message


def test_discovery_does_not_follow_symlinked_directories(tmp_path: Path) -> None:
    outside = write_repo(tmp_path / "outside", None, {"evil/main.py": "x\n"})
    root = write_repo(tmp_path / "r", 'version: 1\ndiscovery: [{directories: "services/*"}]\n',
                      {"services/real/main.py": "x\n"})
    os.symlink(outside / "evil", root / "services/evil")
    names = [d.message for d in check_repo(root).diagnostics if d.rule == "SVC006"]
    assert len(names) == 1 and "'real'" in names[0]
