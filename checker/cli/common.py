"""What every command shares: exit codes, one-line errors, paths, --now, writing output, reading the config."""

from __future__ import annotations

import errno
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from .scope import locate

EXIT_OK, EXIT_BLOCKING, EXIT_USAGE = 0, 1, 2


def echo(text: str | bytes, err: bool = False, nl: bool = True) -> None:
    """What click.echo does for us, without importing click (`check` runs without it): bytes to the
    binary stream, text to the text stream, flushed; a stream that cannot encode the text (ASCII
    locales) gets UTF-8, as click gives it."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    if isinstance(text, bytes):
        stream.flush()
        binary = getattr(stream, "buffer", None)
        if binary is not None:
            binary.write(text + (b"\n" if nl else b""))
            binary.flush()
            return
        text = text.decode("utf-8", "replace")
    out = text + ("\n" if nl else "")
    try:
        stream.write(out)
    except UnicodeEncodeError:
        binary = getattr(stream, "buffer", None)
        if binary is None:
            raise
        stream.flush()
        binary.write(out.encode("utf-8", "replace"))
    stream.flush()


def fail(message: str) -> NoReturn:
    """A one-line error and exit 2 (escaped: messages quote file names and config values)."""
    from ..escape import log_line

    echo(log_line(f"ownership: error: {message}"), err=True)
    sys.exit(EXIT_USAGE)


def parse_instant(value: str | None, option: str) -> datetime:
    from ..timeutil import parse_now

    try:
        return parse_now(value)
    except ValueError as exc:
        fail(f"{option}: {exc}")


def resolve_paths(repo: str | None, config: str | None) -> tuple[Path, str]:
    """The repository root, and the config's path relative to it."""
    try:
        root, config_path = locate(repo, config)
    except ValueError as exc:
        fail(str(exc))
    return Path(root), config_path


def write_output(text: str | bytes, output: str | None, root: Path) -> None:
    """Standard output, or the file F of `--output F`: written atomically, never through a symlink
    committed in the repository at `root`."""
    if output is None:
        try:
            echo(text, nl=False)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # a reader that stopped (`| head`): exit 1 without a word, as click ends it
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # what is left is not flushed again
            fail(f"cannot write to standard output: {exc.strerror or exc}")
        return
    write_or_fail(output, text, root)


def write_or_fail(path: str, data: str | bytes, root: Path, make_parents: bool = False,
                  shown: str | None = None) -> None:
    """checker.writes.write_file, or a one-line error naming the file as `shown` (default: path)."""
    from ..writes import WriteRefused, write_file

    try:
        write_file(path, data, repository=str(root), make_parents=make_parents)
    except WriteRefused as exc:
        fail(f"refusing to write {shown or path}: {exc}")
    except OSError as exc:
        fail(f"cannot write {shown or path}: {exc.strerror or exc}")


def config_options(command: Any) -> Any:
    import click

    command = click.option("--repo", "repo", metavar="DIR", help="Repository root (default: .).")(command)
    return click.option("--config", "config", metavar="F", help="Config file (default: ownership.yaml).")(command)


def use_cache(cache_dir: str | None, no_cache: bool) -> None:
    """--cache-dir / --no-cache: where what each unchanged file yields is kept (checker/cache.py)."""
    from ..cache import activate
    from ..escape import terminal

    if cache_dir is not None and not cache_dir.strip():
        fail("--cache-dir needs a folder (or leave it out for the user's cache folder, or give --no-cache)")
    note = activate(cache_dir, enabled=not no_cache)
    if note:
        echo(f"ownership: {terminal(note)}", err=True)


def load_model(repo: str | None, config: str | None, refuse_errors: bool = False) -> Any:
    """The resolved model, for commands that read the config without checking it; with refuse_errors
    (commands that write elsewhere from it), a config with errors is a usage error."""
    from ..config import ConfigMissing, load_config
    from ..sources.worktree import WorktreeSource

    root, config_path = resolve_paths(repo, config)
    try:
        loaded = load_config(WorktreeSource(str(root)), config_path)
    except ConfigMissing as exc:
        fail(str(exc))
    if refuse_errors:
        from ..diagnostics import sort_diagnostics

        errors = [d for d in sort_diagnostics(loaded.diagnostics) if d.severity.value == "error"]
        if errors:
            fail(f"the config has {len(errors)} error(s) (first: {errors[0].location}: {errors[0].message}); "
                 "run `ownership check` and fix them first")
    warn_config_errors(loaded.diagnostics)
    return loaded.model


def warn_config_errors(diagnostics: list[Any]) -> None:
    """One line on stderr when the config has errors, for commands that use it without checking it.
    The first error quotes the config: escaped, so a key can neither forge a workflow command nor
    rewrite the terminal."""
    from ..diagnostics import sort_diagnostics
    from ..escape import terminal

    errors = [d for d in sort_diagnostics(diagnostics) if d.severity.value == "error"]
    if errors:
        echo(f"ownership: warning: the config has {len(errors)} error(s) (first: "
                   f"{terminal(str(errors[0].location))}: {terminal(errors[0].message)}); run `ownership check`",
                   err=True)
