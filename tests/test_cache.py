"""The per-file cache: a warm check says exactly what a cold one says, re-reads only changed files, and
ignores (never trusts) an entry that is damaged, forged, moved or a symlink."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import cache, cache_codec, load
from checker.load import read_yaml
from tests.conftest import NOW_TEXT, REPO_ROOT

EXAMPLES = ["acme", "broken", "alerting"]


def check_json(run: Any, root: Path, *options: str) -> tuple[int, Any]:
    result = run("check", "--repo", str(root), "--now", NOW_TEXT, "--format", "json", *options)
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the YAML loader really parses (not answered from the cache)."""
    seen: list[str] = []
    real = load._parse

    def spy(data: bytes, path: str) -> Any:
        seen.append(path)
        return real(data, path)

    monkeypatch.setattr(load, "_parse", spy)
    return seen


def entries(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.name.endswith(".json"))


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_warm_check_says_what_a_cold_one_says_and_parses_nothing(run: Any, tmp_path: Path, parses: list[str],
                                                                  example: str) -> None:
    root = shutil.copytree(REPO_ROOT / "examples" / example, tmp_path / example)
    cold = check_json(run, root, "--no-cache")
    assert parses, "the cold check parses the files"
    cache_dir = tmp_path / "cache"
    first = check_json(run, root, "--cache-dir", str(cache_dir))
    parses.clear()
    warm = check_json(run, root, "--cache-dir", str(cache_dir))
    assert cold == first == warm
    # Config, includes, alert files and manifests came from the cache; the one Alertmanager config
    # (routing.alertmanager) is read each time.
    assert [p for p in parses if not p.endswith("alertmanager.yml")] == []
    assert entries(cache_dir)


def test_one_changed_rule_file_is_the_only_file_read_again(run: Any, tmp_path: Path, parses: list[str]) -> None:
    root = shutil.copytree(REPO_ROOT / "examples" / "alerting", tmp_path / "alerting")
    cache_dir = tmp_path / "cache"
    check_json(run, root, "--cache-dir", str(cache_dir))
    rule_file = root / "monitoring" / "payments" / "checkout.yml"
    changed = rule_file.read_text().replace("{severity: critical}", "{severity: warning}", 1)
    assert changed != rule_file.read_text()
    rule_file.write_text(changed)
    parses.clear()
    warm = check_json(run, root, "--cache-dir", str(cache_dir))
    assert [p for p in parses if not p.endswith("alertmanager.yml")] == ["monitoring/payments/checkout.yml"]
    assert warm == check_json(run, root, "--no-cache")


