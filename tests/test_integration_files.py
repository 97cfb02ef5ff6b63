"""The pre-commit hook and the GitHub Action as users wire them up."""

from __future__ import annotations

import re

import yaml

from tests.conftest import NOW_TEXT, REPO_ROOT

BROKEN = """\
version: 1
include: ["ownership/*.yaml"]
alerts: [{type: prometheus, paths: ["monitoring/*.yaml"]}]
discovery: [{directories: "services/*"}]
services:
  api: {description: no owner}
"""


def test_hook_runs_only_when_a_staged_file_matters(repo, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = repo(BROKEN, {"ownership/people.yaml": "people: {a: {}}\n", "monitoring/x.yaml": "groups: []\n",
                         "services/api/main.py": "x\n", "docs/readme.md": "x\n"})
    monkeypatch.chdir(root)  # pre-commit runs from the repository root with relative paths
    assert run("check", "--now", NOW_TEXT, "docs/readme.md", "Makefile").exit_code == 0
    for staged in ("ownership.yaml", "ownership/people.yaml", "monitoring/x.yaml", "services/api/main.py"):
        result = run("check", "--now", NOW_TEXT, "docs/readme.md", staged)
        assert result.exit_code == 1, staged
        assert "SVC001" in result.output


def test_pre_commit_hooks_file() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks["ownership-check"]
    # Once per commit, deletions included: the tool reads the staged names from git (tests/test_precommit_hook.py).
    assert hook["entry"] == "ownership check --staged" and hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["always_run"] is True and hook["require_serial"] is True


def test_action_never_pastes_inputs_into_scripts() -> None:
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        assert not re.search(r"\$\{\{\s*inputs\.", step.get("run", "")), step.get("name")


def test_reusable_workflow_has_least_permissions_and_full_history() -> None:
    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/ownership.yml").read_text())
    assert "workflow_call" in workflow[True]  # YAML 1.1 reads `on:` as true
    job = workflow["jobs"]["ownership"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
