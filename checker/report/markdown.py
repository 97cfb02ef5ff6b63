"""The report as Markdown (GitHub renders the Mermaid gantt chart).

Every value from the config goes through checker.escape: names and prose as
GFM text, file locations as code spans, the runbook linked only when it is an
https URL, names in the gantt chart as Mermaid labels.
"""

from __future__ import annotations

import re
from typing import Any

from .. import escape

UNNAMED = "(no name)"  # shown for an empty name (a schema error the report still renders)
_PLAIN_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")  # the schema's name pattern: safe as a gantt task id


def _text(value: Any) -> str:
    """A value as GFM text; an empty name gets a visible placeholder, a missing one (None) stays empty."""
    if value is None:
        return ""
    return escape.gfm_text(str(value)) if value != "" else UNNAMED


def _names(values: list[str]) -> str:
    return ", ".join(_text(v) for v in values)


def _who(entries: list[dict[str, Any]], role: str) -> str:
    found = [e for e in entries if e["role"] == role]
    if not found:
        return "**nobody**"
    return ", ".join(f"{_text(e['name'] or e['person'])} ({_text(e['rotation'])}, until "
                     f"{e['until'][:16].replace('T', ' ')})" for e in found)


def _percent(value: float) -> str:
    return f"{value:.0%}"


def _runbook(runbook: str | None) -> str:
    if not runbook:
        return "**none**"
    link = escape.gfm_link(runbook)
    return f"[runbook]({link})" if link else escape.gfm_code(runbook, in_table=True)


def _task_id(rotation: str, section: int, index: int) -> str:
    """A gantt task id: the rotation's name when it is a plain name, else one made up (`_3-0`), which
    no plain name can collide with."""
    return f"{rotation}-{index}" if _PLAIN_ID.fullmatch(rotation) else f"_{section}-{index}"


def render(report: dict[str, Any]) -> str:
    s = report["summary"]
    out = ["# Ownership report", "",
           (f"Generated {report['generated_at'][:16].replace('T', ' ')} UTC · {s['production_services']} production "
            f"services of {s['services']} · {s['teams']} teams · {s['rotations']} rotations · {s['people']} people · "
            f"{s['alerts']} alerts · **{s['errors']} errors, {s['warnings']} warnings**"), ""]
    attention = report["attention"]
    if attention["undeclared_services"] or attention["unowned_alerts"]:
        out += ["## ⚠️ Needs an owner", ""]
        for item in attention["undeclared_services"]:
            out.append(f"- Service **{_text(item['name'])}** exists in the repository but is not declared "
                       f"({escape.gfm_code(str(item['file']) + ':' + str(item['line']))})")
        for item in attention["unowned_alerts"]:
            out.append(f"- Alert **{_text(item['alert'])}** has no owner: {escape.gfm_message(item['message'])}")
        out.append("")
    out += ["## Services", "",
            ("| service | team | lifecycle | coverage | primary now | secondary now | runbook | alerts (paging / other) "
             "| open |"), "|---|---|---|---|---|---|---|---|---|"]
    for svc in report["services"]:
        problems = len(svc["diagnostics"])
        out.append(f"| **{_text(svc['name'])}** | {_text(svc['team'])} | {_text(svc['lifecycle'])} | "
                   f"{_text(svc['coverage'])} | {_who(svc['oncall_now'], 'primary')} | "
                   f"{_who(svc['oncall_now'], 'secondary')} | {_runbook(svc['runbook'])} | "
                   f"{svc['alerts']['paging']} / {svc['alerts']['other']} | "
                   f"{'✅' if not problems else f'❌ {problems}'} |")
    out += ["", "## Teams", "", "| team | members | rotations | escalation | health |", "|---|---|---|---|---|"]
    for team in report["teams"]:
        health = team["health"]
        verdict = "✅" if not health["errors"] and not health["warnings"] else \
            f"{health['errors']} errors, {health['warnings']} warnings ({_names(health['rules'])})"
        escalation = " → ".join(_text(level) for level in team["escalation"]) or "**none**"
        out.append(f"| **{_text(team['name'])}** | {_names([m['person'] for m in team['members']])} | "
                   f"{_names(team['rotations'])} | {escalation} | {verdict} |")
    out += ["", f"## On call, next {report['calendar_weeks']} weeks (UTC)", "", "```mermaid", "gantt",
            "    dateFormat YYYY-MM-DD HH:mm", "    axisFormat %d %b", "    todayMarker off"]
    for section, rotation in enumerate(report["calendar"]["rotations"]):
        out.append(f"    section {escape.mermaid_label(rotation['rotation'], UNNAMED)}")
        for index, turn in enumerate(rotation["turns"]):
            label = escape.mermaid_label(turn["name"] or turn["person"], UNNAMED)
            tag = "crit, " if turn["override"] else ""
            out.append(f"    {label} :{tag}{_task_id(rotation['rotation'], section, index)}, "
                       f"{turn['start'][:16].replace('T', ' ')}, {turn['end'][:16].replace('T', ' ')}")
    out += ["```", ""]
    limits = report["limits"]
    out += ["## Load per person", "",
            (f"| person | rotations | on-call hours ({report['horizon']['weeks']} weeks) | out of hours | holiday hours "
             f"| long-run share "
             f"(limit {_percent(limits['max_oncall_fraction'])}) | longest stretch (limit "
             f"{limits['max_consecutive_days']:.0f} days) | holidays worked |"), "|---|---|---|---|---|---|---|---|"]
    for person in report["load"]:
        if not person["rotations"]:
            continue
        over = person["long_run_share"] > limits["max_oncall_fraction"] + 1e-9
        long = person["longest_stretch_days"] > limits["max_consecutive_days"]
        out.append(f"| {_text(person['name'] or person['person'])} | {_names(person['rotations'])} | "
                   f"{person['oncall_hours']:.0f} | {person['out_of_hours_hours']:.0f} | "
                   f"{person['holiday_hours']:.0f} | {'**' if over else ''}{_percent(person['long_run_share'])}"
                   f"{'** ❌' if over else ''} | {person['longest_stretch_days']:.1f}{' ❌' if long else ''} | "
                   f"{', '.join(person['holidays_worked']) or '–'} |")
    idle = [p["person"] for p in report["load"] if not p["rotations"]]
    if idle:
        out += ["", f"Not on any rotation: {_names(idle)}."]
    return "\n".join(out) + "\n"
