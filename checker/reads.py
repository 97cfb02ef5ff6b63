"""Reading a whole (bounded) file from an open descriptor with plain read(2) calls.

Thousands of small files are read per run (rule files, runbooks, cache entries); a Python file
object per file costs more than the reading itself.
"""

from __future__ import annotations

import os
import stat

_CHUNK = 1 << 16


def read_and_close(fd: int, limit: int | None = None, regular_only: bool = False) -> bytes:
    """The file's bytes, at most `limit` of them (None: to its end), then closes fd; with regular_only,
    anything but a regular file (a named pipe, a device) is an OSError before a byte is read. The first
    read asks for the size fstat gives plus one, so a file that grows meanwhile is still read to its end."""
    try:
        info = os.fstat(fd)
        if regular_only and not stat.S_ISREG(info.st_mode):
            raise OSError("not a regular file")
        ask = info.st_size + 1
        chunks: list[bytes] = []
        left = limit
        while left is None or left > 0:
            chunk = os.read(fd, ask if left is None else min(ask, left))
            if not chunk:
                break
            chunks.append(chunk)
            if left is not None:
                left -= len(chunk)
            ask = _CHUNK
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)
