"""Escaping: one function per syntax a value from the config (or a file name) can land in.

Every value a pull request controls is hostile: a rotation name, a message
that quotes a key, a file path, a display name. Reporters never escape by
hand; they call the function for the syntax they write. Each function here
is total (never raises on any string) and has a property test in
tests/test_escape.py.
"""

from __future__ import annotations

import re

# C0 and C1 control characters, DEL, Unicode line separators and lone surrogates (a file name
# that is not UTF-8): never printed raw (terminal escapes, fake line breaks, encoding crashes).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# A workflow command is a line that starts with `::` (the runner trims leading white space first).
_WORKFLOW_COMMAND_START = re.compile(r"\A[\s\x00-\x1f]*::")


def _visible(char: str) -> str:
    code = ord(char)
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if char in named:
        return named[char]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """One line for a terminal or a CI log: control characters (escape sequences, CR, LF, NUL)
    shown as visible escapes, so a value can neither recolour, erase nor split the line."""
    return _CONTROLS.sub(lambda m: _visible(m.group(0)), text)


def log_line(text: str) -> str:
    """A whole line for a CI log (GitHub Actions reads lines starting with `::` as workflow
    commands, e.g. `::stop-commands::`): escaped as for a terminal, and a line that would start
    a command gets a visible `> ` in front."""
    line = terminal(text)
    return "> " + line if _WORKFLOW_COMMAND_START.match(line) else line


def workflow_data(text: str) -> str:
    """The message of a workflow command (`::error ...::MESSAGE`), as the Actions toolkit escapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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
        raise UnwritablePath(f"path {terminal(path)!r} {problem}")
    return path.replace(" ", "\\ ")
