"""models.dev: the curated open catalog, as a third source beside LiteLLM and genai-prices.

models.dev publishes `https://models.dev/api.json`, built from its repository's TOML files:
`{provider_id: {id, name, env, npm, api?, doc, models: {model_id: {...}}}}`. Each model states
facts no provider list carries (knowledge cutoff, release and last-update dates, open weights),
capabilities (reasoning, tool calling, attachments, structured output), modalities, limits and
prices in USD per 1M tokens, cache read/write and long-context tiers included.

This module does two things:

- `build_api(folder)` turns a checkout of the models.dev repository (`providers/` and `models/`)
  into the same shape as `api.json`, the way its generator does (provider models inherit from a
  `base_model` in `models/` by deep merge, minus `base_model_omit`), keeping only the fields
  aisync reads. The bundled snapshot is built with it.
- `parse_modelsdev(data)` reads that shape (the bundled copy or the live `api.json`) into
  `ModelsDevEntry` records, every number and string bounded, every price per token.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping

from .. import provider_spec
from ..domain import Price, PriceTier, to_decimal
from ..jsonvalue import JSON, JSONOut, as_list, as_object, decode

if TYPE_CHECKING:
    from .sources import SnapshotFeed

#: Model keys kept in the bundled copy: what `parse_modelsdev` reads, nothing more.
KEPT_MODEL_KEYS: tuple[str, ...] = (
    "id", "name", "family", "attachment", "reasoning", "tool_call", "structured_output", "temperature",
    "knowledge", "release_date", "last_updated", "modalities", "open_weights", "limit", "cost", "status",
)
#: Provider keys kept in the bundled copy.
KEPT_PROVIDER_KEYS: tuple[str, ...] = ("id", "name", "env", "api", "doc", "models")
#: Keys a provider model does not inherit from its base model (models.dev's own rule).
NOT_INHERITED: frozenset[str] = frozenset({"id", "benchmarks", "license", "links", "weights"})

#: Longest id or name kept; a longer one is not a model name but garbage.
MAX_ID = 256
MAX_NAME = 256
#: Largest context or output limit believed (tokens).
MAX_LIMIT = 100_000_000
PER_MILLION = Decimal(1_000_000)

_MODALITIES = frozenset({"text", "audio", "image", "video", "pdf"})

#: models.dev provider id -> our provider slug, from the provider specs (`ProviderSpec.modelsdev_id`).
#: models.dev names providers its own way; only these are read, each only for the provider it
#: names (no guessing across providers). Local runtimes (Ollama) have no models.dev list: what
#: they serve depends on the machine.
MODELSDEV_PROVIDERS: dict[str, str] = provider_spec.modelsdev_names()


# ------------------------------------------------------------------ building api.json from TOML


def _toml_json(value: object) -> JSON:
    """A TOML value in api.json's terms: TOML dates and times become ISO text (JSON has none)."""
    if isinstance(value, dict):
        return {str(k): _toml_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_toml_json(v) for v in value]
    if isinstance(value, (date, time)):  # a datetime is a date
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError(f"a TOML value of kind {type(value).__name__} has no JSON form")


def _load_toml(path: Path) -> dict[str, JSON]:
    return {k: _toml_json(v) for k, v in tomllib.loads(path.read_text(encoding="utf-8")).items()}


