"""A local server on 127.0.0.1 that answers like PagerDuty's REST API v2, for the tests (never the internet).

It keeps users, schedules (layers with restrictions) and overrides, paginates with `offset`/`more`,
checks the `Authorization: Token token=...` header, and renders schedules: each layer's turns from its
`rotation_virtual_start` every `rotation_turn_length_seconds`, masked by its restrictions, later layers
over earlier ones, overrides over layers (the last created wins). This is the only place that implements
PagerDuty's layer semantics (PagerDutyLayers, which the property tests also use on their own); the code
under test asks for them through POST /schedules/preview.

Turns and restriction windows are counted on the schedule's wall clock (a 12:00 handoff stays at 12:00
local across DST, as PagerDuty documents for schedules in a zone with DST) or, with `turns="elapsed"`, in
elapsed seconds, so the tests can show the mapping does not depend on which PagerDuty does.
Every request body is validated against the vendored part of PagerDuty's OpenAPI description.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "pagerduty" / "openapi-schedules.json"
OPENAPI = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def body_problems(operation: str, body: Any) -> list[str]:
    """Where a request body breaks PagerDuty's published schema (empty when it conforms)."""
    schema = dict(OPENAPI["requestBodies"][operation], components=OPENAPI["components"])
    validator = jsonschema.Draft7Validator(schema)
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
    for path, value in _times(body):
        try:
            if datetime.fromisoformat(value).tzinfo is None:
                problems.append(f"{path}: {value} has no offset")
        except ValueError:
            problems.append(f"{path}: {value} is not ISO 8601")
    return problems


