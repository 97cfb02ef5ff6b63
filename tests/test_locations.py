"""File paths in every output are relative to the git repository's root, not to --repo (SPEC §11)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from checker.cli.locations import display_prefix, git_root
from tests.conftest import NOW_TEXT
from tests.test_diffmode import HEALTHY, commit_files, git, init_repo

# One problem in the config (SVC003: no runbook), one in an included file (CFG004: unknown member).
CONFIG = HEALTHY.replace("services:\n", "services:\n  billing: {team: t}\n") + "include: [teams/extra.yaml]\n"
FILES = {"sub/dir/ownership.yaml": CONFIG, "sub/dir/teams/extra.yaml": "teams:\n  x: {members: [ghost]}\n"}
NO_ACTIONS = {"GITHUB_ACTIONS": "", "GITHUB_WORKSPACE": ""}


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A git repository whose ownership.yaml lives in sub/dir, as in a monorepo."""
    root = init_repo(tmp_path / "mono")
    commit_files(root, {"README.md": "# mono\n", **FILES}, "base")
    return root


def files_in(run, repo: Path, *extra: str, env: dict[str, str] | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(repo), "--now", NOW_TEXT, "--format", "json", *extra,
                 env={**NO_ACTIONS, **(env or {})})
    return sorted({d["file"] for d in json.loads(result.output)["diagnostics"]})


def test_json_paths_are_from_the_git_root(run, monorepo: Path) -> None:  # type: ignore[no-untyped-def]
    assert files_in(run, monorepo / "sub/dir") == ["sub/dir/ownership.yaml", "sub/dir/teams/extra.yaml"]


def test_every_format_names_the_file_from_the_git_root(run, monorepo: Path) -> None:  # type: ignore[no-untyped-def]
    def output(fmt: str) -> str:
        result = run("check", "--repo", str(monorepo / "sub/dir"), "--now", NOW_TEXT, "--format", fmt, env=NO_ACTIONS)
        assert result.exit_code == 1
        return str(result.output)

    assert re.search(r"^sub/dir/ownership\.yaml:\d+:\d+: error SVC003", output("text"), re.MULTILINE)
    assert "::error file=sub/dir/ownership.yaml,line=" in output("github")
    sarif = json.loads(output("sarif"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"sub/dir/ownership.yaml", "sub/dir/teams/extra.yaml"}
    assert "sub/dir/ownership.yaml" in output("markdown")


def test_subjects_keep_repo_relative_paths(run, monorepo: Path) -> None:  # type: ignore[no-untyped-def]
    """Subjects are identities that waivers name: moving the rewrite must not change them."""
    (monorepo / "sub/dir/teams/extra.yaml").write_text("teams: [", encoding="utf-8")
    result = run("check", "--repo", str(monorepo / "sub/dir"), "--now", NOW_TEXT, "--format", "json", env=NO_ACTIONS)
    [broken] = [d for d in json.loads(result.output)["diagnostics"] if d["rule"] == "CFG001"]
    assert (broken["file"], broken["subject"]) == ("sub/dir/teams/extra.yaml", "file/teams/extra.yaml")


def test_diff_mode_paths_are_from_the_git_root(run, monorepo: Path) -> None:  # type: ignore[no-untyped-def]
    git(monorepo, "checkout", "-q", "-b", "change")
    (monorepo / "sub/dir/ownership.yaml").write_text(CONFIG.replace("  billing: {team: t}\n",
                                                                    "  billing: {team: t}\n  pay: {team: t}\n"))
    result = run("check", "--repo", str(monorepo / "sub/dir"), "--now", NOW_TEXT, "--format", "json",
                 "--base", "main", env=NO_ACTIONS)
    diagnostics = json.loads(result.output)["diagnostics"]
    assert {(d["file"], d["new"]) for d in diagnostics if d["rule"] == "SVC003"} == {
        ("sub/dir/ownership.yaml", False), ("sub/dir/ownership.yaml", True)}


def test_at_the_git_root_paths_are_unchanged(run, monorepo: Path) -> None:  # type: ignore[no-untyped-def]
    (monorepo / "ownership.yaml").write_text(CONFIG, encoding="utf-8")
    (monorepo / "teams").mkdir()
    (monorepo / "teams/extra.yaml").write_text(FILES["sub/dir/teams/extra.yaml"], encoding="utf-8")
    assert files_in(run, monorepo) == ["ownership.yaml", "teams/extra.yaml"]


def test_outside_git_paths_are_relative_to_repo(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plain = tmp_path / "plain" / "sub" / "dir"
    for path, text in FILES.items():
        (plain.parent.parent / path).parent.mkdir(parents=True, exist_ok=True)
        (plain.parent.parent / path).write_text(text, encoding="utf-8")
    assert git_root(plain) is None
    assert files_in(run, plain) == ["ownership.yaml", "teams/extra.yaml"]


def test_github_workspace_outside_git(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An Actions job that downloaded the sources without .git: GITHUB_WORKSPACE is the root."""
    workspace = tmp_path / "ws"
    for path, text in FILES.items():
        (workspace / path).parent.mkdir(parents=True, exist_ok=True)
        (workspace / path).write_text(text, encoding="utf-8")
    env = {"GITHUB_WORKSPACE": str(workspace)}
    assert files_in(run, workspace / "sub/dir", env=env) == ["sub/dir/ownership.yaml", "sub/dir/teams/extra.yaml"]
    # a workspace that does not hold --repo changes nothing
    elsewhere = {"GITHUB_WORKSPACE": str(tmp_path / "other")}
    assert files_in(run, workspace / "sub/dir", env=elsewhere) == ["ownership.yaml", "teams/extra.yaml"]


def test_github_workspace_at_the_git_root(run, monorepo: Path) -> None:  # type: ignore[no-untyped-def]
    env = {"GITHUB_WORKSPACE": str(monorepo)}
    assert files_in(run, monorepo / "sub/dir", env=env) == ["sub/dir/ownership.yaml", "sub/dir/teams/extra.yaml"]


def test_checkout_below_the_workspace_uses_the_git_root(monorepo: Path) -> None:
    """actions/checkout with `path:` puts the repository below GITHUB_WORKSPACE; GitHub places
    annotations by the repository, as its runner does (it looks for the enclosing .git)."""
    env = {"GITHUB_WORKSPACE": str(monorepo.parent)}
    assert display_prefix(monorepo / "sub/dir", env) == "sub/dir/"


def test_a_git_worktree_file_marks_the_root(tmp_path: Path) -> None:
    (tmp_path / "wt" / "sub").mkdir(parents=True)
    (tmp_path / "wt" / ".git").write_text("gitdir: /somewhere/.git/worktrees/wt\n", encoding="utf-8")
    assert git_root(tmp_path / "wt" / "sub") == tmp_path / "wt"
    (tmp_path / "wt" / ".git").write_text("not a git file\n", encoding="utf-8")
    assert git_root(tmp_path / "wt" / "sub") is None


def test_codeowners_check_names_codeowners_from_the_git_root(run, monorepo: Path) -> None:  # type: ignore[no-untyped-def]
    config = CONFIG.replace("  billing: {team: t}\n", "  billing: {team: t, paths: [billing/]}\n") \
        .replace("  t: {members:", "  t: {github_team: acme/t, members:")
    (monorepo / "sub/dir/ownership.yaml").write_text(config, encoding="utf-8")
    result = run("codeowners", "--check", "--repo", str(monorepo / "sub/dir"), env=NO_ACTIONS)
    assert result.exit_code == 1
    assert re.search(r"^sub/dir/\.github/CODEOWNERS:1:1: error COD001", result.output, re.MULTILINE), result.output
