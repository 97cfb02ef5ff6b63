"""The `ownership` command: parse options, run the pipeline, pick a reporter, set the exit code.

Exit codes (SPEC §5): 0 nothing blocking, 1 blocking diagnostics, 2 usage
errors (bad option, missing config, ...). Nothing here evaluates a rule.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__

EXIT_OK, EXIT_BLOCKING, EXIT_USAGE = 0, 1, 2
FORMATS = ["text", "json", "github", "sarif", "markdown"]


def fail(message: str) -> NoReturn:
    """A one-line error and exit 2."""
    click.echo(f"ownership: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def parse_instant(value: str | None, option: str) -> datetime:
    from .timeutil import parse_now

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ownership")
def cli() -> None:
    """Every production service has an owner who can be paged: check ownership.yaml."""


@cli.command()
@click.option("--config", "config", metavar="F", help="Config file (default: ownership.yaml in the repo root).")
@click.option("--repo", "repo", metavar="DIR", help="Repository root (default: the current directory).")
@click.option("--now", "now", metavar="T", help="Check as of this time, YYYY-MM-DDTHH:MM[Z|+HH:MM] (default: now).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "output", metavar="F", help="Write the report to F instead of standard output.")
@click.option("--strict", is_flag=True, help="Warnings and existing diagnostics block too.")
def check(config: str | None, repo: str | None, now: str | None, fmt: str, output: str | None,
          strict: bool) -> None:
    """Run every rule; exit 1 when something blocks."""
    from .config import ConfigMissing
    from .pipeline import run_check
    from .reporters import Outcome, get_reporter
    from .sources.worktree import WorktreeSource

    instant = parse_instant(now, "--now")
    root, config_path = resolve_paths(repo, config)
    try:
        result = run_check(WorktreeSource(str(root)), config_path, instant)
    except ConfigMissing as exc:
        fail(str(exc))
    outcome = Outcome(result.diagnostics, strict=strict)
    color = output is None and fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    write_output(get_reporter(fmt, color=color).render(outcome), output)
    if fmt == "github":
        append_step_summary(outcome)
    sys.exit(EXIT_BLOCKING if outcome.blocking_count else EXIT_OK)


def append_step_summary(outcome: Any) -> None:
    """GitHub's job summary: every diagnostic in Markdown, under its 1 MiB limit."""
    from .reporters.markdown import render_markdown

    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(render_markdown(outcome) + "\n")
    except OSError as exc:
        click.echo(f"ownership: could not write the job summary: {exc.strerror}", err=True)


@cli.command("rules")
def list_rules() -> None:
    """List every rule: ID, name, default severity, summary."""
    from .rules import CATALOGUE

    for info in CATALOGUE.values():
        click.echo(f"{info.id}  {info.name:<32} {info.severity.value:<8} {info.summary}")


@cli.command()
@click.argument("rule_id", metavar="RULE")
def explain(rule_id: str) -> None:
    """Print one rule's documentation, with a failing and a fixed example."""
    from .rules import CATALOGUE

    wanted = rule_id.upper()
    info = CATALOGUE.get(wanted) or next((i for i in CATALOGUE.values() if i.name == rule_id.lower()), None)
    if info is None:
        fail(f"unknown rule {rule_id!r}; `ownership rules` lists them")
    click.echo(f"{info.id} {info.name} (default: {info.severity.value})\n")
    click.echo(info.doc)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of ownership.yaml (draft-07)."""
    from .schema import schema_text

    click.echo(schema_text(), nl=False)


def main() -> None:
    try:
        cli.main(prog_name="ownership", standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # a bug in the checker: one line, not a traceback, unless asked for
        if os.environ.get("OWNERSHIP_DEBUG"):
            raise
        click.echo(f"ownership: internal error: {type(exc).__name__}: {exc} "
                   "(set OWNERSHIP_DEBUG=1 for the traceback and please report it)", err=True)
        sys.exit(EXIT_USAGE)
