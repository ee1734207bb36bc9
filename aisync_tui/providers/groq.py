"""Groq `GET /openai/v1/models`: OpenAI-style list plus `context_window`, `max_completion_tokens`
and `active`.

`active: false` means Groq lists the model but does not serve it. Such entries are left out of
the result, so the sync marks a stored model *missing* (unavailable, dated, never deleted) and
brings it back to active when Groq serves it again; a model never seen active is not added.
There is no date to call it "deprecated" with. No prices.

The current list also carries `name`, `input_modalities`, `output_modalities` (`speech` for TTS,
`transcription` for Whisper) and `supported_features` (`tools`, `json_mode`,
`structured_outputs`, `reasoning`). Where an entry has them they are the provider's word: the
feature list is a complete statement (a feature it does not name is false for that model, also
for an entry of the current shape that sends no list), and the modalities decide the type and
vision/audio. Older entries without them are classified from the id, as before.
"""

from __future__ import annotations

import re

from ..domain import RemoteModel
from ..jsonvalue import JSON
from .base import Item, ProviderAdapter, dedupe, opt_int, opt_str, unix_time

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


#: supported_features -> our capabilities.
FEATURES = {"tools": "functions", "json_mode": "json_mode", "structured_outputs": "structured_output", "reasoning": "reasoning"}
#: Capabilities an entry of the current shape states, true or false.
STATED = frozenset({*FEATURES.values(), "vision", "audio_in", "audio_out"})


def _modal(value: JSON) -> tuple[str, ...]:
    return tuple(v.lower() for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def stated_shape(item: Item, model_id: str) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]] | None:
    """(type, capabilities, inputs, outputs) from an entry's own modalities and features, or None
    for an entry of the older shape (no modalities)."""
    inputs, outputs = _modal(item.get("input_modalities")), _modal(item.get("output_modalities"))
    if not inputs and not outputs:
        return None
    features = item.get("supported_features")
    caps = {FEATURES[f] for f in features if isinstance(f, str) and f in FEATURES} if isinstance(features, list) else set()
    out_mod = tuple("audio" if m == "speech" else ("text" if m == "transcription" else m) for m in outputs)
    if "audio" in inputs:
        caps.add("audio_in")
    if "image" in inputs:
        caps.add("vision")
    if "speech" in outputs or "audio" in outputs:
        caps.add("audio_out")
        return "tts", frozenset(caps), inputs, out_mod
    if "transcription" in outputs or ("audio" in inputs and "text" not in inputs):
        return "transcription", frozenset(caps), inputs, out_mod
    kind, _, _, _ = classify(model_id)
    if kind == "moderation":
        return "moderation", frozenset(caps), inputs, out_mod
    return "chat", frozenset(caps | {"chat", "streaming"}), inputs, out_mod


class GroqAdapter(ProviderAdapter):
    kind = "groq"
    models_path = "/models"

    def parse(self, body: JSON) -> list[RemoteModel]:
        out = []
        for model_id, item in self.lists.models(body, "data"):
            if item.get("active") is False:
                continue
            shape = stated_shape(item, model_id)
            mtype, caps, inputs, outputs = shape if shape is not None else classify(model_id)
            name = opt_str(item, "name")
            out.append(
                RemoteModel(
                    provider=self.slug,
                    model_id=model_id,
                    name=name if name != model_id else None,
                    type=mtype,
                    context_length=opt_int(item, "context_window"),
                    max_output_tokens=opt_int(item, "max_completion_tokens"),
                    capabilities=caps,
                    input_modalities=inputs,
                    output_modalities=outputs,
                    created_at=unix_time(item.get("created")),
                    owned_by=opt_str(item, "owned_by"),
                    stated=STATED if shape is not None else frozenset(),
                    raw=item,
                )
            )
        return dedupe(out)
