"""Every escaping function over arbitrary strings, each read back by a parser we did not write."""

from __future__ import annotations

import html.parser
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from checker import escape
from checker.codeowners.patterns import compile_pattern

# Text a pull request could put anywhere: any code point, weighted towards the dangerous ones.
HOSTILE = st.text(alphabet=st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(list("\n\r\t\x00\x1b\x07\x85\u2028`*_[]()<>#@|\\:;,%&\"'!~=$")),
))
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
MARKDOWN = MarkdownIt("commonmark").enable("table").enable("strikethrough")


@given(HOSTILE)
def test_terminal_leaves_no_control_character(text: str) -> None:
    assert not CONTROL.search(escape.terminal(text))


@given(HOSTILE)
def test_log_line_never_starts_a_workflow_command(text: str) -> None:
    line = escape.log_line(text)
    assert not CONTROL.search(line)
    assert not line.strip().startswith("::")


def test_terminal_shows_a_name_that_is_not_utf8() -> None:
    name = b"services/\xff".decode("utf-8", "surrogateescape")
    assert escape.terminal(name) == "services/\\udcff"
    escape.terminal(name).encode("utf-8")  # printable


def test_log_line_defuses_stop_commands_and_forged_errors() -> None:
    assert escape.log_line("::stop-commands::x") == "> ::stop-commands::x"
    assert escape.log_line("ok\n::error::forged") == "ok\\n::error::forged"
    assert escape.log_line("\x1b[2K\x1b[1Ano problems found") == "\\x1b[2K\\x1b[1Ano problems found"


def _unescape_workflow(text: str) -> str:
    return text.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n").replace("%0D", "\r") \
        .replace("%25", "%")


@given(HOSTILE)
def test_workflow_data_and_property_read_back(text: str) -> None:
    data, prop = escape.workflow_data(text), escape.workflow_property(text)
    assert "\n" not in data and "\r" not in data
    assert not re.search(r"[\r\n:,]", prop)
    assert _unescape_workflow(data) == text
    assert _unescape_workflow(prop) == text


def _flat(text: str) -> str:
    return CONTROL.sub(" ", text)


def _inline_children(markdown: str) -> list[tuple[str, str]]:
    tokens = MARKDOWN.parse(markdown)
    inline = [t for t in tokens if t.type == "inline"]
    return [(child.type, child.content) for token in inline for child in token.children or []]


@settings(max_examples=300)
@given(HOSTILE)
def test_gfm_text_renders_as_the_same_plain_text(text: str) -> None:
    rendered = escape.gfm_text(text)
    children = _inline_children("x " + rendered)  # not at a line start: no block markup either way
    assert {kind for kind, _ in children} <= {"text", "softbreak"}
    shown = "".join(content for _, content in children).replace("\u200b", "")
    assert shown == "x " + _flat(text).strip(" ") or shown.rstrip() == ("x " + _flat(text)).rstrip()
    assert not re.search(r"[@#][A-Za-z0-9]", rendered)  # no live mentions or issue references


def test_gfm_text_defuses_a_forged_heading_link_and_mention() -> None:
    children = _inline_children("x " + escape.gfm_text("\r### nothing blocking ✅ [ok](https://evil) @acme/sre"))
    assert [kind for kind, _ in children] == ["text"]


@settings(max_examples=300)
@given(HOSTILE)
def test_gfm_code_holds_the_text_exactly(text: str) -> None:
    children = _inline_children("x " + escape.gfm_code(text))
    assert children[-1][0] == "code_inline"
    assert children[-1][1].strip(" ") == _flat(text).strip(" ")


@settings(max_examples=300)
@given(HOSTILE)
def test_gfm_code_in_a_table_cell_stays_one_cell(text: str) -> None:
    table = f"| a | b |\n|---|---|\n| {escape.gfm_code(text, in_table=True)} | end |\n"
    tokens = MARKDOWN.parse(table)
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == 2
    inline = [t for t in tokens if t.type == "inline"][-2]
    assert [c.type for c in inline.children or []] == ["code_inline"]
    assert (inline.children or [])[0].content.strip(" ") == _flat(text).strip(" ")


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags = 0
        self.data = ""

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags += 1

    def handle_data(self, data: str) -> None:
        self.data += data