def _times(node: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [t for k, v in node.items() for t in (
            [(f"{path}/{k}", v)] if k in ("start", "end", "rotation_virtual_start") and isinstance(v, str)
            else _times(v, f"{path}/{k}"))]
    if isinstance(node, list):
        return [t for i, v in enumerate(node) for t in _times(v, f"{path}/{i}")]
    return []


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def zone_of(name: str) -> Any:
    return UTC if name in ("UTC", "Etc/UTC") else ZoneInfo(name)


class PagerDutyLayers:
    """PagerDuty's layer semantics, once: each layer's turns from its `rotation_virtual_start` every
    `rotation_turn_length_seconds` (on the schedule's wall clock, or with turns="elapsed" in elapsed
    seconds), within its `start`/`end`, masked by its restrictions (a weekly restriction on the day it
    starts, a wrapping one included); later layers over earlier ones where they page someone; overrides
    over layers, the last created winning."""

    def __init__(self, turns: str = "wall") -> None:
        self.turns = turns

    def render(self, schedule: dict[str, Any], since: datetime, until: datetime,
               overrides: list[dict[str, Any]]) -> list[tuple[datetime, datetime, str]]:
        tz = zone_of(schedule["time_zone"])
        pieces: list[tuple[datetime, datetime, str]] = []
        for layer in schedule["schedule_layers"]:  # later layers over earlier ones
            pieces = _over(pieces, self.layer(layer, tz, since, until))
        for override in overrides:  # the last created wins
            start, end = max(parse(override["start"]), since), min(parse(override["end"]), until)
            if start < end:
                pieces = _over(pieces, [(start, end, override["user"]["id"])])
        return pieces

    def at(self, origin: datetime, seconds: int, tz: Any) -> datetime:
        if self.turns == "elapsed":
            return origin + timedelta(seconds=seconds)
        local = origin.astimezone(tz).replace(tzinfo=None) + timedelta(seconds=seconds)
        return local.replace(tzinfo=tz).astimezone(UTC)

    def layer(self, layer: dict[str, Any], tz: Any, since: datetime,
              until: datetime) -> list[tuple[datetime, datetime, str]]:
        start = max(parse(layer["start"]), since)
        end = min(parse(layer["end"]), until) if layer.get("end") else until
        virtual, length = parse(layer["rotation_virtual_start"]), int(layer["rotation_turn_length_seconds"])
        users = [u["user"]["id"] for u in layer["users"]]
        if start >= end or not users:
            return []
        turn = max(0, int((start - virtual).total_seconds() // length) - 2)
        turns = []
        while (turn_start := self.at(virtual, turn * length, tz)) < end:
            turn_end = self.at(virtual, (turn + 1) * length, tz)
            if turn_end > start:
                turns.append((max(turn_start, start), min(turn_end, end), users[turn % len(users)]))
            turn += 1
        windows = self.windows(layer.get("restrictions") or [], tz, start, end)
        return [(max(s, ws), min(e, we), u) for s, e, u in turns for ws, we in windows if max(s, ws) < min(e, we)]

    def windows(self, limits: list[dict[str, Any]], tz: Any, start: datetime,
                end: datetime) -> list[tuple[datetime, datetime]]:
        if not limits:
            return [(start, end)]
        out = []
        day = start.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None) - timedelta(days=8)
        while day.replace(tzinfo=tz) < end:
            for limit in limits:
                if limit["type"] == "weekly_restriction" and day.isoweekday() != limit["start_day_of_week"]:
                    continue
                hour, minute, second = (int(p) for p in limit["start_time_of_day"].split(":"))
                begin = (day + timedelta(hours=hour, minutes=minute, seconds=second)).replace(tzinfo=tz).astimezone(UTC)
                out.append((begin, self.at(begin, int(limit["duration_seconds"]), tz)))
            day += timedelta(days=1)
        merged: list[tuple[datetime, datetime]] = []
        for s, e in sorted(out):
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        return merged


class FakePagerDuty(PagerDutyLayers):
    def __init__(self, server: HTTPServer, token: str = "test-token-abc123", turns: str = "wall",
                 page_size: int = 2) -> None:
        super().__init__(turns)
        self.token, self.page_size = token, page_size
        self.users: dict[str, dict[str, Any]] = {}
        self.schedules: dict[str, dict[str, Any]] = {}
        self.overrides: dict[str, list[dict[str, Any]]] = {}
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        self.bodies: list[tuple[str, Any]] = []  # (operation, body) of every write and preview
        self.now = datetime(2026, 10, 1, tzinfo=UTC)
        self.fail_with: tuple[int, int] | None = None  # (status, how many requests; -1 for all)
        self.endless = False  # listings say `more: true` for ever, with nothing new
        self.delay = 0.0  # seconds before each answer
        self.garbage = False  # rendered schedules whose entries are not what the API promises
        self._ids = (f"P{n:06d}" for n in itertools.count(100))
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)
        self.url = server.url_for("/").rstrip("/")

    # --- state the tests set up, as PagerDuty's UI would

    def add_user(self, name: str, email: str, time_zone: str = "Europe/London") -> str:
        user_id = next(self._ids)
        self.users[user_id] = {"id": user_id, "type": "user", "name": name, "summary": name, "email": email,
                               "time_zone": time_zone}
        return user_id

    def user_id(self, email: str) -> str:
        return next(u["id"] for u in self.users.values() if u["email"] == email)

    def add_schedule(self, schedule: dict[str, Any]) -> str:
        schedule_id = next(self._ids)
        layers = [dict(layer, id=layer.get("id") or next(self._ids)) for layer in schedule.get("schedule_layers", [])]
        self.schedules[schedule_id] = dict(schedule, id=schedule_id, type="schedule", schedule_layers=layers)
        self.overrides.setdefault(schedule_id, [])
        return schedule_id

    def add_override(self, schedule_id: str, start: str, end: str, user_id: str) -> str:
        override_id = next(self._ids)
        self.overrides[schedule_id].append({"id": override_id, "start": start, "end": end,
                                            "user": self._ref(user_id)})
        return override_id

    def final(self, schedule_id: str, since: datetime, until: datetime) -> list[tuple[datetime, datetime, str]]:
        return self.render(self.schedules[schedule_id], since, until, self.overrides[schedule_id])

    # --- HTTP

    def handle(self, request: Request) -> Response:
        body = request.get_json(silent=True) if request.data else None
        self.requests.append((request.method, request.path, dict(request.args), body))
        if self.delay:
            time.sleep(self.delay)
        if self.fail_with and self.fail_with[1] != 0:
            status, left = self.fail_with
            self.fail_with = (status, left - 1) if left > 0 else self.fail_with
            return self._json({"error": {"message": f"failing with {status}", "code": 2000}}, status)
        if request.headers.get("Authorization") != f"Token token={self.token}":
            return self._json({"error": {"message": "Unauthorized", "code": 2006}}, 401)
        path, method, args = request.path, request.method, request.args
        if method == "GET" and path == "/users":
            query = args.get("query", "").lower()
            found = [u for u in self.users.values() if query in u["email"].lower() or query in u["name"].lower()]
            return self._page("users", found, args)
        if method == "GET" and (m := re.fullmatch(r"/users/(\w+)", path)):
            user = self.users.get(m.group(1))
            return self._json({"user": user}) if user else self._missing()
        if method == "GET" and path == "/schedules":
            query = args.get("query", "").lower()
            found = [self._summary(s) for s in self.schedules.values() if query in s["name"].lower()]
            return self._page("schedules", found, args)
        if method == "POST" and path == "/schedules/preview":
            return self._write("POST /schedules/preview", body, lambda: self._json(
                {"schedule": self._shown(dict(body["schedule"], id="PREVIEW"), args, [])}))
        if method == "POST" and path == "/schedules":
            return self._write("POST /schedules", body, lambda: self._json(
                {"schedule": self._shown(self.schedules[self.add_schedule(body["schedule"])], {}, [])}, 201))
        m = re.fullmatch(r"/schedules/(\w+)(/overrides(?:/(\w+))?)?", path)
        if not m or m.group(1) not in self.schedules:
            return self._missing()
        schedule_id = m.group(1)
        schedule = self.schedules[schedule_id]
        if m.group(2) is None and method == "GET":
            return self._json({"schedule": self._shown(schedule, args, self.overrides[schedule_id])})
        if m.group(2) is None and method == "PUT":
            return self._write("PUT /schedules/{id}", body, lambda: self._update(schedule_id, body["schedule"]))
        if m.group(3) is None and method == "GET":
            since, until = parse(args["since"]), parse(args["until"])
            return self._json({"overrides": [o for o in self.overrides[schedule_id]
                                             if parse(o["start"]) < until and parse(o["end"]) > since]})
        if m.group(3) is None and method == "POST":
            return self._write("POST /schedules/{id}/overrides", body,
                               lambda: self._create_overrides(schedule_id, body["overrides"]))
        if method == "DELETE":
            return self._delete_override(schedule_id, str(m.group(3)))
        return self._json({"error": {"message": "not implemented by the fake"}}, 405)

    def _write(self, operation: str, body: Any, then: Any) -> Response:
        self.bodies.append((operation, body))
        problems = body_problems(operation, body)
        if problems:
            return self._json({"error": {"message": "Invalid Input Provided", "errors": problems[:3]}}, 400)
        result: Response = then()
        return result

    def _update(self, schedule_id: str, incoming: dict[str, Any]) -> Response:
        schedule = self.schedules[schedule_id]
        layers = {layer["id"]: layer for layer in schedule["schedule_layers"]}
        for layer in incoming.get("schedule_layers", []):
            layer_id = layer.get("id") or next(self._ids)
            layers[layer_id] = dict(layer, id=layer_id)  # layers left out are kept, as they are
        schedule.update({k: v for k, v in incoming.items() if k in ("name", "time_zone", "description")})
        schedule["schedule_layers"] = list(layers.values())
        return self._json({"schedule": self._shown(schedule, {}, self.overrides[schedule_id])})

    def _create_overrides(self, schedule_id: str, items: list[dict[str, Any]]) -> Response:
        out = []
        for item in items:
            override_id = self.add_override(schedule_id, item["start"], item["end"], item["user"]["id"])
            out.append({"status": 201, "override": self.overrides[schedule_id][-1] | {"id": override_id}})
        return self._json(out, 201)

    def _delete_override(self, schedule_id: str, override_id: str) -> Response:
        found = [o for o in self.overrides[schedule_id] if o["id"] == override_id]
        if not found:
            return self._missing()
        override = found[0]
        if parse(override["end"]) <= self.now:
            return self._json({"error": {"message": "cannot remove a past override"}}, 400)
        if parse(override["start"]) < self.now:
            override["end"] = self.now.isoformat()
            return Response(status=200)
        self.overrides[schedule_id].remove(override)
        return Response(status=204)

    # --- rendering

    def _shown(self, schedule: dict[str, Any], args: Any, overrides: list[dict[str, Any]]) -> dict[str, Any]:
        shown = json.loads(json.dumps(schedule))
        for layer in shown["schedule_layers"]:
            for item in layer["users"]:
                item["user"] = self._ref(item["user"]["id"])
        if args.get("since") and args.get("until"):
            since, until = parse(args["since"]), parse(args["until"])
            tz = zone_of(schedule["time_zone"])
            if self.garbage:
                shown["final_schedule"] = {"rendered_schedule_entries": [{"start": "yesterday", "end": 5}]}
                return shown
            for layer in shown["schedule_layers"]:
                layer["rendered_schedule_entries"] = self._entries(self.layer(layer, tz, since, until), tz)
            shown["overrides_subschedule"] = {"name": "Overrides", "rendered_schedule_entries": self._entries(
                [(max(parse(o["start"]), since), min(parse(o["end"]), until), o["user"]["id"]) for o in overrides
                 if parse(o["start"]) < until and parse(o["end"]) > since], tz)}
            shown["final_schedule"] = {"name": "Final Schedule", "rendered_schedule_entries": self._entries(
                self.render(schedule, since, until, overrides), tz)}
        return shown

    # --- answers

    def _entries(self, pieces: list[tuple[datetime, datetime, str]], tz: Any) -> list[dict[str, Any]]:
        joined: list[tuple[datetime, datetime, str]] = []
        for start, end, user in sorted(pieces):
            if joined and joined[-1][1] == start and joined[-1][2] == user:
                joined[-1] = (joined[-1][0], end, user)
            else:
                joined.append((start, end, user))
        return [{"start": s.astimezone(tz).isoformat(), "end": e.astimezone(tz).isoformat(), "user": self._ref(u)}
                for s, e, u in joined]

    def _ref(self, user_id: str) -> dict[str, Any]:
        user = self.users.get(user_id, {})
        return {"id": user_id, "type": "user_reference", "summary": user.get("name", user_id),
                "self": f"{self.url}/users/{user_id}"}

    def _summary(self, schedule: dict[str, Any]) -> dict[str, Any]:
        return {k: schedule[k] for k in ("id", "type", "name", "time_zone")} | {"summary": schedule["name"]}

    def _page(self, key: str, items: list[Any], args: Any) -> Response:
        offset = int(args.get("offset", 0))
        limit = min(int(args.get("limit", 25)), self.page_size)
        if self.endless:
            return self._json({key: items[:limit], "offset": offset, "limit": limit, "more": True, "total": None})
        return self._json({key: items[offset:offset + limit], "offset": offset, "limit": limit,
                           "more": offset + limit < len(items), "total": None})

    def _missing(self) -> Response:
        return self._json({"error": {"message": "Not Found", "code": 2100}}, 404)

    @staticmethod
    def _json(body: Any, status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json")


def _over(under: list[tuple[datetime, datetime, str]],
          top: list[tuple[datetime, datetime, str]]) -> list[tuple[datetime, datetime, str]]:
    """`top` laid over `under`: where top has someone, they hold the pager."""
    out = []
    for start, end, user in under:
        cursor = start
        for t_start, t_end, _ in sorted(top):
            if t_end <= cursor or t_start >= end:
                continue
            if t_start > cursor:
                out.append((cursor, t_start, user))
            cursor = max(cursor, t_end)
        if cursor < end:
            out.append((cursor, end, user))
    return sorted(out + top)
