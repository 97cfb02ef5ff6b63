"""Every command on one repository, in process, with what must hold of each output whatever the input:
no exception escapes (an exception is an internal error), every output reads back with a parser we did
not write, no line can act on a terminal or the Actions runner, every diagnostic is from the catalogue
and points at a file of the repository."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import icalendar
import jsonschema
from markdown_it import MarkdownIt

from checker.codeowners import LOCATIONS
from checker.codeowners.audit import AuditTooLarge
from checker.codeowners.block import BEGIN_MARK, END_MARK, BlockError
from checker.codeowners.generate import relative_path
from checker.codeowners.patterns import parse as parse_codeowners
from checker.codeowners.patterns import split_lines, tokens_of
from checker.codeowners.sync import plan
from checker.config import load_config
from checker.diagnostics import Diagnostic
from checker.init import initial_config
from checker.load import read_yaml
from checker.pipeline import CheckResult, run_check
from checker.report.calendar import calendar_schedule, to_ical
from checker.report.data import build_report
from checker.report.html import render as render_html
from checker.report.markdown import render as render_report_markdown
from checker.reporters import FORMATS, Checked, Outcome, get_reporter
from checker.reporters.markdown import render_comment
from checker.rules import CATALOGUE
from checker.who import on_call

from .memory import MemorySource
from .strategies import FuzzRepo

SUBJECT = re.compile(r"(service|team|rotation|person|alert|file)/")
# What no text output may hold: C0 controls but the line break, DEL, C1, line/paragraph separators, lone
# surrogates (they cannot even be encoded), bidi overrides and isolates.
RAW_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
# Our own workflow commands: `::error file=..,line=N,col=N,title=..::message`, properties and message escaped.
OWN_COMMAND = re.compile(r"::(error|warning) file=[^:,\n]*,line=\d+,col=\d+,title=[^:,\n]*::[^\r\n]*"
                         r"|::notice title=ownership check::\d+ more diagnostic\(s\) are listed in the job summary "
                         r"\(GitHub shows 10 errors and 10 warnings per step\)")
OWN_HTML_BLOCK = re.compile(r"<details><summary>\d+ existing or non-blocking diagnostic\(s\)</summary>\n"
                            r"|</details>\n")
MARKDOWN = MarkdownIt("commonmark").enable("table").enable("strikethrough")
SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "fixtures/sarif/sarif-schema-2.1.0.json"


@cache
def sarif_validator() -> Any:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def exercise(repo: FuzzRepo, sarif_schema: bool = True) -> None:
    """check (every format), report (every format), who, calendar, codeowners and init on repo."""
    source = MemorySource(repo.files, repo.symlinks)
    result = run_check(source, "ownership.yaml", repo.now)
    assert_diagnostics(result, source)
    outcome = Outcome(result.diagnostics, checked=Checked.of(result.model))
    check_reporters(outcome, sarif_schema)
    # diff mode's rendering: some diagnostics new, some old
    marked = [d.with_(new=index % 2 == 0) for index, d in enumerate(result.diagnostics)]
    check_reporters(Outcome(marked, diff_mode=True, checked=outcome.checked), sarif_schema=False)
    check_report(result, repo.now)
    check_who(result, repo.now)
    check_calendar(result, repo.now)
    check_codeowners(result, source)
    check_init(repo)


def assert_diagnostics(result: CheckResult, source: MemorySource) -> None:
    known_files = set(source.files()) | set(result.model.files)
    for d in result.diagnostics:
        assert d.rule in CATALOGUE, d
        assert d.name == CATALOGUE[d.rule].name, d
        assert SUBJECT.match(d.subject), d
        assert d.message.strip(), d
        assert d.location.line >= 1 and d.location.column >= 1, d
        assert d.location.file in known_files, (d, sorted(known_files))


def clean_text(text: str, where: str) -> None:
    """No raw control character, and nothing that cannot be written as UTF-8."""
    match = RAW_CONTROL.search(text)
    if match is not None:
        around = text[max(0, match.start() - 60):match.end() + 20]
        raise AssertionError(f"{where}: raw {match.group()!r} in {around!r}")
    text.encode("utf-8")


def clean_log(text: str, where: str, commands: bool = False) -> None:
    """A CI log: no line starts a workflow command unless it is one of ours, no legacy `##[` command."""
    clean_text(text, where)
    for line in text.split("\n"):
        if line.lstrip().startswith("::"):
            assert commands and OWN_COMMAND.fullmatch(line), f"{where}: {line!r}"
        else:  # inside our own command, `##[` is message text: the runner tries the legacy syntax only on
            # lines that are not a `::command::` (actions/runner ActionCommandManager.TryProcessCommand)
            assert "##[" not in line, f"{where}: {line!r}"


def check_reporters(outcome: Outcome, sarif_schema: bool) -> None:
    for fmt in FORMATS:
        rendered = get_reporter(fmt).render(outcome)
        if fmt == "json":
            data = json.loads(rendered)
            assert len(data["diagnostics"]) == len(outcome.diagnostics)
            assert data["summary"]["blocking"] == outcome.blocking_count
        elif fmt == "sarif":
            log = json.loads(rendered)
            if sarif_schema:
                sarif_validator().validate(log)
            results = log["runs"][0]["results"]
            assert len(results) == len(outcome.diagnostics)
            fingerprints = [next(iter(r["partialFingerprints"].values())) for r in results]
            assert len(set(fingerprints)) == len(fingerprints), "SARIF fingerprints collide"
        elif fmt == "markdown":
            check_markdown(rendered, "check --format markdown")
        else:
            clean_log(rendered, f"check --format {fmt}", commands=fmt == "github")
    check_markdown(render_comment(outcome), "pull-request comment")


def check_markdown(text: str, where: str) -> None:
    """Only our own HTML, no link but https ones, no live @mention."""
    clean_text(text, where)
    for token in MARKDOWN.parse(text):
        if token.type == "html_block":
            assert OWN_HTML_BLOCK.fullmatch(token.content), f"{where}: {token.content!r}"
        assert token.type != "code_block", f"{where}: {token.content!r}"  # an indented line read as code
        if token.type == "fence":  # only the report's gantt chart, never closed early by a name
            assert token.info == "mermaid" and token.content.startswith("gantt\n"), f"{where}: {token.content!r}"
            for line in token.content.splitlines():
                assert not line.lstrip().startswith(("click", "%%", "```")), f"{where}: {line!r}"
        for child in token.children or []:
            assert child.type != "html_inline", f"{where}: {child.content!r}"
            assert child.type != "image", f"{where}: {child}"
            if child.type == "link_open":
                assert str(child.attrs.get("href", "")).lower().startswith("https://"), f"{where}: {child.attrs}"
            if child.type == "text":
                assert not re.search(r"@[A-Za-z0-9]", child.content), f"{where}: {child.content!r}"


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "form", "base"):
            self.problems.append(tag)
        for name, value in attrs:
            linked = name in ("href", "src") and not (value or "").lower().startswith(("https://", "#"))
            if name.startswith("on") or linked:
                self.problems.append(f"{tag} {name}={value!r}")


def check_report(result: CheckResult, now: datetime) -> None:
    for weeks in (1, 4):
        data = build_report(result, now, weeks)
        assert json.loads(json.dumps(data)) == data, "the report's JSON does not read back as itself"
        html = render_html(data)
        clean_text(html, "report --format html")
        parser = _Html()
        parser.feed(html)
        parser.close()
        assert not parser.problems, parser.problems
        check_markdown(render_report_markdown(data), "report --format markdown")


def check_who(result: CheckResult, now: datetime) -> None:
    model = result.model
    for service in model.services.values():
        for person in on_call(model, service, now):
            assert person.since <= now < person.until, person
            assert person.rotation in model.rotations
            assert person.role in ("primary", "secondary")


def check_calendar(result: CheckResult, now: datetime) -> None:
    model = result.model
    schedule = calendar_schedule(model, now, model.policy.horizon)
    data = to_ical(model, schedule, now)
    for line in data.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        assert b"\n" not in line and b"\r" not in line, line
    calendar = icalendar.Calendar.from_ical(data)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == sum(len(r.slots) for r in schedule.rotations.values())
    zones = {str(c.get("TZID")) for c in calendar.walk("VTIMEZONE")}
    for event in events:
        tzid = event["DTSTART"].params.get("TZID")
        assert tzid is None or tzid in zones, tzid
        assert event["DTSTART"].dt < event["DTEND"].dt


def check_codeowners(result: CheckResult, source: MemorySource) -> None:
    model = result.model
    target = next((path for path in LOCATIONS if path in source.data), LOCATIONS[0])
    current = source.data[target].decode("utf-8", "surrogateescape") if target in source.data else None
    try:
        planned = plan(model, source.files(), target, current)
    except (BlockError, AuditTooLarge):
        return  # a one-line error, exit 2
    for note in planned.notes:
        clean_log(note, "codeowners note")
    lines = split_lines(planned.wanted)
    begin = next(i for i, line in enumerate(lines) if line.startswith(BEGIN_MARK))
    end = next(i for i, line in enumerate(lines) if line.startswith(END_MARK))
    declared = {("/" + relative_path(path)).replace(" ", "\\ ")
                for service in model.services.values() for path in service.paths}
    teams = {"@" + t.github_team for t in model.teams.values() if t.github_team}
    for line in lines[begin + 1:end]:
        if line.startswith("#"):
            clean_text(line, "CODEOWNERS comment")
            continue
        tokens = tokens_of(line)
        assert len(tokens) == 2 and tokens[0] in declared and tokens[1] in teams, f"CODEOWNERS line {line!r}"
    block = "\n".join(lines[begin:end + 1]) + "\n"
    owned = parse_codeowners(block)
    assert not owned.skipped, owned.skipped
    assert [line.text for line in owned.lines] == [e.pattern + " " + e.owner for e in planned.generated.entries]


def check_init(repo: FuzzRepo) -> None:
    """`init` on the repository without its config: YAML that our own loader reads without a CFG001/CFG002."""
    files = {path: data for path, data in repo.files.items() if path != "ownership.yaml"}
    source = MemorySource(files, repo.symlinks)
    text, _ = initial_config(source)
    clean_text(text, "init")
    loaded = read_yaml(text.encode("utf-8"), "ownership.yaml")
    assert loaded.ok and not loaded.diagnostics, loaded.diagnostics
    config = load_config(MemorySource({**files, "ownership.yaml": text.encode("utf-8")}, repo.symlinks),
                         "ownership.yaml")
    unreadable = [d for d in config.diagnostics
                  if d.rule in ("CFG001", "CFG002") and d.location.file == "ownership.yaml"]
    assert not unreadable, (unreadable, text)


def first_lines(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(f"{d.location} {d.rule} {d.message}" for d in diagnostics[:5])
