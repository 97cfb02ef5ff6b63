"""Runbook references with a NUL or a line break: SVC004/ALR003, never an `os.lstat` crash or a forged line."""

from __future__ import annotations

import pytest

from checker.runbooks import runbook_problem
from checker.sources import normalize_repo_path
from checker.sources.worktree import WorktreeSource
from tests.conftest import check_repo
from tests.test_diffmode import HEALTHY


@pytest.mark.parametrize("runbook", ["docs/a\\0b.md", "docs/a\\nb.md", "https://wiki.example.com/x\\n::error::forged",
                                     "docs/\\e[2Ka.md"])
def test_a_service_runbook_with_a_control_character_is_svc004(repo, runbook: str) -> None:  # type: ignore[no-untyped-def]
    config = HEALTHY.replace("api: {team: t, runbook: https://wiki.example.com/api}", f'api: {{team: t, runbook: "{runbook}"}}')
    result = check_repo(repo(config, {"docs/a.md": "# runbook\n"}))
    [problem] = [d for d in result.diagnostics if d.rule == "SVC004"]
    assert "holds a line break or control character" in problem.message


def test_an_alert_runbook_url_with_a_nul_is_alr003(repo) -> None:  # type: ignore[no-untyped-def]
    config = HEALTHY + 'alerts:\n  - {type: prometheus, paths: ["monitoring/*.yaml"], owner_labels: [team]}\n'
    rules = ('groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n'
             '        labels: {severity: page, team: t}\n        annotations: {runbook_url: "docs/a\\0.md"}\n')
    result = check_repo(repo(config, {"monitoring/r.yaml": rules}))
    [problem] = [d for d in result.diagnostics if d.rule == "ALR003"]
    assert "holds a line break or control character" in problem.message


def test_no_path_with_a_control_character_reaches_the_file_system(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert normalize_repo_path("docs/a\x00b.md") is None
    assert normalize_repo_path("docs/a\nb.md") is None
    source = WorktreeSource(str(tmp_path))
    assert runbook_problem(source, "docs/a\x00b.md") is not None  # was: ValueError from os.lstat
    assert source.kind("docs/a\x00b.md").value == "missing"


@pytest.mark.parametrize(("content", "empty"), [("\n" * 5000 + "# Login runbook\n1. restart\n", False),
                                                ("\n" * 5000, True), (" \t\n", True), ("# runbook\n", False)])
def test_a_runbook_is_empty_only_when_no_line_holds_text(tmp_path, content: str, empty: bool) -> None:  # type: ignore[no-untyped-def]
    # Its text may start after the first 4 KiB read to tell (a generated file, a long front matter of blank lines).
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "login.md").write_text(content)
    problem = runbook_problem(WorktreeSource(str(tmp_path)), "docs/login.md")
    assert (problem == "is empty; write the runbook") is empty and (problem is None) is not empty


def test_references_that_differ_only_in_their_fragment_look_at_the_file_once(  # type: ignore[no-untyped-def]
        repo, monkeypatch) -> None:
    # A rule file whose alerts name `docs/blank.md#0` ... `#299` must not read a large blank runbook 300 times.
    config = HEALTHY + 'alerts:\n  - {type: prometheus, paths: ["monitoring/*.yaml"], owner_labels: [team]}\n'
    rules = "groups:\n  - name: g\n    rules:\n" + "".join(
        f"      - alert: A{i}\n        expr: up == 0\n        labels: {{severity: page, team: t}}\n"
        f"        annotations: {{runbook_url: 'docs/blank.md#{i}'}}\n" for i in range(300))
    root = repo(config, {"monitoring/r.yaml": rules, "docs/blank.md": "\n" * 100_000})
    reads: list[str] = []
    real = WorktreeSource.read

    def read(self, path: str, limit: int) -> bytes:  # type: ignore[no-untyped-def]
        reads.append(path)
        return real(self, path, limit)

    monkeypatch.setattr(WorktreeSource, "read", read)
    result = check_repo(root)
    assert sum(rule == "ALR003" for rule, _ in result.keys) == 300  # each said (the output shows 100)
    assert all("is empty" in d.message for d in result.diagnostics if d.subject.startswith("alert/"))
    assert reads.count("docs/blank.md") == 2  # its first 4 KiB, then (blank so far) the rest
