"""GitHub through PyGithub, against a local server that answers like the GitHub REST API."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import NOW_TEXT
from tests.test_diffmode import HEALTHY, commit_files, git, init_repo

TOKEN = "ghs_secretTOKEN1234567890"


class FakeGitHub:
    """Just enough of the REST API: issue comments, check runs, users, org teams. Records every call."""

    def __init__(self, server: HTTPServer, prefix: str = "") -> None:
        self.server, self.prefix = server, prefix
        self.base = server.url_for(prefix).rstrip("/")
        self.comments: dict[int, dict[str, Any]] = {}
        self.calls: list[tuple[str, str, Any]] = []
        self.fail_with: int | None = None
        self.users = {"alice-archer", "bobbrown"}
        self.teams = {"acme/payments"}
        server.expect_request(re.compile(f"^{prefix}/.*")).respond_with_handler(self.handle)

    def json(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json", headers=headers)

    def handle(self, request: Request) -> Response:
        path = request.path[len(self.prefix):]
        body = json.loads(request.data) if request.data else None
        self.calls.append((request.method, path, body))
        assert request.headers.get("Authorization") in (f"token {TOKEN}", f"Bearer {TOKEN}")
        if self.fail_with == 403:
            return self.json({"message": "Resource not accessible by integration"}, 403)
        if self.fail_with == 429:
            return self.json({"message": "API rate limit exceeded"}, 403,
                             {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"})
        if self.fail_with:
            return self.json({"message": "Server Error"}, self.fail_with)
        repo = f"{self.base}/repos/acme/shop"
        if request.method == "GET" and path == "/repos/acme/shop/issues/7":
            return self.json({"number": 7, "url": f"{repo}/issues/7"})
        if path == "/repos/acme/shop/issues/7/comments":
            if request.method == "GET":
                return self.json(list(self.comments.values()))
            comment_id = len(self.comments) + 100
            self.comments[comment_id] = self._comment(comment_id, body["body"])
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

    def _comment(self, comment_id: int, body: str) -> dict[str, Any]:
        return {"id": comment_id, "body": body, "url": f"{self.base}/repos/acme/shop/issues/comments/{comment_id}",
                "html_url": f"https://github.example/acme/shop/pull/7#issuecomment-{comment_id}"}


@pytest.fixture
def pr_repo(tmp_path: Path) -> tuple[Path, Path]:
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
    (403, "GitHub answered 403 (Resource not accessible by integration); the token cannot do this"),
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
    assert fake.calls and all(path.startswith("/repos/") for _, path, _ in fake.calls)
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
