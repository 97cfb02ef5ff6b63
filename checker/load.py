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

from dataclasses import field
from typing import Any

import yaml

from .diagnostics import Diagnostic, Location, Severity
from .records import record
from .yaml_builder import MAX_DEPTH, MAX_DUPLICATES_REPORTED, MAX_EXPANDED_NODES, Builder, Stop
from .yaml_nodes import YMap, YSeq, key_loc, locate, value_loc

__all__ = ["MAX_DEPTH", "MAX_DUPLICATES_REPORTED", "MAX_EXPANDED_NODES", "MAX_FILE_BYTES",
           "LoadedYaml", "YMap", "YSeq", "key_loc", "locate", "read_yaml", "value_loc"]

MAX_FILE_BYTES = 10 * 1024 * 1024

_Parser = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


@record
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
            f"file is larger than the {MAX_FILE_BYTES:,}-byte limit; split it into smaller files (a config: "
            "with include:)",
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


def read_yaml(data: bytes, path: str) -> LoadedYaml:
    """Every YAML document in a file, or CFG001 (and possibly CFG003) diagnostics. Callers never
    modify what it returns (it may be shared: see cache.between_sides)."""
    return _parse(data, path)


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
