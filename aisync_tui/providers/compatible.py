"""Any endpoint that speaks OpenAI's `GET {base_url}/models`: vLLM, LM Studio, LocalAI, llama.cpp
server, Fireworks, Perplexity, gateways. Configured with

    [providers.mybox]
    kind = "openai-compatible"
    base_url = "http://127.0.0.1:8000/v1"
    api_key_env = "MYBOX_API_KEY"   # optional: a bearer token is sent only when it is set

Whatever extra fields the server sends are kept when present: `context_length` / `max_model_len`
(vLLM) / `context_window` / `max_context_length` (LM Studio) for the context, `max_completion_tokens`
/ `max_output_tokens` for the output limit, `created` or `created_at`, `type` (LM Studio's
`llm`/`vlm`/`embeddings`, Together-style names). Without a type the id decides: embedding,
rerank, transcription and TTS models are recognised by name; anything else is taken as a chat
model, which is what such servers overwhelmingly serve. Prices are not read: their units differ
from server to server, and a wrong price is worse than an unknown one.
"""

from __future__ import annotations

import re
from datetime import datetime

from ..domain import RemoteModel
from ..jsonvalue import JSON
from .base import Item, ProviderAdapter, dedupe, iso_time, opt_int, opt_str, str_list, unix_time

CONTEXT_KEYS = ("context_length", "max_model_len", "context_window", "max_context_length", "context_size", "n_ctx")
OUTPUT_KEYS = ("max_completion_tokens", "max_output_tokens")

_KINDS: dict[str, str] = {
    "llm": "chat",
    "vlm": "chat",
    "chat": "chat",
    "language": "completion",
    "completion": "completion",
    "embedding": "embedding",
    "embeddings": "embedding",
    "rerank": "rerank",
    "image": "image",
    "audio": "tts",
    "tts": "tts",
    "transcribe": "transcription",
    "transcription": "transcription",
    "moderation": "moderation",
}


def infer_type(model_id: str, declared: str | None) -> str:
    if declared and declared.lower() in _KINDS:
        return _KINDS[declared.lower()]
    mid = model_id.lower()
    if "embed" in mid or re.search(r"\b(bge|e5|gte|minilm|nomic-embed)\b", mid):
        return "embedding"
    if "rerank" in mid:
        return "rerank"
    if "whisper" in mid or "transcri" in mid:
        return "transcription"
    if re.search(r"(^|[-_/])tts([-_/]|$)", mid):
        return "tts"
    return "chat"


_TYPE_SHAPES: dict[str, tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]] = {
    "chat": (frozenset({"chat", "streaming"}), ("text",), ("text",)),
    "completion": (frozenset({"streaming"}), ("text",), ("text",)),
    "embedding": (frozenset({"embeddings"}), ("text",), ("embedding",)),
    "rerank": (frozenset(), ("text",), ("text",)),
    "image": (frozenset({"image_generation"}), ("text",), ("image",)),
    "tts": (frozenset({"audio_out"}), ("text",), ("audio",)),
    "transcription": (frozenset({"audio_in"}), ("audio",), ("text",)),
    "moderation": (frozenset(), ("text",), ("text",)),
}


def first_int(item: Item, keys: tuple[str, ...]) -> int | None:
    for key in keys:
        value = opt_int(item, key)
        if value:
            return value
    return None


def created(item: Item) -> datetime | None:
    for key in ("created", "created_at"):
        value = item.get(key)
        if isinstance(value, str):
            parsed = iso_time(value) if not value.strip().isdigit() else unix_time(value)
        else:
            parsed = unix_time(value)
        if parsed is not None:
            return parsed
    return None


class CompatibleAdapter(ProviderAdapter):
    kind = "openai-compatible"
    models_path = "/models"

    def parse(self, body: JSON) -> list[RemoteModel]:
        out = []
        for model_id, item in self.lists.models(body, "data", "models"):
            declared = opt_str(item, "type")
            mtype = infer_type(model_id, declared)
            caps, inputs, outputs = _TYPE_SHAPES.get(mtype, (frozenset(), (), ()))
            if declared == "vlm" or "vision" in str_list(item.get("capabilities")):
                caps = caps | {"vision"}
                inputs = inputs + ("image",)
            out.append(
                RemoteModel(
                    provider=self.slug,
                    model_id=model_id,
                    name=opt_str(item, "name") or opt_str(item, "display_name"),
                    type=mtype,
                    context_length=first_int(item, CONTEXT_KEYS),
                    max_output_tokens=first_int(item, OUTPUT_KEYS),
                    capabilities=caps,
                    input_modalities=inputs,
                    output_modalities=outputs,
                    created_at=created(item),
                    owned_by=opt_str(item, "owned_by") or opt_str(item, "publisher"),
                    raw=item,
                )
            )
        return dedupe(out)
