"""DeepInfra `GET /v1/openai/models`: an OpenAI-style list whose entries carry a `metadata`
object (or `null`): `description`, `context_length`, `max_tokens`, `tags` and `pricing`.

`pricing` is USD per **1M** tokens (`input_tokens`, `output_tokens`, `cache_read_tokens`),
converted exactly to USD per token, or per unit for the models priced that way: `per_image_unit`
(an image) and `input_seconds` (a second of audio). A zero token price next to a unit price says
nothing (that model is priced per unit), so it stays unknown. `tags` say what a model is: `embed`,
`stt`, `tts`, `image-generation`/`text-to-image`, `rerank`; `vision`, `reasoning` and
`prompt_cache` are capabilities. Without tags the id decides, as for any OpenAI-compatible server.
A `context_length` of 0 is unknown.
"""

from __future__ import annotations

from decimal import Decimal

from ..domain import Price, RemoteModel, to_decimal
from ..jsonvalue import JSON
from .base import ProviderAdapter, dedupe, opt_dict, opt_int, opt_str, str_list, unix_time
from .compatible import _TYPE_SHAPES, infer_type
from .together import per_token

#: tag -> our type, first match wins
_TYPE_TAGS: tuple[tuple[str, str], ...] = (
    ("embed", "embedding"),
    ("embeddings", "embedding"),
    ("rerank", "rerank"),
    ("stt", "transcription"),
    ("automatic-speech-recognition", "transcription"),
    ("tts", "tts"),
    ("text-to-speech", "tts"),
    ("image-generation", "image"),
    ("text-to-image", "image"),
)
_CAP_TAGS = {"vision": "vision", "reasoning": "reasoning", "prompt_cache": "caching"}


def _unit(value: JSON) -> Decimal | None:
    if isinstance(value, bool):
        return None
    d = to_decimal(value)
    return d if d is not None and d > 0 else None


def parse_price(pricing: JSON) -> Price | None:
    if not isinstance(pricing, dict):
        return None
    inp = per_token(pricing.get("input_tokens"))
    out = per_token(pricing.get("output_tokens"))
    cached = per_token(pricing.get("cache_read_tokens"))
    per_image = _unit(pricing.get("per_image_unit"))
    input_per_second = _unit(pricing.get("input_seconds"))
    if per_image is not None or input_per_second is not None:
        # Priced per unit: zero token prices are "not applicable", not free.
        inp, out, cached = (v if v else None for v in (inp, out, cached))
    price = Price(input=inp, output=out, cached_input=cached, per_image=per_image, input_per_second=input_per_second)
    return None if price.is_empty() else price


def classify(model_id: str, tags: tuple[str, ...]) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    mtype = next((t for tag, t in _TYPE_TAGS if tag in tags), None) or infer_type(model_id, None)
    caps, inputs, outputs = _TYPE_SHAPES.get(mtype, (frozenset(), (), ()))
    extra = {cap for tag, cap in _CAP_TAGS.items() if tag in tags}
    if "vision" in extra and mtype == "chat":
        inputs = inputs + ("image",)
    elif mtype != "chat":
        extra.discard("vision")
    return mtype, frozenset(caps | extra), inputs, outputs


class DeepInfraAdapter(ProviderAdapter):
    kind = "deepinfra"
    models_path = "/models"

    def parse(self, body: JSON) -> list[RemoteModel]:
        out = []
        for model_id, item in self.lists.models(body, "data"):
            meta = opt_dict(item, "metadata")
            mtype, caps, inputs, outputs = classify(model_id, str_list(meta.get("tags")))
            out.append(
                RemoteModel(
                    provider=self.slug,
                    model_id=model_id,
                    type=mtype,
                    context_length=opt_int(meta, "context_length"),
                    max_output_tokens=opt_int(meta, "max_tokens"),
                    capabilities=caps,
                    input_modalities=inputs,
                    output_modalities=outputs,
                    created_at=unix_time(item.get("created")),
                    description=opt_str(meta, "description"),
                    owned_by=opt_str(item, "owned_by"),
                    price=parse_price(meta.get("pricing")),
                    raw=item,
                )
            )
        return dedupe(out)
