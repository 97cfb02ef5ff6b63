"""The `ownership` command: parse options, run the pipeline, pick a reporter, set the exit code.

Exit codes (SPEC §5): 0 nothing blocking, 1 blocking diagnostics, 2 usage
errors (bad option, missing config, ...). Nothing here evaluates a rule. Each
command lives in its own module and registers itself on the group.

click and the commands are imported on first use: the pre-commit hook's "nothing to check"
answer (checker/cli/scope.py) is given before either is needed.
"""

from __future__ import annotations

import gc
import os
import sys

__all__ = ["cli", "main"]


def __getattr__(name: str) -> object:
    if name == "cli":  # `from checker.cli import cli`: the group with every command registered
        _register_commands()
        from .group import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _register_commands() -> None:
    from . import catalogue, check, ownership_report, pagerduty, repo_files, schedules  # noqa: F401


def main() -> None:
    # A short-lived process building large acyclic trees (YAML nodes, intervals): the cyclic
    # garbage collector only rescans them, costing a third of the run on big repositories.
    # Reference counting still frees everything.
    gc.disable()
    try:
        from .scope import exit_early

        exit_early(sys.argv[1:], os.environ)
        _register_commands()
        from .group import cli

        cli.main(prog_name="ownership", standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # a bug in the checker: one line, not a traceback, unless asked for
        if os.environ.get("OWNERSHIP_DEBUG"):
            raise
        import click

        from ..escape import terminal
        from .common import EXIT_USAGE

        click.echo(f"ownership: internal error: {type(exc).__name__}: {terminal(str(exc))} "
                   "(set OWNERSHIP_DEBUG=1 for the traceback and please report it)", err=True)
        sys.exit(EXIT_USAGE)
