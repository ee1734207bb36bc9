"""Where feed data comes from: the remote feed (or a local file), the last accepted copy, or the
bundled snapshot, in that order.

A remote feed is fetched only when a pricing sync asks for it, with `If-None-Match` when we hold
a copy, and is accepted only if it passes the integrity checks: a JSON object / list that Python
can decode (no nesting deeper than the interpreter allows), at least `MIN_MODELS` models, and not
below `MAX_SHRINK` x the largest of the bundled snapshot and every copy accepted in the last
`RECENT_DAYS` days (so neither a small first feed nor a slow shrink step by step retires the
catalog; `--accept-shrink` takes a smaller feed on purpose). A feed that fails them is rejected
in one line, and the last good copy (kept gzipped in the store's `aisync_meta`, so it travels
with the store) stays in use. The store's own records of a feed are outside data too: a damaged one
(a fetch time that is not a time, a count that is not a number) reads as unknown, in one warning line.

Nothing here writes: the caller writes `LoadedFeed.meta_updates` in its apply step (dry-run never).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, NotRequired, TypedDict, cast

from ..domain import stored_time, utcnow
from ..jsonvalue import JSON, as_list, as_object, decode

MIN_MODELS = 50
MAX_SHRINK = 0.5
RECENT_DAYS = 90

#: feed kind -> (label, source name recorded in the ledger, bundled file)
KINDS: dict[str, tuple[str, str, str]] = {
    "litellm": ("LiteLLM", "litellm", "litellm.json.gz"),
    "genai": ("genai-prices", "genai-prices", "genai-prices-v2.json.gz"),
    "modelsdev": ("models.dev", "models.dev", "modelsdev.json.gz"),
}


class SnapshotFeed(TypedDict):
    """One bundled feed as SNAPSHOT.json describes it."""

    file: str
    origin: str
    revision: str
    sha256: str
    models: int
    licence: str
    version: NotRequired[str]
    """LiteLLM's package version."""
    date: NotRequired[str]
    """The upstream revision's date."""


#: SNAPSHOT.json: when the bundle was taken and each feed in it.
Snapshot = TypedDict("Snapshot", {"date": str, "litellm": SnapshotFeed, "genai-prices": SnapshotFeed, "models.dev": SnapshotFeed})


class FeedRejected(Exception):
    """A fetched feed failed the integrity checks; `str()` says which."""


@dataclass
class LoadedFeed:
    kind: str
    data: JSON
    origin: str
    """remote, file, cache (the last accepted copy) or snapshot"""
    revision: str
    count: int
    source: str
    """What the ledger records: litellm / genai-prices, or snapshot for the bundled copy."""
    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    meta_updates: dict[str, str | None] = field(default_factory=dict)


# ----------------------------------------------------------------------------- snapshot


@lru_cache(maxsize=1)
def snapshot_info() -> Snapshot:
    """SNAPSHOT.json, shipped with the package; a damaged one is an installation error."""
    info = as_object(decode(resources.files("aisync_tui.pricing").joinpath("data/SNAPSHOT.json").read_text()))
    feeds = [as_object(info.get(key)) for key in ("litellm", "genai-prices", "models.dev")]
    if not isinstance(info.get("date"), str) or not all(isinstance(f.get("revision"), str) and isinstance(f.get("models"), int) for f in feeds):
        raise RuntimeError("the bundled price snapshot's SNAPSHOT.json is damaged: reinstall aisync")
    return cast(Snapshot, info)


def snapshot_feed(kind: str) -> SnapshotFeed:
    """The bundled copy of one feed kind (litellm, genai, modelsdev), as SNAPSHOT.json describes it."""
    info = snapshot_info()
    if kind == "litellm":
        return info["litellm"]
    if kind == "genai":
        return info["genai-prices"]
    if kind == "modelsdev":
        return info["models.dev"]
    raise KeyError(kind)


def snapshot_bytes(kind: str) -> bytes:
    name = KINDS[kind][2]
    return gzip.decompress(resources.files("aisync_tui.pricing").joinpath(f"data/{name}").read_bytes())


