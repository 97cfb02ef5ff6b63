"""Alertmanager label matchers: `team="payments"`, `severity=~"critical|page"`, parsed and matched as
Alertmanager does (pkg/labels/parse.go, matcher/parse, matcher/compat in prometheus/alertmanager).

Alertmanager reads each `matchers:` line with its classic parser and, when that fails, with its newer
UTF-8 parser (the default "fallback" mode); both are here. Regular expressions are Go's RE2 syntax,
anchored as `^(?:RE)$`, and run on RE2 itself (google-re2): the same answers as Alertmanager, in
linear time whatever a pull request writes. An absent label matches as the empty string.
"""

from __future__ import annotations

from dataclasses import field
from functools import lru_cache
from typing import Any

from .records import record

OPERATORS = ("=~", "=", "!=", "!~")  # the classic parser tries them in this order
_GO_SPACE = " \t\n\f\r"  # Go's regexp \s
_NAME_START = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_:")
_NAME_REST = _NAME_START | set("0123456789")
# unicode.IsSpace: what Go's strings.TrimSpace trims
_UNICODE_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
                 "\u2028\u2029\u202f\u205f\u3000"
MAX_REGEX_MEMORY = 8 << 20  # bytes RE2 may use for one compiled expression


class MatcherError(ValueError):
    """A matcher Alertmanager would refuse; the message says why."""


@record(frozen=True)
class Matcher:
    name: str
    op: str  # one of OPERATORS
    value: str
    regex: Any = field(default=None, compare=False, repr=False)

    def matches(self, labels: dict[str, str]) -> bool:
        value = labels.get(self.name, "")
        if self.op == "=":
            return value == self.value
        if self.op == "!=":
            return value != self.value
        found = self.regex.search(value) is not None
        return found if self.op == "=~" else not found

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
        return f'{self.name}{self.op}"{escaped}"'


def new_matcher(name: str, op: str, value: str) -> Matcher:
    """A matcher; a regex operator compiles `^(?:value)$` in RE2 (MatcherError if it does not compile)."""
    regex = compile_anchored(value) if op in ("=~", "!~") else None
    return Matcher(name, op, value, regex)


@lru_cache(maxsize=4096)
def compile_anchored(pattern: str) -> Any:
    """RE2 for `^(?:pattern)$`, as Alertmanager compiles match_re values and regex matchers."""
    try:
        import re2  # type: ignore[import-untyped]  # Go's regexp is RE2: same syntax, same answers, linear time
    except ImportError:
        raise MatcherError("regular expressions need the google-re2 package (a dependency of this tool); "
                           "reinstall ownership-as-code") from None

    options = re2.Options()
    options.log_errors = False
    options.max_mem = MAX_REGEX_MEMORY
    try:
        return re2.compile(f"^(?:{pattern})$", options)
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise MatcherError(f"regular expression {pattern!r} does not compile: {detail}") from None


def parse_matchers(text: str) -> list[Matcher]:
    """One `matchers:` line, as Alertmanager's fallback mode reads it: the classic parser's answer when
    it has one, else the UTF-8 parser's; MatcherError with the classic parser's reason when neither."""
    try:
        return parse_classic(text)
    except MatcherError as classic_error:
        try:
            return parse_utf8(text)
        except MatcherError:
            raise classic_error from None


# ------------------------------------------------------------------ classic (pkg/labels/parse.go)

def parse_classic(text: str) -> list[Matcher]:
    text = text.removeprefix("{")
    text = text.removesuffix("}")
    tokens: list[str] = []
    token: list[str] = []
    inside_quotes = escaped = False
    for char in text:
        if char == "," and not inside_quotes:
            tokens.append("".join(token))
            token = []
            continue
        if char == '"':
            if not escaped:
                inside_quotes = not inside_quotes
            else:
                escaped = False
        elif char == "\\":
            escaped = not escaped
        elif char != ",":
            escaped = False
        token.append(char)
    last = "".join(token).strip(_UNICODE_SPACE)
    if last:
        tokens.append(last)
    return [_classic_matcher(t) for t in tokens]


def _classic_matcher(text: str) -> Matcher:
    """`^\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(=~|=|!=|!~)\\s*((?s).*?)\\s*$`, without a backtracking regex."""
    rest = text.lstrip(_GO_SPACE)
    end = 0
    if rest[:1] and rest[0] in _NAME_START:
        end = 1
        while end < len(rest) and rest[end] in _NAME_REST:
            end += 1
    name, rest = rest[:end], rest[end:].lstrip(_GO_SPACE)
    op = next((o for o in OPERATORS if rest.startswith(o)), None)
    if not name or op is None:
        raise MatcherError(f"bad matcher format: {text}")
    raw = rest[len(op):].strip(_GO_SPACE)
    return new_matcher(name, op, _classic_value(raw))


