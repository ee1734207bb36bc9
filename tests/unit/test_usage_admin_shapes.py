"""Admin API answers whose parts have the wrong shape end in one BadResponse line, not a traceback."""

from __future__ import annotations

import pytest

from aisync_tui.errors import BadResponse
from aisync_tui.usage import anthropic_admin, openai_admin

DAY = "2026-01-01T00:00:00Z"


@pytest.mark.parametrize("creation", [5, "lots", [1, 2], True])
def test_anthropic_cache_creation_that_is_not_an_object_names_the_model(creation: object) -> None:
    page = {"data": [{"starting_at": DAY, "results": [{"model": "claude-x", "output_tokens": 1, "cache_creation": creation}]}]}
    with pytest.raises(BadResponse) as err:
        anthropic_admin.parse_usage_pages([page])
    assert "claude-x" in str(err.value) and "cache_creation is not an object" in str(err.value)
    assert len(str(err.value).splitlines()) == 1


def test_anthropic_cache_creation_counts_go_into_input() -> None:
    result = {
        "model": "claude-x", "uncached_input_tokens": 10, "cache_read_input_tokens": 3, "output_tokens": 2,
        "cache_creation": {"ephemeral_5m_input_tokens": 4, "ephemeral_1h_input_tokens": 1},
    }
    (row,) = anthropic_admin.parse_usage_pages([{"data": [{"starting_at": DAY, "results": [result]}]}])
    assert (row.input_tokens, row.cached_tokens, row.output_tokens) == (18, 3, 2)


def test_results_and_buckets_of_the_wrong_kind_are_skipped_or_refused_not_crashed_on() -> None:
    # A results list that is not a list, and items that are not objects, read as no results.
    pages = [{"data": [{"start_time": 1_767_225_600, "results": "none"}, {"start_time": 1_767_225_600, "results": [3, None]}]}]
    assert openai_admin.parse_usage_pages(pages) == []
    assert openai_admin.parse_cost_pages(pages) == {}
    with pytest.raises(BadResponse, match="a cost bucket has no start_time"):
        openai_admin.parse_cost_pages([{"data": ["not a bucket"]}])
    with pytest.raises(BadResponse, match="starting_at"):
        anthropic_admin.parse_usage_pages([{"data": [["not a bucket"]]}])
