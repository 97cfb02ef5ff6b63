"""What one `ownership check` run is about, decided before click and the checker are imported.

With FILE arguments (the files pre-commit passes, or files a user names) or `--staged` (the names
git has staged, deletions included), `check` runs when one of them can change its result, when a
file the config reads was deleted, or when the user named a YAML file or a folder; otherwise it
says so in one line on stderr and exits 0. This module imports nothing heavier than PyYAML, so the
pre-commit path that finds nothing to check costs about as much as starting Python.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

FORMATS = ("text", "json", "github", "sarif", "markdown")  # checker.reporters.FORMATS, without importing it
MAX_NOTES = 5
ABOUT = "its includes, alerts, discovered services or runbooks"


class ScopeError(Exception):
    """A usage error (exit 2): a file outside the repository, git unable to list the staged files."""


class Scope:
    """The decision: whether the check runs, what to say about the files given, and what to add
    to a missing-config error so a newcomer finds the command they meant."""

    def __init__(self, run: bool, notes: list[str], hint: str, nothing: str) -> None:
        self.run = run
        self.notes = notes
        self.hint = hint
        self.nothing = nothing

    def lines(self) -> list[str]:
        """What to print on stderr before the check runs, or instead of it (file names escaped: a
        committed name can hold terminal escapes or a `::` workflow command)."""
        lines = self.notes + ([] if self.run else [self.nothing])
        if all(line.isprintable() for line in lines):
            return lines  # the usual case, without importing the escaping module
        from ..escape import log_line

        return [log_line(line) for line in lines]


def locate(repo: str | None, config: str | None) -> tuple[str, str]:
    """The repository root (resolved) and the config's path relative to it; ValueError saying why not."""
    root = os.path.realpath(repo or ".")
    if not os.path.isdir(root):
        raise ValueError(f"--repo {repo!r} is not a directory")
    if config is None:
        return root, "ownership.yaml"
    relative = _relative(root, os.path.normpath(os.path.join(os.getcwd(), config)))
    if relative is None:
        raise ValueError(f"--config {config!r} is outside the repository {root}; the config must live in the "
                         "repository")
    return root, relative


def decide(root: str, config_path: str, named: Sequence[str], staged: bool, environ: Mapping[str, str]) -> Scope:
    """Whether `check` runs for these FILE arguments and/or the staged names. Raises ScopeError."""
    from ..relevance import CannotTell, read_references
    from ..staged import StagedError, anything_staged, staged_changes

    relatives = []
    for name in named:
        relative = _relative(root, os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(name))),
                                                os.path.basename(os.path.abspath(name))))
        if relative is None:
            raise ScopeError(f"{name} is outside the repository {root}; name files inside it, or point --repo "
                             "at the repository that holds it")
        relatives.append((name, relative))
    try:
        changes = staged_changes(root)
        # Nothing staged at all is `pre-commit run --all-files` or CI, and a range is pre-push: check it all.
        everything = staged and ("PRE_COMMIT_FROM_REF" in environ or (not changes and not anything_staged(root)))
    except StagedError as exc:
        if staged:
            raise ScopeError(f"--staged: cannot list the staged files ({exc})") from None
        changes, everything = [], False  # FILE arguments outside a git repository: no deletions to know of
    # Pre-commit passes no deleted file, so deletions come from git whichever way the files came.
    paths = [path for status, path in changes if staged or status == "D"]
    try:
        references = read_references(root, config_path)
    except CannotTell:
        return Scope(True, [], "", "")
    forced = [(name, relative) for name, relative in relatives if _always_checked(root, relative)]
    hint = "; ".join(_suggestion(root, name, relative) for name, relative in forced if relative != ".")
    if references is None:  # no config: the check says so (exit 2), with the hint
        return Scope(True, [], hint, "")
    paths += [relative for _, relative in relatives]
    notes = [_note(root, name, relative, config_path) for name, relative in forced
             if relative not in (".", config_path) and not references.matters(relative)]
    if len(notes) > MAX_NOTES:
        notes[MAX_NOTES:] = [f"ownership: note: and {len(notes) - MAX_NOTES} more such file(s)"]
    run = everything or bool(forced) or any(references.matters(path) for path in paths)
    which = ("no staged or named file" if staged and named else "no staged file" if staged
             else f"none of the {len(named)} named file(s)")
    return Scope(run, notes, hint, f"ownership: nothing to check: {which} affects {config_path}, {ABOUT}")


