"""CODEOWNERS as GitHub reads it: lines, patterns, owners, and who owns a path (the last match wins).

GitHub's rules (docs.github.com, "About code owners"), which follow gitignore's
with three exceptions:

- a line is `PATTERN OWNER...`; blank lines and lines starting with `#` are
  skipped; a `#` starting a later token begins a comment; `\\ ` is a space
  inside the pattern;
- a pattern with a `/` at its start or in its middle is anchored at the
  repository root, else it matches at any depth; a trailing `/` matches
  directories only; a pattern matching a directory owns everything below it,
  except that `dir/*` owns only the files directly in `dir`;
- `*` and `?` stay inside one path segment; `**/` is any number of whole
  segments, a trailing `/**` everything below;
- unlike gitignore, `!` (negation) and `[ ]` (character ranges) do not work: a
  line using them is an error that GitHub skips, and so is a line starting
  with `\\#`.

Matching runs a small automaton over the path, so its cost is bounded by the
lengths of the pattern and the path whatever the pattern holds (a regex with
many `*` in one segment can backtrack for minutes). tests/test_codeowners_github.py
compares every answer with the `codeowners` package on real CODEOWNERS files.
"""

from __future__ import annotations

import re
from dataclasses import field
from functools import cached_property

from ..records import record

# Token kinds of a compiled pattern.
_LITERAL, _ONE, _STAR, _SEGMENTS, _REST = range(5)
_OWNER = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+")


@record(frozen=True)
class Pattern:
    """A compiled CODEOWNERS pattern: what it matches, and cheap filters that rule most paths out."""

    text: str  # as written (escapes kept), for messages
    tokens: tuple[tuple[int, str], ...]
    anchored: bool
    directories_only: bool  # trailing `/`
    files_only_here: bool   # trailing `/*`: the files directly in that directory, nothing deeper
    prefix: str             # literal text every match starts with (anchored patterns)
    needle: str             # a literal run every match contains

    @cached_property
    def regex(self) -> re.Pattern[str] | None:
        """A fast equivalent of the automaton, when its cost is bounded too (compiled on first use)."""
        return _bounded_regex(self.tokens, self.anchored, self.directories_only, self.files_only_here)

    @cached_property
    def literal(self) -> bool:
        return all(kind == _LITERAL for kind, _ in self.tokens)

    def matches(self, path: str) -> bool:
        """Whether GitHub would apply this pattern to the file at path (relative, no leading `/`)."""
        if self.anchored and not path.startswith(self.prefix):
            return False
        if self.needle and self.needle not in path:
            return False
        if self.anchored and self.literal:  # the common case, e.g. `/services/checkout/`: no regex needed
            rest = path[len(self.prefix):]
            return rest.startswith("/") or (rest == "" and not self.directories_only)
        regex = self.regex
        if regex is not None:
            return regex.search(path) is not None
        return _run(self, path)

    def matches_by_automaton(self, path: str) -> bool:
        """The same answer without the regex (tests compare the two)."""
        return _run(self, path)


@record(frozen=True)
class Line:
    """One rule of a CODEOWNERS file: a pattern and its owners, at a 1-based line number."""

    number: int
    pattern: Pattern
    owners: tuple[str, ...]
    text: str  # the line as written, without its line ending


@record
class Parsed:
    lines: list[Line] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line number, why GitHub skips it)


