"""Start-up and read commands: `aisync --help` against `python -c "import rich"` measured alongside,
`models list --format json` / `models info M P --history` on a store of 5,000 models, and
`models list` (JSON, and the table with every fact column) once that store carries models.dev facts.

    python -m bench.bench_cli [--runs 15]
"""

from __future__ import annotations

import argparse
import sys

from .common import Result, aisync_script, child_env, run_cmd


def bench_help(runs: int) -> list[Result]:
    """Interleaved, so load from other processes hits both the same way."""
    env = child_env()
    script = aisync_script()
    cmds = {
        "baseline": [sys.executable, "-c", "import rich"],
        "script": [*script, "--help"],
        "module": [sys.executable, "-m", "aisync_tui", "--help"],
    }
    samples: dict[str, list[float]] = {k: [] for k in cmds}
    cpu: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(2):  # warm the page cache and write bytecode
        for cmd in cmds.values():
            run_cmd(cmd, env=env)
    for _ in range(runs):
        for key, cmd in cmds.items():
            run = run_cmd(cmd, env=env)
            samples[key].append(run.wall)
            cpu[key].append(run.cpu)
    baseline = Result('python -c "import rich" (baseline)', None, samples["baseline"], cpu=cpu["baseline"])
    out = [baseline]
    for key, label in (("script", "aisync --help (installed script)"), ("module", "python -m aisync_tui --help")):
        r = Result(label, 0.15, samples[key], baseline=baseline.median, cpu=cpu[key])
        if r.median - baseline.median > 0.1:
            r.note = "more than 0.1 s above the baseline"
        out.append(r)
    return out


def main(argv: list[str] | None = None) -> list[Result]:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args(argv)
    results = bench_help(args.runs)
    from .store_bench import bench_facts_list, bench_read_commands

    results += bench_read_commands(max(5, args.runs // 2))
    results += bench_facts_list(max(5, args.runs // 2))
    from .report import print_table

    print_table(results)
    return results


if __name__ == "__main__":
    main()
