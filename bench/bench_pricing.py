"""`sync-pricing` with the full LiteLLM feed (about 4,900 entries, a local copy of the real file)
and genai-prices' data into the ~5,000-model bench store; then a re-run with no change.

    python -m bench.bench_pricing [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from .common import Result, Run, cleanup, time_commands
from .store_bench import build_store

DATA = Path("/work/shared/data")
LITELLM = DATA / "litellm" / "model_prices_and_context_window_backup.json"
GENAI = DATA / "genai-prices" / "data.json"


def bench_pricing(runs: int) -> list[Result]:
    sb, desc = build_store()
    feeds = sb.root / "feeds"
    feeds.mkdir()
    shutil.copy(LITELLM, feeds / "litellm.json")
    shutil.copy(GENAI, feeds / "genai-prices.json")
    # models.dev from a local copy of the bundled snapshot too: without it the run asks the network
    # for models.dev (remote = false is replaced) and times a DNS failure before the fallback.
    from aisync_tui.pricing.sources import snapshot_bytes

    (feeds / "modelsdev.json").write_bytes(snapshot_bytes("modelsdev"))
    config = sb.config.read_text().replace(
        "[pricing]\nremote = false\n",
        f'[pricing]\nfeed_url = "{feeds / "litellm.json"}"\ngenai_prices_url = "{feeds / "genai-prices.json"}"\n'
        f'modelsdev_url = "{feeds / "modelsdev.json"}"\ncache_ttl = 0\n',
    )
    sb.write_config(config)
    first = Result("sync-pricing, full LiteLLM feed, ~5,000-model store (first)", 1.0, note=desc)
    again = Result("sync-pricing re-run, no change", 0.5)
    base = sb.db.read_bytes()

    def restore() -> None:
        for p in sb.root.glob("aisync.db*"):
            p.unlink()
        sb.db.write_bytes(base)

    def note(done: list[Run]) -> None:
        first.note += "; " + " / ".join(line.strip() for line in done[0].stdout.splitlines() if line.strip().startswith(("Updated", "Unchanged")))

    sync = ("sync-pricing", "--force")
    time_commands(sb, runs, [(first, sync), (again, sync)], check=note, before=restore)
    cleanup([sb.root])
    return [first, again]


def main(argv: list[str] | None = None) -> list[Result]:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    results = bench_pricing(args.runs)
    from .report import print_table

    print_table(results)
    return results


if __name__ == "__main__":
    main()
