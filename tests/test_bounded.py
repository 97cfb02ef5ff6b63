"""Diagnostics per run are bounded: a hostile rule file cannot make a run keep or print millions."""

from __future__ import annotations

import json
from pathlib import Path

from checker.bounded import MAX_DIAGNOSTICS_PER_RULE_AND_FILE, MAX_DIAGNOSTICS_PER_RUN, bound_diagnostics
from checker.diagnostics import Diagnostic, Location, Severity
from tests.conftest import NOW_TEXT, check_repo
from tests.test_diffmode import commit_files, git, init_repo

ALERTS_CONFIG = """\
version: 1
alerts:
  - type: prometheus
    paths: ["monitoring/*.yaml"]
    owner_labels: [team]
"""
# 20,000 groups that are not mappings: one ALR005 each.
HOSTILE_RULES = "groups:\n" + "  - 1\n" * 20_000


def test_a_rule_file_with_20000_problems_gives_100_and_a_count(repo) -> None:  # type: ignore[no-untyped-def]
    result = check_repo(repo(ALERTS_CONFIG, {"monitoring/big.yaml": HOSTILE_RULES}))
    alr005 = [d for d in result.diagnostics if d.rule == "ALR005"]
    assert len(alr005) == MAX_DIAGNOSTICS_PER_RULE_AND_FILE
    summary = [d for d in alr005 if d.message.startswith("and ")]
    assert [d.message for d in summary] == [  # counted by the reader itself, within the pipeline's cap
        "and 19,901 more problems in this file (only the first 99 are listed); fix those first"]
    assert summary[0].severity is Severity.ERROR and summary[0].name == "alert-file-invalid"
    assert summary[0].subject == "file/monitoring/big.yaml"


def test_json_output_stays_small(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(ALERTS_CONFIG, {"monitoring/big.yaml": HOSTILE_RULES})
    result = run("check", "--repo", str(root), "--now", NOW_TEXT, "--format", "json")
    assert result.exit_code == 1
    assert len(result.output) < 100_000  # was 6 MB
    body = json.loads(result.output)
    assert len(body["diagnostics"]) == 100
    assert "and 19,901 more problems in this file" in body["diagnostics"][-1]["message"]


def _diagnostic(rule: str, file: str, line: int, severity: Severity = Severity.ERROR,
                new: bool | None = None) -> Diagnostic:
    return Diagnostic(rule, severity, f"file/{file}#{line}", f"problem {line}", Location(file, line), new=new)


def test_groups_are_cut_separately_and_errors_are_kept_first() -> None:
    warnings = [_diagnostic("ROT001", "a.yaml", i, Severity.WARNING) for i in range(5)]
    errors = [_diagnostic("ROT001", "a.yaml", 100 + i) for i in range(3)]
    other = [_diagnostic("ROT002", "a.yaml", i) for i in range(4)]
    kept = bound_diagnostics(warnings + errors + other, "ownership.yaml", per_group=4, per_run=1000)
    rot001 = [d for d in kept if d.rule == "ROT001"]
    assert [d.location.line for d in rot001 if d.severity is Severity.ERROR and "more" not in d.message] == \
        [100, 101, 102]
    cut = [d for d in rot001 if d.message.startswith("and ")]
    assert [(d.message, d.severity) for d in cut] == [
        ("and 4 more ROT001 in a.yaml (at most 4 are shown per rule and file)", Severity.WARNING)]
    assert len([d for d in kept if d.rule == "ROT002"]) == 4  # a group within the bound is untouched


def test_the_run_is_cut_too_and_the_count_covers_cut_groups() -> None:
    diagnostics = [_diagnostic("SVC001", f"f{i}.yaml", 1) for i in range(30)]
    diagnostics += [_diagnostic("ALR005", "big.yaml", i, Severity.WARNING) for i in range(50)]
    kept = bound_diagnostics(diagnostics, "ownership.yaml", per_group=10, per_run=20)
    assert len(kept) == 20
    run_summary = [d for d in kept if d.location.file == "ownership.yaml"]
    assert len(run_summary) == 1
    # 30 SVC001 + 10 ALR005 + 1 summary for 40 more ALR005 = 41 candidates; 19 shown, 22 cut, standing
    # for 11 SVC001 + 10 ALR005 + 40 ALR005 = 61 diagnostics.
    assert run_summary[0].message == ("and 61 more diagnostics not shown (at most 20 per run; ALR005: 50, "
                                      "SVC001: 11)")
    assert run_summary[0].severity is Severity.ERROR  # it stands for errors: the verdict does not change
    assert sum(d.rule == "SVC001" for d in kept) == 19  # errors kept before warnings


def test_new_diagnostics_are_shown_first_and_a_cut_group_is_new_when_any_of_it_is_new() -> None:
    old = [_diagnostic("ALR005", "big.yaml", i, new=False) for i in range(10)]
    kept = bound_diagnostics(old + [_diagnostic("ALR005", "big.yaml", 99, new=True)], "o.yaml",
                             per_group=3, per_run=100)
    assert [(d.location.line, d.new) for d in kept] == [(0, False), (1, False), (2, False), (99, True)]
    assert kept[2].message.startswith("and 8 more ALR005")
    two_new = old + [_diagnostic("ALR005", "big.yaml", line, new=True) for line in (98, 99)]
    kept = bound_diagnostics(two_new, "o.yaml", per_group=1, per_run=100)
    # the summary points at the most pressing diagnostic it stands for (line 99, new)
    assert [(d.location.line, d.new) for d in kept] == [(98, True), (99, True)]


def test_defaults_are_100_per_group_and_10000_per_run() -> None:
    assert (MAX_DIAGNOSTICS_PER_RULE_AND_FILE, MAX_DIAGNOSTICS_PER_RUN) == (100, 10_000)


def test_diff_mode_compares_against_every_base_diagnostic_not_only_the_shown(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """At the base 150 services lack a runbook (100 SVC003 shown); the change gives the first ten one, so
    s100-s109 move into the 100 shown. They were there before: nothing is new, nothing blocks."""
    def config(fixed: int) -> str:
        return "version: 1\nservices:\n" + "".join(
            f"  s{i:03d}: {{runbook: https://wiki.example.com/{i}}}\n" if i < fixed else f"  s{i:03d}: {{}}\n"
            for i in range(150))

    root = init_repo(tmp_path / "repo")
    commit_files(root, {"ownership.yaml": config(0)}, "base")
    git(root, "checkout", "-q", "-b", "change")
    commit_files(root, {"ownership.yaml": config(10)}, "ten runbooks")
    result = run("check", "--repo", str(root), "--now", NOW_TEXT, "--base", "main", "--format", "json")
    body = json.loads(result.output)
    svc003 = [d for d in body["diagnostics"] if d["rule"] == "SVC003"]
    assert len(svc003) == 101 and "service/s109" in {d["subject"] for d in svc003}
    assert not any(d["new"] for d in body["diagnostics"])
    assert result.exit_code == 0, result.output
