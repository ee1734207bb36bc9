"""Every provider spec is complete: its adapter imports and is the adapter for its kind, a recorded
model-list body for it is in tests/fixtures/ and parses into its models, its feed names and
model-name pattern belong to it alone, and every table derived from the specs agrees with them."""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from aisync_tui import provider_spec
from aisync_tui.config import KNOWN_PROVIDERS, load_settings
from aisync_tui.domain import RemoteModel
from aisync_tui.pricing import feeds
from aisync_tui.provider_spec import SPECS, ProviderSpec
from aisync_tui.providers.base import ProviderAdapter
from aisync_tui.providers.registry import ADAPTERS, adapter_class
from aisync_tui.usage.records import infer_provider
from tests.unit.provider_helpers import make

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

#: Providers whose only body is a documentation example (tests/fixtures/examples/SLUG.json): no
#: captured response of theirs is public yet. A new provider needs a real one, `SLUG__SOURCE.json`.
EXAMPLE_ONLY = {"xai", "together", "ollama", "deepinfra", "fireworks", "vertex"}

SLUGS = [spec.slug for spec in SPECS]


def _captured(slug: str) -> list[Path]:
    return sorted(FIXTURES.glob(f"{slug}__*.json"))


def _bodies(slug: str) -> list[Path]:
    example = FIXTURES / "examples" / f"{slug}.json"
    return _captured(slug) + ([example] if example.is_file() else [])


@pytest.mark.parametrize("slug", SLUGS)
def test_every_provider_has_an_importable_adapter_of_its_own_kind(slug: str) -> None:
    spec = KNOWN_PROVIDERS[slug]
    module_name, _, cls_name = spec.adapter.partition(":")
    module = importlib.import_module(f"aisync_tui.providers.{module_name}")
    cls = getattr(module, cls_name)
    assert issubclass(cls, ProviderAdapter)
    assert cls.kind == spec.kind
    assert adapter_class(spec.kind) is cls


@pytest.mark.parametrize("slug", SLUGS)
def test_every_provider_has_a_recorded_model_list_its_adapter_parses(slug: str) -> None:
    if slug in EXAMPLE_ONLY:
        assert not _captured(slug), f"{slug} has a captured body now: remove it from EXAMPLE_ONLY"
    else:
        assert _captured(slug), f"no tests/fixtures/{slug}__<source>.json (a real model-list response, with provenance)"
    bodies = _bodies(slug)
    assert bodies
    for path in bodies:
        models = make(slug).parse(json.loads(path.read_text()))
        assert models, f"{path.name} parsed into no models"
        assert all(isinstance(m, RemoteModel) and m.provider == slug and m.model_id for m in models), path.name


@pytest.mark.parametrize("slug", SLUGS)
def test_every_provider_has_its_defaults(slug: str) -> None:
    spec = KNOWN_PROVIDERS[slug]
    assert re.fullmatch(r"[a-z][a-z0-9_-]*", spec.slug)
    assert spec.name.strip()
    assert spec.key_envs or not spec.needs_key, "a provider that needs a key names the variables it reads"
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", env) for env in (*spec.key_envs, *spec.other_envs))
    assert spec.base_url.startswith("https://") or (not spec.needs_key and spec.base_url.startswith("http://localhost"))
    settings = load_settings(environ={}).providers[slug]
    assert (settings.name, settings.kind, settings.base_url, settings.api_key_env) == (spec.name, spec.kind, spec.base_url, spec.key_envs)
    assert settings.needs_key is spec.needs_key and settings.opt_in is spec.opt_in


def test_a_feed_name_belongs_to_one_provider() -> None:
    litellm = [name.rstrip("*") for spec in SPECS for name in spec.litellm_names]
    genai = [name for spec in SPECS for name in spec.genai_names]
    assert len(litellm) == len(set(litellm))
    assert len(genai) == len(set(genai))
    # A catalog-only genai-prices id must not point at a LiteLLM name a spec has claimed: that
    # spec must then claim the genai-prices id too, or its prices land on a provider that is gone.
    claimed_genai = set(genai)
    for genai_id, targets in feeds.CATALOG_ONLY_GENAI.items():
        if genai_id not in claimed_genai:
            assert not set(targets) & set(litellm), f"genai-prices {genai_id!r}: add it to the spec's genai_names"


def test_feed_prices_land_on_the_provider_the_specs_name() -> None:
    for spec in SPECS:
        for rank, name in enumerate(spec.litellm_names):
            if name.endswith("*"):
                assert feeds.litellm_slug(name[:-1] + "some-family") == spec.slug
                continue
            assert feeds.litellm_slug(name) == spec.slug
            assert feeds.LITELLM_PREFERENCE.get(name, 0) == rank
        for name in spec.genai_names:
            assert spec.slug in feeds.GENAI_PROVIDERS[name]


def test_usage_names_each_providers_own_models_after_it() -> None:
    for spec in SPECS:
        assert infer_provider(f"{spec.slug}/some-model") == (spec.slug, "some-model")
        for prefix in spec.usage_prefixes:
            assert infer_provider(f"{prefix}/some-model") == (spec.slug, "some-model")
        if spec.usage_pattern is None:
            continue
        pattern = re.compile(f"^{spec.usage_pattern}")
        # The pattern's own alternatives, as model ids: each must be attributed to this provider.
        for prefix in re.sub(r"[()^]", "", spec.usage_pattern).split("|"):
            model = prefix + "x-1"
            assert pattern.match(model)
            assert infer_provider(model) == (spec.slug, model), model


def test_the_registry_holds_every_spec_and_the_custom_kinds() -> None:
    assert list(KNOWN_PROVIDERS) == [spec.slug for spec in SPECS]
    assert set(ADAPTERS) == {spec.kind for spec in SPECS} | set(provider_spec.CUSTOM_KIND_ADAPTERS)
    assert all(isinstance(spec, ProviderSpec) for spec in KNOWN_PROVIDERS.values())


def test_an_opt_in_provider_is_synced_only_when_its_table_says_so_even_with_a_key() -> None:
    base = load_settings(environ={}).providers["openai"]
    keyed = replace(base, api_key="sk-test-opt-in-0123456789", opt_in=True)
    assert keyed.is_configured(environ={}) is False
    assert replace(keyed, explicit=True).is_configured(environ={}) is True
    assert replace(keyed, opt_in=False).is_configured(environ={}) is True
