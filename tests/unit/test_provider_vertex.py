"""Vertex AI: publisher models to models (owner, type by name, launch stage), every page of every
publisher with the ADC token and quota project, ADC errors, the extra."""

from __future__ import annotations

import sys
import types

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey, NotConfigured
from tests.unit.provider_helpers import make

#: Written to the documented PublisherModel shape (aiplatform v1beta1); no real list was found.
BODY = {"publisherModels": [
    {"name": "publishers/google/models/gemini-2.5-flash", "versionId": "default", "openSourceCategory": "PROPRIETARY", "launchStage": "GA"},
    {"name": "publishers/google/models/text-embedding-005", "versionId": "005", "launchStage": "GA"},
    {"name": "publishers/google/models/imagen-4.0-generate-001", "launchStage": "PUBLIC_PREVIEW"},
    {"name": "publishers/google/models/veo-3.0-generate-001"},
]}
BASE = "https://europe-west4-aiplatform.googleapis.com"


def test_publisher_models_become_models_owned_by_their_publisher():
    models = {m.model_id: m for m in make("vertex").parse(BODY)}
    flash = models["gemini-2.5-flash"]
    assert (flash.type, flash.owned_by) == ("chat", "google")
    assert flash.description == "Vertex publisher model: version default, launch stage GA, proprietary"
    assert [models[i].type for i in ("text-embedding-005", "imagen-4.0-generate-001", "veo-3.0-generate-001")] == ["embedding", "image", "video"]
    assert models["veo-3.0-generate-001"].description is None


@pytest.mark.parametrize("body", [{"models": []}, []])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("vertex").parse(body)


def _fake_google_auth(monkeypatch, *, token: str = "ya29.unit", project: str | None = "adc-project", fail: str | None = None) -> None:
    """A stand-in google.auth with the calls the adapter makes: default(scopes) and refresh(Request())."""
    exceptions = types.ModuleType("google.auth.exceptions")
    for name in ("DefaultCredentialsError", "RefreshError", "TransportError"):
        setattr(exceptions, name, type(name, (Exception,), {}))

    class Credentials:
        token = None

        def refresh(self, request: object) -> None:
            if fail == "refresh":
                raise exceptions.RefreshError("Reauthentication is needed.")
            self.token = token

    def default(scopes: list[str]) -> tuple[Credentials, str | None]:
        assert scopes == ["https://www.googleapis.com/auth/cloud-platform"]
        if fail == "default":
            raise exceptions.DefaultCredentialsError("Your default credentials were not found.")
        return Credentials(), project

    auth = types.ModuleType("google.auth")
    auth.default, auth.exceptions = default, exceptions  # type: ignore[attr-defined]
    transport = types.ModuleType("google.auth.transport")
    requests_mod = types.ModuleType("google.auth.transport.requests")
    requests_mod.Request = lambda: object()  # type: ignore[attr-defined]
    google = types.ModuleType("google")
    google.auth = auth  # type: ignore[attr-defined]
    for name, module in {"google": google, "google.auth": auth, "google.auth.exceptions": exceptions,
                         "google.auth.transport": transport, "google.auth.transport.requests": requests_mod}.items():
        monkeypatch.setitem(sys.modules, name, module)


@respx.mock
def test_every_page_of_every_publisher_with_the_token_and_quota_project(monkeypatch):
    _fake_google_auth(monkeypatch)
    google = respx.get(f"{BASE}/v1beta1/publishers/google/models").mock(side_effect=[
        httpx.Response(200, json={"publisherModels": BODY["publisherModels"][:2], "nextPageToken": "t2"}),
        httpx.Response(200, json={"publisherModels": BODY["publisherModels"][2:]}),
    ])
    others = respx.get(url__regex=rf"{BASE}/v1beta1/publishers/(anthropic|meta|mistralai)/models").mock(
        return_value=httpx.Response(200, json={"publisherModels": [{"name": "publishers/anthropic/models/claude-sonnet-4-5"}]}))
    found = make("vertex", key=None, options={"location": "europe-west4", "project": "my-project"}).fetch()
    assert {m.model_id for m in found} == {"gemini-2.5-flash", "text-embedding-005", "imagen-4.0-generate-001", "veo-3.0-generate-001", "claude-sonnet-4-5"}
    assert [c.request.url.params.get("pageToken") for c in google.calls] == [None, "t2"]
    request = google.calls[0].request
    assert (request.headers["authorization"], request.headers["x-goog-user-project"]) == ("Bearer ya29.unit", "my-project")
    assert len(others.calls) == 3


def test_missing_or_expired_adc_is_an_invalid_key_naming_the_login(monkeypatch):
    _fake_google_auth(monkeypatch, fail="default")
    with pytest.raises(InvalidApiKey) as err:
        make("vertex", key=None).fetch()
    assert "gcloud auth application-default login" in err.value.hint
    _fake_google_auth(monkeypatch, fail="refresh")
    with pytest.raises(InvalidApiKey, match="refused"):
        make("vertex", key=None).fetch()
    _fake_google_auth(monkeypatch, project=None)
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    with pytest.raises(NotConfigured, match="no Google Cloud project"):
        make("vertex", key=None).fetch()


def test_without_google_auth_it_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.auth", None)
    with pytest.raises(NotConfigured) as err:
        make("vertex", key=None).fetch()
    assert err.value.line() == "Provider not configured: google-auth is not installed (install aisync-tui[gcp])"


def test_googles_documented_example_parses():
    from tests.helpers import fixture_json

    (gemma,) = make("vertex").parse(fixture_json("examples/vertex.json"))
    assert (gemma.model_id, gemma.owned_by, gemma.type) == ("gemma3", "google", "chat")
    assert gemma.description == "Vertex publisher model: version gemma-3-1b-it, google owned oss with google checkpoint"
