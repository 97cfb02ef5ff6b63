"""`ownership calendar`: valid RFC 5545 that independent readers (icalendar, vobject, ics-py, and the strict
`ical`) read alike, each event where the engine puts it; VTIMEZONEs checked with dateutil's and icalendar's
own readings of them against zoneinfo; hostile values cannot break a line."""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checker.cli.common import load_model
from checker.model import Model
from checker.model.entities import Person, Rotation
from checker.report.calendar import calendar_schedule, fold, to_ical
from checker.report.ical_zones import ZoneTimes, transitions, vtimezone
from checker.schedule import simulate

ZONES = """\
version: 1
people:
  ann: {name: Ann Ács, email: ann@example.com}
  bob: {name: "Bob O'Brien", email: bob@example.com}
  cat: {name: Cat Çelik}
  dan: {}
teams:
  t: {members: [ann, bob, cat, dan]}
rotations:
  london:
    team: t
    timezone: Europe/London
    members: [ann, bob, cat, dan]
    shift: 1w
    start: 2026-01-06T12:00
    overrides:
      - {person: dan, from: "2026-01-07T17:30+05:30", to: 2026-01-08T12:00}
      - {person: cat, from: "2026-10-25T01:30+00:00", to: 2026-10-25T09:00}
  york-nights:
    {team: t, timezone: America/New_York, members: [bob, cat, dan, ann], shift: 1d, start: 2026-01-05T20:00,
     hours: "20:00-08:00"}
  lord-howe: {team: t, timezone: Australia/Lord_Howe, members: [cat, dan, ann, bob], shift: 1w, start: 2026-01-05T09:00}
  chatham: {team: t, timezone: Pacific/Chatham, members: [dan, ann, bob, cat], shift: 2d, start: 2026-01-05T02:45}
  dublin: {team: t, timezone: Europe/Dublin, members: [ann, cat, bob, dan], shift: 1w, start: 2026-01-05T01:30}
  kolkata: {team: t, timezone: Asia/Kolkata, members: [bob, ann, dan, cat], shift: 1w, start: 2026-01-05T09:00}
  four-weeks: {team: t, timezone: America/Sao_Paulo, members: [cat, bob, ann, dan], shift: 4w, start: 2026-01-05T09:00}
  utc: {team: t, members: [cat, bob, ann, dan], shift: 1w, start: 2026-01-05T00:00}
"""
YEAR = ("--from", "2026-01-01T00:00Z", "--weeks", "53")

Event = tuple[str, datetime, datetime]  # summary, start, end (UTC)


def calendar(run, root: Path, *args: str) -> bytes:  # type: ignore[no-untyped-def]
    target = root / "oncall.ics"
    result = run("calendar", "--repo", str(root), "--output", str(target), *args)
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def engine(root: Path, since: str, weeks: int) -> list[Event]:
    """Every piece the engine schedules that meets the weeks from `since`, whole: simulated over a range
    far wider than any shift of ZONES, which cuts no holidays, so the range changes nothing else."""
    model = load_model(str(root), None)
    start = datetime.fromisoformat(since)
    until = start + timedelta(weeks=weeks)
    schedule = simulate(model, start - timedelta(weeks=10), horizon=timedelta(weeks=weeks + 20))
    out = []
    for name, rotation_schedule in schedule.rotations.items():
        for slot in rotation_schedule.slots:
            if slot.end > start and slot.start < until:
                person = model.people[slot.person]
                out.append((f"On call: {person.display_name or slot.person} ({name})",
                            slot.start.astimezone(UTC), slot.end.astimezone(UTC)))
    return sorted(out)


def physical_lines(data: bytes) -> list[bytes]:
    """The file's lines, checked: CRLF only, at most 75 octets, each whole UTF-8 on its own."""
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    for line in lines:
        assert b"\r" not in line and b"\n" not in line, line
        assert len(line) <= 75, line
        line.decode("utf-8")  # strict: folding never splits a multi-byte sequence
    return lines


def content_lines(data: bytes) -> list[str]:
    """Unfolded content lines (RFC 5545 §3.1)."""
    return re.sub(rb"\r\n[ \t]", b"", data).decode("utf-8").split("\r\n")[:-1]


def read_icalendar(data: bytes) -> list[tuple[str, str, datetime, datetime]]:
    from icalendar import Calendar

    return sorted((str(e["UID"]), str(e["SUMMARY"]), e["DTSTART"].dt.astimezone(UTC), e["DTEND"].dt.astimezone(UTC))
                  for e in Calendar.from_ical(data).walk("VEVENT"))


