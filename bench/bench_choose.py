"""`aisync cost` and `aisync cheapest` on the ~5,000-model store of `store_bench`, timed
interleaved with `models list --format json`, whose budget they share.

    python -m bench.bench_choose [--runs 7]
"""

from __future__ import annotations

import argparse
import json

from .common import Result, aisync, cleanup

WORKLOAD = ("--input-tokens", "5000", "--output-tokens", "1000", "--cached-tokens", "1000", "--requests", "100")


def bench_choose(runs: int) -> list[Result]:
    from .store_bench import build_store

    sb, desc = build_store()
    commands = {
        "list": (Result("models list --format json (reference), ~5,000-model store", 0.35, note=desc), ("models", "list", "--format", "json")),
        "cost": (Result("cost, 2 models, --format json", 0.35), ("cost", "--model", "gpt-4o", "openai", "--model", "grok-3", "xai", *WORKLOAD, "--format", "json")),
        "cheapest": (Result("cheapest over the whole catalog, --top 10", 0.35), ("cheapest", *WORKLOAD)),
        "cheapest-vision": (Result("cheapest --capability vision --min-context 128000 --format json", 0.35), ("cheapest", *WORKLOAD, "--capability", "vision", "--min-context", "128000", "--format", "json")),
        "cheapest-all": (Result("cheapest --top 0 --format json (every priced model)", 0.35), ("cheapest", *WORKLOAD, "--top", "0", "--format", "json")),
    }
    for i in range(runs + 1):
        for key, (result, argv) in commands.items():
            r = aisync(sb, *argv)
            assert r.returncode == 0, r.stderr[-500:]
            if i == 0:
                if key == "cheapest-all":
                    result.note = f"{len(json.loads(r.stdout)):,} priced models ranked"
                continue
            result.samples.append(r.wall)
            result.cpu.append(r.cpu)
    cleanup([sb.root])
    return [result for result, _ in commands.values()]


def main(argv: list[str] | None = None) -> list[Result]:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    results = bench_choose(args.runs)
    from .report import print_table

    print_table(results)
    return results


if __name__ == "__main__":
    main()
