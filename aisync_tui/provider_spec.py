"""One record per provider: everything the program knows about a provider before any config.

Every other table keyed by provider is derived from `SPECS`: the defaults in `config`
(`KNOWN_PROVIDERS`), the adapter registry (`providers.registry.ADAPTERS`), the price feeds' name
maps (`pricing.feeds.LITELLM_PROVIDERS`, `GENAI_PROVIDERS`) and the model-name patterns that
attribute imported usage (`usage.records.infer_provider`). Adding a provider is one `ProviderSpec`
here, one adapter module under `providers/`, and one recorded model-list body under
`tests/fixtures/` (tests/unit/test_provider_spec.py checks all three for every spec).

A bottom-layer module: it imports nothing of ours, so `config` and `providers` may both import it,
and importing it costs nothing at start-up (the adapter is named as a string, imported on use).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """A provider's identity, defaults and the names other sources use for it."""

    slug: str
    """Our name: config table `[providers.SLUG]`, the store's provider column, CLI arguments."""
    name: str
    """Display name."""
    adapter: str
    """"module:Class" under `aisync_tui.providers`, imported only when a sync needs it."""
    base_url: str
    """Default API base URL (`base_url` in config overrides it)."""
    key_envs: tuple[str, ...]
    """Environment variables read for the API key, first set wins."""
    litellm_names: tuple[str, ...]
    """LiteLLM `litellm_provider` values that are this provider, preferred first: when two of them
    list the same model id, the earlier name's entry wins (Google AI Studio's own `gemini` rows
    over the Vertex copies). A name ending in `*` matches every value starting with the rest
    (`"vertex_ai-*"`); an exact name elsewhere wins over it. Empty: LiteLLM does not list it."""
    genai_names: tuple[str, ...]
    """genai-prices provider ids whose `match` rules apply to this provider. Empty: not listed."""
    modelsdev_id: str | None = None
    """The provider's id in models.dev's api.json, where it has one."""
    other_envs: tuple[str, ...] = ()
    """Other environment variables its credentials or settings come from (AWS_PROFILE, a cloud
    region): never shown with their values, and kept out of the tests' subprocesses."""
    config_options: tuple[str, ...] = ()
    """Extra string keys its `[providers.SLUG]` table may set (a cloud's region or project), kept
    in `ProviderSettings.options` for its adapter."""
    usage_prefixes: tuple[str, ...] = ()
    """Prefixes besides the slug that tools write before a model id for this provider
    ("vertex_ai/gemini-2.5-pro"), so imported usage is attributed to it."""
    usage_pattern: str | None = None
    """Regex matched at the start of a lower-cased model id that only this provider's own models
    have ("claude", "gpt-"), so imported usage logged without a provider is attributed. None for
    providers that resell other makers' models (their ids say nothing about where they ran)."""
    needs_key: bool = True
    """False for keyless providers (a local server, a public model list). A keyless provider is
    opt-in: `--sync-all` syncs it once it has a `[providers.SLUG]` table or a key, or is named."""
    opt_in: bool = False
    """Synced only with a `[providers.SLUG]` table or when named, even when a key variable is set
    (the clouds, whose credentials exist on many machines for other reasons)."""
    host_env: str | None = None
    """Environment variable that overrides the base URL (Ollama's OLLAMA_HOST)."""
    publishes_prices: bool = False
    """The provider's own model list carries prices."""

    @property
    def kind(self) -> str:
        """The adapter kind a `[providers.X]` table may name with `kind = ...`: the slug."""
        return self.slug


