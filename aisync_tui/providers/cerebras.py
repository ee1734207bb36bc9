"""Cerebras `GET /v1/models`: an OpenAI-style list of ids with `owned_by` and `created: 0`.

Nothing else is published there (no context length, no prices, `created` is always 0, which is
unknown). Every model Cerebras serves is a chat model with streaming; what the id family says
beyond that (reasoning for gpt-oss, GLM and Qwen 3 thinking models) is added. Limits and prices
come from the price feeds' `cerebras/` entries.
"""

from __future__ import annotations

import re
from typing import Any

from ..domain import RemoteModel
from .base import ProviderAdapter, dedupe, items_of, opt_str, req_str, unix_time

_REASONING = re.compile(r"gpt-oss|glm|thinking|qwen-3-32b|qwq|deepseek-r1")


def classify(model_id: str) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    caps = {"chat", "streaming"}
    if _REASONING.search(model_id.lower()):
        caps.add("reasoning")
    return "chat", frozenset(caps), ("text",), ("text",)


class CerebrasAdapter(ProviderAdapter):
    kind = "cerebras"
    models_path = "/models"

    def parse(self, body: Any) -> list[RemoteModel]:
        out = []
        for item in items_of(self.slug, body, "data"):
            model_id = req_str(self.slug, item, "id")
            mtype, caps, inputs, outputs = classify(model_id)
            out.append(
                RemoteModel(
                    provider=self.slug,
                    model_id=model_id,
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