def _merge(base: dict[str, JSON], over: Mapping[str, JSON]) -> dict[str, JSON]:
    """Deep merge as remeda's mergeDeep: objects merge key by key, anything else replaces."""
    out = dict(base)
    for key, value in over.items():
        current = out.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            out[key] = _merge(current, value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _omit(target: dict[str, JSON], paths: list[str]) -> None:
    """Delete each dotted path; parents left empty by it go too."""
    for path in paths:
        parts = path.split(".")
        chain: list[tuple[dict[str, JSON], str]] = []
        current: JSON = target
        for part in parts[:-1]:
            nxt = current.get(part) if isinstance(current, dict) else None
            if not isinstance(nxt, dict) or not isinstance(current, dict):
                current = None
                break
            chain.append((current, part))
            current = nxt
        if not isinstance(current, dict) or parts[-1] not in current:
            continue
        del current[parts[-1]]
        for parent, key in reversed(chain):
            if parent[key]:
                break
            del parent[key]


def _toml_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(id, path) of every `*.toml` below `folder`, the id being the relative path without `.toml`."""
    for path in sorted(folder.rglob("*.toml")):
        if not path.is_file():  # a dangling symlink: models.dev's own build skips it too
            continue
        yield path.relative_to(folder).as_posix()[: -len(".toml")], path


def _trim_model(model: Mapping[str, JSON]) -> dict[str, JSON]:
    out = {k: model[k] for k in KEPT_MODEL_KEYS if k in model}
    cost = out.get("cost")
    tiers = cost.get("tiers") if isinstance(cost, dict) else None
    if isinstance(cost, dict) and isinstance(tiers, list) and len(tiers) == 1:
        # models.dev's generator keeps the legacy `context_over_200k` alongside a single tier.
        tier = tiers[0]
        spec = tier.get("tier") if isinstance(tier, dict) else None
        size = spec.get("size") if isinstance(spec, dict) and spec.get("type", "context") == "context" else None
        if isinstance(tier, dict) and isinstance(size, int) and size >= 200_000:
            cost["context_over_200k"] = {k: v for k, v in tier.items() if k != "tier"}
    return out


def build_api(folder: Path) -> dict[str, JSON]:
    """`api.json`'s shape from a models.dev checkout (`folder/providers`, `folder/models`)."""
    bases: dict[str, dict[str, JSON]] = {}
    models_dir = folder / "models"
    if models_dir.is_dir():
        for model_id, path in _toml_files(models_dir):
            bases[model_id] = _load_toml(path)
    result: dict[str, JSON] = {}
    for provider_toml in sorted((folder / "providers").glob("*/provider.toml")):
        provider_id = provider_toml.parent.name
        provider = _load_toml(provider_toml)
        provider["id"] = provider_id
        models: dict[str, JSON] = {}
        for model_id, path in _toml_files(provider_toml.parent / "models"):
            model = _load_toml(path)
            base_id = model.pop("base_model", None)
            omit = model.pop("base_model_omit", None)
            if base_id is not None:
                base = bases.get(base_id) if isinstance(base_id, str) else None
                if base is None:
                    raise ValueError(f"{path}: unknown base_model {base_id!r}")
                inherited: dict[str, JSON] = {k: v for k, v in base.items() if k not in NOT_INHERITED and v is not None}
                model = _merge(copy.deepcopy(inherited), model)
                _omit(model, [p for p in as_list(omit) if isinstance(p, str)])
            model["id"] = model_id
            models[model_id] = _trim_model(model)
        provider["models"] = models
        result[provider_id] = {k: provider[k] for k in KEPT_PROVIDER_KEYS if k in provider}
    return result


# ------------------------------------------------------------------ reading api.json


@dataclass(frozen=True, slots=True)
class ModelsDevEntry:
    """One provider-model as models.dev states it. None means models.dev does not say."""

    provider: str
    model_id: str
    name: str | None = None
    family: str | None = None
    knowledge_cutoff: str | None = None
    released_at: date | None = None
    last_updated: date | None = None
    open_weights: bool | None = None
    context_length: int | None = None
    max_output_tokens: int | None = None
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()
    capabilities: frozenset[str] = frozenset()
    stated_capabilities: frozenset[str] = frozenset()
    deprecated: bool = False
    price: Price | None = None

    @property
    def denied_capabilities(self) -> frozenset[str]:
        """The capabilities models.dev states false (`tool_call: false`, no image input)."""
        return self.stated_capabilities - self.capabilities


@dataclass
class ModelsDevReport:
    """What a parse kept and skipped, for `sync-pricing --verbose`."""

    providers: int = 0
    models: int = 0
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"models.dev: {self.providers:,} providers mapped to ours, {self.models:,} models read, {len(self.skipped):,} skipped"]
        out.extend(f"  skipped: {why}" for why in self.skipped[:5])
        return out


