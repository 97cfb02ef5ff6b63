"""SVC rules: every production service has a team, a runbook, a secondary and is declared."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, tzinfo

from ..diagnostics import Severity
from ..escape import terminal, yaml_name
from ..model import Model
from ..schedule import Interval, daily_windows, format_local, subtract, union
from ..timeutil import format_duration
from .registry import Context, Finding, declare, rule


def _subject(name: str) -> str:
    return f"service/{name}"


@rule("SVC001", "service-without-owner", model_only=True)
def service_without_owner(ctx: Context) -> Iterator[Finding]:
    """A production service names no owning team.

    Why: an alert on a service without an owner pages nobody, or everybody.
    Every production service belongs to exactly one team that answers for it.

    Fails:
        services:
          checkout-api: {lifecycle: production, runbook: docs/runbooks/checkout.md}
    Fixed:
        services:
          checkout-api: {team: payments, runbook: docs/runbooks/checkout.md}
    """
    for service in ctx.model.services.values():
        if service.is_production and service.team is None:
            yield Finding(_subject(service.name), service.node.loc,
                          f"production service '{service.name}' has no owner; add `team: <team>` "
                          "(or set `lifecycle: experimental` if it is not in production yet)")


BUSINESS_HOURS = (9 * 60, 17 * 60)  # Mon-Fri, in the zone of the service's first primary rotation


def _required(coverage: str, tz: tzinfo, start: datetime, end: datetime) -> list[Interval]:
    """The time a service's coverage promises an answer over [start, end)."""
    if coverage == "business-hours":
        return daily_windows(BUSINESS_HOURS, tz, start, end, weekdays=range(5))
    return [(start, end)]


@rule("SVC002", "service-without-oncall", model_only=True)
def service_without_oncall(ctx: Context) -> Iterator[Finding]:
    """A production service's primary rotations leave part of its coverage uncovered (t).

    Why: "owned" means someone answers a page at any moment the service
    promises: 24x7, or business hours (Mon-Fri 09:00-17:00 in the zone of
    its first primary rotation). Follow-the-sun legs combine; a gap between
    them is a time when the pager rings for nobody.

    Fails:
        services:
          checkout-api:
            oncall: {primary: [sre-emea, sre-amer]}   # 07:00-17:00 London + 10:00-20:00 New York
    Fixed:
        services:
          checkout-api:
            oncall: {primary: [sre-emea, sre-amer, sre-apac]}   # + 09:00-19:00 Sydney: 24x7
    """
    schedule = ctx.schedule
    # A team's services share its rotations: what they cover, and each coverage's windows, once.
    covered_by: dict[tuple[str, ...], list[Interval]] = {}
    required_by: dict[tuple[str, tzinfo], list[Interval]] = {}
    for service in ctx.model.services.values():
        if not service.is_production:
            continue
        oncall = ctx.model.oncall_for(service)
        primaries = [name for name in (oncall.primary if oncall else []) if name in ctx.model.rotations]
        if not primaries:
            if oncall is None or not oncall.primary:
                yield Finding(_subject(service.name), service.node.loc,
                              f"production service '{service.name}' has no primary on-call rotation; add "
                              "`oncall: {primary: <rotation>}` to it or to its team")
            continue  # unknown rotation names are CFG004
        tz = ctx.model.rotations[primaries[0]].tz
        if (service.coverage, tz) not in required_by:
            required_by[service.coverage, tz] = _required(service.coverage, tz, ctx.now, schedule.end)
        if tuple(primaries) not in covered_by:
            covered_by[tuple(primaries)] = union((slot.start, slot.end) for name in primaries
                                                 for slot in schedule.rotations[name].slots
                                                 if slot.person in ctx.model.people)
        gaps = subtract(required_by[service.coverage, tz], covered_by[tuple(primaries)])
        if gaps:
            start, end = gaps[0]
            total = sum(((e - s).total_seconds() for s, e in gaps), 0.0) / 3600
            yield Finding(_subject(service.name), oncall.node.loc if oncall else service.node.loc,
                          f"nobody is on call for '{service.name}' ({service.coverage}) from "
                          f"{format_local(start, tz)} to {format_local(end, tz)} ({tz}); {total:.0f} hours "
                          f"uncovered in the next {format_duration(schedule.end - ctx.now)}; add a rotation or "
                          f"follow-the-sun leg covering them to `oncall.primary`")


@rule("SVC003", "service-without-runbook", model_only=True)
def service_without_runbook(ctx: Context) -> Iterator[Finding]:
    """A production service has no runbook (policy `service.require_runbook`).

    Why: the person paged at 3 a.m. needs to know what the service does, how
    to tell it is healthy and what to try first, without finding its authors.

    Fails:
        services:
          checkout-api: {team: payments}
    Fixed:
        services:
          checkout-api: {team: payments, runbook: docs/runbooks/checkout-api.md}
    """
    if not ctx.model.policy.service.require_runbook:
        return
    for service in ctx.model.services.values():
        if service.is_production and service.runbook is None:
            yield Finding(_subject(service.name), service.node.loc,
                          f"production service '{service.name}' has no runbook; add "
                          f"`runbook: docs/runbooks/{service.name}.md` (a repo path or an https URL)")


