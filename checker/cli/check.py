"""`ownership check` on the command line: its options, for click. The run is checker/cli/check_run.py."""

from __future__ import annotations

from typing import Any

import click

from .check_run import check as run_check
from .common import config_options
from .group import cli
from .scope import FORMATS


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
@click.option("--online", is_flag=True,
              help="Also check GitHub logins and teams exist (GH001, GH002), and with PAGERDUTY_TOKEN set, that "
                   "PagerDuty's schedules match the rotations (DRF001).")
@click.option("--check-run", "check_run", is_flag=True,
              help="In GitHub Actions, also report as a check run with annotations (needs `checks: write`).")
@click.option("--staged", is_flag=True,
              help="Run only if a file staged in git (added, changed or deleted) can change the result; the "
                   "pre-commit hook passes this.")
@click.option("--cache-dir", "cache_dir", metavar="DIR",
              help="Keep what each unchanged file yields here (default: the user's cache directory, "
                   "e.g. ~/.cache/ownership-as-code).")
@click.option("--no-cache", "no_cache", is_flag=True, help="Read every file afresh; use and write no cache.")
@click.argument("changed", nargs=-1, metavar="[FILE]...")
def check(**options: Any) -> None:
    """Run every rule on the whole repository; exit 1 when something blocks.

    With FILE arguments (as pre-commit passes them) or --staged, the check runs
    only when one of them can change its result (the config or an included
    file, an alert file, a discovered service's files, a runbook), when a file
    the config reads was deleted, or when a FILE is a YAML file or a folder;
    otherwise it says so on stderr and exits 0.
    """
    run_check(**options)
