"""The MCP tools' workload arguments: numbers an agent sends become a workload, anything else is a
tool error with the argument's name (never a crash report)."""

from __future__ import annotations

from decimal import Decimal

import pytest

pytest.importorskip("mcp")

from mcp.server.mcpserver.exceptions import ToolError  # noqa: E402

from aisync_tui.commands.mcp_server import _workload  # noqa: E402
from aisync_tui.jsonvalue import JSON  # noqa: E402


def test_seconds_keep_their_fraction_and_counts_are_whole() -> None:
    w = _workload(1000, 200, 0, 3, {"input_seconds": "2.5", "images": "2", "video_seconds": 4})
    assert w.input_seconds == Decimal("2.5") and w.video_seconds == Decimal(4)
    assert w.images == 2 and w.input_images == 0 and w.requests == 3


@pytest.mark.parametrize("value", ["ten", [1], {"a": 1}, "NaN"])
def test_a_quantity_that_is_not_a_number_is_a_tool_error_naming_it(value: JSON) -> None:
    with pytest.raises(ToolError, match="input_seconds"):
        _workload(0, 0, 0, 1, {"input_seconds": value})


def test_a_count_beyond_the_limit_is_refused() -> None:
    with pytest.raises(ToolError, match="limited"):
        _workload(0, 0, 0, 1, {"video_seconds": str(10**16)})
