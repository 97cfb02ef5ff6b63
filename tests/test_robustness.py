"""No input of any shape makes the checker crash: it gives diagnostics (exit 1) or a one-line error (exit 2)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.cli import cli
from tests.conftest import NOW_TEXT, REPO_ROOT, check_repo, write_repo

ACME = yaml.safe_load((REPO_ROOT / "examples/acme/ownership.yaml").read_text())
WRONG_VALUES: list[Any] = [None, 7, True, "text", ["a", 1], {"x": {"y": []}}, 2.5, []]


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, prefix + (index,))


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[path[0]] = replaced(document[path[0]], path[1:], value)
    return copy


ALL_PATHS = list(paths(ACME))


def test_wrong_types_everywhere_give_diagnostics_not_crashes(tmp_path: Path) -> None:
    checked = 0
    for index, path in enumerate(ALL_PATHS):
        wrong = WRONG_VALUES[index % len(WRONG_VALUES)]
        root = write_repo(tmp_path / str(index), yaml.safe_dump(replaced(ACME, path, wrong)))
        result = check_repo(root)  # raises on any crash
        for diagnostic in result.diagnostics:
            assert diagnostic.location.line >= 1 and diagnostic.location.column >= 1
        checked += 1
    assert checked == len(ALL_PATHS) > 300


@pytest.mark.parametrize("text", [
    "", "# nothing\n", "[]\n", "- a\n- b\n", "42\n", "null\n", "version: 1\n---\nversion: 1\n",
    "version: [1]\npeople: 3\nteams: []\nrotations: {r: []}\nservices: {s: 1}\nwaivers: {}\n",
    "version: 1\nservices: {api: {oncall: {primary: [[[]]]}}}\n",
    "version: 1\npolicy: {rules: {NOPE: error, SVC001: maybe}, rotation: {handoff_days: [funday]}}\n",
    "version: 1\nteams: {t: {escalation: [{}, {rotation: 1, team: 2}, 3]}}\n",
])
def test_odd_documents_exit_1_with_diagnostics(tmp_path: Path, text: str) -> None:
    root = write_repo(tmp_path, text)
    result = CliRunner().invoke(cli, ["check", "--repo", str(root), "--now", NOW_TEXT], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "error" in result.output


def test_cli_prints_no_traceback_on_hostile_files(tmp_path: Path) -> None:
    hostile = {
        "brackets": b"version: 1\nservices: " + b"[" * 100_000,
        "bomb": ("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))).encode(),
        "tags": b"version: 1\nservices: !!python/object/apply:os.system [echo pwned]\n",
        "binary": b"\x00\xff\xfe garbage",
    }
    for name, data in hostile.items():
        root = tmp_path / name
        root.mkdir()
        (root / "ownership.yaml").write_bytes(data)
        done = subprocess.run([sys.executable, "-m", "checker", "check", "--repo", str(root)],
                              capture_output=True, text=True, timeout=60, check=False)
        assert "Traceback" not in done.stdout + done.stderr, name
        assert done.returncode == 1, (name, done.stdout, done.stderr)
        assert "CFG001" in done.stdout, name
        assert "pwned" not in done.stdout.replace("echo pwned", "")


# --- hypothesis: YAML built from the awkward parts of the language
scalars = st.sampled_from([
    "1", "0x1F", "0o17", "1e3", ".inf", "-.inf", ".nan", "~", "null", "true", "yes", "no", "on", "12:00",
    "2026-01-06", "2026-13-45T99:99", "'quoted'", '"dq\\n"', "!!binary aGk=", "!!python/name:os.system",
    "!!timestamp foo", "!custom x", "*a", "&a x", "|\n  block", ">-\n  folded", "9" * 60, "-", "?", "@x",
    "`x", "%TAG", "\t", "'unterminated", "{", "[", "]", "}", ",", "&b [*b]", "<<: *a",
])
keys = st.sampled_from(["version", "people", "teams", "rotations", "services", "policy", "include",
                        "waivers", "alerts", "discovery", "api", "team", "members", "a", "<<", "? x", ""])


def yaml_text(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return scalars
    inner = yaml_text(depth - 1)
    flow_seq = st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]")
    flow_map = st.lists(st.tuples(keys, inner), max_size=4).map(
        lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}")
    block_map = st.lists(st.tuples(keys, inner), min_size=1, max_size=4).map(
        lambda kv: "\n".join(f"{k}: {v}" for k, v in kv))
    anchored = st.tuples(st.sampled_from(["&a ", "&b ", "!!map ", "!!seq ", ""]), flow_seq | flow_map).map(
        lambda p: p[0] + p[1])
    return st.one_of(inner, flow_seq, flow_map, block_map, anchored)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=yaml_text(3), prefix=st.sampled_from(["", "version: 1\n", "%YAML 1.2\n---\n", "---\n"]))
def test_generated_yaml_gives_diagnostics_or_usage_error(tmp_path: Path, body: str, prefix: str) -> None:
    root = tmp_path / "hyp"
    root.mkdir(exist_ok=True)
    (root / "ownership.yaml").write_text(prefix + body, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--repo", str(root), "--now", NOW_TEXT, "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        assert len(result.output.strip().splitlines()) == 1
    else:
        import json

        body_json = json.loads(result.output)
        assert (result.exit_code == 1) == (body_json["summary"]["blocking"] > 0)
