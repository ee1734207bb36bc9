"""The app's cell words: stored times, prices and field changes, including stored text that is not
what it should be (the history screen must still show a line, never fail)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from aisync_tui.tui import format as fmt


def test_a_stored_time_in_driver_text_reads_as_utc() -> None:
    assert fmt.when("2025-06-01 11:48:00") == "2025-06-01 11:48 UTC"
    assert fmt.parse_time(datetime(2025, 6, 1, 11, 48, tzinfo=UTC)) == datetime(2025, 6, 1, 11, 48, tzinfo=UTC)


def test_a_time_that_is_not_a_time_shows_as_unknown() -> None:
    assert fmt.when("yesterday-ish") == "—"
    assert fmt.ago(None) == "never" and fmt.ago("") == "never"


def test_a_price_that_is_not_a_number_shows_as_unknown() -> None:
    assert fmt.decimal("0.0000025") == Decimal("0.0000025")
    assert fmt.decimal("abc") is None
    assert fmt.price("0.0000025") == "$2.50"
    assert fmt.tier(object(), None) == "—"


def test_a_price_change_names_only_the_components_that_changed() -> None:
    old = '{"input": "0.000003", "output": "0.000015"}'
    new = '{"input": "0.0000025", "output": "0.000015"}'
    assert fmt.change_words("pricing", old, new) == "input $3.00 → $2.50"


def test_a_set_change_says_what_left_and_what_came() -> None:
    assert fmt.change_words("capabilities", '["vision", "caching"]', '["vision", "fim"]') == "−caching +fim"


def test_a_change_stored_as_plain_text_or_a_non_number_price_is_shown_as_it_is() -> None:
    assert fmt.change_words("status", "active", "missing") == "active → missing"
    assert fmt.change_words("pricing", '{"input": "free"}', None) == "input free → —"


def test_outside_text_is_not_read_as_markup() -> None:
    assert fmt.plain("[/]model\x1b").plain == "[/]model\\x1b"
