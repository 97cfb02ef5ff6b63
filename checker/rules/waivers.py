"""Waivers: accept a known problem until a date. WVR001 and WVR002 report on the waivers themselves."""

from __future__ import annotations

import re
from datetime import datetime

from ..diagnostics import Diagnostic, Severity
from ..model import Model, Waiver
from .registry import CATALOGUE, declare, effective_severity

# The schema's form of a waiver's subject. A waiver that breaks it is CFG002 already; it waives nothing
# and is not reported again (its WVR001/WVR002 would carry a subject that is not one, line breaks and all).
_SUBJECT = re.compile(r"(service|team|rotation|person|alert|file)/[^\x00-\x1f\x7f-\x9f\u2028\u2029]+")

# A waiver names a rule and a subject; for alerts either the unique subject or the short form
# `alert/PATH#NAME`, which covers every alert of that name in the file.
declare("WVR001", "waiver-expired", Severity.WARNING, """
    A waiver is past its `expires` date, so it no longer suppresses anything.

    Why: waivers are debts with a due date. When it passes, the waived
    diagnostic comes back; fix the problem or renew the waiver with a reason.

    Fails:
        waivers:
          - {rule: SVC005, subject: service/legacy-batch, reason: "OPS-123", expires: 2025-01-31}
    Fixed:
        waivers:
          - {rule: SVC005, subject: service/legacy-batch, reason: "OPS-123, renewed", expires: 2027-01-31}
""")

declare("WVR002", "waiver-unused", Severity.WARNING, """
    A waiver matches no diagnostic.

    Why: the problem was fixed (remove the waiver, so it cannot hide a new
    one) or the subject is misspelt (so it waives nothing).

    Fails:
        waivers:
          - {rule: SVC005, subject: service/legacy-bach, reason: "OPS-123", expires: 2027-01-31}
    Fixed:
        waivers:
          - {rule: SVC005, subject: service/legacy-batch, reason: "OPS-123", expires: 2027-01-31}
""")


def apply_waivers(diagnostics: list[Diagnostic], model: Model, now: datetime) -> list[Diagnostic]:
    """Drop waived diagnostics; add WVR001 for expired waivers and WVR002 for unused ones."""
    today = now.date()
    active: dict[tuple[str, str], list[int]] = {}
    out: list[Diagnostic] = []
    for index, waiver in enumerate(model.waivers):
        if waiver.expires is None or not _SUBJECT.fullmatch(waiver.subject):
            continue  # the date or the subject itself is reported (CFG005, CFG002)
        if waiver.expires < today:
            out.append(_waiver_diagnostic(
                "WVR001", model, waiver,
                f"waiver for {waiver.rule} on {waiver.subject} expired on {waiver.expires}; fix the problem "
                "or renew it with a new `expires:` and reason"))
        else:
            active.setdefault((waiver.rule, waiver.subject), []).append(index)
    used: set[int] = set()
    short_forms = _short_alert_subjects(model)
    for diagnostic in diagnostics:
        matching = active.get((diagnostic.rule, diagnostic.subject))
        short = short_forms.get(diagnostic.subject)
        if short is not None and (diagnostic.rule, short) in active:
            matching = (matching or []) + active[(diagnostic.rule, short)]
        if matching:
            used.update(matching)
        else:
            out.append(diagnostic)
    for (rule_id, subject), indexes in active.items():
        for index in indexes:
            if index not in used:
                waiver = model.waivers[index]
                out.append(_waiver_diagnostic(
                    "WVR002", model, waiver,
                    f"waiver for {rule_id} on {subject} matches no diagnostic; remove it"
                    + ("" if rule_id in CATALOGUE else f" ({rule_id} is not checked by this version)")))
    return [d for d in out if d.severity is not Severity.OFF]


def _short_alert_subjects(model: Model) -> dict[str, str]:
    """Long alert subjects (`alert/PATH#NAME{severity="critical"}`) to their short form, which a waiver
    may name to cover every same-named alert of the file (SPEC §8)."""
    found = {alert.subject: alert.short_subject for alert in model.alerts if alert.subject != alert.short_subject}
    return found | model.remembered_short_subjects if model.remembered_short_subjects else found


def _waiver_diagnostic(rule_id: str, model: Model, waiver: Waiver, message: str) -> Diagnostic:
    # The subject is the waived subject, so diff mode tells one waiver from another.
    severity = effective_severity(rule_id, model)
    return Diagnostic(rule_id, severity, waiver.subject, message, waiver.loc, name=CATALOGUE[rule_id].name)
