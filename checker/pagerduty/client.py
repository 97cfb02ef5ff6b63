"""PagerDuty's REST API v2 through its official client (`pagerduty`), bounded, failing in one line.

Imported only by `ownership pagerduty ...`, `ownership import pagerduty` and `check --online` with
PAGERDUTY_TOKEN set (the library takes about 0.3 s to import). PagerDuty's answers are input like any
other, so every call of a run shares

- one time budget (OWNERSHIP_PAGERDUTY_TIMEOUT seconds, 120 by default), each request getting at most
  REQUEST_TIMEOUT of what is left, a trickling answer included;
- at most RATE_LIMIT_RETRIES retries of a 429 (the library's default is to retry without end), one
  retry of a network failure, no retry of anything else;
- answers of at most MAX_ANSWER_BYTES, listings of at most MAX_LISTED items, MAX_REQUESTS requests.

Every failure becomes PagerDutyError whose message is one line saying what could not be done and why,
never the token (scrubbed from anything quoted).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any

import httpx2

from ..escape import terminal

TOKEN_ENV = "PAGERDUTY_TOKEN"
API_URL_ENV = "PAGERDUTY_API_URL"  # https://api.eu.pagerduty.com for EU accounts; a local server in tests
BUDGET_ENV = "OWNERSHIP_PAGERDUTY_TIMEOUT"
DEFAULT_API_URL = "https://api.pagerduty.com"
DEFAULT_BUDGET = 120.0
REQUEST_TIMEOUT = 15.0
RATE_LIMIT_RETRIES = 2
MAX_ANSWER_BYTES = 10 * 1024 * 1024
MAX_LISTED = 2000
MAX_REQUESTS = 2000


class PagerDutyError(Exception):
    """A call failed or a bound was reached; the message is the one-line reason, token-free."""


class NotFound(PagerDutyError):
    """PagerDuty answered 404."""


class Budget:
    """The seconds and requests every PagerDuty call of one run may take together."""

    def __init__(self, seconds: float = DEFAULT_BUDGET) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.requests = 0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Budget:
        from ..timeutil import seconds_from_env

        try:
            return cls(seconds_from_env(env, BUDGET_ENV, DEFAULT_BUDGET))
        except ValueError as exc:
            raise PagerDutyError(terminal(str(exc))) from None

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise PagerDutyError(f"PagerDuty calls took this run's whole time budget of {self.seconds:g} s "
                                 f"({BUDGET_ENV})")
        return left


class _BoundedStream(httpx2.SyncByteStream):
    def __init__(self, inner: Any, budget: Budget) -> None:
        self.inner, self.budget, self.size = inner, budget, 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            self.size += len(chunk)
            if self.size > MAX_ANSWER_BYTES:
                raise PagerDutyError(f"PagerDuty's answer is longer than {MAX_ANSWER_BYTES // (1024 * 1024)} MiB")
            self.budget.remaining()
            yield chunk

    def close(self) -> None:
        self.inner.close()


class BoundedTransport(httpx2.BaseTransport):
    """httpx2's transport within the run's budget (see the module's doc)."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.inner = httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.budget.requests += 1
        if self.budget.requests > MAX_REQUESTS:
            raise PagerDutyError(f"more than {MAX_REQUESTS} PagerDuty requests in one run")
        timeout = min(REQUEST_TIMEOUT, self.budget.remaining())
        request.extensions["timeout"] = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
        response = self.inner.handle_request(request)
        response.stream = _BoundedStream(response.stream, self.budget)
        return response

    def close(self) -> None:
        self.inner.close()


_WHY = {
    401: "the token is not valid for this account or region (check PAGERDUTY_TOKEN, and PAGERDUTY_API_URL for "
         "an EU account)",
    403: "the token may not do this (a read-only token can plan and check, not apply)",
    404: "PagerDuty has no such object",
    429: "PagerDuty's rate limit held after retries",
}


class PagerDuty:
    """The calls this tool makes, each raising PagerDutyError on any failure."""

    def __init__(self, token: str, api_url: str = DEFAULT_API_URL, budget: Budget | None = None) -> None:
        import pagerduty

        self.token = token
        self.budget = budget or Budget()
        try:
            self.api = pagerduty.RestApiV2Client(token, base_url=api_url.rstrip("/"),
                                                 transport=BoundedTransport(self.budget))
        except pagerduty.UrlError:
            raise PagerDutyError(f"{API_URL_ENV} must be an https:// URL, not {terminal(api_url[:80])!r}") from None
        self.api.retry = {429: RATE_LIMIT_RETRIES}
        self.api.max_http_attempts = RATE_LIMIT_RETRIES + 1
        self.api.max_network_attempts = 1
        self.api.sleep_timer = min(1.0, self.budget.seconds / 20)  # waits before retries: 2x, then 4x this
        self.api.timeout = REQUEST_TIMEOUT  # type: ignore[assignment]  # a float is what httpx2 takes
        self._users: dict[str, str | None] = {}  # lower-case email -> user ID (None: no such user)
        self._user_details: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PagerDuty:
        token = env.get(TOKEN_ENV, "").strip()
        if not token:
            raise PagerDutyError(f"{TOKEN_ENV} is not set; give it a PagerDuty REST API token")
        return cls(token, env.get(API_URL_ENV, "").strip() or DEFAULT_API_URL, Budget.from_env(env))

    # --- failures

    def explain(self, doing: str, exc: BaseException) -> str:
        """One line: what could not be done, and why, with the token scrubbed."""
        import pagerduty

        response = getattr(exc, "response", None)
        if isinstance(exc, PagerDutyError):
            why = str(exc)
        elif isinstance(exc, pagerduty.Error) and response is not None:
            status = response.status_code
            why = f"PagerDuty answered {status}"
            detail = _error_message(response)
            if detail:
                why += f" ({detail})"
            reason = _WHY.get(status) or ("PagerDuty had a server error; try again later" if status >= 500 else "")
            if reason:
                why += f": {reason}"
        elif isinstance(exc, pagerduty.Error):
            cause = exc.__cause__
            why = f"PagerDuty could not be reached ({type(cause).__name__ if cause else 'network error'})"
        else:  # ValueError, KeyError, TypeError: an answer that is not what the API promises
            why = "PagerDuty's answer is not what its API promises"
        text = terminal(f"could not {doing}: {why}")
        return text.replace(self.token, "***") if len(self.token) >= 4 else text

    def _do(self, doing: str, call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure is one line, never a traceback
            status = getattr(getattr(exc, "response", None), "status_code", None)
            raise (NotFound if status == 404 else PagerDutyError)(self.explain(doing, exc)) from None

    def _listed(self, doing: str, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        def collect() -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = []
            for item in self.api.iter_all(path, params=params):
                if not isinstance(item, dict):
                    raise TypeError(path)
                out.append(item)
                if len(out) > MAX_LISTED:
                    raise PagerDutyError(f"PagerDuty lists more than {MAX_LISTED} for {path}; name them instead")
            return out

        return self._do(doing, collect)  # type: ignore[no-any-return]

    # --- users

    def user_ids(self, emails: list[str]) -> dict[str, str | None]:
        """Each email's PagerDuty user ID (None when PagerDuty has no user with exactly that email);
        asked once per email per run."""
        for email in emails:
            key = email.lower()
            if key in self._users:
                continue
            found = self._listed(f"look up the PagerDuty user {email}", "/users", {"query": email})
            match = [u for u in found if str(u.get("email", "")).lower() == key and isinstance(u.get("id"), str)]
            self._users[key] = match[0]["id"] if match else None
        return {email: self._users[email.lower()] for email in emails}

    def user(self, user_id: str) -> dict[str, Any]:
        if user_id not in self._user_details:
            found = self._do(f"read PagerDuty user {user_id}", self.api.rget, f"/users/{_path(user_id)}")
            self._user_details[user_id] = _object(found)
        return self._user_details[user_id]

    # --- schedules

    def schedule(self, schedule_id: str, since: str | None = None, until: str | None = None) -> dict[str, Any]:
        params = {"since": since, "until": until} if since and until else {}
        found = _object(self._do(f"read PagerDuty schedule {schedule_id}", self.api.rget,
                                 f"/schedules/{_path(schedule_id)}", params=params))
        if not isinstance(found.get("id"), str):
            raise PagerDutyError(self.explain(f"read PagerDuty schedule {schedule_id}", ValueError()))
        return found

    def schedules_named(self, name: str) -> list[dict[str, Any]]:
        found = self._listed(f"look up PagerDuty schedules named {name}", "/schedules", {"query": name})
        return [s for s in found if s.get("name") == name and isinstance(s.get("id"), str)]

    def all_schedules(self) -> list[dict[str, Any]]:
        return [s for s in self._listed("list PagerDuty schedules", "/schedules", {}) if isinstance(s.get("id"), str)]

    def preview(self, body: dict[str, Any], since: str, until: str) -> dict[str, Any]:
        answer = self._do("preview the schedule in PagerDuty", self.api.jpost, "/schedules/preview",
                          json={"schedule": body}, params={"since": since, "until": until})
        return _object(answer.get("schedule") if isinstance(answer, dict) else None)

    def overrides(self, schedule_id: str, since: str, until: str) -> list[dict[str, Any]]:
        found = self._do(f"read the overrides of PagerDuty schedule {schedule_id}", self.api.rget,
                         f"/schedules/{_path(schedule_id)}/overrides", params={"since": since, "until": until})
        if not isinstance(found, list) or len(found) > MAX_LISTED:
            raise PagerDutyError(self.explain(f"read the overrides of PagerDuty schedule {schedule_id}", ValueError()))
        return [o for o in found if isinstance(o, dict)]

    def create_schedule(self, body: dict[str, Any]) -> str:
        created = _object(self._do(f"create PagerDuty schedule {body.get('name')}", self.api.rpost, "/schedules",
                                   json=body))
        if not isinstance(created.get("id"), str):
            raise PagerDutyError(self.explain("create a PagerDuty schedule", ValueError()))
        return str(created["id"])

    def update_schedule(self, schedule_id: str, body: dict[str, Any]) -> None:
        self._do(f"update PagerDuty schedule {schedule_id}", self.api.rput, f"/schedules/{_path(schedule_id)}",
                 json=body)

    def create_overrides(self, schedule_id: str, overrides: list[dict[str, Any]]) -> None:
        doing = f"create overrides in PagerDuty schedule {schedule_id}"
        answer = self._do(doing, self.api.rpost, f"/schedules/{_path(schedule_id)}/overrides", json=overrides)
        refused = [item for item in answer if not isinstance(item, dict) or item.get("status") not in (200, 201)] \
            if isinstance(answer, list) else [answer]
        if refused:
            first = refused[0] if isinstance(refused[0], dict) else {}
            errors: list[Any] = first["errors"] if isinstance(first.get("errors"), list) else []
            reason = "; ".join(str(e) for e in errors[:2]) or "no reason given"
            raise PagerDutyError(terminal(f"could not {doing}: PagerDuty refused {len(refused)} ({reason[:200]})"))

    def delete_override(self, schedule_id: str, override_id: str) -> None:
        self._do(f"delete override {override_id} of PagerDuty schedule {schedule_id}", self.api.rdelete,
                 f"/schedules/{_path(schedule_id)}/overrides/{_path(override_id)}")


def _path(identifier: str) -> str:
    """An ID as one URL path segment: IDs come from PagerDuty's answers and the config."""
    from urllib.parse import quote

    return quote(identifier, safe="")


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PagerDutyError("PagerDuty's answer is not the JSON object its API promises")
    return value


def _error_message(response: Any) -> str:
    """PagerDuty's own error text (`error.message` and `error.errors`), short and printable."""
    try:
        body = response.json()
    except Exception:  # noqa: BLE001 - an error page that is not JSON says nothing more
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return ""
    parts = [str(error.get("message") or "")] + [str(e) for e in (error.get("errors") or [])[:2]
                                                 if isinstance(error.get("errors"), list)]
    return terminal("; ".join(p for p in parts if p)[:200])
