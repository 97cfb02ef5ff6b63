"""GitHub through PyGithub, against a local server that answers like the GitHub REST API."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import NOW_TEXT
from tests.test_diffmode import HEALTHY, commit_files, git, init_repo

TOKEN = "ghs_secretTOKEN1234567890"


class FakeGitHub:
    """Just enough of the REST API: the token's user, issue comments (paginated), check runs, users, org
    teams. The token is an Actions installation token (GET /user refused, writes as github-actions[bot])
    unless `login` names a user (a personal token). Records every call."""

    def __init__(self, server: HTTPServer, prefix: str = "", login: str | None = None) -> None:
        self.server, self.prefix = server, prefix
        self.base = server.url_for(prefix).rstrip("/")
        self.login = login
        self.comments: dict[int, dict[str, Any]] = {}
        self.calls: list[tuple[str, str, Any]] = []
        self.fail_with: int | None = None
        self.refuse: set[tuple[str, str]] = set()  # (method, path) answered 403 like a read-only token
        self.answer: dict[tuple[str, str], Callable[[Request], Response]] = {}  # (method, path) answered so
        self.users = {"alice-archer", "bobbrown"}
        self.teams = {"acme/payments"}
        server.expect_request(re.compile(f"^{prefix}/.*")).respond_with_handler(self.handle)

    @property
    def author(self) -> dict[str, str]:
        return {"login": self.login, "type": "User"} if self.login else {"login": "github-actions[bot]", "type": "Bot"}

    def add_comment(self, body: str, login: str, kind: str = "User") -> int:
        comment_id = len(self.comments) + 100
        self.comments[comment_id] = self._comment(comment_id, body, {"login": login, "type": kind})
        return comment_id

    def json(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json", headers=headers)

    def handle(self, request: Request) -> Response:
        path = request.path[len(self.prefix):]
        body = json.loads(request.data) if request.data else None
        self.calls.append((request.method, path, body))
        assert request.headers.get("Authorization") in (f"token {TOKEN}", f"Bearer {TOKEN}")
        if (request.method, path) in self.answer:
            return self.answer[request.method, path](request)
        if self.fail_with == 403 or (request.method, path) in self.refuse:
            return self.json({"message": "Resource not accessible by integration"}, 403)
        if self.fail_with == 429:
            return self.json({"message": "API rate limit exceeded"}, 403,
                             {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"})
        if self.fail_with:
            return self.json({"message": "Server Error"}, self.fail_with)
        repo = f"{self.base}/repos/acme/shop"
        if path == "/user":
            if self.login:
                return self.json({"login": self.login, "type": "User"})
            return self.json({"message": "Resource not accessible by integration"}, 403)
        if path == "/repos/acme/shop/issues/7/comments":
            if request.method == "GET":
                return self.comment_page(request)
            comment_id = len(self.comments) + 100
            self.comments[comment_id] = self._comment(comment_id, body["body"], self.author)
            return self.json(self.comments[comment_id], 201)
        match = re.fullmatch(r"/repos/acme/shop/issues/comments/(\d+)", path)
        if match and request.method == "PATCH":
            comment = self.comments[int(match.group(1))]
            comment["body"] = body["body"]
            return self.json(comment)
        if path == "/repos/acme/shop/check-runs" and request.method == "POST":
            return self.json({"id": 55, "url": f"{repo}/check-runs/55", "name": body["name"]}, 201)
        if path == "/repos/acme/shop/check-runs/55" and request.method == "PATCH":
            return self.json({"id": 55, "url": f"{repo}/check-runs/55"})
        match = re.fullmatch(r"/users/([^/]+)", path)
        if match:
            found = match.group(1) in self.users
            return self.json({"login": match.group(1)} if found else {"message": "Not Found"}, 200 if found else 404)
        match = re.fullmatch(r"/orgs/([^/]+)", path)
        if match:
            return self.json({"login": match.group(1), "url": f"{self.base}/orgs/{match.group(1)}"})
        match = re.fullmatch(r"/orgs/([^/]+)/teams/([^/]+)", path)
        if match:
            found = f"{match.group(1)}/{match.group(2)}" in self.teams
            return self.json({"slug": match.group(2)} if found else {"message": "Not Found"}, 200 if found else 404)
        return self.json({"message": f"unexpected {request.method} {path}"}, 599)

    def comment_page(self, request: Request) -> Response:
        """Pages as GitHub serves them: `per_page` and `page` parameters, a `Link: rel="next"` header."""
        size, page = int(request.args.get("per_page", 30)), int(request.args.get("page", 1))
        everything = list(self.comments.values())
        chunk = everything[(page - 1) * size:page * size]
        headers = {}
        if page * size < len(everything):
            headers["Link"] = (f'<{self.base}/repos/acme/shop/issues/7/comments?per_page={size}&page={page + 1}>; '
                               'rel="next"')
        return self.json(chunk, headers=headers)

    def _comment(self, comment_id: int, body: str, user: dict[str, str]) -> dict[str, Any]:
        return {"id": comment_id, "body": body, "user": user,
                "url": f"{self.base}/repos/acme/shop/issues/comments/{comment_id}",
                "html_url": f"https://github.example/acme/shop/pull/7#issuecomment-{comment_id}"}


@pytest.fixture
def pr_repo(tmp_path: Path) -> tuple[Path, Path]:
    return make_pr_repo(tmp_path)


def make_pr_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A repository whose pull request adds a service without runbook, and its Actions event file."""
    root = init_repo(tmp_path / "repo")
    base = commit_files(root, {"ownership.yaml": HEALTHY}, "base")
    git(root, "checkout", "-q", "-b", "change")
    head = commit_files(root, {"ownership.yaml": HEALTHY.replace("services:\n", "services:\n  billing: {team: t}\n")},
                        "billing")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "base": {"sha": base}, "head": {"sha": head}}}))
    return root, event


