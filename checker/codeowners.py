"""CODEOWNERS from the config: each service's `paths` owned by its team's `github_team`.

The generated lines live in a managed block between marker comments, so
hand-written lines outside it survive. A path claimed by two services is a
diagnostic (COD001), never a silent overwrite.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .diagnostics import Diagnostic, Location, Severity
from .model import Model
from .sources import Source

BEGIN = "# BEGIN ownership-as-code: generated from ownership.yaml by `ownership codeowners`; edit the config"
END = "# END ownership-as-code"
LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")  # where GitHub looks, in its order

@dataclass
class Generated:
    lines: list[str]
    problems: list[Diagnostic] = field(default_factory=list)


def _pattern(path: str) -> str:
    """A config path as a CODEOWNERS pattern anchored at the repository root."""
    path = path.strip()
    return path if path.startswith("/") else "/" + path.removeprefix("./")


def generate(model: Model) -> Generated:
    claims: dict[str, list[tuple[str, Location]]] = {}
    for service in model.services.values():
        for path in service.paths:
            claims.setdefault(_pattern(path), []).append((service.name, service.node.at("paths")))
    lines: list[str] = []
    problems: list[Diagnostic] = []
    # Later lines win in CODEOWNERS: general patterns first, specific ones after.
    for pattern in sorted(claims, key=lambda p: (p.count("/"), len(p), p)):
        owners = claims[pattern]
        if len({name for name, _ in owners}) > 1:
            names = ", ".join(sorted({name for name, _ in owners}))
            for name, loc in owners:
                problems.append(Diagnostic("COD001", Severity.ERROR, f"service/{name}",
                                           f"path {pattern} is claimed by services {names}; give it to one of "
                                           "them (no CODEOWNERS line is written for it)", loc, name="codeowners-out-of-sync"))
            continue
        service = model.services[owners[0][0]]
        team = model.teams.get(service.team or "")
        if team is None or not team.github_team:
            lines.append(f"# {pattern}: service {service.name} has no team with a github_team")
            continue
        lines.append(f"{pattern} @{team.github_team}")
    return Generated(lines, problems)


def managed_block(lines: list[str]) -> str:
    return "\n".join([BEGIN, *lines, END]) + "\n"


def merge(existing: str | None, lines: list[str]) -> str:
    """existing with its managed block replaced (or appended); everything else kept as it was."""
    block = managed_block(lines)
    if not existing:
        return block
    start, end = existing.find(BEGIN), existing.find(END)
    if start == -1 or end == -1 or end < start:
        return existing + ("" if existing.endswith("\n") else "\n") + "\n" + block
    before, after = existing[:start], existing[end + len(END):].lstrip("\n")
    return before + block + ("\n" + after if after else "")


def find(source: Source) -> str | None:
    """The CODEOWNERS GitHub would use: the first of .github/, the root, docs/."""
    from .sources import EntryKind

    return next((path for path in LOCATIONS if source.kind(path) is EntryKind.FILE), None)


def diff(current: str, wanted: str, path: str) -> str:
    return "".join(difflib.unified_diff(current.splitlines(keepends=True), wanted.splitlines(keepends=True),
                                        fromfile=f"{path} (now)", tofile=f"{path} (from ownership.yaml)"))