def read_vobject(data: bytes) -> list[tuple[str, str, datetime, datetime]]:
    import vobject

    calendar = vobject.readOne(data.decode("utf-8"))
    return sorted((e.uid.value, e.summary.value, e.dtstart.value.astimezone(UTC), e.dtend.value.astimezone(UTC))
                  for e in calendar.vevent_list)


def read_ics(data: bytes) -> list[tuple[str, str, datetime, datetime]]:
    import ics
    import tatsu.color

    # ics's grammar (TatSu) calls colorama.init() on every line it parses where colorama is installed; each call
    # wraps sys.stdout once more until isatty() recurses too deep. Colour is irrelevant to parsing.
    with mock.patch.object(tatsu.color, "init", lambda: None):
        events = ics.Calendar(data.decode("utf-8")).events
    return sorted((e.uid, e.name, e.begin.datetime.astimezone(UTC), e.end.datetime.astimezone(UTC)) for e in events)


def read_ical(data: bytes) -> list[tuple[str, str, datetime, datetime]]:
    """`ical`: a strict parser that validates every component and value against RFC 5545 with pydantic."""
    from ical.calendar_stream import IcsCalendarStream

    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return sorted((e.uid, e.summary, e.dtstart.astimezone(UTC), e.dtend.astimezone(UTC))  # type: ignore[union-attr]
                  for e in calendar.events)


READERS = {"icalendar": read_icalendar, "vobject": read_vobject, "ics-py": read_ics, "ical": read_ical}


