"""Who GitHub assigns: checker/codeowners/patterns.py against an independent reader, the `codeowners`
package (a port of hmarr/codeowners, whose rules follow GitHub's documentation), on real files.

Known differences, each checked below rather than hidden:
- the package reads owners after an inline `#` (airflow's file lists translators in such comments
  precisely so that GitHub does *not* read them);
- the package swaps spaces for runs of slashes before matching, so a path holding a space can match
  a pattern as if it were a directory; paths with spaces are compared only where that cannot happen.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.codeowners.patterns import compile_pattern, owner_line, parse, tokens_of

codeowners = pytest.importorskip("codeowners", reason="the independent CODEOWNERS reader (test extra) is not installed")

FIXTURES = Path(__file__).parent / "fixtures" / "codeowners"
REAL_FILES = ["nodejs-node.CODEOWNERS", "apache-airflow.CODEOWNERS"]


def _probes(pattern_text: str) -> list[str]:
    """Paths around what a pattern names: itself, inside it, beside it, deeper, and under another directory."""
    plain = pattern_text.replace("\\ ", " ").strip("/")
    concrete = plain.replace("**", "x/y").replace("*", "zz").replace("?", "q")
    parent = concrete.rsplit("/", 1)[0] if "/" in concrete else ""
    out = {concrete, concrete + "/file.js", concrete + "/deep/er/file.js", "nested/" + concrete,
           "nested/" + concrete + "/file.js", concrete + "x", concrete + ".js"}
    if parent:
        out |= {parent + "/other.js", parent, parent + "/sub/other.js"}
    return sorted(p for p in out if p)


def _real_file_probes(text: str) -> list[str]:
    probes: set[str] = set()
    for line in parse(text).lines:
        probes.update(_probes(line.pattern.text))
    return sorted(probes)


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_files_give_every_path_to_the_same_line_as_the_codeowners_package(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    ours = parse(text)
    theirs = codeowners.CodeOwners(text)
    assert not ours.skipped
    assert [line.number for line in ours.lines] == sorted(entry[3] for entry in theirs.paths)
    probes = _real_file_probes(text)
    assert len(probes) > 500
    disagreements = []
    for path in probes:
        line = owner_line(ours.lines, path)
        expected = theirs.matching_line(path)[1]
        if (line.number if line else None) != expected:
            disagreements.append((path, line.number if line else None, expected))
    assert disagreements == []


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_files_owners_agree_except_inside_inline_comments(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    theirs = {entry[3]: [owner for _, owner in entry[2]] for entry in codeowners.CodeOwners(text).paths}
    for line in parse(text).lines:
        if " #" in line.text:
            before_comment = line.text.split(" #", 1)[0]
            assert list(line.owners) == tokens_of(before_comment)[1:]
            assert list(line.owners) == theirs[line.number][: len(line.owners)]
            assert len(theirs[line.number]) > len(line.owners)  # the package also reads the commented names
        else:
            assert list(line.owners) == theirs[line.number], line.text


def test_airflow_translators_in_comments_are_not_owners() -> None:
    text = (FIXTURES / "apache-airflow.CODEOWNERS").read_text(encoding="utf-8")
    line = owner_line(parse(text).lines, "airflow-core/src/airflow/ui/public/i18n/locales/ar/common.json")
    assert line is not None and line.owners == ("@shahar1", "@hussein-awala")


SEGMENT = st.text(alphabet="ab.-*?", min_size=1, max_size=5)
PATTERN = st.builds(lambda lead, segments, trail: ("/" if lead else "") + "/".join(segments) + ("/" if trail else ""),
                    st.booleans(), st.lists(SEGMENT, min_size=1, max_size=5), st.booleans())
PATH = st.lists(st.text(alphabet="ab.-", min_size=1, max_size=4), min_size=1, max_size=6).map("/".join)


@settings(max_examples=1500, deadline=None)
@given(PATTERN, PATH)
def test_any_pattern_matches_any_path_as_the_codeowners_package_says(pattern: str, path: str) -> None:
    expected = codeowners.path_to_regex(pattern).search(path) is not None
    assert compile_pattern(pattern).matches(path) is expected


@settings(max_examples=1500, deadline=None)
@given(PATTERN, PATH)
def test_the_fast_regex_and_the_bounded_automaton_agree(pattern: str, path: str) -> None:
    compiled = compile_pattern(pattern)
    assert compiled.matches(path) is compiled.matches_by_automaton(path)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet="ab -", min_size=1, max_size=5).filter(lambda s: s.strip() == s), min_size=1,
                max_size=4).map("/".join))
def test_an_escaped_space_is_part_of_the_pattern(path: str) -> None:
    written = "/" + path.replace(" ", "\\ ")
    assert compile_pattern(written).matches(path)
    mask = codeowners.MASK
    assert codeowners.path_to_regex(written.replace("\\ ", mask)).search(path.replace(" ", mask))
    if " " in path:
        assert not compile_pattern("/" + path.split(" ")[0]).matches(path) or path.split(" ")[0].endswith("/")


@pytest.mark.parametrize(("pattern", "path", "owned"), [
    ("/docs/*", "docs/a.md", True),
    ("/docs/*", "docs/build/a.md", False),            # GitHub: `docs/*` does not reach nested files
    ("/docs/", "docs/build/a.md", True),
    ("docs/", "src/docs/a.md", True),                 # a trailing slash alone does not anchor
    ("docs/", "docs", False),                         # ... and matches directories only
    ("/docs", "docs", True),
    ("/deps", "deps/v8/src/api.cc", True),
    ("/deps", "deps-old/x", False),
    ("*.js", "lib/a/b.js", True),                     # no slash: any depth
    ("/*.js", "lib/b.js", False),
    ("/providers/**/fs/", "providers/a/b/fs/x.py", True),
    ("/providers/**/fs/", "providers/fs/x.py", True),
    ("/a/**", "a/b/c", True),
    ("/a/**", "a", False),
    ("**/logs", "x/y/logs/z", True),
    ("/docs/on\\ call/", "docs/on call/pager.md", True),
    ("/docs/on\\ call/", "docs/on/pager.md", False),
])
def test_github_semantics(pattern: str, path: str, owned: bool) -> None:
    assert compile_pattern(pattern).matches(path) is owned


def test_lines_github_refuses_are_skipped() -> None:
    text = "* @everyone\n!/secret/ @nobody\n/src/*.[ch] @c-team\n\\#notes @x\n/docs/ @writers # + @someone\n"
    parsed = parse(text)
    assert [line.number for line in parsed.lines] == [1, 5]
    assert [number for number, _ in parsed.skipped] == [2, 3, 4]
    assert owner_line(parsed.lines, "src/a.c").owners == ("@everyone",)  # type: ignore[union-attr]


def test_crlf_lines_are_read_without_their_cr() -> None:
    parsed = parse("/a/ @x\r\n/b/ @y\r\n")
    assert [line.owners for line in parsed.lines] == [("@x",), ("@y",)]


def test_matching_cost_is_bounded_whatever_the_pattern() -> None:
    # As a backtracking regex, 30 `*` in one segment against a near miss take longer than anyone waits.
    pattern = compile_pattern("/" + "a*" * 30 + "b")
    start = time.perf_counter()
    assert not pattern.matches("a" * 200)
    assert not compile_pattern("*" + "?*" * 40 + "x").matches("y" * 250)
    assert time.perf_counter() - start < 1.0
    assert compile_pattern("/" + "a*" * 30 + "b").regex is None  # too many `*` for a regex: the automaton decides
    nested = compile_pattern("/" + "*a*/" * 12 + "b")  # a plain regex tries every split of every segment
    start = time.perf_counter()
    assert not nested.matches("a" * 16 + "/" + ("a" * 16 + "/") * 11 + "c")
    assert time.perf_counter() - start < 0.1


@settings(max_examples=1000, deadline=None)
@given(st.lists(PATH, max_size=8), st.lists(st.sampled_from(["a", "b", "a.b", "ab", "b-a"]), min_size=1, max_size=3)
       .map("/".join), st.sampled_from(["", "/"]), st.sampled_from(["", "/", "./"]))
def test_a_plain_path_matches_nothing_exactly_when_no_file_falls_under_its_line(
        files: list[str], path: str, trail: str, lead: str) -> None:
    from checker.codeowners.audit import matches_nothing

    written = compile_pattern("/" + path + trail)
    assert matches_nothing(lead + path + trail, sorted(files)) is not any(written.matches(f) for f in files)
