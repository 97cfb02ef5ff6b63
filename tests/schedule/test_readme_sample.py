"""The README's pull-request comment with a schedule diff is a real rendering: examples/acme in a git repository,
and a pull request that appends hana to payments-eu. Regenerate it with

    python -m tests.schedule.test_readme_sample
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from checker.cli import cli
from tests.conftest import NOW_TEXT, REPO_ROOT
from tests.test_diffmode import commit_files, git, init_repo

BEGIN, END = "<!-- BEGIN schedule-diff-sample -->\n", "<!-- END schedule-diff-sample -->\n"


def acme_pull_request(root: Path) -> Path:
    init_repo(root)
    shutil.copytree(REPO_ROOT / "examples" / "acme", root, dirs_exist_ok=True)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "acme")
    people = (root / "ownership" / "people.yaml").read_text()
    config = (root / "ownership.yaml").read_text()
    roster = "    timezone: Europe/London\n    members: [alice, bob, carol, dave, erin]"
    assert config.count(roster) == 1
    commit_files(root, {
        "ownership/people.yaml": people.replace(
            "  erin:", "  hana: {name: Hana Hill, github: hanahill, timezone: Europe/London}\n  erin:", 1),
        "ownership.yaml": config.replace(roster, roster.replace("erin]", "erin, hana]")).replace(
            "    members: [alice, bob, carol, dave, erin]\n    oncall:",
            "    members: [alice, bob, carol, dave, erin, hana]\n    oncall:"),
    }, "payments: hana joins the rotation")
    return root


def comment(root: Path) -> str:
    result = CliRunner().invoke(cli, ["check", "--repo", str(root), "--now", NOW_TEXT, "--base", "HEAD~1",
                                      "--format", "markdown"])
    assert result.exit_code == 1, result.output
    return result.output


def schedule_section(text: str) -> str:
    return text[text.index("### Schedule changes"):]


def test_the_readme_shows_a_real_pull_request_comment(tmp_path: Path) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme[readme.index(BEGIN) + len(BEGIN):readme.index(END)]
    rendered = comment(acme_pull_request(tmp_path / "acme"))
    assert "`ROT014` schedule-changed-without-notice (new)" in rendered
    assert schedule_section(shown) == schedule_section(rendered)  # the diagnostics table is the reporter's


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        sys.stdout.write(comment(acme_pull_request(Path(scratch) / "acme")))
