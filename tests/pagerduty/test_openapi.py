"""Every request body `ownership pagerduty` sends conforms to PagerDuty's published OpenAPI description."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import write_repo
from tests.pagerduty.fake import OPENAPI, FakePagerDuty, body_problems
from tests.pagerduty.helpers import LONDON_WEEKLY, add_people, config

NOW = "2026-10-01T09:00Z"


def test_every_body_sent_conforms(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any, tmp_path: Path) -> None:
    add_people(fake_pd)
    rotation = LONDON_WEEKLY + '    hours: "07:00-17:00"\n    holiday_shift: 1d\n'
    root = write_repo(tmp_path, config(rotation))
    assert run("pagerduty", "apply", "--repo", str(root), "--now", NOW, env=pd_env).exit_code == 0
    write_repo(root, config(rotation.replace("[alice, bob, carol, dave]", "[alice, bob, carol, dave, erin]")))
    assert run("pagerduty", "apply", "--repo", str(root), "--now", NOW, env=pd_env).exit_code == 0
    operations = {operation for operation, _ in fake_pd.bodies}
    assert operations == {"POST /schedules/preview", "POST /schedules", "PUT /schedules/{id}",
                          "POST /schedules/{id}/overrides"}
    for operation, body in fake_pd.bodies:
        assert body_problems(operation, body) == [], operation


def test_the_check_finds_a_body_pagerduty_would_refuse() -> None:
    layer = {"start": "2026-01-06T12:00:00+00:00", "rotation_virtual_start": "2026-01-06 12:00",
             "users": ["P1"], "restrictions": [{"type": "hourly_restriction", "duration_seconds": 60,
                                                "start_time_of_day": "09:00:00"}]}
    problems = body_problems("PUT /schedules/{id}", {"schedule": {"type": "schedule", "schedule_layers": [layer]}})
    assert any("'time_zone' is a required property" in p for p in problems)
    assert any("'rotation_turn_length_seconds' is a required property" in p for p in problems)
    assert any("'P1' is not of type 'object'" in p for p in problems)
    assert any("'hourly_restriction' is not one of" in p for p in problems)
    assert any("rotation_virtual_start: 2026-01-06 12:00 has no offset" in p for p in problems)


def test_the_excerpt_names_its_source() -> None:
    assert OPENAPI["source"] == {"repository": "PagerDuty/api-schema", "commit": "91a06fb3c64b0ab2b2bd6c485d12b327dfb55c18",
                                 "path": "reference/REST/openapiv3.json", "openapi": "3.0.2", "info_version": "2.0.0"}
