"""--base on real git repositories: only what a change introduces blocks."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import NOW_TEXT

HEALTHY = """\
version: 1
people: {a: {}, b: {}, c: {}, d: {}, e: {}, f: {}, g: {}, h: {}}
teams:
  t: {members: [a, b, c, d], oncall: {primary: r, secondary: s}, escalation: [{rotation: r}, {team: u}]}
  u: {members: [e, f, g, h], oncall: {primary: s, secondary: r}, escalation: [{rotation: s}, {contact: boss}]}
rotations:
  r: {team: t, members: [a, b, c, d], shift: 1w, start: 2026-01-06T12:00, holiday_shift: 1d}
  s: {team: u, members: [e, f, g, h], shift: 1w, start: 2026-01-06T12:00, holiday_shift: 1d}
policy: {rules: {ROT007: off}}
services:
  api: {team: t, runbook: https://wiki.example.com/api}
  legacy: {team: u}                  # old debt: no runbook (SVC003)
"""


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit_files(root: Path, files: dict[str, str | None], message: str) -> str:
    for path, content in files.items():
        target = root / path
        if content is None:
            git(root, "rm", "-q", path)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
        git(root, "add", path)
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


def init_repo(root: Path) -> Path:
    """An empty repository on branch main, with a committer configured."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "Test")
    return root


@pytest.fixture
def gitrepo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    commit_files(root, {"ownership.yaml": HEALTHY, "README.md": "# repo\n"}, "base")
    git(root, "checkout", "-q", "-b", "change")
    return root


def check(run, root: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run("check", "--repo", str(root), "--now", NOW_TEXT, "--format", "json", *extra)


def new_keys(result) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(d["rule"], d["subject"]) for d in json.loads(result.output)["diagnostics"] if d["new"]}


def test_readme_only_change_passes_despite_old_debt(gitrepo: Path, run) -> None:  # type: ignore[no-untyped-def]
    commit_files(gitrepo, {"README.md": "# repo\n\nMore words.\n"}, "docs")
    result = check(run, gitrepo, "--base", "main")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert [(d["rule"], d["subject"], d["new"]) for d in body["diagnostics"]] == [("SVC003", "service/legacy", False)]
    assert body["summary"]["blocking"] == 0
    # without --base the same debt blocks; --strict makes old debt block too
    assert check(run, gitrepo).exit_code == 1
    assert check(run, gitrepo, "--base", "main", "--strict").exit_code == 1


def test_new_service_without_oncall_fails_with_exactly_its_diagnostics(gitrepo: Path, run) -> None:  # type: ignore[no-untyped-def]
    config = HEALTHY.replace("services:\n", "services:\n  billing: {team: growth, runbook: https://wiki.example.com/b}\n")
    config = config.replace("rotations:\n", "  growth: {members: [a]}\nrotations:\n")
    commit_files(gitrepo, {"ownership.yaml": config}, "add billing, owned by a team without on-call")
    result = check(run, gitrepo, "--base", "main")
    assert result.exit_code == 1
    assert new_keys(result) == {("SVC002", "service/billing"), ("SVC005", "service/billing"),
                                ("ESC001", "team/growth")}


def test_uncommitted_changes_count_and_the_worktree_is_untouched(gitrepo: Path, run) -> None:  # type: ignore[no-untyped-def]
    (gitrepo / "ownership.yaml").write_text(HEALTHY.replace("  api: {team: t,", "  api: {team: nobody,"))
    before = git(gitrepo, "status", "--porcelain")
    result = check(run, gitrepo, "--base", "main")
    assert result.exit_code == 1
    assert ("CFG004", "service/api") in new_keys(result)
    assert git(gitrepo, "status", "--porcelain") == before
    assert git(gitrepo, "rev-parse", "--abbrev-ref", "HEAD") == "change"


def test_merge_base_not_the_moved_on_base_branch(gitrepo: Path, run) -> None:  # type: ignore[no-untyped-def]
    commit_files(gitrepo, {"README.md": "# change\n"}, "change")
    git(gitrepo, "checkout", "-q", "main")
    # main moves on and fixes its debt; the pull request still has it, but did not introduce it
    commit_files(gitrepo, {"ownership.yaml": HEALTHY.replace("  legacy: {team: u}", "  legacy: {team: u, "
                                                             "runbook: https://wiki.example.com/l}")}, "fix")
    git(gitrepo, "checkout", "-q", "change")
    result = check(run, gitrepo, "--base", "main")
    assert result.exit_code == 0, result.output
    git(gitrepo, "merge", "-q", "--no-edit", "main")
    assert json.loads(check(run, gitrepo, "--base", "main").output)["diagnostics"] == []


def test_renamed_include_keeps_old_debt_old_and_a_renamed_service_is_new(gitrepo: Path, run) -> None:  # type: ignore[no-untyped-def]
    split = HEALTHY.replace("  legacy: {team: u}                  # old debt: no runbook (SVC003)\n", "")
    split = split.replace("version: 1\n", "version: 1\ninclude: ['ownership/*.yaml']\n")
    git(gitrepo, "checkout", "-q", "main")
    commit_files(gitrepo, {"ownership.yaml": split, "ownership/legacy.yaml": "services:\n  legacy: {team: u}\n"},
                 "split")
    git(gitrepo, "checkout", "-q", "-b", "rename")
    git(gitrepo, "mv", "ownership/legacy.yaml", "ownership/old.yaml")
    git(gitrepo, "commit", "-q", "-m", "rename")
    result = check(run, gitrepo, "--base", "main")
    assert result.exit_code == 0, result.output
    commit_files(gitrepo, {"ownership/old.yaml": "services:\n  legacy-v2: {team: u}\n"}, "rename service")
    result = check(run, gitrepo, "--base", "main")
    assert result.exit_code == 1
    assert new_keys(result) == {("SVC003", "service/legacy-v2")}


def test_config_absent_at_base_makes_everything_new(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = init_repo(tmp_path / "fresh")
    commit_files(root, {"README.md": "# x\n"}, "start")
    git(root, "checkout", "-q", "-b", "adopt")
    commit_files(root, {"ownership.yaml": HEALTHY}, "adopt")
    result = check(run, root, "--base", "main")
    assert result.exit_code == 1
    assert all(d["new"] for d in json.loads(result.output)["diagnostics"])


def test_shallow_clone_without_the_base_commit(gitrepo: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    base_sha = git(gitrepo, "rev-parse", "main")
    commit_files(gitrepo, {"README.md": "# next\n"}, "next")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "change", f"file://{gitrepo}", str(clone)],
                   check=True)
    result = run("check", "--repo", str(clone), "--now", NOW_TEXT, "--base", base_sha)
    assert result.exit_code == 2
    assert "fetch-depth: 0" in result.output and base_sha in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("ref", ["--upload-pack=touch /tmp/pwned", "-x", "main..x", "a b", "x@{1}"])
def test_refs_that_look_like_options_or_are_invalid_are_refused(gitrepo: Path, run, ref: str) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(gitrepo), f"--base={ref}")
    assert result.exit_code == 2
    assert "--base" in result.output and ("option" in result.output or "not a valid git ref" in result.output)


