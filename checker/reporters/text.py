"""Terminal output: file:line:col, severity, rule, message; coloured only on a TTY."""

from __future__ import annotations

import click

from ..diagnostics import Severity
from . import Outcome, Reporter, register

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow"}


@register
class TextReporter(Reporter):
    name = "text"

    def render(self, outcome: Outcome) -> str:
        lines = []
        for d in outcome.diagnostics:
            label = d.severity.value
            if outcome.diff_mode:
                label += " (new)" if d.new else " (existing)"
            styled = click.style(label, fg=_COLOURS.get(d.severity), bold=outcome.blocking(d)) \
                if self.color else label
            rule = click.style(d.rule, bold=True) if self.color else d.rule
            lines.append(f"{d.location}: {styled} {rule} {d.name}: {d.message} [{d.subject}]")
        blocking = outcome.blocking_count
        summary = (f"{outcome.errors} error(s), {outcome.warnings} warning(s), {blocking} blocking"
                   if outcome.diagnostics else "no problems found")
        if self.color:
            summary = click.style(summary, fg="red" if blocking else "green", bold=True)
        if outcome.schedule_changes is not None:
            from .schedule_changes import text_line

            lines.append(text_line(outcome.schedule_changes))
        lines.append(summary)
        return "\n".join(lines) + "\n"
