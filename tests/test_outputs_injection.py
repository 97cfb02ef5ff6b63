"""Nothing a pull request writes can forge, hide or inject anything in an output (issue 11).

Each output is read back by something we did not write: the log as the Actions
runner reads it (lines starting with `::`, `##[` anywhere), Markdown through
markdown-it, HTML through html.parser, the gantt chart through mermaid's own
parser when the `mermaid` npm package is installed.
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
from checker.diagnostics import Diagnostic, Location, Severity
from checker.reporters import Checked, Outcome, get_reporter
from checker.reporters.markdown import MAX_BYTES, MAX_COMMENT_CHARS, render_comment, render_markdown
from tests.conftest import NOW_TEXT, check_repo, write_repo

FORGED = ["\n::error::forged", "::stop-commands::x", "\x1b[2K\x1b[1A", "\r", "##[error]legacy"]
# A config whose keys and values carry every forgery; `q` writes a YAML double-quoted scalar.
q = escape.yaml_scalar
HOSTILE_CONFIG = f"""\
version: 1
people:
  a: {{name: {q("Ann" + FORGED[0])}, {q(FORGED[0])}: 1}}
  b: {{name: {q(FORGED[2] + "no problems found" + FORGED[3])}}}
  c: {{}}
  d: {{}}
teams:
  t: {{members: [a, b, c, d], {q(FORGED[1])}: 1, {q(FORGED[4])}: 2}}
rotations:
  r: {{team: t, members: [a, b, c, d], shift: 1w, start: 2026-01-06T12:00}}
services:
  s:
    team: t
    runbook: {q("docs/" + FORGED[2] + FORGED[3] + FORGED[1] + ".md")}
    oncall: {{primary: r, secondary: {q(FORGED[1])}}}
alerts:
  - type: prometheus
    paths: ["monitoring/**"]
