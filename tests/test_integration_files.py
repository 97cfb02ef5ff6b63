"""The pre-commit hook and the GitHub Action as users wire them up."""

from __future__ import annotations

import re

import pytest
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


# --- GitHub Actions hygiene (issue 11, zizmor)

ACTION_FILES = sorted([REPO_ROOT / "action.yml", *(REPO_ROOT / ".github/workflows").glob("*.yml")])
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(?P<target>[^\s#]+)\s*(?:#\s*(?P<comment>.*))?$")
PINNED = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}\Z")
VERSION_COMMENT = re.compile(r"v\d+\.\d+\.\d+\b")


def _uses_lines(text: str) -> list[tuple[str, str]]:
    return [(m["target"], m["comment"] or "") for line in text.splitlines() if (m := USES.match(line))]


def _steps(document: dict) -> list[dict]:  # type: ignore[type-arg]
    runs = document.get("runs", {}).get("steps", [])
    return [*runs, *(s for job in document.get("jobs", {}).values() for s in job.get("steps", []))]


def _version() -> str:
    import tomllib

    return str(tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"])


def test_every_action_is_pinned_by_commit_with_its_version_in_a_comment() -> None:
    seen = 0
    for path in ACTION_FILES:
        for target, comment in _uses_lines(path.read_text()):
            seen += 1
            if target.startswith("./"):
                continue  # this repository's own action, at the workflow's own commit
            assert PINNED.match(target) and VERSION_COMMENT.match(comment), f"{path.name}: {target} # {comment}"
    assert seen >= 5


def test_every_checkout_drops_its_credentials() -> None:
    checkouts = [step for path in ACTION_FILES for step in _steps(yaml.safe_load(path.read_text()))
                 if str(step.get("uses", "")).startswith("actions/checkout@")]
    assert len(checkouts) >= 4
    assert all(step.get("with", {}).get("persist-credentials") is False for step in checkouts)


def test_the_reusable_workflow_runs_the_action_at_its_own_commit() -> None:
    steps = yaml.safe_load((REPO_ROOT / ".github/workflows/ownership.yml").read_text())["jobs"]["ownership"]["steps"]
    own = steps[1]["with"]
    assert own["repository"] == "${{ job.workflow_repository }}" and own["ref"] == "${{ job.workflow_sha }}"
    assert steps[-1]["uses"] == f"./{own['path']}"
    cache = next(step for step in steps if step["uses"].startswith("actions/cache@"))
    assert cache["with"]["key"].startswith("ownership-as-code-${{ job.workflow_sha }}-")  # one cache per checker


def test_the_release_workflow_tags_from_pyproject_on_the_default_branch_only() -> None:
    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/release.yml").read_text())
    assert workflow["permissions"] == {} and workflow[True]["push"]["branches"] == ["main"]
    job = workflow["jobs"]["tag"]
    assert job["permissions"] == {"contents": "write"}
    assert job["if"] == "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    for step in job["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")  # values reach scripts through env only


def test_readme_snippets_pin_third_party_actions_and_name_a_published_release() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    pinned_here = {target for path in ACTION_FILES for target, _ in _uses_lines(path.read_text())}
    ours = 0
    for target, comment in _uses_lines(readme):
        if target.startswith("ownership-as-code/"):
            ours += 1
            assert target.endswith(f"@v{_version()}"), target  # the tag release.yml makes from pyproject
        else:
            assert PINNED.match(target) and VERSION_COMMENT.match(comment), target
            assert target in pinned_here, f"{target}: the README pins what the workflows pin"
    assert ours == 3
    assert f"rev: v{_version()}" in readme


def test_zizmor_finds_nothing() -> None:
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    zizmor = shutil.which("zizmor") or str(Path(sys.executable).parent / "zizmor")
    if not Path(zizmor).exists():
        pytest.skip("zizmor is not installed (pip install -e '.[test]')")
    done = subprocess.run([zizmor, "--offline", "--persona=auditor", "--no-progress", *map(str, ACTION_FILES)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr
