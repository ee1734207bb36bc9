"""Gemini `GET /v1beta/models`: every page (`pageSize`/`pageToken`), key in `x-goog-api-key`.

Type and capabilities come from `supportedGenerationMethods` and `thinking` (omitted when
false); ids lose their `models/` prefix.
"""

from __future__ import annotations

from ..domain import RemoteModel
from ..errors import BadResponse
from ..jsonvalue import JSON
from .base import ProviderAdapter, opt_int, opt_str
from .http import Query

PAGE_SIZE = 1000


def classify(model_id: str, methods: set[str], thinking: bool) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    mid = model_id.lower()
    caps: set[str] = set()
    if "createCachedContent" in methods:
        caps.add("caching")
    if "batchGenerateContent" in methods or "asyncBatchEmbedContent" in methods:
        caps.add("batch")
    if thinking:
        caps.add("reasoning")
    if "embedContent" in methods or "embedText" in methods or "embedding" in mid:
        caps.add("embeddings")
        return "embedding", frozenset(caps), ("text",), ("embedding",)
    if mid.startswith(("imagen",)) or ("image" in mid and "predict" in methods):
        caps.add("image_generation")
        return "image", frozenset(caps), ("text",), ("image",)
    if mid.startswith("veo"):
        return "video", frozenset(caps), ("text", "image"), ("video",)
    if "tts" in mid:
        caps.add("audio_out")
        return "tts", frozenset(caps), ("text",), ("audio",)
    if "generateContent" in methods or "bidiGenerateContent" in methods or "generateMessage" in methods or "generateText" in methods:
        inputs = ["text"]
        outputs = ["text"]
        caps.update({"chat", "streaming"})
        if mid.startswith("gemini"):
            caps.update({"functions", "json_mode", "structured_output", "vision"})
            inputs += ["image", "audio", "video"]
            caps.add("audio_in")
        if "image" in mid:
            caps.add("image_generation")
            outputs.append("image")
        if "native-audio" in mid or "live" in mid:
            caps.add("audio_out")
            outputs.append("audio")
        if "bidiGenerateContent" in methods and "generateContent" not in methods:
            return "realtime", frozenset(caps), tuple(inputs), tuple(outputs)
        if "generateText" in methods and "generateContent" not in methods:
            return "completion", frozenset(caps - {"chat"}), tuple(inputs), tuple(outputs)
        return "chat", frozenset(caps), tuple(inputs), tuple(outputs)
    if "predict" in methods:
        return "other", frozenset(caps), (), ()
    return "other", frozenset(caps), (), ()


def _without_prefix(name: str) -> str | None:
    """The model id of a `models/ID` name (ids lose the prefix)."""
    return (name.split("/", 1)[1] if name.startswith("models/") else name).strip() or None


class GeminiAdapter(ProviderAdapter):
    kind = "gemini"
    models_path = "/models"

    def headers(self, key: str | None) -> dict[str, str]:
        # The header, never ?key=: keys must stay out of URLs and logs.
        return {"x-goog-api-key": key} if key else {}

    def fetch(self) -> list[RemoteModel]:
        def params(token: str | None) -> Query:
            return {"pageSize": PAGE_SIZE, **({"pageToken": token} if token else {})}

        def next_token(body: dict[str, JSON], page: int, collected: int) -> str | None:
            token = body.get("nextPageToken")  # omitted on the last page
            if token is not None and not isinstance(token, str):
                raise BadResponse(self.slug, f"page {page} has a nextPageToken that is not text")
            return token or None

        return self.fetch_pages(self.api_key(), params, next_token)

    def parse(self, body: JSON) -> list[RemoteModel]:
        out = []
        if isinstance(body, dict) and "models" not in body and "nextPageToken" in body:
            return []
        for model_id, item in self.lists.models(body, "models", id_key="name", id_of=_without_prefix, allow_bare_list=False):
            methods_raw = item.get("supportedGenerationMethods")
            methods = {m for m in methods_raw if isinstance(m, str)} if isinstance(methods_raw, list) else set()
            mtype, caps, inputs, outputs = classify(model_id, methods, item.get("thinking") is True)
            out.append(
                RemoteModel(
                    provider=self.slug,
                    model_id=model_id,
                    name=opt_str(item, "displayName"),
                    type=mtype,
                    context_length=opt_int(item, "inputTokenLimit"),
                    max_output_tokens=opt_int(item, "outputTokenLimit"),
                    capabilities=caps,
                    input_modalities=inputs,
                    output_modalities=outputs,
                    description=opt_str(item, "description"),
                    owned_by="google",
                    # `thinking: true|false` is Gemini's own word on reasoning, where it sends it.
                    stated=frozenset({"reasoning"}) if isinstance(item.get("thinking"), bool) else frozenset(),
                    raw=item,
                )
            )
        return out
