"""Generated repositories written to disk and driven through the command line as a user runs it: every
command exits 0, 1 or 2, never with an internal error, and what it prints is safe for a terminal and
a CI log."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import icalendar
from click.testing import CliRunner, Result
from hypothesis import given

from checker.cli import cli

from .harness import check_markdown, clean_log, sarif_validator
from .profiles import THROUGH_CLI
from .strategies import FuzzRepo, dump, repositories

# Outside GitHub Actions, whatever the machine running the tests has set.
ENV = {"GITHUB_ACTIONS": None, "GITHUB_STEP_SUMMARY": None, "GITHUB_TOKEN": None, "GH_TOKEN": None,
       "GITHUB_WORKSPACE": None, "NO_COLOR": "1", "OWNERSHIP_DEBUG": None}


def write(repo: FuzzRepo, root: Path) -> None:
    for raw, data in repo.files.items():
        path = os.path.join(os.fsencode(root), _name_bytes(raw))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
    for link in repo.symlinks:
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to("/etc/hostname")


def _name_bytes(raw: str) -> bytes:
    """A name's bytes: surrogateescape's stand-ins as the bytes they stand for, other lone surrogates (YAML's
    "\\ud800" escape makes them) as the invalid UTF-8 a file system would hold."""
    try:
        return os.fsencode(raw)
    except UnicodeEncodeError:
        return raw.encode("utf-8", "surrogatepass")


def ownership(*args: str, allowed: tuple[int, ...] = (0, 1, 2)) -> Result:
    result = CliRunner().invoke(cli, list(args), env=ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # an internal error: the traceback says where
    assert result.exit_code in allowed, (args, result.exit_code, result.output)
    assert "internal error" not in result.output and "Traceback" not in result.output
    clean_log(result.stderr, f"{args[0]} (stderr)")
    return result


@THROUGH_CLI
@given(repositories())
def test_every_command_exits_0_1_or_2_and_prints_safely(repo: FuzzRepo) -> None:
    now = repo.now.strftime("%Y-%m-%dT%H:%MZ")
    with tempfile.TemporaryDirectory() as temporary:
        root, elsewhere = Path(temporary, "repo"), Path(temporary, "out")
        write(repo, root)
        elsewhere.mkdir()
        for fmt in ("text", "github", "json", "sarif", "markdown"):
            result = ownership("check", "--repo", str(root), "--now", now, "--format", fmt)
            if result.exit_code == 2:
                continue
            if fmt in ("text", "github"):
                clean_log(result.stdout, f"check --format {fmt}", commands=fmt == "github")
            elif fmt == "markdown":
                check_markdown(result.stdout, "check --format markdown")
            else:
                data = json.loads(result.stdout)
                if fmt == "sarif":
                    sarif_validator().validate(data)
        for fmt in ("markdown", "html", "json"):
            ownership("report", "--repo", str(root), "--now", now, "--format", fmt, allowed=(0, 2))
        for service in sorted(repo.config.get("services") or {})[:2]:
            ownership("who", service, "--repo", str(root), "--at", now)
        ics = elsewhere / "oncall.ics"
        if ownership("calendar", "--repo", str(root), "--from", now, "--weeks", "2", "--output", str(ics),
                     allowed=(0, 2)).exit_code == 0:
            icalendar.Calendar.from_ical(ics.read_bytes())
        check_diff_mode(repo, root, now)
        clean_log(ownership("codeowners", "--check", "--repo", str(root)).stdout, "codeowners --check")
        ownership("codeowners", "--repo", str(root))
        # init on the same files without the config: it writes one, and check then reads it
        fresh = Path(temporary, "fresh")
        shutil.copytree(root, fresh, symlinks=True)
        (fresh / "ownership.yaml").unlink()
        ownership("init", "--repo", str(fresh), allowed=(0,))
        ownership("check", "--repo", str(fresh), "--now", now, allowed=(0, 1))


def check_diff_mode(repo: FuzzRepo, root: Path, now: str) -> None:
    """--base: the repository committed, then its config's first section dropped (a service or rotation
    gone, a policy reset ...), checked against that commit: old diagnostics shown, new ones marked."""
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=fuzz", "-c", "user.email=fuzz@example.com", *args], cwd=root,
                       check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "base", "--no-verify")
    sections = [key for key in repo.config if key != "version"]
    if sections:
        changed = {key: value for key, value in repo.config.items() if key != sections[0]}
        (root / "ownership.yaml").write_bytes(dump(changed, False))
    for fmt in ("text", "json"):
        result = ownership("check", "--repo", str(root), "--now", now, "--base", "HEAD", "--format", fmt)
        if fmt == "json" and result.exit_code != 2:
            assert all("new" in d for d in json.loads(result.stdout)["diagnostics"])
    (root / "ownership.yaml").write_bytes(repo.files["ownership.yaml"])
