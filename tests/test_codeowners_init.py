"""CODEOWNERS round trip, and `ownership init` on repositories with each discovery kind."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import NOW_TEXT

CONFIG = """\
version: 1
teams:
  payments: {github_team: acme/payments}
  search: {github_team: acme/search}
  lab: {}
services:
  checkout: {team: payments, lifecycle: experimental, paths: ["services/checkout/", "libs/money/"]}
  search: {team: search, lifecycle: experimental, paths: ["services/search/"]}
  toy: {team: lab, lifecycle: experimental, paths: ["services/toy/"]}
"""


def test_codeowners_round_trip(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(CONFIG, {"CODEOWNERS": "# hand-written\n* @acme/platform\n"})
    check = run("codeowners", "--repo", str(root), "--check")
    assert check.exit_code == 1 and "COD001" in check.output and "+/services/checkout/ @acme/payments" in check.output
    assert run("codeowners", "--repo", str(root)).exit_code == 0
    text = (root / "CODEOWNERS").read_text()
    assert text.startswith("# hand-written\n* @acme/platform\n")  # found where GitHub looks, lines kept
    assert "/libs/money/ @acme/payments\n" in text and "/services/search/ @acme/search\n" in text
    assert "# /services/toy/: service toy has no team with a github_team" in text
    assert run("codeowners", "--repo", str(root), "--check").exit_code == 0
    (root / "CODEOWNERS").write_text(text.replace("@acme/search", "@acme/searhc") + "/docs/ @acme/writers\n")
    drift = run("codeowners", "--repo", str(root), "--check")
    assert drift.exit_code == 1
    assert "-/services/search/ @acme/searhc" in drift.output and "+/services/search/ @acme/search" in drift.output
    assert run("codeowners", "--repo", str(root)).exit_code == 0
    assert (root / "CODEOWNERS").read_text().endswith("/docs/ @acme/writers\n")


def test_codeowners_prefers_the_github_folder_and_creates_it(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(CONFIG)
    assert run("codeowners", "--repo", str(root), "--check").exit_code == 1
    run("codeowners", "--repo", str(root))
    assert (root / ".github/CODEOWNERS").is_file()


def test_a_path_claimed_by_two_services_is_a_diagnostic(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(CONFIG.replace('paths: ["services/search/"]', 'paths: ["services/search/", "libs/money/"]'))
    result = run("codeowners", "--repo", str(root))
    assert result.exit_code == 1
    assert "path 'libs/money/' is claimed by services checkout, search" in result.output
    assert "/libs/money/" not in (root / ".github/CODEOWNERS").read_text()


def test_init_with_every_discovery_kind(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(None, {
        "services/api/main.go": "package main\n",
        "services/worker/main.go": "package main\n",
        "deploy/prod/queue.yaml": "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: queue}\n",
        "catalog/web/catalog-info.yaml": "kind: Component\nmetadata: {name: web-shop}\n",
        "monitoring/api.yaml": "groups:\n  - name: api\n    rules:\n      - {alert: ApiDown, expr: up == 0}\n",
    })
    result = run("init", "--repo", str(root))
    assert result.exit_code == 0, result.output
    config = (root / "ownership.yaml").read_text()
    for expected in ('- directories: "services/*"', '- kubernetes: "deploy/**/*.yaml"',
                     '- backstage: "**/catalog-info.yaml"', '    paths:\n      - "monitoring/api.yaml"',
                     "  api:", "  worker:", "  queue:", "  web-shop:", "    team: todo", "# policy:"):
        assert expected in config, expected
    check = run("check", "--repo", str(root), "--now", NOW_TEXT)
    assert check.exit_code == 1
    # it explains step by step: declare the team, write the runbook, own the alert
    for rule in ("CFG004", "SVC004", "ALR001"):
        assert rule in check.output
    assert "SVC006" not in check.output  # every discovered service is declared
    again = run("init", "--repo", str(root))
    assert again.exit_code == 2 and "never overwrites" in again.output


def test_init_on_an_empty_repository(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "--repo", str(tmp_path)).exit_code == 0
    assert run("check", "--repo", str(tmp_path), "--now", NOW_TEXT).exit_code == 0
