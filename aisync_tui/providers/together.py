"""Together `GET /v1/models`: a bare JSON array (an `{"data": [...]}` envelope is accepted too).

Each model has a `type` (chat, language, code, image, embedding, moderation, rerank, audio,
transcribe, video), `context_length`, `display_name`, `organization`, and `pricing` as floats in
USD per **1M** tokens (`input`, `output`), converted exactly to USD per token. Zero is not always
"free" there: for image/audio/video models the token prices are 0 because they are priced per unit
(`base`, taken as the per-image price for image models), and a model with only an `hourly` price is
a dedicated-endpoint model. In those cases the zero token prices stay unknown.
"""

from __future__ import annotations

from decimal import Decimal

from ..domain import Price, RemoteModel, to_decimal
from ..jsonvalue import JSON
from .base import ProviderAdapter, dedupe, opt_int, opt_str, unix_time

#: Together's type -> (our type, capabilities, inputs, outputs)
TYPES: dict[str, tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]] = {
    "chat": ("chat", frozenset({"chat", "streaming"}), ("text",), ("text",)),
    "language": ("completion", frozenset({"streaming"}), ("text",), ("text",)),
    "code": ("completion", frozenset({"streaming"}), ("text",), ("text",)),
    "image": ("image", frozenset({"image_generation"}), ("text",), ("image",)),
    "embedding": ("embedding", frozenset({"embeddings"}), ("text",), ("embedding",)),
    "moderation": ("moderation", frozenset(), ("text",), ("text",)),
    "rerank": ("rerank", frozenset(), ("text",), ("text",)),
    "audio": ("tts", frozenset({"audio_out"}), ("text",), ("audio",)),
    "transcribe": ("transcription", frozenset({"audio_in"}), ("audio",), ("text",)),
    "video": ("video", frozenset(), ("text", "image"), ("video",)),
}
TOKEN_PRICED = {"chat", "completion", "embedding", "moderation", "rerank"}


def per_token(value: JSON) -> Decimal | None:
    """USD per 1M tokens (a JSON float) -> USD per token, exactly (0.88 -> 8.8E-7)."""
    if isinstance(value, bool):
        return None
    d = to_decimal(value)
    if d is None or d < 0:
        return None
    return d.scaleb(-6)


def parse_price(pricing: JSON, mtype: str) -> Price | None:
    if not isinstance(pricing, dict):
        return None
    inp = per_token(pricing.get("input"))
    out = per_token(pricing.get("output"))
    base = to_decimal(pricing.get("base")) if not isinstance(pricing.get("base"), bool) else None
    hourly = to_decimal(pricing.get("hourly")) if not isinstance(pricing.get("hourly"), bool) else None
    zero_tokens = inp == 0 and out == 0
    if mtype not in TOKEN_PRICED or (zero_tokens and ((hourly or 0) > 0 or (base or 0) > 0)):
        # Priced per unit or per hour: the zero token prices say nothing.
        inp = inp if inp else None
        out = out if out else None
    per_image = base if mtype == "image" and base is not None and base > 0 else None
    price = Price(input=inp, output=out, per_image=per_image)
    return None if price.is_empty() else price


class TogetherAdapter(ProviderAdapter):
    kind = "together"
    models_path = "/models"

    def parse(self, body: JSON) -> list[RemoteModel]:
        out = []
        for model_id, item in self.lists.models(body, "data"):
            ttype = (opt_str(item, "type") or "").lower()
            mtype, caps, inputs, outputs = TYPES.get(ttype, ("other", frozenset(), (), ()))
            if mtype == "chat" and any(w in model_id.lower() for w in ("vision", "-vl", "llama-4", "scout", "maverick")):
                caps = caps | {"vision"}
                inputs = ("text", "image")
            out.append(
                RemoteModel(
                    provider=self.slug,
                    model_id=model_id,
                    name=opt_str(item, "display_name"),
                    type=mtype,
                    context_length=opt_int(item, "context_length"),
                    capabilities=caps,
                    input_modalities=inputs,
                    output_modalities=outputs,
                    created_at=unix_time(item.get("created")),
                    owned_by=opt_str(item, "organization"),
                    price=parse_price(item.get("pricing"), mtype),
                    raw=item,
                )
            )
        return dedupe(out)