def test_unknown_ref_is_named(gitrepo: Path, run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(gitrepo), "--base", "no-such-branch")
    assert result.exit_code == 2
    assert "unknown git ref 'no-such-branch'" in result.output


def test_not_a_git_repository(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "ownership.yaml").write_text(HEALTHY)
    result = run("check", "--repo", str(tmp_path), "--base", "main")
    assert result.exit_code == 2 and "not a git repository" in result.output


def test_subfolder_of_a_repository_is_compared_at_the_same_place(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = init_repo(tmp_path / "mono")
    commit_files(root, {"ops/ownership.yaml": HEALTHY}, "base")
    git(root, "checkout", "-q", "-b", "change")
    commit_files(root, {"ops/notes.md": "x\n"}, "notes")
    result = check(run, root / "ops", "--base", "main")
    assert result.exit_code == 0, result.output


def test_github_actions_takes_the_base_from_the_event_and_annotates(gitrepo: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base_sha = git(gitrepo, "rev-parse", "main")
    config = HEALTHY.replace("services:\n", "services:\n  billing: {team: t}\n")
    head_sha = commit_files(gitrepo, {"ownership.yaml": config}, "billing")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "base": {"sha": base_sha}, "head": {"sha": head_sha}}}))
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": str(event), "GITHUB_SHA": "f" * 40,
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_TOKEN": ""}
    result = run("check", "--repo", str(gitrepo), "--now", NOW_TEXT, env=env)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("::error file=ownership.yaml,line=") and "SVC003" in lines[0]
    assert any(line.startswith("::warning ") and "service/legacy" in line for line in lines)
    assert "(new)" in (tmp_path / "summary.md").read_text()


def test_bad_event_payload_is_a_usage_error(gitrepo: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "base": {"sha": "--upload-pack=evil"}}}))
    result = run("check", "--repo", str(gitrepo), env={"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": str(event)})
    assert result.exit_code == 2 and "40-hex" in result.output


