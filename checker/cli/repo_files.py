"""`ownership codeowners` and `ownership init`: the commands that write files into the repository."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .common import EXIT_BLOCKING, EXIT_OK, config_options, fail, load_model, resolve_paths, write_or_fail
from .group import cli


@cli.command()
@config_options
@click.option("--check", "check_only", is_flag=True, help="Exit 1 with a diff when CODEOWNERS is out of sync.")
@click.option("--output", "output", metavar="F",
              help="CODEOWNERS to write or check (default: where GitHub looks; .github/CODEOWNERS if none).")
def codeowners(config: str | None, repo: str | None, check_only: bool, output: str | None) -> None:
    """CODEOWNERS from each service's `paths` and its team's `github_team`, in a managed block."""
    from .. import codeowners as generator
    from ..diagnostics import Diagnostic, Location, Severity
    from ..reporters import Outcome, get_reporter
    from ..sources.worktree import WorktreeSource

    model = load_model(repo, config)
    root, _ = resolve_paths(repo, config)
    source = WorktreeSource(str(root))
    generated = generator.generate(model)
    if output is not None:
        target = os.path.relpath(os.path.abspath(output), root).replace(os.sep, "/")
    else:
        target = generator.find(source) or generator.LOCATIONS[0]
    current = _read_codeowners(root, target)
    wanted = generator.merge(current, generated.lines)
    problems = list(generated.problems)
    if check_only and current != wanted:
        first = next((i for i, (a, b) in enumerate(zip((current or "").splitlines(), wanted.splitlines()))
                      if a != b), min(len((current or "").splitlines()), len(wanted.splitlines())))
        message = (f"{target} does not exist; run `ownership codeowners` and commit it" if current is None else
                   f"{target} is out of sync with ownership.yaml; run `ownership codeowners` and commit the result")
        problems.append(Diagnostic("COD001", Severity.ERROR, f"file/{target}", message,
                                   Location(target, first + 1, 1), name="codeowners-out-of-sync"))
    if problems:
        click.echo(get_reporter("text").render(Outcome(problems)), nl=False)
    if check_only:
        if current is not None and current != wanted:
            click.echo(generator.diff(current, wanted, target), nl=False)
        if not problems:
            click.echo(f"{target} is in sync with ownership.yaml")
        sys.exit(EXIT_BLOCKING if problems else EXIT_OK)
    if current != wanted:
        _write_repo_file(root, target, wanted)
        click.echo(f"wrote {target}: {len(generated.lines)} line(s) in the managed block", err=True)
    else:
        click.echo(f"{target} is already in sync", err=True)
    sys.exit(EXIT_BLOCKING if problems else EXIT_OK)


def _read_codeowners(root: Path, target: str) -> str | None:
    from ..sources import EntryKind, SourceError
    from ..sources.worktree import WorktreeSource

    source = WorktreeSource(str(root))
    kind = source.kind(target)
    if kind is EntryKind.MISSING:
        return None
    try:
        return source.read(target).decode("utf-8")
    except (SourceError, UnicodeDecodeError) as exc:
        fail(f"cannot read {target}: {exc}")


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