def exit_early(options: Mapping[str, object], environ: Mapping[str, str]) -> None:
    """The pre-commit path: exit 0 when `check FILE...`/`check --staged` has nothing to check.
    Returns in every other case, and the check runs."""
    named, staged = [str(name) for name in options["changed"]], bool(options["staged"])  # type: ignore[attr-defined]
    if not named and not staged:
        return
    try:
        root, config_path = locate(options["repo"], options["config"])  # type: ignore[arg-type]
        scope = decide(root, config_path, named, staged, environ)
    except (ValueError, ScopeError):
        return  # the check says it, with the same words
    if scope.run:
        return
    for line in scope.lines():
        print(line, file=sys.stderr)
    sys.exit(0)


_VALUED = {"--repo": "repo", "--config": "config", "--base": "base", "--now": "now", "--format": "fmt",
           "--output": "output", "--cache-dir": "cache_dir"}
_FLAGS = {"--strict": "strict", "--online": "online", "--check-run": "check_run", "--staged": "staged",
          "--no-cache": "no_cache"}


def parse_check(argv: Sequence[str]) -> dict[str, object] | None:
    """The parameters click would give `check` for this command line (checker/cli/check.py), read
    without importing click; None for anything but `check` with well-formed options it knows (help,
    a bad --format or --now, an unknown or abbreviated option, a value that looks like an option):
    click then reads it and says what is wrong."""
    if not argv or argv[0] != "check":
        return None
    options: dict[str, object] = dict.fromkeys(_VALUED.values())
    options.update(dict.fromkeys(_FLAGS.values(), False))
    named: list[str] = []
    words = iter(argv[1:])
    for word in words:
        option, equals, value = word.partition("=")
        if word == "--":
            named.extend(words)
        elif word in _FLAGS:
            options[_FLAGS[word]] = True
        elif option in _VALUED:
            value = value if equals else next(words, "")
            if not value or value.startswith("-") or (option == "--format" and value not in FORMATS) \
                    or (option == "--now" and not _valid_now(value)):
                return None
            options[_VALUED[option]] = value  # given twice, the last counts, as in click
        elif word.startswith("-"):
            return None
        else:
            named.append(word)
    options["changed"] = tuple(named)
    return options


def _valid_now(value: str) -> bool:
    """--now is validated as click's path does, so a bad value is exit 2 whether or not files matter."""
    from ..timeutil import parse_now

    try:
        parse_now(value)
    except ValueError:
        return False
    return True


def _relative(root: str, path: str) -> str | None:
    """`path` relative to root in POSIX form, or None when it lies outside."""
    try:
        relative = os.path.relpath(path, root)
    except ValueError:  # another drive
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        return None
    return relative.replace(os.sep, "/")


def _always_checked(root: str, relative: str) -> bool:
    """A named YAML file or folder makes the check run: the user asked about it by name."""
    return relative.lower().endswith((".yaml", ".yml")) or os.path.isdir(os.path.join(root, relative))


def _suggestion(root: str, name: str, relative: str) -> str:
    """The command that checks what the user probably meant by naming this file or folder."""
    folder = relative if os.path.isdir(os.path.join(root, relative)) else os.path.dirname(relative)
    default_name = os.path.basename(relative) in ("ownership.yaml", "ownership.yml") or folder == relative
    if default_name and folder:
        return f"to check the config in {folder}, run `ownership check --repo {folder}`"
    return f"to check {name} as the config, run `ownership check --config {name}`"


def _note(root: str, name: str, relative: str, config_path: str) -> str:
    if os.path.isdir(os.path.join(root, relative)):
        return f"ownership: note: {name} is a folder; checked the whole repository ({_suggestion(root, name, relative)})"
    missing = "does not exist and " if not os.path.lexists(os.path.join(root, relative)) else ""
    return (f"ownership: note: {name} {missing}is not {config_path} or a file it reads, so it is not checked "
            f"itself ({_suggestion(root, name, relative)})")
