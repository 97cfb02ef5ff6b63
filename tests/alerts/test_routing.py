"""Routing a label set through an Alertmanager config exactly as Alertmanager does.

Pinned expectations always run; with Debian's `prometheus-alertmanager` installed, `amtool config routes
test` (Alertmanager's own routing code) answers every label set too and must agree, and `amtool
check-config` must refuse exactly the configs the reader refuses.
"""

from __future__ import annotations

import itertools
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from checker.matchers import Matcher
from checker.routing import AlertmanagerConfig, Route, Router, route
from checker.sources.alertmanager import read
from tests.conftest import REPO_ROOT

CONFIGS = {
    "alertmanager-simple.yml": REPO_ROOT / "tests/fixtures/realworld/alertmanager-simple.yml",
    **{p.name: p for p in sorted((REPO_ROOT / "tests/fixtures/alertmanager").glob("*.yml"))},
}
AMTOOL = shutil.which("amtool")
needs_amtool = pytest.mark.skipif(AMTOOL is None, reason="amtool is not installed (Debian: apt-get install "
                                  "prometheus-alertmanager); the pinned routing expectations still run")


def load(name: str) -> AlertmanagerConfig:
    config, problems = read(CONFIGS[name].read_bytes(), name)
    assert problems == [], [p.message for p in problems]
    assert config is not None
    return config


def receivers(config: AlertmanagerConfig, **labels: str) -> list[str]:
    return [r.receiver for r in route(labels, config.root)]


@pytest.mark.parametrize(("labels", "expected"), [
    ({}, ["team-X-mails"]),  # the default route
    ({"service": "foo2"}, ["team-X-mails"]),
    ({"service": "foo2", "severity": "critical"}, ["team-X-pager"]),  # nested
    ({"service": "foo", "severity": "critical"}, ["team-X-mails"]),  # regexes are anchored
    ({"service": "files", "severity": "critical"}, ["team-Y-pager"]),
    # continue: the next sibling is tried too; it does not match, and the parent is not used once a child matched
    ({"service": "database", "owner": "team-X"}, ["team-X-pager"]),
    ({"service": "database", "owner": "team-Y"}, ["team-Y-pager"]),
    ({"service": "database", "owner": "team-Z"}, ["team-DB-pager"]),
])
def test_alertmanagers_own_example(labels: dict[str, str], expected: list[str]) -> None:
    assert receivers(load("alertmanager-simple.yml"), **labels) == expected


@pytest.mark.parametrize(("labels", "expected"), [
    ({"team": "payments", "severity": "critical", "cluster": "prod"}, ["audit-log", "payments-pager"]),
    ({"team": "payments", "severity": "critical", "cluster": "staging-eu"}, ["audit-log", "payments-nonprod"]),
    ({"team": "payments", "severity": "critical", "cluster": "prod", "env": "test"},
     ["audit-log", "payments-nonprod"]),
    ({"team": "payments", "severity": "warning", "service": "ledger"}, ["audit-log", "ledger-ticket"]),
    ({"team": "payments", "severity": "info"}, ["audit-log", "payments-slack"]),
    ({"team": "infra-eu", "severity": "critical", "service": "db"}, ["audit-log", "sre-pager", "dba-pager"]),
    ({"team": "infra-eu", "severity": "critical", "alertname": "NodeInfo"}, ["audit-log", "prod-default"]),
    ({"service": "a,b", "owner": 'x"y'}, ["quoted"]),  # no severity: no audit copy
    ({"cluster": "dev"}, ["catch-all"]),
])
def test_a_nested_team_tree_with_continue(labels: dict[str, str], expected: list[str]) -> None:
    assert receivers(load("teams-nested.yml"), **labels) == expected


def test_route_is_pure_and_a_router_asks_once_per_relevant_label_set() -> None:
    config = load("kube-prometheus-shaped.yml")
    router = Router(config)
    first = router.routes_for({"alertname": "Watchdog", "instance": "a"})
    assert router.routes_for({"alertname": "Watchdog", "instance": "b"}) is first  # instance is never matched on
    assert [r.receiver for r in first] == ["Watchdog"]
    assert config.label_names == {"alertname", "severity"}


def test_a_tree_built_by_hand_routes_without_any_file() -> None:
    from checker.diagnostics import Location
    from checker.matchers import new_matcher

    leaf = Route("pager", [new_matcher("severity", "=~", "critical|page")], "route.routes[0]", Location("am"))
    other = Route("tickets", [], "route.routes[1]", Location("am"))
    root = Route("default", [], "route", Location("am"), routes=[leaf, other])
    assert [r.receiver for r in route({"severity": "page"}, root)] == ["pager"]
    assert [r.receiver for r in route({"severity": "info"}, root)] == ["tickets"]  # an empty matcher list matches
    assert isinstance(leaf.matchers[0], Matcher)


# ------------------------------------------------------------------ against amtool


def _values_for(config: AlertmanagerConfig) -> dict[str, list[str]]:
    """Values worth trying per label: those matchers name, pieces of their regex alternatives, and absence."""
    values: dict[str, set[str]] = {}
    stack = [config.root]
    while stack:
        node = stack.pop()
        stack.extend(node.routes)
        for matcher in node.matchers:
            found = values.setdefault(matcher.name, {"", "other"})
            found.add(matcher.value)
            for piece in matcher.value.strip("^$()").split("|"):
                found.add(piece.replace(".*", "x").replace(".+", "y").replace("(-", "-").replace(")?", ""))
    return {name: sorted(found) for name, found in sorted(values.items())}


