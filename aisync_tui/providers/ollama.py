"""Ollama: `GET /api/tags` for the local models, then `POST /api/show` per model (a few at a time)
for the context length and the capabilities.

No key locally (a key, when set, is sent as a bearer token for ollama.com). `OLLAMA_HOST` is
applied to the base URL by the config. A stopped Ollama is one "Not running" error: connect
errors are not retried and stop the sync of this provider at the first request. A model that
disappears between the two calls (404 on show) keeps what the tag list says.

One model's unusable show (an answer that is not an object, an HTTP error for that model) fails only
that model's details: it keeps the tag list's facts, its context length and capabilities stay unknown
(not guessed), and one warning names it; the other models keep their full details. When every show
fails, one warning says so for them all. A show field of the wrong kind is refused alone.

Context length is the trained maximum, `model_info["<general.architecture>.context_length"]`
(the runtime `num_ctx` may be lower). `modified_at` (when the model was pulled or updated locally)
is used as the creation date.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Mapping

from .. import bounds
from ..domain import RemoteModel
from ..errors import BadResponse, NotRunning, ProviderError, ProviderUnavailable
from ..events import PageFetched, Warning
from ..jsonvalue import JSON, json_kind
from .base import Item, ListReader, ProviderAdapter, dedupe, iso_time, opt_dict, opt_int, opt_str, str_list
from .http import classify_error

#: /api/show calls in flight at once: enough to hide latency, few enough for a laptop's Ollama.
SHOW_CONCURRENCY = 4


#: Where a tag names its model: `name`, or `model` on some servers.
NAME_KEYS = ("name", "model")

#: What Ollama's capability list speaks for, in our capability names.
STATED = frozenset({"vision", "audio_in", "reasoning", "functions", "fim", "image_generation"})

#: What only /api/show tells: unknown, not withdrawn, when a model's show fails.
UNREAD_WITHOUT_SHOW = frozenset({"context_length"})

#: Type, capabilities and modalities of a model nothing speaks for ("other": could not tell).
UNKNOWN_KIND: tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]] = ("other", frozenset(), (), ())


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
        if info is not None:
            bounds.refuse("model_info", info, "is not an object")
        return None
    arch = info.get("general.architecture")
    if isinstance(arch, str) and arch:
        value = opt_int(info, f"{arch}.context_length")
        if value:
            return value
    # An unknown architecture key: any single "*.context_length" is still the answer.
    found = {v for k, v in info.items() if k.endswith(".context_length") and isinstance(v, int) and not isinstance(v, bool) and v > 0}
    return found.pop() if len(found) == 1 else None


class _ModelGone(BadResponse):
    """/api/show answers 404: the model was deleted after the tag list was read."""


def _show_error(provider: str, status: int, body: JSON) -> ProviderError:
    if status == 404:
        return _ModelGone(provider, "the model is no longer there (HTTP 404)")
    return classify_error(provider, status, body)


@dataclass(frozen=True)
class ShowFailed:
    """An /api/show call that gave no usable answer for its model."""

    reason: str
    """What went wrong, worded to follow "/api/show"."""
    gone: bool = False
    """The model was deleted meanwhile: nothing to warn about, its tag data stands."""


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
        failed: dict[str, str] = {}
        if names:
            with ThreadPoolExecutor(max_workers=min(SHOW_CONCURRENCY, len(names)), thread_name_prefix="aisync-ollama") as pool:
                for name, outcome in zip(names, pool.map(lambda n: self._show(n, key), names)):
                    if not isinstance(outcome, ShowFailed):
                        shows[name] = outcome
                    elif not outcome.gone:
                        failed[name] = outcome.reason
        return self.parse_all(tags, shows, failed)

    def _show(self, name: str, key: str | None) -> JSON | ShowFailed:
        """One model's show. An error that speaks for the server as a whole (not running, a bad
        key, rate limits, timeouts) fails the provider; one that may be this model's alone fails
        only its details."""
        try:
            return self.client.request_json(
                self.slug,
                "POST",
                self.url(self.show_path),
                headers=self.headers(key),
                json_body={"model": name, "name": name},  # `name` for Ollama versions before `model`
                timeout=self.timeout,
                classify=_show_error,
                connect_error=NotRunning,
            )
        except _ModelGone as exc:
            return ShowFailed(exc.detail, gone=True)
        except (BadResponse, ProviderUnavailable) as exc:
            return ShowFailed(f"failed ({exc.detail or exc.title})")

    def parse(self, body: JSON) -> list[RemoteModel]:
        """The /api/tags list alone (no /api/show details)."""
        return self.parse_all(body, {})

    def parse_all(self, tags: JSON, shows: Mapping[str, JSON], failed: Mapping[str, str] | None = None) -> list[RemoteModel]:
        """The tag list, each model with its /api/show answer from `shows`. A model absent from
        `shows` keeps the tag list's facts, read as from a server too old to say more. A model in
        `failed` (why its show failed) or whose answer is not an object keeps them too, with what
        only its show could tell unknown, and a warning names it."""
        failures = dict(failed or {})
        out = []
        listed: list[str] = []
        for name, item in self.lists.models(tags, "models", id_key=NAME_KEYS, allow_bare_list=False):
            listed.append(name)
            show: Item = {}
            if name not in failures and name in shows:
                body = shows[name]
                if isinstance(body, dict):
                    show = body
                else:
                    failures[name] = f"answered {json_kind(body)}, not an object"
            out.append(self._one(name, item, show, show_failed=name in failures))
        self._warn_failed(listed, {name: failures[name] for name in dict.fromkeys(listed) if name in failures})
        return dedupe(out)

    def _warn_failed(self, listed: list[str], failures: dict[str, str]) -> None:
        """One warning per model whose show failed, or one for all when every show failed."""
        if not failures:
            return
        if len(failures) == len(set(listed)) > 1:
            first, reason = next(iter(failures.items()))
            how = f"for every one, /api/show {reason}" if len(set(failures.values())) == 1 else (
                f"/api/show gave no usable answer for any of them (for {first} it {reason})"
            )
            self.emit(Warning(self.slug, (
                f"kept all {len(failures)} models with the tag list's facts only, their context lengths and capabilities "
                f"unknown: {how}; check the Ollama server (`ollama show {first}`)"
            )))
            return
        for name, reason in failures.items():
            self.emit(Warning(self.slug, (
                f"kept {name} with the tag list's facts only, its context length and capabilities unknown: "
                f"/api/show {reason}; check the Ollama server (`ollama show {name}`)"
            )))

    def _one(self, name: str, item: Item, show: Item, *, show_failed: bool = False) -> RemoteModel:
        details = {**opt_dict(item, "details"), **_object(show, "details")}
        caps_raw = show.get("capabilities", item.get("capabilities"))
        capabilities = str_list(caps_raw) if isinstance(caps_raw, list) else None
        unknown = show_failed
        if caps_raw is not None and capabilities is None:
            bounds.refuse("capabilities", caps_raw, "is not a list")
            unknown = True
        if unknown and capabilities is None:
            # Nothing says what it can do: unknown, not a guess from the name.
            mtype, caps, inputs, outputs = UNKNOWN_KIND
        else:
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
            unread=UNREAD_WITHOUT_SHOW if show_failed else frozenset(),
            raw={"tags": item, "show": _slim(show)} if show else item,
        )


def _object(show: Item, key: str) -> Item:
    """A nested object of the show answer; one of another kind is refused and read as empty."""
    value = show.get(key)
    if value is not None and not isinstance(value, dict):
        bounds.refuse(key, value, "is not an object")
    return value if isinstance(value, dict) else {}


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
