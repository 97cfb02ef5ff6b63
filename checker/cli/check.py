"""`ownership check`: every rule on the repository (or its pull request), in the chosen format."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from .common import (
    EXIT_BLOCKING,
    EXIT_OK,
    FORMATS,
    config_options,
    fail,
    parse_instant,
    resolve_paths,
    use_cache,
    write_output,
)
from .group import cli
from .locations import relative_to_repository


@cli.command()
@config_options
@click.option("--base", "base", metavar="REF",
              help="Compare with the merge base of REF and HEAD; only new diagnostics block. In GitHub Actions "
                   "the pull request's base is the default.")
@click.option("--now", "now", metavar="T", help="Check as of this time, YYYY-MM-DDTHH:MM[Z|+HH:MM] (default: now).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (default: text; github in GitHub Actions).")
@click.option("--output", "output", metavar="F", help="Write the report to F instead of standard output.")
@click.option("--strict", is_flag=True, help="Warnings and existing diagnostics block too.")
@click.option("--online", is_flag=True, help="Also check GitHub logins and teams exist (GH001, GH002).")
@click.option("--check-run", "check_run", is_flag=True,
              help="In GitHub Actions, also report as a check run with annotations (needs `checks: write`).")
@click.option("--cache-dir", "cache_dir", metavar="DIR",
              help="Keep what each unchanged file yields here (default: the user's cache directory, "
                   "e.g. ~/.cache/ownership-as-code).")
@click.option("--no-cache", "no_cache", is_flag=True, help="Read every file afresh; use and write no cache.")
@click.argument("changed", nargs=-1, metavar="[FILE]...")
def check(config: str | None, repo: str | None, base: str | None, now: str | None, fmt: str | None,
          output: str | None, strict: bool, online: bool, check_run: bool, cache_dir: str | None, no_cache: bool,
          changed: tuple[str, ...]) -> None:
    """Run every rule on the whole repository; exit 1 when something blocks.

    With FILE arguments (as pre-commit passes the staged files), the check runs
    only when one of them can change its result: the config or an included
    file, an alert file, a discovered service's files, a runbook.
    """
    from ..config import ConfigMissing
    from ..escape import log_line
    from ..reporters import Checked, Outcome, get_reporter
    from ..sources.worktree import WorktreeSource

    instant = parse_instant(now, "--now")
    use_cache(cache_dir, no_cache)
    root, config_path = resolve_paths(repo, config)
    worktree = WorktreeSource(str(root))
    loaded = None
    if changed:
        matters, loaded = files_that_matter(worktree, root, config_path, changed)
        if not matters:
            sys.exit(EXIT_OK)
    actions = github_context()
    base = base or (actions.base_sha if actions else None)
    fmt = fmt or ("github" if actions else "text")
    client = github_client(actions) if online or (actions and actions.token and actions.pr_number) or check_run \
        else None
    notes: list[str] = []
    prepare = online_lookup(client, notes) if online and client else None
    try:
        if base:
            from ..diffmode import run_diff_check
            from ..gitdiff import GitError

            try:
                result = run_diff_check(str(root), config_path, instant, base, prepare).head
            except GitError as exc:
                fail(str(exc))
        else:
            from ..pipeline import run_check

            result = run_check(worktree, config_path, instant, prepare, loaded)
    except ConfigMissing as exc:
        fail(str(exc))
    outcome = Outcome(relative_to_repository(result.diagnostics, root), strict=strict, diff_mode=bool(base),
                      checked=Checked.of(result.model))
    color = output is None and fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    write_output(get_reporter(fmt, color=color).render(outcome), output)
    if fmt == "github":
        append_step_summary(outcome)
    if client and actions and actions.repository and actions.pr_number and actions.token:
        notes.append(client.upsert_comment(actions.repository, actions.pr_number, outcome))
    if check_run:
        if client and actions and actions.repository and actions.head_sha and actions.token:
            notes.append(client.check_run(actions.repository, actions.head_sha, outcome))
        else:
            notes.append("ownership: --check-run needs GitHub Actions with GITHUB_TOKEN; no check run created")
    for note in notes:
        click.echo(log_line(note), err=True)  # notes quote GitHub's answers
    sys.exit(EXIT_BLOCKING if outcome.blocking_count else EXIT_OK)


def files_that_matter(source: Any, root: Path, config_path: str, changed: tuple[str, ...]) -> tuple[bool, Any]:
    """Whether a changed file can change the check's result, and the config read to decide (reused by the
    check, so the pre-commit path reads it once)."""
    from ..config import ConfigMissing, load_config, paths_that_matter

    relative = [os.path.relpath(os.path.abspath(f), root).replace(os.sep, "/") for f in changed]
    try:
        loaded = load_config(source, config_path)
    except ConfigMissing:
        return config_path in relative, None  # no config (yet): only adding one matters
    return config_path in relative or bool(paths_that_matter(loaded.model, relative)), loaded


def github_context() -> Any:
    """The pull request of this GitHub Actions run, or None elsewhere (exit 2 on a bad event payload)."""
    if os.environ.get("GITHUB_ACTIONS") != "true":
        return None
    from ..github import EventError, actions_context

    try:
        return actions_context(os.environ)
    except EventError as exc:
        fail(str(exc))


def github_client(actions: Any) -> Any:
    from ..github import GitHub
    from ..github_http import Budget

    token = actions.token if actions else (os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN"))
    api_url = actions.api_url if actions else os.environ.get("GITHUB_API_URL", "https://api.github.com")
    try:
        budget = Budget.from_env(os.environ)
    except ValueError as exc:
        fail(str(exc))
    return GitHub(token, api_url, budget)


def online_lookup(client: Any, notes: list[str]) -> Any:
    """The --online look-ups, shared by both sides of a diff; an outage is said once."""

    def prepare(model: Any) -> dict[str, Any]:
        facts, problem = client.lookup(model)
        if problem and problem not in notes:
            notes.append(problem)
        return {} if problem else {"github": facts}

    return prepare


def append_step_summary(outcome: Any) -> None:
    """GitHub's job summary: every diagnostic in Markdown, under its 1 MiB limit."""
    from ..reporters.markdown import render_markdown

    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(render_markdown(outcome) + "\n")
    except OSError as exc:
        click.echo(f"ownership: could not write the job summary: {exc.strerror}", err=True)
