"""Hostile Alertmanager configs and matchers: a diagnostic or a routing answer, never a crash or a hang."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.matchers import MatcherError, parse_matchers
from checker.routing import route
from checker.sources.alertmanager import read
from tests.conftest import check_repo, write_repo

MATCHER_ALPHABET = st.sampled_from(list('ab=!~",{}\\ \n\t.*|()[]^$xé\x00') + ["\\x", "\\u00e9", "=~", "!="])


@settings(max_examples=400, deadline=None)
@given(st.lists(MATCHER_ALPHABET, max_size=30).map("".join))
def test_any_matcher_line_parses_or_says_why(text: str) -> None:
    try:
        matchers = parse_matchers(text)
    except MatcherError:
        return
    for matcher in matchers:
        matcher.matches({"a": "x", "b": ""})


ROUTE_KEYS = st.sampled_from(["receiver", "match", "match_re", "matchers", "continue", "routes", "group_by", "x"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.just("r"), st.just('a=~"x|y"'))
YAMLISH = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(ROUTE_KEYS, inner, max_size=4)), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(route_body=YAMLISH, receivers=st.lists(st.sampled_from(["r", "s", ""]), max_size=3))
def test_any_config_is_read_or_refused_with_alr007(route_body: object, receivers: list[str]) -> None:
    import json

    text = json.dumps({"route": route_body, "receivers": [{"name": r} for r in receivers]})  # JSON is YAML
    config, problems = read(text.encode(), "am.yml")
    assert all(p.rule == "ALR007" for p in problems)
    if config is not None:
        assert route({"a": "x"}, config.root)


def test_a_wide_tree_and_many_alerts_route_quickly(tmp_path: Path) -> None:
    routes = "\n".join(f"    - {{receiver: r{i}, matchers: ['team=\"t{i}\"', 'severity=~\"critical|page\"']}}"
                       for i in range(300))
    receivers = "\n".join(f"  - name: r{i}" for i in range(300))
    rules = "\n".join(f"      - {{alert: A{i}, expr: up == 0, labels: {{severity: critical, team: t{i % 300}}}}}"
                      for i in range(3000))
    teams = "\n".join(f"  t{i}: {{receivers: [r{i}]}}" for i in range(300))
    root = write_repo(tmp_path, f"""\
version: 1
policy: {{rules: {{ALR003: off, ALR004: off}}}}
teams:
{teams}
alerts: [{{type: prometheus, paths: [rules.yml]}}]
routing: {{alertmanager: am.yml}}
""", {"am.yml": f"route:\n  receiver: r0\n  routes:\n{routes}\nreceivers:\n{receivers}\n",
      "rules.yml": f"groups:\n  - name: g\n    rules:\n{rules}\n"})
    started = time.perf_counter()
    result = check_repo(root)
    assert time.perf_counter() - started < 20
    assert len(result.model.alerts) == 3000
    assert [d for d in result.diagnostics if d.rule in ("ALR006", "ALR007")] == []
