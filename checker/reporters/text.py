"""Terminal output: file:line:col, severity, rule, message; coloured only on a TTY.

Every value here can come from the repository (a file name, a key quoted in a
message), and the text is read by a terminal or by the GitHub Actions runner:
each goes through checker.escape, so no value can split a line, start a
workflow command or send a terminal escape. The only escape sequences in the
output are the colours added here, on a TTY.
"""

from __future__ import annotations

from .. import escape
from ..diagnostics import Severity
from . import Outcome, Reporter, register

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow"}
_SGR = {"red": 31, "green": 32, "yellow": 33}


def style(text: str, fg: str | None = None, bold: bool = False) -> str:
    """click.style's sequences for the few styles used here (so `check` needs no click)."""
    start = (f"\x1b[{_SGR[fg]}m" if fg else "") + ("\x1b[1m" if bold else "\x1b[22m")
    return f"{start}{text}\x1b[0m"


@register
class TextReporter(Reporter):
    name = "text"

    def render(self, outcome: Outcome) -> str:
        lines = []
        for d in outcome.diagnostics:
            label = d.severity.value
            if outcome.diff_mode:
                label += " (new)" if d.new else " (existing)"
            styled = style(label, fg=_COLOURS.get(d.severity), bold=outcome.blocking(d)) \
                if self.color else label
            rule = style(escape.terminal(d.rule), bold=True) if self.color else escape.terminal(d.rule)
            # The location starts the line: log_line keeps it from reading as a workflow command.
            lines.append(f"{escape.log_line(str(d.location))}: {styled} {rule} "
                         f"{escape.terminal(f'{d.name}: {d.message} [{d.subject}]')}")
        blocking = outcome.blocking_count
        summary = (f"{outcome.errors} error(s), {outcome.warnings} warning(s), {blocking} blocking"
                   if outcome.diagnostics else "no problems found")
        if self.color:
            summary = style(summary, fg="red" if blocking else "green", bold=True)
        if outcome.schedule_changes is not None:
            from .schedule_changes import text_line

            lines.append(text_line(outcome.schedule_changes))
        lines.append(summary)
        if outcome.checked is not None:
            lines.append(str(outcome.checked))
        return "\n".join(lines) + "\n"
