"""`aisync providers [--format table|json]`: every known provider and every custom one from the
config, whether it is configured, where its key comes from (the variable's name, never the
value), its base URL, whether it is enabled and when it was last synced.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..jsonvalue import JSONOut

if TYPE_CHECKING:
    from ..config import ProviderSettings
    from ..store.queries import ProviderRow
    from ._base import Context, Subparsers


def register(sub: Subparsers) -> None:
    from ._base import add_common

    p = sub.add_parser(
        "providers",
        help="list the providers: configured or not, key variable, base URL, last sync",
        description="Every provider aisync knows plus the custom ones in the config: whether it is configured, "
        "which environment variable it reads the key from (and whether it is set; never the value), "
        "its base URL, whether it is enabled, and its last sync.",
    )
    add_common(p)
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    p.set_defaults(handler=run_providers)


@dataclass(frozen=True, slots=True)
class KeyStatus:
    """Where a provider's key comes from, without the key."""

    set: bool
    source: str | None
    """The variable's name or "config file"; None when no key is set."""
    env: list[str]
    """The variables the key is read from, in order."""


def key_status(settings: ProviderSettings) -> KeyStatus:
    key, source = settings.resolve_key()
    return KeyStatus(set=key is not None, source=source, env=list(settings.api_key_env))


def key_text(p: ProviderSettings, status: KeyStatus) -> str:
    from ..providers.clouds import credential_source

    cloud = credential_source(p)
    if cloud is not None:
        return cloud
    envs = " or ".join(f"${e}" for e in status.env) or "-"
    if status.set:
        return f"{status.source} (set)"
    if not p.needs_key:
        return f"optional: {envs} (not set)"
    return f"{envs} (not set)"


def is_configured(p: ProviderSettings, status: KeyStatus) -> bool:
    """What the sync runner goes by: a key, or a keyless provider the user opted into with a
    [providers.NAME] table (Ollama and OpenRouter are not tried on every machine uninvited)."""
    return bool(p.is_configured())


def configured_text(p: ProviderSettings, status: KeyStatus) -> str:
    if status.set:
        return "yes"
    if not p.needs_key:
        return "yes (no key needed)" if p.explicit else f"opt-in: add [providers.{p.slug}]"
    return "no"


def _store_rows(ctx: Context) -> tuple[dict[str, ProviderRow], str | None]:
    """Provider rows from the store, or an explanation of why there are none."""
    from ..errors import StoreError

    try:
        ctx.store(create=False)
    except StoreError as exc:
        if "no database here yet" in exc.message:
            return {}, None
        return {}, exc.line()
    from ..store.queries import list_providers

    return {row.slug: row for row in list_providers()}, None


def run_providers(ctx: Context) -> int:
    from ..config import KNOWN_PROVIDERS
    from ..domain import utcnow
    from ..providers.clouds import credential_source, location
    from ..render.table import ascii_table
    from .sync_cmd import iso, when

    settings = ctx.settings
    rows, store_problem = _store_rows(ctx)
    if store_problem:
        ctx.warn(f"aisync: warning: last syncs not shown: {store_problem}")
    now = utcnow()
    entries = []
    for slug, p in settings.providers.items():
        status = key_status(p)
        row = rows.get(slug)
        entries.append((p, status, row))

    if ctx.args.format == "json":
        data: list[JSONOut] = []
        for p, status, row in entries:
            data.append(
                {
                    "provider": p.slug,
                    "name": p.name,
                    "kind": p.kind,
                    "custom": p.slug not in KNOWN_PROVIDERS,
                    "enabled": p.enabled,
                    "configured": is_configured(p, status),
                    "needs_key": p.needs_key,
                    "api_key_env": status.env,
                    "key_set": status.set,
                    "key_source": status.source,
                    "base_url": p.base_url,
                    "credentials": credential_source(p),
                    "location": location(p),
                    "publishes_prices": p.publishes_prices,
                    "last_synced_at": iso(row.last_synced_at) if row else None,
                    "last_status": row.last_status if row else None,
                    "last_error": row.last_error if row else None,
                    "models": row.model_count if row else 0,
                    "available_models": row.available_count if row else 0,
                }
            )
        ctx.print(json.dumps(data, indent=2))
        return 0

    table = []
    for p, status, row in entries:
        last = when(row.last_synced_at if row else None, now)
        if row is not None and row.last_status not in (None, "ok"):
            last += f"; last attempt {row.last_status}"
        table.append(
            [
                p.slug,
                p.name + ("" if p.slug in KNOWN_PROVIDERS else f" ({p.kind})"),
                configured_text(p, status),
                key_text(p, status),
                location(p) or p.base_url,
                "yes" if p.enabled else "no",
                last,
                f"{row.available_count:,}" if row else "-",
            ]
        )
    headers = ["Provider", "Name", "Configured", "API key", "Base URL", "Enabled", "Last sync", "Models"]
    ctx.print(ascii_table(headers, table, align_right=[7]))
    missing = [p.slug for p, status, _ in entries if not is_configured(p, status)]
    if missing:
        ctx.print("")
        ctx.print(f"Not configured: {', '.join(missing)}. Set the key variable shown, or api_key under [providers.NAME];")
        ctx.print("keyless providers (Ollama, OpenRouter) and the clouds (Bedrock, Azure, Vertex) sync once they have a")
        ctx.print("[providers.NAME] table or with --provider NAME.")
    ctx.print("Any OpenAI-compatible server: [providers.NAME] with kind = \"openai-compatible\" and base_url (see README, Providers).")
    return 0
