"""Each rule file's alert-rule verdict, kept with the file, config and --now (checker/alert_verdicts.py):
a warm check reads only the rule files that changed, and says exactly what a check without the cache
says, whatever changed around the unchanged files (runbooks, Alertmanager routing, waivers)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from checker import alert_verdicts
from checker.alerts import read_routing
from checker.cache import Invalid
from checker.config import load_config
from checker.rules import Context, per_alert_file_rules
from checker.sources.worktree import WorktreeSource
from tests.conftest import NOW, NOW_TEXT, REPO_ROOT


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rule files parsed, or built from their cached alerts, in this test."""
    from checker import cache_codec
    from checker.sources import prometheus

    seen: list[str] = []
    real_read, real_decode = prometheus.read, cache_codec.read_alerts

    def read(data: bytes, path: str) -> Any:
        seen.append(path)
        return real_read(data, path)

    def decode(plain: Any, path: str, rules: frozenset[str]) -> Any:
        seen.append(path)
        return real_decode(plain, path, rules)

    monkeypatch.setattr(prometheus, "read", read)
    monkeypatch.setattr(cache_codec, "read_alerts", decode)
    return seen


def outputs(run: Any, root: Path, *options: str) -> tuple[int, str, Any]:
    """Exit code, text output (with "checked N alerts") and JSON output of `check --now`."""
    text = run("check", "--repo", str(root), "--now", NOW_TEXT, *options)
    as_json = run("check", "--repo", str(root), "--now", NOW_TEXT, "--format", "json", *options)
    assert text.exit_code == as_json.exit_code
    return text.exit_code, text.stdout, json.loads(as_json.stdout)


def example(tmp_path: Path, name: str) -> Path:
    return shutil.copytree(REPO_ROOT / "examples" / name, tmp_path / name)


@pytest.mark.parametrize("name", ["acme", "alerting", "broken"])
def test_a_warm_check_of_each_example_reads_only_the_changed_file_and_says_the_same(
        run: Any, tmp_path: Path, name: str, parsed: list[str]) -> None:
    root = example(tmp_path, name)
    cache = ("--cache-dir", str(tmp_path / "cache"))
    cold = outputs(run, root, "--no-cache")
    assert outputs(run, root, *cache) == cold  # fills the cache
    parsed.clear()
    assert outputs(run, root, *cache) == cold
    assert parsed == []  # every rule file's verdict was found
    rule_file = min(p for p in (root / "monitoring").rglob("*.y*ml") if "groups:" in p.read_text())
    rule_file.write_text(rule_file.read_text() + "# edited\n")
    parsed.clear()
    assert outputs(run, root, *cache) == cold
    assert set(parsed) == {rule_file.relative_to(root).as_posix()}
    assert cold[2]["summary"]["errors"] > 0 or name == "acme"


def test_a_runbook_removed_or_added_beside_an_unchanged_rule_file_is_seen(run: Any, tmp_path: Path) -> None:
    root = example(tmp_path, "alerting")
    cache = ("--cache-dir", str(tmp_path / "cache"))
    outputs(run, root, *cache)
    (root / "docs" / "checkout.md").unlink()
    warm = outputs(run, root, *cache)
    assert warm == outputs(run, root, "--no-cache")
    assert any(d["rule"] == "ALR003" and "docs/checkout.md" in d["message"] for d in warm[2]["diagnostics"])
    (root / "docs" / "checkout.md").write_text("# Checkout\nRoll back the last deploy.\n")
    again = outputs(run, root, *cache)
    assert again == outputs(run, root, "--no-cache")
    assert not any(d["rule"] == "ALR003" for d in again[2]["diagnostics"])


