"""Nothing a config writes can inject anything in the ownership report (issue 11).

The HTML is read back by html.parser, the Markdown by markdown-it, the gantt
chart by mermaid's own parser when the `mermaid` npm package is installed
(`npm install -g mermaid`; tests/tools/mermaid_gantt.mjs drives it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from checker import escape
from tests.conftest import write_repo

q = escape.yaml_scalar
MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


REPORT_CONFIG = """\
version: 1
policy: {{rotation: {{max_oncall_fraction: {fraction}}}}}
people:
  a: {{name: {name_a}}}
  b: {{name: {name_b}}}
  c: {{}}
  d: {{}}
teams:
  t: {{members: [a, b, c, d], chat: {chat}}}
rotations:
  {rotation}: {{team: t, members: [a, b, c, d], shift: 1w, start: 2026-01-06T12:00}}
services:
  s:
    team: t
    description: {description}
    runbook: {runbook}
    oncall: {{primary: {rotation}}}
"""
BENIGN = {"name_a": "Ann", "name_b": "Bob", "chat": "x", "description": "y", "rotation": "r",
          "runbook": "https://wiki.example/r", "fraction": "0.5"}
GANTT_BREAKERS = "Gantt ``` %%{init: {'theme': 'dark'}}%% a:b #c ;d\nclick x href \"javascript:alert(1)\""
HOSTILE = {"name_a": q(GANTT_BREAKERS), "name_b": q("<img src=x onerror=alert(1)><script>alert(1)</script>"),
           "chat": q("</td></tr><a href='javascript:alert(1)'>x</a>"), "description": q("@acme/sre [x](https://e)"),
           "rotation": q("r ``` :#;\n%%"), "runbook": q("javascript:alert(1)"), "fraction": "0.5"}


def report(run, root: Path, fmt: str) -> str:  # type: ignore[no-untyped-def]
    result = run("report", "--repo", str(root), "--now", "2026-12-20T09:00Z", "--format", fmt)
    assert result.exit_code == 0, result.output
    return str(result.stdout)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [value or "" for name, value in attrs if tag == "a" and name == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(text: str) -> Tags:
    parser = Tags()
    parser.feed(text)
    parser.close()
    return parser


def test_html_report_makes_no_element_from_user_text(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    benign = parse_html(report(run, write_repo(tmp_path / "benign", REPORT_CONFIG.format(**BENIGN)), "html"))
    values = {**BENIGN, **{k: HOSTILE[k] for k in ("name_a", "name_b", "chat", "description")}}
    hostile = parse_html(report(run, write_repo(tmp_path / "hostile", REPORT_CONFIG.format(**values)), "html"))
    assert hostile.tags == benign.tags
    assert "<img src=x onerror=alert(1)><script>alert(1)</script>" in " ".join(hostile.text)


def test_html_report_links_only_https_runbooks(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    html = parse_html(report(run, write_repo(tmp_path / "repo", REPORT_CONFIG.format(**HOSTILE)), "html"))
    assert html.links == []  # the only runbook is `javascript:`
    assert "javascript:alert(1)" in html.text  # shown as text, in a <code>
    assert {"script", "img"}.isdisjoint(html.tags)
    https = parse_html(report(run, write_repo(tmp_path / "https", REPORT_CONFIG.format(**BENIGN)), "html"))
    assert https.links == ["https://wiki.example/r"]


@pytest.mark.parametrize("change", [{"fraction": "0"}, {"rotation": '""'}])
def test_html_report_renders_schema_errors_it_used_to_crash_on(tmp_path: Path, run, change) -> None:  # type: ignore[no-untyped-def, no-untyped-def]
    config = REPORT_CONFIG.format(**{**BENIGN, **change})
    if change.get("fraction") == "0":  # nobody on call at all: the chart's scale was 0
        config = config.split("rotations:")[0] + "services: {}\n"
    root = write_repo(tmp_path / "repo", config)
    for fmt in ("html", "markdown"):
        result = run("report", "--repo", str(root), "--now", "2026-12-20T09:00Z", "--format", fmt)
        assert result.exit_code == 0, result.output
    if "rotation" in change:
        assert "(no name)" in parse_html(report(run, root, "html")).text
        assert "section (no name)" in report(run, root, "markdown")


def gantt_of(markdown: str) -> str:
    fences = [t for t in MD.parse(markdown) if t.type == "fence"]
    assert [f.info for f in fences] == ["mermaid"]
    return fences[0].content


def test_markdown_report_escapes_every_value(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    markdown = report(run, write_repo(tmp_path / "repo", REPORT_CONFIG.format(**HOSTILE)), "markdown")
    tokens = MD.parse(markdown)
    children = [c for t in tokens for c in t.children or []]
    assert {c.type for c in children} <= {"text", "code_inline", "softbreak", "strong_open", "strong_close"}
    assert not any(re.search(r"@[A-Za-z0-9]", c.content) for c in children if c.type == "text")
    assert "javascript:alert(1)" in [c.content for c in children if c.type == "code_inline"]
    assert not [t for t in tokens if t.type.startswith("html")]


def test_gantt_names_cannot_close_the_fence_or_break_the_chart(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    markdown = report(run, write_repo(tmp_path / "repo", REPORT_CONFIG.format(**HOSTILE)), "markdown")
    gantt = gantt_of(markdown)  # one fence, holding the whole chart
    assert "%%" not in gantt and "#" not in gantt and ";" not in gantt
    tasks = [line for line in gantt.splitlines() if line.startswith("    ") and " :" in line]
    assert len(tasks) >= 4 and all(":" not in line[:line.index(" :")] for line in tasks)
    assert "    section r" in gantt.splitlines()
    assert any(line.startswith("    \u200bGantt init") for line in tasks)  # no `gantt` keyword at a line start
    parsed = mermaid_parse(gantt)
    if parsed is not None:  # mermaid's own parser agrees
        assert parsed["sections"] == ["r"]
        assert len(parsed["tasks"]) == len(tasks)
        assert {t["task"].strip() for t in parsed["tasks"]} == {line[4:line.index(" :")] for line in tasks}


# --- mermaid's own parser, when the npm package is installed ---------------------------------------

def _gantt_module() -> Path | None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        return None
    roots = [os.environ.get("MERMAID_NODE_MODULES", "")]
    if npm:
        try:
            roots.append(subprocess.run([npm, "root", "-g"], capture_output=True, text=True, timeout=30,
                                        check=False).stdout.strip())
        except (OSError, subprocess.TimeoutExpired):
            pass
    for root in filter(None, roots):
        found = sorted(Path(root).glob("mermaid/dist/chunks/mermaid.core/ganttDiagram-*.mjs"))
        if found:
            return found[0]
    return None


GANTT_MODULE = _gantt_module()
TOOL = Path(__file__).parent / "tools" / "mermaid_gantt.mjs"


def mermaid_parse(chart: str) -> dict[str, Any] | None:
    if GANTT_MODULE is None:
        return None
    done = subprocess.run(["node", str(TOOL), str(GANTT_MODULE)], input=chart, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.skipif(GANTT_MODULE is None, reason="the mermaid npm package is not installed (npm install -g mermaid)")
def test_mermaid_reads_every_label_as_one_task() -> None:
    names = ["Dave Diaz", "Gantt", "click x href \"javascript:alert(1)\"", "2026-01-01 party", "section x",
             "title x", "dateFormat x", "a:b", "c#d", "e;f", "%%{init: {}}%%", "```", "", "\n", "accDescr { x }",
             "call f()", "todayMarker on", "Ann\u2028Bob", "inclusiveEndDates", "weekday monday", "\ufeff",
             "\ufeff    \ufeff", "Zoe\ufeffZed"]
    lines = ["gantt", "    dateFormat YYYY-MM-DD HH:mm", f"    section {escape.mermaid_label('section: x')}"]
    lines += [f"    {escape.mermaid_label(name)} :t{i}, 2026-01-01 00:00, 2026-01-02 00:00" for i, name in enumerate(names)]
    parsed = mermaid_parse("\n".join(lines) + "\n")
    assert parsed is not None
    assert parsed["sections"] == ["\u200bsection x"]  # a keyword at a line start is broken up
    assert [t["id"] for t in parsed["tasks"]] == [f"t{i}" for i in range(len(names))]
    assert [t["task"].strip().lstrip("\u200b") for t in parsed["tasks"]] == \
        [escape.mermaid_label(name).lstrip("\u200b") for name in names]



@pytest.mark.skipif(GANTT_MODULE is None, reason="the mermaid npm package is not installed (npm install -g mermaid)")
@settings(max_examples=8, deadline=None)
@given(st.lists(st.lists(st.one_of(st.characters(codec="utf-8"), st.sampled_from(list("#:;%`{}\n\r\t\u2028 ")),
                                   st.sampled_from(["gantt", "click ", "section ", "2026-01-01", "%%{"]))).map("".join),
                min_size=1, max_size=40))
def test_mermaid_reads_any_labels_as_one_task_each(names: list[str]) -> None:
    lines = ["gantt", "    dateFormat YYYY-MM-DD HH:mm", f"    section {escape.mermaid_label(names[0])}"]
    lines += [f"    {escape.mermaid_label(name)} :t{i}, 2026-01-01 00:00, 2026-01-02 00:00" for i, name in enumerate(names)]
    parsed = mermaid_parse("\n".join(lines) + "\n")
    assert parsed is not None
    assert [t["id"] for t in parsed["tasks"]] == [f"t{i}" for i in range(len(names))]
    assert [t["task"].strip() for t in parsed["tasks"]] == [escape.mermaid_label(name).strip() for name in names]
