"""The report as Markdown (GitHub renders the Mermaid gantt chart)."""

from __future__ import annotations

from typing import Any


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _who(entries: list[dict[str, Any]], role: str) -> str:
    found = [e for e in entries if e["role"] == role]
    if not found:
        return "**nobody**"
    return ", ".join(f"{e['name'] or e['person']} ({e['rotation']}, until {e['until'][:16].replace('T', ' ')})"
                     for e in found)


def _percent(value: float) -> str:
    return f"{value:.0%}"


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
            out.append(f"- Service **{item['name']}** exists in the repository but is not declared "
                       f"(`{item['file']}:{item['line']}`)")
        for item in attention["unowned_alerts"]:
            out.append(f"- Alert **{item['alert']}** has no owner: {item['message']}")
        out.append("")
    out += ["## Services", "",
            ("| service | team | lifecycle | coverage | primary now | secondary now | runbook | alerts (paging / other) "
             "| open |"), "|---|---|---|---|---|---|---|---|---|"]
    for svc in report["services"]:
        runbook = f"[runbook]({svc['runbook']})" if svc["runbook"] else "**none**"
        problems = len(svc["diagnostics"])
        out.append(f"| **{svc['name']}** | {_cell(svc['team'])} | {svc['lifecycle']} | {svc['coverage']} | "
                   f"{_cell(_who(svc['oncall_now'], 'primary'))} | {_cell(_who(svc['oncall_now'], 'secondary'))} | "
                   f"{runbook} | {svc['alerts']['paging']} / {svc['alerts']['other']} | "
                   f"{'✅' if not problems else f'❌ {problems}'} |")
    out += ["", "## Teams", "", "| team | members | rotations | escalation | health |", "|---|---|---|---|---|"]
    for team in report["teams"]:
        health = team["health"]
        verdict = "✅" if not health["errors"] and not health["warnings"] else \
            f"{health['errors']} errors, {health['warnings']} warnings ({', '.join(health['rules'])})"
        out.append(f"| **{team['name']}** | {', '.join(m['person'] for m in team['members'])} | "
                   f"{', '.join(team['rotations'])} | {' → '.join(team['escalation']) or '**none**'} | {verdict} |")
    out += ["", f"## On call, next {report['calendar_weeks']} weeks (UTC)", "", "```mermaid", "gantt",
            "    dateFormat YYYY-MM-DD HH:mm", "    axisFormat %d %b", "    todayMarker off"]
    for rotation in report["calendar"]["rotations"]:
        out.append(f"    section {rotation['rotation']}")
        for index, turn in enumerate(rotation["turns"]):
            label = (turn["name"] or turn["person"]).replace(":", " ").replace("#", " ")
            tag = "crit, " if turn["override"] else ""
            out.append(f"    {label} :{tag}{rotation['rotation']}-{index}, {turn['start'][:16].replace('T', ' ')}, "
                       f"{turn['end'][:16].replace('T', ' ')}")
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
        out.append(f"| {person['name'] or person['person']} | {', '.join(person['rotations'])} | "
                   f"{person['oncall_hours']:.0f} | {person['out_of_hours_hours']:.0f} | "
                   f"{person['holiday_hours']:.0f} | {'**' if over else ''}{_percent(person['long_run_share'])}"
                   f"{'** ❌' if over else ''} | {person['longest_stretch_days']:.1f}{' ❌' if long else ''} | "
                   f"{', '.join(person['holidays_worked']) or '–'} |")
    idle = [p["person"] for p in report["load"] if not p["rotations"]]
    if idle:
        out += ["", f"Not on any rotation: {', '.join(idle)}."]
    return "\n".join(out) + "\n"
