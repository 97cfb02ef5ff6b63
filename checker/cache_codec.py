"""What the cache stores, as plain JSON values, and the strict way back into the checker's objects.

Every decoder checks each value's type and shape and raises Invalid at the
first surprise, so a damaged or forged entry is ignored rather than trusted
(checker/cache.py). Locations are stored as [line, column] within the file the
entry is for; an encoder raises Uncacheable rather than lose anything (a
location in another file, a field it does not know).
"""

from __future__ import annotations

from typing import Any

from .cache import Invalid, Uncacheable
from .diagnostics import Diagnostic, Location, Severity, Written
from .load import LoadedYaml
from .model import Alert
from .yaml_builder import MAX_DEPTH
from .yaml_nodes import YMap, YSeq

_MAP, _SEQ = 0, 1  # a container is a list starting with its tag, then its line and column
_SCALARS = (str, int, float, bool, type(None))
_tuple_new = tuple.__new__


def location(loc: Location, path: str) -> list[int]:
    if loc.file != path:
        raise Uncacheable
    return [loc.line, loc.column]


def _line_column(at: Written, path: str) -> tuple[int, int]:
    """A loader's Written as [line, column] in path (a parser's mark is always in the file it parsed)."""
    if type(at) is Location:
        if at.file != path:
            raise Uncacheable
        return at.line, at.column
    return at.line + 1, at.column + 1


def read_location(plain: Any, path: str) -> Location:
    if type(plain) is not list or len(plain) != 2:
        raise Invalid
    return _location(plain[0], plain[1], path)


def _location(line: Any, column: Any, path: str) -> Location:
    if type(line) is not int or type(column) is not int or line < 1 or column < 1:
        raise Invalid
    return _tuple_new(Location, (path, line, column))


def diagnostics(found: list[Diagnostic], path: str) -> list[list[Any]]:
    out = []
    for d in found:
        if d.new is not None or d.name or d.detail:
            raise Uncacheable
        out.append([d.rule, d.severity.value, d.subject, d.message, *location(d.location, path)])
    return out


def read_diagnostics(plain: Any, path: str, rules: frozenset[str]) -> list[Diagnostic]:
    """Diagnostics of the given rules only: a reader never raises any other."""
    if type(plain) is not list:
        raise Invalid
    out = []
    for item in plain:
        if type(item) is not list or len(item) != 6:
            raise Invalid
        rule, severity, subject, message, line, column = item
        if rule not in rules or type(subject) is not str or type(message) is not str:
            raise Invalid
        out.append(Diagnostic(rule, Severity(severity), subject, message, _location(line, column, path)))
    return out


# ---------------------------------------------------------------- YAML as the loader reads it


def loaded_yaml(loaded: LoadedYaml, node_budget: int) -> dict[str, Any]:
    """A file's documents (with every location) and its loader diagnostics. Aliases are written out in
    full, so a file whose documents expand past node_budget nodes is not stored."""
    budget = [node_budget]
    return {"documents": [_node(d, loaded.path, budget, 0) for d in loaded.documents],
            "diagnostics": diagnostics(loaded.diagnostics, loaded.path)}


def read_loaded_yaml(plain: Any, path: str) -> LoadedYaml:
    if type(plain) is not dict or type(plain.get("documents")) is not list:
        raise Invalid
    result = LoadedYaml(path)
    result.documents = [_read_node(d, path, 0) for d in plain["documents"]]
    result.diagnostics = read_diagnostics(plain.get("diagnostics"), path, frozenset({"CFG001", "CFG003"}))
    return result


def _node(value: Any, path: str, budget: list[int], depth: int) -> Any:
    """A container as [tag, line, column, ...]; locations are written inline (a Location is a tuple
    (file, line, column)), as a large config has ~10^5 of them."""
    budget[0] -= 1 + (len(value) if isinstance(value, (YMap, YSeq)) else 0)  # itself and its items
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise Uncacheable
    if isinstance(value, YMap):
        out: list[Any] = [_MAP, *location(value.loc, path)]
        key_locs, value_locs = value.key_locs, value.value_locs
        for key, item in value.items():
            key_line, key_column = _line_column(key_locs[key], path)
            value_line, value_column = _line_column(value_locs[key], path)
            out += (key, key_line, key_column, value_line, value_column,
                    _node(item, path, budget, depth + 1) if isinstance(item, (YMap, YSeq)) else _scalar_out(item))
        return out
    if isinstance(value, YSeq):
        out = [_SEQ, *location(value.loc, path)]
        for item_at, item in zip(value.item_locs, value, strict=True):
            out += (*_line_column(item_at, path),
                    _node(item, path, budget, depth + 1) if isinstance(item, (YMap, YSeq)) else _scalar_out(item))
        return out
    return _scalar_out(value)


