"""ROT004's and ROT012's messages suggest only fixes that resolve them: each suggestion here is applied to the
config as written in the message, and the check run again (SPEC §11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from checker.timeutil import parse_now
from tests.conftest import check_repo, write_repo

NOW = parse_now("2026-03-02T09:00Z")


def config_with(rotation: dict, policy: dict | None = None, people: int = 4) -> dict:  # type: ignore[type-arg]
    names = [f"p{i}" for i in range(people)]
    rotation = {"team": "t", "members": names, **rotation}
    return {"version": 1, "people": {n: {} for n in names}, "teams": {"t": {"members": names}},
            "rotations": {"r": rotation}, **({"policy": {"rotation": policy}} if policy else {})}


def findings(tmp_path: Path, config: dict, name: str) -> list:  # type: ignore[type-arg]
    root = write_repo(tmp_path / name, yaml.safe_dump(config, sort_keys=False))
    return check_repo(root, NOW).diagnostics


def flow(message: str, pattern: str) -> dict:  # type: ignore[type-arg]
    found = re.search(pattern, message)
    assert found, message
    edit: dict = yaml.safe_load(found.group(1))  # type: ignore[type-arg]
    return edit


ROT004_CASES = {
    "weekly_sunday_midnight": ({"shift": "1w", "start": "2026-01-04T00:00", "timezone": "Europe/London"}, None),
    "daily": ({"shift": "1d", "start": "2026-01-06T12:00"}, None),
    "every_two_days": ({"shift": "2d", "start": "2026-01-06T12:00", "timezone": "America/New_York"}, None),
    "twelve_hours": ({"shift": "12h", "start": "2026-01-06T08:00"}, None),
    "weekly_evening_with_narrow_hours": ({"shift": "1w", "start": "2026-01-06T19:00"},
                                         {"handoff_hours": "13:00-14:00", "handoff_days": ["wed"]}),
    "daily_with_short_max_shift": ({"shift": "1d", "start": "2026-01-06T12:00"}, {"max_shift": "2d"}),
}


@pytest.mark.parametrize("name", sorted(ROT004_CASES))
def test_rot004_suggested_fix_resolves_it(tmp_path: Path, name: str) -> None:
    rotation, policy = ROT004_CASES[name]
    config = config_with(rotation, policy)
    [diagnostic] = [d for d in findings(tmp_path, config, "before") if d.rule == "ROT004"]
    edit = flow(diagnostic.message, r"(?:set|with) `(\{.*\})` on (?:the rotation|it)")
    config["rotations"]["r"].update(edit)
    after = findings(tmp_path, config, "after")
    assert [d.message for d in after if d.rule in ("ROT004", "ROT002", "CFG002", "CFG005")] == [], edit


def test_rot004_prefers_a_pattern_on_weekdays_for_a_daily_rotation(tmp_path: Path) -> None:
    config = config_with({"shift": "1d", "start": "2026-01-05T12:00"})
    [diagnostic] = [d for d in findings(tmp_path, config, "r") if d.rule == "ROT004"]
    assert "set `{shift: [1d, 1d, 1d, 1d, 3d], start: 2026-01-05T12:00}` on the rotation" in diagnostic.message


ROT012_CASES = {
    "fourteen_weekly_people_split": ({"shift": "1w", "start": "2026-01-06T12:00"}, None, 14),
    "ten_people_min_six_shrink": ({"shift": "1w", "start": "2026-01-06T12:00"},
                                  {"min_members": 6, "max_gap": "8w"}, 10),
    "five_people_fortnightly_shrink": ({"shift": "2w", "start": "2026-01-06T12:00"},
                                       {"max_gap": "6w", "max_shift": "2w"}, 5),
    "four_people_no_room_accept": ({"shift": "1w", "start": "2026-01-06T12:00"}, {"max_gap": "2w"}, 4),
}


def apply_rot012(config: dict, message: str) -> None:  # type: ignore[type-arg]
    rotation = config["rotations"]["r"]
    split = re.search(r"split it into \d+ rotations, (.*?) \(each", message)
    shrink = re.search(r"take (.*?) off it", message)
    if split:
        groups = [g.split(", ") for g in re.findall(r"\[([^\]]*)\]", split.group(1))]
        assert sorted(m for g in groups for m in g) == sorted(rotation["members"])
        for index, group in enumerate(groups):
            config["rotations"][f"r{index}"] = {**rotation, "members": group}
        del config["rotations"]["r"]
    elif shrink:
        gone = shrink.group(1).split(", ")
        rotation["members"] = [m for m in rotation["members"] if m not in gone]
    else:
        rotation.update(flow(message, r"`(\{policy: .*\})`"))


@pytest.mark.parametrize("name", sorted(ROT012_CASES))
def test_rot012_suggested_fix_resolves_it_without_going_below_min_members(tmp_path: Path, name: str) -> None:
    rotation, policy, people = ROT012_CASES[name]
    config = config_with(rotation, policy, people)
    [diagnostic] = [d for d in findings(tmp_path, config, "before") if d.rule == "ROT012"]
    apply_rot012(config, diagnostic.message)
    after = findings(tmp_path, config, "after")
    assert [d.message for d in after if d.rule in ("ROT012", "ROT001", "CFG002", "CFG005")] == [], \
        diagnostic.message
    if name != "four_people_no_room_accept":  # the alternative offered beside a structural fix works too
        config = config_with(rotation, policy, people)
        config["rotations"]["r"].update(flow(diagnostic.message, r"`(\{policy: .*\})`"))
        assert [d for d in findings(tmp_path, config, "accept") if d.rule == "ROT012"] == []
