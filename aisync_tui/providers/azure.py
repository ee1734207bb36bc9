"""Azure OpenAI / Azure AI Foundry: the resource's model list and its deployments.

`GET {endpoint}/openai/models?api-version=…` lists the models the resource can use, one entry
per model *version* (the same id can appear several times): `capabilities` (chat_completion,
completion, embeddings, inference, fine_tune), `lifecycle_status` (preview,
generally-available, deprecating, deprecated) and `deprecation.inference`, the date inference
ends. Each id becomes one model from its newest version that serves inference; ids no version of
which serves inference are left out. Fine-tuned entries (`model` = their base) take their base's
capabilities.

`GET {endpoint}/openai/deployments?api-version=2022-12-01` lists what the resource has deployed:
what users call. Each succeeded deployment is a model under its deployment name, described as
"Deployment of MODEL (version V)", with the served model's capabilities and deprecation, and the
served model as its alias (the price feeds' `azure/` rows price it through that).

Auth: the `api-key` header from $AZURE_OPENAI_API_KEY (or `api_key`), else an Entra ID token
through azure-identity (the `[azure]` extra; `az login`, managed identity, ...). The endpoint is
`base_url`, else $AZURE_OPENAI_ENDPOINT.
"""

from __future__ import annotations

import logging

from ..domain import RemoteModel
from ..errors import BadResponse, InvalidApiKey, NotConfigured, register_secret
from ..events import PageFetched
from ..jsonvalue import JSON, as_list, as_object
from .base import Item, ListReader, ProviderAdapter, dedupe, opt_dict, opt_str, unix_time
from .clouds import endpoint_of, missing_extra

DEFAULT_API_VERSION = "2024-10-21"
#: The data-plane version that still lists deployments (later versions dropped the operation).
DEPLOYMENTS_API_VERSION = "2022-12-01"
SCOPE = "https://cognitiveservices.azure.com/.default"


def _shape(caps: Item) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    if caps.get("chat_completion") is True:
        return "chat", frozenset({"chat", "streaming"}), ("text",), ("text",)
    if caps.get("completion") is True:
        return "completion", frozenset({"streaming"}), ("text",), ("text",)
    if caps.get("embeddings") is True:
        return "embedding", frozenset({"embeddings"}), ("text",), ("embedding",)
    return "other", frozenset(), (), ()


def _created(item: Item) -> float:
    """Unix seconds for ordering versions; absent or out of range (10**400 has no float) is 0."""
    ts = unix_time(item.get("created_at"))
    return ts.timestamp() if ts is not None else 0.0


def parse_models(provider: str, body: JSON, lists: ListReader | None = None) -> list[RemoteModel]:
    """Pure: the model list to models. A body of the wrong shape is BadResponse; an item naming no
    model is skipped and reported through `lists`."""
    lists = lists or ListReader(provider)
    versions: dict[str, list[Item]] = {}
    for model_id, item in lists.models(body, "data"):
        versions.setdefault(model_id, []).append(item)
    base_caps = {mid: next((caps for caps in map(_capabilities, vs) if caps is not None), None) for mid, vs in versions.items()}
    out = []
    for model_id, entries in versions.items():
        serving = [e for e in entries if opt_dict(e, "capabilities").get("inference") is True]
        fine_tuned = [e for e in entries if opt_str(e, "fine_tune") and opt_str(e, "model")]
        if not serving and not fine_tuned:
            continue
        chosen = max(serving or fine_tuned, key=_created)
        caps = opt_dict(chosen, "capabilities") if serving else base_caps.get(str(chosen.get("model")))
        mtype, capabilities, inputs, outputs = _shape(caps or {})
        deprecation = chosen.get("deprecation")
        lifecycle = str(chosen.get("lifecycle_status") or "").lower()
        out.append(
            RemoteModel(
                provider=provider,
                model_id=model_id,
                type=mtype,
                capabilities=capabilities,
                input_modalities=inputs,
                output_modalities=outputs,
                created_at=unix_time(chosen.get("created_at")),
                deprecated_at=unix_time(deprecation.get("inference")) if isinstance(deprecation, dict) else None,
                deprecated=lifecycle == "deprecated",
                description=f"Fine-tuned from {chosen['model']}" if not serving else None,
                raw=chosen,
            )
        )
    return out


def _capabilities(item: Item) -> dict[str, JSON] | None:
    """An entry's capabilities object; None when it has none (a fine-tuned entry's are its base's)."""
    caps = item.get("capabilities")
    return caps if isinstance(caps, dict) else None


