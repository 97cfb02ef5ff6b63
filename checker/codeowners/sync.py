"""`ownership codeowners [--check]` as a plan: the file wanted, and every diagnostic about it.

The command (checker/cli/repo_files.py) only reads, carries the plan out and
prints; the plan is computed here without I/O from the model, the repository's
file list and the file's current text.
"""

from __future__ import annotations

from dataclasses import field

from ..diagnostics import Diagnostic, Location, Severity
from ..escape import terminal
from ..model import Model
from ..records import record
from .audit import Audit, Taken, Takeover, matches_nothing, sorted_files
from .block import layout, with_block
from .generate import Generated, generate, path_problem

MAX_NOTES = 10


@record
class Plan:
    target: str
    current: str | None
    wanted: str
    generated: Generated
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def in_sync(self) -> bool:
        return self.current == self.wanted


def plan(model: Model, files: list[str], target: str, current: str | None) -> Plan:
    """Raises block.BlockError when the file's markers are broken, audit.AuditTooLarge past the audit's ceiling."""
    generated = generate(model)
    before = layout(current, target)
    wanted, after = with_block(before, generated.lines)
    result = Plan(target, current, wanted, generated, list(generated.problems))
    files = sorted_files(files)
    result.diagnostics.extend(unmatched_paths(model, files))
    audit = Audit(wanted, after, before, generated.entries, files)
    result.diagnostics.extend(_cod002(target, takeover) for takeover in audit.overridden())
    taken = audit.taken()
    result.notes.extend(_note(target, line) for line in taken[:MAX_NOTES])
    if len(taken) > MAX_NOTES:
        result.notes.append(f"note: and {len(taken) - MAX_NOTES} more hand-written line(s) the block overrides")
    return result


def out_of_sync(result: Plan) -> Diagnostic:
    current = result.current
    if current is None:
        message = f"{result.target} does not exist; run `ownership codeowners` and commit it"
        line = 1
    else:
        message = (f"{result.target} is out of sync with ownership.yaml; run `ownership codeowners` and commit the "
                   "result")
        now, wanted = current.split("\n"), result.wanted.split("\n")
        line = next((i for i, (a, b) in enumerate(zip(now, wanted)) if a != b), min(len(now), len(wanted))) + 1
    return Diagnostic("COD001", Severity.ERROR, f"file/{result.target}", message, Location(result.target, line, 1),
                      name="codeowners-out-of-sync")


def unmatched_paths(model: Model, files: list[str]) -> list[Diagnostic]:
    """COD003 for each valid `paths` entry that no file falls under (invalid ones are CFG002)."""
    out = []
    for service in model.services.values():
        for index, path in enumerate(service.paths):
            if path_problem(path) is not None or not matches_nothing(path, files):
                continue
            loc = service.path_locs[index] if index < len(service.path_locs) else service.node.loc
            out.append(Diagnostic(
                "COD003", Severity.WARNING, f"service/{service.name}",
                f"paths entry {path!r} of service '{service.name}' matches no file in the repository, so "
                "its CODEOWNERS line owns nothing; fix the path (paths are relative to the repository root) or "
                "remove it", loc, name="codeowners-path-matches-nothing"))
    return out


def _cod002(target: str, takeover: Takeover) -> Diagnostic:
    entry, line = takeover.entry, takeover.line
    taker = " ".join(line.owners) or "nobody (a line without owners)"
    return Diagnostic(
        "COD002", Severity.ERROR, f"service/{entry.service}",
        f"{target}:{takeover.number_now} `{terminal(line.text.strip())}` comes after the managed block and takes "
        f"{takeover.files} file(s) of service '{entry.service}' (e.g. {terminal(takeover.example)}) from "
        f"{entry.owner} to {terminal(taker)}: GitHub applies the last matching line. Move that line above "
        "`# BEGIN ownership-as-code`, narrow it, or change the service's team or paths in the config",
        Location(target, takeover.number_now, 1), name="codeowners-overridden")


def _note(target: str, taken: Taken) -> str:
    line = taken.line
    owners = " ".join(line.owners) or "nobody"
    text = (f"note: the managed block gives {taken.files} file(s) (e.g. {terminal(taken.example)}) to service(s) "
            f"{', '.join(taken.services)} that {target}:{line.number} `{terminal(line.text.strip())}` above it gave "
            f"to {terminal(owners)}")
    if taken.retired:
        return text + "; that line now decides nothing: delete it if the config is right, or fix the config"
    return text + " (GitHub applies the last matching line); if they are not the services', fix the config"
