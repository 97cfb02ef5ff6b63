"""Escaping: one function per syntax a value from the config (or a file name) can land in.

Every value a pull request controls is hostile: a rotation name, a message
that quotes a key, a file path, a display name. Reporters never escape by
hand; they call the function for the syntax they write. Each function here
is total (never raises on any string) and has a property test in
tests/test_escape.py.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# C0 and C1 control characters, DEL, Unicode line separators, lone surrogates (a file name that is
# not UTF-8) and bidirectional embeddings, overrides and isolates: never printed raw (terminal escapes,
# fake line breaks, encoding crashes, text displayed in another order than it reads: `\u202etxt.exe`).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
# A workflow command is a line that starts with `::` (the runner trims leading white space first).
_WORKFLOW_COMMAND_START = re.compile(r"\A\s*::")
# The runner's legacy command syntax, `##[error]...`, is honoured anywhere in a line.
_LEGACY_COMMAND = "##["
# Invisible characters that are not format characters (Cf) but show nothing: the combining grapheme
# joiner, Hangul fillers, Khmer inherent vowels, Mongolian variation selectors.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0")
_NOT_PLAIN = re.compile(r"[^\x20-\x7e]")
_NOT_PLAIN_OR_BREAK = re.compile(r"[^\x20-\x7e\r\n]")


def _visible(char: str) -> str:
    code = ord(char)
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if char in named:
        return named[char]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


@functools.lru_cache(maxsize=4096)
def _shown(char: str) -> str:
    """A character as a terminal line shows it: visibly escaped when a log viewer or terminal would act
    on it or not show it (a control, a line or paragraph separator, a lone surrogate, a format character:
    bidi overrides, zero-width spaces, soft hyphen, BOM, which reorder or hide text and which
    culture-aware matching, like the Actions runner's, skips), else itself."""
    hidden = _CONTROLS.match(char) or char in _INVISIBLE or unicodedata.category(char) == "Cf"
    return _visible(char) if hidden else char


def _show_hidden(match: re.Match[str]) -> str:
    return _shown(match.group(0))


def terminal(text: str) -> str:
    """One line for a terminal or a CI log: control, format and other invisible characters shown as
    visible escapes (so a value can neither recolour, erase, reorder nor split the line), and the
    runner's legacy `##[command]` syntax, which works mid-line, broken up (`##\\x5b`)."""
    shown = text if text.isascii() and text.isprintable() else _NOT_PLAIN.sub(_show_hidden, text)
    return shown.replace(_LEGACY_COMMAND, "##\\x5b")


def one_line(text: str) -> str:
    """Free text (a display name from another system) as one line of plain text: control characters
    and line breaks become spaces, runs of white space one space."""
    return " ".join(_CONTROLS.sub(" ", text).split())


def log_line(text: str) -> str:
    """A whole line for a CI log (GitHub Actions reads lines starting with `::` as workflow
    commands, e.g. `::stop-commands::`): escaped as for a terminal, and a line that would start
    a command gets a visible `> ` in front."""
    line = terminal(text)
    return "> " + line if _WORKFLOW_COMMAND_START.match(line) else line


def workflow_data(text: str) -> str:
    """The message of a workflow command (`::error ...::MESSAGE`), as the Actions toolkit escapes it.
    The runner shows it in the log and a terminal may print it, so what `terminal` shows visibly is
    shown visibly here too (an escape sequence, a bidi override, a lone surrogate from a file name that
    is not UTF-8 as `\\udcff`); line breaks stay line breaks, as the toolkit writes them."""
    shown = text if text.isascii() and text.isprintable() else _NOT_PLAIN_OR_BREAK.sub(_show_hidden, text)
    return shown.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A property value of a workflow command (`file=`, `title=`)."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


_GFM_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~=^$&:\"'])")


def gfm_text(text: str) -> str:
    """Plain text inside GitHub-flavoured Markdown (a paragraph or a table cell): every ASCII
    punctuation mark that could start markup is backslash-escaped (no links, HTML, emphasis,
    headings or table breaks), line breaks become spaces, and `@`/`#` get a zero-width space after
    them, since GitHub links mentions and issue references even when escaped."""
    flat = _CONTROLS.sub(" ", text)
    escaped = _GFM_PUNCTUATION.sub(r"\\\1", flat)
    return escaped.replace("@", "@\u200b").replace("#", "#\u200b")


