"""Discovery: one service per thing found, Backstage lifecycles and owners, exclusions, and names
that SVC006 suggests being valid and, once declared, enough."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from checker.discovery import suggested_name
from checker.globs import excluded
from tests.conftest import check_repo, write_repo

NAME = re.compile(r"\A[a-z0-9][a-z0-9._-]*\Z")


def _svc006(root: Path) -> list[str]:
    return [d.message for d in check_repo(root).diagnostics if d.rule == "SVC006"]


def _declaration(message: str) -> str:
    """The `name: {team: ...}` an SVC006 message asks to add, as YAML."""
    return re.search(r"add `(.+?)` under services:", message).group(1)  # type: ignore[union-attr]


def _config(services: str = "{}") -> str:
    return ("version: 1\nteams: {payments: {github_team: acme/payments}}\ndiscovery:\n"
            '  - directories: "services/*"\n  - backstage: "**/catalog-info.yaml"\n'
            f"services: {services}\n")


def test_a_component_in_a_discovered_directory_is_one_service_under_its_backstage_name(repo) -> None:  # type: ignore[no-untyped-def]
    files = {"services/checkout-api/main.go": "package main\n",
             "services/checkout-api/catalog-info.yaml": "kind: Component\nmetadata: {name: Checkout}\n"
                                                        "spec: {lifecycle: production, owner: group:payments}\n"}
    messages = _svc006(repo(_config(), files))
    assert messages == [("backstage discovery found service 'checkout' (found as 'Checkout'); Backstage gives its "
                        "owner as 'group:payments', team 'payments', which is not declared; add "
                        "`checkout: {team: payments}` under services: with its on-call and runbook")]
    assert _svc006(repo(_config("{checkout: {lifecycle: experimental}}"), files)) == []
    assert _svc006(repo(_config("{checkout-api: {lifecycle: experimental}}"), files)) == []  # its directory's name


def test_the_issue_backstage_platform_non_production_components_need_no_declaration(repo) -> None:  # type: ignore[no-untyped-def]
    documents = [{"kind": "Component", "metadata": {"name": f"svc-{i}"},
                  "spec": {"lifecycle": lifecycle, "owner": "group:payments"}}
                 for i, lifecycle in enumerate(["deprecated"] * 10 + ["experimental", "production", "Production",
                                                                     "beta", "sunset", "production"])]
    root = repo(_config(), {"catalog/catalog-info.yaml": yaml.safe_dump_all(documents)})
    assert sorted(re.findall(r"service '(svc-\d+)'", " ".join(_svc006(root)))) == ["svc-11", "svc-12", "svc-15"]


def test_the_same_workload_in_two_manifests_is_one_service(repo) -> None:  # type: ignore[no-untyped-def]
    config = 'version: 1\ndiscovery:\n  - kubernetes: "deploy/**/*.yaml"\n'
    root = repo(config, {"deploy/a/op.yaml": "kind: Deployment\nmetadata: {name: operator}\n",
                         "deploy/b/op.yaml": "kind: Deployment\nmetadata: {name: Operator}\n"})
    assert len(_svc006(root)) == 1


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=30))
@example("0E0")  # a number in YAML 1.2 unless quoted (found by this test)
def test_the_declaration_svc006_suggests_passes_the_schema_and_satisfies_discovery(name: str) -> None:
    # Every value double-quoted: PyYAML writes YAML 1.1, where `0E0` needs no quotes, but a YAML 1.2 reader
    # (this checker, Backstage) reads that plain scalar as the number 0, which is then no name at all.
    catalog = yaml.safe_dump({"kind": "Component", "metadata": {"name": name},
                              "spec": {"lifecycle": "production", "owner": "group:payments"}}, default_style='"')
    with tempfile.TemporaryDirectory() as tmp:
        root = write_repo(Path(tmp) / "r", _config(), {"catalog/catalog-info.yaml": catalog})
        messages = _svc006(root)
        assert len(messages) == 1
        declaration = _declaration(messages[0])
        fixed = write_repo(Path(tmp) / "f", _config("{" + declaration + "}"), {"catalog/catalog-info.yaml": catalog})
        result = check_repo(fixed)
        assert [d.message for d in result.diagnostics if d.rule in ("CFG001", "CFG002", "SVC006")] == []
        assert all(NAME.match(service) for service in result.model.services)


def test_suggested_names() -> None:
    assert suggested_name("Web-Shop") == "web-shop"
    assert suggested_name("Caf\u00e9 API") == "cafe-api"
    assert suggested_name("Ledger_API") == "ledger_api"
    assert suggested_name("\u65e5\u672c") == "xn--wgv71a"
    assert suggested_name("---") == suggested_name("---") != suggested_name("***")
    assert all(NAME.match(suggested_name(n)) for n in ["---", "***", "\u65e5\u672c", "..a..", "-x-", "A" * 300])


def test_exclude_names_a_path_or_a_directory_above_it() -> None:
    assert excluded("deploy/e2e/fake.yaml", ["deploy/e2e"])
    assert excluded("deploy/e2e/fake.yaml", ["**/e2e"])
    assert excluded("deploy/e2e/fake.yaml", ["deploy/e2e/"])
    assert excluded("deploy/prod/demo-example.yaml", ["**/*-example.yaml"])
    assert not excluded("deploy/e2e-prod/app.yaml", ["deploy/e2e"])
    assert not excluded("deploy/prod/app.yaml", [])
