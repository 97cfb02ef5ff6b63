"""A content-addressed cache of what reading one file yields, so an unchanged file is not parsed again.

What is cached is per file and depends only on the file: the alerts of a rule
file with its problems, the services a manifest declares, the parsed config
documents. The rules' verdicts (checker/verdicts.py, alert_verdicts.py) are
kept here too, each under a key made of everything it was computed from.
An entry's name is a hash of the file's bytes, its path, what reads it, and the
code that read it (this package's version and its source files' sizes and
times, the schema, Python and PyYAML), so a changed file or a changed checker
never meets an old entry.

The cache lives in the user's cache directory (``$XDG_CACHE_HOME`` or
``~/.cache`` / ``~/Library/Caches`` / ``%LOCALAPPDATA%``, then
``ownership-as-code``) or ``--cache-dir``, and ``--no-cache`` turns it off. It
may be restored from anywhere (a CI cache), so it is not trusted: an entry is
JSON of plain values behind a header with its format and a hash of its body
(truncation and corruption are caught), it repeats its own key (an entry copied
under another name is caught), and each reader validates the values into its
dataclasses (checker/cache_codec.py). Anything wrong and the entry is ignored:
the file is read again and the entry rewritten. Nothing in it is ever executed
(no pickle). Entries are written to a temporary file and renamed into place in
the same directory, never through a symlink (opened relative to the directory
with O_NOFOLLOW). The helper is kept minimal: no fsync, as a lost entry is only
a miss.

Diff mode (``--base``) reads most files twice, once on each side, in one
process: within :func:`between_sides`, what the first side read is handed to
the second for the same bytes at the same path, then forgotten, whether or not
the disk cache is on.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

try:
    from _blake2 import blake2b  # what hashlib.blake2b is, without loading OpenSSL at start-up
except ImportError:  # pragma: no cover (another Python implementation)
    from hashlib import blake2b

from .reads import read_and_close

T = TypeVar("T")

FORMAT = b"ownership-as-code cache 1"
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 50_000  # past this, the oldest entries are removed (each changed file adds one)
PRUNE_ONE_RUN_IN = 16
_SUFFIX = ".json"
# The names this cache writes (an entry, or the temporary file it is written to): pruning removes nothing
# else, since --cache-dir may name a folder that holds other files too.
_OURS = re.compile(r"(?:[0-9a-f]{40}\.json|\.[0-9a-f]{40}\.json\.[0-9]+\.[0-9a-f]{8}\.tmp)\Z")


def content_digest(*parts: bytes) -> bytes:
    """The hash entries are named by (BLAKE2b, 20 bytes) of some byte strings, each length-prefixed."""
    digest = blake2b(digest_size=20)
    for part in parts:
        digest.update(len(part).to_bytes(8, "little") + part)
    return digest.digest()


class Invalid(Exception):
    """An entry that does not hold what its reader expects: ignored, never trusted."""


class Uncacheable(Exception):
    """A result the codec will not store (e.g. one that points into another file)."""


class FileCache:
    """Entries in one directory, opened relative to it (dir_fd, O_NOFOLLOW) so no symlink is followed.
    Raises OSError when the directory cannot be opened."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if _DIR_FD else None
        self._fingerprint: bytes | None = None
        self._wrote = False

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def key(self, kind: str, path: str, data_digest: bytes) -> str:
        """An entry's name, from what reads the file, its path and content_digest(its bytes)."""
        if self._fingerprint is None:
            self._fingerprint = code_fingerprint()
        return content_digest(FORMAT, self._fingerprint, kind.encode(), path.encode("utf-8", "surrogatepass"),
                              data_digest).hex()

    def load(self, key: str) -> Any | None:
        """The value stored under key, or None when there is none or it is damaged."""
        try:
            raw = self._read(key + _SUFFIX)
        except OSError:
            return None
        header, _, body = raw.partition(b"\n")
        if header != FORMAT + b" " + blake2b(body, digest_size=20).hexdigest().encode():
            return None
        try:
            entry = json.loads(body)
        except (ValueError, RecursionError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or "value" not in entry:
            return None
        return entry["value"]

    def save(self, key: str, value: Any) -> None:
        body = json.dumps({"key": key, "value": value}, separators=(",", ":")).encode()
        if len(body) > MAX_ENTRY_BYTES:
            return
        header = FORMAT + b" " + blake2b(body, digest_size=20).hexdigest().encode() + b"\n"
        try:
            self._write(key + _SUFFIX, header + body)
            self._wrote = True
        except OSError:
            pass  # a cache that cannot be written is only slower

    def prune(self, always: bool = False) -> None:
        """Keep the directory bounded: past MAX_ENTRIES, remove the oldest entries (down to nine tenths),
        and temporary files a crash left behind. Looked at by one run in PRUNE_ONE_RUN_IN of those that
        wrote something (listing 50,000 entries is not free), or always."""
        if not always and (not self._wrote or os.urandom(1)[0] % PRUNE_ONE_RUN_IN):
            return
        try:
            with os.scandir(self._fd if self._fd is not None else self.directory) as listing:
                found = [(e.stat(follow_symlinks=False).st_mtime_ns, e.name) for e in listing
                         if _OURS.match(e.name) and not e.is_dir(follow_symlinks=False)]
        except OSError:
            return
        an_hour_ago = time.time_ns() - 3600 * 10**9
        for _, name in (item for item in found if item[1].endswith(".tmp") and item[0] < an_hour_ago):
            self._unlink(name)
        entries = sorted(item for item in found if not item[1].endswith(".tmp"))
        for _, name in entries[:len(entries) - MAX_ENTRIES * 9 // 10] if len(entries) > MAX_ENTRIES else []:
            self._unlink(name)

    def _path(self, name: str) -> str:
        """The name to give os calls: relative to the directory's fd, else joined to it."""
        return name if self._fd is not None else os.path.join(self.directory, name)

    def _read(self, name: str) -> bytes:
        # O_NONBLOCK: a named pipe put where an entry belongs must not hang the run (it is then refused).
        fd = os.open(self._path(name), os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY, dir_fd=self._fd)
        data = read_and_close(fd, MAX_ENTRY_BYTES + 1, regular_only=True)
        if len(data) > MAX_ENTRY_BYTES:
            raise OSError("cache entry too large")
        return data

    def _write(self, name: str, data: bytes) -> None:
        """Atomically: a new temporary file beside the entry (O_EXCL, O_NOFOLLOW), then one rename."""
        temporary = f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
        fd = os.open(self._path(temporary), flags, 0o600, dir_fd=self._fd)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(self._path(temporary), self._path(name), src_dir_fd=self._fd, dst_dir_fd=self._fd)
        except BaseException:
            self._unlink(temporary)
            raise

    def _unlink(self, name: str) -> None:
        try:
            os.unlink(self._path(name), dir_fd=self._fd)
        except OSError:
            pass


_active: FileCache | None = None


def activate(directory: str | None, enabled: bool = True) -> str | None:
    """Use the cache for the rest of this process: in `directory`, else the user's cache directory.
    When it cannot be made or opened, the run goes on without a cache; returns why for a directory
    the user named (the default one failing is only slower, and not worth a line)."""
    deactivate()
    if not enabled:
        return None
    chosen = directory or default_directory()
    if chosen is None:
        return None
    global _active
    try:
        os.makedirs(chosen, mode=0o700, exist_ok=True)
        _active = FileCache(chosen)
    except OSError as exc:
        return f"cache directory {chosen} cannot be used ({exc.strerror or exc}); checking without a cache" \
            if directory else None
    if not _registered:
        atexit.register(deactivate)
        _registered.append(True)
    return None


_registered: list[bool] = []  # deactivate (and so prune) once at exit


def deactivate() -> None:
    """Back to no cache, pruning what this run added (the CLI's process ends; tests call it)."""
    global _active
    if _active is not None:
        _active.prune()
        _active.close()
    _active = None


def default_directory() -> str | None:
    """The platform's per-user cache directory for this tool, or None when there is no home."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA")
        else:
            home = os.path.expanduser("~")
            if home == "~":
                return None
            base = os.path.join(home, "Library", "Caches") if sys.platform == "darwin" else \
                os.path.join(home, ".cache")
    return os.path.join(base, "ownership-as-code") if base else None


def cached(kind: str, path: str, data: bytes, compute: Callable[[], T], encode: Callable[[T], Any],
           decode: Callable[[Any], T], pristine: Callable[[T], T] | None = None, digest: bytes | None = None) -> T:
    """compute(), or what it gave for the same bytes at the same path before. decode validates a stored
    value (raising Invalid); encode gives plain JSON data (or raises Uncacheable). pristine(result):
    a copy the caller's changes to result do not reach, for results callers change (diff mode hands it
    to the other side); without it the result is shared as it is. digest: content_digest(data), when
    the caller has it already."""
    sides, cache = _sides, _active
    if sides is None and cache is None:
        return compute()
    digest = digest or content_digest(data)  # once, for both
    if sides is not None:
        found = sides.take(kind, path, digest)
        if found:
            return found[0]  # type: ignore[no-any-return]
    result = compute() if cache is None else _stored_or_computed(cache, kind, path, digest, compute, encode, decode)
    if sides is not None:
        sides.keep(kind, path, digest, pristine(result) if pristine else result)
    return result


def _stored_or_computed(cache: FileCache, kind: str, path: str, digest: bytes, compute: Callable[[], T],
                        encode: Callable[[T], Any], decode: Callable[[Any], T]) -> T:
    found = _stored_in(cache, kind, path, digest, decode)
    if found:
        return found[0]
    result = compute()
    try:
        plain = encode(result)
    except Uncacheable:
        return result
    cache.save(cache.key(kind, path, digest), plain)
    return result


def in_use() -> bool:
    """Whether a cache directory is in use (not --no-cache, and one could be opened)."""
    return _active is not None


def stored(kind: str, path: str, digest: bytes, decode: Callable[[Any], T]) -> tuple[T] | tuple[()]:
    """(value,) when the cache in use holds a valid entry for what reads (kind) these bytes (digest) at
    path; () without a cache or entry, or when decode refuses it. For callers that look up many entries
    before computing the missing ones together (checker/alert_verdicts.py); store() keeps them."""
    return () if _active is None else _stored_in(_active, kind, path, digest, decode)


def store(kind: str, path: str, digest: bytes, plain: Any) -> None:
    """Keep plain JSON data for stored() to find, when a cache is in use."""
    if _active is not None:
        _active.save(_active.key(kind, path, digest), plain)


def _stored_in(cache: FileCache, kind: str, path: str, digest: bytes,
               decode: Callable[[Any], T]) -> tuple[T] | tuple[()]:
    plain = cache.load(cache.key(kind, path, digest))
    if plain is None:
        return ()
    try:
        return (decode(plain),)
    except (Invalid, TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError):
        return ()  # a damaged or forged entry: computed again and replaced


class Sides:
    """What the first side of a diff run read, by what read it and path, kept until the second side reads
    the same path: handed over when the bytes are the same, dropped either way. So memory holds results
    (a rule file's alerts), never parse trees, and no more of them than the first side built."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str], tuple[bytes, Any]] = {}
        self._first = True

    def __len__(self) -> int:
        return len(self._kept)

    def second(self) -> None:
        """The first side is done: from now on results are handed out, and new ones are not kept."""
        self._first = False

    def keep(self, kind: str, path: str, digest: bytes, result: Any) -> None:
        if self._first:
            self._kept[kind, path] = (digest, result)

    def take(self, kind: str, path: str, digest: bytes) -> tuple[Any] | tuple[()]:
        """(result,) when the first side read these bytes at this path, else ()."""
        if self._first:
            return ()
        kept_digest, result = self._kept.pop((kind, path), (b"", None))
        return (result,) if kept_digest == digest else ()


_sides: Sides | None = None


@contextmanager
def between_sides() -> Iterator[Sides]:
    """Within this block, a file read by both sides is read once (diff mode)."""
    global _sides
    _sides = Sides()
    try:
        yield _sides
    finally:
        _sides = None


def code_fingerprint() -> bytes:
    """What the cached values were computed by: this package's version and source files (sizes and
    modification times, so an edited checkout counts as a new version), the schema, Python, PyYAML."""
    import yaml

    from . import __version__

    package = os.path.dirname(os.path.abspath(__file__))
    parts = [__version__, sys.version, yaml.__version__, str(getattr(yaml, "__with_libyaml__", False))]
    pending = [package]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                found = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        for entry in found:
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                pending.append(entry.path)
            elif entry.name.endswith((".py", ".json")):
                parts.append(_stamp(entry.path))
    parts.append(_stamp(os.path.join(os.path.dirname(package), "schemas", "ownership.schema.json")))
    return blake2b("\n".join(parts).encode("utf-8", "surrogatepass"), digest_size=20).digest()


def _stamp(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return f"{path} -"
    return f"{path} {info.st_size} {info.st_mtime_ns}"


_DIR_FD = os.open in os.supports_dir_fd and os.rename in os.supports_dir_fd and os.scandir in os.supports_fd  # replace: as rename
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows, where entries are opened by path
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)
