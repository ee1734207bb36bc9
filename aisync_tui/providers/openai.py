"""OpenAI `GET /v1/models`: ids only, so type and capabilities come from the id family.

What the family cannot tell (context length, max output) stays unknown here; the pricing sync
fills it from the price feeds, and the provider's own value always wins over a feed's.
"""

from __future__ import annotations

import re

from ..domain import RemoteModel
from ..jsonvalue import JSON
from .base import ProviderAdapter, dedupe, opt_str, unix_time

_DATE_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{4})$")


def infer_family(model_id: str) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """(type, capabilities, input modalities, output modalities) from an OpenAI model id."""
    mid = model_id.lower()
    if mid.startswith("ft:"):
        mid = mid.split(":", 2)[1]
    if "embedding" in mid:
        return "embedding", frozenset({"embeddings"}), ("text",), ("embedding",)
    if "moderation" in mid:
        return "moderation", frozenset(), ("text", "image") if mid.startswith("omni") else ("text",), ("text",)
    if mid.startswith(("dall-e", "gpt-image", "chatgpt-image")):
        return "image", frozenset({"image_generation"}), ("text", "image") if "image" in mid else ("text",), ("image",)
    if mid.startswith("sora"):
        return "video", frozenset(), ("text", "image"), ("video",)
    if mid.startswith("tts") or mid.endswith("-tts") or "-tts-" in mid:
        return "tts", frozenset({"audio_out"}), ("text",), ("audio",)
    if mid.startswith("whisper") or "transcribe" in mid:
        return "transcription", frozenset({"audio_in"}), ("audio",), ("text",)
    if "realtime" in mid or mid.startswith("gpt-realtime"):
        return "realtime", frozenset({"audio_in", "audio_out", "functions", "streaming"}), ("text", "audio"), ("text", "audio")
    if mid in ("babbage-002", "davinci-002") or "instruct" in mid:
        return "completion", frozenset({"streaming"}), ("text",), ("text",)
    if re.match(r"^(gpt-|chatgpt-|o\d|codex|computer-use)", mid):
        caps = {"chat", "streaming"}
        inputs = ["text"]
        outputs = ["text"]
        legacy_35 = mid.startswith("gpt-3.5")
        o1_early = mid.startswith(("o1-mini", "o1-preview"))
        if not o1_early and not mid.startswith("chatgpt-"):
            caps.add("functions")
        if not legacy_35 or mid.startswith("gpt-3.5-turbo-1106") or mid.startswith("gpt-3.5-turbo-0125") or mid == "gpt-3.5-turbo":
            caps.add("json_mode")
        if re.match(r"^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1(?!-mini|-preview)|o3|o4)", mid):
            caps.add("structured_output")
        if re.match(r"^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-4-turbo(?!-preview)|gpt-4-.*vision|gpt-5|o1(?!-mini|-preview)|o3(?!-mini)|o4|chatgpt-4o|computer-use|codex)", mid):
            caps.add("vision")
            inputs.append("image")
        if re.match(r"^(o\d|gpt-5(?!-chat)|codex)", mid):
            caps.add("reasoning")
        if "audio" in mid:
            caps.update({"audio_in", "audio_out"})
            inputs.append("audio")
            outputs.append("audio")
        if "search" in mid or "deep-research" in mid:
            caps.add("web_search")
        return "chat", frozenset(caps), tuple(inputs), tuple(outputs)
    return "other", frozenset(), (), ()


class OpenAIAdapter(ProviderAdapter):
    kind = "openai"
    models_path = "/models"

    def classify(self, model_id: str) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
        """Type, capabilities and modalities from the id: the list itself states none of them."""
        return infer_family(model_id)

    def parse(self, body: JSON) -> list[RemoteModel]:
        out = []
        for model_id, item in self.lists.models(body, "data"):
            mtype, caps, inputs, outputs = self.classify(model_id)
            out.append(
                RemoteModel(
                    provider=self.slug,
                    model_id=model_id,
                    name=None,
                    type=mtype,
                    capabilities=caps,
                    input_modalities=inputs,
                    output_modalities=outputs,
                    created_at=unix_time(item.get("created")),
                    owned_by=opt_str(item, "owned_by"),
                    raw=item,
                )
            )
        return dedupe(out)