#: Every provider the program knows, in the order they are shown.
SPECS: tuple[ProviderSpec, ...] = (
    ProviderSpec(
        "openai",
        "OpenAI",
        "openai:OpenAIAdapter",
        "https://api.openai.com/v1",
        ("OPENAI_API_KEY",),
        litellm_names=("openai", "text-completion-openai"),
        genai_names=("openai",),
        modelsdev_id="openai",
        usage_pattern=r"(gpt-|chatgpt-|o1|o3|o4|text-embedding-|text-davinci|davinci|babbage|dall-e|whisper|tts-"
        r"|omni-moderation|codex-|computer-use)",
    ),
    ProviderSpec(
        "gemini",
        "Gemini",
        "gemini:GeminiAdapter",
        "https://generativelanguage.googleapis.com/v1beta",
        ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
        litellm_names=("gemini", "vertex_ai-language-models"),
        genai_names=("google",),
        modelsdev_id="google",
        usage_pattern=r"(gemini-|gemma-|learnlm-|imagen-|veo-)",
    ),
    ProviderSpec(
        "xai",
        "xAI",
        "xai:XAIAdapter",
        "https://api.x.ai/v1",
        ("XAI_API_KEY",),
        litellm_names=("xai",),
        genai_names=("x-ai",),
        modelsdev_id="xai",
        usage_pattern=r"grok",
        publishes_prices=True,
    ),
    ProviderSpec(
        "anthropic",
        "Anthropic",
        "anthropic:AnthropicAdapter",
        "https://api.anthropic.com/v1",
        ("ANTHROPIC_API_KEY",),
        litellm_names=("anthropic",),
        genai_names=("anthropic",),
        modelsdev_id="anthropic",
        usage_pattern=r"claude",
    ),
    ProviderSpec(
        "openrouter",
        "OpenRouter",
        "openrouter:OpenRouterAdapter",
        "https://openrouter.ai/api/v1",
        ("OPENROUTER_API_KEY",),
        litellm_names=("openrouter",),
        genai_names=("openrouter",),
        modelsdev_id="openrouter",
        needs_key=False,
        publishes_prices=True,
    ),
    ProviderSpec(
        "mistral",
        "Mistral",
        "mistral:MistralAdapter",
        "https://api.mistral.ai/v1",
        ("MISTRAL_API_KEY",),
        litellm_names=("mistral",),
        genai_names=("mistral",),
        modelsdev_id="mistral",
        usage_pattern=r"(mistral-|mixtral-|codestral|ministral|pixtral|open-mistral|open-mixtral|magistral|devstral|voxtral)",
    ),
    ProviderSpec(
        "groq",
        "Groq",
        "groq:GroqAdapter",
        "https://api.groq.com/openai/v1",
        ("GROQ_API_KEY",),
        litellm_names=("groq",),
        genai_names=("groq",),
        modelsdev_id="groq",
    ),
    ProviderSpec(
        "deepseek",
        "DeepSeek",
        "deepseek:DeepSeekAdapter",
        "https://api.deepseek.com",
        ("DEEPSEEK_API_KEY",),
        litellm_names=("deepseek",),
        genai_names=("deepseek",),
        modelsdev_id="deepseek",
        usage_pattern=r"deepseek-",
    ),
    ProviderSpec(
        "together",
        "Together",
        "together:TogetherAdapter",
        "https://api.together.xyz/v1",
        ("TOGETHER_API_KEY", "TOGETHER_AI_API_KEY"),
        litellm_names=("together_ai",),
        genai_names=("together",),
        modelsdev_id="togetherai",
        publishes_prices=True,
    ),
    ProviderSpec(
        "ollama",
        "Ollama",
        "ollama:OllamaAdapter",
        "http://localhost:11434",
        ("OLLAMA_API_KEY",),
        litellm_names=("ollama",),
        genai_names=(),
        needs_key=False,
        host_env="OLLAMA_HOST",
    ),
    ProviderSpec(
        "cerebras",
        "Cerebras",
        "cerebras:CerebrasAdapter",
        "https://api.cerebras.ai/v1",
        ("CEREBRAS_API_KEY",),
        litellm_names=("cerebras",),
        genai_names=("cerebras",),
        modelsdev_id="cerebras",
    ),
    ProviderSpec(
        "deepinfra",
        "DeepInfra",
        "deepinfra:DeepInfraAdapter",
        "https://api.deepinfra.com/v1/openai",
        ("DEEPINFRA_API_KEY", "DEEPINFRA_TOKEN"),
        litellm_names=("deepinfra",),
        genai_names=(),
        modelsdev_id="deepinfra",
        publishes_prices=True,
    ),
    ProviderSpec(
        "fireworks",
        "Fireworks",
        "fireworks:FireworksAdapter",
        "https://api.fireworks.ai/inference/v1",
        ("FIREWORKS_API_KEY",),
        litellm_names=("fireworks_ai", "fireworks_ai-embedding-models"),
        genai_names=("fireworks",),
        modelsdev_id="fireworks-ai",
    ),
    ProviderSpec(
        "cohere",
        "Cohere",
        "cohere:CohereAdapter",
        "https://api.cohere.com/v1",
        ("CO_API_KEY", "COHERE_API_KEY"),
        litellm_names=("cohere", "cohere_chat"),
        genai_names=("cohere",),
        modelsdev_id="cohere",
    ),
    ProviderSpec(
        "huggingface",
        "Hugging Face",
        "huggingface:HuggingFaceAdapter",
        "https://router.huggingface.co/v1",
        ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"),
        litellm_names=(),
        genai_names=(),
        modelsdev_id="huggingface",
        publishes_prices=True,
    ),
    ProviderSpec(
        "bedrock",
        "AWS Bedrock",
        "bedrock:BedrockAdapter",
        "https://bedrock.{region}.amazonaws.com",
        (),
        litellm_names=("bedrock_converse", "bedrock"),
        genai_names=("aws",),
        modelsdev_id="amazon-bedrock",
        other_envs=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
                    "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"),
        config_options=("region", "profile"),
        needs_key=False,
        opt_in=True,
    ),
    ProviderSpec(
        "vertex",
        "Vertex AI",
        "vertex:VertexAdapter",
        "https://{location}-aiplatform.googleapis.com",
        (),
        litellm_names=("vertex_ai", "vertex_ai-*"),
        genai_names=(),
        modelsdev_id="google-vertex",
        other_envs=("GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT"),
        config_options=("project", "location"),
        usage_prefixes=("vertex_ai",),
        needs_key=False,
        opt_in=True,
    ),
    ProviderSpec(
        "azure",
        "Azure OpenAI",
        "azure:AzureAdapter",
        "https://{resource}.openai.azure.com",
        ("AZURE_OPENAI_API_KEY",),
        litellm_names=("azure",),
        genai_names=("azure",),
        modelsdev_id="azure",
        other_envs=("AZURE_OPENAI_ENDPOINT", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET"),
        config_options=("api_version",),
        needs_key=False,
        opt_in=True,
    ),
)

