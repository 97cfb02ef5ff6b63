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
    """A one-line error and exit 2. The message may quote the repository (a name, a path): escaped so it
    stays one line that no terminal or CI runner acts on."""
    from ..escape import terminal

    click.echo(f"ownership: error: {terminal(message)}", err=True)
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


def use_cache(cache_dir: str | None, no_cache: bool) -> None:
    """--cache-dir / --no-cache: where what each unchanged file yields is kept (checker/cache.py)."""
    from ..cache import activate
    from ..escape import terminal

    note = activate(cache_dir, enabled=not no_cache)
    if note:
        click.echo(f"ownership: {terminal(note)}", err=True)


def load_model(repo: str | None, config: str | None) -> Any:
    """The resolved model, for commands that read the config without checking it."""
    from ..config import ConfigMissing, load_config
    from ..sources.worktree import WorktreeSource

    root, config_path = resolve_paths(repo, config)
    try:
        loaded = load_config(WorktreeSource(str(root)), config_path)
    except ConfigMissing as exc:
        fail(str(exc))
    warn_config_errors(loaded.diagnostics)
    return loaded.model


def warn_config_errors(diagnostics: list[Any]) -> None:
    """One line on stderr when the config has errors, for commands that use it without checking it.
    The first error quotes the config: escaped, so a key can neither forge a workflow command nor
    rewrite the terminal."""
    from ..diagnostics import sort_diagnostics
    from ..escape import terminal

    errors = [d for d in sort_diagnostics(diagnostics) if d.severity.value == "error"]
    if errors:
        click.echo(f"ownership: warning: the config has {len(errors)} error(s) (first: "
                   f"{terminal(str(errors[0].location))}: {terminal(errors[0].message)}); run `ownership check`",
                   err=True)