"""
HOSTILE_FILES = {"monitoring/\n::error::forged.yaml": "x: 1\n",
                 "monitoring/\x1b[2K\x1b[1Ano problems found\r.yaml": "groups: 1\n"}
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colours the text reporter adds itself, on a TTY
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@pytest.fixture
def hostile_repo(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "repo", HOSTILE_CONFIG, HOSTILE_FILES)


def assert_runner_reads_no_command(output: str, annotations: bool = False) -> None:
    """No line a runner would act on: none starts with `::` (after white space), none holds `##[`, no
    control character but our own colours. With annotations, our own `::error`/`::warning`/`::notice`
    lines are allowed: the runner reads each as that one command (its data is the toolkit's escaping,
    where `##[` is inert since the line already parsed as a command)."""
    for line in output.split("\n"):
        if annotations and re.match(r"::(error|warning|notice) [^:\r\n]*::[^\r\n]*\Z", line):
            continue
        assert "##[" not in line, line
        assert not CONTROL.search(SGR.sub("", line)), repr(line)
        assert not line.lstrip().startswith("::"), repr(line)


def test_text_output_cannot_forge_commands_or_erase_lines(hostile_repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(hostile_repo), "--now", NOW_TEXT, "--format", "text")
    assert result.exit_code == 1
    assert_runner_reads_no_command(result.output)
    # the forged key is still reported, shown as text
    assert "unknown key '\\n::error::forged'" in result.output
    assert result.output.endswith("blocking\nchecked 1 services, 1 rotations, 0 alerts\n")


def test_text_output_on_a_tty_only_adds_its_own_colours(hostile_repo: Path) -> None:
    outcome = Outcome(check_repo(hostile_repo).diagnostics)
    coloured = get_reporter("text", color=True).render(outcome)
    assert SGR.search(coloured)
    assert_runner_reads_no_command(coloured)
    assert SGR.sub("", coloured) == get_reporter("text").render(outcome)


def test_text_output_ends_with_what_was_checked() -> None:
    checked = Checked(services=3, rotations=2, alerts=0)
    assert get_reporter("text").render(Outcome([], checked=checked)) == \
        "no problems found\nchecked 3 services, 2 rotations, 0 alerts\n"
    assert get_reporter("text").render(Outcome([])) == "no problems found\n"  # older callers


@pytest.mark.parametrize("command", [["who", "s"], ["calendar", "--output", "{repo}/x.ics"], ["codeowners", "--check"],
                                     ["report", "--now", NOW_TEXT]])
def test_commands_that_warn_about_a_broken_config_escape_it(hostile_repo: Path, run,  # type: ignore[no-untyped-def]
                                                            command: list[str]) -> None:
    result = run(*[arg.replace("{repo}", str(hostile_repo)) for arg in command], "--repo", str(hostile_repo))
    assert "ownership: warning: the config has" in result.stderr
    assert "(first: ownership.yaml:3:" in result.stderr  # people.a's forged key, quoted
    # the report itself is Markdown, the other outputs are lines of a log
    assert_runner_reads_no_command(result.stderr if command[0] == "report" else result.output)


def test_one_line_errors_quote_the_config_escaped(hostile_repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    result = run("calendar", "nope", "--repo", str(hostile_repo), "--output", str(hostile_repo / "x.ics"))
    assert result.exit_code == 2 and "no rotation 'nope'" in result.output
    assert_runner_reads_no_command(result.output)
    # the service list of `who`'s error names every declared service
    (hostile_repo / "ownership.yaml").write_text(HOSTILE_CONFIG.replace("  s:\n", f"  {q(FORGED[0])}:\n"))
    result = run("who", "nope", "--repo", str(hostile_repo))
    assert result.exit_code == 2 and "declared: \\n::error::forged" in result.output
    assert_runner_reads_no_command(result.output)


def test_github_annotations_hold_the_text_and_nothing_else(hostile_repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(hostile_repo), "--now", NOW_TEXT, "--format", "github")
    assert_runner_reads_no_command(result.output, annotations=True)
    lines = result.output.splitlines()
    assert lines[-2:] == [lines[-2], "checked 1 services, 1 rotations, 0 alerts"]
    assert re.fullmatch(r"ownership check: \d+ error\(s\), \d+ warning\(s\), \d+ blocking", lines[-2])
    files = [re.search(r"file=([^,]*)", line).group(1) for line in lines if line.startswith("::error ")]  # type: ignore[union-attr]
    # the toolkit's escaping (click drops the CSI sequences itself when the output is not a terminal)
    assert any(re.fullmatch(r"monitoring/(\x1b\[2K\x1b\[1A)?no problems found%0D\.yaml", f) for f in files)
    assert any("unknown key '%0A::error::forged' in people.a" in line for line in lines)


def test_a_file_name_that_is_not_utf8_is_written_by_every_log_format(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = write_repo(tmp_path / "repo", HOSTILE_CONFIG)
    (root / "monitoring").mkdir()
    (root / os.fsdecode(b"monitoring/\xff.yaml")).write_text("x: 1\n")
    shown = {"text": "monitoring/\\udcff.yaml", "github": "file=monitoring/\\udcff.yaml",
             "markdown": "`monitoring/ .yaml:1:1`"}
    for fmt, name in shown.items():
        result = run("check", "--repo", str(root), "--now", NOW_TEXT, "--format", fmt)
        assert result.exit_code == 1, result.output
        assert name in result.output


# --- Markdown: the pull-request comment and the step summary --------------------------------------

MARKDOWN_FORGERIES = ["\r### ownership check: nothing blocking ✅", "[click](https://evil.example)", "@acme/sre",
                      "<img src=x onerror=alert(1)>", "a | b | c", "![i](https://evil.example/i.png)",
                      "<https://evil.example>", "www.evil.example", "**bold** ~~gone~~ $x$ #123",
                      "&lt;entity&gt;", "trailing \\", "`code` and ``more``", "line\nbreak"]
MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def hostile_diagnostic(text: str, blocking: bool = True) -> Diagnostic:
    return Diagnostic("SVC001", Severity.ERROR if blocking else Severity.WARNING, f"service/<b>{text}</b>",
                      f"service {text} has no owner; add `team: {text}`", Location(f"dir/{text}.yaml", 3, 5),
                      name="service-without-owner")


def check_rendered(markdown: str) -> list[Any]:
    """The token stream of a comment: only our own heading and <details> HTML, five cells a row, no
    link, image or mention anywhere."""
    tokens = MD.parse(markdown)
    types = [t.type for t in tokens]
    assert types.count("heading_open") == 1
    for token in tokens:
        if token.type == "html_block":
            assert re.fullmatch(r"<details><summary>\d+ existing or non-blocking diagnostic\(s\)</summary>\n"
                                r"|</details>\n", token.content), token.content
        if token.type == "tr_open":
            index = tokens.index(token)
            row = tokens[index:next(i for i in range(index, len(tokens)) if tokens[i].type == "tr_close")]
            assert sum(1 for t in row if t.type in ("td_open", "th_open")) == 5
        for child in token.children or []:
            assert child.type in ("text", "code_inline", "softbreak", "strong_open", "strong_close"), child.type
            if child.type == "text":
                assert not re.search(r"@[A-Za-z0-9]", child.content), child.content
    return tokens


def test_comment_renders_hostile_text_as_text() -> None:
    diagnostics = [hostile_diagnostic(text) for text in MARKDOWN_FORGERIES]
    diagnostics += [hostile_diagnostic(text, blocking=False) for text in MARKDOWN_FORGERIES]
    body = render_comment(Outcome(diagnostics))
    tokens = check_rendered(body)
    code = [c.content for t in tokens for c in t.children or [] if c.type == "code_inline"]
    # identifiers are shown exactly, without entities: `<b>` is `<b>`, never `&lt;b&gt;`
    assert "service/<b>&lt;entity&gt;</b>" in code
    assert "service/<b><img src=x onerror=alert(1)></b>" in code
    assert "service/<b>a | b | c</b>" in code
    assert not any("&lt;b&gt;" in c for c in code)


def test_step_summary_renders_hostile_text_as_text() -> None:
    check_rendered(render_markdown(Outcome([hostile_diagnostic(text) for text in MARKDOWN_FORGERIES])))


def test_comment_stays_under_githubs_limit_and_says_what_it_cut() -> None:
    wide = "é€😀" * 20 + "@acme/sre [x](https://e.example)"  # more bytes than characters
    diagnostics = [hostile_diagnostic(f"{i} {wide}") for i in range(400)]
    diagnostics += [hostile_diagnostic(f"{i} {wide}", blocking=False) for i in range(50)]
    body = render_comment(Outcome(diagnostics))
    comment = "<!-- ownership-as-code:check -->\n" + body  # as checker/github.py posts it
    assert len(comment) <= len(comment.encode("utf-16-le")) // 2 <= MAX_COMMENT_CHARS  # code points or UTF-16
    assert len(comment.encode("utf-16-le")) // 2 > 60_000 and len(body.encode()) > 90_000  # not bytes
    tokens = check_rendered(body)
    shown = sum(1 for t in tokens if t.type == "tr_open") - 1  # less the header row
    assert f"…and {400 - shown} more blocking; see the job summary." in body
    assert "…and 50 more; see the job summary." in body


def test_comment_with_nothing_blocking_still_says_so_under_forged_headings() -> None:
    body = render_comment(Outcome([hostile_diagnostic(t, blocking=False) for t in MARKDOWN_FORGERIES]))
    assert body.startswith("### ownership check: nothing blocking ✅")
    check_rendered(body)


def test_step_summary_stays_under_one_mebibyte() -> None:
    wide = "€" * 900
    diagnostics = [hostile_diagnostic(f"{i} {wide}") for i in range(2_000)]
    summary = render_markdown(Outcome(diagnostics))
    assert len(summary.encode()) <= MAX_BYTES
    shown = summary.count("\n| ❌ |")
    assert 0 < shown < 2_000 and f"…and {2_000 - shown} more; run `ownership check` locally" in summary


# --- The ownership report: Markdown (with its Mermaid chart) and HTML -------------------------------

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
             "call f()", "todayMarker on", "Ann\u2028Bob", "inclusiveEndDates", "weekday monday"]
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