RULES = "groups: [{name: api, rules: [{alert: ApiDown, expr: up == 0, labels: {severity: warning}}]}]\n"


def with_alerts(owner: str | None) -> str:
    """HEALTHY, reading monitoring/*.yml with the given owner by path (None: none)."""
    owned = f", owner: {owner}" if owner else ""
    return HEALTHY + f"alerts:\n  - {{type: prometheus, paths: ['monitoring/*.yml']{owned}}}\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from checker import load

    seen: list[str] = []
    real = load._parse
    monkeypatch.setattr(load, "_parse", lambda data, path: seen.append(path) or real(data, path))
    return seen


def test_a_file_unchanged_since_the_base_is_read_once(gitrepo: Path, run, parses: list[str]) -> None:  # type: ignore[no-untyped-def]
    git(gitrepo, "checkout", "-q", "main")
    commit_files(gitrepo, {"ownership.yaml": with_alerts("t"), "monitoring/same.yml": RULES,
                           "monitoring/edited.yml": RULES.replace("Api", "Db")}, "alerts")
    git(gitrepo, "checkout", "-q", "-B", "change")
    commit_files(gitrepo, {"monitoring/edited.yml": RULES.replace("Api", "Queue")}, "edit")
    result = run("check", "--repo", str(gitrepo), "--base", "main", "--now", NOW_TEXT, "--no-cache",
                 "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert sorted(parses) == ["monitoring/edited.yml", "monitoring/edited.yml", "monitoring/same.yml",
                              "ownership.yaml"]  # the config is the same too
    subjects = {d["subject"] for d in json.loads(result.stdout)["diagnostics"]}
    assert "alert/monitoring/edited.yml#DbDown" not in subjects


def test_what_the_base_made_of_a_shared_file_does_not_reach_the_head(gitrepo: Path, run) -> None:  # type: ignore[no-untyped-def]
    # The base owns the unchanged file's alert by path; the head drops the owner. The alert the head
    # is handed must be the file's, not the base's after the base's config filled in its owner.
    git(gitrepo, "checkout", "-q", "main")
    commit_files(gitrepo, {"ownership.yaml": with_alerts("t"), "monitoring/same.yml": RULES}, "alerts")
    git(gitrepo, "checkout", "-q", "-B", "change")
    commit_files(gitrepo, {"ownership.yaml": with_alerts(None)}, "no owner by path")
    result = run("check", "--repo", str(gitrepo), "--base", "main", "--now", NOW_TEXT, "--no-cache",
                 "--format", "json")
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["rule"] == "ALR001"]
    assert [(d["subject"], d["new"]) for d in found] == [("alert/monitoring/same.yml#ApiDown", True)]
    assert result.exit_code == 1


def test_the_base_runs_only_the_rules_the_head_has_findings_of(gitrepo: Path, run,  # type: ignore[no-untyped-def]
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from checker import pipeline

    asked: list[frozenset[str] | None] = []
    real = pipeline.run_rules

    def spy(context, only=None, leave_out=frozenset()):  # type: ignore[no-untyped-def]
        asked.append(only)
        return real(context, only, leave_out)

    monkeypatch.setattr(pipeline, "run_rules", spy)
    commit_files(gitrepo, {"README.md": "# changed\n"}, "docs")
    result = run("check", "--repo", str(gitrepo), "--base", "main", "--now", NOW_TEXT, "--no-cache")
    assert result.exit_code == 0
    assert asked == [None, frozenset({"SVC003"})]  # the head: every rule; the base: its one finding's


def test_a_waiver_the_change_leaves_unused_is_new(gitrepo: Path, run) -> None:  # type: ignore[no-untyped-def]
    # WVR002 depends on every finding, so the base runs every rule to say whether its waiver was used.
    waiver = "waivers:\n  - {rule: SVC003, subject: service/legacy, reason: OPS-1, expires: 2027-12-31}\n"
    git(gitrepo, "checkout", "-q", "main")
    commit_files(gitrepo, {"ownership.yaml": HEALTHY + waiver}, "waive the old debt")
    git(gitrepo, "checkout", "-q", "-B", "change")
    fixed = HEALTHY.replace("legacy: {team: u}", "legacy: {team: u, runbook: https://wiki.example.com/legacy}")
    commit_files(gitrepo, {"ownership.yaml": fixed + waiver}, "fix the debt, keep the waiver")
    result = run("check", "--repo", str(gitrepo), "--base", "main", "--now", NOW_TEXT, "--no-cache",
                 "--format", "json")
    found = [(d["rule"], d["subject"], d["new"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert found == [("WVR002", "service/legacy", True)]
