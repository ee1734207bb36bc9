"""Shared pieces of the benchmarks: timing, an isolated user, the loopback server, synthetic lists.

Every figure is the median of several runs. A command is timed as a real subprocess
(`python -m aisync_tui ...`, or the installed `aisync` script) with an isolated HOME/XDG/config/store,
exactly like the end-to-end tests; its peak memory is the child's ru_maxrss from `os.wait4`.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.e2e.fakeserver import DEFAULT_KEYS, FakeProviderServer  # noqa: E402
from tests.helpers import FIXTURES, Sandbox, make_sandbox  # noqa: E402

__all__ = [
    "DEFAULT_KEYS", "FIXTURES", "child_env", "FakeProviderServer", "Result", "Sandbox", "aisync_script", "keys_env",
    "machine", "median_run", "new_sandbox", "run_cmd", "time_commands", "timed",
]


@dataclass
class Result:
    """One row of the results table."""

    name: str
    target: float | None
    """Seconds (or MB when unit is MB); None = informative only."""
    samples: list[float] = field(default_factory=list)
    unit: str = "s"
    note: str = ""
    baseline: float | None = None
    """A reference measured in the same run (e.g. `python -c "import rich"`)."""
    cpu: list[float] = field(default_factory=list)
    """CPU seconds (user + system) of the measured process: steadier than wall time when other
    work shares the two cores."""

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def ok(self) -> bool | None:
        if self.target is None or not self.samples:
            return None
        return self.median <= self.target

    def row(self) -> list[str]:
        fmt = (lambda v: f"{v:.0f} MB") if self.unit == "MB" else (lambda v: f"{v * 1000:.0f} ms" if v < 10 else f"{v:.1f} s")
        med = fmt(self.median) if self.samples else "n/a"
        target = f"≤ {fmt(self.target)}" if self.target is not None else ""
        status = {True: "ok", False: "MISS", None: ""}[self.ok]
        ratio = ""
        if self.baseline:
            ratio = f"{self.median / self.baseline:.2f}× / +{(self.median - self.baseline) * 1000:.0f} ms vs baseline {fmt(self.baseline)}"
        spread = ""
        if len(self.samples) > 1:
            spread = f"{fmt(min(self.samples))}–{fmt(max(self.samples))} (n={len(self.samples)})"
        cpu = f"{statistics.median(self.cpu) * 1000:.0f} ms" if self.cpu else ""
        return [self.name, med, target, status, spread, cpu, "; ".join(x for x in (ratio, self.note) if x)]


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    import peewee
    import textual

    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "textual": getattr(textual, "__version__", "?"),
        "peewee": peewee.__version__,
        "sqlite": __import__("sqlite3").sqlite_version,
    }


def aisync_script() -> list[str]:
    """The installed console script (not a pyenv shim, which adds its own start-up)."""
    path = Path(sysconfig.get_path("scripts")) / "aisync"
    if path.exists():
        return [str(path)]
    found = shutil.which("aisync")
    return [found] if found else [sys.executable, "-m", "aisync_tui"]


def new_sandbox(prefix: str = "aisync-bench-") -> Sandbox:
    return make_sandbox(Path(tempfile.mkdtemp(prefix=prefix)))


def keys_env() -> dict[str, str]:
    return {"OPENAI_API_KEY": DEFAULT_KEYS["openai"], "GEMINI_API_KEY": DEFAULT_KEYS["gemini"], "XAI_API_KEY": DEFAULT_KEYS["xai"]}


@dataclass
class Run:
    wall: float
    cpu: float
    maxrss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_cmd(cmd: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, check: bool = True) -> Run:
    """Run a command; wall time from spawn to exit, and the child's own peak RSS (ru_maxrss)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), env=env, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        run = Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))
    if check and run.returncode not in (0,):
        raise RuntimeError(f"{' '.join(cmd)} exited {run.returncode}:\n{run.stderr[-2000:]}\n{run.stdout[-1000:]}")
    return run


def child_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a timed command: like an installed package, with bytecode caching on
    (this sandbox sets PYTHONDONTWRITEBYTECODE=1, which would recompile every module each run)."""
    env = dict(os.environ if base is None else base)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def aisync(sb: Sandbox, *args: str, env: dict[str, str] | None = None, check: bool = True) -> Run:
    full = child_env(sb.env)
    full.update(env or {})
    return run_cmd([sys.executable, "-m", "aisync_tui", *args], env=full, cwd=sb.root, check=check)


def time_commands(
    sb: Sandbox,
    runs: int,
    commands: Sequence[tuple[Result, Sequence[str]]],
    *,
    check: Callable[[list[Run]], None],
    before: Callable[[], None] | None = None,
) -> None:
    """Run each command of `commands` in turn, `runs` + 1 times: the first round is the warm-up,
    whose output `check` verifies; the others add their wall and CPU times to the command's Result.
    `before` (if given) runs ahead of every round, untimed."""
    for i in range(runs + 1):
        if before is not None:
            before()
        done = [aisync(sb, *args) for _, args in commands]
        if i == 0:
            check(done)
            continue
        for (result, _), run in zip(commands, done):
            result.samples.append(run.wall)
            result.cpu.append(run.cpu)


def timed(fn: Callable[[], float], runs: int, *, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    return [fn() for _ in range(runs)]


def median_run(cmd: Sequence[str], runs: int, *, env: dict[str, str] | None = None, warmup: int = 1) -> list[float]:
    return timed(lambda: run_cmd(cmd, env=child_env(env)).wall, runs, warmup=warmup)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def cleanup(paths: Iterator[Path] | Sequence[Path]) -> None:
    for p in paths:
        shutil.rmtree(p, ignore_errors=True)
