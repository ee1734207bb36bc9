"""Store tests run against SQLite always, and against PostgreSQL when AISYNC_TEST_POSTGRES_URL
names a server (`.ci/run` starts one on a loopback port and sets it).

Each pytest-xdist worker gets a database of its own (advisory locks are per database, so two
workers' lock tests must not meet), and each test starts from an empty schema.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

ENV = "AISYNC_TEST_POSTGRES_URL"


def _admin_connect(url: str) -> Any:
    import psycopg2

    conn = psycopg2.connect(url, connect_timeout=5)
    conn.autocommit = True
    return conn


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A database of this worker's own on the test server, dropped at the end."""
    url = os.environ.get(ENV)
    if not url:
        pytest.skip(f"{ENV} is not set: no PostgreSQL server to test against (.ci/run starts one)")
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        pytest.skip("psycopg2 is not installed (pip install '.[postgres]')")
    try:
        admin = _admin_connect(url)
    except Exception as exc:  # set but unreachable: say so loudly, this is not "no server"
        pytest.fail(f"{ENV}={url} is set but the server does not answer: {exc}".strip())
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"aisync_test_{worker}_{uuid.uuid4().hex[:8]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_db(url, name)
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def reset_schema(url: str) -> None:
    conn = _admin_connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    finally:
        conn.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh, empty store lives: a SQLite file path or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "aisync.db")
    url = request.getfixturevalue("pg_server_url")
    reset_schema(url)
    return url


@pytest.fixture
def pg_location(pg_server_url: str) -> str:
    """An empty PostgreSQL store only (cross-backend comparisons)."""
    reset_schema(pg_server_url)
    return pg_server_url


@pytest.fixture
def opened(location: str) -> Iterator[Any]:
    from aisync_tui.store.db import open_store

    store = open_store(location)
    try:
        yield store
    finally:
        store.close()
