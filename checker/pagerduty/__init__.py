"""PagerDuty, an adapter at the edge (SPEC §10): the repository is the source of truth, PagerDuty where it is applied.

- timeline.py  who holds the pager when, as stretches; where two timelines differ (pure)
- mapping.py   rotation -> schedule: rosters -> layers, `hours`/`days` -> restrictions (pure)
- client.py    the official `pagerduty` client, bounded (time budget, pages, retries, answer size), errors
               as one line without the token; imported only by the commands and `check --online`
- plan.py      the changes `apply` would make (layers, overrides), and applying them
- lookup.py    `check --online`: PagerDuty's final schedules, gathered before the rules run (DRF001)
- importer.py  `ownership import pagerduty`: existing schedules as this config's YAML

Nothing in this package is imported by `check` without `--online`; the `pagerduty` library itself only
by client.py.
"""
