"""The `ownership` command: parse options, run the pipeline, pick a reporter, set the exit code.

Exit codes (SPEC §5): 0 nothing blocking, 1 blocking diagnostics, 2 usage
errors (bad option, missing config, ...). Nothing here evaluates a rule. Each
command lives in its own module and registers itself on the group.

click and the commands are imported on first use: `check` with a plain command line (the pre-commit
hook, CI) runs without them (checker/cli/scope.py reads its options), and the hook's "nothing to
check" answer is given before the checker itself is imported.
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
        from .scope import exit_early, parse_check

        options = parse_check(sys.argv[1:])
        if options is not None:  # a plain `check` (the pre-commit hook, CI): run without click
            exit_early(options, os.environ)
            _run_check(options)
        _register_commands()
        from .group import cli

        cli.main(prog_name="ownership", standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # a bug in the checker: one line, not a traceback, unless asked for
        if os.environ.get("OWNERSHIP_DEBUG"):
            raise
        from ..escape import terminal
        from .common import EXIT_USAGE, echo

        echo(f"ownership: internal error: {type(exc).__name__}: {terminal(str(exc))} "
             "(set OWNERSHIP_DEBUG=1 for the traceback and please report it)", err=True)
        sys.exit(EXIT_USAGE)


def _run_check(options: dict[str, object]) -> None:
    """`check` without click, ending as click's standalone mode ends a command: Ctrl-C is "Aborted!"
    and exit 1, a closed pipe (`| head`) exit 1 without a word."""
    import errno

    from .check_run import check

    try:
        check(**options)  # type: ignore[arg-type]  # the types click would give (tests/test_check_without_click.py)
    except SystemExit as done:
        _leave_now(done)
    except KeyboardInterrupt:
        from .common import echo

        echo("\nAborted!", err=True)
        sys.exit(1)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        # Nothing more can be written: what is left in the buffer goes to /dev/null, not to a failing flush at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


def _leave_now(done: SystemExit) -> None:  # never returns (typing stays out of start-up)
    """End the process with the check's exit code without freeing what it built: taking apart a large
    repository's model, alerts and schedule object by object is a tenth of a cold check, and the
    operating system reclaims it all at once (mypy ends the same way). What an orderly exit would still
    do is done first: the cache pruned and closed, the output flushed."""
    code = done.code
    if not isinstance(code, int):
        raise done  # None or a message: Python's own exit says and sets it
    cache = sys.modules.get("checker.cache")
    if cache is not None:
        cache.deactivate()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: started with the descriptor closed
                stream.flush()
    except OSError:  # a closed pipe (`| head`): as click ends then, exit 1 without a word
        code = 1
    os._exit(code)
