"""Reading where alerts live and where they go: `alerts:` sources, `routing:`, and `teams.X.receivers`.

The files themselves (rule files, the Alertmanager config) are read later,
from the repository, by checker/alerts.py and checker/sources/; this only
records what the config says, and checks its names (CFG003, CFG004).
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import Location
from ..load import YMap, key_loc
from .entities import AlertSource, Model, Routing, Team
from .values import ValueReader, names_at, names_of, node_of, str_at


class AlertingReader(ValueReader):
    model: Model

    def _alert_source(self, body: Any, loc: Location) -> None:
        if not isinstance(body, YMap) or not isinstance(body.get("type"), str):
            return
        paths, path_locs = names_at(body, "paths", loc)
        source = AlertSource(body["type"], paths, names_of(body.get("owner_labels")) or ["team", "service"],
                             node_of(body, loc), path_locs=path_locs, exclude=names_of(body.get("exclude")),
                             owner=str_at(body, "owner"))
        if isinstance(body.get("runbook_annotations"), list):
            source.runbook_annotations = tuple(names_of(body["runbook_annotations"])) or source.runbook_annotations
        if isinstance(body.get("paging_severities"), list):
            source.paging_severities = tuple(names_of(body["paging_severities"]))
        self.model.alert_sources.append(source)

    def _routing(self, doc: YMap, file: str) -> None:
        body = self.single_block(doc, "routing", file)
        path = str_at(body, "alertmanager")
        if path is None:
            return
        labels = body.get("external_labels")
        # As Prometheus reads its external_labels: scalars as written (`true`, not Python's True).
        external = {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in labels.items()
                    if isinstance(v, (str, int, float))} if isinstance(labels, YMap) else {}
        self.model.routing = Routing(path, external, node_of(body, key_loc(doc, "routing", doc.loc)))

    def _receivers(self, team: Team, body: YMap, loc: Location) -> None:
        team.receivers, team.receiver_locs = names_at(body, "receivers", loc)

    def _expect_alert_owners(self) -> None:
        """CFG004: an `alerts[].owner` that names no declared team or service."""
        names = list(self.model.teams) + list(self.model.services)
        for source in self.model.alert_sources:
            if source.owner is None or source.owner in self.model.teams or source.owner in self.model.services:
                continue
            import difflib  # only for an unknown owner: off the start-up path

            close = difflib.get_close_matches(source.owner, names, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "declare it under teams: or services:"
            self.problem("CFG004", f"file/{source.node.loc.file}", source.node.at("owner"),
                         f"alerts owner '{source.owner}' names no declared team or service; {hint}")

