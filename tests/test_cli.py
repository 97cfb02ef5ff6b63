"""The command line: exit codes, and every output format parsed back."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import NOW_TEXT

BAD = """\
version: 1
services:
  api: {description: the public API}
  web: {lifecycle: experimental, depends_on: [nope]}
"""
GOOD = """\
version: 1
services:
  api: {lifecycle: experimental}
"""


def test_clean_config_exits_0(repo, run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(repo(GOOD)), "--now", NOW_TEXT)
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output


def test_blocking_diagnostics_exit_1(repo, run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(repo(BAD)), "--now", NOW_TEXT)
    assert result.exit_code == 1
    assert "ownership.yaml:3:3: error SVC001 service-without-owner:" in result.output


def test_warnings_alone_do_not_block_unless_strict(repo, run) -> None:  # type: ignore[no-untyped-def]
    path = str(repo(GOOD.replace("experimental}", "experimental, depends_on: [x]}")))
    assert run("check", "--repo", path, "--now", NOW_TEXT).exit_code == 0
    assert run("check", "--repo", path, "--now", NOW_TEXT, "--strict").exit_code == 1


def test_missing_config_is_a_usage_error(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(tmp_path))
    assert result.exit_code == 2
    assert "no config at ownership.yaml" in result.output
    assert "Traceback" not in result.output


def test_config_outside_repo_is_a_usage_error(tmp_path: Path, repo, run) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(GOOD)
    result = run("check", "--repo", str(repo(GOOD)), "--config", str(outside))
    assert result.exit_code == 2 and "outside the repository" in result.output


def test_config_option_relative_to_repo(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(None, {"ops/own.yaml": BAD})
    result = run("check", "--repo", str(root), "--config", str(root / "ops/own.yaml"), "--now", NOW_TEXT)
    assert result.exit_code == 1 and "ops/own.yaml:3:3" in result.output


def test_bad_now_and_bad_format_are_usage_errors(repo, run) -> None:  # type: ignore[no-untyped-def]
    path = str(repo(GOOD))
    assert run("check", "--repo", path, "--now", "next tuesday").exit_code == 2
    assert run("check", "--repo", path, "--format", "xml").exit_code == 2


def test_json_output_shape(repo, run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(repo(BAD)), "--now", NOW_TEXT, "--format", "json")
    body = json.loads(result.output)
    assert body["version"] == 1
    assert body["summary"] == {"errors": 4, "warnings": 1, "blocking": 4}
    first = body["diagnostics"][0]
    assert set(first) == {"rule", "name", "severity", "subject", "message", "file", "line", "column"}
    assert [(d["rule"], d["line"], d["column"]) for d in body["diagnostics"]] == [
        ("SVC001", 3, 3), ("SVC002", 3, 3), ("SVC003", 3, 3), ("SVC005", 3, 3), ("SVC007", 4, 47)]
    assert first["subject"] == "service/api" and first["severity"] == "error"


def test_output_file(repo, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.json"
    result = run("check", "--repo", str(repo(BAD)), "--now", NOW_TEXT, "--format", "json", "--output", str(target))
    assert result.exit_code == 1 and result.output == ""
    assert json.loads(target.read_text())["summary"]["blocking"] == 4


ANNOTATION = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def test_github_annotations_are_escaped_and_summary_written(repo, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    summary = tmp_path / "summary.md"
    config = BAD.replace("depends_on: [nope]", 'depends_on: ["nope"], description: "100% sure, really: yes"')
    result = run("check", "--repo", str(repo(config)), "--now", NOW_TEXT, "--format", "github",
                 env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    annotations = [ANNOTATION.match(line) for line in result.output.splitlines() if line.startswith("::")]
    assert all(annotations)
    first = annotations[0]
    assert first is not None and first.group(1) == "error"
    assert first.group("props") == "file=ownership.yaml,line=3,col=3,title=SVC001"
    assert first.group("message").startswith("service-without-owner: production service 'api' has no owner")
    levels = [a.group(1) for a in annotations if a]
    assert levels == ["error", "error", "error", "error", "warning"]
    text = summary.read_text()
    assert text.startswith("### ownership check: 4 blocking")
    assert "| ❌ | `SVC001` service-without-owner | `ownership.yaml:3:3` | `service/api` |" in text


def test_github_limits_annotations_to_ten_per_level(repo, run) -> None:  # type: ignore[no-untyped-def]
    services = "\n".join(f"  s{i}: {{description: x}}" for i in range(12))
    result = run("check", "--repo", str(repo(f"version: 1\nservices:\n{services}\n")), "--now", NOW_TEXT,
                 "--format", "github")
    lines = result.output.splitlines()
    assert sum(1 for line in lines if line.startswith("::error ")) == 10
    # 48 errors (SVC001, SVC002, SVC003, SVC005 each): 10 annotated, the rest counted in a notice
    assert any(line.startswith("::notice ") and "38 more" in line for line in lines)


def test_github_escaping_of_newlines_and_percent() -> None:
    from checker.escape import workflow_data, workflow_property

    assert workflow_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert workflow_property("a:b,c") == "a%3Ab%2Cc"


def test_sarif_structure(repo, run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(repo(BAD)), "--now", NOW_TEXT, "--format", "sarif")
    log = json.loads(result.output)
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    rule_ids = [r["id"] for r in driver["rules"]]
    assert {"SVC001", "ROT001", "CFG002"} <= set(rule_ids)
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["SVC001", "SVC002", "SVC003", "SVC005", "SVC007"]
    for r in results:
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert r["level"] in ("error", "warning")
        assert r["partialFingerprints"]
    assert results[4]["level"] == "warning"


def test_markdown_output(repo, run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(repo(BAD)), "--now", NOW_TEXT, "--format", "markdown")
    assert result.output.startswith("### ownership check: 4 blocking")
    assert result.output.count("\n| ❌ |") == 4


def test_text_is_not_coloured_when_not_a_tty(repo, run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(repo(BAD)), "--now", NOW_TEXT)
    assert "\x1b[" not in result.output


def test_rules_explain_and_schema(run) -> None:  # type: ignore[no-untyped-def]
    listing = run("rules").output
    assert re.search(r"^SVC005\s+service-without-secondary\s+error\s+", listing, re.MULTILINE)
    explained = run("explain", "svc005")
    assert explained.exit_code == 0 and "Fails:" in explained.output and "Fixed:" in explained.output
    assert run("explain", "NOPE1").exit_code == 2
    schema = json.loads(run("schema").output)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
