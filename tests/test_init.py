"""`ownership init` on real and hostile layouts: it proposes what a human would list, its globs read
exactly what it found, and what it writes always loads and passes the schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.config import load_config
from checker.diagnostics import Location
from checker.init.render import render
from checker.init.scan import Entry, Findings
from checker.rules import DiscoveredService
from checker.sources.worktree import WorktreeSource
from tests.conftest import NOW_TEXT

LAYOUT = Path(__file__).parent / "fixtures" / "layouts" / "cluster-monitoring-operator"


def _init(root: Path, run) -> str:  # type: ignore[no-untyped-def]
    result = run("init", "--repo", str(root))
    assert result.exit_code == 0, result.output
    return (root / "ownership.yaml").read_text(encoding="utf-8")


def _check(root: Path, run) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    result = run("check", "--repo", str(root), "--now", NOW_TEXT, "--format", "json")
    return json.loads(result.output)["diagnostics"]  # type: ignore[no-any-return]


def _schema_problems(root: Path) -> list[str]:
    loaded = load_config(WorktreeSource(str(root)), "ownership.yaml")
    return [f"{d.rule} {d.message}" for d in loaded.diagnostics if d.rule in ("CFG001", "CFG002", "CFG003")]


def test_init_on_an_operator_repository_proposes_the_services_a_human_would_list(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """openshift/cluster-monitoring-operator's layout (its workloads, e2e and test manifests, promtool tests,
    hack/, examples/) with a Helm chart: the components it deploys, and nothing from tests, hack, examples,
    the chart or its Go binaries."""
    root = tmp_path / "cmo"
    shutil.copytree(LAYOUT, root)
    config = yaml.safe_load(_init(root, run))
    assert sorted(config["services"]) == [
        "cluster-monitoring-operator", "kube-state-metrics", "metrics-server", "monitoring-plugin", "node-exporter",
        "openshift-state-metrics", "prometheus-operator", "prometheus-operator-admission-webhook", "telemeter-client",
        "thanos-querier",
    ]
    assert config["discovery"] == [{"kubernetes": "assets/**/*.yaml"}, {"kubernetes": "manifests/**/*.yaml"}]
    assert config["alerts"][0]["paths"] == [
        f"assets/{name}.yaml" for name in (
            "alertmanager/prometheus-rule", "cluster-monitoring-operator/prometheus-rule",
            "control-plane/prometheus-rule", "kube-state-metrics/prometheus-rule", "node-exporter/prometheus-rule",
            "prometheus-k8s/prometheus-rule-thanos-sidecar", "prometheus-k8s/prometheus-rule",
            "prometheus-operator/prometheus-rule", "telemeter-client/prometheus-rule", "thanos-querier/prometheus-rule",
            "thanos-ruler/thanos-ruler-prometheus-rule")]
    assert _schema_problems(root) == []
    rules = {d["rule"] for d in _check(root, run)}
    assert not rules & {"CFG001", "CFG002", "CFG003", "SVC006", "SVC008", "ALR005", "COD003"}
    assert {"CFG004", "SVC004"} <= rules  # what is left to do: the teams, the runbooks


RULES = "groups:\n  - name: {name}\n    rules:\n      - alert: {name}Down\n        expr: up == 0\n"
PROMTOOL_TEST = "rule_files: [api.yml]\ntests:\n  - interval: 1m\n    input_series: []\n"


def test_init_rule_globs_read_every_rule_file_and_nothing_else(repo, run) -> None:  # type: ignore[no-untyped-def]
    rule_files = {
        "monitoring/rules/api.yml": RULES.format(name="Api"),
        "monitoring/rules/db.yml": RULES.format(name="Db"),
        "ops/alerts/a.yaml": RULES.format(name="A"),
        "ops/alerts/b.yaml": RULES.format(name="B"),
        "deploy/monitoring/rule.yaml": "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"
                                       "metadata: {name: k8s}\nspec:\n" + "  " + RULES.format(name="K").replace(
                                           "\n", "\n  ").rstrip() + "\n",
    }
    others = {
        "monitoring/rules/api_test.yml": PROMTOOL_TEST,                       # promtool's tests
        "deploy/monitoring/service.yaml": "kind: Service\nmetadata: {name: api}\n",   # other kinds
        "deploy/app.yml": "kind: Deployment\nmetadata: {name: api}\n",
        "deploy/config.yml": "kind: ConfigMap\nmetadata: {name: settings}\ndata: {groups: x}\n",
        "charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 1.0.0\n",   # a Helm chart
        "charts/api/templates/rules.yaml": "{{- if .Values.rules }}\nkind: PrometheusRule\n"
                                           "metadata: {name: {{ .Release.Name }}}\n{{- end }}\n",
        "charts/api/templates/deployment.yaml": "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
        "charts/api/values.yaml": "groups: []\n",
        "test/e2e/rules.yaml": RULES.format(name="E2e"),                          # tests, vendored code, examples
        "vendor/github.com/x/y/rules.yaml": RULES.format(name="Vendored"),
        "examples/alerting-rule.yaml": RULES.format(name="Example"),
        "hack/setup/app.yaml": "kind: Deployment\nmetadata: {name: example-app}\n",
    }
    root = repo(None, rule_files | others)
    config = yaml.safe_load(_init(root, run))
    source = WorktreeSource(str(root))
    read = {path for glob in config["alerts"][0]["paths"] for path in source.glob(glob)}
    assert read == set(rule_files)
    assert config["alerts"][0]["paths"] == ["deploy/monitoring/rule.yaml", "monitoring/rules/api.yml",
                                            "monitoring/rules/db.yml", "ops/alerts/*.yaml"]
    assert config["discovery"] == [{"kubernetes": "deploy/**/*.yml"}]
    assert sorted(config["services"]) == ["api"]
    diagnostics = _check(root, run)
    assert not {d["rule"] for d in diagnostics} & {"CFG001", "ALR005", "SVC006", "SVC008"}
    assert sorted(d["subject"] for d in diagnostics if d["rule"] == "ALR001") == [
        f"alert/{path}#{name}Down" for path, name in sorted(
            [("deploy/monitoring/rule.yaml", "K"), ("monitoring/rules/api.yml", "Api"),
             ("monitoring/rules/db.yml", "Db"), ("ops/alerts/a.yaml", "A"), ("ops/alerts/b.yaml", "B")])]


def test_init_writes_excludes_for_what_a_glob_would_sweep_in(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(None, {
        "deploy/prod/api.yaml": "kind: Deployment\nmetadata: {name: api}\n",
        "deploy/e2e/fake.yaml": "kind: Deployment\nmetadata: {name: fake}\n",
        "deploy/examples/demo.yaml": "kind: Deployment\nmetadata: {name: demo}\n",
        "deploy/broken.yaml": "kind: Deployment\nmetadata: {name: [unclosed\n",
        "deploy/helm/Chart.yaml": "name: x\n",
        "deploy/helm/templates/d.yaml": "kind: Deployment\nmetadata: {name: {{ .Release.Name }}}\n",
        "services/checkout-api/main.go": "package main\n",
        "services/checkout-api/catalog-info.yaml": "kind: Component\nmetadata: {name: checkout}\n"
                                                   "spec: {lifecycle: production, owner: group:payments}\n",
        "services/shared/util.go": "package shared\n",
        "services/test-utils/main.go": "package main\n",
        "templates/new-service/skeleton/catalog-info.yaml": "kind: Component\nmetadata:\n  name: ${{ values.name }}\n",
    })
    config = yaml.safe_load(_init(root, run))
    assert config["discovery"] == [
        {"kubernetes": "deploy/**/*.yaml",
         "exclude": ["deploy/broken.yaml", "deploy/e2e", "deploy/examples", "deploy/helm"]},
        {"backstage": "**/catalog-info.yaml", "exclude": ["templates"]},
        {"directories": "services/*", "exclude": ["services/shared", "services/test-utils"]},
    ]
    assert config["services"]["checkout"]["team"] == "payments"  # directory and component: one service
    assert sorted(config["services"]) == ["api", "checkout"]
    assert config["teams"] == {"payments": {}}
    rules = {d["rule"] for d in _check(root, run)}
    assert not rules & {"CFG001", "CFG002", "SVC006", "SVC008"}


def test_cmd_directories_are_services_only_when_nothing_says_better(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(None, {"cmd/api/main.go": "package main\n", "cmd/worker/main.go": "package main\n",
                       "cmd/e2e-tests/main.go": "package main\n"})
    config = yaml.safe_load(_init(root, run))
    assert config["discovery"] == [{"directories": "cmd/*", "exclude": ["cmd/e2e-tests"]}]
    assert sorted(config["services"]) == ["api", "worker"]


HOSTILE_NAMES = ["a: b", "x # not a comment", "'quoted'", '"double"', "line\nbreak: true", "tab\there",
                 "Caf\u00e9-API", "\u65e5\u672c", "--- ", "- item", "{flow: map}", "\u2028sep", "\x85next", "&anchor",
                 "*alias", "!!python/object:os.system", "web-shop"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_init_with_hostile_manifest_names_writes_a_config_that_loads(name: str, repo, run) -> None:  # type: ignore[no-untyped-def]
    manifest = yaml.safe_dump_all([
        {"kind": "Deployment", "metadata": {"name": name}},
        {"kind": "Component", "metadata": {"name": name + "-c"}, "spec": {"owner": name, "lifecycle": name}},
    ])
    root = repo(None, {"deploy/app.yaml": manifest, "catalog/x/catalog-info.yaml": manifest.split("---")[-1],
                       f"services/{name.replace(chr(10), '_').replace('/', '_')}/x.go": "package x\n"})
    _init(root, run)
    assert _schema_problems(root) == []
    assert "SVC006" not in {d["rule"] for d in _check(root, run)}  # every service found is declared


def test_init_writes_names_too_long_for_an_implicit_yaml_key_as_explicit_keys(repo, run) -> None:  # type: ignore[no-untyped-def]
    # YAML reads `NAME:` as a key only up to 1024 characters; a hostile catalog can name a service and
    # its owning group beyond that.
    name, team = "a" * 1500, "t" * 1100
    manifest = yaml.safe_dump({"kind": "Component", "metadata": {"name": name},
                               "spec": {"owner": f"group:{team}", "lifecycle": "production"}})
    root = repo(None, {"catalog/x/catalog-info.yaml": manifest})
    _init(root, run)
    assert _schema_problems(root) == []
    written = yaml.safe_load((root / "ownership.yaml").read_text())
    assert list(written["services"]) == [name] and written["services"][name]["team"] == team
    assert list(written["teams"]) == [team]


TEXT = st.text(st.characters(codec="utf-8"), max_size=20)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT, st.none() | TEXT, st.none() | TEXT), max_size=5),
       st.lists(TEXT.filter(bool), max_size=3))
def test_whatever_the_repository_holds_the_written_config_loads_and_passes_the_schema(
        found: list[tuple[str, str, str | None, str | None]], globs: list[str]) -> None:
    from checker.discovery import suggested_name
    from checker.load import read_yaml
    from checker.schema import validate

    services = {}
    for raw, path, owner, lifecycle in found:
        name = suggested_name(raw)
        services[name] = DiscoveredService(name, "backstage", Location(path), raw, (), lifecycle, owner, path)
    findings = Findings([Entry("kubernetes", glob or "x", [glob]) for glob in globs], globs,
                        list(services.values()))
    text = render(findings)
    loaded = read_yaml(text.encode("utf-8"), "ownership.yaml")
    assert loaded.diagnostics == []
    assert validate(loaded.documents[0], "ownership.yaml") == []
    document = loaded.documents[0]
    assert sorted(document.get("services") or {}) == sorted(services)
    assert [entry.get("exclude") for entry in document.get("discovery") or []] == [[g] for g in globs]
