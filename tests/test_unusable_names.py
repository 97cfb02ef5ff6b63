"""File names that are not UTF-8 (or hold control characters): never a crash, never silently dropped.

A name that is not UTF-8 used to crash every output format, the Actions path, `--base` and `init`
(which then left an empty ownership.yaml). Now a source lists such a file under a printable name
(`monitoring/\\xff.yaml`) and refuses to read it, so a glob that matches it reports it, saying to rename it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import NOW, NOW_TEXT, REPO_ROOT, check_repo
from tests.test_diffmode import HEALTHY, commit_files, git, init_repo
from tests.test_github import FakeGitHub, actions_env

CONFIG = HEALTHY + """\
include: ["ownership/*.yaml"]
alerts:
  - {type: prometheus, paths: ["monitoring/**/*.yaml"], owner_labels: [team]}
discovery:
  - directories: "services/*"
  - kubernetes: "deploy/*.yaml"
"""
ALERT_FILE = "groups:\n  - name: g\n    rules:\n      - {alert: Hidden, expr: up == 0, labels: {severity: page}}\n"


def bad(name: str) -> str:
    """A path with the byte 0xff in it, as the OS hands it to Python."""
    return os.fsdecode(name.replace("?", "\xff").encode("latin-1"))


def write_hostile_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "ownership.yaml").write_text(CONFIG)
    for path, text in {bad("monitoring/?.yaml"): ALERT_FILE, bad("services/?/main.go"): "package main\n",
                       bad("ownership/?.yaml"): "people: {}\n", bad("deploy/?.yaml"): "kind: Deployment\n",
                       bad("docs/?.md"): "# not matched by any glob: ignored\n"}.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def test_every_glob_that_matches_an_unusable_name_reports_it(tmp_path: Path) -> None:
    result = check_repo(write_hostile_repo(tmp_path / "repo"), NOW)
    found = {(d.rule, d.location.file): d.message for d in result.diagnostics if "rename it" in d.message}
    assert found == {
        ("ALR005", "monitoring/\\xff.yaml"):
            "monitoring/\\xff.yaml: the name is not valid UTF-8 (shown with \\x escapes), so it is not read; rename it",
        ("CFG001", "ownership/\\xff.yaml"):
            "ownership/\\xff.yaml: the name is not valid UTF-8 (shown with \\x escapes), so it is not read; rename it",
        ("CFG001", "deploy/\\xff.yaml"):
            "deploy/\\xff.yaml: the name is not valid UTF-8 (shown with \\x escapes), so it is not read; rename it",
        ("CFG001", "ownership.yaml"):
            "discovery 'services/*' matches services/\\xff, whose name is not valid UTF-8 (shown with \\x escapes); "
            "rename it",
    }
    assert not any("docs/" in d.location.file for d in result.diagnostics)  # elsewhere: ignored
    assert not any(d.rule == "SVC006" for d in result.diagnostics)  # no service named after an unusable folder


def _cli(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A real process, whose stdout encodes strictly (where the crashes were), in the locale CI uses."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PYTHONIO"))}
    environment.update({"LC_ALL": "C.UTF-8", "PYTHONPATH": str(REPO_ROOT), **(env or {})})
    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=root, capture_output=True, text=True,
                          env=environment, timeout=120, check=False)


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "markdown"])
def test_every_format_reports_instead_of_crashing(tmp_path: Path, fmt: str) -> None:
    root = write_hostile_repo(tmp_path / "repo")
    done = _cli(root, "check", "--now", NOW_TEXT, "--format", fmt,
                env={"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")})
    assert done.returncode == 1, done.stderr
    assert "internal error" not in done.stderr
    assert "monitoring/\\xff.yaml" in done.stdout or "monitoring/\\\\xff.yaml" in done.stdout
    if fmt in ("json", "sarif"):
        json.loads(done.stdout)
    if fmt == "github":  # the Actions step summary is written too
        assert "ALR005" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_base_mode_with_the_name_committed(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "repo")
    before = commit_files(root, {"ownership.yaml": CONFIG}, "base")
    write_hostile_repo(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "names that are not UTF-8")
    git(root, "checkout", "-q", "-b", "change")
    done = _cli(root, "check", "--now", NOW_TEXT, "--base", "main", "--format", "json")
    assert done.returncode == 0, done.stderr  # all of it is already on main
    assert ("ALR005", "monitoring/\\xff.yaml", False) in {
        (d["rule"], d["file"], d["new"]) for d in json.loads(done.stdout)["diagnostics"]}
    done = _cli(root, "check", "--now", NOW_TEXT, "--base", before, "--format", "json")
    assert done.returncode == 1, done.stderr  # against a base without them, they are new
    assert ("ALR005", "monitoring/\\xff.yaml", True) in {
        (d["rule"], d["file"], d["new"]) for d in json.loads(done.stdout)["diagnostics"]}


def test_renaming_a_file_with_an_unusable_name_keeps_its_old_debt_old(tmp_path: Path) -> None:
    # SPEC §8: moving a file does not make its debt new, whatever its name (git names it raw, the
    # diagnostics printably: the renames are read as the diagnostics print them).
    root = init_repo(tmp_path / "repo")
    write_hostile_repo(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "names that are not UTF-8")
    git(root, "checkout", "-q", "-b", "change")
    os.rename(root / bad("monitoring/?.yaml"), root / os.fsdecode(b"monitoring/\xfe.yaml"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "renamed")
    done = _cli(root, "check", "--now", NOW_TEXT, "--base", "main", "--format", "json")
    assert ("ALR005", "monitoring/\\xfe.yaml", False) in {
        (d["rule"], d["file"], d["new"]) for d in json.loads(done.stdout)["diagnostics"]}
    assert done.returncode == 0, done.stdout


def test_git_commit_source_lists_the_name_printably(tmp_path: Path) -> None:
    from checker.gitdiff import GitCommitSource, open_repo

    root = init_repo(tmp_path / "repo")
    write_hostile_repo(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "names")
    sha = git(root, "rev-parse", "HEAD")
    source = GitCommitSource(open_repo(str(root)), sha)
    assert "monitoring/\\xff.yaml" in source.files()
    assert source.unusable()["services/\\xff"].startswith("is not valid UTF-8")
    assert source.glob("monitoring/*.yaml") == ["monitoring/\\xff.yaml"]


def test_the_actions_path_posts_its_comment(tmp_path: Path, httpserver: HTTPServer, run) -> None:  # type: ignore[no-untyped-def]
    root = init_repo(tmp_path / "repo")
    base = commit_files(root, {"ownership.yaml": CONFIG}, "base")
    git(root, "checkout", "-q", "-b", "change")
    write_hostile_repo(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "hostile names")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "base": {"sha": base},
                                                  "head": {"sha": git(root, "rev-parse", "HEAD")}}}))
    fake = FakeGitHub(httpserver)
    result = run("check", "--repo", str(root), "--now", NOW_TEXT, "--format", "text",
                 env=actions_env(event, fake.base))
    assert result.exit_code == 1, result.output
    [comment] = fake.comments.values()
    assert "rename it" in comment["body"]


def test_init_writes_a_config_and_check_then_runs(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    for path in (bad("services/?/main.go"), "services/api/main.go", bad("monitoring/?.yaml"),
                 "monitoring/rules.yaml"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(ALERT_FILE if path.endswith(".yaml") else "package main\n")
    done = _cli(root, "init")
    assert done.returncode == 0, done.stderr
    written = (root / "ownership.yaml").read_text()
    assert "  api:" in written and "\\xff" not in written
    again = _cli(root, "check", "--now", NOW_TEXT)
    assert "internal error" not in again.stderr and again.returncode == 1
    assert "services/\\xff, whose name is not valid UTF-8" in again.stdout


@pytest.mark.parametrize(("raw", "shown", "says"), [
    ("monitoring/a\nb.yaml", "monitoring/a\\x0ab.yaml", "holds a control character or line break"),
    ("monitoring/a\x1b[2Kb.yaml", "monitoring/a\\x1b[2Kb.yaml", "holds a control character or line break"),
    ("monitoring/a\\b.yaml", "monitoring/a\\b.yaml", "holds a backslash"),
    ("monitoring/" + "x" * 5000, "monitoring/" + "x" * 5000, "is longer than 4096 characters"),
    ("sub\udcff/rules.yaml", "sub\\xff/rules.yaml", "is not valid UTF-8"),
])
def test_unusable_names_are_listed_printably_with_the_reason(raw: str, shown: str, says: str) -> None:
    from checker.sources import list_paths

    listing = list_paths([raw, "ok/file.yaml"])
    assert listing.files == sorted([shown, "ok/file.yaml"])
    assert listing.unusable[shown].startswith(says)
    assert all(s.isprintable() for s in listing.files)


def test_a_file_name_with_a_line_break_under_an_alert_glob_is_alr005(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "monitoring").mkdir(parents=True)
    (root / "ownership.yaml").write_text(CONFIG)
    (root / "monitoring" / "a\nb.yaml").write_text(ALERT_FILE)
    result = check_repo(root, NOW)
    [problem] = [d for d in result.diagnostics if d.rule == "ALR005"]
    assert problem.location.file == "monitoring/a\\x0ab.yaml" and "rename it" in problem.message


def test_a_name_starting_with_a_drive_letter_is_reported_not_read_as_the_root(tmp_path: Path) -> None:
    # `C:evil.yaml` is a file on Linux, a path on another drive to Windows; its reading once opened the repository root.
    root = tmp_path / "repo"
    root.mkdir()
    (root / "ownership.yaml").write_text(HEALTHY + 'alerts:\n  - {type: prometheus, paths: ["**/*.rules.yml"]}\n')
    (root / "C:evil.rules.yml").write_text(ALERT_FILE)
    (root / "C:folder").mkdir()
    (root / "C:folder" / "x.rules.yml").write_text(ALERT_FILE)
    found = [(d.rule, d.location.file, d.message) for d in check_repo(root, NOW).diagnostics if d.rule == "ALR005"]
    why = "the name starts with a drive letter and a colon, which Windows reads as another drive, so it is not read"
    assert sorted(found) == [("ALR005", "C:evil.rules.yml", f"C:evil.rules.yml: {why}; rename it"),
                             ("ALR005", "C:folder/x.rules.yml", f"C:folder/x.rules.yml: {why}; rename it")]


def _symlinked_repo(root: Path) -> Path:
    """An include, a rule file and a Kubernetes manifest that the globs match, each a committed symlink."""
    init_repo(root)
    commit_files(root, {"ownership.yaml": CONFIG, "elsewhere/extra.yaml": "people: {}\n",
                        "elsewhere/rules.yaml": ALERT_FILE, "elsewhere/deploy.yaml": "kind: Deployment\n"}, "files")
    for link, target in {"ownership/extra.yaml": "../elsewhere/extra.yaml", "monitoring/r.yaml": "../elsewhere/rules.yaml",
                         "deploy/d.yaml": "../elsewhere/deploy.yaml"}.items():
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to(target)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "links")
    return root


SYMLINKED = {("CFG001", "ownership/extra.yaml"), ("ALR005", "monitoring/r.yaml"), ("CFG001", "deploy/d.yaml")}


def test_a_symlink_a_glob_matches_is_reported_not_left_out(tmp_path: Path) -> None:
    # Symlinks are never followed; a skipped include or rule file once turned a failing check into a pass.
    result = check_repo(_symlinked_repo(tmp_path / "repo"), NOW)
    found = {(d.rule, d.location.file) for d in result.diagnostics if "symlink, which is not followed" in d.message}
    assert found == SYMLINKED


def test_the_base_reports_a_committed_symlink_too(tmp_path: Path) -> None:
    from checker.gitdiff import GitCommitSource, open_repo
    from checker.pipeline import run_check

    root = _symlinked_repo(tmp_path / "repo")
    sha = git(root, "rev-parse", "HEAD")
    result = run_check(GitCommitSource(open_repo(str(root)), sha), "ownership.yaml", NOW)
    found = {(d.rule, d.location.file) for d in result.diagnostics if "symlink, which is not followed" in d.message}
    assert found == SYMLINKED


def test_a_file_past_path_max_from_the_root_is_read(tmp_path: Path) -> None:
    # Its own path (4,081 characters) is within the limit; with the checkout's folder in front it is past
    # PATH_MAX, where the walk once skipped its folder without a word.
    root = tmp_path / "repo"
    root.mkdir()
    (root / "ownership.yaml").write_text(HEALTHY + 'alerts:\n  - {type: prometheus, paths: ["monitoring/**/*.yaml"]}\n')
    deep = "monitoring/" + "/".join(["d" * 253] * 16)
    fd = os.open(root, os.O_RDONLY)
    for folder in deep.split("/"):  # one folder at a time: the whole path cannot be handed to mkdir
        os.mkdir(folder, dir_fd=fd)
        inner = os.open(folder, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    with os.fdopen(os.open("r.yaml", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as handle:
        handle.write(ALERT_FILE)
    os.close(fd)
    assert len(str(root / deep / "r.yaml")) > 4096
    result = check_repo(root, NOW)
    assert [alert.name for alert in result.model.alerts] == ["Hidden"]
    assert not [d for d in result.diagnostics if d.rule == "ALR005"]
