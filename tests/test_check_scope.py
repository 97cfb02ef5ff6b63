"""What `ownership check FILE...` and `ownership check --staged` check (SPEC §11): never nothing silently."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NOW_TEXT, write_repo
from tests.test_diffmode import HEALTHY, commit_files, git, init_repo

# test_diffmode's healthy organisation, with includes, alerts, discovery and runbooks in the repository.
CONFIG = HEALTHY.replace("version: 1\n", """\
version: 1
include: ["ownership/*.yaml"]
alerts: [{type: prometheus, paths: ["monitoring/*.yaml"]}]
discovery: [{directories: "services/*"}]
""").split("services:\n")[0] + "services:\n  api: {team: t, runbook: docs/runbooks/api.md}\n"
RULES = """\
groups:
  - name: api
    rules:
      - alert: ApiDown
        expr: up == 0
        labels: {team: t, severity: page}
        annotations: {runbook_url: https://wiki.example.com/api}
"""
FILES = {
    "ownership.yaml": CONFIG,
    "ownership/more.yaml": "services:\n  web: {team: u, runbook: docs/runbooks/web.md}\n",
    "monitoring/rules.yaml": RULES,
    "docs/runbooks/api.md": "# api\n",
    "docs/runbooks/web.md": "# web\n",
    "services/api/main.py": "x\n",
    "services/web/main.py": "x\n",
    "README.md": "# readme\n",
}
NOTHING = "nothing to check"


@pytest.fixture
def gitrepo(tmp_path: Path) -> Path:
    """A healthy repository, committed; nothing staged."""
    root = init_repo(tmp_path / "repo")
    commit_files(root, dict(FILES), "healthy")
    return root


def check(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`ownership check` as pre-commit runs it: a new process (the early exit happens before click)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GITHUB_"))}
    return subprocess.run([sys.executable, "-m", "checker", "check", "--now", NOW_TEXT, *args], cwd=root,
                          capture_output=True, text=True, env={**environment, **(env or {})}, check=False)


def stage(root: Path, changes: dict[str, str | None]) -> None:
    """Stage writes (text) and deletions (None) without committing."""
    for path, content in changes.items():
        if content is None:
            git(root, "rm", "-q", path)
        else:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(content)
            git(root, "add", path)


# --- the newcomer path (issue 11)


def test_naming_a_config_that_is_not_the_repositorys_is_exit_2_with_the_command_meant(tmp_path: Path) -> None:
    # `ownership check examples/broken/ownership.yaml` in a repository with no ownership.yaml of its own.
    root = write_repo(tmp_path / "project", None, {f"examples/broken/{k}": v for k, v in FILES.items()})
    for args in ((), ("--format", "json")):
        result = check(root, *args, "examples/broken/ownership.yaml")
        assert result.returncode == 2, result
        assert result.stdout == ""
        assert "no config at ownership.yaml" in result.stderr
        assert "run `ownership check --repo examples/broken`" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    # ... and the command it suggests checks that config.
    assert check(root, "--repo", "examples/broken").returncode == 0


def test_missing_config_is_exit_2_even_when_no_named_file_matters(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", None, {"docs/readme.md": "x\n"})
    result = check(root, "docs/readme.md")
    assert result.returncode == 2 and "no config at ownership.yaml" in result.stderr


def test_naming_the_config_checks_it(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", None, {**FILES, "ownership.yaml": CONFIG.replace("team: t, runbook", "runbook")})
    result = check(root, "--format", "json", "ownership.yaml")
    assert result.returncode == 1
    assert "SVC001" in {d["rule"] for d in json.loads(result.stdout)["diagnostics"]}


def test_a_named_yaml_the_config_does_not_read_gets_a_note_and_the_check_runs(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", None, {**FILES, "deploy/app.yaml": "kind: Deployment\n"})
    result = check(root, "--format", "json", "deploy/app.yaml")
    assert result.returncode == 0 and json.loads(result.stdout)["summary"] == {"errors": 0, "warnings": 0,
                                                                              "blocking": 0}
    assert ("note: deploy/app.yaml is not ownership.yaml or a file it reads, so it is not checked itself "
            "(to check deploy/app.yaml as the config, run `ownership check --config deploy/app.yaml`)") in result.stderr
    missing = check(root, "typo.yml")
    assert missing.returncode == 0 and "note: typo.yml does not exist and is not ownership.yaml" in missing.stderr


def test_a_named_file_outside_the_repository_is_exit_2(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", None, FILES)
    (tmp_path / "elsewhere.yaml").write_text("version: 1\n")
    for name in ("../elsewhere.yaml", str(tmp_path / "elsewhere.yaml")):
        result = check(root, name)
        assert result.returncode == 2 and "is outside the repository" in result.stderr, name


def test_files_that_do_not_matter_say_so_in_one_line_and_exit_0(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", None, FILES)
    result = check(root, "README.md", "services")  # a folder named is checked: "services" is one
    assert result.returncode == 0 and NOTHING not in result.stderr
    result = check(root, "README.md", "Makefile")
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr == ("ownership: nothing to check: none of the 2 named file(s) affects ownership.yaml, "
                             "its includes, alerts, discovered services or runbooks\n")


@pytest.mark.parametrize("path", ["ownership.yaml", "ownership/more.yaml", "ownership/new.yaml",
                                  "monitoring/rules.yaml", "services/api/main.py", "docs/runbooks/web.md"])
def test_each_kind_of_file_the_check_reads_makes_it_run(tmp_path: Path, path: str) -> None:
    root = write_repo(tmp_path / "r", None, FILES)
    result = check(root, "--format", "json", "README.md", path)
    assert result.returncode == 0 and "summary" in json.loads(result.stdout), path


# --- --staged: the names git has staged, deletions included (issue 16)


def test_staged_files_that_do_not_matter_say_so(gitrepo: Path) -> None:
    stage(gitrepo, {"README.md": "# changed\n", "docs/guide.md": "# new\n"})
    result = check(gitrepo, "--staged")
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr == ("ownership: nothing to check: no staged file affects ownership.yaml, its includes, "
                             "alerts, discovered services or runbooks\n")


@pytest.mark.parametrize("deleted, rule", [("docs/runbooks/web.md", "SVC004"),
                                           ("ownership/more.yaml", "SVC006"),
                                           ("monitoring/rules.yaml", None)])
def test_a_staged_deletion_of_a_file_the_config_reads_makes_the_check_run(gitrepo: Path, deleted: str,
                                                                          rule: str | None) -> None:
    git(gitrepo, "rm", "-q", deleted)
    result = check(gitrepo, "--staged", "--format", "json")
    rules = {d["rule"] for d in json.loads(result.stdout)["diagnostics"]}
    assert (rule in rules) if rule else result.returncode == 0, result.stderr
    # The old hook passed file names, never deleted ones: the deletion still counts.
    result = check(gitrepo, "--format", "json", "README.md")
    assert "summary" in json.loads(result.stdout)


def test_a_staged_rename_counts_under_both_names(gitrepo: Path) -> None:
    git(gitrepo, "mv", "docs/runbooks/web.md", "docs/web.md")
    result = check(gitrepo, "--staged", "--format", "json")
    assert result.returncode == 1 and "SVC004" in result.stdout


def test_nothing_staged_checks_everything(gitrepo: Path) -> None:
    # `pre-commit run --all-files` in CI stages nothing: the hook must not skip the check there.
    (gitrepo / "ownership/more.yaml").write_text("services:\n  web: {runbook: docs/runbooks/web.md}\n")
    git(gitrepo, "commit", "-qam", "break it without the hook")
    result = check(gitrepo, "--staged")
    assert result.returncode == 1 and "SVC001" in result.stdout


def test_a_pre_push_range_checks_everything(gitrepo: Path) -> None:
    stage(gitrepo, {"README.md": "# changed\n"})
    result = check(gitrepo, "--staged", "--format", "json", env={"PRE_COMMIT_FROM_REF": "HEAD~1",
                                                                 "PRE_COMMIT_TO_REF": "HEAD"})
    assert "summary" in json.loads(result.stdout)


def test_staged_in_a_monorepo_folder_looks_only_at_that_folder(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "mono")
    commit_files(root, {f"platform/{k}": v for k, v in FILES.items()} | {"app/main.py": "x\n"}, "mono")
    stage(root, {"app/main.py": "y\n"})
    result = check(root, "--staged", "--repo", "platform")
    assert result.returncode == 0 and NOTHING in result.stderr
    stage(root, {"platform/docs/runbooks/api.md": None})
    result = check(root, "--staged", "--repo", "platform")
    assert result.returncode == 1 and "SVC004" in result.stdout


def test_staged_outside_git_is_exit_2(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "plain", None, FILES)
    result = check(root, "--staged")
    assert result.returncode == 2 and "--staged: cannot list the staged files" in result.stderr


def test_a_staged_file_name_cannot_write_to_the_terminal(gitrepo: Path) -> None:
    name = "deploy/\x1b[2Kevil.yaml"
    stage(gitrepo, {name: "kind: x\n"})
    result = check(gitrepo, "--format", "json", name)
    assert "\x1b" not in result.stderr and "\\x1b[2Kevil.yaml" in result.stderr


def test_the_nothing_to_check_exit_imports_neither_click_nor_the_checker(gitrepo: Path) -> None:
    """Start-up is the budget (1.5x `python -c "import yaml"`): what is not imported cannot cost."""
    stage(gitrepo, {"README.md": "# changed\n"})
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "checker", "check", "--staged"],
                          cwd=gitrepo, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and NOTHING in done.stderr
    # What the interpreter's own start-up imports (site-packages' .pth files differ between machines) is not ours.
    bare = subprocess.run([sys.executable, "-X", "importtime", "-c", "pass"],
                          cwd=gitrepo, capture_output=True, text=True, check=False)
    heavy = {"click", "git", "jsonschema", "subprocess", "typing", "checker.load", "checker.config"}
    assert not heavy & imported_modules(done.stderr) - imported_modules(bare.stderr), done.stderr


def imported_modules(importtime: str) -> set[str]:
    return {line.rsplit("|", 1)[-1].strip() for line in importtime.splitlines() if "import time" in line}


def test_staged_names_are_the_same_where_posix_spawn_is_missing(gitrepo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.staged import anything_staged, staged_changes

    stage(gitrepo, {"README.md": "# changed\n", "docs/runbooks/web.md": None, "new file.md": "x\n"})
    spawned = staged_changes(str(gitrepo))
    assert spawned == [("M", "README.md"), ("D", "docs/runbooks/web.md"), ("A", "new file.md")]
    monkeypatch.delattr(os, "posix_spawnp")  # as on Windows: the subprocess module instead
    assert staged_changes(str(gitrepo)) == spawned and anything_staged(str(gitrepo))
