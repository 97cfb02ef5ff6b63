"""Safe YAML for untrusted files: plain data that remembers where every node came from.

PyYAML's constructors are never used. We read the *event stream* (libyaml's C
parser when present, which is iterative and so does not recurse on deep
nesting) and build the values ourselves (checker/yaml_builder.py), which bounds
nesting and alias expansion while streaming, refuses explicit tags, reads plain
scalars with YAML 1.2 core-schema rules, reports duplicate keys with both places,
honours merge keys as PyYAML does, and keeps file/line/column for every key and
value (checker/yaml_nodes.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostic, Location, Severity
from .yaml_builder import MAX_DEPTH, MAX_DUPLICATES_REPORTED, MAX_EXPANDED_NODES, Builder, Stop
from .yaml_nodes import YMap, YSeq, key_loc, locate, value_loc

__all__ = ["MAX_DEPTH", "MAX_DUPLICATES_REPORTED", "MAX_EXPANDED_NODES", "MAX_FILE_BYTES", "MAX_SHARED_NODES",
           "LoadedYaml", "YMap", "YSeq", "key_loc", "locate", "read_yaml", "shared_parses", "value_loc"]

MAX_FILE_BYTES = 10 * 1024 * 1024
# Nodes diff mode keeps parsed between its two sides (shared_parses): a repository far larger than a real
# organisation's (the 6,000-service benchmark holds about two thirds of it) is kept whole, and a pull request of
# huge files costs time, not memory, beyond it (each parse is some 300 bytes a node).
MAX_SHARED_NODES = 1_500_000

_Parser = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


@dataclass
class LoadedYaml:
    path: str
    documents: list[Any] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    nodes: int = 0  # nodes built (an alias adds none): what holding the parse costs

    @property
    def ok(self) -> bool:
        return not any(d.rule == "CFG001" for d in self.diagnostics)


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
        import hashlib  # diff mode only: kept off the plain check's start-up

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
    builder = Builder(path, result.documents, result.diagnostics)
    parser = _Parser(text)
    try:
        builder.run(parser.get_event)
        result.nodes = builder.nodes
    except Stop:
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
