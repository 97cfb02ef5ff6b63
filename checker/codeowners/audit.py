"""Who GitHub really assigns: the managed block read together with the hand-written lines around it.

CODEOWNERS gives each file to the last line that matches it, in the whole
file. So a hand-written line after the block can take a service's files from
its declared team (COD002), and the block, appended after hand-written lines,
silently takes files from the owners those lines name (reported as notes, since
that is what the config asks for, but nobody should be surprised by it).

The cost is bounded: only files some block line covers are looked at, anchored
patterns reach their files through a sorted list (bisect on their literal
prefix), and the number of pattern tests has a ceiling past which the audit
stops with an error rather than running on.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator

from ..escape import codeowners_path
from ..records import record
from .block import Layout
from .generate import Entry, relative_path
from .patterns import Line, Pattern, compile_pattern, parse

MAX_TESTS = 10_000_000  # pattern tests per audit (~5 s); 3,000 services under nodejs/node's file need ~15,000
AUTOMATON_COST = 50  # a test by the automaton (a pattern too starry for a bounded regex) costs about 50 regex tests


class AuditTooLarge(RuntimeError):
    """The file and the repository are too large to audit within MAX_TESTS pattern tests."""


@record(frozen=True)
class Takeover:
    """COD002: a hand-written `line` after the block decides files that `entry` gives its service's team."""

    entry: Entry
    line: Line
    files: int
    example: str
    number_now: int  # the line's number in the file as it is now


def sorted_files(files: list[str]) -> list[str]:
    return files if all(a <= b for a, b in itertools.pairwise(files)) else sorted(files)


def pool(pattern: Pattern, files: list[str]) -> Iterator[str]:
    """The files (sorted) a pattern could match: for an anchored pattern only those with its literal prefix."""
    if not pattern.anchored:
        yield from files
        return
    for index in range(bisect.bisect_left(files, pattern.prefix), len(files)):
        if not files[index].startswith(pattern.prefix):
            return
        yield files[index]


def probe(entry: Entry) -> str:
    """A file the entry's line would own, for a path with no file yet (so a hand-written line that
    takes the whole directory is still seen)."""
    relative = relative_path(entry.path)
    concrete = relative.replace("**", "x").replace("*", "x").replace("?", "x").rstrip("/")
    return concrete + "/x" if relative.endswith("/") else concrete


