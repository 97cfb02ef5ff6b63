"""A repository held in memory, read through the same Source interface as a working tree or a git commit.

Paths are raw names as an OS would give them (a byte that is not UTF-8 as a surrogateescape
character), so the pipeline's handling of unusable names is exercised exactly as on disk.
"""

from __future__ import annotations

from checker.sources import EntryKind, Listing, Source, list_paths, listed_kind


class MemorySource(Source):
    def __init__(self, files: dict[str, bytes], symlinks: frozenset[str] = frozenset()) -> None:
        self.data = dict(files)
        self._special = dict.fromkeys(symlinks, EntryKind.SYMLINK)  # listed nowhere, never read
        self._listing: Listing | None = None
        self._directories = {path.rsplit("/", i)[0] for path in files for i in range(1, path.count("/") + 1)}

    def listing(self) -> Listing:
        if self._listing is None:
            self._listing = list_paths(self.data)
        return self._listing

    def kind(self, path: str) -> EntryKind:
        return listed_kind(path, self._special, self.data, self._directories)

    def _read_regular(self, path: str, limit: int | None) -> bytes:
        data = self.data[path]
        return data if limit is None else data[: limit + 1]

    def describe(self) -> str:
        return "the repository"
