"""`--format github`: workflow-command annotations, most important first.

GitHub shows at most 10 error and 10 warning annotations per step, so blocking
diagnostics are annotated first as errors, the rest as warnings, and a notice
says how many more there are (all of them are in the step summary). Values
from the repository are escaped as the Actions toolkit escapes them
(checker.escape.workflow_data/workflow_property); the plain lines after the
annotations go through escape.log_line.
"""

from __future__ import annotations

from .. import escape
from . import Outcome, Reporter, register

MAX_PER_LEVEL = 10


@register
class GithubReporter(Reporter):
    name = "github"

    def render(self, outcome: Outcome) -> str:
        lines = []
        counts = {"error": 0, "warning": 0}
        left_out = 0
        for d in outcome.by_importance():
            level = "error" if outcome.blocking(d) else "warning"
            if counts[level] >= MAX_PER_LEVEL:
                left_out += 1
                continue
            counts[level] += 1
            loc = d.location
            props = ",".join([f"file={escape.workflow_property(loc.file)}", f"line={loc.line}", f"col={loc.column}",
                              f"title={escape.workflow_property(d.rule)}"])
            lines.append(f"::{level} {props}::{escape.workflow_data(f'{d.name}: {d.message} [{d.subject}]')}")
        if left_out:
            lines.append(f"::notice title=ownership check::{left_out} more diagnostic(s) are listed in the job "
                         "summary (GitHub shows 10 errors and 10 warnings per step)")
        lines.append(escape.log_line(f"ownership check: {outcome.errors} error(s), {outcome.warnings} warning(s), "
                                     f"{outcome.blocking_count} blocking"))
        if outcome.checked is not None:
            lines.append(escape.log_line(str(outcome.checked)))
        return "\n".join(lines) + "\n"
