"""Hypothesis strategies for the config's values: mostly what a real config holds, mixed with what an
attacker or a careless edit writes (odd names, line breaks, control characters, huge numbers, dates at
the edges of the calendar, times the clocks skip, glob metacharacters, markup of every output syntax)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from checker.rules import CATALOGUE


def mixed(usual: st.SearchStrategy[Any], hostile: st.SearchStrategy[Any], odds: int = 3) -> st.SearchStrategy[Any]:
    """`odds` parts usual to one part hostile."""
    return st.one_of(*([usual] * odds), hostile)


# Text that means something in one of the outputs: workflow commands, terminal escapes, Markdown, HTML,
# Mermaid, YAML, iCalendar, CODEOWNERS; line and paragraph separators, bidi overrides, a lone surrogate
# (YAML's "\ud800" escape gives one), invisible and astral characters.
HOSTILE_TEXT = [
    "", " ", "a\nb", "trailing\n", "\r", "x\r\ny", "::error file=x::forged", "::stop-commands::tok",
    "  ::warning::x", "##[error]legacy", "\x1b[2K\x1b[1A\x1b[32mno problems found", "\x00", "\x07\x08", "\x85",
    "\u2028", "\u2029", "\u202etxt.exe", "\u200b", "\ufeff", "\ud800", "\U0001f600", "é", "ﬁ", "Ω" * 3,
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&lt;b&gt;", "&#10;", "javascript:alert(1)",
    "@everyone", "@acme/payments", "#1", "`", "``` ", "~~~", "|", "a|b", "[x](javascript:alert(1))",
    "![i](https://evil/x.png)", "**bold**", "_", "\\", "%0A", "%", "{{ $labels.team }}", "{% raw %}",
    "%%{init: {}}%%", "section x", "gantt", "2026-01-01", ":", ";", "BEGIN:VEVENT", "END:VCALENDAR",
    "\\n", ",", "\"", "'", "- a", "? x", "&anchor", "*alias", "!!python/object", "# BEGIN ownership-as-code",
    "* @mallory", "docs/ @mallory", "x" * 300, "a\tb", "\x7f",
]
hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=12))
plain_text = st.sampled_from(["Alice Archer", "Vendor support, +1 555 0100", "#payments-oncall", "leave",
                              "caring for a dependent", "OPS-123 batch job", "Checkout API"])
text = mixed(plain_text, hostile_text)

VALID_NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "a", "0", "x-1", "a.b", "a_b", "payments",
               "sre", "checkout-api", "true", "no", "null", "1e3", "0x1f", "nan", "on", "section", "gantt"]
HOSTILE_NAMES = ["", "Alice", "a b", "a\n", "-a", "a/b", "::x", "<b>", "é", "a" * 200, "*", "a#b", "a\u2028",
                 "\ud800", "a@b", "x`y", "..", ".", "a:b", "\x1b[2J"]
names = mixed(st.sampled_from(VALID_NAMES), st.one_of(st.sampled_from(HOSTILE_NAMES), st.text(max_size=6)), 5)

TIMEZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
             "Pacific/Kiritimati", "Pacific/Apia", "America/St_Johns", "Etc/GMT+12", "Antarctica/Troll",
             "Africa/Casablanca", "Europe/Dublin", "Australia/Sydney", "Asia/Kolkata"]
HOSTILE_ZONES = ["Not/AZone", "", "../../etc/passwd", "local", "EST5EDT", "Factory", "posixrules", "utc",
                 "Europe/London\n", "/usr/share/zoneinfo/UTC", "UTC+1", "zoneinfo"]
timezones = mixed(st.sampled_from(TIMEZONES), st.sampled_from(HOSTILE_ZONES))

# Local times the clocks skip or repeat (DST), and the edges of what dates may be.
DST_TIMES = ["2026-03-29T01:30", "2026-10-25T01:30", "2026-03-08T02:30", "2026-11-01T01:30",
             "2026-04-05T02:15", "2026-10-04T02:15", "2011-12-30T12:00", "2026-03-29T01:00", "2026-03-29T02:00"]
EDGE_DATES = ["1970-01-01", "1969-12-31", "2199-12-31", "2200-01-01", "0001-01-01", "9999-12-31", "2026-02-29",
              "2028-02-29", "2026-13-01", "2026-00-10", "2026-01-32", "0000-00-00"]
OFFSETS = ["", "", "", "Z", "+05:30", "-08:00", "+14:00", "-12:00", "+0545", "+23:59", "-23:59", "+24:00",
           "+99:99", "+00:00"]


@st.composite
def datetimes(draw: st.DrawFn, dates_only: bool = False) -> str:
    """YYYY-MM-DD[THH:MM[:SS][offset]], mostly near 2026, sometimes at or past the edges."""
    if draw(st.integers(0, 9)) == 0:
        return str(draw(st.one_of(st.sampled_from(DST_TIMES + EDGE_DATES), hostile_text)))
    year = draw(st.one_of(st.sampled_from([2025, 2026, 2026, 2026, 2027]), st.sampled_from([1970, 2199])))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    if dates_only or draw(st.booleans()) is False and draw(st.booleans()):
        return f"{year:04d}-{month:02d}-{day:02d}"
    hour = draw(st.sampled_from([0, 9, 12, 12, 17, 23]))
    minute = draw(st.sampled_from([0, 0, 30, 59]))
    seconds = draw(st.sampled_from(["", "", ":00", ":59"]))
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}{seconds}{draw(st.sampled_from(OFFSETS))}"


dates = datetimes(dates_only=True)

DURATIONS = ["1w", "1w", "1d", "2d", "12h", "8h", "3d", "2w", "4w"]
HOSTILE_DURATIONS = ["0m", "0w", "1m", "30m", "59m", "99999999999w", "5217w", "5218w", "36525d", "36526d",
                     "0000000000001h", "0", "", "1.5d", "-1d", "1W", "1y", "P1W", "1 w", "52w", "9999h"]
durations = mixed(st.sampled_from(DURATIONS), st.sampled_from(HOSTILE_DURATIONS))
# Hostile shifts and horizons include slot-heavy ones (1m, 5217w): the engine refuses those as CFG005 before
# simulating anything (test_slot_bounds.py).
shifts = mixed(st.sampled_from(DURATIONS), st.sampled_from(HOSTILE_DURATIONS))
horizons = mixed(st.sampled_from(["12w", "4w", "1w", "26w", "52w"]), st.sampled_from(HOSTILE_DURATIONS))

WINDOWS = ["00:00-24:00", "09:00-17:00", "20:00-08:00", "07:00-22:00", "08:00-20:00"]
HOSTILE_WINDOWS = ["24:00-00:00", "00:00-00:00", "12:00-12:00", "23:59-00:01", "24:59-25:00", "9:00-17:00",
                   "00:00-24:01", "bad", "", "17:00-09:00", "00:01-00:00"]
windows = mixed(st.sampled_from(WINDOWS), st.sampled_from(HOSTILE_WINDOWS))

MONTH_DAYS = ["12-22", "01-03", "12-25", "01-01", "02-29", "12-31", "07-04"]
month_days = mixed(st.sampled_from(MONTH_DAYS), st.sampled_from(["02-30", "13-01", "00-00", "1-1", "", "12-32"]))
weekdays = mixed(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), st.sampled_from(["Mon", "x"]))
rule_ids = mixed(st.sampled_from(sorted(CATALOGUE)), st.sampled_from(["NOPE", "cfg001", "ROT999", ""]), 6)
severities = mixed(st.sampled_from(["error", "warning", "off"]), st.sampled_from(["maybe", "", "ERROR"]))
numbers = st.one_of(st.integers(-3, 12), st.sampled_from([0.0, 0.25, 1.0, 1.5, 10**30, -1, 2**63]),
                    st.floats(allow_nan=False, allow_infinity=False, width=32))

GLOBS = ["services/*", "deploy/**/*.yaml", "**/catalog-info.yaml", "monitoring/**/*.yaml", "monitoring/*.yml",
         "ownership/*.yaml", "services/*/", "*", "**"]
HOSTILE_GLOBS = ["********************x", "[]", "[z-a]", "[!]", "**x", "a/**/b/**/c/**/d", "", "/abs/*", "../*",
                 "services/\n*", "[a-", "\\", "services/[!a-c]*", "**/**/**/**", "?" * 40, "{a,b}", "x" * 600,
                 "monitoring/**/*.y*ml", "é/*", ".git/*"]
globs = mixed(st.sampled_from(GLOBS), st.sampled_from(HOSTILE_GLOBS), 2)

PATHS = ["services/checkout/", "/docs/", "libs/**/*.go", "services/*/", "deploy/", "services/accounts"]
HOSTILE_PATHS = ["docs/ @mallory", "services/x/\n* @mallory\n#", "../x", "a#b", "a b/", "[a]", "!x", "\\#x",
                 " x", "x ", "a//b", "./a", "/", ".", "a\tb", "é/", "a\u2028b", "*", "**", "/.git/", "x\\y", "@x"]
repo_paths = mixed(st.sampled_from(PATHS), st.one_of(st.sampled_from(HOSTILE_PATHS), st.text(max_size=8)), 2)

GITHUB_TEAMS = ["acme/payments", "acme/sre", "acme/identity"]
HOSTILE_TEAMS = ["acme/payments\n", "@acme/x", "acme", "a/b/c", "acme/pay ments", "acme/x\n* @mallory", "", "/x"]
github_teams = mixed(st.sampled_from(GITHUB_TEAMS), st.sampled_from(HOSTILE_TEAMS))
github_logins = mixed(st.sampled_from(["alice-example", "bob", "c0"]),
                      st.sampled_from(["-x", "a--b", "x" * 40, "mallory\n", "a_b", ""]))
emails = mixed(st.sampled_from(["alice@example.com", "b@x.io"]),
               st.sampled_from(["a@b\r\nATTENDEE:x", "Alice <a@b>", "@", "a@@b", "a b@c", "", "a@b;c", "é@x"]))
countries = mixed(st.sampled_from(["GB", "US", "US-CA", "DE", "AU-NSW"]), st.sampled_from(["XX", "gb", "U", "ZZ-9"]))

RUNBOOKS = ["docs/runbooks/{s}.md", "docs/runbooks/{s}.md", "https://wiki.example/{s}"]
HOSTILE_RUNBOOKS = ["http://x", "javascript:alert(1)", "https://", "docs/missing.md", "docs/empty.md",
                    "../outside.md", "/etc/passwd", ".git/config", "docs/runbooks/{s}.md#anchor", "docs/\x00.md",
                    "docs/link.md", "docs/runbooks/", "https://a/b)c](javascript:x)", "HTTPS://X", "docs/runbooks/é.md",
                    "https://x/\u202e", "data:text/html,x", "services"]
runbook_templates = mixed(st.sampled_from(RUNBOOKS), st.sampled_from(HOSTILE_RUNBOOKS), 2)
