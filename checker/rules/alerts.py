"""ALR rules: every alert has an owner, and a paging alert reaches someone with a runbook."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..diagnostics import Severity
from ..model import Alert, is_templated
from .registry import Context, Finding, declare, rule

if TYPE_CHECKING:
    from ..routing import Route


def _owner_hint(alert: Alert) -> str:
    return "add a label " + " or ".join(f"`{label}`" for label in alert.owner_labels)


@rule("ALR001", "alert-without-owner", per_alert_file=True)
def alert_without_owner(ctx: Context) -> Iterator[Finding]:
    """An alert has none of its source's `owner_labels` (by default `team` or `service`),
    or only templated ones, and its source has no `owner`.

    Why: an alert nobody owns pages nobody, or the wrong people. A templated
    value such as `{{ $labels.team }}` is filled in when the alert fires, so
    it names no owner that can be checked now.

    Fails:
        - alert: HighErrorRate
          expr: rate(http_errors_total[5m]) > 1
          labels: {severity: critical}
    Fixed:
        - alert: HighErrorRate
          expr: rate(http_errors_total[5m]) > 1
          labels: {severity: critical, service: checkout-api}
        # or own every alert of a folder by path, in ownership.yaml:
        # alerts: [{type: prometheus, paths: ["monitoring/payments/*.yml"], owner: payments}]
    """
    for alert in ctx.model.alerts:
        if alert.owner_label is not None or alert.owned_by_path:
            continue
        templated = [label for label in alert.owner_labels if is_templated(alert.labels.get(label, ""))]
        if templated:
            label = templated[0]
            yield Finding(alert.subject, alert.label_at(label),
                          f"alert {alert.name}'s `{label}` label is templated ({alert.labels[label]}), which names "
                          "no owner until it fires; set a literal team or service")
        else:
            yield Finding(alert.subject, alert.loc,
                          f"alert {alert.name} has no owner; {_owner_hint(alert)} naming a team or service")


@rule("ALR002", "alert-owner-unknown", per_alert_file=True)
def alert_owner_unknown(ctx: Context) -> Iterator[Finding]:
    """An alert's owner label names no declared team or service.

    Why: a typo in `team: paymnts` routes the page to nobody; the owner must
    be a team or service of this config.

    Fails:
        labels: {severity: critical, team: paymnts}
    Fixed:
        labels: {severity: critical, team: payments}
    """
    names = list(ctx.model.teams) + list(ctx.model.services)
    for alert in ctx.model.alerts:
        if alert.owner_label is None or alert.team is not None or alert.service is not None:
            continue
        import difflib  # only for an unknown owner: off the start-up path

        value = alert.labels[alert.owner_label]
        close = difflib.get_close_matches(value, names, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "declare it, or name a declared team or service"
        yield Finding(alert.subject, alert.label_at(alert.owner_label),
                      f"alert {alert.name}'s `{alert.owner_label}: {value}` names no declared team or service; {hint}")


@rule("ALR003", "paging-alert-without-runbook", per_alert_file=True)
def paging_alert_without_runbook(ctx: Context) -> Iterator[Finding]:
    """A paging alert (`labels.severity` in its source's `paging_severities`, else
    `policy.alerts.paging_severities`) has no runbook annotation (the source's
    `runbook_annotations`, tried in order; default `runbook_url`), or it is not
    an https URL or an existing repo path.

    Why: a page without a runbook wakes someone who cannot act. The same
    rules as service runbooks apply to repo paths (regular files inside the
    repository, no symlinks).

    Fails:
        - alert: LedgerDown
          labels: {severity: critical, service: payments-ledger}
    Fixed:
        - alert: LedgerDown
          labels: {severity: critical, service: payments-ledger}
          annotations: {runbook_url: docs/runbooks/payments-ledger.md}
        # or, where the estate names the annotation differently, in ownership.yaml:
        # alerts: [{type: prometheus, paths: ["monitoring/*.yml"], runbook_annotations: [runbook_url, runbook]}]
    """
    severities = ctx.model.policy.paging_severities
    for alert in ctx.model.alerts:
        if not alert.is_paging(severities):
            continue
        found = alert.runbook()
        if found is None:
            names = " or ".join(f"`{name}`" for name in alert.runbook_annotations)
            yield Finding(alert.subject, alert.loc,
                          f"paging alert {alert.name} has no runbook annotation; add {names} with an https URL "
                          "or a repo path")
            continue
        annotation, url = found
        problem = ctx.runbook_problem(url)
        if problem:
            note = " (it is templated, so only its literal form is checked)" if is_templated(url) else ""
            yield Finding(alert.subject, alert.annotation_at(annotation),
                          f"{annotation} '{url}' of paging alert {alert.name} {problem}{note}")


@rule("ALR004", "paging-alert-without-oncall", per_alert_file=True)
def paging_alert_without_oncall(ctx: Context) -> Iterator[Finding]:
    """A paging alert's owner (its service, or its team) has no on-call rotation
    covering anything in the horizon (t).

    Why: a page must reach a person. An alert owned by a team without
    on-call, or whose rotations have nobody scheduled, pages into the void.

    Fails:
        teams:
          data: {members: [pat, quinn]}          # no oncall:
        # monitoring/data.yaml: labels: {severity: critical, team: data}
    Fixed:
        teams:
          data: {members: [pat, quinn], oncall: {primary: data-us, secondary: sre-primary}}
    """
    severities = ctx.model.policy.paging_severities
    covered: dict[str, bool] = {}
    for alert in ctx.model.alerts:
        if not alert.is_paging(severities) or alert.team is None and alert.service is None:
            continue
        if alert.service is not None:
            oncall = ctx.model.oncall_for(ctx.model.services[alert.service])
            owner = f"service '{alert.service}'"
        else:
            team = ctx.model.teams.get(alert.team or "")
            oncall = team.oncall if team else None
            owner = f"team '{alert.team}'"
        primaries = [name for name in (oncall.primary if oncall else []) if name in ctx.model.rotations]
        if not primaries:
            yield Finding(alert.subject, alert.label_at(alert.owner_label or ""),
                          f"paging alert {alert.name} belongs to {owner}, which has no on-call rotation; give it "
                          "`oncall: {primary: <rotation>}`")
            continue
        key = ",".join(primaries)
        if key not in covered:
            covered[key] = any(ctx.someone_on_call_after_now(name) for name in primaries)
        if not covered[key]:
            yield Finding(alert.subject, alert.label_at(alert.owner_label or ""),
                          f"paging alert {alert.name} belongs to {owner}, whose rotations ({', '.join(primaries)}) "
                          "have nobody on call in the horizon; fix their start or members")


@rule("ALR006", "paging-alert-misrouted", per_alert_file=True)
def paging_alert_misrouted(ctx: Context) -> Iterator[Finding]:
    """With `routing.alertmanager` set, a paging alert reaches no receiver of its
    owning team (`teams.X.receivers`): Alertmanager would deliver it to another
    team's receiver, or leave it on the default route.

    The alert's static labels (its rule's and group's labels, `alertname`, and
    `routing.external_labels` where the rule does not set them) go through the
    config's routing tree exactly as Alertmanager routes them (`matchers`,
    `match`, `match_re`, `continue`, nested routes; `amtool config routes test`
    gives the same answer). Templated label values are unknown until the alert
    fires, so they are left out.

    Why: an owner label is only a label. A page that Alertmanager sends to
    someone else's pager, or to a catch-all receiver nobody watches, wakes the
    wrong person or nobody.

    Fails:
        # alertmanager.yml
        route:
          receiver: default
          routes:
            - {matchers: ['team="sre"'], receiver: sre-pager}
        # the alert: labels: {severity: critical, team: payments}; teams.payments.receivers: [payments-pager]
    Fixed:
        route:
          receiver: default
          routes:
            - {matchers: ['team="sre"'], receiver: sre-pager}
            - {matchers: ['team="payments"', 'severity=~"critical|page"'], receiver: payments-pager}
    """
    config = ctx.model.alertmanager
    if config is None or ctx.model.routing is None:
        return
    from ..routing import Router  # imported only when routing.alertmanager is set

    router = Router(config)
    external = ctx.model.routing.external_labels
    for alert in ctx.model.alerts:
        if alert.team is None or not alert.is_paging(ctx.model.policy.paging_severities):
            continue
        team = ctx.model.teams.get(alert.team)
        if team is None or any(r not in config.receivers for r in team.receivers):
            continue  # ALR007 names the receiver to fix, once rather than for every page
        labels = {**external, "alertname": alert.name,
                  **{k: v for k, v in alert.labels.items() if not is_templated(v)}}
        routes = router.routes_for(labels)
        if any(r.receiver in team.receivers for r in routes):
            continue
        yield Finding(alert.subject, alert.loc, _misrouted(alert.name, team.name, team.receivers, routes))


def _misrouted(name: str, team: str, receivers: list[str], routes: list[Route]) -> str:
    taken = "; ".join(r.describe() for r in routes)
    where = "lands on the default route" if all(r.is_default for r in routes) else "is routed to"
    if not receivers:
        return (f"paging alert {name} of team '{team}' {where}: {taken}; team '{team}' names no receivers: add "
                f"`teams.{team}.receivers: [...]` with the Alertmanager receivers that page it")
    wanted = ", ".join(f"'{r}'" for r in receivers)
    return (f"paging alert {name} of team '{team}' {where}: {taken}, not to a receiver of team '{team}' ({wanted}); "
            "add a route that matches it, or fix its labels")


@rule("ALR007", "routing-config-invalid")
def routing_config_invalid(ctx: Context) -> Iterator[Finding]:
    """The Alertmanager config `routing.alertmanager` names cannot be read (it is
    missing, not YAML, a Helm template, or something Alertmanager itself would
    refuse: no default receiver, a matcher that does not parse, a regex that
    does not compile, an undefined receiver, an unknown route key), or a team's
    `receivers` names a receiver the config does not define.

    Why: routing can only be checked on a config Alertmanager would load; a
    receiver name with a typo makes every page of that team look misrouted.

    Fails:
        routing: {alertmanager: monitoring/alertmanager.yml}
        teams:
          payments: {receivers: [payments-pagerduty]}   # alertmanager.yml defines payments-pager
    Fixed:
        teams:
          payments: {receivers: [payments-pager]}
    """
    config = ctx.model.alertmanager
    if config is None:
        return  # unreadable: the reader has said why
    for team in ctx.model.teams.values():
        for receiver, loc in zip(team.receivers, team.receiver_locs):
            if receiver in config.receivers:
                continue
            import difflib  # only for an unknown receiver: off the start-up path

            close = difflib.get_close_matches(receiver, list(config.receivers), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"define it in {config.path}, or fix the name"
            yield Finding(f"team/{team.name}", loc,
                          f"team '{team.name}' names receiver '{receiver}', which {config.path} does not define; "
                          f"{hint}")


declare("ALR005", "alert-file-invalid", Severity.ERROR, """
    An alert rule file cannot be read as Prometheus rules: invalid YAML, no
    `groups:` (or PrometheusRule `spec.groups`), a group or rule of the wrong
    shape, a group without a name or with a name repeated in the file, or a
    Helm/Go template (`{{` outside a string: render it with `helm template`,
    or exclude it). After 100 problems in one file the rest are counted in one
    last ALR005, so a broken file cannot flood the output.

    Why: a rule file the checker cannot read is also one whose alerts nobody
    has checked for owners; Prometheus would likely refuse it too.

    Fails:
        groups:
          - name: payments
            rules:
              - expr: up == 0         # neither alert: nor record:
    Fixed:
        groups:
          - name: payments
            rules:
              - alert: CheckoutDown
                expr: up{job="checkout"} == 0
                labels: {severity: critical, service: checkout-api}
""")


declare("ALR008", "alert-glob-matches-nothing", Severity.WARNING, """
    An `alerts[].paths` glob matches no file, so no alert is read from it.

    Why: a typo, a moved folder or a `.yml`/`.yaml` mix-up would otherwise
    make the checker read nothing and report "no problems" about alerts
    nobody checks.

    Fails:
        alerts:
          - {type: prometheus, paths: ["monitoring/**/*.yaml"]}   # the files are *.yml
    Fixed:
        alerts:
          - {type: prometheus, paths: ["monitoring/**/*.yaml", "monitoring/**/*.yml"]}
""")
