"""The `ownership` command: parse options, run the pipeline, pick a reporter, set the exit code.

Exit codes (SPEC §5): 0 nothing blocking, 1 blocking diagnostics, 2 usage
errors (bad option, missing config, ...). Nothing here evaluates a rule.
"""

from __future__ import annotations

import gc
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__

EXIT_OK, EXIT_BLOCKING, EXIT_USAGE = 0, 1, 2
FORMATS = ["text", "json", "github", "sarif", "markdown"]  # checker.reporters.FORMATS, without importing it


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


def config_options(command: Any) -> Any:
    command = click.option("--repo", "repo", metavar="DIR", help="Repository root (default: .).")(command)
    return click.option("--config", "config", metavar="F", help="Config file (default: ownership.yaml).")(command)


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
@click.argument("changed", nargs=-1, metavar="[FILE]...")
def check(config: str | None, repo: str | None, base: str | None, now: str | None, fmt: str | None,
          output: str | None, strict: bool, online: bool, check_run: bool, changed: tuple[str, ...]) -> None:
    """Run every rule on the whole repository; exit 1 when something blocks.

    With FILE arguments (as pre-commit passes the staged files), the check runs
    only when one of them can change its result: the config or an included
    file, an alert file, a discovered service's files, a runbook.
    """
    from .config import ConfigMissing
    from .reporters import Outcome, get_reporter

    from .sources.worktree import WorktreeSource

    instant = parse_instant(now, "--now")
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
            from .diffmode import run_diff_check
            from .gitdiff import GitError

            try:
                diagnostics = run_diff_check(str(root), config_path, instant, base, prepare).head.diagnostics
            except GitError as exc:
                fail(str(exc))
        else:
            from .pipeline import run_check

            diagnostics = run_check(worktree, config_path, instant, prepare, loaded).diagnostics
    except ConfigMissing as exc:
        fail(str(exc))
    outcome = Outcome(diagnostics, strict=strict, diff_mode=bool(base))
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
        click.echo(note, err=True)
    sys.exit(EXIT_BLOCKING if outcome.blocking_count else EXIT_OK)


def files_that_matter(source: Any, root: Path, config_path: str, changed: tuple[str, ...]) -> tuple[bool, Any]:
    """Whether a changed file can change the check's result, and the config read to decide (reused by the
    check, so the pre-commit path reads it once)."""
    from .config import ConfigMissing, load_config, paths_that_matter

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
    from .github import EventError, actions_context

    try:
        return actions_context(os.environ)
    except EventError as exc:
        fail(str(exc))


