"""The YAML loader's hard cases: untrusted input gives diagnostics, never a crash or a hang."""

from __future__ import annotations

import subprocess
import sys

import pytest

from checker.diagnostics import Location
from checker.load import MAX_DEPTH, MAX_FILE_BYTES, YMap, key_loc, read_yaml, value_loc


def load(text: str | bytes):  # type: ignore[no-untyped-def]
    return read_yaml(text.encode() if isinstance(text, str) else text, "f.yaml")


def test_yaml_1_2_scalars_stay_strings() -> None:
    doc = load("a: 12:00\nb: 2026-01-06\nc: no\nd: on\ne: 2026-01-06T12:00:00\nf: yes\ng: 0755\n").documents[0]
    assert doc == {"a": "12:00", "b": "2026-01-06", "c": "no", "d": "on", "e": "2026-01-06T12:00:00",
                   "f": "yes", "g": 755}


def test_core_schema_values() -> None:
    doc = load("a: true\nb: false\nc: null\nd: ~\ne: 3\nf: 0.25\ng: '3'\nh: 0x1f\ni:\n").documents[0]
    assert doc == {"a": True, "b": False, "c": None, "d": None, "e": 3, "f": 0.25, "g": "3", "h": 31, "i": None}


def test_every_key_and_value_has_a_location() -> None:
    doc = load("services:\n  api:\n    team: payments\n").documents[0]
    api = doc["services"]["api"]
    assert isinstance(api, YMap)
    assert key_loc(api, "team", api.loc) == Location("f.yaml", 3, 5)
    assert value_loc(api, "team", api.loc) == Location("f.yaml", 3, 11)


def test_duplicate_key_names_both_places_and_keeps_the_first() -> None:
    result = load("a: 1\nb: 2\na: 3\n")
    assert result.documents[0]["a"] == 1
    [diag] = result.diagnostics
    assert (diag.rule, diag.location.line) == ("CFG003", 3)
    assert "first at line 1" in diag.message


@pytest.mark.parametrize("text", [
    "x: !!python/object/apply:os.system [ls]",
    "x: !!binary aGVsbG8=",
    "x: !!timestamp foo",
    "x: !custom 1",
    "!!map {a: 1}",
    "x: !!str 1",
])
def test_explicit_tags_are_refused(text: str) -> None:
    result = load(text)
    assert [d.rule for d in result.diagnostics] == ["CFG001"]
    assert "explicit tag" in result.diagnostics[0].message
    assert result.documents == []


def test_not_utf8_points_at_the_byte() -> None:
    result = load(b"a: 1\nb: caf\xe9\n")
    [diag] = result.diagnostics
    assert (diag.rule, diag.location.line, diag.location.column) == ("CFG001", 2, 7)
    assert "UTF-8" in diag.message


def test_oversized_file() -> None:
    result = load(b"a: " + b"x" * (MAX_FILE_BYTES + 1))
    assert [d.rule for d in result.diagnostics] == ["CFG001"]
    assert "limit" in result.diagnostics[0].message
    # Sources read one byte past the limit, so the file's own size is unknown: the message does not guess it.
    assert result.diagnostics[0].message.startswith(f"file is larger than the {MAX_FILE_BYTES:,}-byte limit")


def test_alias_bomb_is_stopped() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    result = load("\n".join(lines))
    assert [d.rule for d in result.diagnostics] == ["CFG001"]
    assert "aliases" in result.diagnostics[0].message


def test_small_aliases_are_fine() -> None:
    result = load("base: &b {team: t}\nx: *b\n")
    assert result.diagnostics == [] and result.documents[0]["x"] == {"team": "t"}


def test_recursive_alias_is_refused() -> None:
    result = load("a: &a [*a]\n")
    assert [d.rule for d in result.diagnostics] == ["CFG001"]


def test_deep_nesting_is_bounded() -> None:
    result = load("[" * (MAX_DEPTH + 5))
    [diag] = result.diagnostics
    assert diag.rule == "CFG001" and "nesting" in diag.message


def test_100000_nested_brackets_do_not_crash_the_process() -> None:
    # In a child process: libyaml's own composer would segfault here; ours must not.
    code = ("from checker.load import read_yaml\n"
            "r = read_yaml(b'[' * 100000 + b']' * 100000, 'f.yaml')\n"
            "print(r.diagnostics[0].rule)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "CFG001"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_empty_documents(text: str) -> None:
    result = load(text)
    assert result.diagnostics == []


def test_multi_document_stream() -> None:
    assert load("a: 1\n---\nb: 2\n").documents == [{"a": 1}, {"b": 2}]


def test_complex_key_is_refused() -> None:
    result = load("? [a, b]\n: c\n")
    assert [d.rule for d in result.diagnostics] == ["CFG001"]


def test_huge_integer_stays_a_string() -> None:
    assert load("a: " + "9" * 5000).documents[0]["a"] == "9" * 5000


def test_an_alias_adds_no_node_to_hold() -> None:
    assert read_yaml(b"a: &x [1, 2, 3]\nb: *x\nc: *x\n", "a.yaml").nodes == 8
