"""Every file the tool writes is written atomically and never through a symlink (issue 11)."""

from __future__ import annotations

import errno
import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from checker import writes
from checker.writes import WriteRefused, write_file
from tests.conftest import NOW_TEXT, write_repo
from tests.test_check_scope import FILES

OUTSIDE = "outside, untouched\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A healthy repository (a git work tree) with a file beside it that a symlink could reach."""
    root = write_repo(tmp_path / "repo", None, FILES)
    (root / ".git").mkdir()
    (tmp_path / "outside.html").write_text(OUTSIDE)
    (tmp_path / "outside-dir").mkdir()
    return root


def run(root: Path, *args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    """`ownership ARGS` in a new process; `limit` caps the size of any file it writes (RLIMIT_FSIZE),
    so a write fails halfway as on a full disk."""

    def cap() -> None:
        if limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write then fails with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=root, capture_output=True, text=True,
                          preexec_fn=cap, check=False)


def leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]


# --- the writer


def test_writes_replace_the_file_and_keep_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "CODEOWNERS"
    write_file(str(target), "first\n", repository=str(tmp_path))
    target.chmod(0o640)
    write_file(str(target), b"second\n", repository=str(tmp_path))
    assert target.read_text() == "second\n" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_a_symlink_target_is_refused_wherever_it_is(tmp_path: Path) -> None:
    (tmp_path / "real").write_text(OUTSIDE)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(WriteRefused, match="symlink"):
        write_file(str(tmp_path / "link"), "x")
    assert (tmp_path / "real").read_text() == OUTSIDE and (tmp_path / "link").is_symlink()


def test_a_symlinked_folder_inside_the_repository_is_refused(project: Path) -> None:
    (project / "site").symlink_to(project.parent / "outside-dir")
    with pytest.raises(WriteRefused, match="site is a symlink"):
        write_file(str(project / "site" / "report.html"), "x", repository=str(project))
    assert list((project.parent / "outside-dir").iterdir()) == []
    # A monorepo: --repo is a folder of the git work tree, whose other folders are guarded too.
    with pytest.raises(WriteRefused, match="site is a symlink"):
        write_file(str(project / "site" / "report.html"), "x", repository=str(project / "services"))


def test_outside_the_repository_only_the_file_itself_is_guarded(project: Path, tmp_path: Path) -> None:
    (tmp_path / "runner-temp").symlink_to(tmp_path / "outside-dir")  # e.g. macOS /tmp -> /private/tmp
    write_file(str(tmp_path / "runner-temp" / "report.sarif"), "{}", repository=str(project))
    assert (tmp_path / "outside-dir" / "report.sarif").read_text() == "{}"


def test_missing_folders_are_made_only_when_asked(project: Path) -> None:
    with pytest.raises(WriteRefused, match="does not exist"):
        write_file(str(project / "new" / "x"), "x", repository=str(project))
    write_file(str(project / "new" / "deeper" / "x"), "x", repository=str(project), make_parents=True)
    assert (project / "new" / "deeper" / "x").read_text() == "x"


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_write_failing_halfway_leaves_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          failing: str) -> None:
    target = tmp_path / "report.html"
    target.write_text("previous\n")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writes.os, failing, disk_full)
    with pytest.raises(OSError):
        write_file(str(target), "new\n" * 1000, repository=str(tmp_path))
    monkeypatch.undo()
    assert target.read_text() == "previous\n" and leftovers(tmp_path) == []


def test_text_that_cannot_be_encoded_creates_no_file(tmp_path: Path) -> None:
    with pytest.raises(UnicodeEncodeError):
        write_file(str(tmp_path / "ownership.yaml"), "services: {\udcff: {}}\n")  # a non-UTF-8 directory name
    assert list(tmp_path.iterdir()) == []


# --- every command that writes


@pytest.mark.parametrize("args", [
    ("report", "--format", "html", "--now", NOW_TEXT, "--output", "report.html"),
    ("check", "--now", NOW_TEXT, "--format", "sarif", "--output", "report.html"),
    ("calendar", "--from", NOW_TEXT, "--weeks", "1", "--output", "report.html"),
])
def test_output_refuses_a_committed_symlink(project: Path, args: tuple[str, ...]) -> None:
    (project / "report.html").symlink_to("../outside.html")
    result = run(project, *args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("ownership: error: refusing to write report.html: it is a symlink")
    assert (project.parent / "outside.html").read_text() == OUTSIDE


@pytest.mark.parametrize("command", ["report", "calendar", "check"])
def test_output_refuses_a_committed_symlinked_folder(project: Path, command: str) -> None:
    (project / "site").symlink_to("../outside-dir")
    result = run(project, command, "--output", "site/out.txt", "--now" if command != "calendar" else "--from",
                 NOW_TEXT)
    assert result.returncode == 2 and "is a symlink, which is never followed" in result.stderr
    assert list((project.parent / "outside-dir").iterdir()) == []


def test_codeowners_refuses_a_symlinked_github_folder(project: Path) -> None:
    (project / ".github").symlink_to("../outside-dir")
    result = run(project, "codeowners")
    assert result.returncode == 2 and ".github/CODEOWNERS" in result.stderr and "symlink" in result.stderr
    assert list((project.parent / "outside-dir").iterdir()) == []


def test_a_report_write_failing_halfway_leaves_the_previous_report(project: Path) -> None:
    (project / "report.html").write_text("previous report\n")
    result = run(project, "report", "--format", "html", "--now", NOW_TEXT, "--output", "report.html", limit=100)
    assert result.returncode == 2 and "cannot write report.html: File too large" in result.stderr
    assert (project / "report.html").read_text() == "previous report\n" and leftovers(project) == []


def test_init_failing_halfway_leaves_no_config_and_can_be_run_again(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", None, {"services/api/main.py": "x\n", "services/web/main.py": "x\n"})
    failed = run(root, "init", limit=100)
    assert failed.returncode == 2 and "cannot write ownership.yaml" in failed.stderr
    assert not (root / "ownership.yaml").exists() and leftovers(root) == []
    again = run(root, "init")
    assert again.returncode == 0 and "services:" in (root / "ownership.yaml").read_text()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_a_one_line_error(project: Path) -> None:
    (project / "out").mkdir()
    (project / "out" / "report.md").write_text("previous\n")
    (project / "out").chmod(0o555)
    try:
        result = run(project, "report", "--now", NOW_TEXT, "--output", "out/report.md")
    finally:
        (project / "out").chmod(0o755)
    assert result.returncode == 2 and "cannot write out/report.md: Permission denied" in result.stderr
    assert (project / "out" / "report.md").read_text() == "previous\n"
