"""Hugging Face router `GET /v1/models`: an OpenAI-style list of chat models, each with its
`architecture` (input/output modalities) and the inference `providers` that serve it.

Each provider entry serving a model with `status: "live"` becomes a model of its own under the
router's id for it, `org/model:provider`, with that provider's `context_length`,
`supports_tools` (functions), `supports_structured_output` and `pricing` (USD per **1M** tokens,
converted exactly to USD per token; a provider without a price stays unpriced). Entries whose
status is not live (`error`, `staging`) are left out, so a stored one becomes *missing* until the
provider serves the model again. The bare `org/model` (the router picks the provider) is listed
too: its description names the providers serving it, and it claims only the capabilities every
one of them states; its context length and price depend on the provider chosen, so they stay
unknown.
"""

from __future__ import annotations

import re

from ..domain import Price, RemoteModel
from ..jsonvalue import JSON, objects
from .base import Item, ProviderAdapter, dedupe, opt_dict, opt_int, opt_str, str_list, unix_time
from .together import per_token

#: The most providers named in one bare model's description.
MAX_NAMED = 30
#: What an inference provider's name looks like (it becomes part of a model id).
_PROVIDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def parse_price(pricing: JSON) -> Price | None:
    if not isinstance(pricing, dict):
        return None
    price = Price(input=per_token(pricing.get("input")), output=per_token(pricing.get("output")))
    return None if price.is_empty() else price


def _modalities(item: Item) -> tuple[tuple[str, ...], tuple[str, ...]]:
    arch = opt_dict(item, "architecture")
    inputs = str_list(arch.get("input_modalities")) or ("text",)
    outputs = str_list(arch.get("output_modalities")) or ("text",)
    return inputs, outputs


def _route_caps(route: Item, base: frozenset[str]) -> frozenset[str]:
    caps = set(base)
    if route.get("supports_tools") is True:
        caps.add("functions")
    if route.get("supports_structured_output") is True:
        caps.add("structured_output")
    return frozenset(caps)


class HuggingFaceAdapter(ProviderAdapter):
    kind = "huggingface"
    models_path = "/models"

    def parse(self, body: JSON) -> list[RemoteModel]:
        out: list[RemoteModel] = []
        for model_id, item in self.lists.models(body, "data"):
            inputs, outputs = _modalities(item)
            base = {"chat", "streaming"}
            if "image" in inputs:
                base.add("vision")
            # What every route of the model shares with the bare model.
            common = RemoteModel(
                provider=self.slug,
                model_id=model_id,
                type="chat",
                input_modalities=inputs,
                output_modalities=outputs,
                created_at=unix_time(item.get("created")),
                owned_by=opt_str(item, "owned_by"),
            )
            live = [
                r for r in objects(item.get("providers")) if r.get("status") == "live" and _PROVIDER_NAME.fullmatch(str(r.get("provider")))
            ]
            route_caps = []
            for route in live:
                name = str(route["provider"])
                caps = _route_caps(route, frozenset(base))
                route_caps.append(caps)
                out.append(
                    common.with_changes(
                        model_id=f"{model_id}:{name}",
                        context_length=opt_int(route, "context_length"),
                        capabilities=caps,
                        price=parse_price(route.get("pricing")),
                        raw=route,
                    )
                )
            names = [str(r["provider"]) for r in live]
            shown = ", ".join(names[:MAX_NAMED]) + (f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else "")
            out.append(
                common.with_changes(
                    capabilities=frozenset.intersection(*route_caps) if route_caps else frozenset(base),
                    description=f"Served by {shown}" if names else None,
                    raw=item,
                )
            )
        return dedupe(out)
