"""`check` runs without importing click (checker/cli/scope.py reads its command line): what it reads must be
exactly what click reads, and anything it does not know must go to click."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.cli import cli
from checker.cli.scope import parse_check
from tests.conftest import NOW_TEXT, REPO_ROOT

WORDS = ["--repo", "--config", "--base", "--now", "--format", "--output", "--cache-dir", "--strict", "--online",
         "--check-run", "--staged", "--no-cache", "--", "--help", "-h", "--rep", "--format=json", "--now=" + NOW_TEXT,
         "--repo=", "-", "x.yaml", "dir", "json", "sarif", "yaml", NOW_TEXT, "2026-13-01T00:00", "-x", "main", ""]


def click_params(argv: list[str]) -> dict[str, object] | None:
    """What click gives `check` for argv, or None when click refuses it (or prints help)."""
    command = cli.commands["check"]  # type: ignore[attr-defined]
    try:
        with command.make_context("check", list(argv), resilient_parsing=False) as context:
            return dict(context.params)
    except (click.exceptions.ClickException, click.exceptions.Exit):
        return None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=6))
def test_what_the_fast_path_reads_is_what_click_reads(words: list[str]) -> None:
    fast = parse_check(["check", *words])
    if fast is not None:  # otherwise click reads it (and says what is wrong)
        assert fast == click_params(words)


@pytest.mark.parametrize("argv", [["--format", "xml"], ["--now", "yesterday"], ["--help"], ["--rep", "."],
                                  ["--repo"], ["--repo", "--strict"], ["-"]])
def test_anything_unusual_goes_to_click(argv: list[str]) -> None:
    assert parse_check(["check", *argv]) is None


def test_other_commands_go_to_click() -> None:
    assert parse_check(["report", "--now", NOW_TEXT]) is None
    assert parse_check([]) is None


def test_the_check_says_the_same_and_imports_no_click(tmp_path: Path) -> None:
    # The whole process: the fast path's output, exit code and imports against click's (CliRunner).
    from click.testing import CliRunner

    repo = str(REPO_ROOT / "examples" / "broken")
    argv = ["check", "--repo", repo, "--now", NOW_TEXT, "--format", "json", "--no-cache"]
    code = "import sys, runpy; sys.argv = ['ownership', *sys.argv[1:]]; runpy.run_module('checker', run_name='__main__')"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *argv], capture_output=True, text=True,
                          env={**os.environ, "GITHUB_ACTIONS": ""}, check=False)
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "click" not in imported
    through_click = CliRunner().invoke(cli, argv, env={"GITHUB_ACTIONS": ""})
    assert (done.returncode, json.loads(done.stdout)) == (through_click.exit_code, json.loads(through_click.stdout))
    assert done.returncode == 1


def test_a_closed_pipe_ends_the_check_quietly(tmp_path: Path) -> None:
    repo = str(REPO_ROOT / "examples" / "broken")
    reader = subprocess.Popen([sys.executable, "-m", "checker", "check", "--repo", repo, "--now", NOW_TEXT,
                               "--no-cache"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()  # as `| head -0` does
    error = reader.stderr.read().decode()
    assert reader.wait() == 1
    assert "Traceback" not in error and "internal error" not in error


@pytest.mark.parametrize("fg", [None, "red", "green", "yellow"])
@pytest.mark.parametrize("bold", [False, True])
def test_the_text_reporters_colours_are_clicks(fg: str | None, bold: bool) -> None:
    from checker.reporters.text import style

    assert style("3 error(s)", fg=fg, bold=bold) == click.style("3 error(s)", fg=fg, bold=bold)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("command", ["check", "report"])
def test_a_full_standard_output_is_a_one_line_error(command: str) -> None:
    repo = str(REPO_ROOT / "examples" / "broken")
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "checker", command, "--repo", repo, "--now", NOW_TEXT],
                              stdout=full, stderr=subprocess.PIPE, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "ownership: error: cannot write to standard output: No space left on device"
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_a_closed_standard_output_still_gives_the_verdict() -> None:
    repo = str(REPO_ROOT / "examples" / "broken")
    done = subprocess.run([sys.executable, "-m", "checker", "check", "--repo", repo, "--now", NOW_TEXT],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False,
                          preexec_fn=lambda: os.close(1))
    assert (done.returncode, done.stderr) == (1, "")


def test_the_check_ends_with_its_code_after_closing_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # The process ends without freeing what it built (os._exit), so what an orderly exit does is done first.
    from checker import cache
    from checker.cli import _leave_now

    done: list[object] = []
    monkeypatch.setattr(cache, "deactivate", lambda: done.append("cache closed"))
    monkeypatch.setattr(os, "_exit", lambda code: done.append(code))
    _leave_now(SystemExit(1))
    assert done == ["cache closed", 1]
    with pytest.raises(SystemExit, match="a message"):  # not a code: Python's own exit prints it
        _leave_now(SystemExit("a message"))