def gfm_code(text: str, in_table: bool = False) -> str:
    """A code span holding text exactly (no entities: inside code they show literally). The fence
    is one backtick longer than the longest run inside; line breaks become spaces. In a table,
    `|` is written `\\|`, which GFM removes again inside the cell's code span."""
    flat = _CONTROLS.sub(" ", text)
    if in_table:
        flat = flat.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    if flat.startswith(("`", " ")) or flat.endswith(("`", " ")) or not flat:
        flat = f" {flat} "
    return f"{fence}{flat}{fence}"


def gfm_message(text: str, in_table: bool = False) -> str:
    """Prose that quotes code between backticks, as diagnostic messages do (``add `secondary: x` ``):
    each quoted piece as a code span (gfm_code), the rest as plain text (gfm_text); an unpaired
    backtick is shown as itself. Whatever the pieces, nothing but text and code spans renders."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # an odd number of backticks: the last one pairs with nothing
        pieces[-2:] = [pieces[-2] + "`" + pieces[-1]]
    return "".join(gfm_code(piece, in_table) if index % 2 else gfm_text(piece) for index, piece in enumerate(pieces))


# What may stay as is in a Markdown link destination; everything else (spaces, parentheses, brackets,
# angle brackets, `|` that would split a table cell, backslashes, non-ASCII) is percent-encoded.
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#&=+,;%!$*@']")


def gfm_link(url: str) -> str | None:
    """An https URL as a Markdown link destination (`[text](DESTINATION)`), percent-encoded so that
    nothing in it can end the link or the table cell, and `&` backslash-escaped so that no entity
    (`&quot;`, `&#10;`) is decoded in it; None when the URL may not be linked (safe_url)."""
    safe = safe_url(url)
    if safe is None:
        return None
    encoded = _URL_UNSAFE.sub(lambda m: "".join(f"%{byte:02X}" for byte in m.group(0).encode()), safe)
    return encoded.replace("&", "\\&")


# Mermaid gantt: `#` starts a comment, `:` ends a task's text, `;` ends a statement, `%%` starts a
# comment or an init directive (anywhere in the diagram), a backtick could close the Markdown fence,
# braces open `accDescr {` blocks. U+FEFF is whitespace to Mermaid's lexer (JavaScript's \s) but not to
# str.split, so a name of it alone would be an empty task there.
_MERMAID_BREAKERS = re.compile(r"[#:;%`{}\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufeff]")
# Words the gantt lexer reads as statements when a line starts with them (case-insensitive), and dates.
_MERMAID_KEYWORD_START = re.compile(
    r"(?i)(gantt|dateformat|inclusiveenddates|topaxis|axisformat|tickinterval|includes|excludes|todaymarker"
    r"|weekday|weekend|displaymode|title|acctitle|accdescr|section|click|href|call|[0-9]{4}-[0-9]{2}-[0-9]{2})")


def mermaid_label(text: str, placeholder: str = "(no name)") -> str:
    """A section or task name in a Mermaid gantt chart (inside a ```mermaid fence), one line: the
    characters that end or comment out a statement become spaces, and a name that would start with a
    gantt keyword or a date gets a zero-width space in front. Never empty: placeholder instead."""
    label = " ".join(_MERMAID_BREAKERS.sub(" ", text).split())
    if not label:
        label = placeholder
    return "\u200b" + label if _MERMAID_KEYWORD_START.match(label) else label


def html_text(text: str) -> str:
    """Text or a quoted attribute value in HTML."""
    return (_CONTROLS.sub(" ", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))


def safe_url(url: str) -> str | None:
    """The URL when it is an https link a report may make clickable, else None (javascript:,
    data:, http:, relative paths with control characters ...)."""
    if _CONTROLS.search(url) or not url.lower().startswith("https://") or len(url) <= len("https://"):
        return None
    return url


def yaml_scalar(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly text: printable ASCII as is, every
    other character as a \\u or \\U escape (YAML has \\U for characters beyond the BMP)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        else:
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'



_PLAIN_NAME = re.compile(r"[a-z][a-z0-9._-]*")
# Words YAML 1.1 (PyYAML, many editors) or 1.2 would read as a boolean or null, not a string.
_YAML_WORDS = frozenset({"true", "false", "null", "y", "n", "yes", "no", "on", "off"})


def yaml_name(text: str) -> str:
    """A name as a YAML key or value: plain when every YAML reader takes it for that string
    (`payments`, `web-shop`), else a double-quoted scalar (`"0"`, `"1e3"`, `"no"`, anything else)."""
    if _PLAIN_NAME.fullmatch(text) and text not in _YAML_WORDS:
        return text
    return yaml_scalar(text)


# YAML reads `KEY:` as a key only when KEY is at most 1024 characters (an implicit key); a longer one
# must be written explicitly, `? KEY` and then `:` on the next line.
YAML_IMPLICIT_KEY_LIMIT = 1024


def yaml_key(text: str, indent: str) -> str:
    """A block mapping's key, at `indent`, up to and including its `:`: `NAME:`, or for a name
    too long to be an implicit key, `? NAME` and `:` on a line of its own (a hostile Backstage name)."""
    name = yaml_name(text)
    if len(name) <= YAML_IMPLICIT_KEY_LIMIT:
        return f"{indent}{name}:"
    return f"{indent}? {name}\n{indent}:"


def ical_text(text: str) -> str:
    """An iCalendar TEXT value (RFC 5545 §3.3.11): backslash, `;` and `,` escaped, line breaks as
    `\\n`, other control characters (not allowed in TEXT) dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return re.sub(r"[\x00-\x08\x0a-\x1f\x7f]", "", text)


def ical_param(text: str) -> str:
    """An iCalendar parameter value (RFC 5545 §3.2): DQUOTE and controls cannot be written at all,
    so they are dropped; the value is quoted when it holds `:`, `;` or `,`."""
    cleaned = re.sub(r"[\x00-\x08\x0a-\x1f\x7f\"]", "", text)
    return f'"{cleaned}"' if re.search(r"[:;,]", cleaned) else cleaned


class UnwritablePath(ValueError):
    """A path that CODEOWNERS cannot express as itself (see codeowners_path)."""


# Any white space but the plain space: GitHub's reader may split a pattern at it, and it is never
# what a path in a repository means.
_OTHER_SPACE = re.compile(r"(?! )\s")


def codeowners_problem(path: str) -> str | None:
    """Why a path cannot be written as one CODEOWNERS pattern that GitHub reads back as itself, or None."""
    if _CONTROLS.search(path):
        return "holds a line break or another control character"
    if _OTHER_SPACE.search(path):
        return "holds white space other than a plain space"
    if "#" in path:
        return "holds '#', which starts a comment in CODEOWNERS"
    if "\\" in path:
        return "holds '\\', an escape character in CODEOWNERS (separate directories with '/')"
    if "[" in path or "]" in path:
        return "holds '[' or ']', which GitHub refuses in CODEOWNERS (no character ranges)"
    if path.startswith("!"):
        return "starts with '!', which GitHub refuses in CODEOWNERS (no negation)"
    return None


def codeowners_path(path: str) -> str:
    """A path as a CODEOWNERS pattern token: spaces escaped as `\\ ` (GitHub reads an unescaped
    space as the end of the pattern). Raises UnwritablePath for what must never reach the file
    (codeowners_problem says why; the config check reports those as CFG002)."""
    problem = codeowners_problem(path)
    if problem:
        raise UnwritablePath(f"path {path!r} {problem}")
    return path.replace(" ", "\\ ")


_URI_PATH_SAFE = "/-._~"  # RFC 3986 unreserved characters (besides letters and digits) and the segment separator


def uri_path(path: str) -> str:
    """A repository path as a relative URI reference (SARIF's `artifactLocation.uri`): every byte
    outside RFC 3986's unreserved set and `/` percent-encoded from UTF-8 (a space, `#`, `?`, `%`
    or a colon in the first segment would otherwise change what the URI means); a file name
    that is not UTF-8 keeps its own bytes."""
    from urllib.parse import quote

    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file system produced: keep it visible rather than fail
        raw = path.encode("utf-8", "surrogatepass")
    return quote(raw, safe=_URI_PATH_SAFE)