def test_a_changed_alertmanager_config_routes_the_unchanged_rule_files_again(run: Any, tmp_path: Path) -> None:
    root = example(tmp_path, "alerting")
    cache = ("--cache-dir", str(tmp_path / "cache"))
    before = outputs(run, root, *cache)
    assert {d["subject"].split("#")[1] for d in before[2]["diagnostics"] if d["rule"] == "ALR006"} == {
        "CheckoutErrors", "LedgerLag"}
    routes = root / "monitoring" / "alertmanager.yml"
    routes.write_text(routes.read_text().replace("continue: true", "continue: false")
                      .replace("receiver: audit", "receiver: payments-pager", 1))
    warm = outputs(run, root, *cache)
    assert warm == outputs(run, root, "--no-cache")
    misrouted = {d["subject"].split("#")[1] for d in warm[2]["diagnostics"] if d["rule"] == "ALR006"}
    assert misrouted == {"LedgerLag", 'NodeDown{severity="page"}'}  # the first route now takes every page


def test_a_waiver_of_a_short_subject_covers_remembered_alerts(run: Any, tmp_path: Path, parsed: list[str]) -> None:
    root = example(tmp_path, "alerting")
    rules = root / "monitoring" / "payments" / "checkout.yml"
    # Two alerts of one name: their subjects take a label, and a waiver may name the short form.
    rules.write_text(rules.read_text() + """\
      - alert: LedgerLag
        expr: ledger_lag_seconds > 6000
        labels: {severity: warning, team: sre}
""")
    config = root / "ownership.yaml"
    config.write_text(config.read_text() + """
waivers:
  - {rule: ALR006, subject: "alert/monitoring/payments/checkout.yml#LedgerLag", reason: moving, expires: 2027-01-31}
""")
    cache = ("--cache-dir", str(tmp_path / "cache"))
    cold = outputs(run, root, "--no-cache")
    subjects = {d["subject"] for d in cold[2]["diagnostics"]}
    assert 'alert/monitoring/payments/checkout.yml#LedgerLag{severity="critical"}' not in subjects  # waived
    assert not any(d["rule"] == "WVR002" for d in cold[2]["diagnostics"])
    outputs(run, root, *cache)
    parsed.clear()
    assert outputs(run, root, *cache) == cold
    assert parsed == []


def test_an_unreadable_rule_file_is_said_each_time(run: Any, tmp_path: Path) -> None:
    root = example(tmp_path, "alerting")
    (root / "monitoring" / "sre" / "extra.yml").symlink_to("node.yml")
    cache = ("--cache-dir", str(tmp_path / "cache"))
    cold = outputs(run, root, "--no-cache")
    assert any(d["rule"] == "ALR005" and "symlink" in d["message"] for d in cold[2]["diagnostics"])
    outputs(run, root, *cache)
    assert outputs(run, root, *cache) == cold


