"""The model-only rules' verdict, kept with the config at an explicit --now (checker/verdicts.py): a warm
check says exactly what a cold one says without simulating the schedule, and anything that changes the
verdict's inputs (config, --now, zone data) is a new entry."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from checker import verdicts
from checker.cache import Invalid
from checker.config import load_config
from checker.sources.worktree import WorktreeSource
from checker.verdicts import _decode, verdict_key
from tests.conftest import NOW_TEXT, REPO_ROOT

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.fixture
def simulations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per whole-schedule simulation."""
    from checker.rules import registry

    seen: list[int] = []
    real = registry.simulate

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(registry, "simulate", spy)
    return seen


def check_json(run: Any, root: Path, *options: str) -> Any:
    result = run("check", "--repo", str(root), "--format", "json", *options)
    return result.exit_code, json.loads(result.stdout)


def test_a_warm_check_with_a_rule_file_changed_simulates_nothing_and_says_the_same(
        run: Any, tmp_path: Path, simulations: list[int]) -> None:
    root = shutil.copytree(REPO_ROOT / "examples" / "broken", tmp_path / "broken")
    cache = ["--cache-dir", str(tmp_path / "cache"), "--now", NOW_TEXT]
    check_json(run, root, *cache)
    rule_file = next(p for p in sorted((root / "monitoring").rglob("*.y*ml")) if "groups:" in p.read_text())
    rule_file.write_text(rule_file.read_text() + "# edited\n")
    simulations.clear()
    warm = check_json(run, root, *cache)
    assert simulations == []  # ALR004's facts came with the verdict too
    assert warm == check_json(run, root, "--no-cache", "--now", NOW_TEXT)
    assert {d["rule"] for d in warm[1]["diagnostics"]} >= {"ROT003", "ROT013", "SVC002", "ALR004", "ESC002"}


def test_a_changed_config_or_another_now_is_checked_afresh(run: Any, tmp_path: Path,
                                                          simulations: list[int]) -> None:
    root = shutil.copytree(REPO_ROOT / "examples" / "acme", tmp_path / "acme")
    cache = ["--cache-dir", str(tmp_path / "cache")]
    check_json(run, root, *cache, "--now", NOW_TEXT)
    config = root / "ownership.yaml"
    config.write_text(config.read_text() + "\n# a comment is new bytes: a new verdict\n")
    simulations.clear()
    assert check_json(run, root, *cache, "--now", NOW_TEXT) == check_json(run, root, "--no-cache", "--now",
                                                                           NOW_TEXT)
    assert simulations == [1, 1]
    simulations.clear()
    later = "2026-12-24T09:00Z"  # the holiday window: other findings
    assert check_json(run, root, *cache, "--now", later) == check_json(run, root, "--no-cache", "--now", later)
    assert simulations == [1, 1]


def test_without_now_the_verdict_is_neither_read_nor_kept(run: Any, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[str] = []
    monkeypatch.setattr(verdicts, "remembered", lambda *args: called.append("remembered") or [])
    root = shutil.copytree(REPO_ROOT / "examples" / "acme", tmp_path / "acme")
    run("check", "--repo", str(root), "--cache-dir", str(tmp_path / "cache"))
    assert called == []


def test_the_key_holds_the_config_now_and_zone_data(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_config(WorktreeSource(str(REPO_ROOT / "examples" / "acme")), "ownership.yaml")
    key = verdict_key(loaded, loaded.model, NOW)
    assert key == verdict_key(loaded, loaded.model, NOW)
    assert key != verdict_key(loaded, loaded.model, datetime(2026, 11, 23, 9, 1, tzinfo=UTC))
    monkeypatch.setattr(verdicts, "_zone_stamp", lambda zone: "tzdata 2099a")
    assert key != verdict_key(loaded, loaded.model, NOW)


@pytest.mark.parametrize("forged", [
    {"diagnostics": [["ALR001", "error", "alert/x#A", "forged", "x.yaml", 1, 1, ""]], "on_call_after_now": {}},
    {"diagnostics": [["ROT005", "fatal", "rotation/r", "m", "o.yaml", 1, 1, ""]], "on_call_after_now": {}},
    {"diagnostics": [["ROT005", "error", "rotation/r", "m", "o.yaml", 0, 1, ""]], "on_call_after_now": {}},
    # Well-formed, yet not what the rules could say of this config: hidden by `off`, another severity,
    # a file the config does not read, a line no file within the size limit has.
    {"diagnostics": [["ROT005", "off", "rotation/r", "m", "ownership.yaml", 1, 1, ""]], "on_call_after_now": "valid"},
    {"diagnostics": [["ROT005", "warning", "rotation/r", "m", "ownership.yaml", 1, 1, ""]], "on_call_after_now": "valid"},
    {"diagnostics": [["ROT005", "error", "rotation/r", "m", "/etc/passwd", 1, 1, ""]], "on_call_after_now": "valid"},
    {"diagnostics": [["ROT005", "error", "rotation/r", "m", "ownership.yaml", 10**300, 1, ""]],
     "on_call_after_now": "valid"},
    {"diagnostics": [], "on_call_after_now": {"no-such-rotation": True}},
    {"diagnostics": [], "on_call_after_now": "every rotation, as 1"},
    {"diagnostics": []},
    ["not", "a", "verdict"],
])
def test_a_forged_verdict_is_refused(forged: Any) -> None:
    loaded = load_config(WorktreeSource(str(REPO_ROOT / "examples" / "acme")), "ownership.yaml")
    from checker.rules import model_only_rules

    if isinstance(forged, dict) and forged.get("on_call_after_now") == "every rotation, as 1":
        forged["on_call_after_now"] = dict.fromkeys(loaded.model.rotations, 1)
    if isinstance(forged, dict) and forged.get("on_call_after_now") == "valid":
        forged["on_call_after_now"] = dict.fromkeys(loaded.model.rotations, True)
    with pytest.raises((Invalid, ValueError)):
        _decode(forged, model_only_rules(), loaded.model, loaded.files)


def test_an_honest_verdict_is_read_back() -> None:
    from checker.rules import model_only_rules

    loaded = load_config(WorktreeSource(str(REPO_ROOT / "examples" / "acme")), "ownership.yaml")
    honest = {"diagnostics": [["ROT005", "error", "rotation/r", "m", "ownership.yaml", 3, 5, "x"]],
              "on_call_after_now": dict.fromkeys(loaded.model.rotations, True)}
    diagnostics, facts = _decode(honest, model_only_rules(), loaded.model, loaded.files)
    assert [(d.rule, d.severity.value, d.location.line, d.detail) for d in diagnostics] == [("ROT005", "error", 3, "x")]
    assert set(facts) == set(loaded.model.rotations)
