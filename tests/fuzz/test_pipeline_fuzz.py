"""Any repository, every command, in process: no internal error, and every output as its readers need it.

Generated repositories (strategies.py) run through check (every reporter, diff mode's rendering too),
report (JSON, HTML, Markdown), who, calendar, codeowners and init; harness.py says what must hold.
Each bug the fuzzer found is pinned below as an @example, so it is tried first on every run.
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime

from hypothesis import example, given

from .harness import exercise
from .profiles import IN_PROCESS
from .strategies import FuzzRepo, repositories

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def repository(config: str, files: dict[str, bytes] | None = None, now: datetime = NOW) -> FuzzRepo:
    return FuzzRepo({**(files or {}), "ownership.yaml": textwrap.dedent(config).encode("utf-8")}, now)


# An escape sequence in a key reached the job log raw inside an annotation (`--format github`).
ESCAPE_IN_A_KEY = repository('version: 1\npeople:\n  "\\e[2J\\e[32m": {}\n')
# A right-to-left override in an escalation contact was written raw into the HTML report and Markdown,
# and in a display name into the report's Mermaid chart.
BIDI_IN_A_CONTACT = repository("""\
    version: 1
    people: {a: {name: "\\u202etxt.exe"}}
    teams:
      t: {members: [a], escalation: [{contact: "\\u202etxt.exe"}]}
    rotations:
      r: {team: t, members: [a], shift: 1w, start: 2026-01-06T12:00}
    """)
# A waiver whose subject holds a line break was reported again as WVR001, with that subject.
LINE_BREAK_IN_A_WAIVER = repository("""\
    version: 1
    waivers:
      - {rule: SVC005, subject: "trailing\\n", reason: "OPS-1", expires: 2020-01-31}
      - {rule: NOPE, subject: "\\x11?", reason: "OPS-1", expires: 2030-01-31}
    """)


@IN_PROCESS
@given(repositories())
@example(ESCAPE_IN_A_KEY)
@example(BIDI_IN_A_CONTACT)
@example(LINE_BREAK_IN_A_WAIVER)
def test_any_repository_goes_through_every_command(repo: FuzzRepo) -> None:
    exercise(repo)
