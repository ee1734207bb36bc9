"""Times read back from the store: the driver's text or datetime becomes aware UTC, and a damaged
value is no time rather than an error that would stop a report or a notification."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aisync_tui.domain import stored_time

UTC = timezone.utc


def test_sqlite_text_is_read_as_utc() -> None:
    assert stored_time("2025-06-01 11:48:00") == datetime(2025, 6, 1, 11, 48, tzinfo=UTC)
    assert stored_time("2025-06-01 11:48:00.250000") == datetime(2025, 6, 1, 11, 48, 0, 250000, tzinfo=UTC)


def test_a_naive_datetime_from_postgresql_is_utc_and_an_aware_one_is_converted() -> None:
    assert stored_time(datetime(2025, 6, 1, 11, 48)) == datetime(2025, 6, 1, 11, 48, tzinfo=UTC)
    paris = timezone(timedelta(hours=2))
    assert stored_time(datetime(2025, 6, 1, 13, 48, tzinfo=paris)) == datetime(2025, 6, 1, 11, 48, tzinfo=UTC)


@pytest.mark.parametrize("damaged", [None, "", "yesterday", "2025-13-45", 1748778480, 3.5, b"2025-06-01", ["2025-06-01"], "0001-01-01T00:00:00+05:00"])
def test_a_damaged_value_is_no_time(damaged: object) -> None:
    assert stored_time(damaged) is None


def test_a_stored_yes_or_no_reads_as_stated_and_anything_else_as_not_stated() -> None:
    from aisync_tui.domain import stored_flag

    assert [stored_flag(v) for v in (True, 1, False, 0)] == [True, True, False, False]
    for damaged in (None, "no", "yes", "", 2, -1, 0.5, b"\x01", [True]):
        assert stored_flag(damaged) is None, damaged
