"""Alert subjects are unique and stable (SPEC §8), and waivers accept the long and the short form."""

from __future__ import annotations

import time
from pathlib import Path

from checker.alerts import assign_subjects
from checker.model import Alert
from checker.rules.waivers import apply_waivers
from tests.conftest import NOW, check_repo, write_repo


def alert(name: str, group: str = "g", file: str = "rules.yml", **labels: str) -> Alert:
    made = Alert(name, file, loc=None, group=group)  # type: ignore[arg-type]
    made.labels.update(labels)
    return made


def subjects(*alerts: Alert) -> list[str]:
    assign_subjects(list(alerts))
    return [a.subject for a in alerts]


def test_a_name_unique_in_its_file_keeps_the_short_subject() -> None:
    assert subjects(alert("Up"), alert("Down"), alert("Up", file="other.yml")) == [
        "alert/rules.yml#Up", "alert/rules.yml#Down", "alert/other.yml#Up"]


def test_warning_and_critical_pairs_are_told_apart_by_severity() -> None:
    assert subjects(alert("PostgresqlDown", severity="warning", team="db"),
                    alert("PostgresqlDown", severity="critical", team="db")) == [
        'alert/rules.yml#PostgresqlDown{severity="warning"}',
        'alert/rules.yml#PostgresqlDown{severity="critical"}']


def test_the_fewest_labels_first_by_name_and_an_absent_label_is_empty() -> None:
    made = subjects(alert("X", a="1", b="1", z="1"), alert("X", a="1", b="2", z="2"),
                    alert("X", a="2", b="1", z=""), alert("X", a="2", b="2"))
    # No single label tells the four apart (z is absent on the last, which is the same as ""): a and b do.
    assert made == ['alert/rules.yml#X{a="1",b="1"}', 'alert/rules.yml#X{a="1",b="2"}',
                    'alert/rules.yml#X{a="2",b="1"}', 'alert/rules.yml#X{a="2",b="2"}']


def test_label_values_are_escaped_as_alertmanager_prints_matchers() -> None:
    made = subjects(alert("X", job='a"b\\c'), alert("X", job="line\nbreak"))
    assert made == ['alert/rules.yml#X{job="a\\"b\\\\c"}', 'alert/rules.yml#X{job="line\\nbreak"}']


def test_identical_labels_fall_back_to_the_group_then_its_index() -> None:
    made = subjects(alert("X", group="fast", severity="page"), alert("X", group="slow", severity="page"),
                    alert("X", group="slow", severity="page"))
    assert made == ["alert/rules.yml#X@fast", "alert/rules.yml#X@slow[0]", "alert/rules.yml#X@slow[1]"]


def test_the_label_search_is_bounded() -> None:
    # One-hot labels: only 39 of the 40 labels together tell 40 alerts apart, which no search of
    # subsets finishes. It gives up within its bound and falls back to the groups, still unique.
    same = [alert("X", group=f"g{i}", **{f"l{j:02}": str(int(i == j)) for j in range(40)}) for i in range(40)]
    started = time.perf_counter()
    assign_subjects(same)
    assert time.perf_counter() - started < 2
    assert [a.subject for a in same[:2]] == ["alert/rules.yml#X@g0", "alert/rules.yml#X@g1"]
    assert len({a.subject for a in same}) == 40


RULES = """\
groups:
  - name: postgres
    rules:
      - alert: PostgresqlDown
        expr: pg_up == 0
        labels: {severity: warning}
      - alert: PostgresqlDown
        expr: pg_up == 0
        for: 5m
        labels: {severity: critical}
"""


def repo_with(tmp_path: Path, waivers: str, rules: str = RULES) -> Path:
    return write_repo(tmp_path, f"""\
version: 1
teams: {{db: {{}}}}
alerts:
  - {{type: prometheus, paths: ["monitoring/*.yml"]}}
waivers:
{waivers}""", {"monitoring/db.yml": rules})


def test_same_named_alerts_get_distinct_diagnostics(tmp_path: Path) -> None:
    result = check_repo(repo_with(tmp_path, "  []\n"))
    assert sorted(d.subject for d in result.diagnostics if d.rule == "ALR001") == [
        'alert/monitoring/db.yml#PostgresqlDown{severity="critical"}',
        'alert/monitoring/db.yml#PostgresqlDown{severity="warning"}']


def test_a_short_form_waiver_covers_every_same_named_alert(tmp_path: Path) -> None:
    root = repo_with(tmp_path, "  - {rule: ALR001, subject: 'alert/monitoring/db.yml#PostgresqlDown', "
                               "reason: legacy, expires: 2027-01-31}\n")
    result = check_repo(root)
    assert [d.rule for d in result.diagnostics if d.rule in ("ALR001", "WVR002")] == []


def test_a_long_form_waiver_covers_only_its_alert(tmp_path: Path) -> None:
    root = repo_with(tmp_path, "  - {rule: ALR001, subject: 'alert/monitoring/db.yml#PostgresqlDown"
                               "{severity=\"warning\"}', reason: legacy, expires: 2027-01-31}\n")
    result = check_repo(root)
    assert [(d.rule, d.subject) for d in result.diagnostics if d.rule in ("ALR001", "WVR002")] == [
        ("ALR001", 'alert/monitoring/db.yml#PostgresqlDown{severity="critical"}')]


def test_a_waiver_for_a_subject_that_is_now_long_is_unused(tmp_path: Path) -> None:
    # The short form still matches: it is the documented way to waive all of them.
    result = check_repo(repo_with(tmp_path, "  - {rule: ALR001, subject: 'alert/monitoring/db.yml#Other', "
                                            "reason: legacy, expires: 2027-01-31}\n"))
    assert [d.rule for d in result.diagnostics].count("WVR002") == 1


def test_apply_waivers_leaves_other_rules_alone(tmp_path: Path) -> None:
    result = check_repo(repo_with(tmp_path, "  []\n"))
    assert apply_waivers(result.diagnostics, result.model, NOW) == result.diagnostics
