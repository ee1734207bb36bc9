"""Bedrock: foundation models (recorded boto3 answer) and inference profiles to models; lifecycle,
modalities, streaming, inference types; botocore errors to the shared messages; the extra."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

import pytest

from aisync_tui.errors import (
    BadResponse,
    InvalidApiKey,
    NotConfigured,
    PermissionDenied,
    RateLimited,
)
from aisync_tui.providers.bedrock import parse_lists
from aisync_tui.providers.clouds import bedrock_feed_ids
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make

RECORDED = "bedrock__boto3-list-foundation-models-2023-10-07.json"

#: Shapes from botocore's own service model (bedrock 2023-04-20): ListInferenceProfiles.
PROFILES = {"inferenceProfileSummaries": [
    {"inferenceProfileName": "US Claude 3.5 Haiku", "description": "Routes requests to Claude 3.5 Haiku in us-east-1, us-west-2 and us-east-2.",
     "createdAt": datetime(2024, 11, 4, tzinfo=timezone.utc), "updatedAt": datetime(2024, 11, 4, tzinfo=timezone.utc),
     "inferenceProfileArn": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0",
     "models": [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0"} for r in ("us-east-1", "us-west-2", "us-east-2")],
     "inferenceProfileId": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "status": "ACTIVE", "type": "SYSTEM_DEFINED"},
    {"inferenceProfileName": "old", "inferenceProfileId": "us.meta.llama3-2-1b-instruct-v1:0", "status": "INACTIVE", "models": [], "type": "SYSTEM_DEFINED"},
]}


def test_recorded_foundation_models_get_type_streaming_and_inference_types():
    models = {m.model_id: m for m in parse_lists("bedrock", fixture_json(RECORDED), [])}
    assert len(models) == 17
    titan = models["amazon.titan-tg1-large"]
    assert (titan.type, titan.name, titan.owned_by, titan.description) == ("chat", "Titan Text Large", "Amazon", "Invoked on demand")
    assert titan.capabilities == frozenset({"chat", "streaming"})
    j2 = models["ai21.j2-ultra-v1"]
    assert "streaming" not in j2.capabilities  # responseStreamingSupported: false
    assert models["amazon.titan-embed-text-v1"].type == "embedding"
    sdxl = models["stability.stable-diffusion-xl"]
    assert (sdxl.type, sdxl.input_modalities, sdxl.output_modalities) == ("image", ("text", "image"), ("image",))
    assert not any(m.deprecated for m in models.values())  # this 2023 answer has no lifecycle yet


def test_legacy_is_deprecated_and_profiles_take_their_models_shape():
    body = {"modelSummaries": [
        {"modelId": "anthropic.claude-3-5-haiku-20241022-v1:0", "modelName": "Claude 3.5 Haiku", "providerName": "Anthropic",
         "inputModalities": ["TEXT", "IMAGE"], "outputModalities": ["TEXT"], "responseStreamingSupported": True,
         "inferenceTypesSupported": ["INFERENCE_PROFILE"], "modelLifecycle": {"status": "ACTIVE"}},
        {"modelId": "anthropic.claude-v2", "modelName": "Claude", "providerName": "Anthropic", "inputModalities": ["TEXT"],
         "outputModalities": ["TEXT"], "inferenceTypesSupported": ["ON_DEMAND", "PROVISIONED"],
         "modelLifecycle": {"status": "LEGACY", "legacyTime": datetime(2025, 7, 1, tzinfo=timezone.utc)}},
        {"modelId": "amazon.nova-sonic-v1:0", "inputModalities": ["SPEECH"], "outputModalities": ["SPEECH", "TEXT"], "modelLifecycle": {"status": "LEGACY"}},
    ]}
    models = {m.model_id: m for m in parse_lists("bedrock", body, [PROFILES])}
    v2 = models["anthropic.claude-v2"]
    assert v2.deprecated and v2.deprecated_at == datetime(2025, 7, 1, tzinfo=timezone.utc)
    assert v2.description == "Invoked on demand, provisioned throughput"
    sonic = models["amazon.nova-sonic-v1:0"]
    assert sonic.deprecated and sonic.deprecated_at is None and sonic.type == "tts" and "audio_in" in sonic.capabilities
    haiku = models["anthropic.claude-3-5-haiku-20241022-v1:0"]
    assert "vision" in haiku.capabilities and haiku.description == "Invoked through an inference profile"
    profile = models["us.anthropic.claude-3-5-haiku-20241022-v1:0"]
    assert (profile.name, profile.type, profile.capabilities, profile.owned_by) == ("US Claude 3.5 Haiku", "chat", haiku.capabilities, "Anthropic")
    assert (profile.description or "").endswith("Routes to us-east-1, us-east-2, us-west-2")
    assert "us.meta.llama3-2-1b-instruct-v1:0" not in models  # INACTIVE profiles are not callable


@pytest.mark.parametrize("body", [[], {"modelSummaries": "x"}, {"modelSummaries": [], "inferenceProfileSummaries": 3}])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("bedrock").parse(body)


def test_feed_ids_try_the_region_then_the_id_then_the_profiles_model():
    assert bedrock_feed_ids("us.anthropic.claude-3-5-haiku-20241022-v1:0", "us-east-1") == [
        "us-east-1/us.anthropic.claude-3-5-haiku-20241022-v1:0", "us.anthropic.claude-3-5-haiku-20241022-v1:0",
        "us-east-1/anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0"]
    assert bedrock_feed_ids("anthropic.claude-v2", None) == ["anthropic.claude-v2"]


def _client_error(code: str, status: int) -> Exception:
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": code, "Message": f"{code} happened"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "ListFoundationModels")


def test_botocore_errors_map_to_the_shared_messages_with_the_fixing_command():
    from botocore.exceptions import NoCredentialsError, SSOTokenLoadError

    adapter = make("bedrock", options={"profile": "dev"})
    expired = adapter._map(SSOTokenLoadError(error_msg="Token for dev does not exist"), "dev")
    assert isinstance(expired, InvalidApiKey) and "aws sso login --profile dev" in expired.hint
    assert isinstance(adapter._map(NoCredentialsError(), None), InvalidApiKey)
    assert isinstance(adapter._map(_client_error("UnrecognizedClientException", 403), None), InvalidApiKey)
    assert isinstance(adapter._map(_client_error("ExpiredTokenException", 403), None), InvalidApiKey)
    assert isinstance(adapter._map(_client_error("AccessDeniedException", 403), None), PermissionDenied)
    assert isinstance(adapter._map(_client_error("ThrottlingException", 429), None), RateLimited)


def test_without_botocore_it_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "botocore", None)
    monkeypatch.setitem(sys.modules, "botocore.session", None)
    with pytest.raises(NotConfigured) as err:
        make("bedrock").fetch()
    assert err.value.line() == "Provider not configured: botocore is not installed (install aisync-tui[aws])"


def test_a_profile_whose_model_is_not_listed_claims_nothing():
    orphan = {"inferenceProfileSummaries": [{"inferenceProfileId": "eu.mistral.pixtral-large-2502-v1:0", "status": "ACTIVE",
                                             "models": [{"modelArn": "arn:aws:bedrock:eu-west-1::foundation-model/mistral.pixtral-large-2502-v1:0"}]}]}
    (profile,) = parse_lists("bedrock", {"modelSummaries": []}, [orphan])
    assert (profile.type, profile.capabilities, profile.input_modalities) == ("other", frozenset(), ())
    assert profile.description == "Routes to eu-west-1"
