"""Shared helpers: build a repository on disk, run the checker on it."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.pipeline import CheckResult, run_check
from checker.sources.worktree import WorktreeSource

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
NOW_TEXT = "2026-11-23T09:00Z"
REPO_ROOT = Path(__file__).resolve().parent.parent


def write_repo(root: Path, config: str | None, files: dict[str, str] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (root / "ownership.yaml").write_text(textwrap.dedent(config), encoding="utf-8")
    for path, content in (files or {}).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return root


def check_repo(root: Path, now: datetime = NOW) -> CheckResult:
    return run_check(WorktreeSource(str(root)), "ownership.yaml", now)


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`check` keeps a per-user cache (checker/cache.py): each test gets its own, never the real one,
    and no test's cache outlives it."""
    from checker import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    yield
    cache.deactivate()


@pytest.fixture
def repo(tmp_path: Path):  # type: ignore[no-untyped-def]
    """repo(config, files) -> path of a fresh repository holding them."""
    counter = iter(range(1000))

    def make(config: str | None, files: dict[str, str] | None = None) -> Path:
        return write_repo(tmp_path / f"repo{next(counter)}", config, files)

    return make


@pytest.fixture
def run():  # type: ignore[no-untyped-def]
    """run(*args) -> click Result of `ownership ARGS`."""
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    return invoke