def split_lines(text: str) -> list[str]:
    """The file's lines as GitHub sees them: split at LF only (a CR before it is part of the ending)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def tokens_of(line: str) -> list[str]:
    """Whitespace-separated tokens, `\\ ` kept inside a token (escapes left as written)."""
    out: list[str] = []
    current: list[str] = []
    escaped = False
    for char in line:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char in " \t":
            if current:
                out.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        out.append("".join(current))
    return out


def parse(text: str) -> Parsed:
    parsed = Parsed()
    for number, raw in enumerate(split_lines(text), start=1):
        line = raw.strip(" \t")
        if not line or line.startswith("#"):
            continue
        tokens = tokens_of(line)
        owners: list[str] = []
        for token in tokens[1:]:
            if token.startswith("#"):
                break  # an inline comment
            owners.append(token)
        pattern_text = tokens[0]
        problem = unsupported(pattern_text)
        if problem:
            parsed.skipped.append((number, problem))
            continue
        parsed.lines.append(Line(number, compile_pattern(pattern_text), tuple(owners), raw))
    return parsed


def unsupported(pattern: str) -> str | None:
    """Why GitHub refuses a pattern (and skips its line), or None."""
    if pattern.startswith("!"):
        return "`!` (negation) does not work in CODEOWNERS"
    if pattern.startswith("\\#"):
        return "a pattern cannot start with `#`, even escaped"
    unescaped = re.sub(r"\\.", "", pattern)
    if "[" in unescaped or "]" in unescaped:
        return "`[ ]` (character ranges) do not work in CODEOWNERS"
    return None


def valid_owner(owner: str) -> bool:
    """@user, @org/team or an e-mail address, as GitHub accepts them."""
    return _OWNER.fullmatch(owner) is not None


def _unescape(pattern: str) -> list[tuple[str, bool]]:
    """(character, escaped) pairs."""
    out: list[tuple[str, bool]] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            out.append((pattern[index + 1], True))
            index += 2
            continue
        out.append((char, False))
        index += 1
    return out


def compile_pattern(text: str) -> Pattern:
    chars = _unescape(text)
    plain = [c if not escaped else "" for c, escaped in chars]
    first_slash = next((i for i, c in enumerate(plain) if c == "/"), -1)
    anchored = first_slash != -1 and first_slash != len(chars) - 1
    directories_only = bool(chars) and chars[-1] == ("/", False)
    files_only_here = len(chars) >= 2 and chars[-2:] == [("/", False), ("*", False)]
    # Leading and trailing slashes only decide anchoring and directories; strip them.
    while chars and chars[0] == ("/", False):
        chars.pop(0)
    while chars and chars[-1] == ("/", False):
        chars.pop()
    tokens: list[tuple[int, str]] = []
    index = 0
    while index < len(chars):
        char, escaped = chars[index]
        if not escaped and char == "*":
            run = index
            while run < len(chars) and chars[run] == ("*", False):
                run += 1
            at_start = index == 0 or chars[index - 1] == ("/", False)
            at_end = run == len(chars)
            if run - index == 2 and at_start and (at_end or chars[run] == ("/", False)):
                if at_end:
                    tokens.append((_REST, ""))
                    index = run
                else:
                    tokens.append((_SEGMENTS, ""))
                    index = run + 1  # the `/` belongs to `**/`
                continue
            tokens.append((_STAR, ""))  # other runs of `*` are one `*`
            index = run
            continue
        if not escaped and char == "?":
            tokens.append((_ONE, ""))
        else:
            tokens.append((_LITERAL, char))
        index += 1
    prefix = ""
    for kind, char in tokens:
        if kind != _LITERAL:
            break
        prefix += char
    runs = re.split(r"\x00", "".join(char if kind == _LITERAL else "\x00" for kind, char in tokens))
    needle = max(runs, key=len) if runs else ""
    return Pattern(text, tuple(tokens), anchored, directories_only, files_only_here, prefix, needle)


MAX_STARS_PER_SEGMENT = 2  # a segment's regex then backtracks at most O(n^2) over its characters


def _bounded_regex(tokens: tuple[tuple[int, str], ...], anchored: bool, directories_only: bool,
                   files_only_here: bool) -> re.Pattern[str] | None:
    """A regex for the pattern when its backtracking is bounded, else None (the automaton decides).

    Each segment is an atomic group that must reach the segment's end: it can end in one place
    only, so nothing is lost by forbidding the engine to backtrack into it (without this,
    `*a*/*a*/*a*/...` tries every split of every segment against every other). At most one `**`,
    and at most MAX_STARS_PER_SEGMENT `*` in a segment."""
    if sum(kind in (_SEGMENTS, _REST) for kind, _ in tokens) > 1:
        return None
    parts: list[str] = [r"\A" if anchored else r"(?:\A|/)"]
    segment: list[str] = []
    stars = 0
    for kind, literal in tokens:
        if kind == _LITERAL and literal == "/" or kind in (_SEGMENTS, _REST):
            if segment:
                parts.append("(?>" + "".join(segment) + r"(?=/|\Z))")
                segment = []
            stars = 0
            parts.append({_LITERAL: "/", _SEGMENTS: "(?:.*/)?", _REST: ".*"}[kind])
        elif kind == _LITERAL:
            segment.append(re.escape(literal))
        elif kind == _ONE:
            segment.append("[^/]")
        else:  # _STAR
            stars += 1
            if stars > MAX_STARS_PER_SEGMENT:
                return None
            segment.append("[^/]*")
    if segment:
        parts.append("(?>" + "".join(segment) + r"(?=/|\Z))")
    parts.append("/" if directories_only else r"\Z" if files_only_here else r"(?:\Z|/)")
    return re.compile("".join(parts), re.DOTALL)


def _closure(states: set[int], tokens: tuple[tuple[int, str], ...]) -> set[int]:
    """States reachable without reading a character (`*`, `**/` and `/**` may match nothing)."""
    pending = list(states)
    while pending:
        state = pending.pop()
        if state < len(tokens) and tokens[state][0] in (_STAR, _SEGMENTS, _REST) and state + 1 not in states:
            states.add(state + 1)
            pending.append(state + 1)
    return states


def _run(pattern: Pattern, path: str) -> bool:
    tokens = pattern.tokens
    final = len(tokens)
    inside = final + 1  # inside + i: part-way through a segment that `**/` at token i is consuming
    states = _closure({0}, tokens)
    for index, char in enumerate(path):
        if final in states and _may_stop(pattern, path, index):
            return True
        following: set[int] = set()
        for state in states:
            if state >= inside:  # `**/` may only end after a whole segment, at a `/`
                following.add(state - inside if char == "/" else state)
                continue
            if state == final:
                continue
            kind, literal = tokens[state]
            if kind == _LITERAL:
                if char == literal:
                    following.add(state + 1)
            elif kind == _ONE:
                if char != "/":
                    following.add(state + 1)
            elif kind == _STAR:
                if char != "/":
                    following.add(state)
            elif kind == _SEGMENTS:
                following.add(state if char == "/" else inside + state)
            else:  # _REST
                following.add(state)
        if not pattern.anchored and char == "/":
            following.add(0)  # an unanchored pattern may start at any segment
        states = _closure(following, tokens)
        if not states and pattern.anchored:
            return False  # an unanchored pattern may still start after a later `/`
    return final in states and _may_stop(pattern, path, len(path))


def _may_stop(pattern: Pattern, path: str, index: int) -> bool:
    """Whether a match of the whole pattern may end at index: at the end of the path, or (for a
    pattern naming a directory) at a `/`, since a directory's pattern owns everything below it."""
    if index == len(path):
        return not pattern.directories_only
    return path[index] == "/" and not pattern.files_only_here


def owner_line(lines: list[Line], path: str) -> Line | None:
    """The line GitHub applies to path: the last one that matches."""
    for line in reversed(lines):
        if line.pattern.matches(path):
            return line
    return None
