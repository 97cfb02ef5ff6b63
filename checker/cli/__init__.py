"""The `ownership` command: parse options, run the pipeline, pick a reporter, set the exit code.

Exit codes (SPEC §5): 0 nothing blocking, 1 blocking diagnostics, 2 usage
errors (bad option, missing config, ...). Nothing here evaluates a rule. Each
command lives in its own module and registers itself on the group.
"""

from __future__ import annotations

import gc
import os
import sys

import click

from . import catalogue, check, ownership_report, pagerduty, repo_files, schedules  # noqa: F401  (registers the commands)
from .common import EXIT_USAGE
from .group import cli

__all__ = ["cli", "main"]


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
