"""Reading alert files as real estates hold them: exclude, owner by path, group labels, bounded problems."""

from __future__ import annotations

from pathlib import Path

from checker.diagnostics import Location
from checker.load import MAX_DUPLICATES_REPORTED, read_yaml
from checker.sources.prometheus import MAX_PROBLEMS_PER_FILE, read
from tests.conftest import check_repo, write_repo


def test_a_file_of_a_hundred_thousand_bad_rules_gives_a_bounded_list_of_problems() -> None:
    # issue 11: one 7.8 MB rule file gave 1.95 million ALR005 diagnostics.
    count = 100_000
    data = ("groups:\n  - name: x\n    rules:\n" + "      - 1\n" * count).encode()
    alerts, problems = read(data, "big.yml")
    assert alerts == []
    assert len(problems) == MAX_PROBLEMS_PER_FILE + 1
    last = problems[-1]
    assert last.rule == "ALR005"
    assert f"and {count - MAX_PROBLEMS_PER_FILE:,} more problems in this file" in last.message
    assert last.location.line == 4 + MAX_PROBLEMS_PER_FILE


def test_repeated_keys_past_the_limit_are_counted_in_one_cfg003() -> None:
    text = "a: 1\n" + "a: 2\n" * 5000
    problems = read_yaml(text.encode(), "f.yaml").diagnostics
    assert len(problems) == MAX_DUPLICATES_REPORTED + 1
    assert f"and {5000 - MAX_DUPLICATES_REPORTED:,} more repeated keys" in problems[-1].message
    assert problems[-1].location.line == MAX_DUPLICATES_REPORTED + 2


def test_group_labels_apply_to_every_rule_and_the_rules_own_win() -> None:
    alerts, problems = read(b"""\
groups:
  - name: db
    labels: {team: db, severity: warning}
    rules:
      - {alert: A, expr: up == 0}
      - {alert: B, expr: up == 0, labels: {severity: critical}}
""", "f.yml")
    assert problems == []
    assert [a.labels for a in alerts] == [{"team": "db", "severity": "warning"},
                                          {"severity": "critical", "team": "db"}]
    assert alerts[1].label_at("team") == Location("f.yml", 3, 20)


def test_exclude_is_never_read(tmp_path: Path) -> None:
    root = write_repo(tmp_path, """\
version: 1
teams: {sre: {}}
alerts:
  - type: prometheus
    paths: ["monitoring/**/*.yml"]
    exclude: ["**/tests/**", "monitoring/chart/templates/*"]
    owner: sre
""", {"monitoring/node.yml": "groups: [{name: n, rules: [{alert: A, expr: up == 0}]}]\n",
      "monitoring/tests/node_test.yml": "rule_files: [../node.yml]\n",
      "monitoring/chart/templates/rules.yml": "{{ .Values.rules | toYaml }}\n"})
    result = check_repo(root)
    assert [a.subject for a in result.model.alerts] == ["alert/monitoring/node.yml#A"]
    assert [d.rule for d in result.diagnostics if d.rule.startswith("ALR")] == []


def test_an_owner_by_path_that_names_nothing_is_cfg004(tmp_path: Path) -> None:
    root = write_repo(tmp_path, """\
version: 1
teams: {payments: {}}
alerts:
  - type: prometheus
    paths: ["monitoring/*.yml"]
    owner: paymnts
""", {"monitoring/a.yml": "groups: [{name: n, rules: [{alert: A, expr: up == 0}]}]\n"})
    result = check_repo(root)
    [problem] = [d for d in result.diagnostics if d.rule == "CFG004"]
    assert problem.location.line == 6
    assert "alerts owner 'paymnts' names no declared team or service; did you mean 'payments'?" in problem.message
    # The owner is declared, if misspelt: the alert is not also "without owner".
    assert [d.rule for d in result.diagnostics if d.rule.startswith("ALR")] == []


def test_owner_by_path_names_a_service_whose_team_owns_the_alerts(tmp_path: Path) -> None:
    root = write_repo(tmp_path, """\
version: 1
teams: {payments: {}}
services: {checkout: {team: payments, lifecycle: experimental}}
alerts:
  - {type: prometheus, paths: ["monitoring/*.yml"], owner: checkout}
""", {"monitoring/a.yml": "groups: [{name: n, rules: [{alert: A, expr: up == 0}]}]\n"})
    [found] = check_repo(root).model.alerts
    assert (found.service, found.team, found.owned_by_path, found.owner_label) == ("checkout", "payments", True, None)


def test_routing_set_in_two_files_is_cfg003(tmp_path: Path) -> None:
    root = write_repo(tmp_path, """\
version: 1
include: ["more.yaml"]
routing: {alertmanager: am.yml}
""", {"more.yaml": "routing: {alertmanager: other.yml}\n",
      "am.yml": "route: {receiver: default}\nreceivers: [{name: default}]\n"})
    result = check_repo(root)
    [problem] = [d for d in result.diagnostics if d.rule == "CFG003"]
    assert problem.location.file == "more.yaml"
    assert "routing is already set at ownership.yaml:3:1; keep one routing block" in problem.message
    assert result.model.routing is not None and result.model.routing.alertmanager == "am.yml"
