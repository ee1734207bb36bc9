"""Import the `llm` command-line tool's logs.db (https://llm.datasette.io), every schema it has had.

Layouts read (see tests/fixtures/llm_logs/schemas.json, made by llm's own migrations):
- `turns` (llm 0.36+, migration m023): one model call per row, tokens and resolved_model.
- `responses` (m010 onwards): without token columns before m013, `resolved_model` from m019.
- `responses_archive`: the old `responses` table renamed when a database is converted to the
  message-store layout; same columns, same ids as their copies, so ids already read are skipped.
- `logs` (m007..m008, kept by m009 when it had rows): the oldest layout, integer ids, no tokens.

One row is one request, kept with the id it asked for (`model`) and the one that served it
(`resolved_model`, when llm logged one). llm stores no provider and no cost: the provider comes from the model id
(`usage.records.infer_provider`), the cost from the price ledger at the row's time. The file is
opened read-only and never written.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

from .. import bounds
from ..jsonvalue import JSON, decode
from .records import (
    ImportResult,
    OutOfRange,
    UsageDataError,
    UsageRow,
    as_count,
    check_model_id,
    check_regular_file,
    infer_provider,
    parse_ts,
    write_rows,
)

SOURCE = "llm"

#: Tables in the order they are read: the newest layout first, so its rows win over archived copies.
TABLES = ("turns", "responses", "responses_archive", "logs")


def default_path(environ: dict[str, str] | None = None) -> Path:
    """Where llm keeps logs.db: $LLM_USER_PATH, else click's app dir for "io.datasette.llm"."""
    env = os.environ if environ is None else environ
    if env.get("LLM_USER_PATH"):
        return Path(env["LLM_USER_PATH"]).expanduser() / "logs.db"
    home = Path(env.get("HOME") or Path.home())
    if sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    elif os.name == "nt":  # pragma: no cover - Windows
        base = Path(env.get("APPDATA") or home)
    else:
        base = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    return base / "io.datasette.llm" / "logs.db"


def _open(path: Path) -> sqlite3.Connection:
    if not path.exists():
        raise UsageDataError(f"{path}: no llm logs database here", hint="pass its path; `llm logs path` prints it")
    if path.is_dir():
        raise UsageDataError(f"{path}: is a folder, not a logs.db file", hint="pass the logs.db file itself")
    check_regular_file(path)
    # Looked at through SQLite only, never a plain open(): closing a plain descriptor of a file
    # drops every SQLite lock this process holds on it (the path could be a store in use).
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc).lower():
            raise UsageDataError(f"{path}: not a SQLite database", hint="pass the logs.db that `llm logs path` prints") from None
        raise UsageDataError(f"{path}: cannot read it as a SQLite database: {exc}", hint="check the file") from None
    return conn


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}


def _details(text: str | None) -> dict[str, JSON]:
    if not text:
        return {}
    try:
        data = decode(text)
    except (ValueError, RecursionError):  # not JSON, a 5,000-digit number, or nested past the stack
        return {}
    return data if isinstance(data, dict) else {}


def tokens(input_tokens: int | None, output_tokens: int | None, token_details: str | None) -> tuple[int, int, int]:
    """(input incl. cached, output, cached) from llm's columns and the provider's token_details.

    OpenAI-style details (`prompt_tokens_details.cached_tokens`) count cached tokens inside the
    input already; Anthropic's (`cache_read_input_tokens`, `cache_creation_input_tokens`) are on
    top of `input_tokens`, so they are added to keep one convention: input includes cached.
    """
    inp = as_count(input_tokens, "input_tokens")
    out = as_count(output_tokens, "output_tokens")
    cached = 0
    details = _details(token_details)
    ptd = details.get("prompt_tokens_details") or details.get("input_tokens_details")
    if isinstance(ptd, dict) and isinstance(ptd.get("cached_tokens"), int):
        cached = as_count(ptd["cached_tokens"], "token_details cached_tokens")
    elif isinstance(details.get("cache_read_input_tokens"), int) or isinstance(details.get("cache_creation_input_tokens"), int):
        read = as_count(details.get("cache_read_input_tokens"), "token_details cache_read_input_tokens")
        created = as_count(details.get("cache_creation_input_tokens"), "token_details cache_creation_input_tokens")
        inp += read + created
        cached = read
    elif isinstance(details.get("cachedContentTokenCount"), int):
        cached = as_count(details["cachedContentTokenCount"], "token_details cachedContentTokenCount")
    return inp, out, min(cached, inp)


_ROW_HINT = "nothing was imported from this file; fix or delete that row (llm logs) and import again"