def _served(item: Item) -> tuple[str | None, str | None]:
    """(model, version) a deployment serves: `model` is a name, or {name, version} in newer shapes."""
    model = item.get("model")
    if isinstance(model, dict):
        return opt_str(model, "name"), opt_str(model, "version")
    return (model.strip() if isinstance(model, str) and model.strip() else None), None


def parse_deployments(provider: str, body: JSON, models: dict[str, RemoteModel], lists: ListReader | None = None) -> list[RemoteModel]:
    """Pure: the deployments list to models, each under its deployment name."""
    lists = lists or ListReader(provider)
    out = []
    for name, item in lists.models(body, "data"):
        if str(item.get("status") or "succeeded").lower() != "succeeded":
            continue
        model, version = _served(item)
        base = models.get(model or "")
        out.append(
            RemoteModel(
                provider=provider,
                model_id=name,
                type=base.type if base else "other",
                capabilities=base.capabilities if base else frozenset(),
                input_modalities=base.input_modalities if base else (),
                output_modalities=base.output_modalities if base else (),
                created_at=unix_time(item.get("created_at")),
                deprecated_at=base.deprecated_at if base else None,
                deprecated=base.deprecated if base else False,
                description=f"Deployment of {model}" + (f" (version {version})" if version else "") if model else "Deployment",
                aliases=(model,) if model and model != name else (),
                raw=item,
            )
        )
    return out


class AzureAdapter(ProviderAdapter):
    kind = "azure"
    models_path = "/openai/models"

    def url(self, path: str) -> str:
        endpoint = endpoint_of(self.settings)
        if not endpoint:
            raise NotConfigured(self.slug, "no Azure OpenAI endpoint", hint="set base_url under [providers.azure] (https://RESOURCE.openai.azure.com), or $AZURE_OPENAI_ENDPOINT")
        return endpoint.rstrip("/") + path

    def headers(self, key: str | None) -> dict[str, str]:
        if key:
            return {"api-key": key}
        return {"authorization": f"Bearer {self._entra_token()}"}

    def _entra_token(self) -> str:
        try:
            from azure.identity import DefaultAzureCredential
        except ImportError:
            raise missing_extra(self.settings) from None
        # azure-identity logs every credential it tried, many lines to stderr, when none works: the
        # one line below says the same, so its log is quiet for this call.
        azure_log = logging.getLogger("azure")
        level = azure_log.level
        azure_log.setLevel(logging.CRITICAL)
        try:
            token = str(DefaultAzureCredential().get_token(SCOPE).token)
        except Exception as exc:  # CredentialUnavailableError, ClientAuthenticationError: no login
            raise InvalidApiKey(self.slug, f"no Entra ID token ({type(exc).__name__})", hint="run: az login, or set $AZURE_OPENAI_API_KEY") from None
        finally:
            azure_log.setLevel(level)
        register_secret(token)
        return token

    def parse(self, body: JSON) -> list[RemoteModel]:
        """The model list, a deployments list, or `{"models": <model list>, "deployments": <deployment list>}`."""
        if isinstance(body, dict) and "deployments" in body:
            models = parse_models(self.slug, body.get("models"), self.lists)
            return dedupe(parse_deployments(self.slug, body["deployments"], {m.model_id: m for m in models}, self.lists) + models)
        items = body.get("data") if isinstance(body, dict) else None
        if isinstance(items, list) and items and all(isinstance(i, dict) and i.get("object") == "deployment" for i in items):
            return parse_deployments(self.slug, body, {}, self.lists)  # a deployments list on its own
        return parse_models(self.slug, body, self.lists)

    def fetch(self) -> list[RemoteModel]:
        key = self.api_key()
        headers = self.headers(key)
        version = self.settings.options.get("api_version") or DEFAULT_API_VERSION
        get = self.client.get_json
        models_body = get(self.slug, self.url("/openai/models"), headers=headers, params={"api-version": version}, timeout=self.timeout)
        self.emit(PageFetched(self.slug, 1, len(as_list(as_object(models_body).get("data")))))
        try:
            deployments_body = get(
                self.slug, self.url("/openai/deployments"), headers=headers, params={"api-version": DEPLOYMENTS_API_VERSION}, timeout=self.timeout
            )
        except BadResponse as exc:
            if "404" not in exc.detail:
                raise
            deployments_body = {"data": []}  # a resource that no longer offers the listing: its models stand
        self.emit(PageFetched(self.slug, 2, len(as_list(as_object(deployments_body).get("data")))))
        return self.parse({"models": models_body, "deployments": deployments_body})
