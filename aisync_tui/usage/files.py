"""Import usage from CSV and JSONL files.

Documented columns (CSV header / JSON keys; order does not matter, unknown columns are ignored):

| column        | required | meaning                                                           |
|---------------|----------|-------------------------------------------------------------------|
| timestamp     | yes      | ISO 8601 (`2025-03-01T12:00:00Z`; no zone = UTC), a date, or Unix seconds |
| model         | yes      | the provider's model id (`gpt-4o`, or `anthropic/claude-...`)     |
| provider      | no       | `openai`, `anthropic`, ...; inferred from the model id when absent |
| requests      | no       | whole number; empty or absent = unknown (not 0)                   |
| input_tokens  | no       | whole number including cached input; empty = 0                    |
| output_tokens | no       | whole number; empty = 0                                           |
| cached_tokens | no       | whole number, part of input_tokens; empty = 0                     |
| cost_usd      | no       | what was billed; empty = computed from the price in force then    |
| ref           | no       | your id for the row; without it, the row's content identifies it |

The OpenAI dashboard usage export (platform.openai.com/usage, Export) is recognised by its header
(`num_model_requests`, `start_time`/`start_time_iso`, `model`, `input_tokens`, `output_tokens`,
`input_cached_tokens`, ...) and read by header name; numbers like "10.0" are accepted.

A file is imported whole or not at all: any bad line stops the import with its line number and
nothing from that file is written. Re-importing a file (or a longer version of it) never counts a
row twice: each row's reference is its content (or `ref`), numbered when identical rows repeat.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Mapping

from .. import bounds
from ..jsonvalue import decode
from .records import (
    ImportResult,
    UsageDataError,
    UsageRow,
    as_cost,
    as_count,
    check_model_id,
    check_regular_file,
    infer_provider,
    parse_ts,
    write_rows,
)

DOCUMENTED = ("timestamp", "provider", "model", "requests", "input_tokens", "output_tokens", "cached_tokens", "cost_usd", "ref")
REQUIRED = ("timestamp", "model")
#: Header names that mark the OpenAI dashboard usage export.
OPENAI_EXPORT_MARKERS = {"num_model_requests", "start_time_iso"}
OPENAI_EXPORT_GROUPS = ("project_id", "user_id", "api_key_id", "batch", "service_tier")


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _row_from_documented(data: Mapping[str, object], source: str) -> tuple[UsageRow, str | None]:
    """A UsageRow (with a placeholder ref) and the row's own ref, from documented columns."""
    model = data.get("model")
    if model is None or not str(model).strip():
        raise ValueError("model is empty")
    ts = parse_ts(data.get("timestamp"))
    provider = str(data.get("provider") or "").strip().lower()
    model_id = check_model_id(str(model).strip(), "model")
    if len(provider) > 64:
        raise ValueError(f"provider {bounds.preview(provider)} is longer than 64 characters")
    if not provider:
        provider, model_id = infer_provider(model_id)
    elif model_id.lower().startswith(provider + "/"):
        model_id = model_id[len(provider) + 1 :]
    raw_requests = data.get("requests")
    requests = None if raw_requests is None or str(raw_requests).strip() == "" else as_count(raw_requests, "requests")
    inp = as_count(data.get("input_tokens"), "input_tokens")
    out = as_count(data.get("output_tokens"), "output_tokens")
    cached = as_count(data.get("cached_tokens"), "cached_tokens")
    if cached > inp:
        raise ValueError(f"cached_tokens ({cached}) is more than input_tokens ({inp}); input_tokens must include cached ones")
    cost = as_cost(data.get("cost_usd"))
    own_ref = data.get("ref")
    own = str(own_ref).strip() if own_ref not in (None, "") else None
    return UsageRow(ts, provider, model_id, requests, inp, out, cached, source, "", cost), own


def _row_from_openai_export(data: Mapping[str, object]) -> tuple[UsageRow, str]:
    """One row of the OpenAI dashboard usage export; its ref matches the admin API importer's key."""
    from .openai_admin import usage_ref

    start = data.get("start_time_iso") or data.get("start_time")
    ts = parse_ts(start, "start_time")
    model = check_model_id(str(data.get("model") or "").strip(), "model")
    if not model:
        raise ValueError("model is empty")
    raw_requests = data.get("num_model_requests")
    requests = None if raw_requests in (None, "") else as_count(raw_requests, "num_model_requests")
    inp = as_count(data.get("input_tokens"), "input_tokens")
    out = as_count(data.get("output_tokens"), "output_tokens")
    cached = min(as_count(data.get("input_cached_tokens"), "input_cached_tokens"), inp)
    groups = {g: (data.get(g) or None) for g in OPENAI_EXPORT_GROUPS}
    ref = usage_ref(int(ts.timestamp()), model, groups)
    return UsageRow(ts, "openai", model, requests, inp, out, cached, "openai-export", ref), ref


