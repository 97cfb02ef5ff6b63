"""`ownership check`: every rule on the repository (or its pull request), in the chosen format.

No click here: checker/cli/check.py gives this function click's options, and a plain command line
(checker/cli/scope.py reads it exactly as click does) calls it without importing click at all.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from .common import EXIT_BLOCKING, EXIT_OK, echo, fail, parse_instant, resolve_paths, use_cache, write_output
from .locations import relative_to_repository


def check(config: str | None, repo: str | None, base: str | None, now: str | None, fmt: str | None,
          output: str | None, strict: bool, online: bool, check_run: bool, staged: bool, cache_dir: str | None,
          no_cache: bool,
          changed: tuple[str, ...]) -> None:
    """The check as `ownership check` runs it, with click's parameters (checker/cli/check.py says what
    each option means); exits 0, 1 or 2."""
    from ..config import ConfigMissing
    from ..escape import log_line
    from ..reporters import Checked, Outcome, get_reporter
    from ..sources.worktree import WorktreeSource

    instant = parse_instant(now, "--now")
    use_cache(cache_dir, no_cache)
    root, config_path = resolve_paths(repo, config)
    worktree = WorktreeSource(str(root))
    hint = scope_of_run(root, config_path, changed, staged) if changed or staged else ""
    actions = github_context()
    base = base or (actions.base_sha if actions else None)
    fmt = fmt or ("github" if actions else "text")
    client = github_client(actions) if online or (actions and actions.token and actions.pr_number) or check_run \
        else None
    notes: list[str] = []
    schedule_changes = None
    prepare = online_lookup(client, notes, instant, (str(root), config_path, base)) if online else None
    try:
        if base:
            from ..diffmode import run_diff_check
            from ..gitdiff import GitError

            try:
                diffed = run_diff_check(str(root), config_path, instant, base, prepare)
            except GitError as exc:
                fail(str(exc))
            result, schedule_changes = diffed.head, diffed.schedule_changes
        else:
            from ..pipeline import run_check

            # With --now given, the schedule rules' verdict is kept for the next run at the same --now.
            result = run_check(worktree, config_path, instant, prepare, remember=now is not None)
    except ConfigMissing as exc:
        fail(f"{exc}; {hint}" if hint else str(exc))
    outcome = Outcome(relative_to_repository(result.diagnostics, root), strict=strict, diff_mode=bool(base),
                      checked=Checked.of(result.model), schedule_changes=schedule_changes)
    color = output is None and fmt == "text" and sys.stdout is not None and sys.stdout.isatty() \
        and "NO_COLOR" not in os.environ
    write_output(get_reporter(fmt, color=color).render(outcome), output, root)
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
        echo(log_line(note), err=True)  # notes quote GitHub's answers
    sys.exit(EXIT_BLOCKING if outcome.blocking_count else EXIT_OK)


def scope_of_run(root: Path, config_path: str, named: tuple[str, ...], staged: bool) -> str:
    """Says what the FILE arguments and the staged names mean for this run (checker/cli/scope.py);
    exits 0 when none can change the result. Returns what to add to a missing-config error."""
    from .scope import ScopeError, decide

    try:
        scope = decide(str(root), config_path, named, staged, os.environ)
    except ScopeError as exc:
        fail(str(exc))
    for line in scope.lines():
        echo(line, err=True)
    if not scope.run:
        sys.exit(EXIT_OK)
    return scope.hint


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


def online_lookup(client: Any, notes: list[str], now: Any, where: tuple[str, str, str | None]) -> Any:
    """The --online look-ups, shared by both sides of a diff: GitHub logins and teams, and with
    PAGERDUTY_TOKEN set, PagerDuty's schedules (DRF001), read once for both sides, with the merge base's
    schedule as the baseline in a pull request (what PagerDuty has until the merge is applied). An
    outage is said once, in one line, and leaves the verdict to the other rules."""
    pagerduty: dict[str, Any] = {}  # the client and its facts, made on first use, kept for the other side

    def say(line: str) -> None:
        if line not in notes:
            notes.append(line)

    def prepare(model: Any) -> dict[str, Any]:
        extras: dict[str, Any] = {}
        if client:
            facts, problem = client.lookup(model)
            if problem:
                say(problem)
            else:
                extras["github"] = facts
        if os.environ.get("PAGERDUTY_TOKEN", "").strip():
            from ..pagerduty.client import PagerDuty, PagerDutyError
            from ..pagerduty.lookup import gather

            try:
                if "facts" not in pagerduty:
                    pagerduty["facts"], note = gather(model, now, PagerDuty.from_env(os.environ), base_model(*where))
                    if note:
                        say(f"ownership: {note}")
                extras["pagerduty"] = pagerduty["facts"]
            except PagerDutyError as exc:
                pagerduty["facts"] = None
                say(f"ownership: {exc} (drift, --online); the check's verdict is unchanged")
        return extras

    return prepare


def base_model(root: str, config_path: str, base: str | None) -> Any:
    """The model at the merge base of `base` and HEAD (None without --base, or without a config there)."""
    if not base:
        return None
    from ..config import ConfigMissing, load_config
    from ..gitdiff import GitCommitSource, folder_in, merge_base, open_repo

    repo = open_repo(root)
    try:
        return load_config(GitCommitSource(repo, merge_base(repo, base), folder_in(repo, root)),
                           config_path).model
    except ConfigMissing:
        return None


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
        echo(f"ownership: could not write the job summary: {exc.strerror}", err=True)
