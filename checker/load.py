"""Safe YAML for untrusted files: plain data that remembers where every node came from.

PyYAML's constructors are never used. We read the *event stream* (libyaml's C
parser when present, which is iterative and so does not recurse on deep
nesting) and build the values ourselves with an explicit stack.  That lets us:

- bound nesting depth and alias expansion *while streaming*, before anything
  big is built (alias bombs, 100,000 nested brackets);
- refuse every explicit tag (``!!python/object``, ``!!binary``, ``!!timestamp``);
- resolve plain scalars with YAML 1.2 core-schema rules (``12:00``,
  ``2026-01-06``, ``no`` and ``on`` stay strings);
- report duplicate keys with both places instead of "last wins";
- honour merge keys (``<<: *defaults``, ``<<: [*a, *b]``) as PyYAML and Prometheus
  do: explicit keys win, earlier merged mappings win over later ones;
- keep file/line/column for every key and value.

Mappings become :class:`YMap` (a dict) and sequences :class:`YSeq` (a list), so
jsonschema and the model read them as ordinary JSON data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostic, Location, Severity
from .scalars import resolve_plain

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 100
# Nodes a document may expand to once aliases are followed: far above any real
# config (a 3,000-service organisation is ~100,000), far below an alias bomb.
MAX_EXPANDED_NODES = 2_000_000
# Repeated keys reported per file; the rest are counted in one last CFG003, so memory stays bounded.
MAX_DUPLICATES_REPORTED = 100
# Nodes diff mode keeps parsed between its two sides (shared_parses): a repository far larger than a real
# organisation's (the 6,000-service benchmark holds about two thirds of it) is kept whole, and a pull request of
# huge files costs time, not memory, beyond it (each parse is some 300 bytes a node).
MAX_SHARED_NODES = 1_500_000

_Parser = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


class YMap(dict):  # type: ignore[type-arg]
    """A mapping with the location of itself, each key and each value."""

    __slots__ = ("key_locs", "loc", "value_locs")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.key_locs: dict[str, Location] = {}
        self.value_locs: dict[str, Location] = {}

    def with_value(self, key: str, value: Any) -> YMap:
        """A copy with one more key (placed at the mapping itself); parsed nodes are shared, never changed."""
        copy = YMap(self.loc)
        copy.update(self)
        copy[key] = value
        copy.key_locs = {**self.key_locs, key: self.loc}
        copy.value_locs = {**self.value_locs, key: self.loc}
        return copy


class YSeq(list):  # type: ignore[type-arg]
    """A sequence with the location of itself and of each item."""

    __slots__ = ("item_locs", "loc")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.item_locs: list[Location] = []


def value_loc(container: Any, key: Any, default: Location) -> Location:
    """Where container[key] is written (the value, not the key)."""
    if isinstance(container, YMap):
        return container.value_locs.get(key, container.loc)
    if isinstance(container, YSeq) and isinstance(key, int) and 0 <= key < len(container.item_locs):
        return container.item_locs[key]
    return default


def key_loc(container: Any, key: str, default: Location) -> Location:
    if isinstance(container, YMap):
        return container.key_locs.get(key, container.loc)
    return default


def locate(root: Any, path: Any, default: Location) -> Location:
    """Location of the node at a JSON path (keys and indexes) below root."""
    node, loc = root, getattr(root, "loc", default)
    for part in path:
        try:
            child = node[part]
        except (KeyError, IndexError, TypeError):
            break
        loc = value_loc(node, part, loc)
        node = child
    return loc


@dataclass
class LoadedYaml:
    path: str
    documents: list[Any] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    nodes: int = 0  # nodes built (an alias adds none): what holding the parse costs

    @property
    def ok(self) -> bool:
        return not any(d.rule == "CFG001" for d in self.diagnostics)


class _Stop(Exception):
    """Raised inside the builder to abandon a file after a CFG001."""


def _decode(data: bytes, path: str) -> tuple[str | None, Diagnostic | None]:
    if len(data) > MAX_FILE_BYTES:
        return None, _cfg001(
            path, 1, 1,
            f"file is {len(data):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit; split it with include:",
        )
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, _cfg001(
            path, line, column, f"file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        )


def _cfg001(path: str, line: int, column: int, message: str) -> Diagnostic:
    return Diagnostic("CFG001", Severity.ERROR, f"file/{path}", message, Location(path, line, column))


def _mark_loc(path: str, mark: Any) -> Location:
    if mark is None:
        return Location(path, 1, 1)
    return Location(path, mark.line + 1, mark.column + 1)


class SharedParses:
    """Parses kept between the two sides of a diff run: the head stores, the base takes (and so releases).
    At most MAX_SHARED_NODES nodes are kept; a file past that is parsed again by the base."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[bytes, LoadedYaml]] = {}  # path -> (digest of its bytes, parse)
        self._storing = True
        self.nodes = 0  # nodes of the parses held

    def __len__(self) -> int:
        """Parses held."""
        return len(self._entries)

    def head_done(self) -> None:
        """From now on a parse is handed out once and forgotten, and new parses are not kept: the base
        side reads each file once, so memory never holds both sides' trees."""
        self._storing = False

    def read(self, data: bytes, path: str) -> LoadedYaml:
        digest = hashlib.blake2b(data, digest_size=16).digest()
        if not self._storing:
            stored_digest, stored = self._entries.pop(path, (b"", None))  # used or stale: released either way
            if stored is None:
                return _parse(data, path)
            self.nodes -= stored.nodes
            return stored if stored_digest == digest else _parse(data, path)
        cached = self._entries.get(path)
        if cached is not None and cached[0] == digest:
            return cached[1]
        if cached is not None:
            del self._entries[path]
            self.nodes -= cached[1].nodes
        parsed = _parse(data, path)
        if self.nodes + parsed.nodes <= MAX_SHARED_NODES:
            self._entries[path] = (digest, parsed)
            self.nodes += parsed.nodes
        return parsed


