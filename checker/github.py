"""GitHub, through PyGithub: the Actions context, the pull-request comment, the check run, --online look-ups.

Imported only when needed. Whatever GitHub answers (a fork's read-only
token, rate limiting, an outage) never changes the verdict of the rules: each
failure becomes one line saying what could not be done and why. The token
never appears in output.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .gitdiff import SHA
from .model import Model
from .reporters import Outcome
from .rules.github import OnlineFacts

COMMENT_MARKER = "<!-- ownership-as-code:check -->"
CHECK_RUN_NAME = "ownership"
ANNOTATIONS_PER_REQUEST = 50  # the Checks API's limit per create/update call


class EventError(Exception):
    """The Actions event payload is unusable; the message says why (exit 2)."""


@dataclass(frozen=True)
class ActionsContext:
    repository: str | None
    pr_number: int | None
    base_sha: str | None
    head_sha: str | None
    api_url: str
    token: str | None


def actions_context(env: Mapping[str, str]) -> ActionsContext | None:
    """The pull request this run is for, from GITHUB_EVENT_PATH; None outside GitHub Actions."""
    if env.get("GITHUB_ACTIONS") != "true":
        return None
    pull: dict[str, Any] = {}
    path = env.get("GITHUB_EVENT_PATH")
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                event = json.load(handle)
        except (OSError, ValueError) as exc:
            raise EventError(f"cannot read the event payload {path}: {exc}") from None
        candidate = event.get("pull_request") if isinstance(event, dict) else None
        pull = candidate if isinstance(candidate, dict) else {}
    base = (pull.get("base") or {}).get("sha") if isinstance(pull.get("base"), dict) else None
    head = (pull.get("head") or {}).get("sha") if isinstance(pull.get("head"), dict) else None
    for name, value in (("base", base), ("head", head)):
        if value is not None and not (isinstance(value, str) and SHA.match(value)):
            raise EventError(f"pull_request.{name}.sha in the event payload is not a 40-hex commit SHA")
    number = pull.get("number")
    return ActionsContext(
        repository=env.get("GITHUB_REPOSITORY"),
        pr_number=number if isinstance(number, int) else None,
        base_sha=base,
        head_sha=head or env.get("GITHUB_SHA"),
        api_url=env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/"),
        token=env.get("GITHUB_TOKEN") or env.get("GH_TOKEN") or None,
    )


class GitHub:
    """A thin, failure-tolerant wrapper over PyGithub."""

    def __init__(self, token: str | None, api_url: str) -> None:
        from github import Auth, Github

        self.token = token
        self._known: dict[str, bool] = {}  # login or org/slug -> exists; asked once per run
        self._organizations: dict[str, Any] = {}
        options: dict[str, Any] = {"auth": Auth.Token(token) if token else None, "base_url": api_url,
                                   "timeout": 15, "retry": None, "seconds_between_requests": None,
                                   "seconds_between_writes": None}
        self.client = Github(**options)  # look-ups: each call asks GitHub at once
        self.lazy = Github(**options, lazy=True)  # repository objects built from known names, no extra request

    def explain(self, what: str, exc: BaseException) -> str:
        """One line: what could not be done, and why, with the token scrubbed."""
        from github import GithubException, RateLimitExceededException

        if isinstance(exc, RateLimitExceededException):
            why = "GitHub's rate limit is exhausted"
        elif isinstance(exc, GithubException):
            message = exc.data.get("message") if isinstance(exc.data, dict) else None
            why = f"GitHub answered {exc.status}" + (f" ({message})" if message else "")
            if exc.status in (401, 403) and "rate limit" not in str(message).lower():
                why += "; the token cannot do this (a pull request from a fork gets a read-only token)"
        else:
            why = f"GitHub could not be reached ({type(exc).__name__})"
        text = f"ownership: could not {what}: {why}; the check's verdict is unchanged"
        return text.replace(self.token, "***") if self.token else text

    # --- the pull-request comment

    def upsert_comment(self, repository: str, number: int, outcome: Outcome) -> str:
        """Edit our earlier comment (found by its marker), create one if needed; resolve it when all passes."""
        from .reporters.markdown import render_comment

        try:
            issue = self.lazy.get_repo(repository).get_issue(number)
            earlier = next((c for c in issue.get_comments() if COMMENT_MARKER in (c.body or "")), None)
            if outcome.blocking_count == 0 and earlier is None:
                return "nothing blocking: no pull-request comment needed"
            body = COMMENT_MARKER + "\n" + render_comment(outcome)
            if earlier is not None:
                earlier.edit(body)
                return f"updated the pull-request comment {earlier.html_url}"
            created = issue.create_comment(body)
            return f"commented on the pull request: {created.html_url}"
        except Exception as exc:  # noqa: BLE001 - any GitHub failure is reported, never fatal
            return self.explain("update the pull-request comment", exc)

    # --- the check run

    def check_run(self, repository: str, head_sha: str, outcome: Outcome) -> str:
        annotations = [_annotation(d, outcome) for d in outcome.by_importance()]
        conclusion = "failure" if outcome.blocking_count else "success"
        summary = (f"{outcome.blocking_count} blocking, {outcome.errors} error(s), {outcome.warnings} "
                   "warning(s)")
        try:
            repo = self.lazy.get_repo(repository)
            batches = [annotations[i:i + ANNOTATIONS_PER_REQUEST]
                       for i in range(0, len(annotations), ANNOTATIONS_PER_REQUEST)] or [[]]
            title = f"ownership check: {summary}"
            output: dict[str, Any] = {"title": title, "summary": summary, "annotations": batches[0]}
            run = repo.create_check_run(name=CHECK_RUN_NAME, head_sha=head_sha, status="completed",
                                        conclusion=conclusion, output=output)
            for batch in batches[1:]:
                run.edit(output={"title": title, "summary": summary, "annotations": batch})
            return f"check run '{CHECK_RUN_NAME}' created with {len(annotations)} annotation(s)"
        except Exception as exc:  # noqa: BLE001
            return self.explain("create the check run (it needs `checks: write`)", exc)

    # --- --online

    def lookup(self, model: Model) -> tuple[OnlineFacts, str | None]:
        """Which logins and teams GitHub does not know. Each is asked once per run (the base and the
        head of a pull request share the answers); the first outage stops the look-ups."""
        from github import UnknownObjectException

        logins = sorted({p.github.lower() for p in model.people.values() if p.github})
        teams = sorted({t.github_team.lower() for t in model.teams.values() if t.github_team})
        try:
            for login in logins:
                if login not in self._known:
                    try:
                        self.client.get_user(login).login  # noqa: B018 - forces the request
                        self._known[login] = True
                    except UnknownObjectException:
                        self._known[login] = False
            for team in teams:
                if team not in self._known:
                    org, _, slug = team.partition("/")
                    try:
                        if org not in self._organizations:
                            self._organizations[org] = self.client.get_organization(org)
                        self._organizations[org].get_team_by_slug(slug)
                        self._known[team] = True
                    except UnknownObjectException:
                        self._known[team] = False
        except Exception as exc:  # noqa: BLE001
            return OnlineFacts(), self.explain("check GitHub logins and teams (--online)", exc)
        return OnlineFacts({u for u in logins if not self._known[u]}, {t for t in teams if not self._known[t]}), None

def _annotation(diagnostic: Any, outcome: Outcome) -> dict[str, Any]:
    level = "failure" if outcome.blocking(diagnostic) else "warning"
    return {
        "path": diagnostic.location.file,
        "start_line": diagnostic.location.line,
        "end_line": diagnostic.location.line,
        "annotation_level": level,
        "title": f"{diagnostic.rule} {diagnostic.name}",
        "message": f"{diagnostic.message} [{diagnostic.subject}]",
    }