class Audit:
    def __init__(self, text: str, updated: Layout, current: Layout, entries: list[Entry], files: list[str]) -> None:
        parsed = parse(text)
        first_block = len(updated.before) + 1
        last_block = len(updated.before) + len(updated.block or [])
        self.before = [line for line in parsed.lines if line.number < first_block]
        self.after = [line for line in parsed.lines if line.number > last_block]
        block_lines = [line for line in parsed.lines if first_block <= line.number <= last_block]
        self.entries = entries
        self.block = block_lines if len(block_lines) == len(entries) else [
            _line_for(entry, index) for index, entry in enumerate(entries)]
        # Lines after the block move when the block changes size; messages name them as they are now.
        self.shift = len(current.before) + len(current.block or []) - len(updated.before) - len(updated.block or [])
        self.tests = 0
        self.files = sorted_files(files)
        self.declared = self._declared(self.files)

    def _count(self, n: int, pattern: Pattern | None = None) -> None:
        self.tests += n * (_cost(pattern) if pattern is not None else 1)
        if self.tests > MAX_TESTS:
            raise AuditTooLarge(f"more than {MAX_TESTS:,} pattern tests")

    def _matching(self, pattern: Pattern, files: list[str]) -> list[str]:
        found = []
        tested = 0
        for path in pool(pattern, files):
            tested += 1
            if tested == 1024:  # counted as it goes: one slow pattern over many files stops in time too
                self._count(tested, pattern)
                tested = 0
            if pattern.matches(path):
                found.append(path)
        self._count(tested, pattern)
        return found

    def _declared(self, files: list[str]) -> dict[str, int]:
        """Each covered file (or probe) -> the index of the block line that owns it (the last that matches)."""
        declared: dict[str, int] = {}
        for index, line in enumerate(self.block):
            hits = self._matching(line.pattern, files)
            if not hits:
                stand_in = probe(self.entries[index])
                hits = [stand_in] if line.pattern.matches(stand_in) else []
            for path in hits:
                declared[path] = index
        return declared

    def _winners(self, lines: list[Line]) -> dict[str, Line]:
        covered = sorted(self.declared)
        winner: dict[str, Line] = {}
        for line in lines:
            for path in self._matching(line.pattern, covered):
                winner[path] = line
        return winner

    def _group(self, winner: dict[str, Line], shift: int) -> list[Takeover]:
        groups: dict[tuple[int, int], list[str]] = {}
        for path, line in winner.items():
            index = self.declared[path]
            if set(line.owners) != {self.entries[index].owner}:
                groups.setdefault((index, line.number), []).append(path)
        by_number = {line.number: line for line in winner.values()}
        return [Takeover(self.entries[index], by_number[number], len(paths), min(paths), number + shift)
                for (index, number), paths in sorted(
                    groups.items(), key=lambda kv: (kv[0][1], self.entries[kv[0][0]].service, kv[0][0]))]

    def overridden(self) -> list[Takeover]:
        """COD002: hand-written lines after the block that take files from their declared team."""
        return self._group(self._winners(self.after), self.shift)

    def taken(self) -> list[Taken]:
        """Hand-written lines before the block that gave some of the block's files to other owners.
        The block wins, as the config asks; a catch-all default (`* @org/all`) is expected to lose
        and is left out."""
        winner = self._winners(self.before)
        taken: dict[int, list[str]] = {}
        for path, line in winner.items():
            if set(line.owners) != {self.entries[self.declared[path]].owner} and not _catch_all(line.pattern):
                taken.setdefault(line.number, []).append(path)
        lines = {line.number: line for line in self.before}
        out = []
        for number, paths in sorted(taken.items()):
            services = sorted({self.entries[self.declared[path]].service for path in paths})
            out.append(Taken(lines[number], len(paths), min(paths), services, not self._still_decides(lines[number])))
        return out

    def _still_decides(self, line: Line) -> bool:
        """Whether some file the block does not cover is still given to line (no later line matches it)."""
        later = [other for other in self.before + self.after if other.number > line.number]
        cost = _cost(line.pattern) + sum(_cost(other.pattern) for other in later)
        for path in pool(line.pattern, self.files):
            self._count(cost)
            if path not in self.declared and line.pattern.matches(path) and not any(
                    other.pattern.matches(path) for other in later):
                return True
        return False


@record(frozen=True)
class Taken:
    """A hand-written line above the block whose files the block now gives to their declared teams."""

    line: Line
    files: int
    example: str
    services: list[str]
    retired: bool  # the line decides no file any more


def _cost(pattern: Pattern) -> int:
    return 1 if pattern.literal or pattern.regex is not None else AUTOMATON_COST


def _catch_all(pattern: Pattern) -> bool:
    return pattern.matches("q7z") and pattern.matches("q7z/q7y/q7x.q7w")


def _line_for(entry: Entry, index: int) -> Line:
    return Line(index, compile_pattern(entry.pattern), (entry.owner,), f"{entry.pattern} {entry.owner}")


def matches_nothing(path: str, files: list[str]) -> bool:
    """COD003: a (valid) config path that no file of the repository (sorted) falls under, as GitHub would
    read its line."""
    relative = relative_path(path)
    if not any(char in relative for char in "*?"):  # a plain path: one look in the sorted list
        directory = relative.rstrip("/")
        index = bisect.bisect_left(files, directory)
        following = files[index] if index < len(files) else ""
        if following == directory and not relative.endswith("/"):
            return False
        index = bisect.bisect_left(files, directory + "/")
        return not (index < len(files) and files[index].startswith(directory + "/"))
    pattern = compile_pattern("/" + codeowners_path(relative))
    return not any(pattern.matches(candidate) for candidate in pool(pattern, files))
