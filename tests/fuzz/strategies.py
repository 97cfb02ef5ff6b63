"""Hypothesis strategies for whole repositories: an ownership.yaml (and includes) built from the config's
structure, with the files it refers to (runbooks, service folders, manifests, rule files, an
Alertmanager config, CODEOWNERS), most values usual and some hostile (values.py).

Names are drawn first and references mostly point at them, so a generated config reaches the rules
and the schedule rather than stopping at CFG004.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import yaml
from hypothesis import strategies as st

from .values import (
    countries,
    dates,
    datetimes,
    durations,
    emails,
    github_logins,
    github_teams,
    globs,
    horizons,
    hostile_text,
    mixed,
    month_days,
    names,
    numbers,
    repo_paths,
    rule_ids,
    runbook_templates,
    severities,
    shifts,
    text,
    timezones,
    weekdays,
    windows,
)


@dataclass
class FuzzRepo:
    files: dict[str, bytes]  # raw path (surrogateescape for bytes that are not UTF-8) -> content
    now: datetime
    symlinks: frozenset[str] = frozenset()
    config: dict[str, Any] = field(default_factory=dict)  # the main document, for reading failures

    def __repr__(self) -> str:  # what hypothesis prints for a failing example: enough to rebuild it
        return f"FuzzRepo(now={self.now!r}, symlinks={set(self.symlinks)!r}, files={self.files!r})"


def refs(pool: list[str]) -> st.SearchStrategy[str]:
    """A reference: mostly a declared name, sometimes any name."""
    return mixed(st.sampled_from(pool), names, 5) if pool else names


def optional(**keys: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=keys)


def _oncall(rotations: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    one_or_more = st.one_of(refs(rotations), st.lists(refs(rotations), min_size=1, max_size=3))
    return optional(primary=one_or_more, secondary=one_or_more)


def _escalation(rotations: list[str], teams: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(st.builds(lambda r: {"rotation": r}, refs(rotations)),
                     st.builds(lambda t: {"team": t}, refs(teams)),
                     st.builds(lambda c: {"contact": c}, text), st.just({}),
                     st.builds(lambda r, t: {"rotation": r, "team": t}, refs(rotations), refs(teams)))


def _person() -> st.SearchStrategy[dict[str, Any]]:
    leave = st.fixed_dictionaries({"from": datetimes(), "to": datetimes()}, optional={"reason": text})
    return optional(name=text, github=github_logins, email=emails, timezone=timezones, country=countries,
                    unavailable=st.lists(leave, max_size=2), exempt=text)


def _team(people: list[str], rotations: list[str], teams: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    receivers = st.lists(mixed(st.sampled_from(["payments-pager", "sre-pager", "audit"]), hostile_text), max_size=2)
    return optional(github_team=github_teams, chat=text, members=st.lists(refs(people), max_size=6),
                    oncall=_oncall(rotations), escalation=st.lists(_escalation(rotations, teams), max_size=4),
                    receivers=receivers)


def _rotation(people: list[str], teams: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    override = st.fixed_dictionaries({"person": refs(people), "from": datetimes(), "to": datetimes()},
                                     optional={"volunteer": mixed(st.booleans(), st.just("yes")), "reason": text})
    shift = mixed(shifts, st.lists(shifts, min_size=1, max_size=3), 8)  # a pattern: release 2 (SPEC §7.2)
    change = optional(**{"from": datetimes(), "members": st.lists(refs(people), min_size=1, max_size=4),
                         "first": refs(people), "shift": shifts})
    rare = optional(days=st.lists(weekdays, max_size=3), changes=st.lists(change, max_size=2),
                    policy=optional(max_shift=durations, handoff_hours=windows, max_gap=durations))
    return st.builds(
        lambda required, extra, future, drop: {
            key: value for key, value in {**required, **extra, **future}.items() if key != drop},
        st.fixed_dictionaries({"team": refs(teams), "members": st.lists(refs(people), min_size=1, max_size=6),
                               "shift": shift, "start": datetimes()}),
        optional(timezone=timezones, hours=windows, holiday_shift=shifts,
                 overrides=st.lists(override, max_size=3)),
        mixed(st.just({}), rare, 9),
        mixed(st.just(None), st.sampled_from(["team", "members", "shift", "start"]), 12))


def _service(name: str, people_teams: list[str], rotations: list[str], services: list[str]) -> st.SearchStrategy[Any]:
    runbook = runbook_templates.map(lambda template: template.replace("{s}", name))
    lifecycles = mixed(st.sampled_from(["production", "production", "experimental", "deprecated"]),
                       st.sampled_from(["Production", "", "prod"]))
    coverages = mixed(st.sampled_from(["24x7", "business-hours"]), st.sampled_from(["9x5", ""]))
    return optional(team=refs(people_teams), lifecycle=lifecycles, coverage=coverages, oncall=_oncall(rotations),
                    runbook=runbook, paths=st.lists(repo_paths, max_size=3),
                    depends_on=st.lists(refs(services), max_size=2), description=text)


def _policy() -> st.SearchStrategy[dict[str, Any]]:
    rotation = optional(min_members=numbers, max_shift=durations, max_consecutive=durations, max_gap=durations,
                        max_oncall_fraction=numbers, handoff_days=st.lists(weekdays, max_size=7),
                        handoff_hours=windows, holiday_window=st.lists(month_days, min_size=1, max_size=3),
                        holiday_max_shift=durations, protected_days=st.lists(month_days, max_size=3),
                        local_hours=windows, notice=durations, min_balance=numbers)
    service = optional(require_runbook=mixed(st.booleans(), st.just("no")),
                       require_secondary=mixed(st.booleans(), st.just(1)), min_escalation_levels=numbers)
    alerts = optional(paging_severities=st.lists(mixed(st.sampled_from(["critical", "page"]), hostile_text),
                                                 max_size=3))
    return optional(horizon=horizons, rotation=rotation, service=service, alerts=alerts,
                    rules=st.dictionaries(rule_ids, severities, max_size=4))


def _alert_source(teams_services: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    rule_globs = mixed(st.sampled_from(["monitoring/*.yaml", "monitoring/**/*.yml", "monitoring/**/*.yaml"]), globs)
    return st.fixed_dictionaries(
        {"type": mixed(st.just("prometheus"), st.sampled_from(["loki", ""]), 8),
         "paths": st.lists(rule_globs, min_size=1, max_size=2)},
        optional={"owner_labels": st.lists(mixed(st.sampled_from(["team", "service"]), hostile_text), min_size=1,
                                           max_size=2),
                  "exclude": st.lists(globs, max_size=2), "owner": refs(teams_services),
                  "runbook_annotations": st.lists(st.sampled_from(["runbook_url", "runbook", "x"]), min_size=1,
                                                  max_size=2),
                  "paging_severities": st.lists(st.sampled_from(["critical", "page", "warning"]), max_size=2)})


def _discovery() -> st.SearchStrategy[dict[str, Any]]:
    kinds = {"directories": mixed(st.just("services/*"), globs), "kubernetes": mixed(st.just("deploy/**/*.yaml"), globs),
             "backstage": mixed(st.just("**/catalog-info.yaml"), globs)}
    one = st.sampled_from(sorted(kinds)).flatmap(lambda kind: st.fixed_dictionaries(
        {kind: kinds[kind]}, optional={"exclude": st.lists(globs, max_size=2)}))
    return mixed(one, st.fixed_dictionaries({}, optional=kinds), 6)


def _waiver(subjects: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"rule": rule_ids, "subject": mixed(st.sampled_from(subjects), hostile_text, 5),
                                  "reason": text, "expires": dates})


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    """A whole config document as Python data (not yet YAML)."""
    unique = {"unique": True, "max_size": 6}
    people = draw(st.lists(names, **unique))  # type: ignore[arg-type]
    teams = draw(st.lists(names, max_size=3, unique=True))
    rotations = draw(st.lists(names, max_size=4, unique=True))
    services = draw(st.lists(names, max_size=5, unique=True))
    doc: dict[str, Any] = {"version": draw(mixed(st.just(1), st.sampled_from([2, "1", None]), 12))}
    if draw(st.integers(0, 3)) == 0:
        doc["policy"] = draw(_policy())
    doc["people"] = {name: draw(_person()) for name in people}
    doc["teams"] = {name: draw(_team(people, rotations, teams)) for name in teams}
    doc["rotations"] = {name: draw(_rotation(people, teams)) for name in rotations}
    doc["services"] = {name: draw(_service(name, teams + services, rotations, services)) for name in services}
    if draw(st.booleans()):
        doc["alerts"] = draw(st.lists(_alert_source(teams + services), min_size=1, max_size=2))
    if draw(st.integers(0, 3)) == 0:
        labels = st.dictionaries(mixed(st.just("cluster"), hostile_text), mixed(st.just("prod-eu"), numbers), max_size=2)
        doc["routing"] = draw(optional(alertmanager=mixed(st.just("monitoring/alertmanager.yml"), repo_paths),
                                       external_labels=labels))
    if draw(st.booleans()):
        doc["discovery"] = draw(st.lists(_discovery(), min_size=1, max_size=3))
    subjects = [f"{kind}/{name}" for kind, pool in (("service", services), ("rotation", rotations),
                                                   ("team", teams), ("person", people)) for name in pool]
    if draw(st.integers(0, 2)) == 0:
        doc["waivers"] = draw(st.lists(_waiver(subjects or ["service/x"]), max_size=3))
    return doc


def dump(document: Any, style: bool | None) -> bytes:
    """YAML as people and tools write it: block or flow style, non-ASCII raw or escaped."""
    return yaml.safe_dump(document, sort_keys=False, default_flow_style=style, allow_unicode=style is None,
                          width=4096).encode("utf-8", "surrogateescape")


# How the same document can reach the loader: as written, with Windows line endings, a byte-order mark, as
# UTF-16 (not UTF-8: CFG001), with a key repeated (CFG003), merged from an anchor, or cut short.
RAW_FORMS = [
    lambda data: data, lambda data: data, lambda data: data, lambda data: data,
    lambda data: data.replace(b"\n", b"\r\n"),
    lambda data: b"\xef\xbb\xbf" + data,
    lambda data: data.decode("utf-8", "surrogateescape").encode("utf-16", "surrogatepass"),
    lambda data: data + b"version: 1\n",
    lambda data: b"x-defaults: &defaults {team: t}\n" + data.replace(
        b"services:\n", b"services:\n  merged: {<<: *defaults}\n", 1),
    lambda data: data[: len(data) // 2],
]


def raw_forms(data: bytes) -> st.SearchStrategy[bytes]:
    return st.sampled_from(RAW_FORMS).map(lambda form: form(data))


@st.composite
def rule_files(draw: st.DrawFn, owners: list[str], runbooks: list[str]) -> bytes:
    """A Prometheus rule file (or PrometheusRule manifest), or something that only looks like one."""
    rule = st.fixed_dictionaries(
        {"alert": mixed(st.sampled_from(["HighErrors", "Down", "Lag"]), hostile_text), "expr": st.just("up == 0")},
        optional={"labels": optional(severity=mixed(st.sampled_from(["critical", "page", "warning"]), hostile_text),
                                     team=refs(owners), service=refs(owners)),
                  "annotations": optional(runbook_url=mixed(st.sampled_from(runbooks or ["x"]), hostile_text),
                                          summary=text),
                  "for": st.just("5m")})
    recording = st.just({"record": "job:up:sum", "expr": "sum(up)"})
    group = st.fixed_dictionaries({"name": mixed(st.sampled_from(["g", "payments"]), hostile_text),
                                   "rules": st.lists(mixed(rule, recording, 4), max_size=4)})
    groups = {"groups": draw(st.lists(group, max_size=3))}
    shape = draw(st.integers(0, 9))
    if shape == 0:
        manifest = {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
                    "metadata": {"name": "rules"}, "spec": groups}
        return b"---\n" + dump(manifest, False) + b"---\nkind: ConfigMap\n"
    if shape == 1:
        return draw(st.sampled_from([
            b"groups:\n- name: g\n  rules:\n  - alert: {{ .Values.name }}\n    expr: up\n",
            (b"defaults: &d {severity: page, team: sre}\ngroups:\n- name: g\n  rules:\n"
             b"  - alert: A\n    expr: up\n    labels: {<<: *d, team: payments}\n"),
            b"groups: []\n", b"not: rules\n", b"\xff\xfe\x00", b"groups:\n- name: g\n  rules: [{alert: A, alert: B}]\n",
            b"groups: [", b"- x\n- y\n", b"",
        ]))
    return dump(groups, draw(st.sampled_from([False, None])))


@st.composite
def alertmanager_configs(draw: st.DrawFn) -> bytes:
    receiver = mixed(st.sampled_from(["payments-pager", "sre-pager", "audit", "default"]), hostile_text)
    matchers = mixed(st.sampled_from(['team="payments"', 'severity=~"page|critical"', "team!=sre"]), hostile_text)
    route = optional(receiver=receiver, matchers=st.lists(matchers, max_size=2),
                     match=st.dictionaries(st.just("team"), st.sampled_from(["payments", "sre"]), max_size=1),
                     match_re=st.dictionaries(st.just("severity"), st.sampled_from(["page|critical", "(", "a{99999}"]),
                                              max_size=1),
                     **{"continue": st.booleans()})
    config = {"route": {"receiver": "default", "routes": draw(st.lists(route, max_size=3))},
              "receivers": [{"name": name} for name in draw(st.lists(receiver, max_size=4, unique=True))]}
    return dump(config, None)


CODEOWNERS_FILES = [
    "* @acme/everyone\n",
    "# BEGIN ownership-as-code\n/old/ @acme/x\n# END ownership-as-code\n/services/ @acme/platform\n",
    "# BEGIN ownership-as-code\n",  # a BEGIN without END: a one-line error
    "# END ownership-as-code\n# BEGIN ownership-as-code\n",
    "\ufeff/docs/ @acme/docs\r\n# BEGIN ownership-as-code\r\n# END ownership-as-code\r\n",
    "/a\\ b/ @x\n[z]/ @y\n!x @z\n\\#x @w\n\x1b[2J @t\n/services/** @acme/platform\n",
    "# BEGIN ownership-as-code\n# BEGIN ownership-as-code\n# END ownership-as-code\n",
]

EXTRA_DIRECTORIES = ["my service", "UPPER", "x\\y", "a\nb", "\udcff\udcfe", "\x1b[2J", "é", "a" * 100, "-x", "*"]


@st.composite
def repositories(draw: st.DrawFn) -> FuzzRepo:
    doc = draw(configs())
    services = list(doc.get("services", {}))
    owners = list(doc.get("teams", {})) + services
    files: dict[str, bytes] = {}
    runbooks = []
    for name in services:
        if draw(st.integers(0, 3)):
            runbooks.append(f"docs/runbooks/{name}.md")
            files[runbooks[-1]] = draw(st.sampled_from([b"# Runbook\n", b"", b"\xff"]))
    files["docs/empty.md"] = b""
    for name in draw(st.lists(mixed(st.sampled_from(services or ["svc"]), st.sampled_from(EXTRA_DIRECTORIES)),
                              max_size=4, unique=True)):
        files[f"services/{name}/README.md"] = b"x\n"
    if draw(st.booleans()):
        workload = st.fixed_dictionaries({
            "kind": st.sampled_from(["Deployment", "StatefulSet", "CronJob", "Service", "DaemonSet"]),
            "metadata": optional(name=mixed(st.sampled_from(services or ["svc"]), names))})
        files["deploy/apps.yaml"] = b"---\n".join(dump(w, False) for w in draw(st.lists(workload, max_size=3)))
    if draw(st.booleans()):
        component = {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
                     "metadata": draw(optional(name=mixed(st.sampled_from(services or ["svc"]), names))),
                     "spec": draw(optional(lifecycle=mixed(st.sampled_from(["production", "experimental"]), text),
                                           owner=mixed(st.sampled_from([f"group:{o}" for o in owners] or ["x"]), text)))}
        files[f"services/{draw(st.sampled_from(services or ['svc']))}/catalog-info.yaml"] = dump(component, None)
    for index in range(draw(st.integers(0, 3))):
        name = draw(mixed(st.sampled_from(["payments.yaml", "sre.yml", "k8s/rules.yaml"]),
                          st.sampled_from(["a b.yaml", "\udcff.yaml", "x\n.yaml", "é.yaml", "rules_test.yaml"])))
        files[f"monitoring/{name}"] = draw(rule_files(owners, runbooks))
    if "routing" in doc:
        files["monitoring/alertmanager.yml"] = draw(alertmanager_configs())
    if draw(st.integers(0, 2)) == 0:
        where = draw(st.sampled_from([".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"]))
        files[where] = draw(st.sampled_from(CODEOWNERS_FILES)).encode("utf-8", "surrogateescape")
    if draw(st.integers(0, 2)) == 0:  # some sections moved to included files
        doc["include"] = draw(st.lists(mixed(st.just("ownership/*.yaml"), globs, 4), min_size=1, max_size=2))
        for section in draw(st.lists(st.sampled_from(["people", "teams", "rotations", "services", "policy",
                                                      "include", "version"]), max_size=3, unique=True)):
            if section in doc:
                files[f"ownership/{section}.yaml"] = dump({section: doc[section]}, None)
                if draw(st.booleans()):
                    del doc[section]  # else defined twice: CFG003
    files["ownership.yaml"] = draw(raw_forms(dump(doc, draw(st.sampled_from([False, None])))))
    symlinks = frozenset(["docs/link.md"] if draw(st.booleans()) else [])
    now = draw(mixed(st.datetimes(min_value=datetime(2025, 6, 1), max_value=datetime(2027, 6, 1)).map(
        lambda moment: moment.replace(second=0, microsecond=0, tzinfo=UTC)),
        st.sampled_from([datetime(1970, 1, 1, tzinfo=UTC), datetime(2199, 12, 31, 23, 59, tzinfo=UTC)]), 12))
    return FuzzRepo(files, now, symlinks, doc)


__all__ = ["FuzzRepo", "configs", "repositories"]
