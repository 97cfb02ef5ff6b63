"""Ten thousand alerts in two hundred files are all read, each with its place (timed by tests/perf, not here)."""

from __future__ import annotations

from pathlib import Path

from checker.alerts import read_alerts
from checker.config import load_config
from checker.sources.worktree import WorktreeSource
from tests.perf.generate import Size, generate


def test_ten_thousand_alerts_in_two_hundred_files(tmp_path: Path) -> None:
    root = generate(tmp_path / "org", Size("alerts", teams=200, alert_files=200, alerts_per_file=50))
    source = WorktreeSource(str(root))
    model = load_config(source, "ownership.yaml").model
    alerts, problems = read_alerts(model, source)
    assert problems == []
    assert len(alerts) == 10_000
    assert len({a.subject for a in alerts}) == 10_000
    assert all(a.service is not None and a.team == model.services[a.service].team for a in alerts)
    last = max(alerts, key=lambda a: a.loc.line)
    assert last.loc.line == 2 + 1 + 9 * 49 + 1 and last.loc.column == 16