def test_every_reader_reads_every_event_where_the_engine_puts_it(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(ZONES)
    data = calendar(run, root, *YEAR)
    expected = engine(root, "2026-01-01T00:00Z", 53)
    assert len(expected) > 700
    uids = None
    for reader, read in READERS.items():
        events = read(data)
        assert sorted((summary, start, end) for _, summary, start, end in events) == expected, reader
        assert len({uid for uid, *_ in events}) == len(events), reader  # UIDs are unique
        uids = uids or {uid for uid, *_ in events}
        assert {uid for uid, *_ in events} == uids, reader


def test_every_tzid_has_a_vtimezone_that_reads_as_the_engines_instants(repo, run) -> None:  # type: ignore[no-untyped-def]
    from dateutil import tz
    from icalendar import Calendar

    root = repo(ZONES)
    data = calendar(run, root, *YEAR)
    lines = content_lines(data)
    text = "\r\n".join(lines)
    blocks = re.findall(r"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE", text, re.DOTALL)
    # dateutil reads each VTIMEZONE as written (ics-py and vobject use it for zones they don't know)
    zones = {re.search(r"TZID:(.*)", b)[1].strip(): tz.tzical(io.StringIO(b)).get() for b in blocks}  # type: ignore[index]
    used = {m for line in lines for m in re.findall(r"^DT(?:START|END);TZID=([^:;]+):", line)}
    assert used == set(zones) == {"Europe/London", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham",
                                  "Europe/Dublin", "Asia/Kolkata", "America/Sao_Paulo"}
    written = []
    for line in lines[lines.index("BEGIN:VEVENT"):]:  # the events' times, not the observances'
        if match := re.fullmatch(r"DT(START|END)(?:;TZID=([^:]+))?:(\d{8}T\d{6})(Z?)", line):
            local = datetime.strptime(match[3], "%Y%m%dT%H%M%S")
            written.append(local.replace(tzinfo=UTC if match[4] else zones[match[2]]).astimezone(UTC))
    instants = {t for _, start, end in engine(root, "2026-01-01T00:00Z", 53) for t in (start, end)}
    assert written and set(written) == instants
    # icalendar's own reading of the observances (not dateutil's): the offset every hour of the range is zoneinfo's
    for component in Calendar.from_ical(data).walk("VTIMEZONE"):
        times, info = component.get_transitions()
        zone = ZoneInfo(str(component["TZID"]))
        moment = datetime(2026, 1, 1)
        while moment < datetime(2027, 1, 10):
            offset = info[bisect_right(times, moment) - 1][0]
            assert offset == moment.replace(tzinfo=UTC).astimezone(zone).utcoffset(), (zone, moment)
            moment += timedelta(hours=1)


def test_an_override_written_with_an_offset_is_shown_in_the_rotations_zone(repo, run) -> None:  # type: ignore[no-untyped-def]
    # 17:30+05:30 is 12:00 UTC, 12:00 in London in January: no fixed-offset TZID="UTC+05:30" leaks out
    data = calendar(run, repo(ZONES), "london", "--from", "2026-01-07T00:00Z", "--weeks", "1").decode()
    assert "UTC+" not in data and "+05:30" not in data
    assert ("UID:london-s0-20260107T120000Z@ownership-as-code\r\nDTSTAMP:20260107T000000Z\r\n"
            "DTSTART;TZID=Europe/London:20260107T120000\r\nDTEND;TZID=Europe/London:20260108T120000\r\n"
            "SUMMARY:On call: dan (london)\r\n") in data


def test_the_second_pass_through_a_repeated_hour_is_written_in_utc(repo, run) -> None:  # type: ignore[no-untyped-def]
    # 2026-10-25 01:30 London happens twice; the override starts at the second one (01:30 GMT), which a
    # local time with TZID cannot name (RFC 5545 reads it as the first, 00:30 UTC)
    data = calendar(run, repo(ZONES), "london", "--from", "2026-10-24T00:00Z", "--weeks", "1")
    assert "DTSTART:20261025T013000Z\r\nDTEND;TZID=Europe/London:20261025T090000\r\nSUMMARY:On call: Cat Çelik" \
        in data.decode()
    for reader, read in READERS.items():
        assert ("On call: Cat Çelik (london)", datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
                datetime(2026, 10, 25, 9, tzinfo=UTC)) in [e[1:] for e in read(data)], reader


def test_from_clips_nothing_and_a_shift_keeps_its_uid(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(ZONES)
    early = calendar(run, root, "--from", "2026-03-01T00:00Z", "--weeks", "6")
    late = calendar(run, root, "--from", "2026-03-18T15:00Z", "--weeks", "6")

    def events(data: bytes) -> dict[str, str]:
        found = re.findall(r"BEGIN:VEVENT\r\n(UID:[^\r]*)\r\nDTSTAMP:[^\r]*\r\n(.*?)END:VEVENT", data.decode(), re.DOTALL)
        return dict(found)

    before, after = events(early), events(late)
    shared = set(before) & set(after)
    assert len(shared) > 50 and all(before[uid] == after[uid] for uid in shared)
    # the shift under way at --from keeps its real start: a 4-week shift began 2026-03-02 09:00 in São Paulo
    # (more than the 15 days the engine looks back), the weekly London shift on Tuesday 2026-03-17 12:00
    assert "DTSTART;TZID=America/Sao_Paulo:20260302T090000" in late.decode()
    assert "UID:london-s10-20260317T120000Z@ownership-as-code" in after
    assert after["UID:london-s10-20260317T120000Z@ownership-as-code"].startswith(
        "DTSTART;TZID=Europe/London:20260317T120000\r\n")


def test_same_inputs_same_bytes_stamped_with_from_and_no_itip(repo, run) -> None:  # type: ignore[no-untyped-def]
    root = repo(ZONES)
    first, second = calendar(run, root, *YEAR), calendar(run, root, *YEAR)
    assert first == second
    lines = content_lines(first)
    assert {line for line in lines if line.startswith("DTSTAMP")} == {"DTSTAMP:20260101T000000Z"}
    names = {re.split(r"[;:]", line, maxsplit=1)[0] for line in lines}
    assert "METHOD" not in names and "ATTENDEE" not in names and "ORGANIZER" not in names
    assert "CONTACT:Ann Ács <ann@example.com>" in lines  # the email a published calendar may carry


def test_content_is_the_schedule_as_before(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import REPO_ROOT

    target = tmp_path / "acme.ics"
    result = run("calendar", "payments-eu", "--repo", str(REPO_ROOT / "examples/acme"), "--output", str(target),
                 "--from", "2026-12-20T00:00Z", "--weeks", "2")
    assert result.exit_code == 0 and "wrote" in result.output
    from icalendar import Calendar

    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    override = [e for e in events if "Override" in str(e["DESCRIPTION"])]
    assert override and str(override[0]["DESCRIPTION"]).startswith("Rotation: payments-eu\nPerson: ")
    for event in events:
        assert str(event["SUMMARY"]).startswith("On call: ") and str(event["SUMMARY"]).endswith(" (payments-eu)")
        assert event["CATEGORIES"].cats == ["on-call", "payments-eu"]
        assert str(event["TRANSP"]) == "TRANSPARENT"


HOSTILE_PEOPLE = {
    "eve": ("Eve\r\nBEGIN:VEVENT\r\nATTENDEE;CN=x:mailto:evil@example.com",
            "eve@example.com\r\nORGANIZER:mailto:evil@example.com"),
    "zoe": ('Zoë "Z" Ząb; 東京, 🚀: ok', 'zoe,"q";x:y@例え.jp'),
    "kim": ("K" * 40 + "é" * 3000 + "🚀" * 50, "k@" + "例" * 200 + ".jp"),
    "max": ("\u0301\u200d", "m@example.com\r"),
    "win": ("C:\\next\\;\\,\\\\", "w@example.com"),
}


def test_hostile_names_and_emails_cannot_split_a_line_or_add_a_property(repo, run) -> None:  # type: ignore[no-untyped-def]
    from icalendar import Calendar

    from checker.escape import yaml_scalar

    people = "\n".join(f"  {login}: {{name: {yaml_scalar(name)}, email: {yaml_scalar(email)}}}"
                       for login, (name, email) in HOSTILE_PEOPLE.items())
    root = repo(f"""\
version: 1
people:
{people}
teams:
  t: {{members: [{", ".join(HOSTILE_PEOPLE)}]}}
rotations:
  r: {{team: t, timezone: Asia/Tokyo, members: [{", ".join(HOSTILE_PEOPLE)}], shift: 1d, start: 2026-01-05T09:00}}
""")
    result = run("calendar", "--repo", str(root), "--output", str(root / "oncall.ics"), "--from", "2026-01-05T00:00Z",
                 "--weeks", "1")
    assert result.exit_code == 0 and "wrote 7 shifts of 1 rotation(s)" in result.output
    data = (root / "oncall.ics").read_bytes()
    physical_lines(data)
    expected = {f"On call: {name.replace(chr(13) + chr(10), chr(10)).replace(chr(13), chr(10))} (r)"
                for name, _ in HOSTILE_PEOPLE.values()}
    for reader, read in READERS.items():
        events = read(data)
        assert len(events) == 7, reader
        summaries, wanted = {summary for _, summary, *_ in events}, expected
        if reader == "ics-py":
            # ics-py 0.7.3 unescapes with chained replaces (`\\n` -> `\` + newline), so it alone misreads
            # an escaped backslash before n, `;` or `,` (ics/utils.py unescape_string): not compared
            summaries = {s for s in summaries if "C:" not in s}
            wanted = expected - {f"On call: {HOSTILE_PEOPLE['win'][0]} (r)"}
        assert summaries == wanted, reader
    for event in Calendar.from_ical(data).walk("VEVENT"):
        assert set(event) == {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "CATEGORIES",
                              "TRANSP", "CONTACT"}
        assert str(event["DESCRIPTION"]).count("\n") == 1  # "Rotation: r\nPerson: x": no forged line
    contacts = {str(e["CONTACT"]) for e in Calendar.from_ical(data).walk("VEVENT")}
    assert "Eve\nBEGIN:VEVENT\nATTENDEE;CN=x:mailto:evil@example.com <eve@example.com\nORGANIZER:mailto:evil@example.com>" \
        in contacts


# ---------------------------------------------------------------- properties, in memory

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("\r\n;,\":\\"),
               max_size=200)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rotation=TEXT.filter(bool), name=TEXT, email=TEXT)
def test_any_text_in_any_field_gives_a_file_icalendar_reads_back(rotation: str, name: str, email: str) -> None:
    from icalendar import Calendar

    model = Model("ownership.yaml")
    model.people["p"] = Person("p", None, display_name=name or None, email=email or None)  # type: ignore[arg-type]
    model.rotations[rotation] = Rotation(rotation, None, members=["p"], shift=timedelta(days=1),  # type: ignore[arg-type]
                                         start=datetime(2026, 1, 5, 9, tzinfo=UTC), tz=ZoneInfo("Europe/Paris"))
    since = datetime(2026, 1, 6, tzinfo=UTC)
    data = to_ical(model, calendar_schedule(model, since, timedelta(days=3)), since)
    physical_lines(data)
    events = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 4

    def kept(text: str) -> str:  # what iCalendar TEXT can hold: line breaks as \n, no other controls
        return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text.replace("\r\n", "\n").replace("\r", "\n"))

    assert str(events[0]["SUMMARY"]) == kept(f"On call: {name or 'p'} ({rotation})")
    assert events[0]["CATEGORIES"].cats == ["on-call", kept(rotation)]
    assert len({str(e["UID"]) for e in events}) == 4