@rule("SVC004", "runbook-not-found")
def runbook_not_found(ctx: Context) -> Iterator[Finding]:
    """A runbook path does not exist in the repo, is empty, is a symlink or
    submodule, lies inside `.git` or resolves outside the repo; or a URL is not https.

    Why: a runbook link that is dead when it is needed is worse than none.
    Paths are relative to the repository root. Symlinks are refused because a
    committed symlink could make the checker read `.git/config` or any file of
    the CI runner.

    Fails:
        services:
          checkout-api: {team: payments, runbook: ../other-repo/runbook.md}
    Fixed:
        services:
          checkout-api: {team: payments, runbook: docs/runbooks/checkout-api.md}
    """
    for service in ctx.model.services.values():
        if service.runbook is None:
            continue
        problem = ctx.runbook_problem(service.runbook)
        if problem:
            yield Finding(_subject(service.name), service.node.at("runbook"),
                          f"runbook '{service.runbook}' of service '{service.name}' {problem}")


@rule("SVC005", "service-without-secondary", model_only=True)
def service_without_secondary(ctx: Context) -> Iterator[Finding]:
    """A production service has no secondary rotation (policy `service.require_secondary`).

    Why: on-call works in pairs. When the primary is asleep, ill or already
    handling an incident, the page must reach someone else.

    Fails:
        services:
          checkout-api:
            team: payments
            oncall: {primary: payments-eu}
    Fixed:
        services:
          checkout-api:
            team: payments
            oncall: {primary: payments-eu, secondary: sre-primary}
    """
    if not ctx.model.policy.service.require_secondary:
        return
    for service in ctx.model.services.values():
        if not service.is_production:
            continue
        oncall = ctx.model.oncall_for(service)
        if oncall is None or not oncall.secondary:
            if service.oncall is not None:
                where = "its `oncall:`"
            elif service.team in ctx.model.teams:
                where = f"team '{service.team}' `oncall:` (or the service's own)"
            else:
                where = "an `oncall:` block on the service"
            location = service.oncall.node.loc if service.oncall else service.node.loc
            yield Finding(_subject(service.name), location,
                          f"production service '{service.name}' has no secondary on-call; add "
                          f"`secondary: <rotation>` to {where} so pages reach a second person")


@rule("SVC006", "undeclared-service")
def undeclared_service(ctx: Context) -> Iterator[Finding]:
    """Discovery finds a production service in the repository that the config does not declare.

    Why: the service most likely to be missing an owner is the one nobody
    wrote down. `discovery:` finds services in directories, Kubernetes
    workloads and Backstage components; each must be declared (mark it
    `lifecycle: experimental` if it is not in production). One thing found
    by several kinds is one service: a catalog-info.yaml in a discovered
    directory names that directory's service. Names match case-insensitively
    (`Web-Shop` is declared as `web-shop`). A Backstage component whose
    `spec.lifecycle` is not `production` need not be declared; the message
    names the team its `spec.owner` gives, matched against team names and
    `github_team`.

    Fails:
        discovery:
          - directories: "services/*"    # services/ledger/ exists
        services: {}
    Fixed:
        services:
          ledger: {team: payments, runbook: docs/runbooks/ledger.md}
    """
    declared = {name.lower() for name in ctx.model.services}
    for found in ctx.discovered:
        if not found.is_production or declared & {found.name, *found.aliases}:
            continue
        team, said = _backstage_team(found.owner, ctx.model) if found.owner else (None, "")
        as_written = f" (found as '{terminal(found.found_as)}')" if found.found_as != found.name else ""
        yield Finding(_subject(found.name), found.location,
                      f"{found.kind} discovery found service '{found.name}'{as_written}{said}, which is not "
                      f"declared; add `{yaml_name(found.name)}: {{team: {yaml_name(team) if team else '<team>'}}}` "
                      "under services: with its on-call and runbook")


def _backstage_team(owner: str, model: Model) -> tuple[str | None, str]:
    """The declared team a Backstage `spec.owner` ([kind:][namespace/]name) names, and how to say so."""
    kind, _, ref = owner.rpartition(":")
    namespace, _, name = ref.rpartition("/")
    for team in model.teams.values():
        github = (team.github_team or "").lower()
        if team.name == name.lower() or github.split("/")[-1] == name.lower() or (
                namespace and github == f"{namespace}/{name}".lower()):
            return team.name, f"; Backstage gives its owner as '{terminal(owner)}', team '{team.name}'"
    what = "a user" if kind.lower() == "user" else "no team (by name or github_team)"
    return None, f"; Backstage gives its owner as '{terminal(owner)}', which names {what} here"


declare("SVC008", "discovery-glob-matches-nothing", Severity.WARNING, """
    A `discovery:` entry's glob matches no file (or directory), or its
    `exclude` leaves nothing (raised while discovering).

    Why: discovery is how an undeclared service gets noticed; a glob that
    matches nothing finds no service and says nothing, so a typo or a
    `.yml`/`.yaml` mix-up silently turns the check off.

    Fails:
        discovery:
          - kubernetes: "deploy/**/*.yaml"    # the manifests are deploy/*.yml
    Fixed:
        discovery:
          - kubernetes: "deploy/**/*.yml"
""")


@rule("SVC007", "unknown-dependency", Severity.WARNING, model_only=True)
def unknown_dependency(ctx: Context) -> Iterator[Finding]:
    """`depends_on` names a service that is not declared.

    Why: dependencies tell the person paged which other teams to call; a
    dependency on an unknown service is a dead end in an incident.

    Fails:
        services:
          checkout-api: {team: payments, depends_on: [legder]}
    Fixed:
        services:
          checkout-api: {team: payments, depends_on: [ledger]}
    """
    for service in ctx.model.services.values():
        for dependency, location in zip(service.depends_on, service.depends_locs):
            if dependency not in ctx.model.services:
                yield Finding(_subject(service.name), location,
                              f"service '{service.name}' depends on '{dependency}', which is not declared; "
                              "declare it under services: or fix the name")
