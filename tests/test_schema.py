"""The fast validity check agrees with jsonschema, so skipping jsonschema for valid configs loses nothing."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.schema import conforms, ecma_anchored, jsonschema_validator, schema
from tests.conftest import REPO_ROOT, check_repo
from tests.test_robustness import ALL_PATHS, WRONG_VALUES, replaced

ACME = yaml.safe_load((REPO_ROOT / "examples/acme/ownership.yaml").read_text())
VALIDATOR = jsonschema_validator()


def agree(document: Any) -> None:
    assert conforms(document, schema()) == VALIDATOR.is_valid(document), document


def test_examples_agree() -> None:
    for path in ("examples/acme/ownership.yaml", "examples/broken/ownership.yaml"):
        agree(yaml.safe_load((REPO_ROOT / path).read_text()))


def test_every_wrong_value_everywhere_agrees() -> None:
    for path in ALL_PATHS:
        for wrong in WRONG_VALUES + [1.0, -1, "", "x" * 3, {"": 1}]:
            agree(replaced(ACME, path, wrong))


leaf_values = st.one_of(st.none(), st.booleans(), st.integers(-3, 30), st.floats(allow_nan=False, width=16),
                        st.sampled_from(["", "a", "1w", "0d", "12:00", "09:00-17:00", "2026-01-06T12:00", "UTC",
                                         "https://x", "production", "24x7", "error", "mon", "SVC001", "acme/x",
                                         "service/a", "A", "a b", "12-25", "critical", "a\n", "1w\n",
                                         "acme/x\n", "a@b.c", "a@b.c\n", "x\ry", "../x", "/x/", "#x"]))
keys = st.sampled_from(["version", "people", "teams", "rotations", "services", "policy", "rules", "team",
                        "members", "shift", "start", "oncall", "primary", "secondary", "escalation", "rotation",
                        "contact", "horizon", "a", "b", "SVC001", "runbook", "paths", "alerts", "type",
                        "discovery", "directories", "waivers", "rule", "subject", "reason", "expires", "x"])
documents = st.recursive(leaf_values, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(keys, inner, max_size=5), max_leaves=25)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(keys, documents, max_size=6))
def test_generated_documents_agree(document: dict) -> None:  # type: ignore[type-arg]
    agree({"version": 1, **document})


# ---------------------------------------------------------------- `$` is the end of the string

def _paths_to_patterns(node: Any, out: list[str]) -> list[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            out.append(node["pattern"])
        for value in node.values():
            _paths_to_patterns(value, out)
    elif isinstance(node, list):
        for value in node:
            _paths_to_patterns(value, out)
    return out


PATTERNS = sorted(set(_paths_to_patterns(schema(), [])))


@pytest.mark.parametrize(("document", "where"), [
    ({"people": {"abc\n": {}}}, "a person's name"),
    ({"teams": {"t": {"members": ["abc\n"]}}}, "a name in a list"),
    ({"people": {"a": {"github": "abc\n"}}}, "a GitHub login"),
    ({"teams": {"t": {"github_team": "acme/abc\n"}}}, "github_team"),
    ({"rotations": {"r": {"team": "t", "members": ["a"], "shift": "1w\n", "start": "2026-01-06"}}}, "a duration"),
    ({"waivers": [{"rule": "SVC001", "subject": "service/a\n", "reason": "r", "expires": "2027-01-01"}]},
     "a waiver subject"),
])
def test_a_final_newline_is_refused_by_both_paths(document: dict, where: str) -> None:  # type: ignore[type-arg]
    document = {"version": 1, **document}
    assert not conforms(document, schema()), where
    assert not VALIDATOR.is_valid(document), where
    assert conforms(_without_newlines(document), schema()), where


def _without_newlines(value: Any) -> Any:
    if isinstance(value, dict):
        return {_without_newlines(k): _without_newlines(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_newlines(v) for v in value]
    return value.replace("\n", "") if isinstance(value, str) else value


@pytest.mark.parametrize(("pattern", "anchored"), [
    ("^[a-z]+$", "^[a-z]+\\Z"),
    ("^a\\$$", "^a\\$\\Z"),  # an escaped `$` is a dollar sign
    ("^[$]$", "^[$]\\Z"),  # so is one in a class
    ("^(?!(.*/)?\\.\\.(/|$))x$", "^(?!(.*/)?\\.\\.(/|\\Z))x\\Z"),
])
def test_ecma_anchored(pattern: str, anchored: str) -> None:
    assert ecma_anchored(pattern) == anchored


SAMPLES = ["abc", "abc\n", "a\nb", "\nabc", "acme/payments", "acme/payments\n", "1w", "1w\n", "alice-example",
           "alice@example.com", "alice@example.com\n", "a b@c", "a@b@c", "Ann\r", "x\u2028y", "#chat", "../x",
           "a/../b", "a/..", "/services/x/", "docs/ @mallory", "services/x/\n* @mallory\n#", "service/api",
           "12:00-13:00", "2026-01-06T12:00", "GB", "GB-ENG", "", "a\u0085b", "caf\u00e9"]


@pytest.mark.skipif(shutil.which("node") is None, reason="node (an ECMA-262 engine) is not installed")
def test_every_schema_pattern_is_ecma_262_and_means_the_same_in_python() -> None:
    """V8 compiles each pattern as editors do (`u` flag) and answers like the fast path on every sample."""
    script = (
        "const [patterns, samples] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(patterns.map(p => samples.map(s => new RegExp(p, 'u').test(s)))));"
    )
    done = subprocess.run(["node", "-e", script], input=json.dumps([PATTERNS, SAMPLES]), capture_output=True,
                          text=True, timeout=60, check=True)
    ecma = json.loads(done.stdout)
    python = [[bool(re.compile(ecma_anchored(p)).search(s)) for s in SAMPLES] for p in PATTERNS]
    for pattern, by_ecma, by_python in zip(PATTERNS, ecma, python):
        assert by_ecma == by_python, (pattern, [s for s, a, b in zip(SAMPLES, by_ecma, by_python) if a != b])


# ---------------------------------------------------------------- free text stays on one line

@pytest.mark.parametrize(("document", "field"), [
    ({"people": {"a": {"name": "Alice\n::error::forged"}}}, "people.a.name"),
    ({"people": {"a": {"email": "a b@example.com"}}}, "people.a.email"),
    ({"people": {"a": {"email": "a@b@example.com"}}}, "people.a.email"),
    ({"people": {"a": {"email": "a@example.com\r\nATTENDEE:x"}}}, "people.a.email"),
    ({"people": {"a": {"exempt": "care\x1b[2K"}}}, "people.a.exempt"),
    ({"people": {"a": {"unavailable": [{"from": "2026-01-01", "to": "2026-01-02", "reason": "x\ny"}]}}},
     "people.a.unavailable[0].reason"),
    ({"teams": {"t": {"chat": "#x\n@everyone"}}}, "teams.t.chat"),
    ({"teams": {"t": {"escalation": [{"contact": "Vendor\r\n# ok"}]}}}, "teams.t.escalation[0].contact"),
    ({"services": {"s": {"description": "a\u2028b"}}}, "services.s.description"),
    ({"services": {"s": {"paths": ["services/x/\n* @mallory\n#"]}}}, "services.s.paths[0]"),
    ({"services": {"s": {"paths": ["docs/#x"]}}}, "services.s.paths[0]"),
    ({"services": {"s": {"paths": ["../outside/"]}}}, "services.s.paths[0]"),
    ({"services": {"s": {"paths": ["a/../../b"]}}}, "services.s.paths[0]"),
    ({"services": {"s": {"paths": ["a/.."]}}}, "services.s.paths[0]"),
    ({"rotations": {"r": {"team": "t", "members": ["a"], "shift": "1w", "start": "2026-01-06",
                          "overrides": [{"person": "a", "from": "2026-01-06", "to": "2026-01-07", "reason": "x\ty"}]}}},
     "rotations.r.overrides[0].reason"),
    ({"waivers": [{"rule": "SVC001", "subject": "service/a", "reason": "ticket\nOPS-1", "expires": "2027-01-01"}]},
     "waivers[0].reason"),
])
def test_free_text_with_line_breaks_or_control_characters_is_cfg002(repo, document: dict, field: str) -> None:  # type: ignore[no-untyped-def,type-arg]
    document = {"version": 1, **document}
    assert not conforms(document, schema()) and not VALIDATOR.is_valid(document)
    result = check_repo(repo(json.dumps(document)))
    assert any(d.rule == "CFG002" and d.message.startswith(field) for d in result.diagnostics), \
        [(d.rule, d.message) for d in result.diagnostics]


@pytest.mark.parametrize("value", [
    {"people": {"a": {"name": "Zoë O'Brien-Łukasz (on call)", "email": "zoe.o+oncall@example.co.uk"}}},
    {"services": {"s": {"paths": ["/services/x/", "docs/**/*.md", "a b/c", "..x/", "x../y"]}}},
    {"teams": {"t": {"chat": "#payments-oncall", "escalation": [{"contact": "Vendor support, +1 555 0100"}]}}},
])
def test_ordinary_free_text_passes(value: dict) -> None:  # type: ignore[type-arg]
    document = {"version": 1, **value}
    assert conforms(document, schema()) and VALIDATOR.is_valid(document)


# ---------------------------------------------------------------- version: the main file only

def test_the_schema_validates_an_include_without_version() -> None:
    include = {"people": {"alice": {"name": "Alice"}}, "teams": {"t": {"members": ["alice"]}}}
    assert conforms(include, schema()) and VALIDATOR.is_valid(include)
    assert "version" not in schema().get("required", [])


def test_the_main_file_still_needs_version_with_the_same_message(repo) -> None:  # type: ignore[no-untyped-def]
    result = check_repo(repo("# a comment\n\npeople: {}\n"))
    [problem] = [d for d in result.diagnostics if d.rule == "CFG002"]
    assert problem.message == "the top level is missing required key 'version'"
    assert (problem.location.line, problem.location.column, problem.subject) == (3, 1, "file/ownership.yaml")


def test_an_include_without_version_is_fine(repo) -> None:  # type: ignore[no-untyped-def]
    root = repo("version: 1\ninclude: [\"more/*.yaml\"]\n", {"more/people.yaml": "people: {alice: {}}\n"})
    result = check_repo(root)
    assert not [d for d in result.diagnostics if d.rule in ("CFG001", "CFG002")]
    assert "alice" in result.model.people