def legacy_ref(rid: object, when: object, model: object) -> str:
    """The reference of a row of the oldest `logs` table. Its ids are 1, 2, 3... in every file, so
    the row's time and model are part of it: two machines' logs never overwrite each other, and
    the same file imported again gives the same references."""
    digest = hashlib.sha256(f"{when}|{model}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"llm:logs:{rid}:{digest}"


def read_rows(path: Path, *, since: datetime | None = None) -> tuple[list[UsageRow], list[str]]:
    """Every request in the logs.db as UsageRows (oldest layout included), plus notes on what was skipped."""
    conn = _open(path)
    notes: list[str] = []
    rows: list[UsageRow] = []
    try:
        present = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        tables = [t for t in TABLES if t in present]
        if not tables:
            raise UsageDataError(
                f"{path}: no llm log tables in it (looked for {', '.join(TABLES)})",
                hint="pass the logs.db that `llm logs path` prints",
            )
        seen: set[str] = set()
        skipped_no_model = 0
        skipped_bad_time = 0
        for table in tables:
            cols = _columns(conn, table)
            time_col = "datetime_utc" if "datetime_utc" in cols else None
            if time_col is None or "model" not in cols:
                notes.append(f"table {table}: no datetime_utc/model column, skipped")
                continue
            pick = ["id", "model", time_col]
            pick += [c if c in cols else f"NULL AS {c}" for c in ("resolved_model", "input_tokens", "output_tokens", "token_details")]
            query = f'SELECT {", ".join(pick)} FROM "{table}" ORDER BY id'
            legacy_int_ids = table == "logs"
            for rid, model, when, resolved, inp, out, details in conn.execute(query):
                ref = legacy_ref(rid, when, model) if legacy_int_ids else f"llm:{rid}"
                if ref in seen:
                    continue
                seen.add(ref)
                if not model:
                    skipped_no_model += 1
                    continue
                try:
                    ts = parse_ts(when, "datetime_utc")
                except OutOfRange as exc:
                    raise UsageDataError(f"{path}: table {table}, row id {bounds.preview(rid)}: {exc}", hint=_ROW_HINT) from None
                except ValueError:
                    skipped_bad_time += 1
                    continue
                if since is not None and ts < since:
                    continue
                provider, requested = infer_provider(str(model))
                model_id = requested
                if resolved:
                    # resolved_model is the provider's own id, without the plugin prefix. Both are
                    # kept: what was asked for (`gpt-4o-mini`) and what served it (the snapshot).
                    model_id = str(resolved).split("/", 1)[1] if str(resolved).lower().startswith(provider + "/") else str(resolved)
                try:
                    check_model_id(model_id)
                    check_model_id(requested)
                    i, o, c = tokens(inp, out, details)
                except ValueError as exc:
                    raise UsageDataError(f"{path}: table {table}, row id {bounds.preview(rid)}: {exc}", hint=_ROW_HINT) from None
                rows.append(
                    UsageRow(ts, provider, model_id, 1, i, o, c, SOURCE, ref, requested_model=requested if requested != model_id else None)
                )
        if skipped_no_model:
            notes.append(f"{skipped_no_model} rows without a model were skipped")
        if skipped_bad_time:
            notes.append(f"{skipped_bad_time} rows with an unreadable datetime_utc were skipped")
    except sqlite3.DatabaseError as exc:
        raise UsageDataError(f"{path}: cannot read the logs: {exc}", hint="check the file; is llm upgrading it right now?") from None
    finally:
        conn.close()
    return rows, notes


def import_logs(path: Path | str | None = None, *, since: datetime | None = None) -> ImportResult:
    """Read logs.db and write its requests to the store (needs an open store). Re-import adds only new rows."""
    target = Path(path).expanduser() if path else default_path()
    rows, notes = read_rows(target, since=since)
    adopt_old_legacy_refs(rows)
    result = write_rows(rows, source=SOURCE)
    result.notes.extend(notes)
    return result



def adopt_old_legacy_refs(rows: list[UsageRow]) -> None:
    """Records an earlier version stored as `llm:logs:<id>` take the new reference of the same row
    (same id and model), so importing that file again still adds nothing twice."""
    legacy = [r for r in rows if r.source_ref.startswith("llm:logs:")]
    if not legacy:
        return
    from ..store.models import UsageRecord, database_proxy

    with database_proxy.atomic():
        for row in legacy:
            old = row.source_ref.rsplit(":", 1)[0]
            UsageRecord.update(source_ref=row.source_ref).where(
                (UsageRecord.source_ref == old) & (UsageRecord.model_id == row.model_id)
            ).execute()
