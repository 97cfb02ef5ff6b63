"""The bundled examples: acme passes cleanly, broken shows every rule at the right line."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import NOW_TEXT, REPO_ROOT


def run_example(name: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "checker", "check", "--repo", str(REPO_ROOT / "examples" / name),
         "--now", NOW_TEXT, *extra],
        capture_output=True, text=True, timeout=60,
    )


def test_acme_passes_cleanly() -> None:
    done = run_example("acme")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "no problems found"


def test_broken_shows_each_rule_at_its_line() -> None:
    done = run_example("broken", "--format", "json")
    assert done.returncode == 1, done.stderr
    found = {(d["rule"], d["file"], d["line"]) for d in json.loads(done.stdout)["diagnostics"]}
    expected = {
        ("CFG001", "ownership/typo.yaml", 3),
        ("CFG002", "ownership.yaml", 54),
        ("CFG003", "ownership.yaml", 74),
        ("CFG003", "ownership/extra.yaml", 3),
        ("CFG004", "ownership.yaml", 47),
        ("CFG004", "ownership/extra.yaml", 7),
        ("CFG005", "ownership.yaml", 8),
        ("CFG005", "ownership.yaml", 12),
        ("CFG005", "ownership.yaml", 44),
        ("CFG005", "ownership.yaml", 48),
        ("SVC001", "ownership.yaml", 69),
        ("SVC003", "ownership.yaml", 52),
        ("SVC004", "ownership.yaml", 58),
        ("SVC004", "ownership.yaml", 62),
        ("SVC004", "ownership.yaml", 65),
        ("SVC004", "ownership.yaml", 68),
        ("SVC005", "ownership.yaml", 52),
        ("SVC006", "ownership.yaml", 77),
        ("SVC007", "ownership.yaml", 55),
        ("ROT001", "ownership.yaml", 47),
        ("ROT002", "ownership.yaml", 38),
        ("ROT010", "ownership.yaml", 37),
        ("ESC001", "ownership.yaml", 31),
        ("ESC002", "ownership.yaml", 26),
        ("WVR001", "ownership.yaml", 80),
        ("WVR002", "ownership.yaml", 81),
    }
    assert expected <= found, sorted(expected - found)


def test_broken_covers_every_rule_that_needs_no_schedule() -> None:
    done = run_example("broken", "--format", "json")
    rules = {d["rule"] for d in json.loads(done.stdout)["diagnostics"]}
    from checker.rules import CATALOGUE

    assert set(CATALOGUE) <= rules, sorted(set(CATALOGUE) - rules)
