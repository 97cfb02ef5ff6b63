"""The bundled examples: acme passes cleanly, broken shows every rule at the right line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import NOW_TEXT, REPO_ROOT

# Paths are from the git repository's root (SPEC §11): examples/broken/... in a clone, as they are in an sdist.
BROKEN_PREFIX = "examples/broken/" if (REPO_ROOT / ".git").exists() else ""


def run_example(name: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "checker", "check", "--repo", str(REPO_ROOT / "examples" / name),
         "--now", NOW_TEXT, *extra],
        capture_output=True, text=True, timeout=60, check=False,
    )


def test_acme_passes_cleanly() -> None:
    done = run_example("acme")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == ["no problems found", "checked 13 services, 7 rotations, 8 alerts"]


def test_broken_shows_each_rule_at_its_line() -> None:
    done = run_example("broken", "--format", "json")
    assert done.returncode == 1, done.stderr
    diagnostics = json.loads(done.stdout)["diagnostics"]
    assert all(d["file"].startswith(BROKEN_PREFIX) for d in diagnostics)
    found = {(d["rule"], d["file"][len(BROKEN_PREFIX):], d["line"]) for d in diagnostics}
    expected = {
        ("CFG001", "ownership/typo.yaml", 3),
        ("CFG002", "ownership.yaml", 94),
        ("CFG003", "ownership.yaml", 117),
        ("CFG003", "ownership/extra.yaml", 3),
        ("CFG004", "ownership.yaml", 58),
        ("CFG004", "ownership/extra.yaml", 7),
        ("CFG005", "ownership.yaml", 8),
        ("CFG005", "ownership.yaml", 12),
        ("CFG005", "ownership.yaml", 55),
        ("CFG005", "ownership.yaml", 59),
        ("SVC001", "ownership.yaml", 112),
        ("SVC002", "ownership.yaml", 40),
        ("SVC002", "ownership.yaml", 112),
        ("SVC003", "ownership.yaml", 92),
        ("SVC004", "ownership.yaml", 98),
        ("SVC004", "ownership.yaml", 102),
        ("SVC004", "ownership.yaml", 105),
        ("SVC004", "ownership.yaml", 108),
        ("SVC005", "ownership.yaml", 92),
        ("SVC006", "ownership.yaml", 120),
        ("SVC007", "ownership.yaml", 95),
        ("ROT001", "ownership.yaml", 58),
        ("ROT002", "ownership.yaml", 49),
        ("ROT003", "ownership.yaml", 69),   # ken's override makes a third week
        ("ROT004", "ownership.yaml", 66),   # search-eu hands over at Sunday midnight
        ("ROT005", "ownership.yaml", 89),   # search-next starts in January
        ("ROT006", "ownership.yaml", 49),   # 2-week shifts over Christmas
        ("ROT007", "ownership.yaml", 45),   # Christmas on payments-eu, no volunteer
        ("ROT008", "ownership.yaml", 7),    # alice in two full-day rotations of four
        ("ROT009", "ownership.yaml", 15),   # mia's leave entry
        ("ROT009", "ownership.yaml", 48),   # dave is exempt
        ("ROT010", "ownership.yaml", 48),
        ("ROT011", "ownership.yaml", 34),   # search's primary and secondary in the same order
        ("ROT012", "ownership/extra.yaml", 18),  # support-wide: ten people, its own max_gap 8w
        ("ROT013", "ownership.yaml", 81),   # olga (Los Angeles) on the Tokyo leg
        ("ROT015", "ownership/extra.yaml", 24),  # support-weekdays: quentin only ever gets the short shifts
        ("ESC001", "ownership.yaml", 42),
        ("ESC002", "ownership.yaml", 31),
        ("WVR001", "ownership.yaml", 123),
        ("WVR002", "ownership.yaml", 124),
        ("ALR001", "monitoring/rules.yaml", 4),
        ("ALR002", "monitoring/rules.yaml", 11),
        ("ALR003", "monitoring/rules.yaml", 12),
        ("ALR004", "monitoring/rules.yaml", 19),
        ("ALR005", "monitoring/not-rules.yaml", 2),
        ("COD003", "ownership/paths.yaml", 5),
        ("SVC008", "ownership/paths.yaml", 7),
        ("ALR006", "monitoring/rules.yaml", 21),
        ("ALR007", "ownership/alerting.yaml", 6),
        ("ALR008", "ownership.yaml", 131),
    }
    assert expected <= found, sorted(expected - found)


def test_broken_covers_every_rule(tmp_path: Path) -> None:
    done = run_example("broken", "--format", "json")
    rules = {d["rule"] for d in json.loads(done.stdout)["diagnostics"]}
    rules |= {d["rule"] for d in broken_pull_request(tmp_path)["diagnostics"]}
    from checker.rules import CATALOGUE

    offline = set(CATALOGUE) - {"GH001", "GH002", "COD001", "COD002", "DRF001"}  # --online, `ownership codeowners --check`
    assert offline <= rules, sorted(offline - rules)


def broken_pull_request(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    """examples/broken committed to a git repository with sre-primary's start mended, then a pull request that
    puts dave first in its roster: ROT014 (it needs --base) fires on the moved stretch, and the schedule diff
    lists it."""
    from tests.test_diffmode import commit_files, git, init_repo

    root = init_repo(tmp_path / "broken")
    shutil.copytree(REPO_ROOT / "examples" / "broken", root, dirs_exist_ok=True)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    config = (root / "ownership.yaml").read_text()
    edited = config.replace("start: 2026-02-30T12:00                       # CFG005: no 30 February",
                            "start: 2026-02-03T12:00")
    commit_files(root, {"ownership.yaml": edited}, "start mended")
    edited = edited.replace("  sre-primary:\n    team: sre\n    members: [alice, bob, carol, trent]",
                            "  sre-primary:\n    team: sre\n    members: [dave, alice, bob, carol, trent]")
    assert edited.count("[dave, alice") == 1
    (root / "ownership.yaml").write_text(edited)
    result = subprocess.run([sys.executable, "-m", "checker", "check", "--repo", str(root), "--now", NOW_TEXT,
                             "--base", "HEAD", "--format", "json"], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 1, result.stderr
    body: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return body


def test_broken_pull_request_moves_on_call_without_notice(tmp_path: Path) -> None:
    body = broken_pull_request(tmp_path)
    [rot014] = [d for d in body["diagnostics"] if d["rule"] == "ROT014"]
    assert rot014["new"] and rot014["subject"] == "rotation/sre-primary"
    assert "changes: [{from: " in rot014["message"]
    assert body["schedule_changes"] and {c["rotation"] for c in body["schedule_changes"]} == {"sre-primary"}