#: slug -> spec, in `SPECS` order.
BY_SLUG: dict[str, ProviderSpec] = {spec.slug: spec for spec in SPECS}

#: Kinds a `[providers.NAME]` table may name for an endpoint that is not one of `SPECS`, with their
#: adapter ("module:Class" under `aisync_tui.providers`).
CUSTOM_KIND_ADAPTERS: dict[str, str] = {"openai-compatible": "compatible:CompatibleAdapter"}


def adapter_paths() -> dict[str, str]:
    """kind -> "module:Class" for every spec and custom kind."""
    return {**{spec.kind: spec.adapter for spec in SPECS}, **CUSTOM_KIND_ADAPTERS}


def litellm_names() -> dict[str, tuple[str, int]]:
    """LiteLLM provider value (or `prefix*`) -> (our slug, preference rank: 0 is preferred)."""
    return {name: (spec.slug, rank) for spec in SPECS for rank, name in enumerate(spec.litellm_names)}


def modelsdev_names() -> dict[str, str]:
    """models.dev provider id -> our slug."""
    return {spec.modelsdev_id: spec.slug for spec in SPECS if spec.modelsdev_id}


def genai_names() -> dict[str, tuple[str, ...]]:
    """genai-prices provider id -> the slugs its rules apply to."""
    out: dict[str, tuple[str, ...]] = {}
    for spec in SPECS:
        for name in spec.genai_names:
            out[name] = (*out.get(name, ()), spec.slug)
    return out


def usage_prefixes() -> dict[str, str]:
    """A prefix tools write before a model id (lower case) -> our slug: every slug, and each
    spec's `usage_prefixes`."""
    return {**{spec.slug: spec.slug for spec in SPECS}, **{p.lower(): spec.slug for spec in SPECS for p in spec.usage_prefixes}}


def secret_envs() -> tuple[str, ...]:
    """Every environment variable a spec reads a key, credentials or a host from."""
    names = (env for spec in SPECS for env in (*spec.key_envs, *spec.other_envs, *((spec.host_env,) if spec.host_env else ())))
    return tuple(dict.fromkeys(names))


def usage_patterns() -> tuple[tuple[str, str], ...]:
    """(model-id regex, slug) for every spec that has a pattern, in `SPECS` order."""
    return tuple((f"^{spec.usage_pattern}", spec.slug) for spec in SPECS if spec.usage_pattern)
