"""Cloud ids against the bundled feed snapshot: Bedrock by region row, id, then a profile's model;
an Azure deployment by the model it serves; Vertex by its own rows, then the gemini provider's row
for the same id. And how many of each recorded list get a price."""

from __future__ import annotations

import json

import pytest

from aisync_tui.pricing import feeds as F
from aisync_tui.pricing.match import Matcher
from aisync_tui.pricing.sources import snapshot_bytes
from aisync_tui.providers.azure import parse_models
from aisync_tui.providers.bedrock import parse_lists
from tests.helpers import fixture_json


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(F.parse_litellm(json.loads(snapshot_bytes("litellm"))).entries)


def test_bedrock_prefers_the_regions_own_row_then_the_id_then_the_profiles_model(matcher):
    model = "anthropic.claude-haiku-4-5-20251001-v1:0"
    plain = matcher.litellm_for("bedrock", model)
    assert plain is not None and plain.key == model
    matcher.regions = {"bedrock": "us-gov-west-1"}
    try:
        regional = matcher.litellm_for("bedrock", model)
        assert regional.key == f"bedrock/us-gov-west-1/{model}" and not regional.price.same_as(plain.price)
    finally:
        matcher.regions = {}
    # A cross-region profile the feed has no row for is priced as the model it routes to.
    assert matcher.litellm_for("bedrock", "us.amazon.titan-text-express-v1").key == "amazon.titan-text-express-v1"
    assert matcher.litellm_for("bedrock", "us.no-such.model-v1:0") is None


def test_an_azure_deployment_is_priced_by_the_model_it_serves(matcher):
    assert matcher.litellm_for("azure", "chat-prod") is None
    matcher.targets = {("azure", "chat-prod"): "gpt-35-turbo"}
    try:
        assert matcher.litellm_for("azure", "chat-prod").key == "azure/gpt-35-turbo"
    finally:
        matcher.targets = {}


def test_vertex_uses_its_own_rows_and_the_vertex_gemini_rows(matcher):
    assert matcher.litellm_for("vertex", "claude-haiku-4-5").key == "vertex_ai/claude-haiku-4-5"
    assert matcher.litellm_for("vertex", "gemini-2.5-flash-preview-09-2025").feed_provider == "vertex_ai-language-models"
    assert matcher.litellm_for("gemini", "claude-haiku-4-5") is None  # never across to another provider


def test_how_many_recorded_cloud_models_the_bundled_feed_prices(matcher):
    bedrock = parse_lists("bedrock", fixture_json("bedrock__boto3-list-foundation-models-2023-10-07.json"), [])
    azure = parse_models("azure", fixture_json("azure__models-france-central-2023.json"))
    priced_bedrock = [m.model_id for m in bedrock if matcher.litellm_for("bedrock", m.model_id)]
    priced_azure = [m.model_id for m in azure if matcher.litellm_for("azure", m.model_id)]
    # The 2023 lists are old: the feed still prices 8 of Bedrock's 17 and 2 of Azure's 22 ids
    # (genai-prices' azure rules add text-davinci-002 in a full pricing sync).
    assert (len(priced_bedrock), len(bedrock)) == (8, 17)
    assert (sorted(priced_azure), len(azure)) == (["gpt-35-turbo", "text-embedding-ada-002"], 22)
