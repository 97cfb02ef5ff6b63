"""`--format markdown`: the pull-request comment body, also the GitHub step summary."""

from __future__ import annotations

from . import Outcome, Reporter, register

MAX_BYTES = 1000 * 1024  # GitHub's step summary limit is 1 MiB; stay under it


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def render_markdown(outcome: Outcome, limit: int = MAX_BYTES) -> str:
    blocking = outcome.blocking_count
    if not outcome.diagnostics:
        return "### ownership check: all clear\n\nEvery service has an owner who can be paged.\n"
    verdict = f"{blocking} blocking" if blocking else "nothing blocking"
    head = [f"### ownership check: {verdict}",
            "",
            f"{outcome.errors} error(s), {outcome.warnings} warning(s).",
            "",
            "| | rule | where | subject | what to change |",
            "|---|---|---|---|---|"]
    text = "\n".join(head) + "\n"
    shown = 0
    ordered = outcome.by_importance()
    for d in ordered:
        mark = "❌" if outcome.blocking(d) else ("⚠️" if d.severity.value == "warning" else "ℹ️")
        status = (" (new)" if d.new else " (existing)") if outcome.diff_mode else ""
        row = (f"| {mark} | `{d.rule}` {d.name}{status} | `{_cell(str(d.location))}` | `{_cell(d.subject)}` "
               f"| {_cell(d.message)} |\n")
        if len(text.encode()) + len(row.encode()) + 200 > limit:
            break
        text += row
        shown += 1
    if shown < len(ordered):
        text += f"\n…and {len(ordered) - shown} more; run `ownership check` locally to see them all.\n"
    return text


@register
class MarkdownReporter(Reporter):
    name = "markdown"

    def render(self, outcome: Outcome) -> str:
        return render_markdown(outcome)
