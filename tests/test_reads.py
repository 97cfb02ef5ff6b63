"""checker/reads.py: whole files and bounded prefixes from a descriptor, which is always closed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.reads import read_and_close


def _closed(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return True
    return False


@pytest.mark.parametrize("size", [0, 1, 4096, 70_000, 300_000])
def test_a_file_is_read_whole_or_up_to_its_limit(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    (tmp_path / "f").write_bytes(data)
    fd = os.open(tmp_path / "f", os.O_RDONLY)
    assert read_and_close(fd) == data
    assert _closed(fd)
    for limit in (0, 1, 4097, 70_001):
        assert read_and_close(os.open(tmp_path / "f", os.O_RDONLY), limit) == data[:limit]


def test_a_file_that_grew_after_fstat_is_read_to_its_end(tmp_path: Path) -> None:
    # A pipe's fstat size is 0, as a file's can be when it grows after fstat: the reading goes on to the end.
    read_end, write_end = os.pipe()
    os.write(write_end, b"x" * 60_000)  # under a pipe's 64 KiB, so the write does not block
    os.close(write_end)
    assert read_and_close(read_end) == b"x" * 60_000


def test_regular_only_refuses_a_named_pipe_without_reading_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    fd = os.open(tmp_path / "pipe", os.O_RDONLY | os.O_NONBLOCK)
    with pytest.raises(OSError, match="not a regular file"):
        read_and_close(fd, 10, regular_only=True)
    assert _closed(fd)
