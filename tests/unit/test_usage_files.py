"""CSV / JSONL usage import: documented columns, the OpenAI dashboard export, and all-or-nothing errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from aisync_tui.store.db import open_store
from aisync_tui.store.models import UsageRecord
from aisync_tui.usage import files
from aisync_tui.usage.records import UsageDataError

HEADER = "timestamp,provider,model,requests,input_tokens,output_tokens,cached_tokens,cost_usd\n"


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(str(tmp_path / "aisync.db"))
    yield s
    s.close()


def _write(tmp_path: Path, text: str, name: str = "usage.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_documented_columns_in_any_order_with_blank_cells(store, tmp_path: Path) -> None:
    path = _write(tmp_path, "model,timestamp,input_tokens,output_tokens,requests,cost_usd,provider,cached_tokens,extra\n"
                  "gpt-4o,2025-03-01T12:00:00Z,1000,200,3,0.0125,openai,100,ignored\n"
                  "\n"
                  "claude-3-haiku,2025-03-02,10.0,20,,,,\n")
    result = files.import_csv(path)
    assert (result.read, result.added) == (2, 2)
    a, b = UsageRecord.select().order_by(UsageRecord.ts)
    assert (a.provider, a.requests, a.input_tokens, a.cached_tokens, a.cost_usd, a.cost_source) == ("openai", 3, 1000, 100, Decimal("0.0125"), "reported")
    # No provider: inferred; no requests: unknown (not 0); "10.0" is accepted as 10.
    assert (b.provider, b.requests, b.input_tokens, b.cost_usd) == ("anthropic", None, 10, None)


def test_a_bad_number_names_the_line_and_nothing_from_the_file_is_imported(store, tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "2025-03-01,openai,gpt-4o,1,10,10,,\n2025-03-01,openai,gpt-4o,1,10,10,,\n2025-03-02,openai,gpt-4o,1,ten,10,,\n")
    with pytest.raises(UsageDataError) as err:
        files.import_csv(path)
    assert "line 4" in err.value.line() and "input_tokens must be a whole number" in err.value.line()
    assert UsageRecord.select().count() == 0


@pytest.mark.parametrize(
    "line, message",
    [
        ("2025-03-01,openai,gpt-4o,1,10,10,,-1\n", "cost_usd must not be negative"),
        ("2025-03-01,openai,gpt-4o,1,10,10,,abc\n", "cost_usd must be a number"),
        ("yesterday,openai,gpt-4o,1,10,10,,\n", "is not an ISO-8601"),
        ("2025-03-01,openai,,1,10,10,,\n", "model is empty"),
        ("2025-03-01,openai,gpt-4o,1.5,10,10,,\n", "requests must be a whole number"),
        ("2025-03-01,openai,gpt-4o,1,10,10,11,\n", "cached_tokens (11) is more than input_tokens (10)"),
        ("2025-03-01,openai,gpt-4o,1,10,10,,,,extra\n", "fields but the header has 8"),
    ],
)
def test_bad_values_give_a_clear_error_with_the_line_number(store, tmp_path: Path, line: str, message: str) -> None:
    path = _write(tmp_path, HEADER + line)
    with pytest.raises(UsageDataError, match="line 2") as err:
        files.import_csv(path)
    assert message in str(err.value)


def test_missing_required_columns_are_named(store, tmp_path: Path) -> None:
    path = _write(tmp_path, "provider,input_tokens\nopenai,3\n")
    with pytest.raises(UsageDataError, match=r"line 1: missing columns timestamp, model") as err:
        files.import_csv(path)
    assert "documented columns are timestamp, provider, model" in err.value.line()
    with pytest.raises(UsageDataError, match="the file is empty"):
        files.import_csv(_write(tmp_path, "", name="empty.csv"))


def test_quoted_fields_bom_and_windows_line_endings(store, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + HEADER.replace("\n", "\r\n") + '"2025-03-01T00:00:00+02:00",openai,"gpt-4o",1,"1000",5,0,\r\n').encode("utf-8"))
    files.import_csv(path)
    rec = UsageRecord.get()
    assert (rec.model_id, rec.input_tokens, rec.ts.hour, rec.ts.day) == ("gpt-4o", 1000, 22, 28)


def test_reimporting_a_grown_file_adds_only_new_rows_and_keeps_identical_rows_apart(store, tmp_path: Path) -> None:
    same = "2025-03-01T10:00:00Z,openai,gpt-4o,1,10,10,,\n"
    path = _write(tmp_path, HEADER + same + same)
    first = files.import_csv(path)
    path.write_text(HEADER + same + same + "2025-03-02T10:00:00Z,openai,gpt-4o,1,5,5,,\n")
    second = files.import_csv(path)
    assert (first.added, second.added, second.unchanged) == (2, 1, 2)
    assert UsageRecord.select().count() == 3


def test_a_ref_column_identifies_rows_across_edits(store, tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER.strip() + ",ref\n2025-03-01,openai,gpt-4o,1,10,10,,,req-1\n")
    files.import_csv(path)
    path.write_text(HEADER.strip() + ",ref\n2025-03-01,openai,gpt-4o,1,99,10,,,req-1\n")
    result = files.import_csv(path)
    assert (result.updated, UsageRecord.select().count(), UsageRecord.get().input_tokens) == (1, 1, 99)


def test_openai_dashboard_export_is_read_by_header_name(store, tmp_path: Path) -> None:
    # Columns as observed in a real export (start_time.. output_image_tokens), reordered here.
    header = ("model,start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,batch,service_tier,"
              "input_tokens,output_tokens,input_cached_tokens,input_uncached_tokens,input_text_tokens,output_text_tokens,input_cached_text_tokens,"
              "input_audio_tokens,input_cached_audio_tokens,output_audio_tokens,input_image_tokens,input_cached_image_tokens,output_image_tokens\n")
    row = "gpt-4o-mini-2024-07-18,1759017600,1759104000,2025-09-28T00:00:00+00:00,2025-09-29T00:00:00+00:00,proj_abc,12.0,,,False,default,5400.0,820.0,1024.0,4376.0,5400.0,820.0,1024.0,0.0,0.0,0.0,0.0,0.0,0.0\n"
    path = _write(tmp_path, header + row, name="openai-usage.csv")
    result = files.import_csv(path)
    rec = UsageRecord.get()
    assert "OpenAI dashboard" in result.notes[0]
    assert (rec.provider, rec.model_id, rec.requests, rec.input_tokens, rec.output_tokens, rec.cached_tokens) == ("openai", "gpt-4o-mini-2024-07-18", 12, 5400, 820, 1024)
    assert rec.ts.isoformat() == "2025-09-28T00:00:00+00:00"
    assert files.import_csv(path).unchanged == 1


def test_jsonl_lines_use_the_same_columns_and_bad_json_names_its_line(store, tmp_path: Path) -> None:
    good = '{"timestamp": "2025-03-01T00:00:00Z", "model": "gpt-4o", "input_tokens": 5, "output_tokens": 6, "requests": 1, "cost_usd": "0.001"}\n'
    path = _write(tmp_path, good + "\n" + '{"timestamp": 1740787200, "model": "grok-3", "input_tokens": 1}\n', name="u.jsonl")
    files.import_jsonl(path)
    assert {(r.provider, r.model_id) for r in UsageRecord.select()} == {("openai", "gpt-4o"), ("xai", "grok-3")}
    bad = _write(tmp_path, good + "{not json\n", name="bad.jsonl")
    with pytest.raises(UsageDataError, match="line 2: not valid JSON"):
        files.import_jsonl(bad)
    with pytest.raises(UsageDataError, match="line 1: missing model"):
        files.import_jsonl(_write(tmp_path, '{"timestamp": "2025-01-01"}\n', name="m.jsonl"))
