"""Reading ownership.yaml and its includes from a Source into a Model."""

from __future__ import annotations

import posixpath
from dataclasses import field

from . import cache_codec
from .cache import Invalid, Uncacheable, cached, content_digest
from .diagnostics import Diagnostic, Location, Severity
from .load import MAX_FILE_BYTES, LoadedYaml, YMap, key_loc, read_yaml, value_loc
from .model import Model, ModelBuilder
from .records import record
from .schema import validate
from .sources import Source, SourceError, normalize_repo_path, pattern_problem

MAX_INCLUDED_FILES = 1000


class ConfigMissing(Exception):
    """The config file is not there: a usage error (exit 2), not a diagnostic."""


@record
class LoadedConfig:
    model: Model
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # A hash of every config file read, path and bytes: the model is a function of it (checker/verdicts.py).
    fingerprint: bytes = b""
    files: tuple[str, ...] = ()  # the config files read: the main one, then its includes


def load_config(source: Source, config_path: str) -> LoadedConfig:
    normal = normalize_repo_path(config_path)
    if normal is None:
        raise ConfigMissing(f"config path {config_path!r} must be a file inside the repository")
    try:
        data = source.read(normal, MAX_FILE_BYTES)
    except SourceError as exc:
        raise ConfigMissing(f"no config at {normal} ({exc}); create it, or point --config/--repo at it") from None
    diagnostics: list[Diagnostic] = []
    digest = content_digest(data)  # once: it names the file's cache entries and goes into the fingerprint
    read = [_stamp(normal, digest)]  # every config file, path and bytes
    files = [normal]
    builder = ModelBuilder(normal)
    main = _read_document(data, digest, normal, diagnostics)
    builder.add_document(main, normal)
    if isinstance(main, YMap):
        for path in _included_files(source, main, normal, diagnostics):
            try:
                included_data = source.read(path, MAX_FILE_BYTES)
                included_digest = content_digest(included_data)
                read.append(_stamp(path, included_digest))
                files.append(path)
                included = _read_document(included_data, included_digest, path, diagnostics, included=True)
            except SourceError as exc:
                read.append(_stamp(path, b""))  # unreadable: a digest is 20 bytes, so this is no file's stamp
                diagnostics.append(_problem("CFG001", path, Location(path), str(exc)))
                continue
            builder.add_document(included, path)
    model, model_diagnostics = builder.resolve()
    return LoadedConfig(model, diagnostics + model_diagnostics, content_digest(*read), tuple(files))



def _problem(rule: str, file: str, loc: Location, message: str) -> Diagnostic:
    return Diagnostic(rule, Severity.ERROR, f"file/{file}", message, loc)


def _stamp(path: str, digest: bytes) -> bytes:
    return content_digest(path.encode("utf-8", "surrogatepass"), digest)


def _read_document(data: bytes, digest: bytes, path: str, diagnostics: list[Diagnostic],
                   included: bool = False) -> object:
    loaded = _read_yaml(data, digest, path)
    diagnostics.extend(loaded.diagnostics)
    if not loaded.ok:
        return None
    if len(loaded.documents) > 1:
        diagnostics.append(_problem("CFG001", path, Location(path),
                                    f"{path} holds {len(loaded.documents)} YAML documents; a config is one "
                                    "document (remove the extra '---')"))
        return None
    document = loaded.documents[0] if loaded.documents else None
    if included and isinstance(document, YMap) and "include" in document:
        diagnostics.append(_problem("CFG002", path, key_loc(document, "include", document.loc),
                                    "include is read only from the main config; move this list there"))
    diagnostics.extend(_schema_problems(data, digest, path, document))
    if not included and isinstance(document, YMap) and "version" not in document:
        # Required of the main file only, so the schema validates includes too (they need none).
        diagnostics.append(Diagnostic("CFG002", Severity.ERROR, f"file/{path}",
                                      "the top level is missing required key 'version'", document.loc))
    return document


def _read_yaml(data: bytes, digest: bytes, path: str) -> LoadedYaml:
    """read_yaml, or its result for the same bytes from the cache (a large config is ~10^5 nodes)."""
    return cached("yaml", path, data, lambda: read_yaml(data, path),
                  lambda loaded: cache_codec.loaded_yaml(loaded, node_budget=len(data)),
                  lambda plain: cache_codec.read_loaded_yaml(plain, path), digest=digest)


def _schema_problems(data: bytes, digest: bytes, path: str, document: object) -> list[Diagnostic]:
    """validate(); that the same bytes passed the schema before is remembered (an invalid config is
    validated again: its messages come from jsonschema)."""
    return cached("schema", path, data, lambda: validate(document, path), _valid_only, _read_valid, digest=digest)


def _valid_only(problems: list[Diagnostic]) -> bool:
    if problems:
        raise Uncacheable
    return True


def _read_valid(plain: object) -> list[Diagnostic]:
    if plain is not True:
        raise Invalid
    return []


def _included_files(source: Source, main: YMap, main_path: str, diagnostics: list[Diagnostic]) -> list[str]:
    patterns = main.get("include")
    if not isinstance(patterns, list):
        return []
    base = posixpath.dirname(main_path)
    found: list[str] = []
    for index, pattern in enumerate(patterns):
        if not isinstance(pattern, str):
            continue
        loc = value_loc(patterns, index, main.loc)
        full = posixpath.join(base, pattern) if base else pattern
        problem = pattern_problem(full)
        if problem:
            diagnostics.append(_problem("CFG002", main_path, loc, f"include '{pattern}': {problem}"))
            continue
        matches = [m for m in source.glob(full) if m != main_path and m not in found]  # unusable names too:
        # reading one says to rename it (CFG001), so no include is silently dropped
        if not matches:
            diagnostics.append(_problem("CFG004", main_path, loc,
                                        f"include '{pattern}' matches no file; fix the glob or remove it"))
        found.extend(matches)
    if len(found) > MAX_INCLUDED_FILES:
        diagnostics.append(_problem("CFG001", main_path, main.loc,
                                    f"include matches {len(found)} files, over the limit of {MAX_INCLUDED_FILES}"))
        return found[:MAX_INCLUDED_FILES]
    return found
