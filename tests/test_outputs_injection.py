"""Nothing a pull request writes can forge, hide or inject anything in `check`'s outputs (issue 11).

Each output is read back as something we did not write reads it: the log as
the Actions runner does (a line starting with `::`, `##[` anywhere), Markdown
through markdown-it. The ownership report's tests are in test_report_injection.py.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
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
    # the sources list a name with control characters in a printable form (and refuse to read it)
    assert "monitoring/\\x1b[2K\\x1b[1Ano problems found\\x0d.yaml" in files
    assert any("unknown key '%0A::error::forged' in people.a" in line for line in lines)


def test_a_file_name_that_is_not_utf8_is_written_by_every_log_format(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = write_repo(tmp_path / "repo", HOSTILE_CONFIG)
    (root / "monitoring").mkdir()
    (root / os.fsdecode(b"monitoring/\xff.yaml")).write_text("x: 1\n")
    # the sources list it under a printable name (the byte shown as \\xff) and refuse to read it
    shown = {"text": "monitoring/\\xff.yaml", "github": "file=monitoring/\\xff.yaml",
             "markdown": "`monitoring/\\xff.yaml:1:1`"}
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
