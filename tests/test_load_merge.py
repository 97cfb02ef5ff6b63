"""YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`) read as PyYAML reads them (SPEC §8), bounded like aliases."""

from __future__ import annotations

import pytest
import yaml

from checker.load import MAX_EXPANDED_NODES, read_yaml, value_loc


def load(text: str):  # type: ignore[no-untyped-def]
    return read_yaml(text.encode(), "f.yaml")


# Each document is read by PyYAML (an independent reader) and by ours; values are strings and
# small integers so YAML 1.1 and 1.2 agree on them.
AGREED = [
    "d: &d {a: 1, b: 2}\nx:\n  <<: *d\n  b: 3\n",
    "d: &d {a: 1, b: 2}\nx:\n  b: 3\n  <<: *d\n",
    "a: &a {k: one}\nb: &b {k: two, j: two}\nx: {<<: [*a, *b], z: 0}\n",
    "x: {b: 3, <<: {b: 1, c: 1}}\n",
    "x: {'<<': 1}\n",
    "base: &base {labels: {severity: critical}}\nrule:\n  <<: *base\n  alert: Down\n",
    "a: &a {p: 1}\nb: &b {<<: *a, q: 2}\nc: {<<: *b, r: 3}\n",
    "x: {<<: []}\n",
    "- &t {team: payments}\n- {<<: *t, alert: A}\n- {<<: *t, alert: B, team: sre}\n",
]


@pytest.mark.parametrize("text", AGREED)
def test_merge_keys_read_as_pyyaml_reads_them(text: str) -> None:
    result = load(text)
    assert result.diagnostics == []
    assert result.documents == [yaml.safe_load(text)]


def test_merged_keys_point_at_where_they_are_written() -> None:
    doc = load("d: &d\n  team: payments\nx:\n  <<: *d\n  alert: A\n").documents[0]
    assert doc["x"] == {"alert": "A", "team": "payments"}
    assert value_loc(doc["x"], "team", doc.loc).line == 2
    assert value_loc(doc["x"], "alert", doc.loc).line == 5


@pytest.mark.parametrize(("text", "found", "line"), [
    ("x: {<<: 1}", "found the value '1'", 1),
    ("x: {<<: [1]}", "found the value '1'", 1),
    ("x: {<<: [[a]]}", "found a list", 1),
    ("x: {<<: }", "found an empty value", 1),
    ("l: &l [a]\nx: {<<: *l}", "found the value 'a'", 2),
])
def test_merging_something_that_is_not_a_mapping_is_cfg001(text: str, found: str, line: int) -> None:
    result = load(text)
    [diag] = result.diagnostics
    assert diag.rule == "CFG001"
    assert "a merge key `<<` takes a mapping or a list of mappings" in diag.message
    assert found in diag.message
    assert (diag.location.line, diag.location.column) == (line, 5)  # the `<<` key
    assert result.documents == []


def test_a_repeated_merge_key_is_a_duplicate_not_last_wins() -> None:
    result = load("x: {<<: {a: 1}, <<: {b: 1}}")
    [diag] = result.diagnostics
    assert diag.rule == "CFG003"
    assert "`<<: [*a, *b]`" in diag.message


def test_a_quoted_merge_key_is_an_ordinary_key() -> None:
    assert load('x: {"<<": {a: 1}}').documents[0] == {"x": {"<<": {"a": 1}}}


def test_a_merge_bomb_is_stopped_by_the_alias_limit() -> None:
    lines = ["a0: &a0 {" + ", ".join(f"k{i}: [x, x, x, x, x, x, x, x, x, x]" for i in range(10)) + "}"]
    for level in range(1, 8):
        refs = ", ".join(f"m{i}: {{<<: *a{level - 1}}}" for i in range(10))
        lines.append(f"a{level}: &a{level} {{{refs}}}")
    result = load("\n".join(lines))
    assert [d.rule for d in result.diagnostics] == ["CFG001"]
    assert f"{MAX_EXPANDED_NODES:,} nodes" in result.diagnostics[0].message
