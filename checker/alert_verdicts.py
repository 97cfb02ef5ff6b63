"""What the alert rules said of each rule file, remembered for the same file, config and --now.

Rebuilding every alert of a large estate from the cache (checker/cache_codec.py), only to run the same
rules over them and find what the last run found, was most of a warm check. The rules marked
`per_alert_file` (ALR001-004, ALR006) look at an alert together with the others of its file only (its
subject is made unique within the file), and besides the config read only:

- --now's on-call facts (ALR004), which follow from the config and --now (checker/verdicts.py);
- the runbook each paging alert names (ALR003): what the repository holds there may change, so each
  answer a verdict relied on is kept with it and asked again when it is read;
- the Alertmanager config (ALR006).

So with --now given, each rule file's diagnostics from those rules and from reading it (ALR005) are kept
under a key made of the run's verdict key (config bytes, --now, zone and holiday data), the file's path and
bytes, the `alerts:` entry that reads it and the Alertmanager config's bytes; with them the file's alert
count (for "checked N alerts") and its long subjects' short forms (a waiver may name either, SPEC §8). A
file whose verdict is found is not parsed; the others are read and checked together, and their verdicts
kept. A verdict is validated like every entry: plain JSON, each diagnostic one these rules could raise in
that file under this config, and the runbook answers still true.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from .alerts import (
    READER_RULES,
    AlertFile,
    alert_file_bytes,
    assign_subjects,
    read_alert_file,
    resolve_owners,
)
from .bounded import MAX_DIAGNOSTICS_PER_RULE_AND_FILE
from .cache import Invalid, content_digest, store, stored
from .diagnostics import Diagnostic, Severity
from .model import Alert
from .records import record
from .rules import Context, as_configured, per_alert_file_rules, run_rules
from .verdicts import decode_diagnostics, encode_diagnostics

KIND = "verdict/alert-file"


@record
class FileVerdict:
    """What the rules and the reader said of one rule file, and what a run needs of its alerts besides."""

    diagnostics: list[Diagnostic]
    alerts: int
    short_subjects: dict[str, str]  # long subject -> short
    runbooks: dict[str, str | None]  # reference -> runbook_problem's answer, as the rules found it


def remembered_alert_rules(context: Context, files: list[AlertFile], key: bytes) -> list[Diagnostic]:
    """The diagnostics of reading the files and of the per-alert-file rules on their alerts (at their
    configured severity, none switched off): each file's from its verdict when the cache holds a valid
    one, the others read and checked now, and their verdicts kept. Sets the model's alerts to those
    read, and the count and short subjects of the others. key: verdicts.verdict_key() of this run."""
    model = context.model
    model.remembered_alerts, model.remembered_short_subjects = 0, {}
    rules = per_alert_file_rules() | READER_RULES
    routing = model.alertmanager.digest if model.alertmanager is not None else b"-"
    diagnostics: list[Diagnostic] = []
    unread: list[tuple[AlertFile, bytes, bytes, bytes]] = []  # file, its bytes, their digest, the verdict's
    for file in files:
        data, problems = alert_file_bytes(context.repo, file.path)
        if data is None:
            diagnostics += _configured(problems, context)
            continue
        data_digest = content_digest(data)
        verdict_digest = content_digest(key, str(file.index).encode(), routing, data_digest)
        decode = partial(_decode, path=file.path, size=len(data), rules=rules, context=context)
        found = stored(KIND, file.path, verdict_digest, decode)
        if found:
            verdict = found[0]
            diagnostics += verdict.diagnostics
            model.remembered_alerts += verdict.alerts
            model.remembered_short_subjects.update(verdict.short_subjects)
        else:
            unread.append((file, data, data_digest, verdict_digest))
    if unread:
        diagnostics += _check_now(context, unread)
    return diagnostics


def _check_now(context: Context, unread: list[tuple[AlertFile, bytes, bytes, bytes]]) -> list[Diagnostic]:
    """Read the files, run the rules on their alerts together, and keep each file's verdict."""
    model = context.model
    by_file: dict[str, tuple[list[Alert], list[Diagnostic]]] = {}
    for file, data, data_digest, _ in unread:
        alerts, problems = read_alert_file(context.repo, file, data, data_digest)
        by_file[file.path] = alerts, _configured(problems, context)
    model.alerts = [alert for alerts, _ in by_file.values() for alert in alerts]
    assign_subjects(model.alerts)
    resolve_owners(model.alerts, model)
    found = list(run_rules(context, only=per_alert_file_rules()))
    diagnostics = [d for _, problems in by_file.values() for d in problems] + found
    if any(d.location.file not in by_file for d in found):
        return diagnostics  # a finding outside its alert's file would be lost from every verdict: keep none
    for diagnostic in found:
        by_file[diagnostic.location.file][1].append(diagnostic)
    answers = context.runbook_answers()
    for file, _, _, verdict_digest in unread:
        alerts, kept = by_file[file.path]
        named = {pair[1] for pair in map(Alert.runbook, alerts) if pair is not None}
        verdict = FileVerdict(kept, len(alerts), {a.subject: a.short_subject for a in alerts
                                                  if a.subject != a.short_subject},
                              {reference: answers[reference] for reference in sorted(named & answers.keys())})
        store(KIND, file.path, verdict_digest, _encode(verdict))
    return diagnostics


