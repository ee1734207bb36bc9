"""Azure OpenAI: one model per id from its newest serving version (recorded list), deployments
by name with the model they serve, api-key header or Entra token, the endpoint, the extra."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey, NotConfigured
from aisync_tui.providers.azure import parse_deployments, parse_models
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make

MODELS = "azure__models-france-central-2023.json"
DEPLOYMENTS = "azure__deployments-docs-tutorial-2022.json"
ENDPOINT = "https://contoso.openai.azure.com"


def test_each_id_is_its_newest_serving_version_and_unservable_ids_are_left_out():
    models = {m.model_id: m for m in parse_models("azure", fixture_json(MODELS))}
    assert "ada" not in models and "davinci" not in models  # no version serves inference
    turbo = models["gpt-35-turbo"]  # three versions listed: the newest serving one wins
    assert (turbo.type, turbo.created_at) == ("chat", datetime.fromtimestamp(1687132800, tz=timezone.utc))
    assert turbo.deprecated_at == datetime.fromtimestamp(1705276800, tz=timezone.utc)
    assert models["text-embedding-ada-002"].type == "embedding"
    assert models["code-cushman-001"].type == "completion"
    assert len(models) == 22  # 26 ids, 4 of them (ada, babbage, curie, davinci) serve no inference


def test_deployments_are_listed_by_name_with_the_served_model():
    models = {m.model_id: m for m in parse_models("azure", fixture_json(MODELS))}
    body = {"data": fixture_json(DEPLOYMENTS)["data"] + [
        {"id": "prod-chat", "model": {"name": "gpt-4", "version": "0613"}, "status": "succeeded", "created_at": 1700000000, "object": "deployment"},
        {"id": "half-made", "model": "gpt-4", "status": "creating", "object": "deployment"},
    ]}
    deployed = {d.model_id: d for d in parse_deployments("azure", body, models)}
    assert "half-made" not in deployed
    prod = deployed["prod-chat"]
    assert (prod.description, prod.aliases, prod.type) == ("Deployment of gpt-4 (version 0613)", ("gpt-4",), "chat")
    cushman = deployed["code-cushman-001"]
    assert cushman.description == "Deployment of code-cushman-001" and cushman.aliases == ()
    assert deployed["text-davinci-002"].type == "other"  # its model is not in this resource's list


@pytest.mark.parametrize("body", [{"models": []}, {"data": 5}, "x"])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("azure", base_url=ENDPOINT).parse(body)


@respx.mock
def test_fetch_sends_the_api_key_header_and_both_api_versions():
    models = respx.get(f"{ENDPOINT}/openai/models").mock(return_value=httpx.Response(200, json=fixture_json(MODELS)))
    deployments = respx.get(f"{ENDPOINT}/openai/deployments").mock(return_value=httpx.Response(200, json=fixture_json(DEPLOYMENTS)))
    found = make("azure", base_url=ENDPOINT, key="az-unit-0123456789", options={"api_version": "2024-06-01"}).fetch()
    assert len(found) == 23  # 22 models + text-davinci-002's deployment (the others share their model's id)
    assert models.calls[0].request.headers["api-key"] == "az-unit-0123456789" and "authorization" not in models.calls[0].request.headers
    assert models.calls[0].request.url.params["api-version"] == "2024-06-01"
    assert deployments.calls[0].request.url.params["api-version"] == "2022-12-01"
    respx.get(f"{ENDPOINT}/openai/models").mock(return_value=httpx.Response(401, json={"error": {"code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint."}}))
    with pytest.raises(InvalidApiKey):
        make("azure", base_url=ENDPOINT).fetch()


def test_no_endpoint_and_no_azure_identity_each_say_what_to_do(monkeypatch):
    monkeypatch.delenv("AZURE_OPENAI_ENDPOINT", raising=False)
    with pytest.raises(NotConfigured, match="no Azure OpenAI endpoint"):
        make("azure", key="az-unit-0123456789").fetch()
    monkeypatch.setitem(sys.modules, "azure.identity", None)
    with pytest.raises(NotConfigured) as err:
        make("azure", base_url=ENDPOINT, key=None).fetch()
    assert err.value.line() == "Provider not configured: azure-identity is not installed (install aisync-tui[azure])"
