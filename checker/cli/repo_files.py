"""`ownership codeowners` and `ownership init`: the commands that write files into the repository."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from ..diagnostics import Severity
from .common import EXIT_BLOCKING, EXIT_OK, config_options, fail, resolve_paths, write_or_fail
from .group import cli
from .locations import relative_to_repository


@cli.command()
@config_options
@click.option("--check", "check_only", is_flag=True, help="Exit 1 with a diff when CODEOWNERS is out of sync.")
@click.option("--output", "output", metavar="F",
              help="CODEOWNERS to write or check (default: where GitHub looks; .github/CODEOWNERS if none).")
def codeowners(config: str | None, repo: str | None, check_only: bool, output: str | None) -> None:
    """CODEOWNERS from each service's `paths` and its team's `github_team`, in a managed block."""
    from ..codeowners import LOCATIONS, diff, find
    from ..codeowners.audit import MAX_TESTS, AuditTooLarge
    from ..codeowners.block import BlockError
    from ..codeowners.sync import out_of_sync, plan
    from ..reporters import Outcome, get_reporter
    from ..rules import as_configured
    from ..sources.worktree import WorktreeSource

    root, config_path = resolve_paths(repo, config)
    source = WorktreeSource(str(root))
    model, config_errors = _load_config(source, config_path)
    if output is not None:
        target = os.path.relpath(os.path.abspath(output), root).replace(os.sep, "/")
    else:
        target = find(source) or LOCATIONS[0]
    current = _read_codeowners(root, target)
    try:
        result = plan(model, source.files(), target, current)
    except BlockError as exc:
        fail(str(exc))
    except AuditTooLarge:
        fail(f"{target} and the repository are too large to work out who GitHub assigns within {MAX_TESTS:,} "
             "pattern tests; move hand-written lines with patterns that match anywhere (no `/`) above the block")
    refused = config_errors + [d for d in result.generated.refused if d not in config_errors]
    if refused and not check_only:
        _refuse(refused, target)
    if config_errors:
        _warn_config_errors(config_errors)
    problems = [as_configured(d, model) for d in result.diagnostics]
    problems = [d for d in problems if d.severity is not Severity.OFF]
    if check_only and not result.in_sync:
        problems.append(as_configured(out_of_sync(result), model))
    if problems:
        click.echo(get_reporter("text").render(Outcome(relative_to_repository(problems, root))), nl=False)
    for note in result.notes:
        click.echo(note, err=True)
    blocking = any(d.severity is Severity.ERROR for d in problems)
    if check_only:
        if current is not None and not result.in_sync:
            from ..escape import log_line

            # CODEOWNERS is the pull request's file: each diff line shown, never acted on by a terminal or runner.
            lines = [line for line in diff(current, result.wanted, target).split("\n") if line]
            click.echo("".join(log_line(line) + "\n" for line in lines), nl=False)
        if result.in_sync:
            click.echo(f"{target} is in sync with ownership.yaml" if not blocking else
                       f"the managed block of {target} is in sync with ownership.yaml; fix the errors above")
        sys.exit(EXIT_BLOCKING if blocking else EXIT_OK)
    if not result.in_sync:
        _write_repo_file(root, target, result.wanted)
        click.echo(f"wrote {target}: {len(result.generated.lines)} line(s) in the managed block", err=True)
    else:
        click.echo(f"{target} is already in sync", err=True)
    sys.exit(EXIT_BLOCKING if blocking else EXIT_OK)


def _load_config(source: Any, config_path: str) -> tuple[Any, list[Any]]:
    """The model, and the config's errors (as the policy sets their severity)."""
    from ..config import ConfigMissing, load_config
    from ..diagnostics import sort_diagnostics
    from ..rules import as_configured

    try:
        loaded = load_config(source, config_path)
    except ConfigMissing as exc:
        fail(str(exc))
    configured = [as_configured(d, loaded.model) for d in loaded.diagnostics]
    return loaded.model, [d for d in sort_diagnostics(configured) if d.severity is Severity.ERROR]


def _refuse(errors: list[Any], target: str) -> None:
    from ..escape import terminal

    first = errors[0]
    fail(f"the config has {len(errors)} error(s) (first: {first.location}: {terminal(first.message)}); "
         f"{target} is not written until they are fixed: run `ownership check`")


def _warn_config_errors(errors: list[Any]) -> None:
    from ..escape import terminal

    first = errors[0]
    click.echo(f"ownership: warning: the config has {len(errors)} error(s) (first: {first.location}: "
               f"{terminal(first.message)}); run `ownership check`", err=True)


def _read_codeowners(root: Path, target: str) -> str | None:
    from ..codeowners import MAX_BYTES
    from ..sources import EntryKind, SourceError
    from ..sources.worktree import WorktreeSource

    source = WorktreeSource(str(root))
    kind = source.kind(target)
    if kind is EntryKind.MISSING:
        return None
    try:
        data = source.read(target, MAX_BYTES)
    except SourceError as exc:
        fail(f"cannot read {target}: {exc}")
    if len(data) > MAX_BYTES:
        fail(f"{target} is over 3 MB, and GitHub ignores a CODEOWNERS file that large; make it smaller")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(f"cannot read {target}: not UTF-8 (byte {exc.start}); save it as UTF-8")


def _write_repo_file(root: Path, target: str, text: str) -> None:
    from ..sources import EntryKind, normalize_repo_path
    from ..sources.worktree import WorktreeSource

    normal = normalize_repo_path(target)
    if normal is None or WorktreeSource(str(root)).kind(normal) not in (EntryKind.FILE, EntryKind.MISSING):
        fail(f"refusing to write {target}: it must be a regular file inside the repository")
    write_or_fail(str(root / normal), text, root, make_parents=True, shown=target)


@cli.command()
@click.option("--repo", "repo", metavar="DIR", help="Repository root (default: .).")
def init(repo: str | None) -> None:
    """Write a starting ownership.yaml from discovery; every service marked TODO for `check` to explain."""
    from ..init import initial_config
    from ..sources import EntryKind
    from ..sources.worktree import WorktreeSource

    root, config_path = resolve_paths(repo, None)
    source = WorktreeSource(str(root))
    if source.kind(config_path) is not EntryKind.MISSING:
        fail(f"{root / config_path} already exists; init never overwrites a config")
    text, findings = initial_config(source)
    _write_repo_file(root, config_path, text)
    click.echo(f"wrote {config_path}: {len(findings.services)} discovered service(s), "
               f"{len(findings.discovery)} discovery rule(s), {len(findings.alert_paths)} alert path(s). "
               "Next: `ownership check`", err=True)