def snapshot_date() -> datetime:
    """When the bundled snapshot was taken: its prices are known to hold from then."""
    return datetime.fromisoformat(snapshot_info()["date"] + "T00:00:00+00:00")


def snapshot_count(kind: str) -> int:
    return snapshot_feed(kind)["models"]


def snapshot_age_days(now: datetime | None = None) -> int:
    return max(0, ((now or utcnow()) - snapshot_date()).days)


def snapshot_notice(now: datetime | None = None) -> str:
    info = snapshot_info()
    age = snapshot_age_days(now)
    return (
        f"Using the bundled price snapshot from {info['date']} ({age} days old; LiteLLM {info['litellm'].get('version', '?')}, "
        f"genai-prices {info['genai-prices']['revision'][:7]}, models.dev {info['models.dev']['revision'][:7]}); prices may have changed since. "
        "Run `aisync sync-pricing` online for current prices."
    )


def load_snapshot(kind: str, now: datetime | None = None) -> LoadedFeed:
    raw = snapshot_bytes(kind)
    data = decode(raw)
    # The bundled models.dev copy names itself: its prices are the least trusted ("snapshot" first),
    # and `models info` says where a price only it states came from.
    source = "snapshot:models.dev" if kind == "modelsdev" else "snapshot"
    return LoadedFeed(kind, data, "snapshot", snapshot_feed(kind)["revision"], feed_count(kind, data), source)


# ----------------------------------------------------------------------------- checks


def feed_count(kind: str, data: JSON) -> int:
    if kind == "litellm":
        from .feeds import litellm_count

        return litellm_count(data)
    if kind == "modelsdev":
        if not isinstance(data, dict):
            return 0
        return sum(len(as_object(p.get("models"))) for p in data.values() if isinstance(p, dict))
    if not isinstance(data, list):
        return 0
    return sum(len(as_list(p.get("models"))) for p in data if isinstance(p, dict))


def check_integrity(kind: str, data: JSON, baseline: int | None, *, accept_shrink: bool = False) -> int:
    """The model count if `data` is acceptable, else FeedRejected saying why.

    `baseline`: the largest of the bundled snapshot and the copies accepted recently."""
    label = KINDS[kind][0]
    expected = {"litellm": "a JSON object", "genai": "a JSON list of providers", "modelsdev": "a JSON object of providers"}[kind]
    if (kind in ("litellm", "modelsdev") and not isinstance(data, dict)) or (kind == "genai" and not isinstance(data, list)):
        raise FeedRejected(f"the {label} feed is not {expected}")
    count = feed_count(kind, data)
    if count < MIN_MODELS:
        raise FeedRejected(f"the {label} feed has only {count} models (at least {MIN_MODELS} expected)")
    if baseline and count < baseline * MAX_SHRINK and not accept_shrink:
        raise FeedRejected(
            f"the {label} feed has {count:,} models, under half of the {baseline:,} of the bundled snapshot or a copy "
            "accepted recently (--accept-shrink takes it)"
        )
    return count


def recent_counts(text: str | None, now: datetime) -> list[tuple[str, int]]:
    """The (accepted at, model count) pairs of the last RECENT_DAYS days, from their meta text
    (damaged text, or a pair that is not a time and a count, counts for nothing)."""
    try:
        pairs = json.loads(text) if text else []
        out = [(str(at), int(n)) for at, n in pairs]
    except (ValueError, TypeError, RecursionError, OverflowError):
        return []
    keep = []
    for at, n in out:
        when = stored_time(at)
        if when is not None and (now - when).days <= RECENT_DAYS:
            keep.append((at, n))
    return keep[-50:]