def _classic_value(raw: str) -> str:
    original = raw
    expect_trailing_quote = raw.startswith('"')
    if expect_trailing_quote:
        raw = raw[1:]
    out: list[str] = []
    escaped = False
    for index, char in enumerate(raw):
        last = index == len(raw) - 1
        if escaped:
            escaped = False
            out.append("\n" if char == "n" else char if char in '"\\' else "\\" + char)
        elif char == "\\":
            if last:
                out.append("\\")  # a final backslash is literal
            else:
                escaped = True
        elif char == '"':
            if not expect_trailing_quote or not last:
                raise MatcherError(f"matcher value contains unescaped double quote: {original}")
            expect_trailing_quote = False
        else:
            out.append(char)
    if expect_trailing_quote:
        raise MatcherError(f"matcher value contains unescaped double quote: {original}")
    return "".join(out)


# ------------------------------------------------------------------ UTF-8 (matcher/parse)

_RESERVED = set("{}!=~,\\\"'`")


def _lex(text: str) -> list[tuple[str, str]]:
    """Tokens as (kind, text): kinds { } , = != =~ !~ quoted unquoted."""
    tokens: list[tuple[str, str]] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in "{},":
            tokens.append((char, char))
            index += 1
        elif char in "=!":
            two = text[index:index + 2]
            if two in ("=~", "!=", "!~"):
                tokens.append((two, two))
                index += 2
            elif char == "=":
                tokens.append(("=", "="))
                index += 1
            else:
                raise MatcherError(f"{index}: expected one of '=~' after '!'")
        elif char == '"':
            end, escaped = index + 1, False
            while end < len(text) and (escaped or text[end] != '"'):
                escaped = not escaped and text[end] == "\\"
                end += 1
            if end >= len(text):
                raise MatcherError(f"{index}: {text[index:]}: missing end \"")
            tokens.append(("quoted", text[index:end + 1]))
            index = end + 1
        elif char in _UNICODE_SPACE:
            index += 1
        elif char in _RESERVED:
            raise MatcherError(f"{index}: {char}: invalid input")
        else:
            end = index
            while end < len(text) and not (text[end] in _UNICODE_SPACE or text[end] in _RESERVED):
                end += 1
            tokens.append(("unquoted", text[index:end]))
            index = end
    return tokens


def parse_utf8(text: str) -> list[Matcher]:
    tokens = _lex(text)
    position = 0

    def take(*kinds: str) -> tuple[str, str] | None:
        nonlocal position
        if position < len(tokens) and tokens[position][0] in kinds:
            position += 1
            return tokens[position - 1]
        return None

    braced = take("{") is not None
    matchers: list[Matcher] = []
    while position < len(tokens) and tokens[position][0] != "}":
        name, op, value = take("quoted", "unquoted"), take("=", "!=", "=~", "!~"), take("quoted", "unquoted")
        if name is None or op is None or value is None:
            raise MatcherError(f"expected a matcher such as name=\"value\" in {text!r}")
        matchers.append(new_matcher(_unquote(name), op[0], _unquote(value)))
        if take(",") is None:
            break
    closed = take("}") is not None
    if braced != closed or position != len(tokens):
        raise MatcherError(f"unbalanced braces or unexpected input in {text!r}")
    return matchers


def _unquote(token: tuple[str, str]) -> str:
    kind, text = token
    return go_unquote(text) if kind == "quoted" else text


_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\",
                   '"': '"'}


def go_unquote(quoted: str) -> str:
    """Go's strconv.Unquote for a double-quoted string: `\\xHH` and octal escapes are bytes, and the
    result must be UTF-8 (matcher/parse refuses it otherwise)."""
    body = quoted[1:-1]
    if "\n" in body:
        raise MatcherError(f"invalid quoted string {quoted!r}")
    out = bytearray()
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out += char.encode("utf-8", "surrogatepass")
            index += 1
            continue
        code = body[index + 1:index + 2]
        if code in _SIMPLE_ESCAPES:
            out += _SIMPLE_ESCAPES[code].encode()
            index += 2
            continue
        width = {"x": 2, "u": 4, "U": 8}.get(code)
        digits = body[index + 2:index + 2 + width] if width else body[index + 1:index + 4]
        base, size = (16, width) if width else (8, 3)
        allowed = "0123456789abcdefABCDEF" if base == 16 else "01234567"
        if len(digits) != size or any(d not in allowed for d in digits):
            raise MatcherError(f"invalid escape in quoted string {quoted!r}")
        value = int(digits, base)
        if code in ("u", "U"):
            if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                raise MatcherError(f"invalid escape in quoted string {quoted!r}")
            out += chr(value).encode()
        elif value > 0xFF:
            raise MatcherError(f"invalid escape in quoted string {quoted!r}")
        else:
            out.append(value)  # a byte, as in Go
        index += 2 + size if width else 4
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise MatcherError(f"quoted string {quoted!r} is not valid UTF-8") from None
