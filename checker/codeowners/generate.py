"""The managed block's lines from the config: each service's `paths` owned by its team's `github_team`.

Every path is validated before it can reach the file (SPEC §9): one that
leaves the repository or cannot be written as itself is CFG002 and gets no
line, whatever the schema let through. Two services claiming the same path,
however it is spelled (`services/checkout`, `services/checkout/`,
`/services/checkout/`), is COD001 and gets no line either: CODEOWNERS would
silently give it to whichever comes last.
"""

from __future__ import annotations

import re
from dataclasses import field

from ..diagnostics import Diagnostic, Location, Severity
from ..escape import codeowners_path, codeowners_problem, terminal
from ..model import Model
from ..records import record

# \A...\Z, not ^...$: `$` also matches before a final newline, which would split the line.
GITHUB_TEAM = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+")
NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")


@record(frozen=True)
class Entry:
    """One line of the managed block: a service's path and the team that owns it."""

    service: str
    path: str     # as written in the config
    pattern: str  # as written into CODEOWNERS: anchored at the root, escaped
    owner: str    # @org/team
    loc: Location


@record
class Generated:
    lines: list[str]
    entries: list[Entry] = field(default_factory=list)  # the lines that assign owners, in block order
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def refused(self) -> list[Diagnostic]:
        """Values that must never be written (CFG002): while there are any, nothing is written."""
        return [d for d in self.problems if d.rule == "CFG002"]


def path_problem(path: str) -> str | None:
    """Why a config path cannot become a CODEOWNERS line, or None."""
    if path != path.strip():
        return "has white space around it; remove it"
    relative = relative_path(path)
    if not relative or relative == "/":
        return "names no path; write a directory such as `services/checkout/`"
    segments = relative.rstrip("/").split("/")
    if ".." in segments:
        return "leaves the repository ('..'); write it relative to the repository root"
    if "" in segments or "." in segments:
        return "has an empty or '.' segment; write it as `dir/sub/`"
    problem = codeowners_problem(relative)
    return f"{problem}; rename it or leave it out" if problem else None


def relative_path(path: str) -> str:
    """The path relative to the repository root: a leading `/` (the root, as CODEOWNERS reads it) or `./` dropped."""
    if path.startswith("/"):
        return path[1:]
    return path.removeprefix("./")


def claim_key(path: str) -> str:
    """What a path claims, however it is written: `services/checkout`, `services/checkout/`,
    `/services/checkout/` and `services/checkout/**` all claim the directory services/checkout."""
    key = relative_path(path)
    while True:
        stripped = key.removesuffix("/**").rstrip("/")
        if stripped == key:
            return key
        key = stripped


def _cfg002(subject: str, loc: Location, message: str) -> Diagnostic:
    return Diagnostic("CFG002", Severity.ERROR, subject, message, loc, name="schema")


def _owner(model: Model, team_name: str | None, problems: list[Diagnostic], refused: set[str]) -> str | None:
    """@org/team for a team, or None (no team, no github_team, or one that is not org/team: CFG002)."""
    team = model.teams.get(team_name or "")
    if team is None or team.github_team is None:
        return None
    if not GITHUB_TEAM.fullmatch(team.github_team):
        if team.name not in refused:
            refused.add(team.name)
            problems.append(_cfg002(
                f"team/{team.name}", team.node.at("github_team"),
                f"github_team {team.github_team!r} of team '{terminal(team.name)}' is not `org/team-slug`; "
                "GitHub would read anything else as a user or not at all, so no CODEOWNERS line names it"))
        return None
    return "@" + team.github_team


def generate(model: Model) -> Generated:
    claims: dict[str, list[tuple[str, str, Location]]] = {}  # key -> (service, path, where)
    problems: list[Diagnostic] = []
    for service in model.services.values():
        for index, path in enumerate(service.paths):
            loc = service.path_locs[index] if index < len(service.path_locs) else service.node.at("paths")
            problem = path_problem(path)
            if problem:
                problems.append(_cfg002(f"service/{service.name}", loc,
                                        f"paths entry {path!r} of service '{terminal(service.name)}' "
                                        f"{problem}; it is never written to CODEOWNERS"))
                continue
            claims.setdefault(claim_key(path), []).append((service.name, path, loc))
    lines: list[str] = []
    entries: list[Entry] = []
    refused_teams: set[str] = set()
    written = {key: "/" + codeowners_path(relative_path(owners[0][1])) for key, owners in claims.items()}
    # Later lines win in CODEOWNERS: general patterns first, specific ones after.
    for key in sorted(claims, key=lambda k: (written[k].count("/"), len(written[k]), written[k])):
        owners = claims[key]
        services = sorted({name for name, _, _ in owners})
        if len(services) > 1:
            for name, path, loc in owners:
                problems.append(Diagnostic(
                    "COD001", Severity.ERROR, f"service/{name}",
                    f"path {path!r} is claimed by services {', '.join(services)} (however written, "
                    f"they name the same /{terminal(key)}); give it to one of them: no CODEOWNERS line is written "
                    "for it", loc, name="codeowners-out-of-sync"))
            continue
        name, path, loc = owners[0]
        owner = _owner(model, model.services[name].team, problems, refused_teams)
        pattern = written[key]
        if owner is None:
            if NAME.fullmatch(name):
                lines.append(f"# {pattern}: service {name} has no team with a github_team")
            continue
        lines.append(f"{pattern} {owner}")
        entries.append(Entry(name, path, pattern, owner, loc))
    return Generated(lines, entries, problems)
