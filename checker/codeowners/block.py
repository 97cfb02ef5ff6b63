"""The managed block inside a CODEOWNERS file: found by its markers, replaced, everything else kept byte for byte.

SPEC §9: the block is found by any line starting `# BEGIN ownership-as-code`
and `# END ownership-as-code` (so a block written by hand from the README's
example is recognised); a BEGIN without its END, an END without its BEGIN, or
two blocks, is an error that says how to mend the file, and nothing is
written. The file's line endings (LF or CRLF) and a byte-order mark are kept.
"""

from __future__ import annotations

from ..records import record

BEGIN_MARK = "# BEGIN ownership-as-code"
END_MARK = "# END ownership-as-code"
BEGIN = f"{BEGIN_MARK}: generated from ownership.yaml by `ownership codeowners`; edit the config"
END = END_MARK
BOM = "\ufeff"


class BlockError(ValueError):
    """The file's markers cannot be read as one managed block; the message says how to mend it."""


@record
class Layout:
    """A CODEOWNERS file cut at its managed block. Each line keeps its own ending."""

    before: list[str]
    block: list[str] | None  # None: the file has no block yet
    after: list[str]
    newline: str
    bom: str = ""

    @property
    def after_first_line(self) -> int:
        """The 1-based number, in the file as it is, of the first line after the block."""
        return len(self.before) + len(self.block or []) + 1


def _lines(text: str) -> list[str]:
    """Lines with their endings, split at LF only: GitHub reads neither a lone CR nor the other
    breaks str.splitlines knows (VT, FF, NEL, U+2028 ...) as line breaks."""
    parts = text.split("\n")
    out = [part + "\n" for part in parts[:-1]]
    return out + ([parts[-1]] if parts[-1] else [])


def newline_of(text: str) -> str:
    """The file's line ending: that of its first line, LF for a file without one."""
    end = text.find("\n")
    return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"


def layout(text: str | None, where: str) -> Layout:
    """Cut the file at its block; BlockError when its markers do not make exactly one block."""
    if not text:
        return Layout([], None, [], "\n")
    bom = BOM if text.startswith(BOM) else ""
    body = text[len(bom):]
    lines = _lines(body)
    begins = [i for i, line in enumerate(lines) if line.startswith(BEGIN_MARK)]
    ends = [i for i, line in enumerate(lines) if line.startswith(END_MARK)]
    if len(begins) > 1 or len(ends) > 1:
        extra = begins[1:] or ends[1:]
        raise BlockError(
            f"{where} has {max(len(begins), len(ends))} `{BEGIN_MARK}`/`{END_MARK}` blocks (another starts at line "
            f"{extra[0] + 1}); delete all but one block, then run `ownership codeowners` again")
    if begins and not ends:
        raise BlockError(
            f"{where}:{begins[0] + 1} has `{BEGIN_MARK}` but no `{END_MARK}` line after it; add `{END_MARK}` "
            "where the generated lines end (or delete the BEGIN line), then run `ownership codeowners` again")
    if ends and not begins:
        raise BlockError(
            f"{where}:{ends[0] + 1} has `{END_MARK}` but no `{BEGIN_MARK}` line before it; add `{BEGIN_MARK}` "
            "where the generated lines start (or delete the END line), then run `ownership codeowners` again")
    newline = newline_of(body)
    if not begins:
        return Layout(lines, None, [], newline, bom)
    start, end = begins[0], ends[0]
    if end < start:
        raise BlockError(
            f"{where}:{end + 1} has `{END_MARK}` before its `{BEGIN_MARK}` (line {start + 1}); put the BEGIN line "
            "first, then run `ownership codeowners` again")
    return Layout(lines[:start], lines[start:end + 1], lines[end + 1:], newline, bom)


def with_block(current: Layout, generated: list[str]) -> tuple[str, Layout]:
    """The file with its block replaced by the generated lines (or appended after the rest),
    and where each part now lies."""
    newline = current.newline
    block = [line + newline for line in (BEGIN, *generated, END)]
    before = list(current.before)
    if current.block is None and before:
        if not before[-1].endswith("\n"):
            before[-1] += newline
        if before[-1].strip():
            before.append(newline)  # a blank line between the hand-written lines and the block
    after = list(current.after)
    updated = Layout(before, block, after, newline, current.bom)
    return current.bom + "".join(before + block + after), updated
