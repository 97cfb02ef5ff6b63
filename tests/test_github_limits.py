"""Whatever GitHub answers, the check finishes: bounded pages, 202 retries, time, answer size, annotations.

Each bound reached is one line on standard error; the verdict and exit code are the rules' alone.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from checker import github_http
from checker.github_http import Budget, next_page
from tests.test_diffmode import HEALTHY
from tests.test_github import TOKEN, FakeGitHub, actions_env, make_pr_repo, run_check

COMMENTS = ("GET", "/repos/acme/shop/issues/7/comments")


@pytest.fixture
def pr_repo(tmp_path: Path) -> tuple[Path, Path]:
    return make_pr_repo(tmp_path)


def problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("ownership: could not")]


def test_an_endless_next_chain_stops_after_50_pages(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    fake = FakeGitHub(httpserver)

    def endless(request: Request) -> Response:
        page = int(request.args.get("page", 1))
        link = f'<{fake.base}/repos/acme/shop/issues/7/comments?per_page=100&page={page + 1}>; rel="next"'
        comment = {"id": page, "body": "<!-- ownership-as-code:check -->", "user": {"login": "someone"}}
        return fake.json([comment], headers={"Link": link})

    fake.answer[COMMENTS] = endless
    result = run_check(run, root, actions_env(event, fake.base))
    assert result.exit_code == 1
    assert [m for m, p, _ in fake.calls if p == COMMENTS[1]].count("GET") == 50
    assert "commented on the pull request: https://github.example/acme/shop/pull/7#issuecomment-" in result.output
    assert "(stopped looking for an earlier comment after 50 pages of comments)" in result.output
    assert TOKEN not in result.output


def test_a_next_link_away_from_the_api_is_not_followed(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    fake = FakeGitHub(httpserver)
    fake.answer[COMMENTS] = lambda request: fake.json(
        [{"id": 1, "body": "hi", "user": {"login": "x"}}],
        headers={"Link": '<https://collector.example/steal?page=2>; rel="next"'})
    result = run_check(run, root, actions_env(event, fake.base))
    assert problems(result.output) == [("ownership: could not update the pull-request comment: GitHub's next-page "
                                        "link leads away from the API; the check's verdict is unchanged")]
    assert [c for c in fake.calls if c[0] == "POST"] == []


@pytest.mark.parametrize(("extra", "call", "what"), [
    ((), COMMENTS, "update the pull-request comment"),
    (("--online",), ("GET", "/users/alice-archer"), "check GitHub logins and teams (--online)"),
])
def test_a_repeated_202_is_asked_again_only_three_times(httpserver: HTTPServer, pr_repo, run,  # type: ignore[no-untyped-def]
                                                       monkeypatch: pytest.MonkeyPatch, extra: tuple[str, ...],
                                                       call: tuple[str, str], what: str) -> None:
    """PyGithub alone asks again every 2 seconds, for ever, when a GET is answered 202."""
    root, event = pr_repo
    (root / "ownership.yaml").write_text(HEALTHY.replace("a: {}", "a: {github: alice-archer}") +
                                         "  billing: {team: t}\n")
    monkeypatch.setattr(github_http, "PROCESSING_WAIT", 0.01)
    fake = FakeGitHub(httpserver)
    fake.answer[call] = lambda request: fake.json({}, 202)
    result = run_check(run, root, actions_env(event, fake.base), *extra)
    assert result.exit_code == 1
    assert f"ownership: could not {what}: GitHub still answered 202 (accepted, not ready) after 4 tries; the " \
        "check's verdict is unchanged" in problems(result.output)
    assert fake.calls.count((*call, None)) == 4


@pytest.mark.parametrize("answer", [
    Response("<html><body>Bad gateway, try later</body></html>", status=200, content_type="text/html"),
    Response("", status=200, content_type="application/json"),
    Response(json.dumps({"message": "queued"}), status=200, content_type="application/json"),
])
def test_a_check_run_answer_without_an_id_is_a_failure(httpserver: HTTPServer, pr_repo, run,  # type: ignore[no-untyped-def]
                                                       answer: Response) -> None:
    root, event = pr_repo
    fake = FakeGitHub(httpserver)
    fake.answer["POST", "/repos/acme/shop/check-runs"] = lambda request: answer
    result = run_check(run, root, actions_env(event, fake.base), "--check-run")
    assert result.exit_code == 1
    assert "ownership: could not create the check run: GitHub's answer to creating the check run is not the JSON " \
        "object the API promises (no `id`); the check's verdict is unchanged" in problems(result.output)
    assert "created with" not in result.output


@pytest.mark.parametrize(("answer", "why"), [
    ("<html>ok</html>", "GitHub's answer to creating the comment is not the JSON object the API promises (no `id`)"),
    ('{"id": 1, "html_url": ', "GitHub's answer is not valid JSON"),
])
def test_a_comment_answer_that_is_not_json_is_a_failure(httpserver: HTTPServer, pr_repo, run,  # type: ignore[no-untyped-def]
                                                        answer: str, why: str) -> None:
    root, event = pr_repo
    fake = FakeGitHub(httpserver)
    fake.answer["POST", COMMENTS[1]] = lambda request: Response(answer, content_type="text/html")
    result = run_check(run, root, actions_env(event, fake.base))
    expected = f"ownership: could not update the pull-request comment: {why}; the check's verdict is unchanged"
    assert problems(result.output) == [expected]


def test_a_slow_github_stops_at_the_run_s_time_budget(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    fake = FakeGitHub(httpserver)
    handle = fake.handle

    def slowly(request: Request) -> Response:
        time.sleep(0.4)
        return handle(request)

    httpserver.clear()
    httpserver.expect_request("/user").respond_with_handler(slowly)
    httpserver.expect_request(COMMENTS[1]).respond_with_handler(slowly)
    httpserver.expect_request("/repos/acme/shop/check-runs").respond_with_handler(slowly)
    env = {**actions_env(event, fake.base), "OWNERSHIP_GITHUB_TIMEOUT": "1"}
    started = time.monotonic()
    result = run_check(run, root, env, "--check-run")
    elapsed = time.monotonic() - started
    budget = "GitHub calls took this run's whole time budget of 1 s (OWNERSHIP_GITHUB_TIMEOUT)"
    assert problems(result.output) == [
        f"ownership: could not update the pull-request comment: {budget}; the check's verdict is unchanged",
        f"ownership: could not create the check run: {budget}; the check's verdict is unchanged",
    ]
    assert result.exit_code == 1
    assert not [c for c in fake.calls if "check-runs" in c[1]]  # nothing asked once the budget was spent
    assert elapsed < 10


def test_a_github_that_stalls_mid_answer_stops_at_the_budget(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    fake = FakeGitHub(httpserver)
    released = threading.Event()

    def stalls() -> Any:
        yield b"["
        released.wait(20)  # the test releases the (single-threaded) server once the check is done
        yield b"]"

    fake.answer[COMMENTS] = lambda request: Response(stalls(), content_type="application/json")
    env = {**actions_env(event, fake.base), "OWNERSHIP_GITHUB_TIMEOUT": "0.5"}
    started = time.monotonic()
    result = run_check(run, root, env)
    elapsed = time.monotonic() - started
    released.set()
    budget = "GitHub calls took this run's whole time budget of 0.5 s (OWNERSHIP_GITHUB_TIMEOUT)"
    expected = f"ownership: could not update the pull-request comment: {budget}; the check's verdict is unchanged"
    assert problems(result.output) == [expected]
    assert elapsed < 10


@pytest.mark.parametrize("value", ["abc", "0", "-5", "inf", "nan"])
def test_a_budget_that_is_not_a_positive_number_is_a_usage_error(pr_repo, run, value: str) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    env = {**actions_env(event, "http://127.0.0.1:9"), "OWNERSHIP_GITHUB_TIMEOUT": value}
    result = run_check(run, root, env)
    assert result.exit_code == 2
    assert result.output.strip() == (f"ownership: error: OWNERSHIP_GITHUB_TIMEOUT must be a positive number of "
                                     f"seconds, not {value!r}")


def test_budget_from_the_environment() -> None:
    assert Budget.from_env({}).seconds == 60
    assert Budget.from_env({"OWNERSHIP_GITHUB_TIMEOUT": " 2.5 "}).seconds == 2.5


def test_an_oversized_answer_is_refused(httpserver: HTTPServer, pr_repo, run,  # type: ignore[no-untyped-def]
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root, event = pr_repo
    monkeypatch.setattr(github_http, "MAX_ANSWER_BYTES", 100_000)
    fake = FakeGitHub(httpserver)
    fake.answer[COMMENTS] = lambda request: fake.json([{"id": i, "body": "x" * 1000} for i in range(200)])
    result = run_check(run, root, actions_env(event, fake.base))
    assert problems(result.output) == [("ownership: could not update the pull-request comment: GitHub's answer is "
                                        "longer than 0.0953674 MiB; the check's verdict is unchanged")]


@pytest.mark.parametrize(("header", "expected"), [
    ('<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=9>; rel="last"',
     "https://api.github.com/x?page=2"),
    ('<https://api.github.com/x?page=9>; rel="last"', None),
    ("", None),
    ("garbage", None),
])
def test_next_page_reads_the_link_header(header: str, expected: str | None) -> None:
    assert next_page({"link": header}) == expected


def many_services(count: int) -> str:
    """A pull request adding `count` services with neither team nor runbook: several errors each."""
    return HEALTHY + "".join(f"  new{i:04d}: {{}}\n" for i in range(count))


def test_check_run_annotates_at_most_200_blocking_first(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    (root / "ownership.yaml").write_text(many_services(700))
    assert (root / "ownership.yaml").stat().st_size < 20_000
    fake = FakeGitHub(httpserver)
    result = run_check(run, root, actions_env(event, fake.base), "--check-run")
    total = sum(1 for line in result.output.splitlines() if " error " in line or " warning " in line)
    assert total > 400  # the pipeline keeps at most 100 per (rule, file); still far more than 200 annotations
    writes: list[dict[str, Any]] = [body for method, path, body in fake.calls if "check-runs" in path]
    assert [len(body["output"]["annotations"]) for body in writes] == [50, 50, 50, 50]
    annotations = [a for body in writes for a in body["output"]["annotations"]]
    assert {a["annotation_level"] for a in annotations} == {"failure"}
    assert not [a for a in annotations if "legacy" in a["message"]]  # old debt, earlier in the file, comes last
    summary = f"; 200 annotated, {total - 200} more not annotated (the job log and `ownership check` list them all)"
    assert all(body["output"]["summary"].endswith(summary) for body in writes)
    assert f"check run 'ownership' created with 200 annotation(s) ({total - 200} more not annotated)" in result.output


def test_a_long_message_is_cut_to_fit_an_annotation(httpserver: HTTPServer, pr_repo, run) -> None:  # type: ignore[no-untyped-def]
    root, event = pr_repo
    name = "s" + "x" * 30_000
    (root / "ownership.yaml").write_text(HEALTHY + f"  {name}: {{team: t}}\n")
    fake = FakeGitHub(httpserver)
    run_check(run, root, actions_env(event, fake.base), "--check-run")
    [post] = [body for method, path, body in fake.calls if path.endswith("/check-runs")]
    assert max(len(a["message"].encode()) for a in post["output"]["annotations"]) <= 64 * 1024


def test_the_bound_hooks_into_pygithub() -> None:
    """bound() wraps PyGithub's private connection class; a PyGithub release that renames it fails here."""
    from github import Github

    client = Github(base_url="http://127.0.0.1:9")
    github_http.bound(client, Budget(1))
    connection = client.requester._Requester__connectionClass("127.0.0.1", 9, retry=None, pool_size=None,
                                                                timeout=1, verify=True)
    assert isinstance(connection.session.get_adapter("http://127.0.0.1:9/x"), github_http.BoundedAdapter)
