"""`ownership report`: the ownership report as Markdown, HTML or JSON."""

from __future__ import annotations

import click

from .common import config_options, fail, parse_instant, resolve_paths, warn_config_errors, write_output
from .group import cli


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

    from ..config import ConfigMissing
    from ..pipeline import run_check
    from ..report.data import build_report
    from ..sources.worktree import WorktreeSource

    instant = parse_instant(now, "--now")
    root, config_path = resolve_paths(repo, config)
    try:
        result = run_check(WorktreeSource(str(root)), config_path, instant)
    except ConfigMissing as exc:
        fail(str(exc))
    # The report renders whatever the config holds; a broken config is said, as by who and calendar.
    warn_config_errors([d for d in result.diagnostics if d.rule.startswith("CFG")])
    data = build_report(result, instant, weeks)
    if fmt == "json":
        from ..report.json_ import render as render_json

        text = render_json(data)
    elif fmt == "html":
        from ..report.html import render as render_html

        text = render_html(data)
    else:
        from ..report.markdown import render as render_markdown_report

        text = render_markdown_report(data)
    write_output(text, output, root)
