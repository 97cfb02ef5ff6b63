"""`ownership codeowners [--check]`: the block from every starting state, what GitHub really assigns
(COD002), paths that match nothing (COD003), conflicts, and values that must never be written."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from checker.codeowners.generate import GITHUB_TEAM
from checker.codeowners.patterns import compile_pattern
from tests.conftest import NOW_TEXT

CONFIG = """\
version: 1
teams:
  payments: {github_team: acme/payments}
  search: {github_team: acme/search}
services:
  checkout: {team: payments, lifecycle: experimental, paths: ["services/checkout/"]}
  search: {team: search, lifecycle: experimental, paths: ["services/search/", "docs/on call/"]}
"""
FILES = {"services/checkout/main.go": "package main\n", "services/search/main.go": "package main\n",
         "docs/on call/pager.md": "# pages\n", "README.md": "hi\n"}
BLOCK_LINES = ["/docs/on\\ call/ @acme/search", "/services/search/ @acme/search",
               "/services/checkout/ @acme/payments"]
BEGIN = "# BEGIN ownership-as-code: generated from ownership.yaml by `ownership codeowners`; edit the config"
HAND = "# hand-written\n* @acme/platform\n"

STARTING_STATES = {
    "no file": None,
    "no block": HAND,
    "no block, no final newline": "* @acme/platform",
    "the README's marker text": HAND + "\n# BEGIN ownership-as-code\n/old/ @acme/old\n# END ownership-as-code\n",
    "a hand-edited block": HAND + BEGIN + "\n/services/checkout/ @acme/someone-else\n# END ownership-as-code\n",
    "CRLF without a block": HAND.replace("\n", "\r\n"),
    "CRLF with a block": (HAND + "# BEGIN ownership-as-code\n/x/ @a/b\n# END ownership-as-code\n/z/ @a/c\n")
    .replace("\n", "\r\n"),
    "hand-written lines after the block": HAND + BEGIN + "\n# END ownership-as-code\n/docs/guides/ @acme/writers\n",
    "a byte-order mark": "\ufeff" + HAND,
}


def _outside_block(text: str) -> str:
    lines = text.splitlines(keepends=True)
    begin = next((i for i, line in enumerate(lines) if line.startswith("# BEGIN ownership-as-code")), len(lines))
    end = next((i for i, line in enumerate(lines) if line.startswith("# END ownership-as-code")), begin - 1)
    return "".join(lines[:begin] + lines[end + 1:])


@pytest.mark.parametrize("state", list(STARTING_STATES))
def test_codeowners_then_check_converges(state: str, repo, run) -> None:  # type: ignore[no-untyped-def]
    before = STARTING_STATES[state]
    root = repo(CONFIG, FILES | ({".github/CODEOWNERS": before} if before is not None else {}))
    target = root / ".github/CODEOWNERS"
    if before is not None:
        assert run("codeowners", "--repo", str(root), "--check").exit_code == 1
    written = run("codeowners", "--repo", str(root))
    assert written.exit_code == 0, written.output
    text = target.read_bytes().decode("utf-8")
    check = run("codeowners", "--repo", str(root), "--check")
    assert check.exit_code == 0, check.output
    assert "is in sync with ownership.yaml" in check.output
    again = run("codeowners", "--repo", str(root))
    assert again.exit_code == 0 and "already in sync" in again.output
    assert target.read_bytes().decode("utf-8") == text
    newline = "\r\n" if before and "\r\n" in before else "\n"
    block = [BEGIN, *BLOCK_LINES, "# END ownership-as-code"]
    assert newline.join(block) + newline in text
    assert text.count("# BEGIN ownership-as-code") == 1
    if newline == "\r\n":
        assert text.count("\n") == text.count("\r\n")  # every line keeps the file's CRLF
    if before:
        kept = _outside_block(before).rstrip("\r\n")
        assert _outside_block(text).startswith(kept)  # hand-written lines kept byte for byte, BOM included
        assert text.startswith("\ufeff") is before.startswith("\ufeff")


@pytest.mark.parametrize(("broken", "says", "mend"), [
    (HAND + "# BEGIN ownership-as-code\n/x/ @a/b\n", "but no `# END ownership-as-code` line after it",
     lambda t: t + "# END ownership-as-code\n"),
    (HAND + "/x/ @a/b\n# END ownership-as-code\n", "but no `# BEGIN ownership-as-code` line before it",
     lambda t: t.replace("/x/", "# BEGIN ownership-as-code\n/x/")),
    (HAND + "# BEGIN ownership-as-code\n# END ownership-as-code\n# BEGIN ownership-as-code\n"
     "# END ownership-as-code\n", "delete all but one block",
     lambda t: t.replace("# BEGIN ownership-as-code\n# END ownership-as-code\n", "", 1)),
    (HAND + "# END ownership-as-code\n/x/ @a/b\n# BEGIN ownership-as-code\n", "before its",
     lambda t: t.replace("# END ownership-as-code\n", "").replace("# BEGIN ownership-as-code\n",
                                                                  "# BEGIN ownership-as-code\n# END ownership-as-code\n")),
])
def test_broken_markers_are_a_one_line_error_and_nothing_is_written(  # type: ignore[no-untyped-def]
        broken: str, says: str, mend, repo, run) -> None:
    root = repo(CONFIG, FILES | {"CODEOWNERS": broken})
    for args in ((), ("--check",)):
        result = run("codeowners", "--repo", str(root), *args)
        assert result.exit_code == 2
        assert says in result.output and "then run `ownership codeowners` again" in result.output
        assert result.output.count("\n") == 1
        assert (root / "CODEOWNERS").read_text() == broken
    (root / "CODEOWNERS").write_text(mend(broken))  # what the message says to do
    assert run("codeowners", "--repo", str(root)).exit_code == 0
    assert run("codeowners", "--repo", str(root), "--check").exit_code == 0


def _written_then_appended(repo, run, line: str, config: str = CONFIG):  # type: ignore[no-untyped-def]
    """A repository whose CODEOWNERS was written by `codeowners`, a hand-written line appended, then checked."""
    root = repo(config, FILES)
    run("codeowners", "--repo", str(root))
    target = root / ".github/CODEOWNERS"
    target.write_text(target.read_text() + line + "\n")
    return root, target, run("codeowners", "--repo", str(root), "--check")


def test_a_hand_written_line_after_the_block_that_takes_a_service_is_cod002(repo, run) -> None:  # type: ignore[no-untyped-def]
    root, target, check = _written_then_appended(repo, run, "/services/ @acme/platform")
    assert check.exit_code == 1
    assert "COD001" not in check.output  # the block is in sync: only ownership is wrong
    assert "error COD002 codeowners-overridden: .github/CODEOWNERS:6 `/services/ @acme/platform` comes after the " \
           "managed block and takes 1 file(s) of service 'checkout' (e.g. services/checkout/main.go) from " \
           "@acme/payments to @acme/platform" in check.output
    assert ".github/CODEOWNERS:6:1:" in check.output and "[service/search]" in check.output
    assert "the managed block of .github/CODEOWNERS is in sync with ownership.yaml; fix the errors above" \
        in check.output
    # Moved above the block, the line decides nothing any more (both services take their directories): a note.
    target.write_text("/services/ @acme/platform\n" + target.read_text().replace("/services/ @acme/platform\n", ""))
    moved = run("codeowners", "--repo", str(root), "--check")
    assert moved.exit_code == 0, moved.output
    assert "note: the managed block gives 2 file(s) (e.g. services/checkout/main.go) to service(s) checkout, search " \
           "that .github/CODEOWNERS:1 `/services/ @acme/platform` above it gave to @acme/platform; that line now " \
           "decides nothing: delete it" in moved.output
    (root / "services/legacy").mkdir()
    (root / "services/legacy/x.py").write_text("x\n")
    partly = run("codeowners", "--repo", str(root), "--check").output
    assert "above it gave to @acme/platform (GitHub applies the last matching line)" in partly  # it still owns legacy/


def test_a_line_without_owners_after_the_block_takes_the_path_from_everyone(repo, run) -> None:  # type: ignore[no-untyped-def]
    _, _, check = _written_then_appended(repo, run, "/docs/on\\ call/pager.md")
    assert check.exit_code == 1
    assert "takes 1 file(s) of service 'search' (e.g. docs/on call/pager.md) from @acme/search to nobody" in check.output


def test_a_later_line_for_the_same_team_takes_nothing(repo, run) -> None:  # type: ignore[no-untyped-def]
    assert _written_then_appended(repo, run, "/services/checkout/*.go @acme/payments")[2].exit_code == 0


def test_a_directory_with_no_files_yet_is_still_audited(repo, run) -> None:  # type: ignore[no-untyped-def]
    config = CONFIG.replace("services/checkout/", "services/new-thing/")
    _, _, check = _written_then_appended(repo, run, "/services/ @acme/platform", config)
    assert "COD003" in check.output and "'services/new-thing/' of service 'checkout' matches no file" in check.output
    assert "COD002" in check.output and "of service 'checkout'" in check.output


def test_nodejs_file_with_the_block_appended(repo, run) -> None:  # type: ignore[no-untyped-def]
    """The issue's case: appending the block to nodejs/node's file moves /deps/v8/* from its owners; now it says so."""
    from codeowners import CodeOwners

    node = (Path(__file__).parent / "fixtures/codeowners/nodejs-node.CODEOWNERS").read_text(encoding="utf-8")
    config = "version: 1\nteams:\n  v8: {github_team: acme/v8}\nservices:\n" \
             "  v8: {team: v8, lifecycle: experimental, paths: [\"deps/v8/\"]}\n"
    root = repo(config, {".github/CODEOWNERS": node, "deps/v8/BUILD.gn": "x\n", "deps/v8/src/api.cc": "x\n",
                         "deps/uv/uv.c": "x\n"})
    result = run("codeowners", "--repo", str(root))
    assert result.exit_code == 0, result.output
    # By GitHub's rule, nodejs's own `/deps/v8/*` (line 137) already lost to `/deps` (line 178), the last match.
    assert "note: the managed block gives 2 file(s) (e.g. deps/v8/BUILD.gn) to service(s) v8 that " \
           ".github/CODEOWNERS:178 `/deps @nodejs/security-wg` above it gave to @nodejs/security-wg (GitHub applies " \
           "the last matching line)" in result.output
    assert result.output.count("note:") == 1
    text = (root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert text.startswith(node)
    github = CodeOwners(text)
    assert github.of("deps/v8/BUILD.gn") == [("TEAM", "@acme/v8")]
    assert github.of("deps/v8/src/api.cc") == [("TEAM", "@acme/v8")]
    assert github.of("deps/uv/uv.c") == [("TEAM", "@nodejs/security-wg")]
    assert run("codeowners", "--repo", str(root), "--check").exit_code == 0


@pytest.mark.parametrize("spellings", [
    ("services/checkout", "services/checkout/"),
    ("/services/checkout/", "services/checkout"),
    ("./services/checkout/", "services/checkout/**"),
])
def test_the_same_directory_claimed_twice_however_written_gets_no_line(  # type: ignore[no-untyped-def]
        spellings: tuple[str, str], repo, run) -> None:
    config = CONFIG.replace('paths: ["services/checkout/"]', f'paths: ["{spellings[0]}"]').replace(
        '"services/search/", ', f'"services/search/", "{spellings[1]}", ')
    root = repo(config, FILES)
    result = run("codeowners", "--repo", str(root))
    assert result.exit_code == 1
    assert result.output.count("COD001") == 2 and "claimed by services checkout, search" in result.output
    assert "checkout" not in (root / ".github/CODEOWNERS").read_text()


def test_one_service_writing_a_directory_twice_gets_one_line(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(CONFIG.replace('["services/checkout/"]', '["services/checkout/", "/services/checkout"]'), FILES)
    assert run("codeowners", "--repo", str(root)).exit_code == 0
    assert (root / ".github/CODEOWNERS").read_text().count("services/checkout") == 1


def test_the_issue_owner_escalation_is_refused(repo, run) -> None:  # type: ignore[no-untyped-def]
    config = CONFIG.replace('paths: ["services/checkout/"]', 'paths: ["docs/ @mallory", "services/x/\\n* @mallory\\n#"]')
    root = repo(config, FILES | {"CODEOWNERS": "* @acme/platform\n"})
    write = run("codeowners", "--repo", str(root))
    assert write.exit_code == 2 and "is not written until they are fixed" in write.output
    assert (root / "CODEOWNERS").read_text() == "* @acme/platform\n"
    check = run("codeowners", "--repo", str(root), "--check")
    assert check.exit_code == 1 and "in sync" not in check.output
    # the path quoted once, as the schema's CFG002 quotes it (its line breaks escaped once, not twice)
    assert "CFG002" in check.output and "'services/x/\\n* @mallory\\n#'" in check.output
    assert "\n* @mallory" not in check.output


@pytest.mark.parametrize(("path", "why"), [
    ("../outside/", "leaves the repository"),
    ("services/../../x/", "leaves the repository"),
    ("docs/#private/", "'#'"),
    ("a\tb/", "control character"),
    ("services\\checkout\\", "holds '\\'"),
    ("src/[ab]/", "character ranges"),
    ("//etc/", "empty or '.' segment"),
    (" services/x/", "white space around it"),
])
def test_unwritable_paths_are_cfg002_and_never_written(path: str, why: str, repo, run) -> None:  # type: ignore[no-untyped-def]
    import json

    config = CONFIG.replace('paths: ["services/checkout/"]', f"paths: [{json.dumps(path)}]")
    root = repo(config, FILES)
    write = run("codeowners", "--repo", str(root))
    assert write.exit_code == 2 and "CODEOWNERS is not written" in write.output
    assert not (root / ".github/CODEOWNERS").exists()
    check = run("codeowners", "--repo", str(root), "--check")
    assert "CFG002" in check.output and why in check.output, check.output


def test_writing_is_refused_while_the_config_has_errors(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(CONFIG.replace("github_team: acme/search", "github_team: sre"), FILES)
    result = run("codeowners", "--repo", str(root))
    assert result.exit_code == 2
    assert "the config has" in result.output and "run `ownership check`" in result.output
    assert not (root / ".github/CODEOWNERS").exists()
    unknown_team = repo(CONFIG.replace("team: search, lifecycle", "team: serach, lifecycle"), FILES)
    assert run("codeowners", "--repo", str(unknown_team)).exit_code == 2


def test_cod003_in_check_and_in_codeowners(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(CONFIG.replace("services/checkout/", "service/checkout/"), FILES)
    check = run("check", "--repo", str(root), "--now", NOW_TEXT)
    assert "warning COD003 codeowners-path-matches-nothing: paths entry 'service/checkout/' of service " \
           "'checkout' matches no file" in check.output
    assert check.exit_code == 0  # a warning
    owners = run("codeowners", "--repo", str(root), "--check")
    assert "COD003" in owners.output


def test_a_codeowners_file_over_githubs_limit_is_refused(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(CONFIG, FILES | {"CODEOWNERS": "# x\n" * (800 * 1024)})
    result = run("codeowners", "--repo", str(root), "--check")
    assert result.exit_code == 2 and "over 3 MB" in result.output


def test_escape_sequences_in_hand_written_lines_are_shown_not_run(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(CONFIG, FILES | {"CODEOWNERS": "/x/ @a/b \x1b[2K\x1b[32mall good\n"})
    result = run("codeowners", "--repo", str(root), "--check")
    assert "\x1b" not in result.output and "\\x1b[2K" in result.output


# Hostile text: line breaks of every kind, comment and escape characters, owners, globs, unicode.
HOSTILE = st.lists(st.sampled_from(list("ab/ .*?#@\\[]!\n\r\t\x0b\x0c\x85\u2028\u00a0\u00e9-")
                                   + ["..", "* @mallory", "acme/", "services/"]), max_size=12).map("".join)
TEAM = st.one_of(HOSTILE, st.from_regex(GITHUB_TEAM, fullmatch=True), st.from_regex(GITHUB_TEAM, fullmatch=True)
                 .map(lambda team: team + "\n* @mallory"))
PLAUSIBLE_PATH = st.builds(lambda lead, segments, trail: lead + "/".join(segments) + trail,
                           st.sampled_from(["", "/", "./"]),
                           st.lists(st.sampled_from(["services", "a", "b c", "x.y", "*", "**", "\u00e9", "on call"]),
                                    min_size=1, max_size=3),
                           st.sampled_from(["", "/"]))
PATH = st.one_of(HOSTILE, PLAUSIBLE_PATH)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(TEAM, st.lists(PATH, max_size=3)), min_size=1, max_size=4))
def test_the_written_block_assigns_exactly_the_declared_owners_to_exactly_the_declared_paths(
        declared: list[tuple[str, list[str]]]) -> None:
    from codeowners import CodeOwners

    from checker.codeowners.block import layout, with_block
    from checker.codeowners.generate import claim_key, generate, path_problem, relative_path
    from checker.diagnostics import Location
    from checker.model import Model, Node, Service, Team

    model = Model("ownership.yaml")
    for index, (github_team, paths) in enumerate(declared):
        name = f"s{index}"
        model.teams[name] = Team(name, Node(Location("ownership.yaml")), github_team=github_team)
        model.services[name] = Service(name, Node(Location("ownership.yaml")), team=name, paths=paths)
    generated = generate(model)
    text, _ = with_block(layout("* @acme/default\n", "CODEOWNERS"), generated.lines)
    # The package hides each escaped space as 20 slashes while it splits a line, so it cannot read a
    # slash just before one (`/acme/\ a` comes back as `/acme\ /a`): such a file is not a fair question.
    assume("/\\ " not in text)
    theirs = CodeOwners(text).paths[::-1]  # the package keeps them last first
    # Nothing injected: one rule for the hand-written line, then exactly one per entry, each with its one owner.
    assert [(rule[1], [owner for _, owner in rule[2]]) for rule in theirs] == \
        [("*", ["@acme/default"])] + [(entry.pattern, [entry.owner]) for entry in generated.entries]
    valid_teams = {"@" + team for team, _ in declared if GITHUB_TEAM.fullmatch(team)}
    claims: dict[str, set[str]] = {}
    for index, (_, paths) in enumerate(declared):
        for path in paths:
            if path_problem(path) is None:
                claims.setdefault(claim_key(path), set()).add(f"s{index}")
    for entry in generated.entries:
        assert entry.owner in valid_teams
        assert claims[claim_key(entry.path)] == {entry.service}  # a path claimed twice is never written
        probe = relative_path(entry.path).rstrip("/")
        if not any(c in probe for c in "*? ") and probe:
            owners = [owner for _, owner in CodeOwners(text).of(probe + "/file")]
            later = [e for e in generated.entries if compile_pattern(e.pattern).matches(probe + "/file")]
            assert owners == [later[-1].owner]  # the declared owner of the most specific declared path
    for index, (github_team, paths) in enumerate(declared):
        for path in paths:
            if path_problem(path) is not None:
                assert any(d.rule == "CFG002" and path_problem(path) in d.message for d in generated.problems)
        if paths and not GITHUB_TEAM.fullmatch(github_team) and any(path_problem(p) is None for p in paths):
            assert all(entry.service != f"s{index}" for entry in generated.entries)


def test_working_out_ownership_has_a_ceiling_and_says_so(repo, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from checker.codeowners import audit

    monkeypatch.setattr(audit, "MAX_TESTS", 50)
    hostile = "".join(f"*{i}*a*b*c @evil/x\n" for i in range(20))
    root = repo(CONFIG, FILES | {"CODEOWNERS": BEGIN + "\n# END ownership-as-code\n" + hostile})
    result = run("codeowners", "--repo", str(root), "--check")
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "too large to work out who GitHub assigns" in result.output
