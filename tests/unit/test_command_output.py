"""A command's output lines stay whole when providers running in threads write at once."""

from __future__ import annotations

import argparse
import threading
import time

from aisync_tui.commands._base import Context


class SlowStream:
    """A stream that gives other threads a chance to run inside every write, as a pipe may."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str, /) -> int:
        time.sleep(0.001)
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_warnings_from_concurrent_threads_come_out_as_whole_lines() -> None:
    out, err = SlowStream(), SlowStream()
    ctx = Context(argparse.Namespace(), out=out, err=err)
    start = threading.Barrier(6)

    def speak(name: str) -> None:
        start.wait()
        for n in range(5):
            ctx.warn(f"{name}: warning: skipped item {n}")
            ctx.print(f"{name}: line {n}")

    threads = [threading.Thread(target=speak, args=(f"provider{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    warned = "".join(err.parts).splitlines()
    printed = "".join(out.parts).splitlines()
    assert sorted(warned) == sorted(f"provider{i}: warning: skipped item {n}" for i in range(6) for n in range(5))
    assert sorted(printed) == sorted(f"provider{i}: line {n}" for i in range(6) for n in range(5))
