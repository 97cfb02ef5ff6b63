"""Coverage-guided fuzzing of every reader of untrusted bytes, with atheris (not collected by pytest).

    pip install atheris
    python -m tests.fuzz.atheris_readers -atheris_runs=2000000 -max_len=4096 [corpus/]

Each input picks a reader with its first byte: the config loader (YAML, schema, model), a Prometheus
rule file, an Alertmanager config (then routing an alert through it), a CODEOWNERS file (GitHub's
reading of it and the managed block), or a glob against a path. A reader may refuse its input with
diagnostics or its own documented error; any other exception is a crash atheris reports with the input.
"""

from __future__ import annotations

import sys
from typing import Any

import atheris

with atheris.instrument_imports():
    from checker.codeowners.block import BlockError, layout
    from checker.codeowners.patterns import owner_line, parse
    from checker.config import load_config
    from checker.globs import Glob, pattern_problem
    from checker.reporters import Outcome, get_reporter
    from checker.routing import route
    from checker.sources import alertmanager, prometheus

    from .harness import clean_log
    from .memory import MemorySource


def _config(data: bytes) -> None:
    loaded = load_config(MemorySource({"ownership.yaml": data}), "ownership.yaml")
    for fmt in ("text", "github"):
        clean_log(get_reporter(fmt).render(Outcome(loaded.diagnostics)), fmt, commands=fmt == "github")


def _rules(data: bytes) -> None:
    alerts, problems = prometheus.read(data, "rules.yaml")
    for alert in alerts:
        assert alert.subject.startswith("alert/rules.yaml#")
    for problem in problems:
        assert problem.location.line >= 1


def _alertmanager(data: bytes) -> None:
    config, _ = alertmanager.read(data, "alertmanager.yml")
    if config is not None:
        route({"alertname": "A", "severity": "page", "team": "payments"}, config.root)


def _codeowners(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    parsed = parse(text)
    owner_line(parsed.lines, "services/checkout/main.go")
    try:
        layout(text, "CODEOWNERS")
    except BlockError:
        pass


def _glob(data: bytes) -> None:
    pattern, _, path = data.decode("utf-8", "replace").partition("\x00")
    if pattern_problem(pattern) is None:
        Glob.compile(pattern).matches(path)


TARGETS: list[Any] = [_config, _rules, _alertmanager, _codeowners, _glob]


def one_input(data: bytes) -> None:
    if data:
        TARGETS[data[0] % len(TARGETS)](data[1:])


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
