"""What the cloud providers (Bedrock, Azure OpenAI, Vertex AI) share, without importing their
SDKs: the one-line "install the extra" error, where their credentials come from (for
`aisync providers`, never the secret itself), and the price-feed ids that price a cloud model.
"""

from __future__ import annotations

import os
from typing import Mapping

from ..config import ProviderSettings
from ..errors import NotConfigured

#: kind -> (extra, what it installs)
EXTRAS: dict[str, tuple[str, str]] = {
    "bedrock": ("aws", "botocore"),
    "azure": ("azure", "azure-identity"),
    "vertex": ("gcp", "google-auth"),
}


def missing_extra(settings: ProviderSettings) -> NotConfigured:
    extra, package = EXTRAS[settings.kind]
    return NotConfigured(settings.slug, f"{package} is not installed", hint=f"install aisync-tui[{extra}]")


def aws_region(settings: ProviderSettings, environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    return settings.options.get("region") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None


def credential_source(settings: ProviderSettings, environ: Mapping[str, str] | None = None) -> str | None:
    """Where a cloud provider's credentials come from, in words; None for the other kinds."""
    env = os.environ if environ is None else environ
    if settings.kind == "bedrock":
        if env.get("AWS_ACCESS_KEY_ID"):
            return "$AWS_ACCESS_KEY_ID"
        profile = settings.options.get("profile") or env.get("AWS_PROFILE")
        return f"AWS profile {profile!r}" if profile else "AWS credential chain (default profile, SSO, instance role)"
    if settings.kind == "azure":
        key, source = settings.resolve_key(env)
        return source if key else "Entra ID (azure-identity: az login, managed identity)"
    if settings.kind == "vertex":
        if env.get("GOOGLE_APPLICATION_CREDENTIALS"):
            return "$GOOGLE_APPLICATION_CREDENTIALS"
        return "Application Default Credentials (gcloud auth application-default login)"
    return None


def location(settings: ProviderSettings, environ: Mapping[str, str] | None = None) -> str | None:
    """Region / project / endpoint of a cloud provider, for display; None for the other kinds."""
    if settings.kind == "bedrock":
        region = aws_region(settings, environ)
        return f"region {region}" if region else "region not set"
    if settings.kind == "azure":
        return endpoint_of(settings, environ) or "endpoint not set"
    if settings.kind == "vertex":
        project = settings.options.get("project") or "project not set"
        return f"{project}, {settings.options.get('location') or 'us-central1'}"
    return None


def endpoint_of(settings: ProviderSettings, environ: Mapping[str, str] | None = None) -> str | None:
    """Azure's resource endpoint: base_url when the config sets it, else $AZURE_OPENAI_ENDPOINT."""
    env = os.environ if environ is None else environ
    if "{" not in settings.base_url:
        return settings.base_url
    value = env.get("AZURE_OPENAI_ENDPOINT", "").strip().rstrip("/")
    return value or None


def bedrock_feed_ids(model_id: str, region: str | None) -> list[str]:
    """The feed ids that may price a Bedrock model, best first: the region's own row
    (`us-gov-west-1/anthropic.claude-...`), the id itself, and for a cross-region inference
    profile (`us.anthropic.claude-...`, `global.`, `eu.`, `apac.`, `jp.` ...) the model it routes
    to, which AWS bills at the source region's on-demand price."""
    ids = []
    if region:
        ids.append(f"{region}/{model_id}")
    ids.append(model_id)
    head, dot, rest = model_id.partition(".")
    if dot and rest.count(".") >= 1 and len(head) <= 6 and head.isalpha() and head.islower():
        if region:
            ids.append(f"{region}/{rest}")
        ids.append(rest)
    return ids
