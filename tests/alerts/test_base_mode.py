"""--base with alerts: moving a rule file keeps its debt old; a same-named new alert is new (SPEC §8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.diagnostics import Diagnostic, Location, Severity
from checker.diffmode import follow_renames
from tests.test_diffmode import check, commit_files, git, init_repo, new_keys

CONFIG = """\
version: 1
teams: {db: {}}
alerts:
  - {type: prometheus, paths: ["monitoring/**/*.yml"]}
"""

LEGACY = """\
groups:
  - name: postgres
    rules:
      - alert: PostgresqlDown
        expr: pg_up == 0
        labels: {severity: warning}
      - alert: PostgresqlTooManyConnections
        expr: pg_connections > 100
        labels: {severity: warning, team: db}
"""


@pytest.fixture
def alertrepo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    commit_files(root, {"ownership.yaml": CONFIG, "monitoring/legacy.yml": LEGACY}, "base: one unowned alert")
    git(root, "checkout", "-q", "-b", "change")
    return root


def test_git_mv_of_a_legacy_rule_file_keeps_its_debt_old(alertrepo: Path, run) -> None:  # type: ignore[no-untyped-def]
    (alertrepo / "monitoring/db").mkdir()
    git(alertrepo, "mv", "monitoring/legacy.yml", "monitoring/db/postgres.yml")
    git(alertrepo, "commit", "-q", "-m", "move")
    result = check(run, alertrepo, "--base", "main")
    assert result.exit_code == 0, result.output
    assert [(d["rule"], d["subject"], d["new"]) for d in json.loads(result.output)["diagnostics"]] == [
        ("ALR001", "alert/monitoring/db/postgres.yml#PostgresqlDown", False)]


def test_a_moved_and_edited_file_is_still_followed(alertrepo: Path, run) -> None:  # type: ignore[no-untyped-def]
    git(alertrepo, "mv", "monitoring/legacy.yml", "monitoring/db.yml")
    (alertrepo / "monitoring/db.yml").write_text(LEGACY.replace("pg_connections > 100", "pg_connections > 90"))
    result = check(run, alertrepo, "--base", "main")  # staged rename, unstaged edit: the pre-commit case
    assert result.exit_code == 0, result.output


def test_a_new_unowned_alert_does_not_hide_behind_an_old_one_of_the_same_name(alertrepo: Path, run) -> None:  # type: ignore[no-untyped-def]
    commit_files(alertrepo, {"monitoring/legacy.yml": LEGACY + """\
      - alert: PostgresqlDown
        expr: pg_up == 0
        for: 5m
        labels: {severity: critical}
"""}, "add a critical PostgresqlDown without an owner")
    result = check(run, alertrepo, "--base", "main")
    assert result.exit_code == 1
    assert ("ALR001", 'alert/monitoring/legacy.yml#PostgresqlDown{severity="critical"}') in new_keys(result)


def test_follow_renames_maps_file_and_alert_subjects_only() -> None:
    def diag(subject: str) -> Diagnostic:
        return Diagnostic("ALR001", Severity.ERROR, subject, "m", Location("x"))

    moved = follow_renames([diag("alert/a#b.yml#X{severity=\"page\"}"), diag("file/a#b.yml"),
                            diag("alert/other.yml#X"), diag("service/a#b.yml")], {"a#b.yml": "c.yml"})
    assert [d.subject for d in moved] == ['alert/c.yml#X{severity="page"}', "file/c.yml", "alert/other.yml#X",
                                          "service/a#b.yml"]
