"""Fireworks `GET /inference/v1/models`: an OpenAI-style list (ids like
`accounts/fireworks/models/kimi-k2p6`) whose entries add `kind`, `supports_chat`,
`supports_tools`, `supports_image_input` and `context_length`.

`kind` says what a model is: EMBEDDING_MODEL (an embedding model, or a reranker when the id says
so), FLUMINA_BASE_MODEL (image generation), and the language kinds (HF_BASE_MODEL, CUSTOM_MODEL,
HF_PEFT_ADDON, ...), which are chat models when `supports_chat` is true and completion models
otherwise. The booleans are the provider's word: tools → functions, image input → vision. A
missing `context_length` stays unknown. No prices here; the feeds' `fireworks_ai/` entries are
matched to these ids.
"""

from __future__ import annotations

from ..domain import RemoteModel
from ..jsonvalue import JSON
from .base import Item, ProviderAdapter, dedupe, opt_int, opt_str, unix_time


def classify(model_id: str, item: Item) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    kind = (opt_str(item, "kind") or "").upper()
    mid = model_id.lower()
    if kind.startswith("EMBEDDING"):
        if "rerank" in mid:
            return "rerank", frozenset(), ("text",), ("text",)
        return "embedding", frozenset({"embeddings"}), ("text",), ("embedding",)
    if kind.startswith("FLUMINA") or "flux" in mid or "stable-diffusion" in mid:
        return "image", frozenset({"image_generation"}), ("text",), ("image",)
    if "whisper" in mid:
        return "transcription", frozenset({"audio_in"}), ("audio",), ("text",)
    caps = {"streaming"}
    inputs = ["text"]
    if item.get("supports_tools") is True:
        caps.add("functions")
    if item.get("supports_image_input") is True:
        caps.add("vision")
        inputs.append("image")
    if item.get("supports_chat") is True:
        caps.add("chat")
        return "chat", frozenset(caps), tuple(inputs), ("text",)
    return "completion", frozenset(caps), tuple(inputs), ("text",)


class FireworksAdapter(ProviderAdapter):
    kind = "fireworks"
    models_path = "/models"

    def parse(self, body: JSON) -> list[RemoteModel]:
        out = []
        for model_id, item in self.lists.models(body, "data"):
            mtype, caps, inputs, outputs = classify(model_id, item)
            out.append(
                RemoteModel(
                    provider=self.slug,
                    model_id=model_id,
                    type=mtype,
                    context_length=opt_int(item, "context_length"),
                    capabilities=caps,
                    input_modalities=inputs,
                    output_modalities=outputs,
                    created_at=unix_time(item.get("created")),
                    owned_by=opt_str(item, "owned_by"),
                    raw=item,
                )
            )
        return dedupe(out)
