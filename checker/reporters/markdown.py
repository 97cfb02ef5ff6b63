"""`--format markdown`: the pull-request comment body, also the GitHub step summary.

Every value from the repository goes through checker.escape: identifiers
(location, subject) as code spans, messages as prose whose backticked pieces
are code spans. GitHub caps a comment at 65,536 characters and a step summary
at 1 MiB; both renderings stop adding rows before their limit and say how
many they left out. Rows are measured as they are added, so the cost is
linear in what is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import escape
from ..diagnostics import Diagnostic
from . import Outcome, Reporter, register
from .schedule_changes import markdown_section

MAX_BYTES = 1000 * 1024  # the step summary: GitHub's limit is 1 MiB per step; stay under it
MAX_COMMENT_CHARS = 65_000  # the pull-request comment: GitHub's limit is 65,536 characters
MARKER_ROOM = 100  # left for the hidden marker line the GitHub client puts above the body
MAX_VALUE_CHARS = 1_000  # one value in a cell: longer ones are clipped (the full text is in the job log)
_RESERVED = 600  # room kept for the lines that say what was cut and the closing of <details>

_HEADER = "| | rule | where | subject | what to change |\n|---|---|---|---|---|\n"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"


def _row(d: Diagnostic, outcome: Outcome) -> str:
    mark = "❌" if outcome.blocking(d) else ("⚠️" if d.severity.value == "warning" else "ℹ️")
    status = (" (new)" if d.new else " (existing)") if outcome.diff_mode else ""
    # d.name is the catalogue's (lower-case letters and dashes), not the repository's.
    return (f"| {mark} | {escape.gfm_code(d.rule, in_table=True)} {d.name}{status} "
            f"| {escape.gfm_code(_clip(str(d.location)), in_table=True)} "
            f"| {escape.gfm_code(_clip(d.subject), in_table=True)} "
            f"| {escape.gfm_message(_clip(d.message), in_table=True)} |\n")


def _rows(diagnostics: list[Diagnostic], outcome: Outcome, budget: int,
          size: Callable[[str], int]) -> tuple[str, int]:
    """Table rows for diagnostics, as many as fit in budget (measured by size); and how many fitted."""
    rows: list[str] = []
    used = 0
    for d in diagnostics:
        row = _row(d, outcome)
        used += size(row)
        if used > budget:
            break
        rows.append(row)
    return "".join(rows), len(rows)


def comment_length(text: str) -> int:
    """Characters as GitHub may count them: UTF-16 code units, never fewer than code points."""
    return len(text.encode("utf-16-le")) // 2


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def render_comment(outcome: Outcome, limit: int = MAX_COMMENT_CHARS - MARKER_ROOM) -> str:
    """The pull-request comment's body: blocking diagnostics first, the others folded; at most limit
    characters (with the marker line, the comment stays within MAX_COMMENT_CHARS)."""
    ordered = outcome.by_importance()
    blocking = [d for d in ordered if outcome.blocking(d)]
    others = [d for d in ordered if not outcome.blocking(d)]
    schedule = markdown_section(outcome.schedule_changes, limit // 4)  # a quarter of the room at most
    if not blocking:
        text = "### ownership check: nothing blocking ✅\n\nEvery problem this pull request introduced is fixed.\n"
    else:
        text = f"### ownership check: {len(blocking)} blocking\n\n{_HEADER}"
        rows, shown = _rows(blocking, outcome, limit - comment_length(text) - comment_length(schedule) - _RESERVED,
                            comment_length)
        text += rows
        if shown < len(blocking):
            text += f"\n…and {len(blocking) - shown} more blocking; see the job summary.\n"
    text += schedule
    if others:
        opening = f"\n<details><summary>{len(others)} existing or non-blocking diagnostic(s)</summary>\n\n"
        budget = limit - comment_length(text) - comment_length(opening + _HEADER) - _RESERVED
        rows, shown = _rows(others, outcome, budget, comment_length)
        table = _HEADER + rows if shown else ""
        more = f"\n…and {len(others) - shown} more; see the job summary.\n" if shown < len(others) else ""
        text += f"{opening}{table}{more}\n</details>\n"
    return text


def render_markdown(outcome: Outcome, limit: int = MAX_BYTES) -> str:
    """The step summary: every diagnostic, most important first, under limit bytes."""
    blocking = outcome.blocking_count
    schedule = markdown_section(outcome.schedule_changes, limit // 4)
    if not outcome.diagnostics:
        return "### ownership check: all clear\n\nEvery service has an owner who can be paged.\n" + schedule
    verdict = f"{blocking} blocking" if blocking else "nothing blocking"
    text = f"### ownership check: {verdict}\n\n{outcome.errors} error(s), {outcome.warnings} warning(s).\n\n{_HEADER}"
    ordered = outcome.by_importance()
    rows, shown = _rows(ordered, outcome, limit - utf8_length(text) - utf8_length(schedule) - _RESERVED, utf8_length)
    text += rows
    if shown < len(ordered):
        text += f"\n…and {len(ordered) - shown} more; run `ownership check` locally to see them all.\n"
    return text + schedule


@register
class MarkdownReporter(Reporter):
    name = "markdown"

    def render(self, outcome: Outcome) -> str:
        return render_markdown(outcome)
