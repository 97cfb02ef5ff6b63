"""GH rules (--online): people's GitHub logins and teams' github_team exist.

The look-ups happen in checker/github.py before the rules run (rules do no
I/O); these rules only read the facts it gathered.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import field

from ..records import record
from .registry import Context, Finding, rule


@record
class OnlineFacts:
    """What GitHub said: logins and org/slug teams that do not exist (or are not visible)."""

    missing_users: set[str] = field(default_factory=set)
    missing_teams: set[str] = field(default_factory=set)


def _facts(ctx: Context) -> OnlineFacts | None:
    facts = ctx.extras.get("github")
    return facts if isinstance(facts, OnlineFacts) else None


@rule("GH001", "github-user-unknown")
def github_user_unknown(ctx: Context) -> Iterator[Finding]:
    """(`--online`) A person's `github` login does not exist on GitHub.

    Why: CODEOWNERS and review requests silently skip unknown logins, and a
    renamed account leaves its services without reviewers.

    Fails:
        people:
          alice: {github: alice-archr}
    Fixed:
        people:
          alice: {github: alice-archer}
    """
    facts = _facts(ctx)
    if facts is None:
        return
    for person in ctx.model.people.values():
        if person.github and person.github.lower() in facts.missing_users:
            yield Finding(f"person/{person.name}", person.node.at("github"),
                          f"GitHub has no user '{person.github}' (person {person.name}); fix the login")


@rule("GH002", "github-team-unknown")
def github_team_unknown(ctx: Context) -> Iterator[Finding]:
    """(`--online`) A team's `github_team` does not exist, or the token cannot see it.

    Why: CODEOWNERS lines naming a team GitHub does not know are ignored, so
    the team's code is merged without its review.

    Fails:
        teams:
          payments: {github_team: acme/paymnts}
    Fixed:
        teams:
          payments: {github_team: acme/payments}
    """
    facts = _facts(ctx)
    if facts is None:
        return
    for team in ctx.model.teams.values():
        if team.github_team and team.github_team.lower() in facts.missing_teams:
            yield Finding(f"team/{team.name}", team.node.at("github_team"),
                          f"GitHub has no team '{team.github_team}' visible to this token (team {team.name}); "
                          "fix the org/slug, or give the token `read:org`")
