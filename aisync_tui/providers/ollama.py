"""Ollama: `GET /api/tags` for the local models, then `POST /api/show` per model (a few at a time)
for the context length and the capabilities.

No key locally (a key, when set, is sent as a bearer token for ollama.com). `OLLAMA_HOST` is
applied to the base URL by the config. A stopped Ollama is one "Not running" error: connect
errors are not retried and stop the sync of this provider at the first request. A model that
disappears between the two calls (404 on show) keeps what the tag list says.

Context length is the trained maximum, `model_info["<general.architecture>.context_length"]`
(the runtime `num_ctx` may be lower). `modified_at` (when the model was pulled or updated locally)
is used as the creation date.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ..domain import RemoteModel
from ..errors import BadResponse, NotRunning
from ..events import PageFetched
from ..jsonvalue import JSON
from .base import Item, ListReader, ProviderAdapter, dedupe, iso_time, opt_dict, opt_int, opt_str, str_list

#: /api/show calls in flight at once: enough to hide latency, few enough for a laptop's Ollama.
SHOW_CONCURRENCY = 4


#: Where a tag names its model: `name`, or `model` on some servers.
NAME_KEYS = ("name", "model")

#: What Ollama's capability list speaks for, in our capability names.
STATED = frozenset({"vision", "audio_in", "reasoning", "functions", "fim", "image_generation"})


def classify(name: str, capabilities: tuple[str, ...] | None, family: str) -> tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """Type and capabilities from Ollama's capability list (completion, tools, insert, vision,
    embedding, thinking, image, audio); from the name when the server is too old to send one."""
    if capabilities is None:
        if "embed" in name.lower() or "bert" in family.lower():
            capabilities = ("embedding",)
        else:
            capabilities = ("completion",)
    have = set(capabilities)
    caps: set[str] = set()
    inputs = ["text"]
    outputs = ["text"]
    if "vision" in have:
        caps.add("vision")
        inputs.append("image")
    if "audio" in have:
        caps.add("audio_in")
        inputs.append("audio")
    if "thinking" in have:
        caps.add("reasoning")
    if "tools" in have:
        caps.add("functions")
    if "insert" in have:
        caps.add("fim")  # fill-in-the-middle (`suffix` in /api/generate)
    if "image" in have:
        return "image", frozenset(caps | {"image_generation"}), tuple(inputs), ("image",)
    if "embedding" in have and "completion" not in have:
        return "embedding", frozenset({"embeddings"}), ("text",), ("embedding",)
    if "completion" in have:
        caps.update({"chat", "streaming"})
        return "chat", frozenset(caps), tuple(inputs), tuple(outputs)
    return "other", frozenset(caps), tuple(inputs), ()


def context_length(show: Item) -> int | None:
    info = show.get("model_info")
    if not isinstance(info, dict):
        return None
    arch = info.get("general.architecture")
    if isinstance(arch, str) and arch:
        value = opt_int(info, f"{arch}.context_length")
        if value:
            return value
    # An unknown architecture key: any single "*.context_length" is still the answer.
    found = {v for k, v in info.items() if k.endswith(".context_length") and isinstance(v, int) and not isinstance(v, bool) and v > 0}
    return found.pop() if len(found) == 1 else None


class OllamaAdapter(ProviderAdapter):
    kind = "ollama"
    models_path = "/api/tags"
    show_path = "/api/show"

    def fetch(self) -> list[RemoteModel]:
        key = self.api_key()
        tags = self.client.get_json(
            self.slug, self.url(self.models_path), headers=self.headers(key), timeout=self.timeout, connect_error=NotRunning
        )
        # The names to ask /api/show about; items naming no model are reported once, by parse_all.
        names = [name for name, _ in ListReader(self.slug).models(tags, "models", id_key=NAME_KEYS, allow_bare_list=False)]
        self.emit(PageFetched(self.slug, 1, len(names)))
        shows: dict[str, JSON] = {}
        if names:
            with ThreadPoolExecutor(max_workers=min(SHOW_CONCURRENCY, len(names)), thread_name_prefix="aisync-ollama") as pool:
                for name, body in zip(names, pool.map(lambda n: self._show(n, key), names)):
                    if body is not None:
                        shows[name] = body
        return self.parse_all(tags, shows)

    def _show(self, name: str, key: str | None) -> JSON:
        try:
            return self.client.request_json(
                self.slug,
                "POST",
                self.url(self.show_path),
                headers=self.headers(key),
                json_body={"model": name, "name": name},  # `name` for Ollama versions before `model`
                timeout=self.timeout,
                connect_error=NotRunning,
            )
        except BadResponse:
            return None  # deleted meanwhile, or a show this server cannot give: keep the tag data

    def parse(self, body: JSON) -> list[RemoteModel]:
        """The /api/tags list alone (no /api/show details)."""
        return self.parse_all(body, {})

    def parse_all(self, tags: JSON, shows: dict[str, JSON]) -> list[RemoteModel]:
        out = []
        for name, item in self.lists.models(tags, "models", id_key=NAME_KEYS, allow_bare_list=False):
            show = shows.get(name)
            if show is not None and not isinstance(show, dict):
                raise BadResponse(self.slug, f"/api/show for {name} is {type(show).__name__}, not an object")
            out.append(self._one(name, item, show or {}))
        return dedupe(out)

    def _one(self, name: str, item: Item, show: Item) -> RemoteModel:
        details = {**opt_dict(item, "details"), **opt_dict(show, "details")}
        caps_raw = show.get("capabilities", item.get("capabilities"))
        capabilities = str_list(caps_raw) if isinstance(caps_raw, list) else None
        mtype, caps, inputs, outputs = classify(name, capabilities, str(details.get("family") or ""))
        # The server's capability list is a complete statement of what it covers.
        stated = STATED if capabilities is not None else frozenset()
        remote_host = opt_str(item, "remote_host")
        return RemoteModel(
            provider=self.slug,
            model_id=name,
            type=mtype,
            context_length=context_length(show) or opt_int(details, "context_length"),
            capabilities=caps,
            input_modalities=inputs,
            output_modalities=outputs,
            created_at=iso_time(item.get("modified_at")),
            description=_describe(details, remote_host),
            owned_by=opt_str(details, "family"),
            stated=stated,
            raw={"tags": item, "show": _slim(show)} if show else item,
        )


def _describe(details: Item, remote_host: str | None) -> str | None:
    parts = [value for value in map(details.get, ("parameter_size", "quantization_level", "format")) if isinstance(value, str) and value]
    if remote_host:
        parts.append(f"cloud ({remote_host})")
    return ", ".join(parts) or None


def _slim(show: Item) -> Item:
    """The show payload without the bulky parts (templates, modelfile, tensors, token lists)."""
    keep: Item = {k: v for k, v in show.items() if k in ("details", "capabilities", "modified_at", "parameters", "remote_model", "remote_host")}
    info = show.get("model_info")
    if isinstance(info, dict):
        keep["model_info"] = {k: v for k, v in info.items() if not isinstance(v, (list, dict))}
    return keep
