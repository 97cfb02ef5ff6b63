"""What the fuzzer found in the schedule engine: configurations whose slots were unbounded (a one-minute shift,
a hundred-year horizon) are refused as CFG005 before anything is simulated."""

from __future__ import annotations

import textwrap

from checker.config import load_config

from .memory import MemorySource


def config_problems(config: str) -> list[tuple[str, int]]:
    source = MemorySource({"ownership.yaml": textwrap.dedent(config).encode()})
    return [(d.rule, d.location.line) for d in load_config(source, "ownership.yaml").diagnostics]


def test_a_one_minute_shift_is_cfg005_rather_than_simulated() -> None:
    # Found by tests/fuzz: `shift: 1m` makes `calendar` take 55 s and `report` 4 s on one rotation
    # (120,960 slots over the default 12 weeks, simulated again with doubled margins).
    assert ("CFG005", 5) in config_problems("""\
        version: 1
        people: {a: {}}
        teams: {t: {members: [a]}}
        rotations:
          r: {team: t, members: [a], shift: 1m, start: 2026-01-06T12:00}
        """)


def test_a_hundred_year_horizon_is_cfg005_rather_than_simulated() -> None:
    assert ("CFG005", 2) in config_problems("""\
        version: 1
        policy: {horizon: 5217w}
        """)
