"""Groq `GET /openai/v1/models`: OpenAI-style list plus `context_window`, `max_completion_tokens`
and `active`.

`active: false` means Groq lists the model but does not serve it. Such entries are left out of
the result, so the sync marks a stored model *missing* (unavailable, dated, never deleted) and
brings it back to active when Groq serves it again; a model never seen active is not added.
There is no date to call it "deprecated" with. Whisper, TTS and guard models are mixed in; their
type comes from the id. No prices.
"""

from __future__ import annotations

import re
from typing import Any

from ..domain import RemoteModel
from .base import ProviderAdapter, dedupe, items_of, opt_int, opt_str, req_str, unix_time

_VISION = re.compile(r"llama-4|vision|llava")
_REASONING = re.compile(r"gpt-oss|qwen3|qwq|deepseek-r1|magistral|kimi-k2-thinking")


def classify(model_id: str) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    mid = model_id.lower()
    if "whisper" in mid or "transcri" in mid:
        return "transcription", frozenset({"audio_in"}), ("audio",), ("text",)
    if "tts" in mid or "orpheus" in mid or "playai" in mid:
        return "tts", frozenset({"audio_out"}), ("text",), ("audio",)
    if "guard" in mid:
        return "moderation", frozenset(), ("text",), ("text",)
    caps = {"chat", "streaming"}
    inputs = ["text"]
    if _VISION.search(mid):
        caps.add("vision")
        inputs.append("image")
    if _REASONING.search(mid):
        caps.add("reasoning")
    if "compound" in mid:
        caps.add("web_search")
    return "chat", frozenset(caps), tuple(inputs), ("text",)


class GroqAdapter(ProviderAdapter):
    kind = "groq"
    models_path = "/models"

    def parse(self, body: Any) -> list[RemoteModel]:
        out = []
        for item in items_of(self.slug, body, "data"):
            model_id = req_str(self.slug, item, "id")
            if item.get("active") is False:
                continue
            mtype, caps, inputs, outputs = classify(model_id)
            out.append(
                RemoteModel(
                    provider=self.slug,
                    model_id=model_id,
                    type=mtype,
                    context_length=opt_int(item, "context_window"),
                    max_output_tokens=opt_int(item, "max_completion_tokens"),
                    capabilities=caps,
                    input_modalities=inputs,
                    output_modalities=outputs,
                    created_at=unix_time(item.get("created")),
                    owned_by=opt_str(item, "owned_by"),
                    raw=item,
                )
            )
        return dedupe(out)
