"""Cerebras `GET /v1/models`: an OpenAI-style list of ids with `owned_by` and `created: 0`.

Nothing else is published there (no context length, no prices, `created` is always 0, which is
unknown). Every model Cerebras serves is a chat model with streaming; what the id family says
beyond that (reasoning for gpt-oss, GLM and Qwen 3 thinking models) is added. Limits and prices
come from the price feeds' `cerebras/` entries.
"""

from __future__ import annotations

import re

from .openai import OpenAIAdapter

_REASONING = re.compile(r"gpt-oss|glm|thinking|qwen-3-32b|qwq|deepseek-r1")


def classify(model_id: str) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    caps = {"chat", "streaming"}
    if _REASONING.search(model_id.lower()):
        caps.add("reasoning")
    return "chat", frozenset(caps), ("text",), ("text",)


class CerebrasAdapter(OpenAIAdapter):
    """OpenAI's list shape; only the family rules differ."""

    kind = "cerebras"
    models_path = "/models"

    def classify(self, model_id: str) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
        return classify(model_id)
