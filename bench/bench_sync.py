"""Headless sync benchmarks: first sync of 10,000 models, re-sync with no change, --dry-run,
peak memory, and `--sync-all` over 6 slow providers (each answers after 1 s).

    python -m bench.bench_sync [--runs 5] [--models 10000]
"""

from __future__ import annotations

import argparse
import json
import shutil

from .common import FakeProviderServer, Result, aisync, cleanup, fixture, keys_env, new_sandbox
from .synth import gemini_models, openai_models, xai_language_models, xai_models_list


def _config(server: FakeProviderServer, *providers: str, extra: str = "") -> str:
    parts = ["[model_sync]\ncache_ttl = 0\n"]
    for slug in providers:
        kind = server.providers[slug].kind
        lines = [f"[providers.{slug}]", f'base_url = "{server.base_url(slug)}"']
        if slug != kind:  # a second account of the same kind
            lines += [f'kind = "{kind}"', f'api_key_env = "{ {"openai": "OPENAI_API_KEY", "gemini": "GEMINI_API_KEY", "xai": "XAI_API_KEY"}[kind] }"']
        parts.append("\n".join(lines) + "\n")
    parts.append(extra)
    return "\n".join(parts)


def bench_big_sync(runs: int, n: int, kind: str = "openai") -> list[Result]:
    """sync-models of `n` models of one provider: first (empty store), re-sync, dry-runs."""
    models = openai_models(n) if kind == "openai" else gemini_models(n)
    label = f"{n:,} {'OpenAI' if kind == 'openai' else 'Gemini'}-style"
    first = Result(f"sync-models first, {label}", 2.0)
    mem = Result(f"sync-models first, {label}: peak RSS", 150.0, unit="MB")
    again = Result(f"sync-models re-sync, no change, {label}", 1.0)
    dry_full = Result(f"sync-models --dry-run, no change, {label}", 0.7)
    dry_empty = Result(f"sync-models --dry-run, empty store, {label}", 0.7)
    env = {k: v for k, v in keys_env().items() if k.startswith(kind.upper())}
    sandboxes = []
    with FakeProviderServer() as server:
        server.add(kind, models=models)
        sb = new_sandbox()
        sandboxes.append(sb.root)
        sb.write_config(_config(server, kind))
        for i in range(runs + 1):
            if sb.db.exists():
                for p in sb.root.glob("aisync.db*"):
                    p.unlink()
            r = aisync(sb, "sync-models", env=env)
            assert f"Added {n:,} new models" in r.stdout, r.stdout[-500:]
            if i:  # the first run warms the OS file cache and Python's bytecode cache
                first.samples.append(r.wall)
                first.cpu.append(r.cpu)
                mem.samples.append(r.maxrss_mb)
        for i in range(runs + 1):
            r = aisync(sb, "sync-models", env=env)
            assert "All models up to date" in r.stdout, r.stdout[-500:]
            if i:
                again.samples.append(r.wall)
                again.cpu.append(r.cpu)
        for i in range(runs + 1):
            r = aisync(sb, "sync-models", "--dry-run", env=env)
            assert "would remain unchanged" in r.stdout, r.stdout[-500:]
            if i:
                dry_full.samples.append(r.wall)
                dry_full.cpu.append(r.cpu)
        for p in sb.root.glob("aisync.db*"):
            p.unlink()
        for i in range(runs + 1):
            r = aisync(sb, "sync-models", "--dry-run", env=env)
            assert "would be added" in r.stdout
            if i:
                dry_empty.samples.append(r.wall)
                dry_empty.cpu.append(r.cpu)
    cleanup(sandboxes)
    return [first, again, dry_full, dry_empty, mem]