def _label_sets(config: AlertmanagerConfig, count: int = 40) -> list[dict[str, str]]:
    values = _values_for(config)
    names = list(values)
    every = itertools.product(*(values[name] for name in names))
    pool = list(itertools.islice(every, 20_000))
    chosen = random.Random(0).sample(pool, min(count, len(pool)))
    return [{name: value for name, value in zip(names, combo) if value} for combo in chosen]


def _amtool_receivers(path: Path, labels: dict[str, str]) -> str:
    assert AMTOOL is not None
    args = [f'{name}="{value.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
            for name, value in labels.items()]
    done = subprocess.run([AMTOOL, "config", "routes", "test", f"--config.file={path}", *args],
                          check=True, capture_output=True, text=True, timeout=60)
    return done.stdout.strip()


@needs_amtool
@pytest.mark.parametrize("name", CONFIGS)
def test_routing_agrees_with_amtool(name: str) -> None:
    config = load(name)
    sets = _label_sets(config)
    assert len(sets) >= 10
    answers = set()
    for labels in sets:
        ours = ",".join(r.receiver for r in route(labels, config.root))
        assert ours == _amtool_receivers(CONFIGS[name], labels), labels
        answers.add(ours)
    assert len(answers) >= 3  # the label sets reach several routes, not only the default


# ------------------------------------------------------------------ configs Alertmanager refuses

RECEIVERS = "receivers: [{name: default}, {name: pager}]\n"
REFUSED = {
    "root-matchers": "route: {receiver: default, matchers: ['team=\"x\"']}\n" + RECEIVERS,
    "root-continue": "route: {receiver: default, continue: true}\n" + RECEIVERS,
    "root-without-receiver": "route: {routes: [{receiver: pager}]}\n" + RECEIVERS,
    "no-route": RECEIVERS,
    "undefined-receiver": "route: {receiver: default, routes: [{receiver: pagr}]}\n" + RECEIVERS,
    "bad-regex": "route: {receiver: default, routes: [{receiver: pager, match_re: {team: 'a(b'}}]}\n" + RECEIVERS,
    "bad-matcher": "route: {receiver: default, routes: [{receiver: pager, matchers: ['team=\"x']}]}\n" + RECEIVERS,
    "unknown-route-key": "route: {receiver: default, routes: [{receiver: pager, matcher: ['team=x']}]}\n" + RECEIVERS,
    "repeated-receiver": "route: {receiver: default}\nreceivers: [{name: default}, {name: default}]\n",
    "bad-label-name": "route: {receiver: default, routes: [{receiver: pager, match: {team-name: x}}]}\n" + RECEIVERS,
    "receiver-without-name": "route: {receiver: default}\nreceivers: [{name: default}, {email_configs: []}]\n",
}
ACCEPTED = {
    "minimal": "route: {receiver: default}\n" + RECEIVERS,
    "yaml11-continue": "route: {receiver: default, routes: [{receiver: pager, continue: yes}]}\n" + RECEIVERS,
    "inherited-receiver": "route: {receiver: default, routes: [{match: {a: b}, routes: [{receiver: pager}]}]}\n"
                          + RECEIVERS,
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_config_alertmanager_refuses_is_alr007(name: str) -> None:
    config, problems = read(REFUSED[name].encode(), "am.yml")
    assert config is None
    assert problems and {p.rule for p in problems} == {"ALR007"}
    assert all(p.message.startswith("Alertmanager config am.yml: ") for p in problems)


@pytest.mark.parametrize("name", ACCEPTED)
def test_a_config_alertmanager_accepts_is_read(name: str) -> None:
    config, problems = read(ACCEPTED[name].encode(), "am.yml")
    assert problems == [] and config is not None


def test_yaml11_booleans_and_inherited_receivers_route_as_alertmanager_does() -> None:
    continued = read(ACCEPTED["yaml11-continue"].encode(), "am.yml")[0]
    assert continued is not None and continued.root.routes[0].continue_ is True
    inherited = read(ACCEPTED["inherited-receiver"].encode(), "am.yml")[0]
    assert inherited is not None
    assert [r.receiver for r in route({"a": "b"}, inherited.root)] == ["pager"]
    assert [r.receiver for r in route({"a": "c"}, inherited.root)] == ["default"]
    assert inherited.root.routes[0].receiver == "default"  # a route without one inherits its parent's


@needs_amtool
@pytest.mark.parametrize(("name", "text"), [*REFUSED.items(), *ACCEPTED.items()])
def test_amtool_check_config_agrees(name: str, text: str, tmp_path: Path) -> None:
    path = tmp_path / "am.yml"
    path.write_text(text, encoding="utf-8")
    assert AMTOOL is not None
    done = subprocess.run([AMTOOL, "check-config", str(path)], check=False, capture_output=True, timeout=60)
    assert (done.returncode == 0) is (name in ACCEPTED), done.stdout.decode() + done.stderr.decode()


def test_a_templated_config_says_render_it() -> None:
    _, [problem] = read(b"route:\n  receiver: {{ .Values.receiver }}\n", "am.yml")
    assert "is a Helm/Go template" in problem.message and problem.location.line == 2