@given(st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=300))  # escaped text
def test_fold_keeps_every_line_within_75_octets_and_unfolds_to_the_text(text: str) -> None:
    folded = fold("X:" + text).encode("utf-8")
    lines = physical_lines(folded + b"\r\n")
    assert all(line.startswith(b" ") for line in lines[1:])
    assert b"".join(line[1:] if i else line for i, line in enumerate(lines)) == \
        ("X:" + text).encode("utf-8", "replace")


ALL_ZONES = sorted(available_timezones())


@settings(max_examples=80, deadline=None)
@given(name=st.sampled_from(ALL_ZONES), begin=st.datetimes(datetime(1980, 1, 1), datetime(2060, 1, 1)))
def test_transitions_are_every_change_zoneinfo_makes(name: str, begin: datetime) -> None:
    zone = ZoneInfo(name)
    first = begin.replace(tzinfo=UTC)
    last = first + timedelta(days=400)
    found = transitions(zone, first, last)
    offset = first.astimezone(zone).utcoffset()
    changes = iter(found)
    upcoming = next(changes, None)
    moment = first
    while moment <= last:
        while upcoming and upcoming[0] <= moment:
            assert upcoming[1] == offset and (upcoming[0] - timedelta(seconds=1)).astimezone(zone).utcoffset() == offset
            offset = upcoming[2]
            upcoming = next(changes, None)
        assert moment.astimezone(zone).utcoffset() == offset, (name, moment)
        moment += timedelta(hours=3)


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(ALL_ZONES), begin=st.datetimes(datetime(1975, 1, 1), datetime(2060, 1, 1)),
       days=st.integers(1, 400))
