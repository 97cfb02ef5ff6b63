"""examples/alerting: owner by path, runbook annotations and routing; the README shows its real output."""

from __future__ import annotations

import re

from tests.conftest import NOW_TEXT, REPO_ROOT


def test_readme_shows_the_real_output_of_the_alerting_example(run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(REPO_ROOT / "examples/alerting"), "--now", NOW_TEXT)
    assert result.exit_code == 1
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"ownership check --repo examples/alerting --now \S+\n```\n\n```\n(.*?)```", readme, re.DOTALL)
    assert shown is not None, "README's Alerts section shows the example's output"
    assert shown.group(1) == result.output


def test_the_alerting_example_reads_what_it_says(run) -> None:  # type: ignore[no-untyped-def]
    from checker.timeutil import parse_now
    from tests.conftest import check_repo

    result = check_repo(REPO_ROOT / "examples/alerting", parse_now(NOW_TEXT))
    by_subject = {a.subject: a for a in result.model.alerts}
    # The promtool test file is excluded; the two NodeDown rules get their own subjects.
    assert sorted(by_subject) == ["alert/monitoring/payments/checkout.yml#CheckoutErrors",
                                  "alert/monitoring/payments/checkout.yml#LedgerLag",
                                  'alert/monitoring/sre/node.yml#NodeDown{severity="page"}',
                                  'alert/monitoring/sre/node.yml#NodeDown{severity="warning"}']
    assert by_subject["alert/monitoring/payments/checkout.yml#CheckoutErrors"].owned_by_path
    assert by_subject["alert/monitoring/payments/checkout.yml#CheckoutErrors"].runbook() == ("runbook",
                                                                                               "docs/checkout.md")


def test_a_staged_alertmanager_config_matters_to_the_hook(run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(REPO_ROOT / "examples/alerting")  # pre-commit passes paths relative to the repository
    assert run("check", "--now", NOW_TEXT, "docs/unrelated.md").exit_code == 0
    result = run("check", "--now", NOW_TEXT, "monitoring/alertmanager.yml")
    assert result.exit_code == 1 and "ALR006" in result.output
