"""ESC rules: teams with production services have a real escalation path, without cycles."""

from __future__ import annotations

from collections.abc import Iterator

from .registry import Context, Finding, rule


@rule("ESC001", "escalation-too-short", model_only=True)
def escalation_too_short(ctx: Context) -> Iterator[Finding]:
    """A team with production services has fewer than `policy.service.min_escalation_levels`
    escalation levels.

    Why: when the person paged cannot fix it, they must know whom to call next
    without searching a wiki at 3 a.m.: L1 the team's rotation, L2 a team or
    an expert rotation, L3 a manager or vendor.

    Fails:
        teams:
          payments:
            escalation:
              - rotation: payments-eu
    Fixed:
        teams:
          payments:
            escalation:
              - rotation: payments-eu
              - team: sre
              - contact: "Vendor support, +1 555 0100"
    """
    minimum = ctx.model.policy.service.min_escalation_levels
    for team in ctx.model.teams.values():
        if len(team.escalation) >= minimum or not ctx.model.production_services_of(team.name):
            continue
        yield Finding(f"team/{team.name}", team.node.at("escalation"),
                      f"team '{team.name}' owns production services but has {len(team.escalation)} escalation "
                      f"level(s), fewer than {minimum}; list L1 (its rotation), then L2 (`team: <team>`) and "
                      "beyond under `escalation:`")


@rule("ESC002", "escalation-cycle", model_only=True)
def escalation_cycle(ctx: Context) -> Iterator[Finding]:
    """Escalating through teams comes back to where it started.

    Why: an escalation path that loops (payments -> sre -> payments) never
    reaches anyone new; the incident bounces between two teams.

    Fails:
        teams:
          payments: {escalation: [{rotation: payments-eu}, {team: sre}]}
          sre: {escalation: [{rotation: sre-primary}, {team: payments}]}
    Fixed:
        teams:
          sre: {escalation: [{rotation: sre-primary}, {contact: "Head of SRE, +44 20 7946 0000"}]}
    """
    teams = ctx.model.teams
    edges = {name: [lvl for lvl in team.escalation if lvl.kind == "team" and lvl.target in teams]
             for name, team in teams.items()}
    # Iterative depth-first search; each cycle is reported once, at the level that closes it.
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    for root in teams:
        if state.get(root):
            continue
        path: list[str] = [root]
        state[root] = 1
        stack = [iter(edges[root])]
        while stack:
            level = next(stack[-1], None)
            if level is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            target = level.target
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target]
                yield Finding(f"team/{path[-1]}", level.loc,
                              f"escalation loops: {' -> '.join(cycle)}; end the chain at a level outside the "
                              "loop (a manager or vendor `contact:`)")
            elif not state.get(target):
                state[target] = 1
                path.append(target)
                stack.append(iter(edges[target]))
