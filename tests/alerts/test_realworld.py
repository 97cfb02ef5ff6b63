"""Real public rule sets (tests/fixtures/realworld/) are read as they are, with pinned counts."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from checker.sources.prometheus import read
from tests.conftest import REPO_ROOT, check_repo, write_repo

FIXTURES = REPO_ROOT / "tests/fixtures/realworld"


def read_fixture(name: str):  # type: ignore[no-untyped-def]
    return read((FIXTURES / name).read_bytes(), name)


def test_kube_state_metrics_prometheus_rule() -> None:
    alerts, problems = read_fixture("kube-state-metrics-prometheusRule.yaml")
    assert problems == []
    assert [a.name for a in alerts] == ["KubeStateMetricsListErrors", "KubeStateMetricsWatchErrors",
                                        "KubeStateMetricsShardingMismatch", "KubeStateMetricsShardsMissing"]
    assert all(a.labels == {"severity": "critical"} for a in alerts)
    assert alerts[0].annotations["runbook_url"].startswith("https://runbooks.prometheus-operator.dev/")
    assert (alerts[0].loc.line, alerts[0].loc.column) == (17, 14)


def test_alertmanager_prometheus_rule_with_a_repeated_alert_name() -> None:
    alerts, problems = read_fixture("alertmanager-prometheusRule.yaml")
    assert problems == []
    assert len(alerts) == 8
    assert Counter(a.labels["severity"] for a in alerts) == {"critical": 6, "warning": 2}
    assert [a.name for a in alerts].count("AlertmanagerClusterFailedToSendAlerts") == 2


def test_awesome_prometheus_alerts_redis() -> None:
    alerts, problems = read_fixture("awesome-redis-exporter.yml")
    assert problems == []
    assert len(alerts) == 11
    assert Counter(a.labels["severity"] for a in alerts) == {"critical": 7, "warning": 4}
    assert "{{ $labels.instance }}" in alerts[0].annotations["summary"]


def test_checking_a_repo_of_real_rules_gives_owner_diagnostics(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", """\
version: 1
teams: {sre: {}}
alerts:
  - {type: prometheus, paths: ["monitoring/**/*.y*ml"], owner_labels: [team, service]}
""")
    for fixture in FIXTURES.glob("*.y*ml"):
        target = root / "monitoring" / fixture.name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(fixture, target)
    result = check_repo(root)
    by_rule = Counter(d.rule for d in result.diagnostics if d.rule.startswith("ALR"))
    # 23 alerts, none with an owner label; the 17 critical ones page. The 12 from kube-prometheus link
    # https runbooks; the 7 critical Redis alerts have none.
    assert len(result.model.alerts) == 23
    assert by_rule == {"ALR001": 23, "ALR003": 7}
