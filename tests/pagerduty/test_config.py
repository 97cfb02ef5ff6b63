"""`pagerduty.schedules` in the config: checked by the schema and the model like every other section."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import check_repo, write_repo
from tests.pagerduty.helpers import LONDON_WEEKLY, config


def problems(tmp_path: Path, section: str) -> list[tuple[str, int, str]]:
    root = write_repo(tmp_path, config(LONDON_WEEKLY, extra=section))
    return [(d.rule, d.location.line, d.message) for d in check_repo(root).diagnostics if d.rule.startswith("CFG")]


def test_a_schedule_mapping_is_read_into_the_model(tmp_path: Path) -> None:
    root = write_repo(tmp_path, config(LONDON_WEEKLY, extra="pagerduty:\n  schedules: {pay-eu: PABC123}\n"))
    assert check_repo(root).model.pagerduty_schedules == {"pay-eu": "PABC123"}


def test_an_unknown_rotation_is_cfg004(tmp_path: Path) -> None:
    found = problems(tmp_path, "pagerduty:\n  schedules: {pay-us: PABC123}\n")
    assert found == [("CFG004", 19, ("pagerduty.schedules names rotation 'pay-us', which is not declared; did you "
                                    "mean 'pay-eu'?"))]


def test_a_schedule_id_that_is_not_one_is_cfg002(tmp_path: Path) -> None:
    found = problems(tmp_path, "pagerduty:\n  schedules: {pay-eu: \"P1/../users\"}\n  schedule: {}\n")
    assert [rule for rule, _, _ in found] == ["CFG002", "CFG002"]
    assert any("schedules" in message for _, _, message in found)  # the closest known key