@example(name="America/Sao_Paulo", begin=datetime(2019, 1, 1), days=365)  # DST abolished after Feb 2019
@example(name="Asia/Tehran", begin=datetime(2022, 1, 1), days=400)  # the same, and never a weekday rule
@example(name="Africa/Casablanca", begin=datetime(2026, 1, 1), days=365)  # Ramadan moves every year
@example(name="Europe/Dublin", begin=datetime(2026, 1, 1), days=365)  # winter is zoneinfo's "negative DST"
def test_a_vtimezone_read_by_dateutil_gives_zoneinfos_offset_at_every_hour(name: str, begin: datetime,
                                                                          days: int) -> None:
    from dateutil import tz

    zone = ZoneInfo(name)
    times = ZoneTimes(zone)
    first = begin.replace(tzinfo=UTC)
    times.cover(first, first + timedelta(days=days))
    text = "\r\n".join(vtimezone(times))
    assert all(len(line) <= 75 for line in text.split("\r\n"))
    read = tz.tzical(io.StringIO(text)).get()
    moment = first
    while moment <= first + timedelta(days=days):
        local = moment.astimezone(zone)
        assert local.replace(tzinfo=read).utcoffset() == local.utcoffset(), (name, moment, text)
        moment += timedelta(hours=2)


def test_a_zone_with_a_yearly_rule_is_one_standard_and_one_daylight_rule_as_outlook_needs() -> None:
    def observances(name: str) -> list[str]:
        times = ZoneTimes(ZoneInfo(name))
        times.cover(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 5, 25, tzinfo=UTC))
        return [line for line in vtimezone(times) if line.startswith(("BEGIN:", "RRULE:"))]

    assert observances("Europe/London") == ["BEGIN:VTIMEZONE", "BEGIN:STANDARD",
                                            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "BEGIN:DAYLIGHT",
                                            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"]
    assert observances("America/New_York")[2:5:2] == ["RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
                                                      "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"]
    assert observances("Australia/Sydney")[2:5:2] == ["RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU",
                                                      "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU"]
    assert observances("Asia/Kolkata") == ["BEGIN:VTIMEZONE", "BEGIN:STANDARD"]


@pytest.mark.parametrize("start", ["9999-12-31T23:00Z", "0001-01-01T00:00Z"])
def test_dates_at_the_ends_of_the_calendar_are_a_one_line_error(run, start: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import REPO_ROOT

    result = run("calendar", "--repo", str(REPO_ROOT / "examples/acme"), "--output", str(tmp_path / "x.ics"),
                 "--from", start)
    assert result.exit_code == 2
    assert result.output.startswith("ownership: error: --from") and result.output.count("\n") == 1
    assert not (tmp_path / "x.ics").exists()


def test_the_readmes_calendar_excerpt_is_what_the_command_writes(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import REPO_ROOT

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    command, excerpt = re.search(r"```sh\n(ownership calendar .*?)\n```\n```\n(BEGIN:VEVENT\n.*?END:VEVENT\n)```",
                                 readme, re.DOTALL).groups()  # type: ignore[union-attr]
    args = command.split()[1:]
    args[args.index("examples/acme")] = str(REPO_ROOT / "examples/acme")
    args[args.index("oncall.ics")] = str(tmp_path / "oncall.ics")
    assert run(*args).exit_code == 0
    assert excerpt.replace("\n", "\r\n") in (tmp_path / "oncall.ics").read_bytes().decode("utf-8")
