"""The pre-commit hook under the real `pre-commit`, committing in a scratch repository (issue 16).

The hook is this repository's `.pre-commit-hooks.yaml` entry as published, run as a `repo: local`
hook (`language: system`, this interpreter's checker) so no network or virtualenv build is needed:
pre-commit itself decides when and with what arguments to run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import NOW_TEXT, REPO_ROOT
from tests.test_check_scope import FILES
from tests.test_diffmode import commit_files, git, init_repo

pytest.importorskip("pre_commit", reason="the real pre-commit package is needed (pip install -e '.[test]')")

NOTHING = "ownership: nothing to check"


def hook_config() -> dict[str, object]:
    published = {h["id"]: h for h in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = dict(published["ownership-check"])
    assert hook["entry"].startswith("ownership ")
    hook.update(entry=f"{sys.executable} -m checker {hook['entry'].removeprefix('ownership ')}",
                language="system", verbose=True, args=["--now", NOW_TEXT, "--format", "json"])
    return {"repos": [{"repo": "local", "hooks": [hook]}]}


@pytest.fixture
def hooked(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = init_repo(tmp_path / "repo")
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(hook_config()))
    commit_files(root, {**FILES, ".pre-commit-config.yaml": (root / ".pre-commit-config.yaml").read_text()},
                 "healthy")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT", "GITHUB_"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=root, env=env, check=True,
                   capture_output=True)
    return root, env


def commit(hooked: tuple[Path, dict[str, str]], *extra: str) -> subprocess.CompletedProcess[str]:
    root, env = hooked
    return subprocess.run(["git", "commit", "-m", "change", *extra], cwd=root, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False)  # git shows hook output on stderr


def runs(output: str) -> int:
    """How many times the check ran: each run prints one JSON report."""
    return output.count('"summary"')


def test_a_commit_with_nothing_staged_checks_everything_once(hooked: tuple[Path, dict[str, str]]) -> None:
    done = commit(hooked, "--allow-empty")
    assert done.returncode == 0, done.stdout
    assert runs(done.stdout) == 1 and NOTHING not in done.stdout


def test_one_staged_file_that_breaks_the_config_blocks_the_commit(hooked: tuple[Path, dict[str, str]]) -> None:
    root, _ = hooked
    (root / "ownership/more.yaml").write_text("services:\n  web: {runbook: docs/runbooks/web.md}\n")
    git(root, "add", "ownership/more.yaml")
    done = commit(hooked)
    assert done.returncode == 1 and runs(done.stdout) == 1
    report = json.loads(done.stdout[done.stdout.index("{"):done.stdout.rindex("}") + 1])
    assert {d["rule"] for d in report["diagnostics"]} >= {"SVC001"}
    assert git(root, "rev-list", "--count", "HEAD") == "1"  # not committed


def test_many_staged_files_run_the_check_once(hooked: tuple[Path, dict[str, str]]) -> None:
    root, _ = hooked
    for index in range(1300):  # 144 KB of names: pre-commit would split FILE arguments in two chunks
        path = root / "docs" / f"{'page-' * 20}{index:04}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text("x\n")
    git(root, "add", "docs")
    done = commit(hooked)
    assert done.returncode == 0 and done.stdout.count(NOTHING) == 1 and runs(done.stdout) == 0
    for index in range(1300):  # files of a discovered service: each one matters
        (root / "services" / "api" / f"{'module-' * 15}{index:04}.py").write_text("y\n")
    (root / "docs/runbooks/web.md").write_text("")  # and an emptied runbook, which blocks
    git(root, "add", "services", "docs")
    done = commit(hooked)
    assert done.returncode == 1 and runs(done.stdout) == 1 and done.stdout.count("SVC004") == 1


def test_a_commit_that_only_deletes_a_runbook_is_checked_and_blocked(hooked: tuple[Path, dict[str, str]]) -> None:
    root, _ = hooked
    git(root, "rm", "-q", "docs/runbooks/web.md")
    done = commit(hooked)
    assert done.returncode == 1 and runs(done.stdout) == 1
    assert "SVC004" in done.stdout and "docs/runbooks/web.md" in done.stdout
