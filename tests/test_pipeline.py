"""Policy overrides and waivers change what the rules report, as the user configured."""

from __future__ import annotations

from tests.conftest import check_repo

BASE = """\
version: 1
{policy}
services:
  api: {{description: "no team, no runbook"}}
"""


def rules_of(repo, policy: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    result = check_repo(repo(BASE.format(policy=policy)))
    return {d.rule: d.severity.value for d in result.diagnostics}


def test_defaults(repo) -> None:  # type: ignore[no-untyped-def]
    assert rules_of(repo, "") == {"SVC001": "error", "SVC002": "error", "SVC003": "error", "SVC005": "error"}


def test_rule_severity_override_and_off(repo) -> None:  # type: ignore[no-untyped-def]
    found = rules_of(repo, "policy: {rules: {SVC001: warning, SVC003: off}}")
    assert found == {"SVC001": "warning", "SVC002": "error", "SVC005": "error"}


def test_policy_switches(repo) -> None:  # type: ignore[no-untyped-def]
    found = rules_of(repo, "policy: {service: {require_runbook: false, require_secondary: false}, rules: {SVC002: off}}")
    assert found == {"SVC001": "error"}


def test_diagnostics_are_sorted_by_file_line_column_rule(repo) -> None:  # type: ignore[no-untyped-def]
    result = check_repo(repo("version: 1\nservices:\n  b: {}\n  a: {depends_on: [x]}\n"))
    keys = [(d.location.file, d.location.line, d.location.column, d.rule) for d in result.diagnostics]
    assert keys == sorted(keys)


def test_two_policy_blocks_across_files_are_refused(repo) -> None:  # type: ignore[no-untyped-def]
    root = repo("version: 1\ninclude: [more.yaml]\npolicy: {horizon: 4w}\n",
                {"more.yaml": "policy: {horizon: 8w}\n"})
    [diag] = [d for d in check_repo(root).diagnostics if d.rule == "CFG003"]
    assert diag.location.file == "more.yaml" and "policy is already set" in diag.message


def test_nested_include_is_reported_not_ignored(repo) -> None:  # type: ignore[no-untyped-def]
    root = repo("version: 1\ninclude: [more.yaml]\n", {"more.yaml": "include: [other.yaml]\n"})
    [diag] = [d for d in check_repo(root).diagnostics if d.rule == "CFG002"]
    assert diag.location.file == "more.yaml" and "main config" in diag.message


def test_include_glob_cannot_leave_the_repository(repo) -> None:  # type: ignore[no-untyped-def]
    root = repo("version: 1\ninclude: ['../*.yaml', '/etc/*.yaml']\n")
    problems = [d for d in check_repo(root).diagnostics if d.rule == "CFG002"]
    assert len(problems) == 2 and all("inside" in d.message for d in problems)
