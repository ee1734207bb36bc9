"""`aisync mcp` driven by the official MCP SDK's own stdio client, against a real
`python -m aisync_tui mcp` subprocess on a priced store."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

anyio = pytest.importorskip("anyio")
pytest.importorskip("mcp.client.stdio")


@pytest.fixture
def priced(sandbox, tmp_path):
    sandbox.write_config("[pricing]\nremote = false\n")
    assert sandbox.run("sync-pricing", "--offline").returncode == 0
    usage = tmp_path / "u.jsonl"
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    usage.write_text(json.dumps({"timestamp": now, "provider": "openai", "model": "gpt-4o", "input_tokens": 1000, "output_tokens": 100, "requests": 2}) + "\n")
    assert sandbox.run("usage", "import", "jsonl", str(usage)).returncode == 0
    return sandbox


def _session(sandbox, calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[Any], list[Any]]:
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(command=sys.executable, args=["-m", "aisync_tui", "mcp"], env=sandbox.env, cwd=str(sandbox.root))
    results: list[Any] = []
    tools: list[Any] = []

    async def main() -> None:
        with anyio.fail_after(60):
            await session_calls()

    async def session_calls() -> None:
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools.extend((await session.list_tools()).tools)
                for name, arguments in calls:
                    results.append(await session.call_tool(name, arguments))

    anyio.run(main)
    return tools, results


def _json(result: Any) -> Any:
    assert not result.is_error, result.content
    return json.loads("".join(c.text for c in result.content)) if len(result.content) == 1 else [json.loads(c.text) for c in result.content]


def test_an_agent_lists_tools_and_gets_exact_costs_the_cheapest_models_and_usage(priced):
    tools, (cost, cheapest, info, usage, listing) = _session(priced, [
        ("cost", {"models": [{"id": "gpt-4o", "provider": "openai"}, {"id": "nope", "provider": "openai"}], "input_tokens": 5000, "output_tokens": 1000, "requests": 100}),
        ("cheapest", {"input_tokens": 1000, "output_tokens": 100, "capabilities": ["vision"], "min_context": 128000, "providers": ["openai"], "top": 3}),
        ("model_info", {"model": "gpt-4o", "provider": "openai"}),
        ("usage_summary", {"days": 7}),
        ("list_models", {"provider": "openai", "search": "gpt-4o-mini", "limit": 2}),
    ])
    assert {t.name for t in tools} == {"list_models", "model_info", "cost", "cheapest", "usage_summary"}
    assert all(t.annotations.read_only_hint for t in tools)
    gpt, nope = _json(cost)
    # 500,000 x $2.50/1M + 100,000 x $10/1M
    assert (gpt["id"], gpt["cost_usd"], gpt["missing"]) == ("gpt-4o", "2.25", [])
    assert nope["error"] == "not found"
    ranked = _json(cheapest)
    assert len(ranked["ranked"]) == 3 and all(m["context_length"] >= 128000 for m in ranked["ranked"])
    assert _json(info)["id"] == "gpt-4o"
    assert _json(usage)["totals"]["requests"] == 2
    listed = _json(listing)
    assert listed["total"] >= 2 and all("gpt-4o-mini" in m["id"] for m in listed["models"])


def test_a_bad_workload_is_an_error_the_agent_can_read(priced):
    _, (bad,) = _session(priced, [("cost", {"models": [{"id": "gpt-4o", "provider": "openai"}], "input_tokens": 5, "cached_tokens": 50})])
    assert bad.is_error and "cached_tokens counts part of the input" in bad.content[0].text


def test_without_the_sdk_the_command_names_the_extra(sandbox):
    code = "import sys, runpy\nsys.modules['mcp'] = None\nsys.argv = ['aisync', 'mcp']\nrunpy.run_module('aisync_tui', run_name='__main__')\n"
    r = subprocess.run([sys.executable, "-c", code], env=sandbox.env, cwd=sandbox.root, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'aisync-tui[mcp]'" in lines[0]
