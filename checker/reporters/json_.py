"""`--format json`: the object of SPEC §6."""

from __future__ import annotations

import json
from typing import Any

from . import Outcome, Reporter, register


def diagnostic_dict(d: Any, outcome: Outcome) -> dict[str, Any]:
    item: dict[str, Any] = {
        "rule": d.rule, "name": d.name, "severity": d.severity.value, "subject": d.subject,
        "message": d.message, "file": d.location.file, "line": d.location.line, "column": d.location.column,
    }
    if outcome.diff_mode:
        item["new"] = bool(d.new)
    return item


@register
class JsonReporter(Reporter):
    name = "json"

    def render(self, outcome: Outcome) -> str:
        body = {
            "version": 1,
            "diagnostics": [diagnostic_dict(d, outcome) for d in outcome.diagnostics],
            "summary": {"errors": outcome.errors, "warnings": outcome.warnings,
                        "blocking": outcome.blocking_count},
        }
        if outcome.schedule_changes is not None:
            from .schedule_changes import as_json

            body["schedule_changes"] = as_json(outcome.schedule_changes)
        return json.dumps(body, indent=2) + "\n"
