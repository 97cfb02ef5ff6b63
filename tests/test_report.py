"""The ownership report for examples/acme in all three formats, checked against `who`."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html.parser import HTMLParser

import pytest

from tests.conftest import REPO_ROOT

ACME = str(REPO_ROOT / "examples/acme")
BROKEN = str(REPO_ROOT / "examples/broken")
NOW = "2026-12-20T09:00Z"


@pytest.fixture(scope="module")
def report() -> dict:  # type: ignore[type-arg]
    from click.testing import CliRunner

    from checker.cli import cli

    result = CliRunner().invoke(cli, ["report", "--repo", ACME, "--now", NOW, "--format", "json", "--weeks", "4"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_summary_and_services(report: dict) -> None:  # type: ignore[type-arg]
    assert report["version"] == 1 and report["generated_at"] == "2026-12-20T09:00:00Z"
    assert report["summary"]["production_services"] == 12 and report["summary"]["errors"] == 0
    checkout = next(s for s in report["services"] if s["name"] == "checkout-api")
    assert checkout["team"] == "payments" and checkout["alerts"] == {"paging": 1, "other": 1}
    assert checkout["runbook"] == "docs/runbooks/checkout-api.md" and checkout["diagnostics"] == []
    status = next(s for s in report["services"] if s["name"] == "status-page")
    assert [e["role"] for e in status["oncall_now"]] == ["primary"]  # its missing secondary is waived


def test_json_now_agrees_with_who(report: dict, run) -> None:  # type: ignore[type-arg, no-untyped-def]
    for service in report["services"]:
        answer = json.loads(run("who", service["name"], "--repo", ACME, "--at", NOW, "--format", "json").output)
        assert [(e["role"], e["person"], e["rotation"]) for e in answer["oncall"]] == \
            [(e["role"], e["person"], e["rotation"]) for e in service["oncall_now"]]


def test_calendar_turns_agree_with_who(report: dict, run) -> None:  # type: ignore[type-arg, no-untyped-def]
    payments = next(r for r in report["calendar"]["rotations"] if r["rotation"] == "payments-eu")
    assert payments["turns"][0]["start"] == "2026-12-20T09:00:00Z"
    for turn in payments["turns"]:
        start = datetime.fromisoformat(turn["start"])
        end = datetime.fromisoformat(turn["end"])
        middle = start + (end - start) / 2
        answer = json.loads(run("who", "checkout-api", "--repo", ACME, "--at", middle.isoformat(),
                                "--format", "json").output)
        primary = next(e for e in answer["oncall"] if e["role"] == "primary")
        assert primary["person"] == turn["person"], turn
    christmas = [d for d in report["calendar"]["special_days"] if d["date"] == "2026-12-25"]
    assert christmas == [{"date": "2026-12-25", "protected": True, "holiday_window": True}]


def test_teams_and_load(report: dict) -> None:  # type: ignore[type-arg]
    sre = next(t for t in report["teams"] if t["name"] == "sre")
    assert sre["escalation"][0] == "rotation: sre-emea" and sre["health"] == {"errors": 0, "warnings": 0, "rules": []}
    dave = next(p for p in report["load"] if p["person"] == "dave")
    assert dave["long_run_share"] == 0.2 and "2026-12-25" in dave["holidays_worked"]
    assert 0 < dave["oncall_hours"] <= 12 * 7 * 24
    assert report["limits"]["max_oncall_fraction"] == 0.25


def test_attention_lists_undeclared_services_and_unowned_alerts(run) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run("report", "--repo", BROKEN, "--now", NOW, "--format", "json").stdout)  # stderr warns
    assert [s["name"] for s in data["attention"]["undeclared_services"]] == ["shadow-api"]
    assert {a["rule"] for a in data["attention"]["unowned_alerts"]} == {"ALR001", "ALR002"}
    markdown = run("report", "--repo", BROKEN, "--now", NOW).output
    assert markdown.index("## ⚠️ Needs an owner") < markdown.index("## Services")


def _table_rows(markdown: str) -> dict[str, list[str]]:
    """The rendered text of each table row's cells (GFM, as markdown-it reads it), by first cell."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    rows: dict[str, list[str]] = {}
    cells: list[str] = []
    for token in tokens:
        if token.type == "tr_open":
            cells = []
        elif token.type == "inline":
            cells.append("".join(c.content for c in token.children or [] if c.type in ("text", "code_inline"))
                         .replace("\u200b", ""))
        elif token.type == "tr_close" and cells:
            rows[cells[0]] = cells
    return rows


def test_markdown_has_tables_and_a_mermaid_gantt(run) -> None:  # type: ignore[no-untyped-def]
    text = run("report", "--repo", ACME, "--now", NOW).output
    assert text.startswith("# Ownership report")
    rows = _table_rows(text)
    assert rows["checkout-api"][:4] == ["checkout-api", "payments", "production", "24x7"]
    assert rows["checkout-api"][4].startswith("Erin Evans (payments-eu, until 2026-12-22 12:00")  # SPEC §7.3: not cut
    gantt = text[text.index("```mermaid"):text.index("```", text.index("```mermaid") + 3)]
    assert "gantt" in gantt and "section payments-eu" in gantt
    assert re.search(r"Dave Diaz :crit, payments-eu-\d+, 2026-12-25 00:00, 2026-12-26 12:00", gantt)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and value.startswith(("http://", "//")) and tag != "a":
                self.external.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_one_self_contained_page(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "report.html"
    assert run("report", "--repo", ACME, "--now", NOW, "--format", "html", "--output", str(target)).exit_code == 0
    html = target.read_text()
    parser = _Collector()
    parser.feed(html)
    assert {"style", "svg", "table"} <= set(parser.tags)
    assert "script" not in parser.tags and "link" not in parser.tags and parser.external == []
    text = " ".join(parser.text)
    assert "checkout-api" in text and "Load per person" in text and "limit 25%" in text
    assert "@media print" in html
