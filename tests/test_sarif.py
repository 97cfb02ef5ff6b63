"""`--format sarif`: valid against the OASIS schema, one fingerprint per alert, help beside every rule."""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from markdown_it import MarkdownIt

from checker.diagnostics import Diagnostic, Location, Severity
from checker.reporters.sarif import FINGERPRINT_KEY, fingerprints
from checker.rules import CATALOGUE
from checker.rules.docs import rules_reference
from tests.conftest import NOW_TEXT, REPO_ROOT

OASIS_SCHEMA = json.loads((REPO_ROOT / "tests/fixtures/sarif/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
BROKEN = str(REPO_ROOT / "examples" / "broken")


def sarif(run, repo: str, *extra: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", repo, "--now", NOW_TEXT, "--format", "sarif", *extra)
    assert result.exit_code in (0, 1), result.output
    log: dict[str, Any] = json.loads(result.output)
    return log


def assert_valid(log: dict[str, Any]) -> None:
    validator = jsonschema.validators.validator_for(OASIS_SCHEMA)
    validator.check_schema(OASIS_SCHEMA)
    errors = sorted(validator(OASIS_SCHEMA, format_checker=validator.FORMAT_CHECKER).iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_broken_example_is_valid_sarif_2_1_0(run) -> None:  # type: ignore[no-untyped-def]
    log = sarif(run, BROKEN)
    assert OASIS_SCHEMA["id"].endswith("/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert_valid(log)
    assert len(log["runs"][0]["results"]) > 50


def test_diff_mode_sarif_is_valid(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.test_diffmode import HEALTHY, commit_files, git, init_repo

    root = init_repo(tmp_path / "repo")
    commit_files(root, {"ownership.yaml": HEALTHY}, "base")
    git(root, "checkout", "-q", "-b", "change")
    commit_files(root, {"ownership.yaml": HEALTHY.replace("services:\n", "services:\n  billing: {team: t}\n")}, "x")
    log = sarif(run, str(root), "--base", "main")
    assert_valid(log)
    assert "new" in {r["baselineState"] for r in log["runs"][0]["results"]}


def test_fingerprints_are_unique_on_the_broken_example(run) -> None:  # type: ignore[no-untyped-def]
    results = sarif(run, BROKEN)["runs"][0]["results"]
    counts = Counter(r["partialFingerprints"][FINGERPRINT_KEY] for r in results)
    shared = [(r["ruleId"], r["message"]["text"][:60]) for r in results
              if counts[r["partialFingerprints"][FINGERPRINT_KEY]] > 1]
    assert not shared


def test_fingerprints_survive_lines_moving(run, repo) -> None:  # type: ignore[no-untyped-def]
    config = (REPO_ROOT / "examples/broken/ownership.yaml").read_text(encoding="utf-8")
    files = {str(p.relative_to(BROKEN)): p.read_text(encoding="utf-8")
             for p in Path(BROKEN).rglob("*") if p.is_file() and p.name != "ownership.yaml"}
    before = sarif(run, str(repo(config, files)))["runs"][0]["results"]
    after = sarif(run, str(repo("# a comment\n\n" + config, files)))["runs"][0]["results"]

    def by_fingerprint(results: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
        # messages may quote line numbers ("already defined at ownership.yaml:106:3")
        return {r["partialFingerprints"][FINGERPRINT_KEY]: (r["ruleId"], re.sub(r"\d+", "N", r["message"]["text"]))
                for r in results}

    assert by_fingerprint(before) == by_fingerprint(after)
    moved = [r for r in after if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "ownership.yaml"]
    assert moved and all(r["locations"][0]["physicalLocation"]["region"]["startLine"] > 2 for r in moved)


def _diag(subject: str, line: int, detail: str = "", message: str = "m") -> Diagnostic:
    return Diagnostic("ROT007", Severity.WARNING, subject, message, Location("ownership.yaml", line, 5),
                      detail=detail)


def test_a_lone_result_keeps_the_fingerprint_of_earlier_releases() -> None:
    [fingerprint] = fingerprints([_diag("rotation/a", 3)])
    assert fingerprint == hashlib.sha256(b"ROT007\0rotation/a").hexdigest()[:32]


def test_detail_tells_results_apart_whatever_their_order() -> None:
    ken, nora = _diag("rotation/a", 3, "ken 2026-12-25"), _diag("rotation/a", 3, "nora 2027-01-01")
    assert len(set(fingerprints([ken, nora]))) == 2
    assert fingerprints([ken, nora]) == fingerprints([nora, ken])[::-1]


def test_without_detail_the_rank_among_equals_follows_location_then_message() -> None:
    first, second, third = _diag("rotation/a", 3, message="b"), _diag("rotation/a", 9, message="a"), \
        _diag("rotation/a", 9, message="c")
    prints = fingerprints([third, first, second])
    assert len(set(prints)) == 3
    moved = [d.with_(location=d.location._replace(line=d.location.line + 40)) for d in (first, second, third)]
    assert fingerprints(moved) == [prints[1], prints[2], prints[0]]


def test_subjects_holding_separators_do_not_collide() -> None:
    one = _diag("rotation/a\0b", 1, detail="")
    two = _diag("rotation/a", 1, detail="b")
    three = _diag("rotation/a", 2, detail="b")
    assert len(set(fingerprints([one, two, three]))) == 3


def test_file_names_are_uri_references(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo("version: 1\ninclude: ['teams dir/#1.yaml']\n",
                {"teams dir/#1.yaml": "teams:\n  t: {members: [ghost]}\n"})
    log = sarif(run, str(root))
    assert_valid(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert "teams%20dir/%231.yaml" in uris


MARKDOWN = MarkdownIt("commonmark")


@pytest.mark.parametrize("rule_id", list(CATALOGUE))
def test_every_rule_carries_help_from_explain(run, rule_id: str) -> None:  # type: ignore[no-untyped-def]
    descriptor = _descriptors(run)[rule_id]
    info = CATALOGUE[rule_id]
    assert descriptor["help"]["text"] == info.doc
    assert descriptor["helpUri"] == ("https://github.com/ownership-as-code/ownership-as-code/blob/main/docs/rules.md#"
                                     + rule_id.lower())
    tokens = MARKDOWN.parse(descriptor["help"]["markdown"])
    blocks = [t for t in tokens if t.type == "fence"]
    assert [b.info for b in blocks] == ["yaml", "yaml"]
    fails, fixed = info.doc.split("Fails:\n")[1].split("Fixed:\n")
    assert blocks[0].content == textwrap.dedent(fails).strip("\n") + "\n"
    assert blocks[1].content == textwrap.dedent(fixed).strip("\n") + "\n"
    strong = [t.children[i + 1].content for t in tokens if t.type == "inline" and t.children
              for i, c in enumerate(t.children) if c.type == "strong_open"]
    assert {"Why:", "Fails:", "Fixed:"} <= set(strong)


_DESCRIPTORS: dict[str, dict[str, Any]] = {}


def _descriptors(run) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    if not _DESCRIPTORS:
        log = sarif(run, BROKEN)
        _DESCRIPTORS.update({r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]})
    return _DESCRIPTORS


def test_help_uri_anchors_exist_in_the_rules_reference() -> None:
    from checker.rules import in_spec_order

    tokens = MARKDOWN.parse((REPO_ROOT / "docs/rules.md").read_text(encoding="utf-8"))
    titles = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    # GitHub's anchor for a heading is its text in lower case (a rule ID has nothing else to drop)
    assert [t.lower() for t in titles] == [info.id.lower() for info in in_spec_order()]


def test_committed_rules_reference_is_generated() -> None:
    committed = (REPO_ROOT / "docs/rules.md").read_text(encoding="utf-8")
    assert committed == rules_reference(), \
        "docs/rules.md is out of date: run `python -m checker.rules.docs > docs/rules.md`"
