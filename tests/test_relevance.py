"""checker.relevance: the cheap reading of what the check reads, against the full loader and hostile YAML."""

from __future__ import annotations

import posixpath
import time
from pathlib import Path

import pytest

from checker.relevance import CannotTell, read_references, shallow_document
from checker.sources.worktree import WorktreeSource
from tests.conftest import REPO_ROOT, check_repo, write_repo
from tests.test_check_scope import FILES


@pytest.mark.parametrize("example", ["acme", "broken-without-typo"])
def test_every_file_the_full_check_reads_matters(tmp_path: Path, example: str) -> None:
    """Differential: the model built by the real loader says which files the check reads; the cheap
    reader must count each of them (and deleting any of them) as mattering."""
    source = REPO_ROOT / "examples" / example.replace("-without-typo", "")
    root = tmp_path / example
    for path in WorktreeSource(str(source)).files():
        if path != "ownership/typo.yaml":  # unparsable: the cheap reader would rightly say "cannot tell"
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes((source / path).read_bytes())
    result = check_repo(root)
    model, files = result.model, WorktreeSource(str(root)).files()
    read = set(model.files)
    read |= {s.runbook.split("#")[0] for s in model.services.values() if s.runbook and "://" not in s.runbook}
    read |= {a.file for a in model.alerts}
    read |= {f for f in files if any(f.startswith(d.pattern.split("*")[0]) for d in model.discovery
                                     if d.kind == "directories")}
    read |= {f for d in model.discovery if d.kind != "directories" for f in WorktreeSource(str(root)).glob(d.pattern)}
    references = read_references(str(root), "ownership.yaml")
    assert references is not None
    assert read and not {p for p in read if not references.matters(posixpath.normpath(p))}
    assert not references.matters("README.md")


def test_missing_config_is_none_and_unreadable_ones_cannot_be_told(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", None, {"x.md": "x"})
    assert read_references(str(root), "ownership.yaml") is None
    (root / "ownership.yaml").symlink_to(root / "x.md")
    with pytest.raises(CannotTell):
        read_references(str(root), "ownership.yaml")


def test_hostile_nesting_stops_the_reading_early(tmp_path: Path) -> None:
    # PyYAML's constructors recurse and crash the interpreter on this; libyaml's parser slows
    # quadratically with depth (minutes at 200,000). Reading stops at the loader's depth limit, or at
    # libyaml's own (1,000 levels, in the libyaml PyYAML 6.0.4 bundles), whichever comes first.
    deep = "[" * 200_000 + "]" * 200_000
    root = write_repo(tmp_path / "r", f"a: {deep}\n")
    started = time.perf_counter()
    with pytest.raises(CannotTell, match="nesting deeper than 100|exceeded maximum nesting depth"):
        read_references(str(root), "ownership.yaml")
    assert time.perf_counter() - started < 2
    shallow = write_repo(tmp_path / "s", "a: " + "[" * 90 + "]" * 90 + "\nservices: {y: {runbook: docs/y.md}}\n")
    references = read_references(str(shallow), "ownership.yaml")
    assert references is not None and references.matters("docs/y.md")


@pytest.mark.parametrize("text", [
    "version: 1\n---\nversion: 1\n",
    "services: {a: {runbook: x}}\nservices: {}\n",
    "x: &r docs/a.md\nservices: {a: {runbook: *r}}\n",
    "base: &b {runbook: docs/a.md}\nservices: {a: *b}\n",
    "alerts: [{paths: *p}]\n",
    "services: {a: {runbook: [unclosed\n",
    "- a list\n",
])
def test_what_cannot_be_read_cheaply_makes_the_check_run(tmp_path: Path, text: str) -> None:
    root = write_repo(tmp_path / "r", text)
    with pytest.raises(CannotTell):
        read_references(str(root), "ownership.yaml")


def test_deep_values_are_skipped_not_built() -> None:
    document = shallow_document(b"rotations: {r: {overrides: [{person: a, at: [1, [2, [3]]]}]}}\nversion: 1\n")
    assert isinstance(document, dict) and document["version"] == "1"
    assert document["rotations"]["r"]["overrides"] == [document["rotations"]["r"]["overrides"][0]]
    assert not isinstance(document["rotations"]["r"]["overrides"][0], dict)  # depth 5: left unread


def test_include_files_are_read_for_their_runbooks_alerts_and_discovery(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", None, {
        **FILES,
        "ownership/more.yaml": ("services:\n  web: {team: u, runbook: ./docs/web.md#top}\n"
                                "alerts: [{type: prometheus, paths: ['extra/**/*.rules']}]\n"
                                "discovery: [{kubernetes: 'deploy/*.yaml'}]\n"),
    })
    references = read_references(str(root), "ownership.yaml")
    assert references is not None
    for path in ("docs/web.md", "extra/a/b.rules", "deploy/x.yaml", "ownership/more.yaml", "ownership/added.yaml",
                 "services/new/deep/file.txt"):
        assert references.matters(path), path
    for path in ("docs/web.md.bak", "deploy/sub/x.yaml", "services", "ownership/nested/x.yaml"):
        assert not references.matters(path), path
