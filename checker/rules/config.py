"""CFG rules: raised while reading the config (load, schema, model), documented here."""

from ..diagnostics import Severity
from .registry import declare

declare("CFG001", "yaml-syntax", Severity.ERROR, """
    A file is not valid YAML, not UTF-8, or exceeds the size, alias or nesting limits.

    Why: the config comes from pull requests, possibly from forks. Only plain
    YAML is read: explicit tags such as `!!python/object` are refused, files
    are at most 10 MiB, nesting at most 100 levels, and aliases may not expand
    a document past 2,000,000 nodes.

    Fails:
        services:
          api: {team: payments
    Fixed:
        services:
          api: {team: payments}
""")

declare("CFG002", "schema", Severity.ERROR, """
    A value has the wrong type or form, a key is unknown, or a required key is missing.

    Why: a misspelt key (`runbok`) is otherwise silently ignored, and the
    service looks covered when it is not. The message names the closest known
    key. `ownership schema` prints the JSON Schema for editor completion.

    Fails:
        services:
          checkout-api:
            runbok: docs/runbooks/checkout.md
    Fixed:
        services:
          checkout-api:
            runbook: docs/runbooks/checkout.md
""")

declare("CFG003", "duplicate-key", Severity.ERROR, """
    A key repeats in one mapping, or a name is defined in two included files.

    Why: YAML parsers keep the last of two equal keys without a word, so half
    of a definition disappears. Here both places are named instead.

    Fails:
        services:
          checkout-api: {team: payments}
          checkout-api: {team: sre}
    Fixed:
        services:
          checkout-api: {team: payments}
""")

declare("CFG004", "unknown-reference", Severity.ERROR, """
    A name refers to a person, team, rotation or service that is not declared.

    Why: a typo in a rotation's members or a service's team means nobody is
    paged. The message suggests the closest declared name. An `include` glob
    that matches no file is reported here too.

    Fails:
        rotations:
          payments-eu: {team: payments, members: [alcie, bob], shift: 1w, start: 2026-01-06T12:00}
    Fixed:
        rotations:
          payments-eu: {team: payments, members: [alice, bob], shift: 1w, start: 2026-01-06T12:00}
""")

declare("CFG005", "invalid-value", Severity.ERROR, """
    A time zone, date or duration is impossible: an unknown zone, 2026-02-30,
    a local time skipped by a DST change, leave whose `to` is before its
    `from`, or a zero-length shift.

    Why: schedules computed from impossible values are wrong in ways nobody
    notices until a page goes unanswered.

    Fails:
        rotations:
          payments-eu: {timezone: Europe/Londn, shift: 0w, start: 2026-02-30T12:00}
    Fixed:
        rotations:
          payments-eu: {timezone: Europe/London, shift: 1w, start: 2026-03-03T12:00}
""")