_shared: SharedParses | None = None


@contextmanager
def shared_parses() -> Iterator[SharedParses]:
    """Within this block, a file with the same path and content is parsed once. Diff mode reads most
    files twice (at HEAD, then at the base); outside it nothing is kept, so memory stays flat."""
    global _shared
    _shared = SharedParses()
    try:
        yield _shared
    finally:
        _shared = None


def read_yaml(data: bytes, path: str) -> LoadedYaml:
    """Every YAML document in a file, or CFG001 (and possibly CFG003) diagnostics. Callers never
    modify what it returns (it may be shared, see shared_parses)."""
    if _shared is None:
        return _parse(data, path)
    return _shared.read(data, path)


def _parse(data: bytes, path: str) -> LoadedYaml:
    result = LoadedYaml(path)
    text, problem = _decode(data, path)
    if problem is not None:
        result.diagnostics.append(problem)
        return result
    assert text is not None
    builder = _Builder(path, result)
    parser = _Parser(text)
    try:
        while True:
            event = parser.get_event()
            if event is None:
                break
            builder.feed(event)
    except _Stop:
        pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        result.diagnostics.append(_cfg001(path, *_line_col(mark), f"invalid YAML: {what}"))
        result.documents.clear()
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)
        line, column = _position_line_col(text, position) if isinstance(position, int) else (1, 1)
        result.diagnostics.append(_cfg001(path, line, column, f"invalid YAML: {_one_line(exc)}"))
        result.documents.clear()
    except (ValueError, KeyError, IndexError, TypeError, RecursionError, MemoryError) as exc:
        # Parsers have raised these on odd input; a file is never a crash.
        result.diagnostics.append(_cfg001(path, 1, 1, f"invalid YAML: {_one_line(exc)}"))
        result.documents.clear()
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()
    builder.finish()
    return result


def _line_col(mark: Any) -> tuple[int, int]:
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


def _position_line_col(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_is_merge", "key_loc", "key_raw", "merge_loc", "merges",
                 "start_total")

    def __init__(self, container: YMap | YSeq, anchor: str | None, start_total: int) -> None:
        self.container = container
        self.anchor = anchor
        self.start_total = start_total
        self.key: str | None = None
        self.key_loc: Location | None = None
        self.key_raw = False  # True once a key is pending (a key may be "")
        self.key_is_merge = False  # the pending key is a plain `<<`
        self.merges: list[YMap] = []  # mappings merged in with `<<`, the first wins
        self.merge_loc: Location | None = None  # where `<<` is written


