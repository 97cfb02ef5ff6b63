"""Parser events -> YMap/YSeq/scalars, with the limits enforced while streaming.

One loop with its state in local variables: this is where a check of a large
repository spends most of its parsing time (one pass per event, half a million
events for 20,000 alerts), so per-event work is kept to attribute reads and
dict/list stores (no method call per event, no object per open container, a
key's, value's or item's place kept as the parser's own mark and made a
Location only when asked: diagnostics.placed). What it guarantees:

- nesting depth and alias expansion (merge keys included) bounded *while
  streaming*, before anything big is built (alias bombs, 100,000 brackets);
- every explicit tag refused (``!!python/object``, ``!!binary``, ``!!str``);
- plain scalars read with YAML 1.2 core-schema rules (checker/scalars.py);
- duplicate keys reported with both places, never "last wins";
- merge keys (``<<: *defaults``, ``<<: [*a, *b]``) as PyYAML and Prometheus read
  them: explicit keys win, earlier merged mappings win over later ones;
- file/line/column of every key and value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from yaml import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from .diagnostics import Diagnostic, Location, Severity, Written, placed
from .scalars import KEYWORDS, NUMBER_START, resolve_plain
from .yaml_nodes import YMap, YSeq

MAX_DEPTH = 100
# Nodes a document may expand to once aliases are followed: far above any real
# config (a 3,000-service organisation is ~100,000), far below an alias bomb.
MAX_EXPANDED_NODES = 2_000_000
# Repeated keys reported per file; the rest are counted in one last CFG003, so memory stays bounded.
MAX_DUPLICATES_REPORTED = 100

_NO_KEY: Any = object()  # no key pending in the open mapping (a key may be "")
_tuple_new = tuple.__new__  # a Location without the Python-level NamedTuple.__new__
_dict_new = dict.__new__
_list_new = list.__new__


class Stop(Exception):
    """The file was abandoned after a CFG001 (already recorded)."""


class Builder:
    """Builds the documents of one file from its parser's events; see module docstring."""

    def __init__(self, path: str, documents: list[Any], diagnostics: list[Diagnostic]) -> None:
        self.path = path
        self.documents = documents
        self.diagnostics = diagnostics
        self.duplicates = 0
        self.first_unreported: Location | None = None
        self.nodes = 0  # nodes built (an alias adds none): what holding the parse costs

    def run(self, get_event: Callable[[], Any]) -> None:
        """Consume every event; raises Stop after a CFG001, and lets the parser's own errors through."""
        path, documents = self.path, self.documents
        # anchor -> (value, raw scalar text or None, expanded size)
        anchors: dict[str, tuple[Any, str | None, int]] = {}
        total = 0  # nodes so far in this document, aliases expanded
        built = 0  # nodes built in the whole file
        stack: list[tuple[Any, ...]] = []  # the enclosing containers' state, innermost last
        # The open container's state: the container, whether it is a mapping, the pending key, where it is
        # written, whether it is a plain `<<`, the mappings merged in (first wins), where `<<` is written,
        # its anchor, and `total` when it opened.
        container: Any = None
        is_map = False
        key: Any = _NO_KEY
        key_at: Any = None  # where the pending key is written (Written), whenever a key is pending
        key_merges = False
        merges: list[YMap] | None = None
        merge_at: Location | None = None
        anchor: str | None = None
        opened_at = 0
        while True:
            event = get_event()
            kind = event.__class__
            if kind is ScalarEvent:
                loc = event.start_mark  # kept as it is: made a Location only if asked (diagnostics.placed)
                if event.tag is not None:
                    self._refuse_tag(event, loc)
                raw = event.value
                plain = not event.style
                total += 1
                built += 1
                if total > MAX_EXPANDED_NODES:
                    self._too_big(loc)
                if is_map and key is _NO_KEY and event.anchor is None:
                    # A key, the usual one: a name kept as written (`1:` is the key "1"), so not resolved;
                    # a quoted '<<' is an ordinary key.
                    key, key_at, key_merges = raw, loc, plain and raw == "<<"
                    continue
                if not plain:
                    value = raw
                elif raw in KEYWORDS:
                    value = KEYWORDS[raw]
                elif raw[0] in NUMBER_START:
                    value = resolve_plain(raw)
                else:
                    value = raw
                if event.anchor is not None:
                    anchors[event.anchor] = (value, raw, 1)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                mark = event.start_mark
                loc = _tuple_new(Location, (path, mark.line + 1, mark.column + 1))
                if event.tag is not None:
                    self._refuse_tag(event, loc)
                if len(stack) >= MAX_DEPTH:
                    self.fail(loc, f"nesting deeper than {MAX_DEPTH} levels; flatten the structure")
                total += 1
                built += 1
                if total > MAX_EXPANDED_NODES:
                    self._too_big(loc)
                stack.append((container, is_map, key, key_at, key_merges, merges, merge_at, anchor, opened_at))
                if kind is MappingStartEvent:
                    container = _dict_new(YMap)
                    container.key_locs = {}
                    container.value_locs = {}
                    is_map = True
                else:
                    container = _list_new(YSeq)
                    container.item_locs = []
                    is_map = False
                container.loc = loc
                key, key_at, key_merges, merges, merge_at = _NO_KEY, None, False, None, None
                anchor, opened_at = event.anchor, total
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                value = container
                if merges:
                    _merge_into(value, merges)
                if anchor is not None:
                    anchors[anchor] = (value, None, total - opened_at + 1)
                container, is_map, key, key_at, key_merges, merges, merge_at, anchor, opened_at = stack.pop()
                raw, loc, plain = None, value.loc, False
            elif kind is AliasEvent:
                mark = event.start_mark
                loc = mark if mark is not None else Location(path)
                found = anchors.get(event.anchor)
                if found is None:
                    self.fail(loc, f"alias *{event.anchor} refers to no anchor defined before it")
                value, raw, size = found
                total += size
                if total > MAX_EXPANDED_NODES:
                    self._too_big(loc)
                plain = False
            elif kind is DocumentStartEvent:
                anchors.clear()
                total = 0
                continue
            elif event is None:
                self.nodes = built
                return
            else:
                continue  # stream start/end, document end
            # The node is complete: place it in the open container.
            if container is None:
                documents.append(value)
            elif not is_map:
                container.append(value)
                container.item_locs.append(loc)
            elif key is _NO_KEY:
                if raw is None:
                    self.fail(loc, "a mapping key must be a plain name, not a list or mapping")
                key, key_at, key_merges = raw, loc, plain and raw == "<<"  # an alias, or an anchored scalar
            else:
                if key_merges:
                    merges, merge_at = self._merge_key(merges, merge_at, value, key_at)
                elif key in container:
                    self._duplicate(key, container.key_locs[key], key_at)
                else:
                    container[key] = value
                    container.key_locs[key] = key_at
                    container.value_locs[key] = loc
                key, key_merges = _NO_KEY, False

    def fail(self, at: Written, message: str) -> NoReturn:
        self.diagnostics.append(Diagnostic("CFG001", Severity.ERROR, f"file/{self.path}", message,
                                           placed(at, self.path)))
        self.documents.clear()
        raise Stop

    def _refuse_tag(self, event: Any, loc: Written) -> NoReturn:
        tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")
        self.fail(loc, f"explicit tag {tag} is not allowed; write plain YAML values")

    def _too_big(self, loc: Written) -> NoReturn:
        self.fail(loc, f"document expands to more than {MAX_EXPANDED_NODES:,} nodes (too many aliases); "
                       "write the values out")

    def _duplicate(self, key: str, first_at: Written, key_at: Written) -> None:
        self.duplicates += 1
        if self.duplicates <= MAX_DUPLICATES_REPORTED:
            first, kloc = placed(first_at, self.path), placed(key_at, self.path)
            self.diagnostics.append(Diagnostic(
                "CFG003", Severity.ERROR, f"file/{self.path}",
                f"key '{key}' is repeated (first at line {first.line}, column {first.column}); "
                "keep one of them: YAML would silently use the last", kloc))
        elif self.duplicates == MAX_DUPLICATES_REPORTED + 1:
            self.first_unreported = placed(key_at, self.path)

    def finish(self) -> None:
        """One CFG003 for the repeats past the limit, at the first of them."""
        if self.first_unreported is not None:
            more = self.duplicates - MAX_DUPLICATES_REPORTED
            self.diagnostics.append(Diagnostic(
                "CFG003", Severity.ERROR, f"file/{self.path}",
                f"and {more:,} more repeated keys in this file (only the first {MAX_DUPLICATES_REPORTED} are "
                "listed); remove the repeats", self.first_unreported))

    def _merge_key(self, merges: list[YMap] | None, merge_at: Location | None, value: Any,
                   key_at: Written) -> tuple[list[YMap] | None, Location | None]:
        """`<<: MAPPING` or `<<: [MAPPING, ...]`: the mappings to merge and where `<<` is written. Applied
        when the mapping ends, so explicit keys win wherever they are written. Merged values are shared,
        never copied: an alias was already counted towards the expansion limit, so merging stays bounded."""
        kloc = placed(key_at, self.path)
        if merge_at is not None:
            self.diagnostics.append(Diagnostic(
                "CFG003", Severity.ERROR, f"file/{self.path}",
                f"merge key '<<' is repeated (first at line {merge_at.line}, column {merge_at.column}); "
                "merge several mappings with one list: `<<: [*a, *b]`", kloc))
            return merges, merge_at
        sources = list(value) if isinstance(value, YSeq) else [value]
        for source in sources:
            if not isinstance(source, YMap):
                found = "a list" if isinstance(source, list) else "an empty value" if source is None else \
                    f"the value {str(source)[:40]!r}"
                self.fail(kloc, f"a merge key `<<` takes a mapping or a list of mappings (such as *defaults "
                                f"or [*a, *b]), but found {found}; merge a mapping, or write the keys out")
        return sources, kloc


def _merge_into(container: YMap, merges: list[YMap]) -> None:
    """Keys of the merged mappings that the mapping does not set itself; the first mapping listed wins."""
    for merged in merges:
        for key, value in merged.items():
            if key not in container:
                container[key] = value
                container.key_locs[key] = merged.key_locs.get(key, merged.loc)
                container.value_locs[key] = merged.value_locs.get(key, merged.loc)
