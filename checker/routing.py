"""Alertmanager's routing tree, and routing a label set through it exactly as Alertmanager does.

`route(labels, tree)` is dispatch/route.go's `Route.Match`: a depth-first,
left-to-right search. A node matches when all its matchers do; its children
are tried in order, and the first matching child stops the search among its
siblings unless that child has `continue: true`. A matching node none of whose
children match is itself a result. The root has no matchers, so every alert
lands somewhere: at worst on the root's (default) receiver. A node without a
receiver inherits its parent's.
"""

from __future__ import annotations

from dataclasses import field

from .diagnostics import Location
from .matchers import Matcher
from .records import record


@record
class Route:
    receiver: str  # as inherited: the nearest receiver on the way from the root
    matchers: list[Matcher]
    path: str  # where it is written: route, route.routes[2].routes[0]
    loc: Location
    continue_: bool = False
    routes: list[Route] = field(default_factory=list)

    @property
    def is_default(self) -> bool:
        return self.path == "route"

    def describe(self) -> str:
        """The route as a reader finds it: `route.routes[1] {team="payments"} (receiver 'payments-pager', line 12)`."""
        shown = "{" + ",".join(str(m) for m in self.matchers) + "}" if self.matchers else "(default route)"
        return f"{self.path} {shown} (receiver '{self.receiver}', line {self.loc.line})"


@record
class AlertmanagerConfig:
    path: str
    root: Route
    receivers: dict[str, Location]  # receiver name -> where it is defined
    label_names: frozenset[str]  # every label any matcher reads: the only ones that can change a route
    digest: bytes = b""  # of the file's bytes (checker/alerts.py read_routing)


def route(labels: dict[str, str], tree: Route) -> list[Route]:
    """The routes an alert with these labels is delivered through, in the order Alertmanager lists them."""
    if not all(matcher.matches(labels) for matcher in tree.matchers):
        return []
    found: list[Route] = []
    for child in tree.routes:
        matched = route(labels, child)
        found.extend(matched)
        if matched and not child.continue_:
            break
    return found or [tree]


class Router:
    """Routes many alerts through one config, each distinct set of relevant labels once."""

    def __init__(self, config: AlertmanagerConfig) -> None:
        self.config = config
        self._seen: dict[tuple[tuple[str, str], ...], list[Route]] = {}

    def routes_for(self, labels: dict[str, str]) -> list[Route]:
        key = tuple(sorted((name, value) for name, value in labels.items() if name in self.config.label_names))
        if key not in self._seen:
            self._seen[key] = route(dict(key), self.config.root)
        return self._seen[key]
