"""The store's records of a price feed (when it was fetched, its ETag, model count, the last good
copy) are read as outside data: a value an older or damaged run left there reads as unknown, with
one warning line, and never aborts the pricing sync. Each test damages a real SQLite store with SQL."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from aisync_tui.pricing.catalog import SEEDED_KEY
from aisync_tui.pricing.seed import is_seeded
from aisync_tui.pricing.sources import LoadedFeed, load_feed, snapshot_bytes
from aisync_tui.store.db import Store

URL = "https://feeds.example/genai.json"
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
TTL = 3600
BODY = snapshot_bytes("genai")
DB = "unit.db"  # the file the shared `store` fixture opens in tmp_path


class Feed:
    """The remote feed: every request it answered, with the ETag it was sent."""

    def __init__(self) -> None:
        self.asked: list[str | None] = []

    def __call__(self, url: str, etag: str | None) -> tuple[int, bytes | None, str | None]:
        self.asked.append(etag)
        return 200, BODY, '"v1"'


def _load(store: Store, feed: Feed, now: datetime, *, fetch_ok: bool = True) -> LoadedFeed:
    def broken(url: str, etag: str | None) -> tuple[int, bytes | None, str | None]:
        raise OSError("network is unreachable")

    loaded = load_feed("genai", URL, store.meta_get, offline=False, force=False, cache_ttl=TTL, fetch=feed if fetch_ok else broken, now=now)
    return loaded


def _write(store: Store, loaded: LoadedFeed) -> None:
    for key, value in loaded.meta_updates.items():
        store.meta_set(key, value)


def _damage(tmp_path: Path, name: str, value: object) -> None:
    con = sqlite3.connect(tmp_path / DB)
    try:
        with con:
            con.execute("UPDATE aisync_meta SET value = ? WHERE key = ?", (value, f"pricing.genai.{name}"))
            assert con.total_changes == 1
    finally:
        con.close()


def _fetched_once(store: Store) -> Feed:
    feed = Feed()
    _write(store, _load(store, feed, T0))
    assert len(feed.asked) == 1
    return feed


def test_a_feed_fetched_within_the_cache_time_is_not_fetched_again(store: Store) -> None:
    feed = _fetched_once(store)
    again = _load(store, feed, T0 + timedelta(minutes=5))
    assert again.origin == "cache" and len(feed.asked) == 1 and again.warnings == []


@pytest.mark.parametrize(
    "value",
    ["not a date", 1733600000, 17.5, b"\xff\xfe", "2026-13-45T00:00:00", "0001-01-01T00:00:00+05:00", "\x1b[31m"],
    ids=["text", "integer", "real", "bytes-not-utf8", "no-such-month", "before-year-one-in-utc", "escape"],
)
def test_a_damaged_fetch_time_reads_as_not_fetched_recently_with_one_warning(store: Store, tmp_path: Path, value: object) -> None:
    feed = _fetched_once(store)
    _damage(tmp_path, "fetched_at", value)
    loaded = _load(store, feed, T0 + timedelta(minutes=5))
    assert len(feed.asked) == 2, "fetched again: a damaged time is not a recent fetch"
    assert loaded.origin == "remote" and loaded.count > 0
    assert loaded.warnings == ["the store's record of the genai-prices feed is damaged (fetched_at) and is read as unknown"]
    # The fetch writes the record afresh: the next run within the cache time is quiet and cached.
    _write(store, loaded)
    quiet = _load(store, feed, T0 + timedelta(minutes=10))
    assert quiet.origin == "cache" and quiet.warnings == [] and len(feed.asked) == 2


def test_a_damaged_model_count_reads_as_unknown_and_is_written_afresh(store: Store, tmp_path: Path) -> None:
    feed = _fetched_once(store)
    _damage(tmp_path, "count", "²")  # a digit to str.isdigit, not to int()
    loaded = _load(store, feed, T0 + timedelta(hours=2))
    assert loaded.origin == "remote"
    assert loaded.warnings == ["the store's record of the genai-prices feed is damaged (count) and is read as unknown"]
    assert loaded.meta_updates["pricing.genai.count"] == str(loaded.count)
    assert any("(unchanged)" in n for n in loaded.notices)


def test_a_damaged_etag_is_not_sent_back_and_the_feed_is_fetched_whole(store: Store, tmp_path: Path) -> None:
    feed = _fetched_once(store)
    _write(store, _load(store, feed, T0 + timedelta(hours=2)))
    assert feed.asked[-1] == '"v1"', "a sound ETag is sent back"
    _damage(tmp_path, "etag", '"v1"\r\nX-Injected: 1')
    loaded = _load(store, feed, T0 + timedelta(hours=4))
    assert feed.asked[-1] is None
    assert loaded.origin == "remote" and loaded.warnings == ["the store's record of the genai-prices feed is damaged (etag) and is read as unknown"]


def test_a_damaged_last_good_copy_falls_back_to_the_bundled_snapshot_in_one_line_each(store: Store, tmp_path: Path) -> None:
    feed = _fetched_once(store)
    _damage(tmp_path, "copy", "H4sIAAAAAAAA")  # a gzip header and nothing after it
    _damage(tmp_path, "accepted_at", 12)
    loaded = _load(store, feed, T0 + timedelta(hours=2), fetch_ok=False)
    assert loaded.origin == "snapshot" and loaded.count > 0
    assert loaded.warnings == [
        "the store's record of the genai-prices feed is damaged (copy) and is read as unknown",
        "cannot read the genai-prices feed at https://feeds.example/genai.json: network is unreachable; using the bundled snapshot instead",
    ]


def test_a_damaged_acceptance_date_leaves_the_good_copy_in_use(store: Store, tmp_path: Path) -> None:
    feed = _fetched_once(store)
    _damage(tmp_path, "accepted_at", "yesterday")
    loaded = _load(store, feed, T0 + timedelta(hours=2), fetch_ok=False)
    assert loaded.origin == "cache"
    assert loaded.warnings[0] == "the store's record of the genai-prices feed is damaged (accepted_at) and is read as unknown"
    assert loaded.warnings[1].endswith("keeping the last good copy")


def test_damaged_recent_counts_count_for_nothing(store: Store, tmp_path: Path) -> None:
    feed = _fetched_once(store)
    _damage(tmp_path, "recent", '[["2026-12-01T12:00:00+00:00", Infinity]]')
    loaded = _load(store, feed, T0 + timedelta(hours=2))
    assert loaded.origin == "remote" and loaded.count > 0


def test_a_seeding_mark_whose_text_is_damaged_still_says_seeded(store: Store, tmp_path: Path) -> None:
    store.meta_set(SEEDED_KEY, "snapshot:abc:2026-12-01T12:00:00+00:00")
    con = sqlite3.connect(tmp_path / DB)
    with con:
        con.execute("UPDATE aisync_meta SET value = ? WHERE key = ?", (b"\xff\xfe", SEEDED_KEY))
    con.close()
    assert is_seeded(store) is True
