"""GitHub, through PyGithub: the Actions context, the pull-request comment, the check run, --online look-ups.

Imported only when needed. Whatever GitHub answers (a fork's read-only
token, rate limiting, an outage) never changes the verdict of the rules: each
failure becomes one line saying what could not be done and why. The token
never appears in output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from .escape import terminal
from .gitdiff import SHA
from .github_http import Budget, GitHubAnswerError, GitHubLimit, bound, next_page
from .model import Model
from .records import record
from .reporters import Outcome
from .rules.github import OnlineFacts

COMMENT_MARKER = "<!-- ownership-as-code:check -->"
ACTIONS_BOT = "github-actions[bot]"  # who the Actions GITHUB_TOKEN writes as
CHECK_RUN_NAME = "ownership"
ANNOTATIONS_PER_REQUEST = 50  # the Checks API's limit per create/update call
MAX_ANNOTATIONS = 4 * ANNOTATIONS_PER_REQUEST  # per check run: blocking first, the rest counted in the summary
MAX_ANNOTATION_MESSAGE = 16_000  # characters: within the API's 64 KB per message in any UTF-8
PER_PAGE = 100  # GitHub's largest page
MAX_COMMENT_PAGES = 50  # 5,000 comments: then stop looking for our earlier comment and say so


class EventError(Exception):
    """The Actions event payload is unusable; the message says why (exit 2)."""


@record(frozen=True)
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
    """A thin, failure-tolerant wrapper over PyGithub, every call within the bounds of github_http."""

    def __init__(self, token: str | None, api_url: str, budget: Budget | None = None) -> None:
        from github import Auth, Github

        self.token = token
        self.api_url = api_url.rstrip("/")
        self._identity: str | None = None
        self._known: dict[str, bool] = {}  # login or org/slug -> exists; asked once per run
        self._organizations: dict[str, Any] = {}
        self.client = Github(auth=Auth.Token(token) if token else None, base_url=self.api_url, timeout=15,
                             retry=None, seconds_between_requests=None, seconds_between_writes=None,
                             per_page=PER_PAGE)
        bound(self.client, budget or Budget())
        self.requester = self.client.requester  # for the endpoints whose answers are checked here

    def explain(self, what: str, exc: BaseException, permission: str | None = None) -> str:
        """One line: what could not be done, and why, with the token scrubbed."""
        from github import GithubException, RateLimitExceededException

        if isinstance(exc, (GitHubLimit, GitHubAnswerError)):
            why = str(exc)
        elif isinstance(exc, RateLimitExceededException):
            why = "GitHub's rate limit is exhausted"
        elif isinstance(exc, GithubException):
            message = exc.data.get("message") if isinstance(exc.data, dict) else None
            why = f"GitHub answered {exc.status}"
            if isinstance(message, str) and message:
                why += f" ({terminal(message[:200])})"
            if exc.status in (401, 403, 404) and permission:
                why += f"; the token needs {permission} (a pull request from a fork, for example, gets a read-only token)"
        elif isinstance(exc, ValueError):  # json.JSONDecodeError: a body that starts like JSON but is not
            why = "GitHub's answer is not valid JSON"
        else:
            why = f"GitHub could not be reached ({type(exc).__name__})"
        text = f"ownership: could not {what}: {why}; the check's verdict is unchanged"
        return text.replace(self.token, "***") if self.token else text

    def _call(self, verb: str, path: str, body: dict[str, Any] | None = None,
              parameters: dict[str, Any] | None = None) -> tuple[dict[str, Any], Any]:
        """(headers, decoded JSON) of one REST call; GithubException for an error status."""
        return self.requester.requestJsonAndCheck(verb, path, parameters=parameters, input=body)

    def identity(self) -> str:
        """The login the token acts as: GET /user for a personal token; the Actions GITHUB_TOKEN is
        an installation token, for which GitHub refuses /user, and it acts as github-actions[bot]."""
        from github import GithubException

        if self._identity is None:
            try:
                _, user = self._call("GET", "/user")
            except GithubException as exc:
                message = exc.data.get("message") if isinstance(exc.data, dict) else None
                if exc.status != 403 or "not accessible by integration" not in str(message).lower():
                    raise
                user = {"login": ACTIONS_BOT}
            login = user.get("login") if isinstance(user, dict) else None
            if not isinstance(login, str) or not login:
                raise GitHubAnswerError("GitHub's answer to GET /user names no login")
            self._identity = login
        return self._identity

    # --- the pull-request comment

    def upsert_comment(self, repository: str, number: int, outcome: Outcome) -> str:
        """Edit our earlier comment (found by its marker and its author: the token's own identity),
        create one if needed; resolve it when all passes."""
        try:
            return self._upsert_comment(repository, number, outcome)
        except Exception as exc:  # noqa: BLE001 - any GitHub failure is reported, never fatal
            return self.explain("update the pull-request comment", exc, "`pull-requests: write`")

    def _upsert_comment(self, repository: str, number: int, outcome: Outcome) -> str:
        from .reporters.markdown import render_comment

        me = self.identity().lower()
        earlier, searched_all = None, True
        for comment in self._comments(f"/repos/{repository}/issues/{number}/comments"):
            if comment is None:
                searched_all = False
                break
            author = comment.get("user")
            body = comment.get("body")
            if (isinstance(author, dict) and str(author.get("login", "")).lower() == me
                    and isinstance(body, str) and COMMENT_MARKER in body and isinstance(comment.get("id"), int)):
                earlier = comment
                break
        remark = "" if searched_all else (f" (stopped looking for an earlier comment after {MAX_COMMENT_PAGES} "
                                          "pages of comments)")
        if outcome.blocking_count == 0 and earlier is None:
            return "nothing blocking: no pull-request comment needed" + remark
        body = COMMENT_MARKER + "\n" + render_comment(outcome)
        if earlier is not None:
            _, answer = self._call("PATCH", f"/repos/{repository}/issues/comments/{earlier['id']}", {"body": body})
            return f"updated the pull-request comment {_url(answer, 'updating the comment')}"
        _, answer = self._call("POST", f"/repos/{repository}/issues/{number}/comments", {"body": body})
        return f"commented on the pull request: {_url(answer, 'creating the comment')}{remark}"

    def _comments(self, path: str) -> Iterator[dict[str, Any] | None]:
        """The pull request's comments, page by page along `Link: rel="next"`, at most MAX_COMMENT_PAGES
        pages; None after the last one allowed when GitHub says there are more."""
        url: str | None = path
        for number in range(MAX_COMMENT_PAGES):
            if url is None:
                return
            # the first page asks for full pages; GitHub's next links carry the parameters on
            headers, page = self._call("GET", url, parameters=None if number else {"per_page": PER_PAGE})
            if not isinstance(page, list):
                raise GitHubAnswerError("GitHub's answer listing the comments is not a JSON list")
            yield from (c for c in page if isinstance(c, dict))
            url = next_page(headers) if page else None
            if url is not None and not _same_api(url, self.api_url):
                raise GitHubAnswerError("GitHub's next-page link leads away from the API")
        if url is not None:
            yield None

    # --- the check run

    def check_run(self, repository: str, head_sha: str, outcome: Outcome) -> str:
        try:
            return self._check_run(repository, head_sha, outcome)
        except Exception as exc:  # noqa: BLE001
            return self.explain("create the check run", exc, "`checks: write`")

    def _check_run(self, repository: str, head_sha: str, outcome: Outcome) -> str:
        ranked = outcome.by_importance()  # blocking first: they are the ones that must show
        annotations = [_annotation(d, outcome) for d in ranked[:MAX_ANNOTATIONS]]
        left_out = len(ranked) - len(annotations)
        counts = f"{outcome.blocking_count} blocking, {outcome.errors} error(s), {outcome.warnings} warning(s)"
        title, summary = f"ownership check: {counts}", counts
        if left_out:
            summary += (f"; {len(annotations)} annotated, {left_out} more not annotated (the job log and "
                        "`ownership check` list them all)")
        batches = [annotations[i:i + ANNOTATIONS_PER_REQUEST]
                   for i in range(0, len(annotations), ANNOTATIONS_PER_REQUEST)] or [[]]
        _, run = self._call("POST", f"/repos/{repository}/check-runs", {
            "name": CHECK_RUN_NAME, "head_sha": head_sha, "status": "completed",
            "conclusion": "failure" if outcome.blocking_count else "success",
            "output": {"title": title, "summary": summary, "annotations": batches[0]}})
        run_id = _id(run, "creating the check run")
        for batch in batches[1:]:
            _, answer = self._call("PATCH", f"/repos/{repository}/check-runs/{run_id}",
                                   {"output": {"title": title, "summary": summary, "annotations": batch}})
            _id(answer, "adding annotations to the check run")
        more = f" ({left_out} more not annotated)" if left_out else ""
        return f"check run '{CHECK_RUN_NAME}' created with {len(annotations)} annotation(s){more}"

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
            return OnlineFacts(), self.explain("check GitHub logins and teams (--online)", exc,
                                               "`members: read` on the organisation (a classic token: `read:org`)")
        return OnlineFacts({u for u in logins if not self._known[u]}, {t for t in teams if not self._known[t]}), None


def _id(answer: Any, doing: str) -> int:
    """The `id` of what GitHub says it created or changed; an answer without one (an HTML page from
    a proxy, an empty body) is a failure, not a success."""
    if not isinstance(answer, dict) or not isinstance(answer.get("id"), int):
        raise GitHubAnswerError(f"GitHub's answer to {doing} is not the JSON object the API promises (no `id`)")
    return int(answer["id"])


def _url(answer: Any, doing: str) -> str:
    _id(answer, doing)
    url = answer.get("html_url")
    return terminal(url[:300]) if isinstance(url, str) else f"#{answer['id']}"


def _same_api(url: str, api_url: str) -> bool:
    """A next-page link must stay on the API it came from (PyGithub would send the token along)."""
    link, api = urlsplit(url), urlsplit(api_url)
    return (link.scheme, link.netloc) == (api.scheme, api.netloc) and link.path.startswith(api.path.rstrip("/") + "/")


def _annotation(diagnostic: Any, outcome: Outcome) -> dict[str, Any]:
    level = "failure" if outcome.blocking(diagnostic) else "warning"
    return {
        "path": diagnostic.location.file,
        "start_line": diagnostic.location.line,
        "end_line": diagnostic.location.line,
        "annotation_level": level,
        "title": f"{diagnostic.rule} {diagnostic.name}",
        "message": f"{diagnostic.message} [{diagnostic.subject}]"[:MAX_ANNOTATION_MESSAGE],
    }