def _scalar_out(value: Any) -> Any:
    if type(value) not in _SCALARS:
        raise Uncacheable
    return value


def _read_node(plain: Any, path: str, depth: int) -> Any:
    if type(plain) is not list:
        if type(plain) in _SCALARS:
            return plain
        raise Invalid
    if depth > MAX_DEPTH or len(plain) < 3:
        raise Invalid
    tag, loc = plain[0], _location(plain[1], plain[2], path)
    size = len(plain)
    if type(tag) is int and tag == _MAP and size % 6 == 3:
        mapping = YMap(loc)
        key_locs, value_locs = mapping.key_locs, mapping.value_locs
        for i in range(3, size, 6):
            key, item = plain[i], plain[i + 5]
            if type(key) is not str or key in mapping:
                raise Invalid
            mapping[key] = _read_node(item, path, depth + 1) if type(item) is list else _scalar(item)
            key_locs[key] = _location(plain[i + 1], plain[i + 2], path)
            value_locs[key] = _location(plain[i + 3], plain[i + 4], path)
        return mapping
    if type(tag) is int and tag == _SEQ and size % 3 == 0:
        sequence = YSeq(loc)
        item_locs = sequence.item_locs
        for i in range(3, size, 3):
            item = plain[i + 2]
            sequence.append(_read_node(item, path, depth + 1) if type(item) is list else _scalar(item))
            item_locs.append(_location(plain[i], plain[i + 1], path))
        return sequence
    raise Invalid


def _scalar(value: Any) -> Any:
    if type(value) not in _SCALARS:
        raise Invalid
    return value


# ---------------------------------------------------------------- alerts as a rule file's reader gives them


_ALERT_DEFAULTS = Alert("", "", Location(""))


def alerts(read: tuple[list[Alert], list[Diagnostic]], path: str) -> dict[str, Any]:
    """A reader's alerts (as read, before the pipeline adds its source's settings) and problems. Labels
    and annotations are flat lists [name, value, line, column, ...]: tens of thousands are read back."""
    found, problems = read
    out = []
    for a in found:
        if a.file != path or not _reader_fields_only(a):
            raise Uncacheable
        out.append([a.name, a.group, *location(a.loc, path), _pairs(a.labels, a.label_locs, path),
                    _pairs(a.annotations, a.annotation_locs, path)])
    return {"alerts": out, "diagnostics": diagnostics(problems, path)}


def read_alerts(plain: Any, path: str, rules: frozenset[str]) -> tuple[list[Alert], list[Diagnostic]]:
    if type(plain) is not dict or type(plain.get("alerts")) is not list:
        raise Invalid
    found = []
    for item in plain["alerts"]:
        if type(item) is not list or len(item) != 6:
            raise Invalid
        name, group, line, column, labels, annotations = item
        if type(name) is not str or type(group) is not str:
            raise Invalid
        alert = Alert(name, path, _location(line, column, path), group)
        _read_pairs(labels, alert.labels, alert.label_locs, path)
        _read_pairs(annotations, alert.annotations, alert.annotation_locs, path)
        found.append(alert)
    return found, read_diagnostics(plain.get("diagnostics"), path, rules)


_READER_DEFAULTS = (_ALERT_DEFAULTS.owner_labels, _ALERT_DEFAULTS.runbook_annotations,
                    _ALERT_DEFAULTS.paging_severities, None, None, False, None, None)


def _reader_fields_only(alert: Alert) -> bool:
    """Nothing set beyond what a reader sets (the subject follows from the name and file)."""
    return alert.subject == alert.short_subject and (
        alert.owner_labels, alert.runbook_annotations, alert.paging_severities, alert.path_owner,
        alert.owner_label, alert.owned_by_path, alert.team, alert.service) == _READER_DEFAULTS


def _pairs(texts: dict[str, str], locs: dict[str, Written], path: str) -> list[Any]:
    if texts.keys() != locs.keys():
        raise Uncacheable
    out: list[Any] = []
    for name, text in texts.items():
        out += (name, text, *_line_column(locs[name], path))
    return out


def _read_pairs(plain: Any, texts: dict[str, str], locs: dict[str, Written], path: str) -> None:
    if type(plain) is not list or len(plain) % 4:
        raise Invalid
    for i in range(0, len(plain), 4):
        name, text, line, column = plain[i:i + 4]
        if (type(name) is not str or type(text) is not str or name in texts or type(line) is not int
                or type(column) is not int or line < 1 or column < 1):
            raise Invalid
        texts[name] = text
        locs[name] = _tuple_new(Location, (path, line, column))  # as _location, inlined: 10^5 of them
