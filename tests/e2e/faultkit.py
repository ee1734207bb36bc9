"""Shared set-up for the fault-injection suite: a sandbox per test (HOME, XDG dirs,
config, store, log file all under a temp dir), model lists the fake server serves, and a way to
run the real `aisync` in a subprocess against it.

Short timeouts keep the suite fast: 1 s per request, 2 attempts, retry waits capped at 0.3 s.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from .fakeserver import DEFAULT_KEYS, FakeProviderServer

REPO = Path(__file__).resolve().parents[2]

#: Request timeout and attempts the fault tests run with: a fault that makes a request hang must
#: end within TIMEOUT * ATTEMPTS (+ start-up and backoff), which the tests assert.
TIMEOUT = 1.0
ATTEMPTS = 2
MAX_RETRY_WAIT = 0.3


def openai_models(n: int, *, prefix: str = "gpt-4o", start: int = 0) -> list[dict[str, Any]]:
    return [
        {"id": f"{prefix}-{i:04d}", "object": "model", "created": 1_700_000_000 + i, "owned_by": "system"}
        for i in range(start, start + n)
    ]


def gemini_models(n: int, *, start: int = 0, context: int = 1_048_576) -> list[dict[str, Any]]:
    return [
        {
            "name": f"models/gemini-test-{i:04d}",
            "displayName": f"Gemini Test {i}",
            "inputTokenLimit": context,
            "outputTokenLimit": 8192,
            "supportedGenerationMethods": ["generateContent", "countTokens"],
        }
        for i in range(start, start + n)
    ]


def xai_models(n: int, *, start: int = 0, price: int = 20_000) -> list[dict[str, Any]]:
    return [
        {
            "id": f"grok-test-{i:04d}",
            "created": 1_700_000_000 + i,
            "object": "model",
            "owned_by": "xai",
            "context_length": 131072,
            "prompt_text_token_price": price,
            "completion_text_token_price": price * 5,
        }
        for i in range(start, start + n)
    ]


@dataclass
class Sandbox:
    """Everything one run touches, under one temp dir."""

    root: Path
    server: FakeProviderServer
    providers: tuple[str, ...] = ("openai", "gemini", "xai")
    model_sync: dict[str, Any] = field(default_factory=dict)
    provider_extra: dict[str, dict[str, Any]] = field(default_factory=dict)
    env_extra: dict[str, str] = field(default_factory=dict)
    """Variables every run gets on top of the sandbox's (e.g. a wrong key)."""

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    @property
    def db(self) -> Path:
        return self.root / "store" / "aisync.db"

    @property
    def log(self) -> Path:
        return self.root / "state" / "aisync.log"

    def write_config(self, text: str | None = None) -> Path:
        if text is None:
            ms = {"timeout": TIMEOUT, "retry_attempts": ATTEMPTS, "max_retry_wait": MAX_RETRY_WAIT, "cache_ttl": 0, "batch_size": 5}
            ms.update(self.model_sync)
            lines = [f'database = "{self.db}"', "", "[model_sync]"]
            lines += [f"{k} = {_toml(v)}" for k, v in ms.items()]
            lines += ["", "[log]", f'file = "{self.log}"', ""]
            # Tests never reach the internet: the pricing stage of --sync-all uses the bundled data.
            lines += ["[pricing]", "remote = false", ""]
            for slug in self.providers:
                lines.append(f"[providers.{slug}]")
                lines.append(f'base_url = "{self.server.base_url(slug)}"')
                for k, v in self.provider_extra.get(slug, {}).items():
                    lines.append(f"{k} = {_toml(v)}")
                lines.append("")
            text = "\n".join(lines)
        self.config.parent.mkdir(parents=True, exist_ok=True)
        self.config.write_text(text)
        self.config.chmod(0o600)
        return self.config

    def env(self, **extra: str) -> dict[str, str]:
        """A clean environment: no real keys, no real user dirs."""
        env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_KEY")) and not k.startswith(("AISYNC_", "XDG_"))}
        self.home.mkdir(parents=True, exist_ok=True)
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.root / "xdg-config"),
            XDG_DATA_HOME=str(self.root / "xdg-data"),
            XDG_STATE_HOME=str(self.root / "xdg-state"),
            XDG_CACHE_HOME=str(self.root / "xdg-cache"),
            AISYNC_CONFIG=str(self.config),
            PYTHONPATH=str(REPO),
            NO_COLOR="1",
            COLUMNS="200",
        )
        for slug in self.providers:
            kind = self.server.providers[slug].kind if slug in self.server.providers else slug
            var = {"openai": "OPENAI_API_KEY", "gemini": "GEMINI_API_KEY", "xai": "XAI_API_KEY"}.get(kind)
            key = self.server.providers[slug].key if slug in self.server.providers else DEFAULT_KEYS.get(kind)
            if var and key:
                env[var] = key
        env.update(self.env_extra)
        env.update(extra)
        return env

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "aisync_tui", *args]

    def run(self, *args: str, env: Mapping[str, str] | None = None, timeout: float = 30, **kw: Any) -> subprocess.CompletedProcess[str]:
        if not self.config.exists():
            self.write_config()
        return subprocess.run(
            self.argv(*args), env=dict(env or self.env()), capture_output=True, text=True, timeout=timeout, cwd=self.root, **kw
        )

    def popen(self, *args: str, env: Mapping[str, str] | None = None, argv: Sequence[str] | None = None) -> subprocess.Popen[str]:
        if not self.config.exists():
            self.write_config()
        return subprocess.Popen(
            list(argv) if argv is not None else self.argv(*args),
            env=dict(env or self.env()),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=self.root,
        )

    # reading the store back -------------------------------------------------

    def sql(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()

    def model_ids(self, provider: str, *, status: str | None = None) -> set[str]:
        q = "SELECT m.model_id FROM model m JOIN provider p ON p.id = m.provider_id WHERE p.slug = ?"
        params: list[Any] = [provider]
        if status:
            q += " AND m.status = ?"
            params.append(status)
        return {r[0] for r in self.sql(q, params)}


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def serve_defaults(server: FakeProviderServer, n: int = 6) -> None:
    """The three core providers, each with a small healthy list."""
    server.add("openai", models=openai_models(n))
    server.add("gemini", models=gemini_models(n))
    server.add("xai", models=xai_models(n), language=[], image=[])