def actions_env(event: Path, api: str) -> dict[str, str]:
    return {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": "acme/shop",
            "GITHUB_API_URL": api, "GITHUB_TOKEN": TOKEN, "GITHUB_SHA": "e" * 40}


def run_check(run, root: Path, env: dict[str, str], *extra: str):  # type: ignore[no-untyped-def]
    return run("check", "--repo", str(root), "--now", NOW_TEXT, "--format", "text", *extra, env=env)


def test_comment_is_created_then_edited_in_place(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    fake = FakeGitHub(httpserver)
    first = run_check(run, root, actions_env(event, fake.base))
    assert first.exit_code == 1
    assert "commented on the pull request" in first.output
    [comment] = fake.comments.values()
    assert comment["body"].startswith("<!-- ownership-as-code:check -->\n### ownership check: 1 blocking")
    assert "`SVC003` service-without-runbook (new)" in comment["body"]
    second = run_check(run, root, actions_env(event, fake.base))
    assert "updated the pull-request comment" in second.output
    assert len(fake.comments) == 1
    assert [c[0] for c in fake.calls if "comments" in c[1]] == ["GET", "POST", "GET", "PATCH"]
    # the fix lands: the same comment now says nothing blocks
    (root / "ownership.yaml").write_text(HEALTHY.replace("services:\n", "services:\n  billing: {team: t, "
                                                         "runbook: https://wiki.example.com/b}\n"))
    third = run_check(run, root, actions_env(event, fake.base))
    assert third.exit_code == 0
    [comment] = fake.comments.values()
    assert "nothing blocking" in comment["body"]
    assert TOKEN not in first.output + second.output + third.output


def test_no_comment_when_nothing_blocks_and_none_was_made(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    (root / "ownership.yaml").write_text(HEALTHY)
    fake = FakeGitHub(httpserver)
    result = run_check(run, root, actions_env(event, fake.base))
    assert result.exit_code == 0 and fake.comments == {}
    assert "no pull-request comment needed" in result.output


@pytest.mark.parametrize(("status", "said"), [
    (403, "GitHub answered 403 (Resource not accessible by integration); the token needs `pull-requests: write`"),
    (429, "GitHub's rate limit is exhausted"),
    (502, "GitHub answered 502"),
])
def test_github_failures_never_change_the_verdict(httpserver: HTTPServer, pr_repo, run, status: int,  # type: ignore[no-untyped-def]
                                                   said: str) -> None:
    root, event = pr_repo
    fake = FakeGitHub(httpserver)
    fake.fail_with = status
    result = run_check(run, root, actions_env(event, fake.base))
    assert result.exit_code == 1
    assert result.output.count("ownership: could not update the pull-request comment") == 1
    assert said in result.output and "verdict is unchanged" in result.output
    assert "Traceback" not in result.output and TOKEN not in result.output
    (root / "ownership.yaml").write_text(HEALTHY)
    assert run_check(run, root, actions_env(event, fake.base)).exit_code == 0


MARKER = "<!-- ownership-as-code:check -->"


def test_a_marker_comment_by_someone_else_is_never_edited(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    """Anyone can paste the hidden marker into a comment; only the token's own comment is ours."""
    root, event = pr_repo
    fake = FakeGitHub(httpserver)
    forged = fake.add_comment(MARKER + "\nnothing blocking ✅", "mallory")
    result = run_check(run, root, actions_env(event, fake.base))
    assert "commented on the pull request" in result.output
    assert fake.comments[forged]["body"] == MARKER + "\nnothing blocking ✅"
    assert not [call for call in fake.calls if call[0] == "PATCH"]
    [ours] = [c for c in fake.comments.values() if c["user"]["login"] == "github-actions[bot]"]
    assert "1 blocking" in ours["body"]


def test_the_actions_bot_comment_is_edited(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    fake = FakeGitHub(httpserver)
    fake.add_comment(MARKER + "\nforged", "mallory")
    fake.add_comment("a review remark", "github-actions[bot]", "Bot")
    ours = fake.add_comment(MARKER + "\nold report", "github-actions[bot]", "Bot")
    result = run_check(run, root, actions_env(event, fake.base))
    assert f"updated the pull-request comment https://github.example/acme/shop/pull/7#issuecomment-{ours}" \
        in result.output
    assert [(m, p) for m, p, _ in fake.calls if m != "GET"] == [("PATCH", f"/repos/acme/shop/issues/comments/{ours}")]
    assert "1 blocking" in fake.comments[ours]["body"]


def test_a_personal_token_edits_the_comment_of_its_own_user(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    fake = FakeGitHub(httpserver, login="Octo-Me")
    bot = fake.add_comment(MARKER + "\nby the bot", "github-actions[bot]", "Bot")
    mine = fake.add_comment(MARKER + "\nold report", "octo-me")  # logins compare without case
    run_check(run, root, actions_env(event, fake.base))
    assert fake.comments[bot]["body"] == MARKER + "\nby the bot"
    assert "1 blocking" in fake.comments[mine]["body"]
    assert [path for m, path, _ in fake.calls if m == "GET"].count("/user") == 1


def test_our_comment_is_found_on_a_later_page(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    fake = FakeGitHub(httpserver)
    for i in range(250):
        fake.add_comment(f"remark {i}", "someone")
    ours = fake.add_comment(MARKER + "\nold report", "github-actions[bot]", "Bot")
    result = run_check(run, root, actions_env(event, fake.base))
    assert "updated the pull-request comment" in result.output and "1 blocking" in fake.comments[ours]["body"]
    assert [m for m, p, _ in fake.calls if p.endswith("/comments")] == ["GET", "GET", "GET"]


def test_a_refused_comment_says_what_github_answered_and_which_permission(httpserver: HTTPServer, pr_repo,  # type: ignore[no-untyped-def]
                                                                         run) -> None:
    root, event = pr_repo
    fake = FakeGitHub(httpserver)
    fake.refuse.add(("POST", "/repos/acme/shop/issues/7/comments"))
    result = run_check(run, root, actions_env(event, fake.base))
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if line.startswith("ownership: could not")]
    assert line == ("ownership: could not update the pull-request comment: GitHub answered 403 (Resource not "
                    "accessible by integration); the token needs `pull-requests: write` (a pull request from a "
                    "fork, for example, gets a read-only token); the check's verdict is unchanged")
    assert fake.comments == {} and TOKEN not in result.output


def test_unreachable_github(pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    result = run_check(run, root, actions_env(event, "http://127.0.0.1:9"))
    assert result.exit_code == 1
    assert "GitHub could not be reached" in result.output


def test_check_run_annotations_in_batches_of_50(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    # Two rules, so no (rule, file) passes the run's bound of 100 diagnostics (see checker/bounded.py).
    services = "".join(f"  extra{i}: {{team: t}}\n" if i % 2 else f"  extra{i}: {{team: t, runbook: no.md}}\n"
                       for i in range(119))
    (root / "ownership.yaml").write_text(HEALTHY.replace("services:\n", "services:\n" + services))
    fake = FakeGitHub(httpserver)
    result = run_check(run, root, actions_env(event, fake.base), "--check-run")
    assert "check run 'ownership' created with 120 annotation(s)" in result.output
    runs = [(method, body) for method, path, body in fake.calls if "check-runs" in path]
    assert [method for method, _ in runs] == ["POST", "PATCH", "PATCH"]
    assert [len(body["output"]["annotations"]) for _, body in runs] == [50, 50, 20]
    first = runs[0][1]
    assert first["head_sha"] == json.loads(event.read_text())["pull_request"]["head"]["sha"]
    assert first["conclusion"] == "failure"
    assert first["output"]["annotations"][0]["annotation_level"] == "failure"
    assert {"path", "start_line", "end_line", "message", "title"} <= set(first["output"]["annotations"][0])


def test_enterprise_api_url_is_used(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    fake = FakeGitHub(httpserver, prefix="/api/v3")
    result = run_check(run, root, actions_env(event, fake.base))
    assert "commented on the pull request" in result.output
    assert fake.calls and all(path.startswith("/repos/") or path == "/user" for _, path, _ in fake.calls)
    assert all(r.path.startswith("/api/v3/") for r, _ in httpserver.log)


ONLINE_CONFIG = """\
version: 1
people:
  a: {github: alice-archer}
  b: {github: alice-archr}
  c: {github: bobbrown}
teams:
  t: {github_team: acme/payments}
  u: {github_team: acme/paymnts}
"""


def test_online_flags_unknown_logins_and_teams_asking_each_once(httpserver: HTTPServer, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                               run) -> None:
    (tmp_path / "ownership.yaml").write_text(ONLINE_CONFIG)
    fake = FakeGitHub(httpserver)
    env = {"GITHUB_API_URL": fake.base, "GITHUB_TOKEN": TOKEN}
    result = run("check", "--repo", str(tmp_path), "--now", NOW_TEXT, "--online", "--format", "json", env=env)
    found = [(d["rule"], d["subject"], d["line"]) for d in json.loads(result.output)["diagnostics"]]
    assert ("GH001", "person/b", 4) in found and ("GH002", "team/u", 8) in found
    assert not [f for f in found if f[1] in ("person/a", "person/c", "team/t")]
    asked = [path for _, path, _ in fake.calls]
    assert sorted(asked) == sorted(set(asked))
    # offline, the same config has no GH diagnostics
    offline = run("check", "--repo", str(tmp_path), "--now", NOW_TEXT, "--format", "json")
    assert not [d for d in json.loads(offline.output)["diagnostics"] if d["rule"].startswith("GH")]


def test_online_outage_is_said_once_and_checks_nothing(httpserver: HTTPServer, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "ownership.yaml").write_text(ONLINE_CONFIG)
    fake = FakeGitHub(httpserver)
    fake.fail_with = 503
    env = {"GITHUB_API_URL": fake.base, "GITHUB_TOKEN": TOKEN}
    result = run("check", "--repo", str(tmp_path), "--now", NOW_TEXT, "--online", env=env)
    assert result.output.count("could not check GitHub logins and teams") == 1
    assert "GH00" not in result.output.replace("could not", "")


def test_online_in_diff_mode_asks_once_for_both_sides(httpserver: HTTPServer, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = init_repo(tmp_path / "repo")
    commit_files(root, {"ownership.yaml": ONLINE_CONFIG}, "base")
    git(root, "checkout", "-q", "-b", "change")
    commit_files(root, {"README.md": "x\n"}, "docs")
    fake = FakeGitHub(httpserver)
    env = {"GITHUB_API_URL": fake.base, "GITHUB_TOKEN": TOKEN}
    result = run("check", "--repo", str(root), "--now", NOW_TEXT, "--online", "--base", "main", "--format", "json",
                 env=env)
    body = json.loads(result.output)
    assert result.exit_code == 0  # the bad login and team are old debt
    assert {d["rule"] for d in body["diagnostics"]} >= {"GH001", "GH002"}
    asked = [path for _, path, _ in fake.calls]
    assert len(asked) == len(set(asked))
    subprocess.run(["git", "status"], cwd=root, check=True, capture_output=True)


def test_check_run_annotations_name_files_from_the_repository_root(httpserver: HTTPServer, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                   run) -> None:
    """With `working-directory: sub/dir`, GitHub still places annotations by paths from the root."""
    root = init_repo(tmp_path / "mono")
    base = commit_files(root, {"sub/dir/ownership.yaml": HEALTHY}, "base")
    git(root, "checkout", "-q", "-b", "change")
    head = commit_files(root, {"sub/dir/ownership.yaml": HEALTHY + "  billing: {team: t}\n"}, "billing")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "base": {"sha": base}, "head": {"sha": head}}}))
    fake = FakeGitHub(httpserver)
    result = run_check(run, root / "sub/dir", {**actions_env(event, fake.base), "GITHUB_WORKSPACE": str(root)},
                       "--check-run")
    assert result.exit_code == 1
    [post] = [body for method, path, body in fake.calls if path.endswith("/check-runs")]
    assert {a["path"] for a in post["output"]["annotations"]} == {"sub/dir/ownership.yaml"}
    [comment] = fake.comments.values()
    assert "sub/dir/ownership.yaml" in comment["body"]
