"""Time values near the ends of `datetime` (years 1 and 9999) and huge durations: a clear CFG005 or a
one-line exit 2 naming the allowed range, never an internal error (OverflowError) downstream."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest

from checker.timeutil import FIRST_YEAR, LAST_YEAR, MAX_DURATION, parse_date, parse_datetime, parse_duration
from tests.conftest import NOW_TEXT, check_repo
from tests.test_diffmode import HEALTHY

RANGE = "dates are between 1970-01-01 and 2199-12-31"


@pytest.mark.parametrize(("where", "edit", "says"), [
    ("leave to 9999", ("people: {a: {}", "people: {a: {unavailable: [{from: 2026-01-01, to: 9999-12-31}]}"), RANGE),
    ("leave from year 1", ("people: {a: {}", "people: {a: {unavailable: [{from: 0001-01-01, to: 2026-01-01}]}"),
     RANGE),
    ("rotation start in year 1", ("start: 2026-01-06T12:00, holiday_shift: 1d}\n  s:",
                                  "start: 0001-01-01T00:00, holiday_shift: 1d}\n  s:"), RANGE),
    ("override at 9999", ("holiday_shift: 1d}\n  s:", ("holiday_shift: 1d, overrides: [{person: b, "
                                                       "from: 9999-12-30T00:00, to: 9999-12-31T23:00}]}\n  s:")),
     RANGE),
    ("huge horizon", ("policy: {rules: {ROT007: off}}", "policy: {horizon: 9999999999w, rules: {ROT007: off}}"),
     "a duration is at most 100 years"),
    ("huge shift", ("shift: 1w, start: 2026-01-06T12:00, holiday_shift: 1d}\n  s:",
                    "shift: 99999999999999999999999d, start: 2026-01-06T12:00, holiday_shift: 1d}\n  s:"),
     "a duration is at most 100 years"),
])
def test_out_of_range_times_are_cfg005(repo, where: str, edit: tuple[str, str], says: str) -> None:  # type: ignore[no-untyped-def]
    config = HEALTHY.replace(*edit)
    assert config != HEALTHY, where
    result = check_repo(repo(config))
    messages = [d.message for d in result.diagnostics if d.rule == "CFG005"]
    assert any(says in m for m in messages), (where, [(d.rule, d.message) for d in result.diagnostics])


def test_waiver_expiring_in_9999_is_cfg005(repo) -> None:  # type: ignore[no-untyped-def]
    config = HEALTHY + "waivers:\n  - {rule: SVC003, subject: service/legacy, reason: later, expires: 9999-12-31}\n"
    result = check_repo(repo(config))
    assert any(d.rule == "CFG005" and RANGE in d.message for d in result.diagnostics)


@pytest.mark.parametrize(("command", "option"), [
    (["check"], "--now"), (["report", "--format", "json"], "--now"), (["who", "api"], "--at"),
    (["calendar", "--output", "x.ics"], "--from"),
])
@pytest.mark.parametrize("value", ["9999-12-31T23:00Z", "0001-01-01T00:00Z", "1969-12-31T23:59Z"])
def test_instants_out_of_range_are_a_one_line_error(repo, run, command: list[str], option: str,  # type: ignore[no-untyped-def]
                                                    value: str) -> None:
    root = repo(HEALTHY)
    result = run(*command, "--repo", str(root), option, value)
    assert result.exit_code == 2
    assert result.output.strip() == f"ownership: error: {option}: '{value}' is out of range; {RANGE}"


def test_the_edges_of_the_range_still_work(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(HEALTHY.replace("people: {a: {}", "people: {a: {unavailable: [{from: 2199-12-01, to: 2199-12-31}]}"))
    assert run("check", "--repo", str(root), "--now", "2199-12-31T23:00Z").exit_code in (0, 1)
    assert run("check", "--repo", str(root), "--now", NOW_TEXT).exit_code in (0, 1)


def test_parsers_bound_years_and_durations() -> None:
    assert (FIRST_YEAR, LAST_YEAR) == (1970, 2199)
    assert parse_date("2199-12-31").year == 2199
    with pytest.raises(ValueError, match="out of range"):
        parse_date("2200-01-01")
    with pytest.raises(ValueError, match="out of range"):
        parse_datetime("1969-12-31T23:59", UTC)
    assert parse_duration("5217w") <= MAX_DURATION < parse_duration("5217w") + timedelta(weeks=1)
    assert parse_duration("36525d") == MAX_DURATION
    for text in ("5218w", "36526d", "876601h", "52596001m", "9" * 5000 + "m"):
        with pytest.raises(ValueError, match="at most 100 years"):
            parse_duration(text)
    assert parse_duration("0000000000000000000000001h") == timedelta(hours=1)  # leading zeros are fine


@pytest.mark.parametrize("offset", ["+24:00", "-2400", "+99:99", "+05:60"])
def test_an_impossible_utc_offset_says_so(offset: str) -> None:
    # found by tests/fuzz: `+24:00` gave Python's "offset must be a timedelta strictly between ..."
    with pytest.raises(ValueError, match=f"impossible UTC offset {re.escape(offset)}; offsets run from -23:59"):
        parse_datetime(f"2026-01-06T12:00{offset}", UTC)
    assert parse_datetime("2026-01-06T12:00+23:59", UTC)[0].utcoffset() == timedelta(hours=23, minutes=59)


def test_an_impossible_utc_offset_in_now_is_a_one_line_error(repo, run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--repo", str(repo(HEALTHY)), "--now", "2026-11-23T09:00+24:00")
    assert result.exit_code == 2
    assert result.output.strip() == ("ownership: error: --now: '2026-11-23T09:00+24:00' has the impossible UTC offset "
                                     "+24:00; offsets run from -23:59 to +23:59")


@pytest.mark.parametrize("text", ["２０２６-11-23T09:00Z", "2026-11-23T٠٩:00Z", "2026-11-23T09:00+０1:00"])
def test_digits_of_other_scripts_are_not_a_time(text: str) -> None:
    from checker.timeutil import parse_now

    with pytest.raises(ValueError):
        parse_now(text)