def revision_of(raw: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


# ----------------------------------------------------------------------------- the store's copy


def _meta_key(kind: str, name: str) -> str:
    return f"pricing.{kind}.{name}"


#: A feed revision as the store keeps it (a git blob hash); anything else is a damaged record.
_REVISION = re.compile(r"[0-9A-Za-z._:-]{1,128}")


class FeedRecords:
    """The store's records of one feed (when it was fetched, its ETag, model count, revision, the
    last good copy), read as outside data: a store written by an older or damaged run may hold
    anything there. A value that is not what it should be reads as unknown (the feed counts as not
    fetched recently, so it is fetched again, or the bundled copy is used) and is named in `damaged`,
    for one warning line."""

    def __init__(self, kind: str, meta_get: Callable[[str], str | None]) -> None:
        self.kind = kind
        self._get = meta_get
        self.damaged: list[str] = []

    def damage(self, name: str) -> None:
        """Name one record as damaged (read as unknown)."""
        if name not in self.damaged:
            self.damaged.append(name)

    def text(self, name: str) -> str | None:
        try:
            value: object = self._get(_meta_key(self.kind, name))
        except ValueError:  # stored bytes that are not UTF-8 text
            value = b""
        if value is None or isinstance(value, str):
            return value
        self.damage(name)
        return None

    def time(self, name: str) -> datetime | None:
        text = self.text(name)
        if not text:
            return None
        when = stored_time(text)
        if when is None:
            self.damage(name)
        return when

    def _checked(self, name: str, fits: Callable[[str], object]) -> str | None:
        """The record's text when `fits` accepts it; an empty record is unknown, a misfit damaged."""
        text = self.text(name)
        if not text:
            return None
        if fits(text):
            return text
        self.damage(name)
        return None

    def count(self, name: str) -> int | None:
        text = self._checked(name, lambda t: len(t) <= 12 and t.isascii() and t.isdigit())
        return None if text is None else int(text)

    def revision(self) -> str | None:
        return self._checked("revision", _REVISION.fullmatch)

    def etag(self) -> str | None:
        """An ETag fit to send back: printable ASCII of a sane length, else none (a full fetch)."""
        return self._checked("etag", lambda t: len(t) <= 1000 and t.isascii() and t.isprintable())

    def warning(self) -> str | None:
        if not self.damaged:
            return None
        return (
            f"the store's record of the {KINDS[self.kind][0]} feed is damaged ({', '.join(self.damaged)}) "
            "and is read as unknown"
        )


def pack(raw: bytes) -> str:
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def unpack(text: str) -> bytes:
    return gzip.decompress(base64.b64decode(text))


def _is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def _local_path(location: str) -> Path:
    if location.startswith("file://"):
        location = location[len("file://") :]
    return Path(location).expanduser()


def _ago(seconds: float) -> str:
    if seconds < 90:
        return f"{int(seconds)}s"
    if seconds < 5400:
        return f"{int(seconds // 60)} min"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} days"


def load_feed(
    kind: str,
    location: str,
    meta_get: Callable[[str], str | None],
    *,
    offline: bool,
    force: bool,
    cache_ttl: int,
    fetch: Callable[[str, str | None], tuple[int, bytes | None, str | None]] | None = None,
    now: datetime | None = None,
    accept_shrink: bool = False,
) -> LoadedFeed:
    """The feed to price with, and why. `fetch(url, etag) -> (status, body, etag)` does the HTTP.
    A damaged record of the feed in the store reads as unknown, with one warning line."""
    now = now or utcnow()
    if offline:
        feed = load_snapshot(kind, now)
        if kind == "litellm":
            feed.notices.append(snapshot_notice(now))
        return feed
    records = FeedRecords(kind, meta_get)
    feed = _load_feed(kind, location, records, force=force, cache_ttl=cache_ttl, fetch=fetch, now=now, accept_shrink=accept_shrink)
    damaged = records.warning()
    if damaged:
        feed.warnings.insert(0, damaged)
    return feed


