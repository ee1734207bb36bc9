"""AWS Bedrock: `ListFoundationModels` and `ListInferenceProfiles` for one region, through
botocore (the `[aws]` extra) and the standard credential chain (environment, shared config and
SSO profiles, instance and container roles).

Each foundation model is listed under its `modelId` with `modelName`, `providerName`, its input
and output modalities (TEXT, IMAGE, EMBEDDING, VIDEO, SPEECH), `responseStreamingSupported` and
the inference types it supports (ON_DEMAND, PROVISIONED, INFERENCE_PROFILE: in the description).
`modelLifecycle.status` LEGACY is deprecated (from `legacyTime` when AWS gives it). Each ACTIVE
inference profile (`us.anthropic.claude-…`, what people call for cross-region inference) is a
model of its own, with the modalities of the foundation model it routes to and the regions it
routes to in its description. A profile list refused for lack of permission leaves the
foundation models synced.

`base_url`, when the config sets it, is botocore's `endpoint_url` (tests and private
endpoints). Errors map to the shared messages: missing or expired credentials (an SSO session
that ran out) are "Invalid API key" with the command that fixes it.
"""

from __future__ import annotations

import os
from typing import Protocol, Sequence

from ..domain import RemoteModel
from ..errors import (
    ApiTimeout,
    BadResponse,
    InvalidApiKey,
    NotConfigured,
    PermissionDenied,
    ProviderError,
    ProviderUnavailable,
    QuotaExceeded,
    RateLimited,
    redact,
    register_secret,
)
from ..events import PageFetched
from ..jsonvalue import JSON, as_list, objects
from .base import MAX_PAGES, Item, ListReader, ProviderAdapter, dedupe, iso_time, opt_dict, opt_str, str_list
from .clouds import aws_region, missing_extra

_OUTPUT_TYPES = {"embedding": "embedding", "image": "image", "video": "video", "speech": "tts", "audio": "tts"}
_BAD_CREDENTIALS = frozenset(
    {"UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException", "InvalidClientTokenId",
     "ExpiredToken", "IncompleteSignature", "MissingAuthenticationToken", "SignatureDoesNotMatch"}
)


def _modalities(value: JSON) -> tuple[str, ...]:
    return tuple("audio" if m == "speech" else m for m in str_list(value))


def classify(summary: Item) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    inputs = _modalities(summary.get("inputModalities"))
    outputs = _modalities(summary.get("outputModalities"))
    mtype = next((t for m, t in _OUTPUT_TYPES.items() if m in outputs), None)
    caps: set[str] = set()
    if summary.get("responseStreamingSupported") is True:
        caps.add("streaming")
    if mtype is None:
        mtype = "chat" if "text" in outputs else "other"
    if mtype == "chat":
        caps.add("chat")
        if "image" in inputs:
            caps.add("vision")
    elif mtype == "embedding":
        caps.add("embeddings")
    elif mtype == "image":
        caps.add("image_generation")
    if "audio" in inputs:
        caps.add("audio_in")
    if "audio" in outputs:
        caps.add("audio_out")
    return mtype, frozenset(caps), inputs, outputs