@pytest.mark.parametrize("options", [("--cache-dir", "cache"), ("--no-cache", "--now", NOW_TEXT)])
def test_without_now_or_a_cache_no_alert_verdict_is_worked_out(run: Any, tmp_path: Path, options: tuple[str, ...],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[str] = []

    def spy(*args: Any) -> list[Any]:
        called.append("remembered_alert_rules")
        return []

    monkeypatch.setattr(alert_verdicts, "remembered_alert_rules", spy)
    root = example(tmp_path, "alerting")
    result = run("check", "--repo", str(root), *(str(tmp_path / o) if o == "cache" else o for o in options))
    assert called == [] and "checked 0 services, 2 rotations, 4 alerts" in result.stdout


def test_a_damaged_verdict_is_computed_again(run: Any, tmp_path: Path) -> None:
    root = example(tmp_path, "broken")
    cache_dir = tmp_path / "cache"
    cold = outputs(run, root, "--no-cache")
    outputs(run, root, "--cache-dir", str(cache_dir))
    for entry in cache_dir.glob("*.json"):
        header, _, body = entry.read_bytes().partition(b"\n")
        entry.write_bytes(header + b"\n" + body.replace(b'"ALR', b'"ALX'))  # the header's hash no longer holds
    assert outputs(run, root, "--cache-dir", str(cache_dir)) == cold


def _context(name: str = "alerting") -> Context:
    root = REPO_ROOT / "examples" / name
    loaded = load_config(WorktreeSource(str(root)), "ownership.yaml")
    loaded.model.alertmanager, _ = read_routing(loaded.model, WorktreeSource(str(root)))
    return Context(model=loaded.model, repo=WorktreeSource(str(root)), now=NOW)


PATH = "monitoring/payments/checkout.yml"
RULES = per_alert_file_rules() | {"ALR005"}


def _verdict(**changes: Any) -> dict[str, Any]:
    honest: dict[str, Any] = {
        "diagnostics": [["ALR006", "error", f"alert/{PATH}#LedgerLag", "m", PATH, 9, 16, ""]],
        "alerts": 2,
        "short_subjects": [[f'alert/{PATH}#A{{x="1"}}', f"alert/{PATH}#A"]],
        "runbooks": [["docs/checkout.md", None], ["docs/nothing.md",
                                                 "does not exist in the repository; add the file or fix the path"]],
    }
    return honest | changes


def test_an_honest_verdict_is_read_back() -> None:
    verdict = alert_verdicts._decode(_verdict(), PATH, 500, RULES, _context())
    assert [(d.rule, d.location) for d in verdict.diagnostics] == [("ALR006", (PATH, 9, 16))]
    assert verdict.alerts == 2 and verdict.short_subjects == {f'alert/{PATH}#A{{x="1"}}': f"alert/{PATH}#A"}


@pytest.mark.parametrize("changes", [
    {"diagnostics": [["ROT005", "error", "rotation/r", "m", PATH, 1, 1, ""]]},  # not an alert rule
    {"diagnostics": [["ALR006", "error", "alert/x#A", "m", "monitoring/sre/node.yml", 1, 1, ""]]},  # another file
    {"diagnostics": [["ALR006", "warning", "alert/x#A", "m", PATH, 1, 1, ""]]},  # not its severity here
    {"diagnostics": [["ALR006", "error", "alert/x#A", "m", PATH, 0, 1, ""]]},
    {"alerts": -1}, {"alerts": True}, {"alerts": 0}, {"alerts": "2"},
    {"short_subjects": [["alert/other.yml#A{x}", "alert/other.yml#A"]]},  # another file's subjects
    {"short_subjects": [[f"alert/{PATH}#A", f"alert/{PATH}#A"]]},  # not long
    {"short_subjects": [[f"alert/{PATH}#B", f"alert/{PATH}#A"]]},  # not this short form's
    {"runbooks": [["docs/checkout.md", "is empty; write the runbook"]]},  # the repository says otherwise
    {"runbooks": [["docs/nothing.md", None]]},
    {"runbooks": [["docs/checkout.md"]]},
    {"runbooks": {"docs/checkout.md": None}},
    # Reaching past the file: an alias whose long form is another file's subject (`mon/b.yml#X.yml`
    # is a legal file name), a finding about another file's alert or a service, routing findings
    # without routing, and counts the file's 500 bytes cannot hold.
    {"short_subjects": [[f"alert/{PATH}#X.yml#A", f"alert/{PATH}#X"]]},
    {"diagnostics": [["ALR003", "error", "alert/monitoring/sre/node.yml#NodeDown", "m", PATH, 1, 1, ""]]},
    {"diagnostics": [["ALR003", "error", "service/checkout", "m", PATH, 1, 1, ""]]},
    {"diagnostics": [["ALR005", "error", f"alert/{PATH}#A", "m", PATH, 1, 1, ""]]},
    ("acme", {"diagnostics": [["ALR006", "error", f"alert/{PATH}#A", "m", PATH, 1, 1, ""]], "runbooks": []}),
    {"alerts": 501},
    {"diagnostics": [["ALR001", "error", f"alert/{PATH}#A{i}", "m", PATH, 1, 1, ""] for i in range(113)]},
    {"runbooks": [[f"https://example.com/{'x' * 300}", None], [f"https://example.org/{'x' * 300}", None]]},
])
def test_a_forged_or_stale_verdict_is_refused(changes: dict[str, Any] | tuple[str, dict[str, Any]]) -> None:
    name, changes = changes if isinstance(changes, tuple) else ("alerting", changes)
    with pytest.raises(Invalid):
        alert_verdicts._decode(_verdict(**changes), PATH, 500, RULES, _context(name))


def test_a_verdict_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(Invalid):
        alert_verdicts._decode(["diagnostics"], PATH, 500, RULES, _context())
