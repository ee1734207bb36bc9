"""Google Vertex AI: the publisher models of Model Garden in one project and location, with
Application Default Credentials through google-auth (the `[gcp]` extra).

`GET {base}/v1beta1/publishers/{publisher}/models` for the publishers whose models are called
through Vertex (google, anthropic, meta, mistralai), every page (`pageSize=1000`, `pageToken`).
Each `publishers/P/models/NAME` is a model under NAME (the id Vertex calls it by) owned by P,
with its `versionId`, `launchStage` (EXPERIMENTAL, PRIVATE_PREVIEW, PUBLIC_PREVIEW, GA) and
`openSourceCategory` in the description. The list says nothing about limits or capabilities: the
type comes from the name (embedding, imagen → image, veo → video, chirp → transcription, else a
chat model) and the rest from the price feeds' `vertex_ai-*` rows, which price this provider.

The project is `[providers.vertex] project` (else the ADC's project), sent as the quota project;
the location is `location` (default us-central1; `global` uses the global endpoint). Missing ADC
or an expired login is "Invalid API key" naming `gcloud auth application-default login`.
"""

from __future__ import annotations

import os
from typing import Protocol

from ..domain import RemoteModel
from ..errors import InvalidApiKey, NotConfigured, register_secret
from ..jsonvalue import JSON
from .base import ListReader, ProviderAdapter, dedupe, opt_str
from .clouds import missing_extra

PUBLISHERS = ("google", "anthropic", "meta", "mistralai")
SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
LOGIN = "gcloud auth application-default login"
PAGE_SIZE = 1000


def default_base(location: str) -> str:
    return "https://aiplatform.googleapis.com" if location == "global" else f"https://{location}-aiplatform.googleapis.com"


def classify(name: str) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    n = name.lower()
    if "embedding" in n:
        return "embedding", frozenset({"embeddings"}), ("text",), ("embedding",)
    if n.startswith("imagen") or "-image-generation" in n:
        return "image", frozenset({"image_generation"}), ("text",), ("image",)
    if n.startswith("veo"):
        return "video", frozenset(), ("text", "image"), ("video",)
    if n.startswith("chirp"):
        return "transcription", frozenset({"audio_in"}), ("audio",), ("text",)
    return "chat", frozenset({"chat", "streaming"}), ("text",), ("text",)


def _publisher_model(full: str) -> str | None:
    """`full` when it has the form publishers/P/models/NAME, else None (it names no model)."""
    parts = full.split("/")
    if len(parts) != 4 or parts[0] != "publishers" or parts[2] != "models" or not parts[1] or not parts[3]:
        return None
    return full


def parse_publisher_models(provider: str, body: JSON, lists: ListReader | None = None) -> list[RemoteModel]:
    """Pure: one page of publisher models to models. A body of the wrong shape is BadResponse; an
    item naming no model (no name of the form publishers/P/models/NAME) is skipped and reported
    through `lists`."""
    lists = lists or ListReader(provider)
    out = []
    for full, item in lists.models(body, "publisherModels", id_key="name", id_of=_publisher_model, allow_bare_list=False):
        _, publisher, _, name = full.split("/")
        mtype, caps, inputs, outputs = classify(name)
        facts = [
            f"version {opt_str(item, 'versionId')}" if opt_str(item, "versionId") else None,
            f"launch stage {opt_str(item, 'launchStage')}" if opt_str(item, "launchStage") else None,
            (opt_str(item, "openSourceCategory") or "").replace("_", " ").lower() or None,
        ]
        out.append(
            RemoteModel(
                provider=provider,
                model_id=name,
                type=mtype,
                capabilities=caps,
                input_modalities=inputs,
                output_modalities=outputs,
                owned_by=publisher,
                description=("Vertex publisher model: " + ", ".join(f for f in facts if f)) if any(facts) else None,
                raw=item,
            )
        )
    return dedupe(out)


class _Credentials(Protocol):
    """What aisync uses of google-auth's credentials (whose `refresh` carries no annotations)."""

    @property
    def token(self) -> object: ...

    def refresh(self, request: object) -> None: ...


class VertexAdapter(ProviderAdapter):
    kind = "vertex"
    models_path = "/v1beta1/publishers/google/models"

    @property
    def location(self) -> str:
        return self.settings.options.get("location") or "us-central1"

    def url(self, path: str) -> str:
        base = default_base(self.location) if "{" in self.settings.base_url else self.settings.base_url
        return base.rstrip("/") + path

    def parse(self, body: JSON) -> list[RemoteModel]:
        return parse_publisher_models(self.slug, body, self.lists)

    def _token(self) -> tuple[str, str | None]:
        """(access token, ADC project) through google-auth."""
        try:
            import google.auth
            import google.auth.exceptions
            from google.auth.transport.requests import Request
        except ImportError:
            raise missing_extra(self.settings) from None
        try:
            found, project = google.auth.default(scopes=SCOPES)
            credentials: _Credentials = found
            credentials.refresh(Request())
        except google.auth.exceptions.DefaultCredentialsError:
            raise InvalidApiKey(self.slug, "no Application Default Credentials", hint=f"run: {LOGIN}") from None
        except google.auth.exceptions.RefreshError as exc:
            raise InvalidApiKey(self.slug, f"the Google credentials were refused ({str(exc)[:80]})", hint=f"run: {LOGIN}") from None
        except google.auth.exceptions.TransportError as exc:
            from ..errors import ApiTimeout

            raise ApiTimeout(self.slug, f"cannot reach the Google token endpoint ({type(exc).__name__})") from None
        token = str(credentials.token)
        register_secret(token)
        return token, project

    def fetch(self) -> list[RemoteModel]:
        token, adc_project = self._token()
        project = self.settings.options.get("project") or adc_project or os.environ.get("GOOGLE_CLOUD_PROJECT")
        if not project:
            raise NotConfigured(self.slug, "no Google Cloud project", hint="set project under [providers.vertex]")
        headers = {"authorization": f"Bearer {token}", "x-goog-user-project": project}
        models: list[RemoteModel] = []
        for publisher in PUBLISHERS:
            path = f"/v1beta1/publishers/{publisher}/models"
            models.extend(self._pages(path, headers))
        return dedupe(models)

    def _pages(self, path: str, headers: dict[str, str]) -> list[RemoteModel]:
        from ..errors import BadResponse
        from ..events import PageFetched

        out: list[RemoteModel] = []
        token: str | None = None
        seen: set[str] = set()
        for page in range(1, 201):
            params: dict[str, str | int] = {"pageSize": PAGE_SIZE, **({"pageToken": token} if token else {})}
            body = self.client.get_json(self.slug, self.url(path), headers=headers, params=params, timeout=self.timeout)
            found = self.parse(body)
            out.extend(found)
            self.emit(PageFetched(self.slug, page, len(found)))
            next_token = body.get("nextPageToken") if isinstance(body, dict) else None
            if not isinstance(next_token, str) or not next_token:
                return out
            token = next_token
            if token in seen:
                raise BadResponse(self.slug, f"page {page} repeats an earlier page token; stopped paging")
            seen.add(token)
        raise BadResponse(self.slug, "more than 200 pages; stopped paging")