def _content_ref(source: str, row: UsageRow, counts: dict[str, int]) -> str:
    key = "|".join(
        str(v) for v in (row.ts.isoformat(), row.provider, row.model_id, row.requests, row.input_tokens, row.output_tokens, row.cached_tokens, row.cost_usd)
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    counts[digest] = counts.get(digest, 0) + 1
    return f"{source}:{digest}:{counts[digest]}"


def _finish(row: UsageRow, ref: str) -> UsageRow:
    return UsageRow(row.ts, row.provider, row.model_id, row.requests, row.input_tokens, row.output_tokens, row.cached_tokens, row.source, ref, row.cost_usd)


def _read_text(path: Path) -> str:
    check_regular_file(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageDataError(f"{path}: file not found", hint="check the path") from None
    except IsADirectoryError:
        raise UsageDataError(f"{path}: is a folder, not a file", hint="pass the file itself") from None
    except UnicodeDecodeError as exc:
        raise UsageDataError(f"{path}: not UTF-8 text (byte {exc.start})", hint="save it as UTF-8 CSV") from None
    except OSError as exc:
        raise UsageDataError(f"{path}: cannot read it: {exc.strerror}") from None


def parse_csv(path: Path, text: str | None = None) -> tuple[list[UsageRow], str]:
    """All rows of a CSV file, or UsageDataError naming the first bad line. Returns (rows, format)."""
    text = _read_text(path) if text is None else text
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise UsageDataError(f"{path}: the file is empty", hint="a CSV needs a header row: " + ",".join(DOCUMENTED[:-1])) from None
    except csv.Error as exc:
        raise UsageDataError(f"{path}: line 1: {exc}") from None
    names = [_norm(h) for h in header]
    openai_export = bool(OPENAI_EXPORT_MARKERS & set(names))
    if openai_export:
        missing = [c for c in ("model",) if c not in names] + ([] if {"start_time", "start_time_iso"} & set(names) else ["start_time"])
        fmt, source = "openai-export", "openai-export"
    else:
        missing = [c for c in REQUIRED if c not in names]
        fmt, source = "csv", "csv"
    if missing:
        raise UsageDataError(
            f"{path}: line 1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} (header: {', '.join(h.strip() for h in header)})",
            hint="the documented columns are " + ", ".join(DOCUMENTED),
        )
    rows: list[UsageRow] = []
    counts: dict[str, int] = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise UsageDataError(f"{path}: line {reader.line_num}: {exc}") from None
        if not cells or all(not c.strip() for c in cells):
            continue
        line = reader.line_num
        if len(cells) > len(names):
            raise UsageDataError(f"{path}: line {line}: {len(cells)} fields but the header has {len(names)}", hint="quote fields that contain commas")
        data = {name: (cells[i].strip() if i < len(cells) else None) for i, name in enumerate(names)}
        try:
            if openai_export:
                row, ref = _row_from_openai_export(data)
                rows.append(row)
            else:
                row, own = _row_from_documented(data, source)
                rows.append(_finish(row, f"{source}:ref:{own}" if own else _content_ref(source, row, counts)))
        except ValueError as exc:
            raise UsageDataError(f"{path}: line {line}: {exc}") from None
    return rows, fmt


def parse_jsonl(path: Path, text: str | None = None) -> list[UsageRow]:
    """One JSON object per line with the documented keys; blank lines are skipped."""
    text = _read_text(path) if text is None else text
    rows: list[UsageRow] = []
    counts: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = decode(line)
        except ValueError as exc:  # JSONDecodeError has .msg; a 5,000-digit number is a plain ValueError
            raise UsageDataError(f"{path}: line {number}: not valid JSON ({getattr(exc, 'msg', None) or str(exc)[:120]})") from None
        except RecursionError:
            raise UsageDataError(f"{path}: line {number}: the JSON is nested too deeply", hint="each line is one flat object with the documented keys") from None
        if not isinstance(data, dict):
            raise UsageDataError(f"{path}: line {number}: expected a JSON object, got {type(data).__name__}")
        fields = {_norm(k): v for k, v in data.items()}
        missing = [c for c in REQUIRED if c not in fields]
        if missing:
            raise UsageDataError(f"{path}: line {number}: missing {', '.join(missing)}", hint="each line needs " + ", ".join(REQUIRED))
        try:
            row, own = _row_from_documented(fields, "jsonl")
        except ValueError as exc:
            raise UsageDataError(f"{path}: line {number}: {exc}") from None
        rows.append(_finish(row, f"jsonl:ref:{own}" if own else _content_ref("jsonl", row, counts)))
    return rows


def import_csv(path: Path | str) -> ImportResult:
    target = Path(path).expanduser()
    rows, fmt = parse_csv(target)
    result = write_rows(rows, source=fmt)
    if fmt == "openai-export":
        result.notes.append("read as the OpenAI dashboard usage export")
    return result


def import_jsonl(path: Path | str) -> ImportResult:
    target = Path(path).expanduser()
    return write_rows(parse_jsonl(target), source="jsonl")

