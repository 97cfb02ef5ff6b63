"""The glob matcher: same answers as an independent implementation, bounded cost, clear refusals."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checker.globs import MAX_GLOB_LENGTH, Glob, pattern_problem
from tests.conftest import check_repo

wcmatch = pytest.importorskip("wcmatch.glob", reason="wcmatch is the reference matcher (pip install wcmatch)")
# wcmatch reads `*`, `?`, `[...]`, `[!...]` and a whole-segment `**` as we do; DOTGLOB lets `*` match a leading dot.
REFERENCE_FLAGS = wcmatch.GLOBSTAR | wcmatch.DOTGLOB | wcmatch.FORCEUNIX


def reference(pattern: str, path: str) -> bool:
    return bool(wcmatch.globmatch(path, pattern, flags=REFERENCE_FLAGS))


# Small alphabets, so that random patterns and paths often meet.
_CHARS = "ab.-"
_class = st.builds(  # a '-' only first, where it is a literal, so no backwards range is drawn
    lambda negated, dash, items: "[" + ("!" if negated else "") + ("-" if dash else "") + "".join(items) + "]",
    st.booleans(), st.booleans(),
    st.lists(st.sampled_from(["a", "b", "c", ".", "a-b", "a-c", "b-c"]), min_size=1, max_size=3),
)
_piece = st.one_of(st.sampled_from(list(_CHARS)), st.just("*"), st.just("?"), _class)
_segment = st.lists(_piece, min_size=1, max_size=5).map("".join).filter(lambda s: "**" not in s and s not in (".", ".."))
_pattern = st.lists(st.one_of(_segment, st.just("**")), min_size=1, max_size=5).map("/".join)
_path_segment = st.text(alphabet=_CHARS + "c", min_size=1, max_size=6).filter(lambda s: s not in (".", ".."))
_path = st.lists(_path_segment, min_size=1, max_size=6).map("/".join)


@st.composite
def _pattern_and_close_path(draw: st.DrawFn) -> tuple[str, str]:
    """A pattern, and a path made by filling it in (so it often matches), then perhaps mutated."""
    pattern = draw(_pattern)
    segments: list[str] = []
    for segment in pattern.split("/"):
        if segment == "**":
            segments += draw(st.lists(_path_segment, max_size=3))
            continue
        text = ""
        i = 0
        while i < len(segment):
            c = segment[i]
            if c == "*":
                text += draw(st.text(alphabet=_CHARS, max_size=3))
            elif c == "?":
                text += draw(st.sampled_from(_CHARS))
            elif c == "[":
                end = segment.index("]", i + 2)
                text += draw(st.sampled_from("abc.-"))
                i = end
            else:
                text += c
            i += 1
        segments.append(text or "a")
    path = "/".join(s for s in segments if s not in ("", ".", ".."))
    if draw(st.booleans()):
        path = draw(_path)
    return pattern, path or "a"


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(_pattern_and_close_path())
@example(("**/x.yaml", "x.yaml"))
@example(("a/**", "a"))
@example(("a/**", "a/b/c"))
@example(("a/**/b", "a/b"))
@example(("**", "a/b"))
@example(("*a*b", "xaab"))
@example(("[!a]", "b"))
@example(("*", ".hidden"))
def test_matches_like_wcmatch(case: tuple[str, str]) -> None:
    pattern, path = case
    assert pattern_problem(pattern) is None, pattern
    assert Glob.compile(pattern).matches(path) == reference(pattern, path), (pattern, path)


@given(_pattern, _path)
@settings(max_examples=300)
def test_matches_like_wcmatch_on_unrelated_paths(pattern: str, path: str) -> None:
    assert Glob.compile(pattern).matches(path) == reference(pattern, path), (pattern, path)


@pytest.mark.parametrize(("pattern", "path", "expected"), [
    ("monitoring/**/*.yaml", "monitoring/x.yaml", True),
    ("monitoring/**/*.yaml", "monitoring/a/b/x.yaml", True),
    ("monitoring/**/*.yaml", "monitoring/x.yml", False),
    ("services/*", "services/a/b", False),
    ("a/**", "a", False),  # everything below a, not a itself
    ("[!a]x", "/x", False),  # a class never matches '/'
    ("[^a]x", "bx", True),  # '^' negates like '!'
    ("a[b", "a[b", True),  # an unclosed '[' is a literal
    ("[[]x", "[x", True),
    ("./monitoring//*.yaml", "monitoring/a.yaml", True),  # '.' and empty segments are dropped
    ("[a||b]", "|", True),  # punctuation in a class is itself (not Python's set operations)
    ("[&&~~]", "~", True),
    ("[%-.]", ",", True),
])
def test_examples(pattern: str, path: str, expected: bool) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # re's FutureWarning on `||` in a class would be a bug here
        assert Glob.compile(pattern).matches(path) is expected


@pytest.mark.parametrize(("pattern", "says"), [
    ("[]", "'[]' is an empty class"),
    ("[!]", "'[!]' is an empty class"),
    ("x/[z-a].yaml", "range 'z-a', which is backwards; write 'a-z'"),
    ("monitoring/**.yaml", "write 'monitoring/**/*.yaml'"),
    ("********************x", "'**' must be a whole path segment"),
    ("a**b/c", "within one folder write 'a*b/c'"),
    ("../x/*", "stay inside the repository"),
    ("x/.git/*", "no .git"),
    ("/abs/*", "relative to the repository"),
    ("a\\b", "relative to the repository"),
    ("a\nb", "line break"),
    ("a\x00b", "control character"),
    ("x" * (MAX_GLOB_LENGTH + 1), f"at most {MAX_GLOB_LENGTH} characters"),
    ("", "empty"),
])
def test_refused_patterns_say_what_to_write(pattern: str, says: str) -> None:
    problem = pattern_problem(pattern)
    assert problem is not None and says in problem
    with pytest.raises(ValueError):
        Glob.compile(pattern)


def test_compiled_once() -> None:
    assert Glob.compile("monitoring/**/*.yaml") is Glob.compile("monitoring/**/*.yaml")


# Each of these backtracks for minutes (or longer) as a naive regular expression.
PATHOLOGICAL = [
    ("*x*x*x*x*x*x*x*x*x*x*x*x*x*x*x*x*x*x*x*y", "x" * 4000),
    ("*a*a*a*a*a*a*a*a*a*a*a*a*b", "a" * 3000 + "/" + "a" * 999),
    ("**/*a*a*a*a*a*a*a*a*a*b/**/*a*a*a*a*b", "/".join(["a" * 39] * 100)),
    ("/".join(["*"] * 200) + "/x", "/".join(["a"] * 2000)),
    ("**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/b", "/".join(["a"] * 2000)),
    ("*?" * 120 + "b", "a" * 4000),
    ("**/" + "[a-z]?" * 60 + "*b", "/".join(["ab" * 30] * 60)),
]


def test_pathological_patterns_finish_on_4000_character_paths() -> None:
    """Timing-free: the whole batch must finish (a child process, killed if it does not)."""
    code = (
        "from checker.globs import Glob\n"
        f"cases = {PATHOLOGICAL!r}\n"
        "print(sum(Glob.compile(p).matches(path) for p, path in cases))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"
    assert all(len(path) >= 3600 for _, path in PATHOLOGICAL)


# ---------------------------------------------------------------- where globs come from: a diagnostic, never a crash

ALERTS = '\nalerts:\n  - {type: prometheus, paths: ["PATTERN"], owner_labels: [team]}\n'
DISCOVERY = '\ndiscovery:\n  - directories: "PATTERN"\n  - kubernetes: "PATTERN"\n'


@pytest.mark.parametrize("pattern", ["[]", "x/[z-a]*.yaml", "[!]", "********************x", "a/**.yaml"])
@pytest.mark.parametrize("place", ["include", "alerts", "discovery"])
def test_a_bad_glob_is_cfg002_naming_it(repo, place: str, pattern: str) -> None:  # type: ignore[no-untyped-def]
    config = {"include": f'include: ["{pattern}"]\n', "alerts": ALERTS.replace("PATTERN", pattern),
              "discovery": DISCOVERY.replace("PATTERN", pattern)}[place]
    root = repo("version: 1\n" + config, {"x/a.yaml": "people: {}\n", "a/b.yaml": "people: {}\n"})
    result = check_repo(root)
    problems = [d for d in result.diagnostics if d.rule == "CFG002" and f"'{pattern}'" in d.message]
    assert problems, [(d.rule, d.message) for d in result.diagnostics]
    assert all(d.location.file == "ownership.yaml" and d.location.line > 1 for d in problems)


def test_a_pathological_include_answers_on_a_deep_tree(repo) -> None:  # type: ignore[no-untyped-def]
    """A valid glob with many stars, against long names: matched in linear time, as a check run sees it."""
    deep = "/".join(["a" * 200] * 15) + "/" + "x" * 200 + ".yaml"
    code = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from checker.pipeline import run_check\n"
        "from checker.sources.worktree import WorktreeSource\n"
        "result = run_check(WorktreeSource(sys.argv[1]), 'ownership.yaml', datetime(2026, 1, 1, tzinfo=UTC))\n"
        "print(sorted({d.rule for d in result.diagnostics}))\n"
    )
    root = repo('version: 1\ninclude: ["**/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b.yaml"]\n'
                'alerts:\n  - {type: prometheus, paths: ["**/*x*x*x*x*x*x*x*x*x*x*x*x*x*x*x*x*x*x*y"]}\n',
                {deep: "people: {}\n"})
    done = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "CFG004" in done.stdout  # the include matches nothing, and says so
