"""Globs: one matcher with bounded cost, for includes, alert paths, discovery and exclusions.

Syntax: `*` is any run of characters within one path segment, `?` one character,
`[abc]`, `[a-z]`, `[!a-z]` (or `[^a-z]`) one character of a class; `**` as a
whole segment is any number of segments (`monitoring/**/*.yaml` also matches
`monitoring/x.yaml`; a trailing `dir/**` is everything below dir). Patterns and
paths are relative to the repository root.

Patterns come from pull requests, so a pattern must never cost more than
linear time in the length of the path times the length of the pattern. A
naive translation to a regular expression (`*` -> `[^/]*`) backtracks
exponentially (`********************x` against a long name runs for minutes).
Here each pattern compiles once into a regular expression whose only
backtracking is linear, by the classic wildcard argument: between two stars,
a fixed-length piece may be matched at its leftmost occurrence, so that choice
is committed with an atomic group `(?>...)` and never revisited. The same
holds one level up, with segments as the letters and `**` as the star.
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_GLOB_LENGTH = 512  # far beyond any real glob; bounds the cost of matching (linear in path x pattern)
# Control characters, line separators and lone surrogates (bytes that are not UTF-8, as the OS hands them
# over): never in a glob or a path this tool reads or prints.
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_LITERAL_BRACKET_HINT = "to match a literal '[', write '[[]'"


class GlobError(ValueError):
    """A pattern that cannot be used; the message says what to write instead."""


class _Class:
    """A bracket expression: one character (never '/') from the ranges, or not from them."""

    # Plain classes, not dataclasses: this module is on the pre-commit hook's start-up path, and
    # `dataclasses` imports `inspect` (a fifth of the "nothing to check" exit).
    __slots__ = ("negated", "ranges")

    def __init__(self, ranges: tuple[tuple[str, str], ...], negated: bool) -> None:
        self.ranges = ranges
        self.negated = negated

    def regex(self) -> str:
        body = "".join(re.escape(lo) if lo == hi else f"{re.escape(lo)}-{re.escape(hi)}" for lo, hi in self.ranges)
        return f"[^/{body}]" if self.negated else f"[{body}]"


_Token = str | _Class  # "*", "?", a literal character ("\0" + c, so "*" and "?" can be literals), or a class
_STAR, _ONE = "*", "?"


class Glob:
    """A compiled glob. Build it with Glob.compile (cached), test paths with .matches."""

    __slots__ = ("_regex", "pattern")

    def __init__(self, pattern: str, regex: re.Pattern[str]) -> None:
        self.pattern = pattern
        self._regex = regex

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"

    @staticmethod
    def compile(pattern: str) -> Glob:
        """The compiled glob; GlobError (a ValueError) when pattern_problem(pattern) is not None."""
        return _compile(pattern)

    def matches(self, path: str) -> bool:
        """Does the repo-relative POSIX path (no leading or trailing '/') match the whole pattern?"""
        return self._regex.match(path) is not None


def excluded(path: str, patterns: list[str]) -> bool:
    """Whether exclude globs name path or a directory above it (`test/e2e` excludes everything below it).
    Patterns that cannot be used are reported by the caller (pattern_problem) and match nothing here."""
    if not patterns:
        return False
    globs = [glob for glob in (_usable(pattern.rstrip("/")) for pattern in patterns) if glob is not None]
    parts = path.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(glob.matches(prefix) for glob in globs for prefix in prefixes)


def _usable(pattern: str) -> Glob | None:
    try:
        return _compile(pattern)
    except GlobError:
        return None


def pattern_problem(pattern: str) -> str | None:
    """Why a glob cannot be used, in words that say what to write instead, or None."""
    try:
        _compile(pattern)
    except GlobError as exc:
        return str(exc)
    return None


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> Glob:
    if len(pattern) > MAX_GLOB_LENGTH:
        raise GlobError(f"a glob is at most {MAX_GLOB_LENGTH} characters; this one has {len(pattern)}")
    if UNPRINTABLE.search(pattern):
        raise GlobError("a glob cannot hold a line break or control character; remove it")
    if pattern.startswith("/") or "\\" in pattern or re.match(r"[A-Za-z]:", pattern):
        raise GlobError("a glob must be relative to the repository and stay inside it (no leading '/', no '\\')")
    segments = [s for s in pattern.split("/") if s not in ("", ".")]  # `a//b`, `./a` and `a/` mean what they say
    if not segments:
        raise GlobError("the glob is empty; write e.g. 'monitoring/*.yaml'")
    if any(s == ".." or s == ".git" for s in segments):
        raise GlobError("a glob must stay inside the repository (no '..' and no .git)")
    parsed: list[list[_Token] | None] = []  # None: a `**` segment
    for index, segment in enumerate(segments):
        if segment == "**":
            if not (parsed and parsed[-1] is None):  # `**/**` is `**`
                parsed.append(None)
        elif "**" in segment:
            raise GlobError(_double_star_hint(segments, index))
        else:
            parsed.append(_segment_tokens(segment))
    return Glob(pattern, re.compile(_path_regex(parsed), re.DOTALL))


def _double_star_hint(segments: list[str], index: int) -> str:
    """`a**b` crossed folders in release 1 and means `*` in git and most tools: refuse it, saying what to write."""
    segment = segments[index]
    single = re.sub(r"\*{2,}", "*", segment)
    if segment.startswith("**") and "**" not in segment.lstrip("*"):
        # `**.yaml` is exactly `**/*.yaml`
        suggestion = "/".join(segments[:index] + ["**", single])
        return f"'**' must be a whole path segment; for files at any depth write '{suggestion}'"
    within = "/".join(segments[:index] + [single] + segments[index + 1:])
    return (f"'**' must be a whole path segment (as in 'monitoring/**/*.yaml'); within one folder write "
            f"'{within}'")


def _segment_tokens(segment: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(segment):
        c = segment[i]
        if c == "*":
            tokens.append(_STAR)
        elif c == "?":
            tokens.append(_ONE)
        elif c == "[" and (parsed := _parse_class(segment, i)) is not None:
            klass, i = parsed
            tokens.append(klass)
            continue
        else:
            tokens.append("\0" + c)
        i += 1
    return tokens


def _parse_class(segment: str, start: int) -> tuple[_Class, int] | None:
    """The class at segment[start] == '[' and the index after it, or None for an unclosed '[' (a literal)."""
    i = start + 1
    negated = i < len(segment) and segment[i] in "!^"
    if negated:
        i += 1
    if i < len(segment) and segment[i] == "]":
        raise GlobError(f"'{segment[start:i + 1]}' is an empty class, which matches nothing; list characters "
                        f"as in '[abc]' or '[a-z]' ({_LITERAL_BRACKET_HINT})")
    end = segment.find("]", i)
    if end == -1:
        return None
    body = segment[i:end]
    ranges: list[tuple[str, str]] = []
    j = 0
    while j < len(body):
        if j + 2 < len(body) and body[j + 1] == "-":
            lo, hi = body[j], body[j + 2]
            if lo > hi:
                raise GlobError(f"'[{body}]' has the range '{lo}-{hi}', which is backwards; write '{hi}-{lo}'")
            ranges.append((lo, hi))
            j += 3
        else:
            ranges.append((body[j], body[j]))
            j += 1
    return _Class(tuple(ranges), negated), end + 1


# ---------------------------------------------------------------- to a regular expression
#
# A segment `C0*C1*...*Ck` (Ci fixed-length: literals, `?`, classes) becomes
#   (?> C0 (?>[^/]*?C1) ... (?>[^/]*?Ck-1) [^/]*Ck (?![^/]) )
# The leftmost occurrence of each middle piece is as good as any other (it ends
# earliest, leaving the most room), so it is committed; only the last `[^/]*`
# backtracks, once over the segment. The whole segment is atomic too: its end
# is fixed by the next '/', so there is exactly one way to match it.
# Between `**` segments the same holds with whole segments as letters.

def _segment_regex(tokens: list[_Token]) -> str:
    pieces: list[list[_Token]] = [[]]  # the fixed-length pieces between runs of `*`
    for index, token in enumerate(tokens):
        if token != _STAR:
            pieces[-1].append(token)
        elif index == 0 or tokens[index - 1] != _STAR:  # a run of `*` is one `*`
            pieces.append([])
    fixed = ["".join(_token_regex(t) for t in piece) for piece in pieces]
    if len(fixed) == 1:
        return f"(?>{fixed[0]})(?![^/])"
    middle = "".join(f"(?>[^/]*?{piece})" for piece in fixed[1:-1])
    return f"(?>{fixed[0]}{middle}[^/]*{fixed[-1]}(?![^/]))"


def _token_regex(token: _Token) -> str:
    if isinstance(token, _Class):
        return token.regex()
    if token == _ONE:
        return "[^/]"
    return re.escape(token[1:])


def _path_regex(parsed: list[list[_Token] | None]) -> str:
    """Segments and `**` (None) as one regular expression, anchored at both ends."""
    trailing = parsed[-1] is None  # `dir/**`: one or more segments below dir
    if trailing:
        parsed = parsed[:-1]
    chunks: list[list[str]] = [[]]  # runs of segments between `**`
    for item in parsed:
        if item is None:
            chunks.append([])
        else:
            chunks[-1].append(_segment_regex(item))
    out = "/".join(chunks[0])
    if len(chunks) == 1:
        if trailing:
            return f"{out}/.+\\Z" if out else ".+\\Z"
        return out + "\\Z"
    out += "/" if out else ""
    any_segments = "(?:[^/]+/)*"
    for chunk in chunks[1:-1]:
        out += f"(?>{any_segments}?{'/'.join(chunk)}/)"  # the leftmost place for this run of segments
    last = "/".join(chunks[-1])  # never empty: `**/**` is one `**`, and a final `**` is `trailing`
    if trailing:
        return out + f"(?>{any_segments}?{last}/).+\\Z"
    return out + f"{any_segments}{last}\\Z"
