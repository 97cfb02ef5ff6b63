"""Real public rule sets (tests/fixtures/realworld/) are read as they are, with pinned counts that equal
what Prometheus's own promtool counts."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml

from checker.alerts import assign_subjects
from checker.sources.prometheus import read
from tests.conftest import REPO_ROOT, check_repo, write_repo

FIXTURES = REPO_ROOT / "tests/fixtures/realworld"


def read_fixture(name: str):  # type: ignore[no-untyped-def]
    alerts, problems = read((FIXTURES / name).read_bytes(), name)
    assign_subjects(alerts)
    return alerts, problems


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
    assert [a.subject for a in alerts if a.name == "AlertmanagerClusterFailedToSendAlerts"] == [
        'alert/alertmanager-prometheusRule.yaml#AlertmanagerClusterFailedToSendAlerts{severity="critical"}',
        'alert/alertmanager-prometheusRule.yaml#AlertmanagerClusterFailedToSendAlerts{severity="warning"}']


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
        if fixture.name not in ("kube-state-metrics-prometheusRule.yaml", "alertmanager-prometheusRule.yaml",
                                "awesome-redis-exporter.yml"):
            continue
        target = root / "monitoring" / fixture.name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(fixture, target)
    result = check_repo(root)
    by_rule = Counter(d.rule for d in result.diagnostics if d.rule.startswith("ALR"))
    # 23 alerts, none with an owner label; the 17 critical ones page. The 12 from kube-prometheus link
    # https runbooks; the 7 critical Redis alerts have none.
    assert len(result.model.alerts) == 23
    assert by_rule == {"ALR001": 23, "ALR003": 7}


# Alerting rules per file (recording rules are not alerts), pinned; with the recording rules they add up
# to promtool's "N rules found". The Helm template is not a rule file until rendered.
RULE_FILES = {
    "kube-state-metrics-prometheusRule.yaml": 4,
    "alertmanager-prometheusRule.yaml": 8,
    "awesome-redis-exporter.yml": 11,
    "wikimedia-swift.yaml": 7,
    "wikimedia-eventgate_local.yaml": 16,
}


@pytest.mark.parametrize(("name", "alerts"), RULE_FILES.items())
def test_alert_count_per_file_is_pinned(name: str, alerts: int) -> None:
    found, problems = read_fixture(name)
    assert problems == []
    assert len(found) == alerts
    assert len({a.subject for a in found}) == alerts  # unique, even where names repeat


def _as_rule_file(path: Path, tmp_path: Path) -> Path:
    """promtool reads rule files: a PrometheusRule's spec is one (read back by PyYAML, an independent reader)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if document.get("kind") != "PrometheusRule":
        return path
    target = tmp_path / path.name
    target.write_text(yaml.safe_dump(document["spec"]), encoding="utf-8")
    return target


def _recording_rules(path: Path) -> int:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    groups = document["groups"] if "groups" in document else document["spec"]["groups"]
    return sum(1 for group in groups for rule in group.get("rules") or [] if "record" in rule)


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed (Debian: apt-get install "
                    "prometheus); the pinned counts are still checked")
@pytest.mark.parametrize(("name", "alerts"), RULE_FILES.items())
def test_alert_count_equals_promtools(name: str, alerts: int, tmp_path: Path) -> None:
    path = FIXTURES / name
    done = subprocess.run(["promtool", "check", "rules", "--lint=none", str(_as_rule_file(path, tmp_path))],
                          check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    counted = int(re.search(r"SUCCESS: (\d+) rules found", done.stdout).group(1))  # type: ignore[union-attr]
    assert len(read_fixture(name)[0]) == alerts == counted - _recording_rules(path)


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed (Debian: apt-get install "
                    "prometheus)")
def test_empty_groups_are_valid_as_promtool_says(tmp_path: Path) -> None:
    path = tmp_path / "empty.yml"
    path.write_text("groups:\n  - name: later\n    rules: []\n  - name: also-later\n    rules:\n")
    done = subprocess.run(["promtool", "check", "rules", str(path)], check=False, capture_output=True, text=True, timeout=60)
    assert "SUCCESS: 0 rules found" in done.stdout
    assert read(path.read_bytes(), "empty.yml") == ([], [])


def test_wikimedia_merge_keys_give_every_alert_its_labels_and_runbook() -> None:
    alerts, _ = read_fixture("wikimedia-swift.yaml")
    merged = [a for a in alerts if a.name == "SwiftNodeLoad"]
    assert len(merged) == 4  # the anchored rule and three merged from it
    # The last merge sets its own labels and annotations: explicit keys win over merged ones.
    assert [a.labels["severity"] for a in merged] == ["warning", "warning", "warning", "critical"]
    assert all(a.labels["team"] == "sre" for a in merged)
    assert all(a.annotations["runbook"] == "https://wikitech.wikimedia.org/wiki/Swift/How_To" for a in merged)
    # Same name, labels that cannot tell all four apart: told apart by group and position.
    assert [a.subject for a in merged] == [f"alert/wikimedia-swift.yaml#SwiftNodeLoad@swift[{i}]" for i in range(4)]


def test_wikimedia_same_named_alerts_get_unique_subjects() -> None:
    alerts, _ = read_fixture("wikimedia-eventgate_local.yaml")
    latency = sorted({a.subject for a in alerts if a.name == "EventgateLatency"})
    # Eight rules share the name (their expressions differ, their labels only by severity): group and position.
    assert latency == [f"alert/wikimedia-eventgate_local.yaml#EventgateLatency@eventgate[{i}]" for i in range(8)]


def test_helm_template_says_render_or_exclude() -> None:
    alerts, problems = read_fixture("kube-prometheus-stack-config-reloaders.yaml")
    assert alerts == []
    [problem] = problems
    assert problem.rule == "ALR005" and problem.location.line == 1
    assert "render it with `helm template`, or exclude it" in problem.message


def test_an_estate_owned_by_path_with_runbook_annotations_checks_clean(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", """\
version: 1
teams: {sre: {}, data-engineering: {}}
alerts:
  - {type: prometheus, paths: ["team-sre/*.yaml"], owner: sre, runbook_annotations: [runbook_url, runbook]}
  - type: prometheus
    paths: ["team-data-engineering/*.yaml"]
    owner_labels: [team]
    runbook_annotations: [runbook_url, runbook]
    paging_severities: [page]
""")
    for folder, name in (("team-sre", "wikimedia-swift.yaml"), ("team-data-engineering", "wikimedia-eventgate_local.yaml")):
        (root / folder).mkdir()
        shutil.copy(FIXTURES / name, root / folder / name)
    result = check_repo(root)
    assert len(result.model.alerts) == 23
    # Only swift's three critical alerts page (critical is not paging for data-engineering's files), and
    # they have runbooks; sre has no on-call, which ALR004 says.
    assert Counter(d.rule for d in result.diagnostics if d.rule.startswith("ALR")) == {"ALR004": 3}