class _Builder:
    """Turns parser events into YMap/YSeq/scalars, enforcing the limits."""

    def __init__(self, path: str, result: LoadedYaml) -> None:
        self.path = path
        self.result = result
        self.stack: list[_Frame] = []
        # anchor -> (value, raw scalar text or None, expanded size)
        self.anchors: dict[str, tuple[Any, str | None, int]] = {}
        self.total = 0  # nodes so far in this document, aliases expanded
        self.duplicates = 0
        self.first_unreported: Location | None = None

    def fail(self, loc: Location, message: str) -> None:
        self.result.diagnostics.append(
            Diagnostic("CFG001", Severity.ERROR, f"file/{self.path}", message, loc)
        )
        self.result.documents.clear()
        raise _Stop

    def feed(self, event: Any) -> None:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            mark = event.start_mark
            loc = Location(self.path, mark.line + 1, mark.column + 1)
            if event.tag is not None:
                self._refuse_tag(event, loc)
            value = resolve_plain(event.value) if not event.style else event.value
            self.total += 1
            self.result.nodes += 1
            if self.total > MAX_EXPANDED_NODES:
                self._too_big(loc)
            if event.anchor is not None:
                self.anchors[event.anchor] = (value, event.value, 1)
            self._add(value, event.value, loc, plain=not event.style)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            mark = event.start_mark
            loc = Location(self.path, mark.line + 1, mark.column + 1)
            if event.tag is not None:
                self._refuse_tag(event, loc)
            if len(self.stack) >= MAX_DEPTH:
                self.fail(loc, f"nesting deeper than {MAX_DEPTH} levels; flatten the structure")
            self.total += 1
            self.result.nodes += 1
            if self.total > MAX_EXPANDED_NODES:
                self._too_big(loc)
            container: YMap | YSeq = YMap(loc) if kind is yaml.MappingStartEvent else YSeq(loc)
            self.stack.append(_Frame(container, event.anchor, self.total))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = self.stack.pop()
            if frame.merges and isinstance(frame.container, YMap):
                _merge_into(frame.container, frame.merges)
            if frame.anchor is not None:
                self.anchors[frame.anchor] = (frame.container, None, self.total - frame.start_total + 1)
            self._add(frame.container, None, frame.container.loc)
        elif kind is yaml.AliasEvent:
            loc = _mark_loc(self.path, event.start_mark)
            if event.anchor not in self.anchors:
                self.fail(loc, f"alias *{event.anchor} refers to no anchor defined before it")
            value, raw, size = self.anchors[event.anchor]
            self.total += size
            if self.total > MAX_EXPANDED_NODES:
                self._too_big(loc)
            self._add(value, raw, loc)
        elif kind is yaml.DocumentStartEvent:
            self.anchors.clear()
            self.total = 0

    def _refuse_tag(self, event: Any, loc: Location) -> None:
        tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")
        self.fail(loc, f"explicit tag {tag} is not allowed; write plain YAML values")

    def _too_big(self, loc: Location) -> None:
        self.fail(
            loc,
            f"document expands to more than {MAX_EXPANDED_NODES:,} nodes "
            "(too many aliases); write the values out",
        )

    def _add(self, value: Any, raw: str | None, loc: Location, plain: bool = False) -> None:
        if not self.stack:
            self.result.documents.append(value)
            return
        frame = self.stack[-1]
        container = frame.container
        if isinstance(container, YSeq):
            container.append(value)
            container.item_locs.append(loc)
            return
        if not frame.key_raw:
            if raw is None:
                self.fail(loc, "a mapping key must be a plain name, not a list or mapping")
            # Keys are names: keep their text as written (`1:` is the key "1").
            frame.key, frame.key_loc, frame.key_raw = raw, loc, True
            frame.key_is_merge = plain and raw == "<<"  # a quoted '<<' is an ordinary key
            return
        key, kloc = frame.key, frame.key_loc
        assert key is not None and kloc is not None
        frame.key, frame.key_loc, frame.key_raw = None, None, False
        if frame.key_is_merge:
            frame.key_is_merge = False
            self._merge_key(frame, value, kloc)
            return
        if key in container:
            self._duplicate(key, container.key_locs[key], kloc)
            return
        container[key] = value
        container.key_locs[key] = kloc
        container.value_locs[key] = loc

    def _duplicate(self, key: str, first: Location, kloc: Location) -> None:
        self.duplicates += 1
        if self.duplicates <= MAX_DUPLICATES_REPORTED:
            self.result.diagnostics.append(
                Diagnostic(
                    "CFG003", Severity.ERROR, f"file/{self.path}",
                    f"key '{key}' is repeated (first at line {first.line}, column {first.column}); "
                    "keep one of them: YAML would silently use the last",
                    kloc,
                )
            )
        elif self.duplicates == MAX_DUPLICATES_REPORTED + 1:
            self.first_unreported = kloc

    def finish(self) -> None:
        """One CFG003 for the repeats past the limit, at the first of them."""
        if self.first_unreported is not None:
            more = self.duplicates - MAX_DUPLICATES_REPORTED
            self.result.diagnostics.append(Diagnostic(
                "CFG003", Severity.ERROR, f"file/{self.path}",
                f"and {more:,} more repeated keys in this file (only the first {MAX_DUPLICATES_REPORTED} are "
                "listed); remove the repeats", self.first_unreported))

    def _merge_key(self, frame: _Frame, value: Any, kloc: Location) -> None:
        """`<<: MAPPING` or `<<: [MAPPING, ...]`; applied when the mapping ends, so explicit keys win
        wherever they are written. Merged values are shared, never copied: an alias was already
        counted towards the expansion limit, so merging stays bounded."""
        if frame.merge_loc is not None:
            first = frame.merge_loc
            self.result.diagnostics.append(Diagnostic(
                "CFG003", Severity.ERROR, f"file/{self.path}",
                f"merge key '<<' is repeated (first at line {first.line}, column {first.column}); "
                "merge several mappings with one list: `<<: [*a, *b]`", kloc))
            return
        frame.merge_loc = kloc
        sources = list(value) if isinstance(value, YSeq) else [value]
        for source in sources:
            if not isinstance(source, YMap):
                found = "a list" if isinstance(source, list) else "an empty value" if source is None else \
                    f"the value {str(source)[:40]!r}"
                self.fail(kloc, f"a merge key `<<` takes a mapping or a list of mappings (such as *defaults "
                                f"or [*a, *b]), but found {found}; merge a mapping, or write the keys out")
        frame.merges = sources


def _merge_into(container: YMap, merges: list[YMap]) -> None:
    """Keys of the merged mappings that the mapping does not set itself; the first mapping listed wins."""
    for merged in merges:
        for key, value in merged.items():
            if key not in container:
                container[key] = value
                container.key_locs[key] = merged.key_locs.get(key, merged.loc)
                container.value_locs[key] = merged.value_locs.get(key, merged.loc)
