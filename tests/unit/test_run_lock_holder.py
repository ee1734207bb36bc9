"""The message of a refused run names who holds the store, and a damaged holder record cannot break it."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from aisync_tui.errors import LockHeld
from aisync_tui.store.lock import FileRunLock, describe_holder


def _held_with(path: Path, record: bytes) -> int:
    """Hold `path`'s lock as another run would (its own open file), with `record` as its holder file."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.pwrite(fd, record, 0)
    return fd


@pytest.mark.parametrize("record", [b"[1, 2]", b"42", b'"a text"', b'{"pid": 7, "host": "h"', b"\xff\xfe", b"[" * 4000])
def test_a_damaged_holder_record_still_refuses_with_one_plain_line(tmp_path: Path, record: bytes) -> None:
    path = tmp_path / "store.db.lock"
    fd = _held_with(path, record)
    try:
        with pytest.raises(LockHeld) as caught:
            FileRunLock(path, "aisync sync-models").acquire()
    finally:
        os.close(fd)
    assert str(caught.value).splitlines() == ["another aisync run holds the store's lock"]


def test_holder_fields_of_the_wrong_kind_are_shown_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "store.db.lock"
    fd = _held_with(path, b'{"pid": [1], "host": null, "command": {"argv": 1}, "since": 3}')
    try:
        with pytest.raises(LockHeld) as caught:
            FileRunLock(path, "aisync sync-models").acquire()
    finally:
        os.close(fd)
    assert "pid [1] on None" in str(caught.value)


def test_a_named_holder_is_described_with_its_pid_host_and_command() -> None:
    shown = describe_holder({"pid": 12, "host": "box", "command": "aisync sync-all", "since": "2026-01-01T00:00:00Z"})
    assert "pid 12 on box" in shown and "`aisync sync-all`" in shown
