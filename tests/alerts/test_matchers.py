"""Matchers parse as Alertmanager parses them: its own test tables (tests/fixtures/alertmanager/) are the reference."""

from __future__ import annotations

import json
import time

import pytest

from checker.matchers import (
    MatcherError,
    compile_anchored,
    new_matcher,
    parse_classic,
    parse_matchers,
    parse_utf8,
)
from tests.conftest import REPO_ROOT

TABLES = REPO_ROOT / "tests/fixtures/alertmanager"


def _table(name: str) -> list:  # type: ignore[type-arg]
    cases = json.loads((TABLES / name).read_text(encoding="utf-8"))["cases"]
    return [pytest.param(c, id=c["input"][:60] or "<empty>") for c in cases]


def _parsed(parse, text: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[m.op, m.name, m.value] for m in parse(text)]


@pytest.mark.parametrize("case", _table("classic_matchers.json"))
def test_classic_parser_agrees_with_alertmanagers_own_cases(case: dict) -> None:  # type: ignore[type-arg]
    if case["error"] is None:
        assert _parsed(parse_classic, case["input"]) == case["want"]
        return
    with pytest.raises(MatcherError) as raised:
        parse_classic(case["input"])
    if "regexp" not in case["error"]:  # Go words regex errors its own way; the rest are word for word
        assert str(raised.value) == case["error"]


@pytest.mark.parametrize("case", _table("utf8_matchers.json"))
def test_utf8_parser_agrees_with_alertmanagers_own_cases(case: dict) -> None:  # type: ignore[type-arg]
    if case["error"] is None:
        assert _parsed(parse_utf8, case["input"]) == case["want"]
    else:
        with pytest.raises(MatcherError):
            parse_utf8(case["input"])


def test_fallback_takes_the_classic_answer_then_the_utf8_one() -> None:
    # Both parse: the classic answer (they agree here).
    assert _parsed(parse_matchers, 'team="payments"') == [["=", "team", "payments"]]
    # Only the UTF-8 parser reads quoted or dotted label names.
    assert _parsed(parse_matchers, '"service name"="checkout"') == [["=", "service name", "checkout"]]
    assert _parsed(parse_matchers, "k8s.namespace=prod") == [["=", "k8s.namespace", "prod"]]
    # Neither: the classic parser's reason.
    with pytest.raises(MatcherError, match="unescaped double quote"):
        parse_matchers('job="value')


@pytest.mark.parametrize(("op", "value", "label", "expected"), [
    ("=~", "critical|page", "page", True),
    ("=~", "critical|page", "pager", False),  # anchored: ^(?:critical|page)$
    ("=~", "crit", "critical", False),
    ("!~", "crit.*", "critical", False),
    ("!~", "crit.*", "warning", True),
    ("=", "", None, True),  # an absent label is the empty string
    ("!=", "payments", None, True),
    ("=~", ".+", None, False),
    ("=~", "a.b", "a\nb", False),  # RE2/Go: . does not match a newline
    ("=~", "(?i)PROD", "prod", True),
    ("=~", "[[:alpha:]]+", "abc", True),  # Go's POSIX classes, which Python's re lacks
])
def test_regex_semantics_are_go_re2(op: str, value: str, label: str | None, expected: bool) -> None:
    labels = {} if label is None else {"x": label}
    assert new_matcher("x", op, value).matches(labels) is expected


def test_a_catastrophic_regex_runs_in_linear_time() -> None:
    regex = compile_anchored("(a+)+$")
    started = time.perf_counter()
    assert regex.search("a" * 100_000 + "b") is None
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("pattern", ["(a|b", "a{2,1}", "(?P=x)", "\\8"])
def test_a_regex_alertmanager_refuses_is_an_error(pattern: str) -> None:
    with pytest.raises(MatcherError, match="does not compile"):
        compile_anchored(pattern)
