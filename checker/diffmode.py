"""Diff mode (--base): the same pipeline on the merge base and on the working tree.

A diagnostic is *new* when its (rule, subject) pair is absent at the base, or
when its subject is a service that did not exist at the base (declared or
discovered). Whole-repo results are compared, never changed lines: deleting a
team breaks services elsewhere in the file. Only the keys of the base's findings
are compared, so the base runs only the rules the head has findings of: the
same answer as running them all (SPEC §5), for a fraction of the time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .bounded import bound_diagnostics
from .cache import between_sides
from .config import ConfigMissing
from .diagnostics import Diagnostic
from .model import Model
from .pipeline import CheckResult, Prepare, finish_check, run_check
from .records import record
from .rules import run_rules
from .rules.waivers import apply_waivers
from .schedule import ScheduleDiff, schedule_diff
from .sources.worktree import WorktreeSource


@record
class DiffResult:
    head: CheckResult
    base: CheckResult | None  # None: no config at the base, so everything is new
    base_sha: str
    schedule_changes: ScheduleDiff | None = None


# Compares the two sides (ROT014), so it runs on the head once the base is known.
COMPARING = frozenset({"ROT014"})


def run_diff_check(root: str, config_path: str, now: datetime, base_ref: str,
                   prepare: Prepare | None = None) -> DiffResult:
    """Raises gitdiff.GitError for refs and history problems, ConfigMissing when HEAD has no config.

    The head is checked first, whole. The base is there to tell new findings from old ones, so it runs
    only the rules the head has findings of (every rule when a waiver goes unused: WVR002 depends on
    all of them), reusing what the head read of unchanged files and simulated of unchanged rotations."""
    from .gitdiff import GitCommitSource, folder_in, merge_base, open_repo, renamed_files

    repo = open_repo(root)
    sha = merge_base(repo, base_ref)
    prefix = folder_in(repo, root)
    with between_sides() as sides:
        head = run_check(WorktreeSource(root), config_path, now, prepare, leave_out=COMPARING, finish=False)
        sides.second()  # the head is done: the base takes what the head read of unchanged files
        try:
            base_source = GitCommitSource(repo, sha, prefix, worktree=root)
            base: CheckResult | None = run_check(base_source, config_path, now, reusing(prepare, head),
                                                 only=rules_to_compare(head))
        except ConfigMissing:
            base = None
    assert head.context is not None
    if base is not None and base.context is not None:
        head.context.extras.update(base_model=base.model, base_schedule=base.context.schedule)
    head.diagnostics += run_rules(head.context, only=COMPARING)
    finish_check(head, config_path, bounded=False)
    if base is not None:
        renames = renamed_files(repo, sha, prefix)
        base.diagnostics = follow_renames(base.diagnostics, renames)
        base.keys = {(rule, _renamed_subject(subject, renames)) for rule, subject in base.keys}
    head.diagnostics = bound_diagnostics(mark_new(head, base), config_path)
    return DiffResult(head, base, sha, schedule_changes(head, base))


def rules_to_compare(head: CheckResult) -> frozenset[str] | None:
    """The rules the base must run to say which of the head's findings are old: those the head found
    (before waivers), or all of them (None) when one of the head's waivers is unused."""
    assert head.context is not None
    found = frozenset(d.rule for d in head.diagnostics)
    waived = apply_waivers(head.diagnostics, head.model, head.context.now)
    return None if any(d.rule == "WVR002" for d in waived) else found


def reusing(prepare: Prepare | None, head: CheckResult) -> Prepare:
    """The base's facts: the head's schedule, so rotations the change leaves alone are not simulated
    again (nor the figures rules computed from them, kept with each rotation's schedule)."""

    def prepare_base(model: Model) -> dict[str, Any]:
        facts = prepare(model) if prepare else {}
        if head.context is not None:
            facts = {**facts, "reuse_schedule": head.context.schedule}
        return facts

    return prepare_base


def schedule_changes(head: CheckResult, base: CheckResult | None) -> ScheduleDiff | None:
    """What the change does to the schedule from now on, for the reporters (None without a base)."""
    if base is None or base.context is None or head.context is None:
        return None
    return schedule_diff(base.context.schedule, head.context.schedule)


def follow_renames(diagnostics: list[Diagnostic], renames: dict[str, str]) -> list[Diagnostic]:
    """Base diagnostics with subjects of renamed files (`file/OLD`, `alert/OLD#NAME...`) under their new
    paths, so moving a file keeps its old debt old (SPEC §8)."""
    if not renames:
        return diagnostics
    return [d.with_(subject=_renamed_subject(d.subject, renames)) for d in diagnostics]


def _renamed_subject(subject: str, renames: dict[str, str]) -> str:
    kind, _, rest = subject.partition("/")
    if kind == "file" and rest in renames:
        return f"file/{renames[rest]}"
    if kind == "alert":
        # alert/PATH#NAME...: a path may itself hold '#', so try each one from the left.
        at = rest.find("#")
        while at != -1:
            if rest[:at] in renames:
                return f"alert/{renames[rest[:at]]}{rest[at:]}"
            at = rest.find("#", at + 1)
    return subject


def mark_new(head: CheckResult, base: CheckResult | None) -> list:  # type: ignore[type-arg]
    if base is None:
        return [d.with_(new=True) for d in head.diagnostics]
    old_keys = base.keys  # every diagnostic's, including those the base's bounded list does not show
    existed = {f"service/{name}" for name in base.model.services}
    existed |= {f"service/{found.name}" for found in base.discovered}
    return [d.with_(new=d.key not in old_keys or (d.subject.startswith("service/") and d.subject not in existed))
            for d in head.diagnostics]