@given(HOSTILE)
def test_html_text_reads_back_as_text(text: str) -> None:
    parser = _Text()
    parser.feed(f"<p title=\"{escape.html_text(text)}\">{escape.html_text(text)}</p>")
    parser.close()
    assert parser.tags == 1
    assert parser.data == _flat(text).replace("\x00", " ")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:x", "data:text/html,x", "http://x",
                                 "https://", "https://x\n.y", "docs/runbook.md", " https://x"])
def test_safe_url_refuses_what_is_not_plain_https(url: str) -> None:
    assert escape.safe_url(url) is None


def test_safe_url_keeps_https() -> None:
    assert escape.safe_url("https://wiki.example.com/runbooks/a?b=c#d") == "https://wiki.example.com/runbooks/a?b=c#d"


@given(HOSTILE.filter(lambda t: not re.search(r"[\ud800-\udfff]", t)))
def test_yaml_scalar_reads_back_exactly(text: str) -> None:
    from checker.load import read_yaml

    written = f"key: {escape.yaml_scalar(text)}\n"
    assert yaml.safe_load(written) == {"key": text}
    assert read_yaml(written.encode(), "x.yaml").documents == [{"key": text}]


@given(HOSTILE)
def test_ical_text_reads_back_through_icalendar(text: str) -> None:
    from icalendar import Calendar

    written = escape.ical_text(text)
    assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", written)
    expected = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text.replace("\r\n", "\n").replace("\r", "\n"))
    document = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:{written}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    event = Calendar.from_ical(document.encode("utf-8", "surrogatepass")).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == expected


@given(HOSTILE)
def test_ical_param_has_no_quote_or_control(text: str) -> None:
    written = escape.ical_param(text)
    inner = written[1:-1] if written.startswith('"') else written
    assert '"' not in inner
    assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", written)
    if re.search(r"[:;,]", inner):
        assert written.startswith('"') and written.endswith('"')


@given(HOSTILE)
def test_codeowners_path_is_one_token_or_refused(text: str) -> None:
    try:
        written = escape.codeowners_path(text)
    except escape.UnwritablePath:
        assert (CONTROL.search(text) or re.search(r"(?! )\s", text) or re.search(r"[#\\\[\]]", text)
                or text.startswith("!"))
        return
    assert "\n" not in written and "#" not in written
    assert not re.search(r"(?<!\\) ", written)  # every space is escaped
    # Read back by GitHub's rules as an independent reader implements them: one rule, the whole path
    # as its pattern (escapes and all), no owners smuggled in.
    codeowners = pytest.importorskip("codeowners")
    # (The package swaps `\\ ` for 20 slashes and back, which garbles a space next to a slash.)
    if written and "/ " not in "/" + text and " /" not in text:
        rules = codeowners.CodeOwners(f"/{written} @acme/team\n").paths
        assert [(rule[1], [owner for _, owner in rule[2]]) for rule in rules] == [(f"/{written}", ["@acme/team"])]
    if not re.search(r"[*?]", text):
        assert compile_pattern("/" + written).matches(text.lstrip("/")) or not text.strip("/")

@given(st.one_of(HOSTILE, st.from_regex(r"[a-z0-9][a-z0-9._-]*", fullmatch=True),
                 st.sampled_from(["0", "1e3", "0x1f", "no", "on", "true", "null", ".inf", "12:00", "2026-01-06"])))
def test_yaml_name_reads_back_as_itself_in_yaml_1_1_and_1_2(text: str) -> None:
    from checker.load import read_yaml

    document = f"{escape.yaml_name(text)}: {escape.yaml_name(text)}\n"
    if not CONTROL.search(text):  # PyYAML refuses some control characters even escaped; our loader reads them
        assert yaml.safe_load(document) == {text: text}
    assert read_yaml(document.encode("utf-8"), "x.yaml").documents == [{text: text}]