def github_client(actions: Any) -> Any:
    from .github import GitHub

    token = actions.token if actions else (os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN"))
    api_url = actions.api_url if actions else os.environ.get("GITHUB_API_URL", "https://api.github.com")
    return GitHub(token, api_url)


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
    from .reporters.markdown import render_markdown

    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(render_markdown(outcome) + "\n")
    except OSError as exc:
        click.echo(f"ownership: could not write the job summary: {exc.strerror}", err=True)


def load_model(repo: str | None, config: str | None) -> Any:
    """The resolved model, for commands that read the config without checking it."""
    from .config import ConfigMissing, load_config
    from .sources.worktree import WorktreeSource

    root, config_path = resolve_paths(repo, config)
    try:
        loaded = load_config(WorktreeSource(str(root)), config_path)
    except ConfigMissing as exc:
        fail(str(exc))
    from .diagnostics import sort_diagnostics

    errors = [d for d in sort_diagnostics(loaded.diagnostics) if d.severity.value == "error"]
    if errors:
        click.echo(f"ownership: warning: the config has {len(errors)} error(s) (first: {errors[0].location}: "
                   f"{errors[0].message}); run `ownership check`", err=True)
    return loaded.model


@cli.command()
@click.argument("service_name", metavar="SERVICE")
@config_options
@click.option("--at", "at", metavar="T", help="The moment to ask about (default: now).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def who(service_name: str, config: str | None, repo: str | None, at: str | None, fmt: str) -> None:
    """Who is primary and secondary on call for SERVICE at T; exit 1 if no primary is."""
    import json

    from .schedule import format_local
    from .who import on_call

    instant = parse_instant(at, "--at")
    model = load_model(repo, config)
    service = model.services.get(service_name)
    if service is None:
        fail(f"no service {service_name!r} in the config; declared: {', '.join(sorted(model.services)) or 'none'}")
    people = on_call(model, service, instant)
    if fmt == "json":
        click.echo(json.dumps({
            "service": service.name,
            "at": instant.isoformat(),
            "oncall": [{
                "role": p.role, "person": p.person, "rotation": p.rotation,
                "name": getattr(model.people.get(p.person), "display_name", None),
                "since": p.since.isoformat(), "until": p.until.isoformat(), "override": p.override,
            } for p in people],
        }, indent=2))
    else:
        click.echo(f"{service.name} at {instant.isoformat()}")
        for role in ("primary", "secondary"):
            found = [p for p in people if p.role == role]
            if not found:
                click.echo(f"  {role + ':':<11}nobody on call")
            for p in found:
                tz = model.rotations[p.rotation].tz
                person = model.people.get(p.person)
                label = f"{p.person} ({person.display_name})" if person and person.display_name else p.person
                note = ", override" if p.override else ""
                click.echo(f"  {role + ':':<11}{label} on {p.rotation} until {format_local(p.until, tz)} {tz}{note}")
    sys.exit(EXIT_OK if any(p.role == "primary" for p in people) else EXIT_BLOCKING)


@cli.command()
@click.argument("rotations", nargs=-1, metavar="[ROTATION]...")
@config_options
@click.option("--output", "output", metavar="F.ics", required=True, help="Where to write the calendar.")
@click.option("--from", "start", metavar="T", help="First moment (default: now).")
@click.option("--weeks", type=click.IntRange(1, 520), help="How many weeks (default: the policy horizon).")
def calendar(rotations: tuple[str, ...], config: str | None, repo: str | None, output: str, start: str | None,
             weeks: int | None) -> None:
    """The simulated schedule as iCalendar (.ics), one event per shift piece."""
    from datetime import timedelta

    from .report.calendar import to_ical
    from .schedule import simulate

    instant = parse_instant(start, "--from")
    model = load_model(repo, config)
    unknown = [r for r in rotations if r not in model.rotations]
    if unknown:
        fail(f"no rotation {', '.join(map(repr, unknown))} in the config; declared: {', '.join(sorted(model.rotations))}")
    horizon = timedelta(weeks=weeks) if weeks else model.policy.horizon
    schedule = simulate(model, instant, horizon=horizon, rotations=rotations or None)
    data = to_ical(model, schedule, instant, instant)
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    events = data.count(b"BEGIN:VEVENT")
    click.echo(f"wrote {events} shifts of {len(schedule.rotations)} rotation(s) to {output}", err=True)


@cli.command()
@config_options
@click.option("--format", "fmt", type=click.Choice(["markdown", "html", "json"]), default="markdown",
              show_default=True)
@click.option("--output", "output", metavar="F", help="Write the report to F instead of standard output.")
@click.option("--weeks", type=click.IntRange(1, 52), default=4, show_default=True,
              help="Weeks of on-call calendar to show.")
@click.option("--now", "now", metavar="T", help="Report as of this time (default: now).")
def report(config: str | None, repo: str | None, fmt: str, output: str | None, weeks: int, now: str | None) -> None:
    """The ownership report: who owns what, who is on call, load per person, gaps."""
    import json

    from .config import ConfigMissing
    from .pipeline import run_check
    from .report.data import build_report
    from .sources.worktree import WorktreeSource

    instant = parse_instant(now, "--now")
    root, config_path = resolve_paths(repo, config)
    try:
        result = run_check(WorktreeSource(str(root)), config_path, instant)
    except ConfigMissing as exc:
        fail(str(exc))
    data = build_report(result, instant, weeks)
    if fmt == "json":
        text = json.dumps(data, indent=2) + "\n"
    elif fmt == "html":
        from .report.html import render as render_html

        text = render_html(data)
    else:
        from .report.markdown import render as render_markdown_report

        text = render_markdown_report(data)
    write_output(text, output)


@cli.command()
@config_options
@click.option("--check", "check_only", is_flag=True, help="Exit 1 with a diff when CODEOWNERS is out of sync.")
@click.option("--output", "output", metavar="F",
              help="CODEOWNERS to write or check (default: where GitHub looks; .github/CODEOWNERS if none).")
def codeowners(config: str | None, repo: str | None, check_only: bool, output: str | None) -> None:
    """CODEOWNERS from each service's `paths` and its team's `github_team`, in a managed block."""
    from . import codeowners as generator
    from .diagnostics import Diagnostic, Location, Severity
    from .reporters import Outcome, get_reporter
    from .sources.worktree import WorktreeSource

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
    from .sources import EntryKind, SourceError
    from .sources.worktree import WorktreeSource

    source = WorktreeSource(str(root))
    kind = source.kind(target)
    if kind is EntryKind.MISSING:
        return None
    try:
        return source.read(target).decode("utf-8")
    except (SourceError, UnicodeDecodeError) as exc:
        fail(f"cannot read {target}: {exc}")


def _write_repo_file(root: Path, target: str, text: str) -> None:
    from .sources import EntryKind, normalize_repo_path
    from .sources.worktree import WorktreeSource

    normal = normalize_repo_path(target)
    if normal is None or WorktreeSource(str(root)).kind(normal) not in (EntryKind.FILE, EntryKind.MISSING):
        fail(f"refusing to write {target}: it must be a regular file inside the repository")
    path = root / normal
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror}")


@cli.command()
@click.option("--repo", "repo", metavar="DIR", help="Repository root (default: .).")
def init(repo: str | None) -> None:
    """Write a starting ownership.yaml from discovery; every service marked TODO for `check` to explain."""
    from .init import initial_config
    from .sources import EntryKind
    from .sources.worktree import WorktreeSource

    root, config_path = resolve_paths(repo, None)
    source = WorktreeSource(str(root))
    if source.kind(config_path) is not EntryKind.MISSING:
        fail(f"{root / config_path} already exists; init never overwrites a config")
    text, findings = initial_config(source)
    _write_repo_file(root, config_path, text)
    click.echo(f"wrote {config_path}: {len(findings.services)} discovered service(s), "
               f"{len(findings.discovery)} discovery rule(s), {len(findings.alert_paths)} alert path(s). "
               "Next: `ownership check`", err=True)


@cli.command("rules")
def list_rules() -> None:
    """List every rule: ID, name, default severity, summary."""
    from .rules import in_spec_order

    for info in in_spec_order():
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
    # A short-lived process building large acyclic trees (YAML nodes, intervals): the cyclic
    # garbage collector only rescans them, costing a third of the run on big repositories.
    # Reference counting still frees everything.
    gc.disable()
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
