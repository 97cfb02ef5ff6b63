"""The README's example outputs are what the commands print (lines the README elides with `...` aside)."""

from __future__ import annotations

import re

from tests.conftest import NOW_TEXT, REPO_ROOT


def _shown(command: str) -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(re.escape(command) + r"\n```\n\n```\n(.*?)```", readme, re.DOTALL)
    assert found is not None, f"README shows the output of `{command}`"
    return found.group(1).splitlines()


def test_what_it_checks_shows_real_lines_of_the_broken_example(run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(REPO_ROOT)
    result = run("check", "--repo", "examples/broken", "--now", NOW_TEXT)
    assert result.exit_code == 1
    printed = result.output.splitlines()
    shown = _shown(f"ownership check --repo examples/broken --now {NOW_TEXT}")
    head, tail = shown[: shown.index("...")], shown[shown.index("...") + 1:]
    assert all(line in printed for line in head), [line for line in head if line not in printed]
    assert tail == printed[-len(tail):]
