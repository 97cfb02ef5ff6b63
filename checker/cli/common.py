"""What every command shares: exit codes, one-line errors, paths, --now, writing output, reading the config."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click

EXIT_OK, EXIT_BLOCKING, EXIT_USAGE = 0, 1, 2
FORMATS = ["text", "json", "github", "sarif", "markdown"]  # checker.reporters.FORMATS, without importing it


def fail(message: str) -> NoReturn:
    """A one-line error and exit 2."""
    click.echo(f"ownership: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def parse_instant(value: str | None, option: str) -> datetime:
    from ..timeutil import parse_now

    try:
        return parse_now(value)
    except ValueError as exc:
        fail(f"{option}: {exc}")


def resolve_paths(repo: str | None, config: str | None) -> tuple[Path, str]:
    """The repository root, and the config's path relative to it."""
    root = Path(repo or ".").resolve()
    if not root.is_dir():
        fail(f"--repo {repo!r} is not a directory")
    if config is None:
        return root, "ownership.yaml"
    config_path = Path(config)
    if not config_path.is_absolute():
        config_path = Path.cwd() / config_path
    try:
        relative = Path(os.path.normpath(config_path)).relative_to(root)
    except ValueError:
        fail(f"--config {config!r} is outside the repository {root}; the config must live in the repository")
    return root, relative.as_posix()


def write_output(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")


def config_options(command: Any) -> Any:
    command = click.option("--repo", "repo", metavar="DIR", help="Repository root (default: .).")(command)
    return click.option("--config", "config", metavar="F", help="Config file (default: ownership.yaml).")(command)


def load_model(repo: str | None, config: str | None, refuse_errors: bool = False) -> Any:
    """The resolved model, for commands that read the config without checking it; with refuse_errors
    (commands that write elsewhere from it), a config with errors is a usage error."""
    from ..config import ConfigMissing, load_config
    from ..sources.worktree import WorktreeSource

    root, config_path = resolve_paths(repo, config)
    try:
        loaded = load_config(WorktreeSource(str(root)), config_path)
    except ConfigMissing as exc:
        fail(str(exc))
    from ..diagnostics import sort_diagnostics

    errors = [d for d in sort_diagnostics(loaded.diagnostics) if d.severity.value == "error"]
    if errors and refuse_errors:
        from ..escape import terminal

        fail(terminal(f"the config has {len(errors)} error(s) (first: {errors[0].location}: {errors[0].message}); "
                      "run `ownership check` and fix them first"))
    if errors:
        click.echo(f"ownership: warning: the config has {len(errors)} error(s) (first: {errors[0].location}: "
                   f"{errors[0].message}); run `ownership check`", err=True)
    return loaded.model
