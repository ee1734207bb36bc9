"""Price-feed rows for the cloud providers' own ids.

A Bedrock model is priced by its region's row first (`bedrock/us-gov-west-1/anthropic.claude-…`),
then its own id, then, for a cross-region inference profile (`us.anthropic.claude-…`), by the
model the profile routes to. A Vertex model is priced by the `vertex_ai/` rows, and a Gemini
model on Vertex by the gemini provider's row for the same id. An Azure deployment (a name the user chose) is priced by the row of
the model it serves, which the adapter stores as the deployment's alias.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from ..providers.clouds import aws_region, bedrock_feed_ids
from .feeds import FeedEntry

if TYPE_CHECKING:
    from ..config import Settings
    from .match import Matcher

CLOUDS = frozenset({"bedrock", "azure", "vertex"})


def cloud_entry(
    litellm: Mapping[tuple[str, str], FeedEntry], provider: str, model_id: str, regions: Mapping[str, str], targets: Mapping[tuple[str, str], str]
) -> FeedEntry | None:
    """The feed row that prices a cloud model, or None (then the plain id lookup decides)."""
    if provider not in CLOUDS:
        return None
    if provider == "bedrock":
        candidates = bedrock_feed_ids(model_id, regions.get(provider))
    elif provider == "vertex":
        # Vertex's own rows first; a Gemini model on Vertex by the gemini provider's row for the
        # same id (AI Studio's row where there is one, else LiteLLM's Vertex language-model row).
        for key in (("vertex", model_id), ("gemini", model_id)):
            if key in litellm:
                return litellm[key]
        return None
    else:
        served = targets.get((provider, model_id))
        candidates = [model_id] + ([served] if served else [])
    for candidate in candidates:
        entry = litellm.get((provider, candidate))
        if entry is not None:
            return entry
    return None


def prepare(matcher: Matcher, settings: Settings | None) -> None:
    """Give the matcher what cloud ids need: Bedrock's configured region, and which model each
    stored Azure deployment serves."""
    providers = settings.providers if settings is not None else {}
    bedrock = providers.get("bedrock")
    region = aws_region(bedrock) if bedrock is not None else None
    matcher.regions = {"bedrock": region} if region else {}
    matcher.targets = deployment_targets()


def deployment_targets() -> dict[tuple[str, str], str]:
    """(provider, deployment name) -> the model it serves, from the aliases the Azure adapter stored."""
    from ..store.models import Model, Provider, tuples

    out: dict[tuple[str, str], str] = {}
    for model_id, aliases in tuples(Model.select(Model.model_id, Model.aliases).join(Provider).where(Provider.slug == "azure")):
        if isinstance(aliases, list) and aliases and isinstance(aliases[0], str):
            out[("azure", model_id)] = aliases[0]
    return out
