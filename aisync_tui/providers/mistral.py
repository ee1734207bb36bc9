"""Mistral `GET /v1/models`: boolean capabilities, `max_context_length`, `deprecation`.

The list holds one entry per id *and* per alias (`mistral-medium-latest` is an entry whose `name`
is `mistral-medium-2508`). They are folded: the entry whose id equals its `name` is the model,
the others become its `aliases`. An id that is a model in its own right is never folded into
another one, even when a later entry claims it (the live list has such contradictions).
`created` is the time of the request, the same for every entry, so it is ignored.

The `capabilities` object is a complete statement: a capability it does not mark true (a false,
or a key it leaves out, such as `reasoning` for most models) is false for that model, and a price
feed cannot turn it on (`RemoteModel.stated`). `completion_fim` is the `fim` capability.
"""

from __future__ import annotations

from .. import bounds
from ..domain import RemoteModel
from ..jsonvalue import JSON
from .base import Item, ProviderAdapter, iso_time, opt_int, opt_str


def _flags(item: Item) -> set[str]:
    caps = item.get("capabilities")
    if not isinstance(caps, dict):
        return set()
    return {k for k, v in caps.items() if v is True}


def classify(model_id: str, flags: set[str]) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    mid = model_id.lower()
    caps: set[str] = set()
    inputs = ["text"]
    outputs = ["text"]
    if "function_calling" in flags:
        caps.add("functions")
    if "vision" in flags:
        caps.add("vision")
        inputs.append("image")
    if "reasoning" in flags or mid.startswith("magistral"):
        caps.add("reasoning")
    if "audio" in flags or "audio_transcription" in flags:
        caps.add("audio_in")
        inputs.append("audio")
    if "embed" in mid and not flags & {"completion_chat", "completion_fim"}:
        return "embedding", frozenset({"embeddings"}), ("text",), ("embedding",)
    if "audio_speech" in flags:
        return "tts", frozenset(caps | {"audio_out"}), ("text",), ("audio",)
    if "transcribe" in mid or ("audio_transcription" in flags and "completion_chat" not in flags):
        return "transcription", frozenset({"audio_in"}), ("audio",), ("text",)
    if "moderation" in flags and "completion_chat" not in flags:
        return "moderation", frozenset(), ("text",), ("text",)
    if "ocr" in flags and "completion_chat" not in flags:
        return "other", frozenset(caps), ("image", "file"), ("text",)
    if "completion_chat" in flags:
        caps.update({"chat", "streaming"})
        return "chat", frozenset(caps), tuple(inputs), tuple(outputs)
    if "completion_fim" in flags:
        return "completion", frozenset(caps | {"streaming"}), ("text",), ("text",)
    if "classification" in flags:
        return "moderation", frozenset(), ("text",), ("text",)
    return "other", frozenset(caps), (), ()


_TRUE_FLAGS = {"completion_chat": "chat", "function_calling": "functions", "vision": "vision", "completion_fim": "fim", "reasoning": "reasoning"}
#: What the `capabilities` object speaks for, in our capability names.
STATED = frozenset({"chat", "functions", "vision", "reasoning", "audio_in", "fim"})


class MistralAdapter(ProviderAdapter):
    kind = "mistral"
    models_path = "/models"

    def parse(self, body: JSON) -> list[RemoteModel]:
        entries = list(self.lists.models(body, "data"))
        ids = [mid for mid, _ in entries]
        items = [item for _, item in entries]
        # The model each id belongs to: itself when an entry says so, else the first entry's `name`.
        canonical: dict[str, str] = {}
        for mid, item in zip(ids, items):
            if opt_str(item, "name") in (None, mid):
                canonical[mid] = mid
        for mid, item in zip(ids, items):
            name = opt_str(item, "name")
            if mid not in canonical:
                canonical[mid] = name if name in canonical and canonical[name] == name else mid
        aliases: dict[str, list[str]] = {}
        for mid, owner in canonical.items():
            if mid != owner:
                aliases.setdefault(owner, []).append(mid)
        # Aliases a model entry lists that are not entries themselves (still reachable by that name).
        for mid, item in zip(ids, items):
            owner = canonical[mid]
            listed = item.get("aliases")
            for alias in listed if isinstance(listed, list) else ():
                if isinstance(alias, str) and alias not in canonical and alias not in aliases.setdefault(owner, []) and alias != owner:
                    aliases[owner].append(alias)
        out: list[RemoteModel] = []
        done: set[str] = set()
        try:
            for mid, item in zip(ids, items):
                if canonical[mid] != mid or mid in done:
                    continue
                done.add(mid)
                bounds.reading(mid)  # values refused while the model is read name it
                out.append(self._one(mid, item, tuple(sorted(aliases.get(mid, ())))))
        finally:
            bounds.reading(None)
        return out

    def _one(self, model_id: str, item: Item, aliases: tuple[str, ...]) -> RemoteModel:
        flags = _flags(item)
        mtype, caps, inputs, outputs = classify(model_id, flags)
        # Every capability the object marks true is true, whatever type the model has.
        caps = caps | {cap for flag, cap in _TRUE_FLAGS.items() if flag in flags}
        stated = STATED if isinstance(item.get("capabilities"), dict) else frozenset()
        name = opt_str(item, "name")
        owned_by = opt_str(item, "owned_by")
        return RemoteModel(
            provider=self.slug,
            model_id=model_id,
            name=name if name and name != model_id else None,
            type=mtype,
            context_length=opt_int(item, "max_context_length"),
            capabilities=caps,
            input_modalities=inputs,
            output_modalities=outputs,
            deprecated_at=iso_time(item.get("deprecation")),
            description=opt_str(item, "description"),
            owned_by=owned_by,
            aliases=aliases,
            stated=stated,
            raw=item,
        )