def test_the_default_cache_is_the_users_cache_directory(run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    check_json(run, REPO_ROOT / "examples" / "acme")
    stored = entries(tmp_path / "xdg" / "ownership-as-code")
    assert stored and all(p.stat().st_mode & 0o077 == 0 for p in stored)  # the user's own
    assert not [p for p in (tmp_path / "xdg" / "ownership-as-code").iterdir() if p.name.endswith(".tmp")]


def test_no_cache_writes_nothing(run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    check_json(run, REPO_ROOT / "examples" / "acme", "--no-cache")
    assert not (tmp_path / "xdg").exists()


def test_an_unusable_cache_dir_is_said_once_and_the_check_still_runs(run: Any, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    result = run("check", "--repo", str(REPO_ROOT / "examples" / "broken"), "--now", NOW_TEXT, "--format", "json",
                 "--cache-dir", str(blocked / "cache"))
    assert result.exit_code == 1  # the verdict, not a usage error
    assert "checking without a cache" in result.stderr
    assert json.loads(result.stdout)["diagnostics"]


def test_an_empty_cache_dir_is_a_usage_error(run: Any) -> None:
    # It once meant the user's cache folder without a word (`--cache-dir "$UNSET_VARIABLE"` in a workflow).
    result = run("check", "--repo", str(REPO_ROOT / "examples" / "acme"), "--now", NOW_TEXT, "--cache-dir", "")
    assert result.exit_code == 2
    assert result.stderr.startswith("ownership: error: --cache-dir needs a folder")


def deep_mapping(levels: int) -> list[Any]:
    """A stored mapping nested deeper than the loader ever allows."""
    node: list[Any] = [0, 1, 1]
    for _ in range(levels):
        node = [0, 1, 1, "k", 1, 1, 1, 4, node]
    return node


def damage_truncate(body: bytes) -> bytes:
    return body[: len(body) // 2]


def damage_flip(body: bytes) -> bytes:
    return body[:-10] + bytes([body[-10] ^ 1]) + body[-9:]


def forge(value: Any) -> Any:
    """A new body, with a correct header, whose value is the given one."""
    def rewrite(body: bytes) -> bytes:
        _, _, payload = body.partition(b"\n")
        entry = json.loads(payload)
        entry["value"] = value(entry["value"]) if callable(value) else value
        payload = json.dumps(entry).encode()
        return cache.FORMAT + b" " + cache.blake2b(payload, digest_size=20).hexdigest().encode() + b"\n" + payload
    return rewrite


DAMAGES = {
    "truncated": damage_truncate,
    "flipped byte": damage_flip,
    "empty": lambda body: b"",
    "wrong shape": forge({"alerts": [["x"]], "documents": 3, "found": {}}),
    "deep nesting": forge(lambda v: {**v, "documents": [deep_mapping(150)]} if isinstance(v, dict) else v),
    "location zero": forge(lambda v: json.loads(json.dumps(v, separators=(",", ":")).replace(",1,", ",0,", 1))),
    "boolean for a number": forge(lambda v: json.loads(json.dumps(v, separators=(",", ":")).replace(",1,", ",true,", 1))),
    "a rule its reader never raises": forge(lambda v: {**v, "diagnostics": [["SVC001", "error", "service/x",
                                                                             "forged", 1, 1]]}
                                            if isinstance(v, dict) else v),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_or_forged_entry_is_ignored_and_replaced(run: Any, tmp_path: Path, damage: str,
                                                            parses: list[str]) -> None:
    root = REPO_ROOT / "examples" / "acme"
    cache_dir = tmp_path / "cache"
    truth = check_json(run, root, "--no-cache")
    check_json(run, root, "--cache-dir", str(cache_dir))
    stored = entries(cache_dir)
    for entry in stored:
        entry.write_bytes(DAMAGES[damage](entry.read_bytes()))
    parses.clear()
    assert check_json(run, root, "--cache-dir", str(cache_dir)) == truth
    assert parses, "the damaged entries were not used"
    parses.clear()
    assert check_json(run, root, "--cache-dir", str(cache_dir)) == truth
    assert parses == []  # and they were written again, whole


def test_an_entry_moved_under_another_files_key_is_ignored(run: Any, tmp_path: Path) -> None:
    root = shutil.copytree(REPO_ROOT / "examples" / "alerting", tmp_path / "alerting")
    cache_dir = tmp_path / "cache"
    truth = check_json(run, root, "--no-cache")
    check_json(run, root, "--cache-dir", str(cache_dir))
    stored = entries(cache_dir)
    bodies = [p.read_bytes() for p in stored]
    for index, entry in enumerate(stored):  # every entry now holds the next one's (valid) content
        entry.write_bytes(bodies[(index + 1) % len(bodies)])
    assert check_json(run, root, "--cache-dir", str(cache_dir)) == truth


def test_an_entry_that_is_a_symlink_is_not_followed(run: Any, tmp_path: Path) -> None:
    root = REPO_ROOT / "examples" / "acme"
    cache_dir = tmp_path / "cache"
    truth = check_json(run, root, "--no-cache")
    check_json(run, root, "--cache-dir", str(cache_dir))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for entry in entries(cache_dir):
        moved = elsewhere / entry.name
        entry.rename(moved)
        entry.symlink_to(moved)
    assert check_json(run, root, "--cache-dir", str(cache_dir)) == truth
    for entry in entries(cache_dir):  # replaced by real files, and the targets left alone
        assert not entry.is_symlink()
    assert len(list(elsewhere.iterdir())) == len(entries(cache_dir))


def test_a_named_pipe_where_an_entry_belongs_is_refused_not_waited_on(run: Any, tmp_path: Path) -> None:
    root = REPO_ROOT / "examples" / "acme"
    cache_dir = tmp_path / "cache"
    truth = check_json(run, root, "--no-cache")
    check_json(run, root, "--cache-dir", str(cache_dir))
    for entry in entries(cache_dir):
        entry.unlink()
        os.mkfifo(entry)
    assert check_json(run, root, "--cache-dir", str(cache_dir)) == truth  # no hang; the pipes are replaced
    assert all(entry.is_file() for entry in entries(cache_dir))


def test_a_new_checker_never_reads_an_old_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = cache.FileCache(str(tmp_path))
    key = store.key("yaml", "a.yaml", cache.content_digest(b"a: 1\n"))
    monkeypatch.setattr(cache, "code_fingerprint", lambda: b"another checker")
    assert cache.FileCache(str(tmp_path)).key("yaml", "a.yaml", cache.content_digest(b"a: 1\n")) != key
    assert store.key("yaml", "b.yaml", cache.content_digest(b"a: 1\n")) != key  # nor another path's, nor another content's
    assert store.key("yaml", "a.yaml", cache.content_digest(b"a: 2\n")) != key
    assert store.key("alerts/prometheus", "a.yaml", cache.content_digest(b"a: 1\n")) != key


def test_the_cache_stays_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 10)
    store = cache.FileCache(str(tmp_path))
    for index in range(25):
        store.save(store.key("yaml", f"f{index}.yaml", cache.content_digest(b"")), index)
    left_by_a_crash = tmp_path / f".{'ab' * 20}.json.4242.0123abcd.tmp"  # as _write names its temporary file
    left_by_a_crash.write_text("half an entry")
    os.utime(left_by_a_crash, (1, 1))
    store.prune(always=True)
    assert len(entries(tmp_path)) <= 10
    assert not left_by_a_crash.exists()


def test_pruning_removes_only_the_caches_own_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # --cache-dir may name a folder holding other files: old ones ending in .tmp or .json are not the cache's.
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    mine = [tmp_path / "notes.tmp", tmp_path / "report.json", tmp_path / f".{'ab' * 20}.json.tmp",
            tmp_path / f"{'AB' * 20}.json"]
    for path in mine:
        path.write_text("the user's")
        os.utime(path, (1, 1))
    store = cache.FileCache(str(tmp_path))
    for index in range(5):
        store.save(store.key("yaml", f"f{index}.yaml", cache.content_digest(b"")), index)
    store.prune(always=True)
    assert all(path.read_text() == "the user's" for path in mine)
    assert len([p for p in tmp_path.iterdir() if p not in mine]) <= 2


# ---------------------------------------------------------------- the codec, against the loader itself


def snapshot(value: Any) -> Any:
    """Values, their types and every location, as plain tuples."""
    if isinstance(value, load.YMap):
        return ("map", value.loc, [(k, load.key_loc(value, k, value.loc), load.value_loc(value, k, value.loc),
                                    snapshot(v)) for k, v in value.items()])
    if isinstance(value, load.YSeq):
        return ("seq", value.loc, [(load.value_loc(value, i, value.loc), snapshot(v)) for i, v in enumerate(value)])
    return (type(value).__name__, repr(value))


def round_trip(text: str) -> None:
    loaded = read_yaml(text.encode(), "f.yaml")
    try:
        plain = cache_codec.loaded_yaml(loaded, node_budget=10_000)
    except cache.Uncacheable:
        return
    back = cache_codec.read_loaded_yaml(json.loads(json.dumps(plain)), "f.yaml")
    assert [snapshot(d) for d in back.documents] == [snapshot(d) for d in loaded.documents]
    assert back.diagnostics == loaded.diagnostics


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.text(max_size=12),
                    st.floats(allow_nan=False), st.sampled_from(["12:00", "no", "0x1f", ".inf", "~", "<<", "'q'"]))
TREES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                     max_leaves=20)


@given(TREES, st.sampled_from([None, True, False]))
@settings(max_examples=300, deadline=None)
def test_the_codec_gives_back_what_the_loader_built(tree: Any, flow: bool | None) -> None:
    import yaml

    round_trip(yaml.safe_dump({"root": tree}, default_flow_style=flow, allow_unicode=True))


@pytest.mark.parametrize("text", [
    "d: &d {a: 1, b: 2}\nx:\n  <<: *d\n  b: 3\n",
    "a: &a {k: one}\nb: &b {k: two, j: two}\nx: {<<: [*a, *b], z: 0}\n",
    "a: 1\nb: 2\na: 3\n",  # a duplicate key: the CFG003 is kept too
    "a: 1\n---\nb: [x, {c: d}]\n",
    "x: !!python/object foo\n",
    "x: [\n",
])
def test_the_codec_keeps_merges_duplicates_and_problems(text: str) -> None:
    round_trip(text)


def test_an_alias_bomb_is_not_stored_in_full(tmp_path: Path) -> None:
    text = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n"
    loaded = read_yaml(text.encode(), "f.yaml")
    with pytest.raises(cache.Uncacheable):
        cache_codec.loaded_yaml(loaded, node_budget=len(text))


def test_entries_are_written_atomically_beside_themselves(tmp_path: Path) -> None:
    store = cache.FileCache(str(tmp_path))
    key = store.key("yaml", "a.yaml", cache.content_digest(b"x"))
    store.save(key, {"a": 1})
    assert os.listdir(tmp_path) == [key + ".json"]
    assert store.load(key) == {"a": 1}


def test_between_sides_the_second_side_is_handed_what_the_first_read_of_the_same_bytes() -> None:
    computed: list[str] = []

    def read(path: str, data: bytes) -> list[str]:
        def compute() -> list[str]:
            computed.append(path)
            return [data.decode()]
        return cache.cached("test", path, data, compute, lambda v: v, lambda v: v, pristine=list)

    with cache.between_sides() as sides:
        first = read("same", b"x")
        read("changed", b"1")
        read("gone", b"g")
        first.append("the first side's own change")
        sides.second()
        assert len(sides) == 3
        assert read("same", b"x") == ["x"]  # not read again, and as it was read: not the first side's change
        assert read("changed", b"2") == ["2"]
        assert len(sides) == 1  # handed over or dropped: only what the second side never read is held
        assert read("same", b"x") == ["x"] and read("new", b"n") == ["n"]
        assert len(sides) == 1  # handed once; the second side keeps nothing
    assert computed == ["same", "changed", "gone", "changed", "same", "new"]
    assert cache._sides is None
