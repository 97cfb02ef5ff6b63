"""Every escaping function over arbitrary strings, each read back by a parser we did not write."""

from __future__ import annotations

import html.parser
import re
import unicodedata

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
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
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
    assert not CONTROL.search(data.replace("%0A", "")) and not CONTROL.search(prop)
    # what the runner shows: the text, with what a terminal would act on or hide shown visibly
    shown = "".join(char if char in "\r\n" else escape.terminal(char) for char in text)
    assert _unescape_workflow(data) == shown
    assert _unescape_workflow(prop) == shown


def test_workflow_data_shows_escape_sequences_and_bidi_overrides() -> None:
    # found by tests/fuzz: a config key holding ESC reached the log raw inside an annotation's message
    assert escape.workflow_data("'\x1b[2J' in people") == "'\\x1b[2J' in people"
    assert escape.workflow_property("a\u202etxt.exe") == "a\\u202etxt.exe"
    assert escape.workflow_data("line\nbreak 100%") == "line%0Abreak 100%25"


def test_bidi_overrides_never_reach_html_or_markdown_raw() -> None:
    # found by tests/fuzz: `contact: "\u202etxt.exe"` was written raw into the HTML report
    for text in ("\u202etxt.exe", "a\u2066b\u2069"):
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", escape.html_text(text) + escape.gfm_text(text)
                             + escape.gfm_code(text) + escape.mermaid_label(text))
        assert escape.safe_url(f"https://x.example/{text}") is None


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
    flat = _flat(text).replace("\u200b", "")  # the zero-width spaces gfm_text adds are not compared
    assert shown == "x " + flat.strip(" ") or shown.rstrip() == ("x " + flat).rstrip()
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

    document = f"{escape.yaml_key(text, '')} {escape.yaml_name(text)}\n"
    if not CONTROL.search(text):  # PyYAML refuses some control characters even escaped; our loader reads them
        assert yaml.safe_load(document) == {text: text}
    assert read_yaml(document.encode("utf-8"), "x.yaml").documents == [{text: text}]



@pytest.mark.parametrize("text", ["\u00e9" * 170, "a" * 1024, "a" * 1025, "0" * 2000])
def test_a_name_too_long_for_an_implicit_key_is_written_as_an_explicit_one(text: str) -> None:
    from checker.load import read_yaml

    key = escape.yaml_key(text, "  ")
    assert key.startswith("  ? ") == (len(escape.yaml_name(text)) > escape.YAML_IMPLICIT_KEY_LIMIT)
    document = f"names:\n{key} {escape.yaml_name(text)}\n"
    assert yaml.safe_load(document) == {"names": {text: text}}
    assert read_yaml(document.encode("utf-8"), "x.yaml").documents == [{"names": {text: text}}]


@given(st.text(alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(list(" #?%:;@&=+$,[]\\\x00\n")))))
def test_uri_path_is_an_rfc3986_path_that_reads_back(path: str) -> None:
    from urllib.parse import unquote_to_bytes, urlsplit

    uri = escape.uri_path(path)
    assert re.fullmatch(r"[A-Za-z0-9\-._~/%]*", uri)
    assert urlsplit(uri).path == uri  # no scheme, query or fragment
    assert unquote_to_bytes(uri) == path.encode("utf-8", "surrogateescape")


def test_uri_path_keeps_the_bytes_of_a_name_that_is_not_utf8() -> None:
    assert escape.uri_path(b"services/caf\xe9 #1.yaml".decode("utf-8", "surrogateescape")) == \
        "services/caf%E9%20%231.yaml"


FORMAT_CHARACTERS = st.sampled_from(list("\u00ad\u061c\u200b\u200d\u200e\u202a\u202e\u2066\u2069\ufeff\u034f"))
LOG_HOSTILE = st.lists(st.one_of(st.characters(codec="utf-8"), FORMAT_CHARACTERS,
                                  st.sampled_from(["#", "[", ":", " ", "\n", "\x1b", "\u3000", "##[", "::"]))
                       ).map("".join)


@given(LOG_HOSTILE)
def test_terminal_hides_nothing_and_breaks_legacy_commands(text: str) -> None:
    shown = escape.terminal(text)
    assert not CONTROL.search(shown)
    assert not any(unicodedata.category(char) == "Cf" for char in shown)  # no bidi override, no zero-width
    assert "##[" not in shown  # the runner honours `##[command]` anywhere in a line


@given(LOG_HOSTILE)
def test_log_line_is_no_workflow_command_even_behind_invisible_characters(text: str) -> None:
    line = escape.log_line(text)
    # .NET's TrimStart, then StartsWith("::"); culture-aware matching would skip format characters
    # (and the combining grapheme joiner), so they are skipped here too.
    visible = "".join(char for char in line if unicodedata.category(char) != "Cf" and char != "\u034f").lstrip()
    assert not visible.startswith("::") and "##[" not in line and "\n" not in line