def bench_changed_sync(runs: int, n: int) -> Result:
    """A re-sync where every one of `n` OpenAI-style models changed one field (its `created`
    date): the update path, one UPDATE and one change-log row per model."""
    result = Result(f"sync-models re-sync, every model changed one field, {n:,} OpenAI-style (CPU)", 1.2)
    env = {k: v for k, v in keys_env().items() if k.startswith("OPENAI")}
    models = openai_models(n)
    with FakeProviderServer() as server:
        server.add("openai", models=models)
        sb = new_sandbox()
        sb.write_config(_config(server, "openai"))
        aisync(sb, "sync-models", env=env)
        for i in range(runs + 1):
            shifted = [dict(m, created=int(m.get("created") or 1700000000) + 86400 * (i + 1)) for m in models]
            server.providers["openai"].models = shifted
            r = aisync(sb, "sync-models", env=env)
            assert f"Updated {n:,} models" in r.stdout, r.stdout[-500:]
            if i:
                result.samples.append(r.cpu)
                result.cpu.append(r.cpu)
        cleanup([sb.root])
    result.note = "the median column is the child's CPU time (user+system), which the target is about"
    return result


def six_slow_providers(server: FakeProviderServer, latency: float, *, with_xai: bool) -> list[str]:
    """Six providers, every request answered after `latency` s. xAI's adapter makes three
    requests (/models, /language-models, /image-generation-models), all at once."""
    openai = fixture("openai__chatgpt-export-curl-2025-06-09.json")["data"]
    gemini = fixture("gemini__llm-gemini__2026-08-05.json")["models"]
    server.add("openai", models=openai)
    server.add("openai-eu", kind="openai", models=openai_models(300))
    server.add("openai-lab", kind="openai", models=openai_models(150))
    server.add("gemini", models=gemini)
    server.add("gemini-vertex", kind="gemini", models=gemini_models(120))
    if with_xai:
        xai_lang = xai_language_models(8)
        server.add(
            "xai",
            models=xai_models_list(xai_lang),
            language=xai_lang,
            image=fixture("examples/xai_image_generation_models.json")["models"],
        )
    else:
        server.add("openai-batch", kind="openai", models=openai_models(90))
    for state in server.providers.values():
        state.latency = latency
    return list(server.providers)


def bench_sync_all(runs: int, latency: float = 1.0, *, with_xai: bool = False, pricing_extra: str | None = None) -> Result:
    """`aisync --sync-all` with 6 providers that each take `latency` s per request."""
    who = "4 OpenAI-style + 2 Gemini-style" if not with_xai else "3 OpenAI + 2 Gemini + xAI (3 lists requested at once)"
    name = f"--sync-all, 6 providers ({who}), each request answered after {latency:g} s" + (
        " + pricing (local feed)" if pricing_extra else " (--no-pricing)"
    )
    result = Result(name, latency + 0.5)
    with FakeProviderServer() as server:
        slugs = six_slow_providers(server, latency, with_xai=with_xai)
        sb = new_sandbox()
        sb.write_config(_config(server, *slugs, extra=pricing_extra or ""))
        args = ["--sync-all", "--json"] + ([] if pricing_extra else ["--no-pricing"])
        env = keys_env() if with_xai else {k: v for k, v in keys_env().items() if not k.startswith("XAI")}
        for i in range(runs + 1):
            r = aisync(sb, *args, env=env, check=False)
            data = json.loads(r.stdout)
            providers = {p["provider"]: p for p in data["models"]["providers"]}
            bad = [s for s in slugs if providers.get(s, {}).get("status") != "ok"]
            assert not bad and r.returncode == 0, (bad, r.stdout[-1500:], r.stderr[-1500:])
            if i:
                result.samples.append(r.wall)
                result.cpu.append(r.cpu)
        requests = sum(len(server.requests(s)) for s in slugs)
        result.note = f"{requests // (runs + 1)} requests per run"
        shutil.rmtree(sb.root, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> list[Result]:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--models", type=int, default=10_000)
    ap.add_argument("--gemini", action="store_true", help="also the Gemini-style (paged) list")
    ap.add_argument("--changed-only", action="store_true", help="only the re-sync where every model changed one field")
    args = ap.parse_args(argv)
    if args.changed_only:
        from .report import print_table

        changed = [bench_changed_sync(args.runs, args.models)]
        print_table(changed)
        return changed
    results = bench_big_sync(args.runs, args.models)
    results.append(bench_changed_sync(args.runs, args.models))
    if args.gemini:
        results += bench_big_sync(args.runs, args.models, "gemini")
    results.append(bench_sync_all(args.runs))
    results.append(bench_sync_all(args.runs, with_xai=True))
    from .report import print_table

    print_table(results)
    return results


if __name__ == "__main__":
    main()
