"""DeepSeek `GET /models`: `{"object": "list", "data": [{"id", "object", "owned_by"}]}` and
nothing more: no `created`, no context length, no prices. The base URL has no version path
(`https://api.deepseek.com`), as DeepSeek's docs and SDK examples write it.

Capabilities come from the two model families DeepSeek serves: `deepseek-chat` (tools, JSON
output) and `deepseek-reasoner` (thinking mode). What cannot be known stays unknown; the pricing
sync fills context length and prices from the feeds.
"""

from __future__ import annotations

from ..domain import RemoteModel
from ..jsonvalue import JSON
from .base import ProviderAdapter, dedupe, opt_str, unix_time


def capabilities(model_id: str) -> frozenset[str]:
    mid = model_id.lower()
    caps = {"chat", "streaming"}
    if "reasoner" in mid or "-r1" in mid:
        caps.add("reasoning")
    if "chat" in mid:
        caps.update({"functions", "json_mode"})
    return frozenset(caps)


class DeepSeekAdapter(ProviderAdapter):
    kind = "deepseek"
    models_path = "/models"

    def parse(self, body: JSON) -> list[RemoteModel]:
        out = []
        for model_id, item in self.lists.models(body, "data"):
            out.append(
                RemoteModel(
                    provider=self.slug,
                    model_id=model_id,
                    type="chat",
                    capabilities=capabilities(model_id),
                    input_modalities=("text",),
                    output_modalities=("text",),
                    # Absent in DeepSeek's schema; read it if a future version adds it.
                    created_at=unix_time(item.get("created")),
                    owned_by=opt_str(item, "owned_by"),
                    raw=item,
                )
            )
        return dedupe(out)