def _text(value: object, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if value and len(value) <= limit else None


def _limit(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or value < 1 or value > MAX_LIMIT:  # below one token is no limit (0.5 is not 0)
        return None
    return int(value)


def _day(value: object) -> date | None:
    """`YYYY-MM-DD`, or `YYYY-MM` taken as the month's first day."""
    text = _text(value, 10)
    if text is None:
        return None
    parts = text.split("-")
    try:
        if len(parts) == 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 1)
    except ValueError:
        return None
    return None


def _month_or_day(value: object) -> str | None:
    """A knowledge cutoff as models.dev writes it (`2024-10` or `2024-10-01`), checked."""
    text = _text(value, 10)
    return text if text is not None and _day(text) is not None else None


def _per_token(value: object) -> Decimal | None:
    """USD per 1M tokens → USD per token, exactly; negative or absurd values are unknown."""
    amount = to_decimal(value)
    if amount is None or amount < 0 or amount > 100_000:
        return None
    return amount / PER_MILLION


def _price(cost: JSON) -> Price | None:
    if not isinstance(cost, dict):
        return None
    tiers: list[PriceTier] = []
    raw_tiers = cost.get("tiers")
    if isinstance(raw_tiers, list):
        for tier in raw_tiers:
            if not isinstance(tier, dict):
                continue
            spec = tier.get("tier")
            size = _limit(spec.get("size")) if isinstance(spec, dict) and spec.get("type", "context") == "context" else None
            if size is None:
                continue
            tiers.append(PriceTier(
                threshold=size,
                input=_per_token(tier.get("input")),
                output=_per_token(tier.get("output")),
                cached_input=_per_token(tier.get("cache_read")),
            ))
    price = Price(
        input=_per_token(cost.get("input")),
        output=_per_token(cost.get("output")),
        cached_input=_per_token(cost.get("cache_read")),
        cache_write=_per_token(cost.get("cache_write")),
        reasoning=_per_token(cost.get("reasoning")),
        audio_input=_per_token(cost.get("input_audio")),
        audio_output=_per_token(cost.get("output_audio")),
        tiers=tuple(sorted(tiers, key=lambda t: t.threshold)),
    )
    return None if price.is_empty() else price


def _modalities(value: JSON) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(m for m in value if isinstance(m, str) and m in _MODALITIES)


#: models.dev flag → our capability name.
_FLAG_CAPABILITIES: dict[str, str] = {
    "reasoning": "reasoning",
    "tool_call": "functions",
    "structured_output": "structured_output",
}


def _capabilities(model: Mapping[str, JSON], inputs: tuple[str, ...], outputs: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """(capabilities that are true, capabilities models.dev states at all, true or false)."""
    true: set[str] = set()
    stated: set[str] = set()
    for flag, cap in _FLAG_CAPABILITIES.items():
        value = model.get(flag)
        if isinstance(value, bool):
            stated.add(cap)
            if value:
                true.add(cap)
    if inputs:
        stated.update({"vision", "audio_in"})
        if "image" in inputs:
            true.add("vision")
        if "audio" in inputs:
            true.add("audio_in")
    if outputs:
        stated.update({"audio_out", "image_generation"})
        if "audio" in outputs:
            true.add("audio_out")
        if "image" in outputs:
            true.add("image_generation")
    return frozenset(true), frozenset(stated)


def parse_entry(provider: str, model_id: str, model: Mapping[str, JSON]) -> ModelsDevEntry | None:
    """One model of one provider, or None when its id is not a usable id."""
    mid = _text(model_id, MAX_ID)
    if mid is None:
        return None
    modalities = model.get("modalities")
    inputs = _modalities(modalities.get("input")) if isinstance(modalities, dict) else ()
    outputs = _modalities(modalities.get("output")) if isinstance(modalities, dict) else ()
    caps, stated = _capabilities(model, inputs, outputs)
    limit = as_object(model.get("limit"))
    open_weights = model.get("open_weights")
    return ModelsDevEntry(
        provider=provider,
        model_id=mid,
        name=_text(model.get("name"), MAX_NAME),
        family=_text(model.get("family"), 64),
        knowledge_cutoff=_month_or_day(model.get("knowledge")),
        released_at=_day(model.get("release_date")),
        last_updated=_day(model.get("last_updated")),
        open_weights=open_weights if isinstance(open_weights, bool) else None,
        context_length=_limit(limit.get("context")),
        max_output_tokens=_limit(limit.get("output")),
        input_modalities=inputs,
        output_modalities=outputs,
        capabilities=caps,
        stated_capabilities=stated,
        deprecated=model.get("status") == "deprecated",
        price=_price(model.get("cost")),
    )


def parse_modelsdev(data: JSON, providers: Mapping[str, str] | None = None) -> tuple[list[ModelsDevEntry], ModelsDevReport]:
    """Every usable provider-model in an `api.json`-shaped object; the rest counted as skipped.

    With `providers` (models.dev id -> our slug), only those providers are read and each entry
    carries our slug; without it, every provider under its models.dev id.
    """
    report = ModelsDevReport()
    entries: list[ModelsDevEntry] = []
    if not isinstance(data, dict):
        raise ValueError("models.dev data is not a JSON object of providers")
    for provider_id, provider in data.items():
        if providers is not None and provider_id not in providers:
            continue
        models = provider.get("models") if isinstance(provider, dict) else None
        if not isinstance(models, dict):
            report.skipped.append(f"{str(provider_id)[:64]}: not a provider object")
            continue
        report.providers += 1
        for model_id, model in models.items():
            if not isinstance(model, dict):
                report.skipped.append(f"{str(provider_id)[:64]}/{str(model_id)[:64]}: not a model object")
                continue
            slug = providers[provider_id] if providers is not None else str(provider_id)
            entry = parse_entry(slug, model_id, model)
            if entry is None:
                report.skipped.append(f"{str(provider_id)[:64]}/{str(model_id)[:64]}: unusable id")
                continue
            entries.append(entry)
    report.models = len(entries)
    return entries, report


# ------------------------------------------------------------------ the bundled copy

MODELSDEV_ORIGIN = (
    "github.com/anomalyco/models.dev (formerly sst/models.dev) providers/ and models/ TOML, "
    "built into api.json's shape by aisync_tui.pricing.modelsdev.build_api"
)


def write_bundled(checkout: Path, out: Path, *, revision: str, revision_date: str) -> SnapshotFeed:
    """Write `modelsdev.json.gz`, its licence and its `SNAPSHOT.json` entry into `out`."""
    import hashlib
    import json

    from .build_snapshot import gzip_bytes

    api = build_api(checkout)
    raw = json.dumps(api, sort_keys=True, separators=(",", ":")).encode()
    out.mkdir(parents=True, exist_ok=True)
    (out / "modelsdev.json.gz").write_bytes(gzip_bytes(raw))
    (out / "LICENSE-models.dev.txt").write_bytes((checkout / "LICENSE").read_bytes())
    snapshot = out / "SNAPSHOT.json"
    info: JSONOut = dict(as_object(decode(snapshot.read_text()))) if snapshot.exists() else {}
    entry: SnapshotFeed = {
        "file": "modelsdev.json.gz",
        "origin": MODELSDEV_ORIGIN,
        "revision": revision,
        "date": revision_date,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "models": parse_modelsdev(api)[1].models,
        "licence": "MIT (models.dev), see LICENSE-models.dev.txt",
    }
    info["models.dev"] = entry
    snapshot.write_text(json.dumps(info, indent=2) + "\n")
    return entry


def main(argv: list[str] | None = None) -> int:
    """`python -m aisync_tui.pricing.modelsdev CHECKOUT --revision SHA --date YYYY-MM-DD`."""
    import argparse
    import json

    from .build_snapshot import DATA_DIR

    parser = argparse.ArgumentParser(prog="python -m aisync_tui.pricing.modelsdev",
                                     description="Bundle models.dev (a checkout of its repository) into the price snapshot.")
    parser.add_argument("checkout", type=Path, help="folder holding models.dev's providers/, models/ and LICENSE")
    parser.add_argument("--revision", required=True, help="the checkout's commit")
    parser.add_argument("--date", required=True, help="the commit's date, YYYY-MM-DD")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output folder (default: the package's pricing/data)")
    args = parser.parse_args(argv)
    print(json.dumps(write_bundled(args.checkout, args.out, revision=args.revision, revision_date=args.date), indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