def test_log_line_examples_of_what_the_runner_would_act_on() -> None:
    assert escape.log_line("\u200b::stop-commands::x") == "\\u200b::stop-commands::x"
    assert escape.log_line("\u3000::error::forged") == "> \u3000::error::forged"
    assert escape.log_line("ok ##[error]forged") == "ok ##\\x5berror]forged"
    assert escape.terminal("a\u202eevil") == "a\\u202eevil"


def test_workflow_data_writes_a_name_that_is_not_utf8() -> None:
    name = b"rules/\xff.yaml".decode("utf-8", "surrogateescape")
    assert escape.workflow_property(name) == "rules/\\udcff.yaml"
    escape.workflow_data(name).encode("utf-8")


def _text_tokens(children: list[tuple[str, str]]) -> list[str]:
    return [content for kind, content in children if kind == "text"]


@settings(max_examples=300)
@given(HOSTILE)
def test_gfm_message_renders_only_text_and_code(text: str) -> None:
    rendered = escape.gfm_message(text)
    children = _inline_children("x " + rendered)
    assert {kind for kind, _ in children} <= {"text", "code_inline", "softbreak"}
    assert not any(re.search(r"@[A-Za-z0-9]", content) for content in _text_tokens(children))
    shown = "".join(content for _, content in children).replace("\u200b", "")
    last = text.rfind("`") if text.count("`") % 2 else len(text)  # an unpaired last backtick is shown
    expected = _flat(text[:last].replace("`", "") + text[last:]).replace("\u200b", "")
    assert "".join(shown.split()) == "".join(("x " + expected).split())


def test_gfm_message_shows_quoted_code_as_code() -> None:
    children = _inline_children("x " + escape.gfm_message("add `secondary: <b>x</b>` for @acme/sre"))
    assert children == [("text", "x add "), ("code_inline", "secondary: <b>x</b>"), ("text", " for @\u200bacme/sre")]


@settings(max_examples=300)
@given(HOSTILE)
def test_gfm_message_in_a_table_cell_stays_one_cell(text: str) -> None:
    table = f"| a | b |\n|---|---|\n| {escape.gfm_message(text, in_table=True)} | end |\n"
    tokens = MARKDOWN.parse(table)
    assert len([t for t in tokens if t.type == "td_open"]) == 2
    assert [t for t in tokens if t.type == "inline"][-1].content == "end"


@settings(max_examples=300)
@given(HOSTILE)
def test_gfm_link_is_one_link_to_the_same_url(tail: str) -> None:
    from urllib.parse import unquote

    url = "https://wiki.example/" + tail
    destination = escape.gfm_link(url)
    if destination is None:
        assert escape.safe_url(url) is None
        return
    table = f"| a | b |\n|---|---|\n| [runbook]({destination}) | end |\n"
    tokens = MARKDOWN.parse(table)
    assert len([t for t in tokens if t.type == "td_open"]) == 2
    cell = [t for t in tokens if t.type == "inline"][-2]
    children = cell.children or []
    assert [c.type for c in children] == ["link_open", "text", "link_close"]
    href = str(children[0].attrs["href"])
    assert href.startswith("https://wiki.example/")
    assert unquote(href) == unquote(url)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "http://x", "docs/runbook.md", "https://x\n)"])
def test_gfm_link_refuses_what_safe_url_refuses(url: str) -> None:
    assert escape.gfm_link(url) is None


# What the Mermaid gantt lexer (mermaid's gantt.jison) acts on in a task or section name.
_GANTT_BREAKERS = re.compile(r"[#:;%`\n\r]")
_GANTT_KEYWORDS = re.compile(r"(?i)\A[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*"
                             r"(gantt|dateformat\s|inclusiveenddates|topaxis|axisformat\s|tickinterval\s|includes\s"
                             r"|excludes\s|todaymarker\s|weekday\s|title\s|accdescription\s|accdescr|acctitle"
                             r"|section\s|click\s|href\s|call\s|\d{4}-\d{2}-\d{2})")


@given(HOSTILE)
def test_mermaid_label_is_one_plain_gantt_name(text: str) -> None:
    label = escape.mermaid_label(text)
    assert label.strip() and not _GANTT_BREAKERS.search(label) and not CONTROL.search(label)
    assert not _GANTT_KEYWORDS.match(label)
    assert "```" not in label and "%%" not in label


def test_mermaid_label_examples() -> None:
    assert escape.mermaid_label("Dave Diaz") == "Dave Diaz"
    assert escape.mermaid_label("a: b # c ; d %%{init: {}}%% ```") == "a b c d init ( )".replace(" ( )", "")
    assert escape.mermaid_label("Click Smith") == "\u200bClick Smith"
    assert escape.mermaid_label("") == "(no name)"
    assert escape.mermaid_label("::", placeholder="?") == "?"


@given(HOSTILE)
def test_one_line_is_one_line_of_plain_text(text: str) -> None:
    flat = escape.one_line(text)
    assert not CONTROL.search(flat) and flat == flat.strip() and "  " not in flat
