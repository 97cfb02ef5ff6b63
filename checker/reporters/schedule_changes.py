"""The schedule diff of `check --base` (SPEC §7.4) as the reporters show it: a JSON list, a Markdown
section for the pull-request comment and job summary, and one line of text. Every value is escaped
for where it lands (checker/escape.py); the Markdown fits the budget it is given and says what it cut."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from ..escape import gfm_code, gfm_text, terminal
from ..schedule import ScheduleDiff, format_local, iso_local

_STRETCH_HEADER = "| rotation | from | to | before | after |\n|---|---|---|---|---|\n"
_PEOPLE_HEADER = "| person | shifts gained | hours gained | shifts lost | hours lost |\n|---|---|---|---|---|\n"


def as_json(diff: ScheduleDiff) -> list[dict[str, Any]]:
    """`schedule_changes`: {rotation, start, end, before, after}, times with the rotation's offset."""
    return [{"rotation": c.rotation, "start": iso_local(c.start, c.tz), "end": iso_local(c.end, c.tz),
             "before": c.before, "after": c.after} for c in diff.changes]


def _holder(person: str | None) -> str:
    return gfm_code(person, in_table=True) if person is not None else "nobody"


def _rows(lines: list[str], budget: int) -> tuple[str, int]:
    """As many lines as fit in budget bytes, and how many."""
    out, used = [], 0
    for line in lines:
        size = len(line.encode())
        if used + size > budget:
            break
        out.append(line)
        used += size
    return "".join(out), len(out)


def markdown_section(diff: ScheduleDiff | None, budget: int) -> str:
    """The "Schedule changes" section, at most `budget` bytes ("" outside diff mode or without room)."""
    if diff is None:
        return ""
    span = f"from {format_local(diff.start, UTC)} to {format_local(diff.end, UTC)} UTC"
    if not diff.changes:
        text = f"\n### Schedule changes\n\nNothing moves: every rotation keeps its holders {gfm_text(span)}.\n"
        return text if len(text.encode()) <= budget else ""
    rotations = diff.rotations
    head = (f"\n### Schedule changes\n\nThis pull request moves who is on call in {len(rotations)} rotation(s), "
            f"{len(diff.changes)} stretch(es), {gfm_text(span)}; times are each rotation's local time.\n\n")
    stretches = [f"| {gfm_code(c.rotation, in_table=True)} ({gfm_text(str(c.tz))}) "
                 f"| {gfm_text(format_local(c.start, c.tz))} | {gfm_text(format_local(c.end, c.tz))} "
                 f"| {_holder(c.before)} | {_holder(c.after)} |\n" for c in diff.changes]
    people = [f"| {gfm_code(p.person, in_table=True)} | {p.shifts_gained} | {p.hours_gained:.0f} "
              f"| {p.shifts_lost} | {p.hours_lost:.0f} |\n" for p in diff.people]
    reserve = 400  # the "cut" notes
    room = budget - len(head.encode()) - len(_STRETCH_HEADER) - len(_PEOPLE_HEADER) - reserve
    if room <= 0:
        return ""
    people_text, people_shown = _rows(people, room // 3)
    stretch_text, stretches_shown = _rows(stretches, room - len(people_text.encode()))
    text = head + _STRETCH_HEADER + stretch_text
    if stretches_shown < len(stretches):
        text += f"\n…and {len(stretches) - stretches_shown} more changed stretch(es); `--format json` lists them all.\n"
    text += "\nPer person, over the compared range:\n\n" + _PEOPLE_HEADER + people_text
    if people_shown < len(people):
        text += f"\n…and {len(people) - people_shown} more people.\n"
    return text


def text_line(diff: ScheduleDiff | None, people_shown: int = 5) -> str:
    """One line for the terminal: how much moves, the first stretch, and who gains and loses most."""
    if diff is None:
        return ""
    if not diff.changes:
        return "schedule changes: none"
    first = diff.changes[0]
    moved = (f"schedule changes: {len(diff.changes)} stretch(es) on {', '.join(diff.rotations)}; first "
             f"{format_local(first.start, first.tz)} {first.tz}: {first.before or 'nobody'} -> {first.after or 'nobody'}")
    ranked = sorted(diff.people, key=lambda p: -(p.hours_gained + p.hours_lost))
    parts = [f"{p.person} +{p.hours_gained:.0f}h/-{p.hours_lost:.0f}h" for p in ranked[:people_shown]]
    if len(ranked) > people_shown:
        parts.append(f"and {len(ranked) - people_shown} more")
    return terminal(moved + ("; " + ", ".join(parts) if parts else ""))