def _load_feed(
    kind: str,
    location: str,
    records: FeedRecords,
    *,
    force: bool,
    cache_ttl: int,
    fetch: Callable[[str, str | None], tuple[int, bytes | None, str | None]] | None,
    now: datetime,
    accept_shrink: bool,
) -> LoadedFeed:
    label, source, _ = KINDS[kind]

    def cached(reason: str | None = None, warning: str | None = None) -> LoadedFeed:
        # The same snapshot notice is said once per run, however many feeds fall back to it.
        text = records.text("copy")
        feed: LoadedFeed
        if text:
            try:
                data = decode(unpack(text))
                feed = LoadedFeed(kind, data, "cache", records.revision() or "?", feed_count(kind, data), source)
                accepted = records.time("accepted_at")
                if warning:
                    feed.warnings.append(f"{warning}; keeping the last good copy" + (f" (accepted {accepted.date().isoformat()})" if accepted else ""))
                elif reason:
                    feed.notices.append(reason)
                return feed
            except (ValueError, OSError, EOFError, zlib.error, RecursionError):
                records.damage("copy")
        feed = load_snapshot(kind, now)
        if warning:
            feed.warnings.append(f"{warning}; using the bundled snapshot instead")
        feed.notices.append(snapshot_notice(now))
        return feed

    revision_before = records.revision()
    has_copy = revision_before is not None
    same_place = records.text("url") == location
    if _is_url(location) and has_copy and not force and cache_ttl > 0 and same_place:
        last_fetch = records.time("fetched_at")
        age = (now - last_fetch).total_seconds() if last_fetch is not None else None
        if age is not None and 0 <= age < cache_ttl:
            return cached(f"{label} feed fetched {_ago(age)} ago (pricing.cache_ttl {cache_ttl}s); using that copy (--force fetches now)")

    etag = records.etag() if has_copy and same_place else None
    updates: dict[str, str | None] = {_meta_key(kind, "fetched_at"): now.isoformat(), _meta_key(kind, "url"): location}
    try:
        if _is_url(location):
            if fetch is None:
                raise OSError("no HTTP client")
            status, raw, new_etag = fetch(location, etag)
            if status == 304:
                feed = cached(f"{label} feed not modified since the last fetch (ETag)")
                if feed.origin == "cache":
                    feed.meta_updates.update(updates)
                    return feed
                etag = None  # the copy was lost: fetch it whole
                status, raw, new_etag = fetch(location, None)
        else:
            path = _local_path(location)
            raw = path.read_bytes()
            new_etag = None
    except OSError as exc:
        return cached(warning=f"cannot read the {label} feed at {location}: {exc.strerror or exc}")
    except Exception as exc:  # ProviderError from the HTTP client: one line, the key-free URL
        line = getattr(exc, "line", None)
        text = line() if callable(line) else str(exc)
        return cached(warning=f"cannot fetch the {label} feed: {text}")
    assert raw is not None
    try:
        data = decode(raw)
    except (ValueError, UnicodeDecodeError):
        return cached(warning=f"{label} feed at {location} rejected: not valid JSON ({len(raw):,} bytes)")
    except RecursionError:
        return cached(warning=f"{label} feed at {location} rejected: nested too deeply to be a price feed")
    recent = recent_counts(records.text("recent"), now)
    baseline = max([snapshot_count(kind), *(n for _, n in recent), records.count("count") or 0])
    try:
        count = check_integrity(kind, data, baseline, accept_shrink=accept_shrink)
    except FeedRejected as exc:
        return cached(warning=f"{label} feed at {location} rejected: {exc}")
    revision = revision_of(raw)
    feed = LoadedFeed(kind, data, "remote" if _is_url(location) else "file", revision, count, source)
    updates[_meta_key(kind, "etag")] = new_etag
    if revision != revision_before or records.damaged:  # a damaged record is written afresh
        updates.update(
            {
                _meta_key(kind, "copy"): pack(raw),
                _meta_key(kind, "revision"): revision,
                _meta_key(kind, "count"): str(count),
                _meta_key(kind, "accepted_at"): now.isoformat(),
                _meta_key(kind, "recent"): json.dumps([*recent, (now.isoformat(), count)][-50:]),
            }
        )
    news = "new" if revision != revision_before else "unchanged"
    feed.notices.append(f"{label} feed: {count:,} models, revision {revision[:7]} ({news})")
    feed.meta_updates = updates
    return feed
