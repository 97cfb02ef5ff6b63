"""The README's example outputs are what the commands print (lines the README elides with `...` aside)."""

from __future__ import annotations

import itertools
import re
import shlex

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


def _command_outputs() -> list[tuple[str, list[str]]]:
    """Every `sh` block of one `ownership ...` command followed by a plain block: the command, the lines shown."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(\w*)\n(.*?)```\n", readme, re.DOTALL)
    pairs = []
    for (language, body), (next_language, shown) in itertools.pairwise(blocks):
        lines = [line for line in body.splitlines() if line.strip()]
        if language == "sh" and next_language == "" and len(lines) == 1 and lines[0].startswith("ownership "):
            pairs.append((lines[0], shown.splitlines()))
    return pairs


def test_every_command_output_the_readme_shows_is_printed(run, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(REPO_ROOT)
    pairs = _command_outputs()
    assert len(pairs) >= 4, [command for command, _ in pairs]
    for command, shown in pairs:
        arguments = shlex.split(command.split("  #")[0])[1:]
        written = None
        if "--output" in arguments:  # what it writes is what the README shows; kept out of the checkout
            index = arguments.index("--output") + 1
            written = tmp_path / arguments[index]
            arguments[index] = str(written)
        result = run(*arguments)
        printed = result.output.splitlines()
        if written is not None:
            printed += written.read_text(encoding="utf-8").splitlines()
        missing = [line for line in shown if line != "..." and line not in printed]
        assert not missing, (command, missing)
