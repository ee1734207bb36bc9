"""Price-feed rows for the cloud providers' own ids: a Bedrock model is priced by its region's
row first (`bedrock/us-gov-west-1/anthropic.claude-…`), then its own id, then, for a
cross-region inference profile (`us.anthropic.claude-…`), by the model the profile routes to.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..providers.clouds import aws_region, bedrock_feed_ids
from .feeds import FeedEntry


def cloud_entry(litellm: Mapping[tuple[str, str], FeedEntry], provider: str, model_id: str, regions: Mapping[str, str]) -> FeedEntry | None:
    """The feed row that prices a cloud model whose id has no row of its own, or None."""
    if provider != "bedrock":
        return None
    for candidate in bedrock_feed_ids(model_id, regions.get(provider)):
        entry = litellm.get((provider, candidate))
        if entry is not None:
            return entry
    return None


def cloud_regions(settings: Any) -> dict[str, str]:
    """Provider slug -> the region its prices are for (Bedrock's configured region)."""
    providers = getattr(settings, "providers", None) or {}
    bedrock = providers.get("bedrock")
    region = aws_region(bedrock) if bedrock is not None else None
    return {"bedrock": region} if region else {}
