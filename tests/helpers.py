"""Shared test helpers: run the real `aisync` in a subprocess with an isolated home, config and store."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from aisync_tui.config import Settings, load_settings
from aisync_tui.provider_spec import secret_envs

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: Every provider key variable we know; stripped from the environment of every subprocess so a
#: developer's real keys never leak into a test (and tests never depend on them).
KEY_VARS = (
    *secret_envs(),
    "OPENAI_ADMIN_KEY", "ANTHROPIC_ADMIN_KEY", "AISYNC_CONFIG", "AISYNC_DATABASE_URL", "AISYNC_MODEL_SYNC_ENABLED",
)


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def load_config(tmp_path: Path, text: str, **environ: str) -> Settings:
    """Settings from `text` written as tmp_path/config.toml (owner-only, as a careful user keeps it),
    with only the variables given as the environment and the store inside tmp_path."""
    path = tmp_path / "config.toml"
    path.write_text(text)
    os.chmod(path, 0o600)
    return load_settings(str(path), database=str(tmp_path / "aisync.db"), environ=environ)


def db_rows(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """The rows of one query against a store file, read the way a user's sqlite3 shell would."""
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


@dataclass
class Sandbox:
    """An isolated user: temp HOME/XDG dirs, a config file and a store path."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    @property
    def db(self) -> Path:
        return self.root / "aisync.db"

    @property
    def log_file(self) -> Path:
        return self.root / "state" / "aisync-tui" / "log" / "aisync.log"

    def write_config(self, text: str) -> Path:
        self.config.write_text(text)
        os.chmod(self.config, 0o600)
        return self.config

    def run(self, *args: str, env: Mapping[str, str] | None = None, timeout: float = 60, input: str | None = None) -> subprocess.CompletedProcess[str]:
        full = dict(self.env)
        if env:
            full.update(env)
        return subprocess.run(
            [sys.executable, "-m", "aisync_tui", *args],
            env=full, cwd=self.root, capture_output=True, text=True, timeout=timeout, input=input,
        )

    def popen(self, *args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
        full = dict(self.env)
        if env:
            full.update(env)
        return subprocess.Popen(
            [sys.executable, "-m", "aisync_tui", *args],
            env=full, cwd=self.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )


def make_sandbox(root: Path) -> Sandbox:
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARS}
    env.update(
        HOME=str(root / "home"),
        XDG_CONFIG_HOME=str(root / "config-home"),
        XDG_DATA_HOME=str(root / "data-home"),
        XDG_STATE_HOME=str(root / "state"),
        XDG_CACHE_HOME=str(root / "cache"),
        AISYNC_CONFIG=str(root / "config.toml"),
        AISYNC_DATABASE_URL=str(root / "aisync.db"),
        PYTHONPATH=str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""),
        NO_COLOR="1",
    )
    (root / "home").mkdir(parents=True, exist_ok=True)
    sb = Sandbox(root, env)
    sb.write_config("")
    return sb


def provider_config(server: Any, *providers: str, extra: str = "", model_sync: str = "") -> str:
    """A config that points each named provider at the fake server."""
    parts = []
    if model_sync:
        parts.append(f"[model_sync]\n{model_sync}\n")
    for p in providers:
        parts.append(f'[providers.{p}]\nbase_url = "{server.base_url(p)}"\n')
    parts.append(extra)
    return "\n".join(parts)
