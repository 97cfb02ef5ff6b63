"""`--format markdown`: the pull-request comment body, also the GitHub step summary."""

from __future__ import annotations

from . import Outcome, Reporter, register
from .schedule_changes import markdown_section

MAX_BYTES = 1000 * 1024  # GitHub's step summary limit is 1 MiB; stay under it


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _rows(diagnostics: list, outcome: Outcome, budget: int) -> tuple[str, int]:  # type: ignore[type-arg]
    """Table rows for diagnostics, as many as fit in budget bytes; and how many fitted."""
    text, shown = "", 0
    for d in diagnostics:
        mark = "❌" if outcome.blocking(d) else ("⚠️" if d.severity.value == "warning" else "ℹ️")
        status = (" (new)" if d.new else " (existing)") if outcome.diff_mode else ""
        row = (f"| {mark} | `{d.rule}` {d.name}{status} | `{_cell(str(d.location))}` | `{_cell(d.subject)}` "
               f"| {_cell(d.message)} |\n")
        if len(text.encode()) + len(row.encode()) > budget:
            break
        text += row
        shown += 1
    return text, shown


_HEADER = "| | rule | where | subject | what to change |\n|---|---|---|---|---|\n"


def render_comment(outcome: Outcome, limit: int = 60_000) -> str:
    """The pull-request comment: blocking diagnostics first, the others folded (GitHub caps comments at 65,536)."""
    blocking = [d for d in outcome.by_importance() if outcome.blocking(d)]
    others = [d for d in outcome.by_importance() if not outcome.blocking(d)]
    schedule = markdown_section(outcome.schedule_changes, limit // 4)  # a quarter of the room at most
    if not blocking:
        text = "### ownership check: nothing blocking ✅\n\nEvery problem this pull request introduced is fixed.\n"
    else:
        rows, shown = _rows(blocking, outcome, limit // 2)
        text = f"### ownership check: {len(blocking)} blocking\n\n{_HEADER}{rows}"
        if shown < len(blocking):
            text += f"\n…and {len(blocking) - shown} more blocking; see the job summary.\n"
    text += schedule
    if others:
        rows, shown = _rows(others, outcome, limit - len(text.encode()) - 300)
        more = f"\n…and {len(others) - shown} more.\n" if shown < len(others) else ""
        text += (f"\n<details><summary>{len(others)} existing or non-blocking diagnostic(s)</summary>\n\n"
                 f"{_HEADER}{rows}{more}\n</details>\n")
    return text


def render_markdown(outcome: Outcome, limit: int = MAX_BYTES) -> str:
    blocking = outcome.blocking_count
    schedule = markdown_section(outcome.schedule_changes, limit // 4)
    if not outcome.diagnostics:
        return "### ownership check: all clear\n\nEvery service has an owner who can be paged.\n" + schedule
    verdict = f"{blocking} blocking" if blocking else "nothing blocking"
    text = f"### ownership check: {verdict}\n\n{outcome.errors} error(s), {outcome.warnings} warning(s).\n\n{_HEADER}"
    ordered = outcome.by_importance()
    rows, shown = _rows(ordered, outcome, limit - len(text.encode()) - len(schedule.encode()) - 200)
    text += rows
    if shown < len(ordered):
        text += f"\n…and {len(ordered) - shown} more; run `ownership check` locally to see them all.\n"
    return text + schedule


@register
class MarkdownReporter(Reporter):
    name = "markdown"

    def render(self, outcome: Outcome) -> str:
        return render_markdown(outcome)