def from_botocore(value: object) -> JSON:
    """A botocore answer as JSON: its timestamps (datetime) become text, as the raw payload
    always stored them (`str()`, read back by `iso_time`; a naive one is UTC)."""
    if isinstance(value, dict):
        return {str(k): from_botocore(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [from_botocore(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # datetime (and the blobs botocore never sends here)


_INFERENCE_WORDS = {"ON_DEMAND": "on demand", "PROVISIONED": "provisioned throughput", "INFERENCE_PROFILE": "through an inference profile"}


def foundation_model(provider: str, model_id: str, summary: Item) -> RemoteModel:
    mtype, caps, inputs, outputs = classify(summary)
    lifecycle = opt_dict(summary, "modelLifecycle")
    legacy = str(lifecycle.get("status") or "").upper() == "LEGACY"
    kinds = [k for k in as_list(summary.get("inferenceTypesSupported")) if isinstance(k, str)]
    words = [_INFERENCE_WORDS.get(k, k.lower().replace("_", " ")) for k in kinds]
    return RemoteModel(
        provider=provider,
        model_id=model_id,
        name=opt_str(summary, "modelName"),
        type=mtype,
        capabilities=caps,
        input_modalities=inputs,
        output_modalities=outputs,
        owned_by=opt_str(summary, "providerName"),
        description=("Invoked " + ", ".join(words)) if words else None,
        deprecated=legacy,
        deprecated_at=iso_time(lifecycle.get("legacyTime")) if legacy else None,
        raw=summary,
    )


def _arn_model(arn: JSON) -> tuple[str | None, str | None]:
    """(region, model id) of a foundation-model ARN."""
    if not isinstance(arn, str):
        return None, None
    parts = arn.split(":", 5)
    if len(parts) < 6 or "/" not in parts[5]:
        return None, None
    return parts[3] or None, parts[5].split("/", 1)[1]


def inference_profile(provider: str, profile_id: str, summary: Item, foundations: dict[str, RemoteModel]) -> RemoteModel | None:
    """The model an ACTIVE inference profile is; None for any other status (it cannot be called)."""
    if str(summary.get("status") or "ACTIVE").upper() != "ACTIVE":
        return None
    routes = [_arn_model(m.get("modelArn")) for m in objects(summary.get("models"))]
    regions = sorted({r for r, _ in routes if r})
    target = next((foundations[mid] for _, mid in routes if mid in foundations), None)
    text = opt_str(summary, "description")
    where = f"Routes to {', '.join(regions)}" if regions else None
    return RemoteModel(
        provider=provider,
        model_id=profile_id,
        name=opt_str(summary, "inferenceProfileName"),
        # A profile whose model is not in this region's foundation list says nothing of its own.
        type=target.type if target else "other",
        capabilities=target.capabilities if target else frozenset(),
        input_modalities=target.input_modalities if target else (),
        output_modalities=target.output_modalities if target else (),
        owned_by=target.owned_by if target else None,
        description=". ".join(t for t in (text, where) if t) or None,
        created_at=iso_time(summary.get("createdAt")),
        raw=summary,
    )


def parse_lists(provider: str, foundation_body: object, profile_pages: Sequence[object], lists: ListReader | None = None) -> list[RemoteModel]:
    """Pure: the two APIs' answers (botocore's, or the same as JSON) to models. A body of the wrong
    shape is BadResponse; an item naming no model is skipped and reported through `lists`."""
    lists = lists or ListReader(provider)
    body = from_botocore(foundation_body)
    if not isinstance(body, dict) or not isinstance(body.get("modelSummaries", []), list):
        raise BadResponse(provider, "ListFoundationModels did not return a modelSummaries list")
    out: list[RemoteModel] = []
    foundations: dict[str, RemoteModel] = {}
    for model_id, item in lists.models(body, "modelSummaries", id_key="modelId"):
        model = foundation_model(provider, model_id, item)
        foundations.setdefault(model.model_id, model)
        out.append(model)
    for page in map(from_botocore, profile_pages):
        items = page.get("inferenceProfileSummaries") if isinstance(page, dict) else None
        if not isinstance(items, list):
            raise BadResponse(provider, "ListInferenceProfiles did not return an inferenceProfileSummaries list")
        for profile_id, item in lists.identified(items, "inferenceProfileId"):
            profile = inference_profile(provider, profile_id, item, foundations)
            if profile is not None:
                out.append(profile)
    return dedupe(out)


class _BedrockClient(Protocol):
    """What aisync calls of botocore's `bedrock` client (whose methods carry no annotations)."""

    def list_foundation_models(self) -> dict[str, object]: ...

    def list_inference_profiles(self, **params: object) -> dict[str, object]: ...


class BedrockAdapter(ProviderAdapter):
    kind = "bedrock"
    models_path = "ListFoundationModels"

    def parse(self, body: JSON) -> list[RemoteModel]:
        """`{"modelSummaries": [...], "inferenceProfileSummaries": [...]}`: both lists in one body."""
        if not isinstance(body, dict):
            raise BadResponse(self.slug, f"expected a JSON object, got {type(body).__name__}")
        profiles = [{"inferenceProfileSummaries": body["inferenceProfileSummaries"]}] if "inferenceProfileSummaries" in body else []
        return parse_lists(self.slug, body, profiles, self.lists)

    def fetch(self) -> list[RemoteModel]:
        try:
            import botocore.session
            from botocore.config import Config
        except ImportError:
            raise missing_extra(self.settings) from None
        region = aws_region(self.settings)
        profile = self.settings.options.get("profile")
        for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            register_secret(os.environ.get(name))  # never echoed, even inside an error message
        try:
            session = botocore.session.Session(profile=profile) if profile else botocore.session.Session()
            region = region or session.get_config_variable("region")
            if not region:
                raise NotConfigured(self.slug, "no AWS region", hint="set region under [providers.bedrock], or $AWS_REGION")
            timeout = self.timeout or self.client.options.timeout
            client: _BedrockClient = session.create_client(
                "bedrock",
                region_name=region,
                endpoint_url=None if "{" in self.settings.base_url else self.settings.base_url,
                config=Config(
                    connect_timeout=timeout,
                    read_timeout=timeout,
                    retries={"max_attempts": max(1, self.client.options.retry_attempts), "mode": "standard"},
                    user_agent_extra="aisync-tui",
                ),
            )
            foundations = client.list_foundation_models()
            self.emit(PageFetched(self.slug, 1, _count(foundations, "modelSummaries")))
            pages = self._profile_pages(client)
        except ProviderError:
            raise
        except Exception as exc:  # botocore's own exception tree, mapped to ours
            raise self._map(exc, profile) from None
        return parse_lists(self.slug, foundations, pages, self.lists)

    def _profile_pages(self, client: _BedrockClient) -> list[dict[str, object]]:
        from botocore.exceptions import ClientError

        pages: list[dict[str, object]] = []
        token: str | None = None
        seen: set[str] = set()
        for page in range(1, MAX_PAGES + 1):
            try:
                body = client.list_inference_profiles(maxResults=1000, **({"nextToken": token} if token else {}))
            except ClientError as exc:
                if _code(exc) in ("AccessDeniedException", "UnknownOperationException", "ValidationException"):
                    return pages  # not allowed or not offered in this region: the foundation models stand
                raise
            pages.append(body)
            self.emit(PageFetched(self.slug, page + 1, _count(body, "inferenceProfileSummaries")))
            next_token = body.get("nextToken")
            if not isinstance(next_token, str) or not next_token:
                return pages
            token = next_token
            if token in seen:
                raise BadResponse(self.slug, "ListInferenceProfiles repeats an earlier page token; stopped paging")
            seen.add(token)
        raise BadResponse(self.slug, f"more than {MAX_PAGES} pages of inference profiles; stopped paging")

    def _map(self, exc: Exception, profile: str | None) -> ProviderError:
        from botocore import exceptions as bx

        login = f"aws sso login --profile {profile}" if profile else "aws sso login (or aws configure)"
        name = type(exc).__name__
        text = redact(str(exc))[:160]
        if isinstance(exc, (bx.NoCredentialsError, bx.PartialCredentialsError)):
            return InvalidApiKey(self.slug, "no AWS credentials found", hint=f"run: {login}, or set $AWS_PROFILE")
        if isinstance(exc, bx.ProfileNotFound):
            return NotConfigured(self.slug, text, hint="fix profile under [providers.bedrock] or in ~/.aws/config")
        if name in ("SSOTokenLoadError", "UnauthorizedSSOTokenError", "TokenRetrievalError", "SSOError") or "sso" in name.lower():
            return InvalidApiKey(self.slug, "the AWS SSO session has expired or is missing", hint=f"run: {login}")
        if isinstance(exc, bx.ClientError):
            code = _code(exc)
            message = redact(str(_error(exc).get("Message") or code))[:160]
            if code in _BAD_CREDENTIALS:
                return InvalidApiKey(self.slug, message, hint=f"refresh the credentials: {login}")
            if code in ("AccessDeniedException", "AccessDenied"):
                return PermissionDenied(self.slug, message, hint="allow bedrock:ListFoundationModels for these credentials, or check the region")
            if code in ("ThrottlingException", "TooManyRequestsException"):
                return RateLimited(self.slug, message)
            if code == "ServiceQuotaExceededException":
                return QuotaExceeded(self.slug, message)
            meta = getattr(exc, "response", {}).get("ResponseMetadata")
            http_status = meta.get("HTTPStatusCode") if isinstance(meta, dict) else None
            status = http_status if isinstance(http_status, int) else 0
            if status >= 500 or code in ("InternalServerException", "ServiceUnavailableException"):
                return ProviderUnavailable(self.slug, message)
            if status in (401,):
                return InvalidApiKey(self.slug, message, hint=f"refresh the credentials: {login}")
            return BadResponse(self.slug, f"{code}: {message}")
        if isinstance(exc, (bx.EndpointConnectionError, bx.ConnectTimeoutError)):
            return ApiTimeout(self.slug, f"cannot connect: {text}")
        if isinstance(exc, bx.ReadTimeoutError):
            return ApiTimeout(self.slug, "no answer in time")
        if isinstance(exc, (bx.NoRegionError,)):
            return NotConfigured(self.slug, "no AWS region", hint="set region under [providers.bedrock], or $AWS_REGION")
        if isinstance(exc, bx.BotoCoreError):
            return BadResponse(self.slug, f"{name}: {text}")
        raise exc


def _error(exc: Exception) -> dict[str, object]:
    """The `Error` part of a botocore ClientError's response ({} for any other exception)."""
    response = getattr(exc, "response", None)
    error = response.get("Error") if isinstance(response, dict) else None
    return error if isinstance(error, dict) else {}


def _code(exc: Exception) -> str:
    return str(_error(exc).get("Code") or "")


def _count(answer: dict[str, object], key: str) -> int:
    """How many items a botocore answer lists under `key` (for progress)."""
    items = answer.get(key)
    return len(items) if isinstance(items, list) else 0
