"""Rule cases as data: tests/rules/cases/<RULE>.yaml holds configs and the (rule, line) pairs they must produce.

Each case lists only the diagnostics of the file's rule, so a case stays true
when other rules are added. A case with `base:` runs in diff mode: the base
config is committed in a git repository and `config` is the working tree.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from checker.pipeline import CheckResult
from checker.timeutil import parse_now
from tests.conftest import NOW, check_repo, write_repo

CASES_DIR = Path(__file__).parent / "cases"
# Not produced by `check` on a config alone: GH001/GH002 need GitHub's answers (tests/test_github.py runs them
# against a local server that answers like its API); COD001 and COD002 come from `ownership codeowners --check`
# (tests/test_codeowners.py); DRF001 needs PagerDuty's answers (tests/pagerduty/test_drift.py).
ONLINE_RULES = {"GH001", "GH002", "COD001", "COD002", "DRF001"}


def _cases() -> list:  # type: ignore[type-arg]
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            out.append(pytest.param(spec["rule"], case, id=f"{spec['rule']}-{case['name']}"))
    return out


def _diff_check(tmp_path: Path, case: dict) -> CheckResult:  # type: ignore[type-arg]
    """A case with `base`: the base config committed on main, `config` in the working tree, run as --base main."""
    from checker.diffmode import run_diff_check
    from tests.test_diffmode import commit_files, init_repo

    root = init_repo(tmp_path / "repo")
    commit_files(root, {"ownership.yaml": textwrap.dedent(case["base"]), **case.get("files", {})}, "base")
    write_repo(root, case["config"])
    return run_diff_check(str(root), "ownership.yaml", parse_now(case["now"]) if "now" in case else NOW, "main").head


@pytest.mark.parametrize(("rule_id", "case"), _cases())
def test_rule_case(rule_id: str, case: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    if "base" in case:
        result = _diff_check(tmp_path, case)
    else:
        root = write_repo(tmp_path, case["config"], case.get("files"))
        result = check_repo(root, parse_now(case["now"]) if "now" in case else NOW)
    found = [[d.rule, d.location.file, d.location.line] for d in result.diagnostics if d.rule == rule_id]
    # expect: [RULE, line] in ownership.yaml, or [RULE, line, file]
    expected = [[e[0], e[2] if len(e) > 2 else "ownership.yaml", e[1]] for e in case["expect"]]
    assert found == expected, [d.message for d in result.diagnostics if d.rule == rule_id]
    for fragment in case.get("message_contains", []):
        assert any(fragment in d.message for d in result.diagnostics if d.rule == rule_id), fragment


def test_every_checked_rule_has_a_failing_and_a_passing_case() -> None:
    from checker.rules import CATALOGUE

    by_rule: dict[str, list] = {}  # type: ignore[type-arg]
    for param in _cases():
        rule_id, case = param.values
        by_rule.setdefault(rule_id, []).append(case)
    for rule_id in CATALOGUE:
        if rule_id in ONLINE_RULES:
            continue
        cases = by_rule.get(rule_id, [])
        assert any(c["expect"] for c in cases), f"{rule_id} has no failing case"
        assert any(not c["expect"] for c in cases), f"{rule_id} has no passing case"
