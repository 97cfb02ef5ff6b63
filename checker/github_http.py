"""Bounds on the HTTP under PyGithub: one time budget per run, few 202 retries, answers of bounded size.

GitHub's answers are input like any other: the checker must finish whatever
they are. PyGithub retries a 202 to a GET every 2 seconds without end and has
no budget across calls, so each PyGithub client of a run gets a transport
adapter that

- spends at most the run's budget (OWNERSHIP_GITHUB_TIMEOUT seconds, 60 by
  default) on all GitHub calls together, and gives each request at most what
  is left of it (a server that trickles bytes can overrun by one socket timeout),
- answers a 202 to a GET or HEAD by asking again at most MAX_202_RETRIES times,
- refuses an answer longer than MAX_ANSWER_BYTES (decompressed).

Each bound reached raises GitHubLimit, whose message is the one-line reason.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import Timeout

from .records import record

BUDGET_ENV = "OWNERSHIP_GITHUB_TIMEOUT"
DEFAULT_BUDGET = 60.0  # seconds for every GitHub call of one run
REQUEST_TIMEOUT = 15.0  # seconds for one request
MAX_202_RETRIES = 3
PROCESSING_WAIT = 2.0  # seconds before asking again after a 202, as PyGithub waits
MAX_ANSWER_BYTES = 10 * 1024 * 1024
_CHUNK = 64 * 1024


class GitHubLimit(Exception):
    """A bound on talking to GitHub was reached; the message says which."""


class GitHubAnswerError(Exception):
    """GitHub answered with success but not with what the API promises (an HTML page, no `id`)."""


@record
class Budget:
    """The seconds all GitHub calls of one run may take together."""

    seconds: float = DEFAULT_BUDGET
    spent: float = 0.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Budget:
        """Raises ValueError with a one-line message for a value that is not a positive number."""
        from .timeutil import seconds_from_env

        return cls(seconds_from_env(env, BUDGET_ENV, DEFAULT_BUDGET))

    def remaining(self) -> float:
        """Seconds left; raises GitHubLimit when none are."""
        left = self.seconds - self.spent
        if left <= 0:
            raise self.exhausted()
        return left

    def exhausted(self) -> GitHubLimit:
        return GitHubLimit(f"GitHub calls took this run's whole time budget of {self.seconds:g} s ({BUDGET_ENV})")


class BoundedAdapter(HTTPAdapter):
    """requests' adapter with the run's bounds (see the module's doc)."""

    def __init__(self, budget: Budget, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.budget = budget

    def send(self, request: PreparedRequest, stream: bool = False, timeout: Any = None, verify: Any = True,
             cert: Any = None, proxies: Any = None) -> Response:
        for retry in range(MAX_202_RETRIES + 1):
            if retry:
                self._wait(PROCESSING_WAIT)
            response = self._send_once(request, stream, timeout, verify, cert, proxies)
            if response.status_code != 202 or request.method not in ("GET", "HEAD"):
                return response
            response.close()
        raise GitHubLimit(f"GitHub still answered 202 (accepted, not ready) after {MAX_202_RETRIES + 1} tries")

    def _send_once(self, request: PreparedRequest, stream: bool, timeout: Any, verify: Any, cert: Any,
                   proxies: Any) -> Response:
        remaining = self.budget.remaining()
        limit = min(timeout, remaining) if isinstance(timeout, (int, float)) else min(REQUEST_TIMEOUT, remaining)
        started = time.monotonic()
        try:
            response = super().send(request, stream=True, timeout=limit, verify=verify, cert=cert, proxies=proxies)
            if not stream:
                self._read(response, started + remaining)
            return response
        except (Timeout, RequestsConnectionError) as exc:
            # requests reports a read that timed out in the body as a ConnectionError
            if not isinstance(exc, Timeout) and time.monotonic() - started < limit:
                raise
            if limit >= remaining:
                raise self.budget.exhausted() from None
            raise GitHubLimit(f"GitHub did not answer within {limit:g} s") from None
        finally:
            self.budget.spent += time.monotonic() - started

    def _read(self, response: Response, deadline: float) -> None:
        """The whole body, checked against the size bound and the deadline between chunks."""
        chunks, size = [], 0
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                response.close()
                raise GitHubLimit(f"GitHub's answer is longer than {MAX_ANSWER_BYTES / 2**20:g} MiB")
            if time.monotonic() > deadline:
                response.close()
                raise self.budget.exhausted()
            chunks.append(chunk)
        response._content = b"".join(chunks)  # what `response.content` returns from now on

    def _wait(self, seconds: float) -> None:
        pause = min(seconds, self.budget.remaining())
        time.sleep(pause)
        self.budget.spent += pause


def bound(client: Any, budget: Budget) -> None:
    """Make every connection the PyGithub client opens use a BoundedAdapter.

    PyGithub has no per-client hook for its transport: it builds each connection from
    the requester's (private) connection class, so that class is wrapped here.
    tests/test_github_limits.py fails if a PyGithub release changes this."""
    requester = client.requester
    make_connection = requester._Requester__connectionClass

    def connection(*args: Any, **kwargs: Any) -> Any:
        made = make_connection(*args, **kwargs)
        adapter = BoundedAdapter(budget, max_retries=made.retry, pool_connections=made.pool_size,
                                 pool_maxsize=made.pool_size)
        made.session.mount(f"{made.protocol}://", adapter)
        return made

    requester._Requester__connectionClass = connection


def next_page(headers: Mapping[str, Any]) -> str | None:
    """The URL of the next page from a `Link` header (RFC 8288), or None."""
    from requests.utils import parse_header_links

    link = headers.get("link") or headers.get("Link")
    if not isinstance(link, str):
        return None
    for entry in parse_header_links(link):
        if entry.get("rel") == "next" and entry.get("url"):
            return str(entry["url"])
    return None
