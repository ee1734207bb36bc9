"""Cohere `GET /v1/models`: `{"models": [...], "next_page_token": ...}`, every page
(`page_size=1000`, `page_token` while a token comes back; a repeated token stops with "Bad
response").

Each model is a `name` with the `endpoints` it answers on (chat, generate, summarize, embed,
embed_image, rerank, classify, transcriptions), `context_length` (0 is unknown), `features`
(tools/strict_tools → functions, json_mode, json_schema → structured output, vision, reasoning)
or, in older answers, `supports_vision`, and `is_deprecated` (deprecated, with no date). The
endpoints decide the type: chat before generate, then embed, rerank, transcription, classify.
Fine-tuned models are listed under their own name. No prices here; the feeds' `cohere` and
`cohere_chat` rows price these names.
"""

from __future__ import annotations

from ..domain import RemoteModel
from ..jsonvalue import JSON
from .base import ProviderAdapter, dedupe, opt_int, str_list
from .http import Query

PAGE_SIZE = 1000

_FEATURES = {
    "tools": "functions",
    "strict_tools": "functions",
    "json_mode": "json_mode",
    "json_schema": "structured_output",
    "vision": "vision",
    "reasoning": "reasoning",
}


def classify(endpoints: tuple[str, ...], features: tuple[str, ...], vision: bool) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    caps = {cap for feature, cap in _FEATURES.items() if feature in features}
    if vision:
        caps.add("vision")
    if "chat" in endpoints or "generate" in endpoints:
        mtype = "chat" if "chat" in endpoints else "completion"
        caps.add("streaming")
        if mtype == "chat":
            caps.add("chat")
        inputs = ("text", "image") if "vision" in caps else ("text",)
        return mtype, frozenset(caps), inputs, ("text",)
    if "embed" in endpoints or "embed_image" in endpoints:
        inputs = ("text", "image") if "embed_image" in endpoints and "embed" in endpoints else ("image",) if "embed_image" in endpoints else ("text",)
        return "embedding", frozenset({"embeddings"}), inputs, ("embedding",)
    if "rerank" in endpoints:
        return "rerank", frozenset(), ("text",), ("text",)
    if "transcriptions" in endpoints or "transcription" in endpoints:
        return "transcription", frozenset({"audio_in"}), ("audio",), ("text",)
    if "classify" in endpoints:
        return "moderation", frozenset(), ("text",), ("text",)
    return "other", frozenset(), (), ()


class CohereAdapter(ProviderAdapter):
    kind = "cohere"
    models_path = "/models"

    def fetch(self) -> list[RemoteModel]:
        key = self.api_key()

        def params(cursor: str | None) -> Query:
            return {"page_size": PAGE_SIZE, **({"page_token": cursor} if cursor else {})}

        def next_cursor(body: dict[str, JSON], page: int, collected: int) -> str | None:
            token = body.get("next_page_token")
            return token if isinstance(token, str) and token else None

        return self.fetch_pages(key, params, next_cursor)

    def parse(self, body: JSON) -> list[RemoteModel]:
        out = []
        for name, item in self.lists.models(body, "models", id_key="name", allow_bare_list=False):
            mtype, caps, inputs, outputs = classify(
                str_list(item.get("endpoints")), str_list(item.get("features")), item.get("supports_vision") is True
            )
            out.append(
                RemoteModel(
                    provider=self.slug,
                    model_id=name,
                    type=mtype,
                    context_length=opt_int(item, "context_length"),
                    capabilities=caps,
                    input_modalities=inputs,
                    output_modalities=outputs,
                    deprecated=item.get("is_deprecated") is True,
                    raw=item,
                )
            )
        return dedupe(out)