def _configured(problems: list[Diagnostic], context: Context) -> list[Diagnostic]:
    configured = (as_configured(d, context.model) for d in problems)
    return [d for d in configured if d.severity is not Severity.OFF]


def _encode(verdict: FileVerdict) -> dict[str, Any]:
    return {"diagnostics": encode_diagnostics(verdict.diagnostics), "alerts": verdict.alerts,
            "short_subjects": sorted(verdict.short_subjects.items()), "runbooks": list(verdict.runbooks.items())}


def _decode(plain: Any, path: str, size: int, rules: frozenset[str], context: Context) -> FileVerdict:
    """A verdict these rules could have given of the size bytes at path under this config, whose runbook
    answers the repository still gives. Raises Invalid (then the file is read and checked again).

    Nothing in it may reach past the file: each finding is about the file or one of its alerts, a long
    subject is a short one of the file with its labels or group added, and every count is one the file's
    bytes could hold (an alert takes two bytes at least, `*a,` repeating an anchored rule), so a forged
    entry cannot cover another file's findings or make a run slower than reading the file would."""
    if type(plain) is not dict:
        raise Invalid("not a verdict")
    alerts, pairs, runbooks = plain.get("alerts"), plain.get("short_subjects"), plain.get("runbooks")
    if type(alerts) is not int or not 0 <= alerts <= size or type(pairs) is not list \
            or type(runbooks) is not list or len(pairs) > alerts or len(runbooks) > alerts:
        raise Invalid("not an alert count the file could hold, with as many subjects and runbooks at most")
    items = plain.get("diagnostics")
    if type(items) is not list or len(items) > MAX_DIAGNOSTICS_PER_RULE_AND_FILE + len(rules) * alerts:
        raise Invalid("more findings than the rules could make")
    diagnostics = decode_diagnostics(items, rules, context.model, (path,))
    prefix = f"alert/{path}#"
    routed = context.model.alertmanager is not None and context.model.routing is not None
    for diagnostic in diagnostics:
        about_the_file = diagnostic.subject == f"file/{path}" if diagnostic.rule in READER_RULES \
            else diagnostic.subject.startswith(prefix)
        if not about_the_file or diagnostic.rule == "ALR006" and not routed:
            raise Invalid("a finding about something other than this file or its alerts")
    short_subjects = {}
    for pair in pairs:
        if type(pair) is not list or len(pair) != 2 or not all(type(s) is str for s in pair) \
                or not pair[1].startswith(prefix) or not pair[0].startswith(pair[1]) \
                or pair[0][len(pair[1]):len(pair[1]) + 1] not in ("{", "@"):
            raise Invalid("not a long subject and its short form in this file")
        short_subjects[pair[0]] = pair[1]
    answers: dict[str, str | None] = {}
    for item in runbooks:
        if type(item) is not list or len(item) != 2 or type(item[0]) is not str \
                or not (item[1] is None or type(item[1]) is str):
            raise Invalid("not a runbook reference and its answer")
        answers[item[0]] = item[1]
    # Each reference is an annotation's value, written somewhere in the file (an escape only shortens it).
    if sum(len(reference) for reference in answers) > size:
        raise Invalid("more runbook references than the file could name")
    if any(context.runbook_problem(reference) != answer for reference, answer in answers.items()):
        raise Invalid("the repository now answers otherwise for a runbook")
    return FileVerdict(diagnostics, alerts, short_subjects, answers)
