"""Settings and paths. Reads the config file and the environment; does no other I/O.

Precedence, highest first: command-line options, environment variables, the config file,
the defaults below. Every key is documented in `config.example.toml`.
"""

from __future__ import annotations

import ipaddress
import os
import stat
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Mapping, TypeAlias, TypeVar
from urllib.parse import urlsplit

from .errors import ConfigError, register_secret
from .provider_spec import BY_SLUG, CUSTOM_KIND_ADAPTERS, ProviderSpec

APP_NAME = "aisync-tui"

#: A value of a parsed TOML file: JSON's kinds (but no null) and TOML's dates and times. What the
#: user wrote, so its shape is checked against the settings' schema before it is used.
TOMLValue: TypeAlias = bool | int | float | str | datetime | date | time | list["TOMLValue"] | dict[str, "TOMLValue"]
#: A parsed TOML table.
TOMLTable: TypeAlias = dict[str, TOMLValue]

_T = TypeVar("_T")


#: Every provider the program knows, in the order they are shown (one record each: provider_spec.py).
KNOWN_PROVIDERS: dict[str, ProviderSpec] = BY_SLUG

#: Kinds a `[providers.NAME]` table may name with `kind = ...` for a provider not in the list above.
CUSTOM_KINDS: tuple[str, ...] = tuple(CUSTOM_KIND_ADAPTERS)

DEFAULT_FEED_URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
DEFAULT_GENAI_PRICES_URL = "https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/new_data/v2/data.json"
DEFAULT_MODELSDEV_URL = "https://models.dev/api.json"


@dataclass(frozen=True, slots=True)
class ModelSyncSettings:
    enabled: bool = True
    """Master switch for model syncs (`AISYNC_MODEL_SYNC_ENABLED=false` turns it off)."""
    timeout: float = 30.0
    """Seconds for one HTTP request, connect to last byte."""
    retry_attempts: int = 3
    """Attempts per request on retryable failures (1 = no retry)."""
    batch_size: int = 50
    """Models written per batch; cancellation is checked between batches."""
    cache_ttl: int = 3600
    """A provider synced successfully within this many seconds is skipped unless --force."""
    frequency: str = "hourly"
    """hourly, daily, weekly or a cron expression: what `aisync schedule show` prints."""
    max_retry_wait: float = 60.0
    """Cap in seconds on one wait asked for by retry-after / retryDelay."""
    max_response_mb: float = 64.0
    """Responses larger than this are refused as a bad response."""
    concurrency: int = 8
    """Providers fetched at the same time."""


@dataclass(frozen=True, slots=True)
class PricingSettings:
    feed_url: str = DEFAULT_FEED_URL
    """LiteLLM-format price feed: URL or local file path."""
    genai_prices_url: str = DEFAULT_GENAI_PRICES_URL
    """genai-prices v2 data (dated price periods): URL or local file path."""
    modelsdev_url: str = DEFAULT_MODELSDEV_URL
    """models.dev `api.json` (dates, open weights, capabilities, limits): URL or local file path."""
    per: str = "1m"
    """Unit prices are shown in: `1m` (per million tokens) or `1k`."""
    cache_ttl: int = 86400
    """A pricing sync within this many seconds is skipped unless --force."""
    remote: bool = True
    """Fetch the remote feeds on sync-pricing; false = bundled snapshot only (like --offline)."""


@dataclass(frozen=True, slots=True)
class UiSettings:
    theme: str = "textual-dark"
    """Any Textual theme name."""
    keymap: Mapping[str, str] = field(default_factory=dict)
    """Binding id -> keys, e.g. {"sync.all" = "ctrl+s"}."""
    columns: tuple[str, ...] = ()
    """The optional columns the app's model table shows from the start (UI_COLUMNS)."""


#: The optional columns of the app's model table, by the names `models list --columns` uses.
UI_COLUMNS: tuple[str, ...] = ("released", "cutoff", "open_weights")


@dataclass(frozen=True, slots=True)
class LogSettings:
    file: str | None = None
    """Log file path; default aisync.log in the user log dir."""
    max_bytes: int = 1_000_000
    """Rotate the log file past this size."""
    backups: int = 5
    """Rotated log files kept."""


#: What a notification can be about, all on by default.
NOTIFY_EVENTS: tuple[str, ...] = ("price", "new", "missing", "deprecation", "failure")


@dataclass(frozen=True, slots=True)
class NotifySettings:
    urls: tuple[str, ...] = field(default=(), repr=False)
    """Apprise URLs (Slack, Discord, e-mail, ntfy, json:// webhooks, ...). They often hold tokens:
    never shown, logged or stored."""
    events: tuple[str, ...] = NOTIFY_EVENTS
    """Which changes are news: price, new, missing, deprecation, failure."""
    watch: tuple[str, ...] = ()
    """"provider/model-id" entries that are news even if not listed for you nor used lately."""
    deprecation_days: int = 30
    """A used model whose deprecation date is this close is news (once)."""
    fail_after: int = 3
    """A provider that failed this many runs in a row is news (once per streak)."""
    timeout: float = 10.0
    """Seconds sending may take in all; past that the run goes on without it."""


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    slug: str
    name: str
    kind: str
    enabled: bool
    api_key_env: tuple[str, ...]
    base_url: str
    timeout: float | None = None
    api_key: str | None = field(default=None, repr=False)
    allow_http: bool = False
    needs_key: bool = True
    publishes_prices: bool = False
    explicit: bool = False
    """True when the config file has a table for this provider."""
    opt_in: bool = False
    options: Mapping[str, str] = field(default_factory=dict)
    """A cloud's own settings (the spec's `config_options`): Bedrock's region and profile,
    Azure's api_version, Vertex's project and location."""

    def resolve_key(self, environ: Mapping[str, str] | None = None) -> tuple[str | None, str | None]:
        """(key, where it came from). The source names a variable or 'config file', never the value."""
        env = os.environ if environ is None else environ
        for name in self.api_key_env:
            value = env.get(name, "").strip()
            if value:
                register_secret(value)
                return value, f"${name}"
        if self.api_key:
            register_secret(self.api_key)
            return self.api_key, "config file"
        return None, None

    def is_configured(self, environ: Mapping[str, str] | None = None) -> bool:
        """Synced without being named: it has a key, or it is keyless (Ollama, OpenRouter) and the
        user opted in with a [providers.NAME] table. Keyless providers are not tried uninvited on
        every machine, where there may be no local server or no network. An opt-in provider
        (a cloud) needs its table even with a key set."""
        if self.opt_in and not self.explicit:
            return False
        if self.resolve_key(environ)[0] is not None:
            return True
        return not self.needs_key and self.explicit


@dataclass(frozen=True, slots=True)
class Settings:
    config_path: Path
    config_exists: bool
    database: str
    model_sync: ModelSyncSettings
    pricing: PricingSettings
    ui: UiSettings
    log: LogSettings
    providers: Mapping[str, ProviderSettings]
    raw: Mapping[str, TOMLValue] = field(default_factory=dict, repr=False)
    warnings: tuple[str, ...] = ()
    notify: NotifySettings = field(default_factory=NotifySettings)

    def provider(self, slug: str) -> ProviderSettings:
        try:
            return self.providers[slug]
        except KeyError:
            valid = ", ".join(self.providers)
            raise ConfigError(f"Unknown provider {slug!r}; known providers: {valid}", hint="use one of the listed names") from None

    @property
    def log_file(self) -> Path:
        return Path(self.log.file).expanduser() if self.log.file else log_dir() / "aisync.log"


# ----------------------------------------------------------------------------- paths


def config_dir() -> Path:
    import platformdirs

    return platformdirs.user_config_path(APP_NAME)


def data_dir() -> Path:
    import platformdirs

    return platformdirs.user_data_path(APP_NAME)


def log_dir() -> Path:
    import platformdirs

    return platformdirs.user_log_path(APP_NAME)


def default_config_path() -> Path:
    return config_dir() / "config.toml"


def default_database() -> str:
    return str(data_dir() / "aisync.db")


# ----------------------------------------------------------------------------- schema

_TOP_KEYS = {"database", "model_sync", "pricing", "ui", "log", "providers", "notify"}
_PROVIDER_KEYS = {"enabled", "api_key_env", "api_key", "base_url", "timeout", "kind", "name", "allow_http"}
#: Extra string keys a provider table of these kinds may set (kept in ProviderSettings.options).
CLOUD_OPTIONS: dict[str, tuple[str, ...]] = {spec.kind: spec.config_options for spec in BY_SLUG.values() if spec.config_options}


def _section_schema(cls: type) -> dict[str, type | tuple[type, ...]]:
    """Allowed keys of a settings section and their TOML types, read from the dataclass defaults."""
    out: dict[str, type | tuple[type, ...]] = {}
    for f in fields(cls):
        default = f.default
        if default is MISSING:  # default_factory: the keymap table
            out[f.name] = dict
        elif isinstance(default, tuple):
            out[f.name] = list
        elif isinstance(default, bool):
            out[f.name] = bool
        elif isinstance(default, float):
            out[f.name] = (int, float)
        elif isinstance(default, int):
            out[f.name] = int
        else:
            out[f.name] = str
    return out


def _type_name(expected: type | tuple[type, ...]) -> str:
    names = {bool: "true/false", int: "an integer", float: "a number", str: "a string", dict: "a table", list: "a list of strings"}
    if isinstance(expected, tuple):
        return "a number"
    return names.get(expected, expected.__name__)


def _wrong_type(path: Path, where: str, value: object, expected: type | tuple[type, ...]) -> ConfigError:
    return ConfigError(
        f"{path}: {where} must be {_type_name(expected)}, not {type(value).__name__} {value!r}",
        hint="fix the value in the config file",
    )


def _check_type(path: Path, where: str, value: object, expected: type | tuple[type, ...]) -> None:
    ok = isinstance(value, expected) and not (expected in (int, (int, float)) and isinstance(value, bool))
    if not ok:
        raise _wrong_type(path, where, value, expected)


def _table(path: Path, where: str, value: object) -> TOMLTable:
    """`value` when it is a TOML table, else the ConfigError naming `where`."""
    if not isinstance(value, dict):
        raise _wrong_type(path, where, value, dict)
    return value


def _checked(table: Mapping[str, TOMLValue], key: str, kind: type[_T]) -> _T | None:
    """`table[key]` once the schema check has made sure it is a `kind`; None when absent."""
    value = table.get(key)
    return value if isinstance(value, kind) else None


def _unknown(path: Path, where: str, key: str, valid: set[str] | list[str]) -> ConfigError:
    return ConfigError(
        f"{path}: unknown key {where}{key!r}; valid keys: {', '.join(sorted(valid))}",
        hint="remove or rename it",
    )


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, *, allow_http: bool, where: str) -> str:
    """Return the URL without a trailing slash, or raise: https, or http only for loopback/allowed."""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        # Credentials in the URL would be printed with it and sent as Basic auth instead of the key.
        shown = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[1]}{parts.path}"
        raise ConfigError(
            f"{where}: base_url {shown!r} holds a user name or password (user:password@); aisync does not send or print those",
            hint="remove them from base_url and put the key in api_key or api_key_env",
        )
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{where}: base_url {url!r} is not an http(s) URL", hint="write it like https://api.example.com/v1")
    if parts.query or parts.fragment or url.rstrip().endswith(("?", "#")):
        shown = f"{parts.scheme}://{parts.netloc}{parts.path}"
        raise ConfigError(
            f"{where}: base_url {shown + '?...'!r} has a query string or fragment; endpoint paths are added after base_url",
            hint="remove the ?... part; keys go in api_key or api_key_env, never in the URL",
        )
    if parts.scheme == "http" and not (allow_http or is_loopback_host(parts.hostname)):
        raise ConfigError(
            f"{where}: base_url {url!r} uses plain http to a non-loopback host",
            hint="use https, or set allow_http = true for this provider if you really mean it",
        )
    return url.rstrip("/")


# ----------------------------------------------------------------------------- loading


def _read_toml(path: Path) -> TOMLTable:
    import tomllib

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found", hint="create it from config.example.toml or drop --config") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    try:
        parsed: TOMLTable = tomllib.loads(data.decode("utf-8"))
        return parsed
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config file is not UTF-8 text", hint="save it as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}", hint="fix the syntax at that line and column") from None


def _build_section(path: Path, name: str, section: TOMLValue | None, cls: type[_T]) -> _T:
    if section is None:
        return cls()
    data = _table(path, f"[{name}]", section)
    schema = _section_schema(cls)
    for key, value in data.items():
        if key not in schema:
            raise _unknown(path, f"in [{name}] ", key, set(schema))
        _check_type(path, f"{name}.{key}", value, schema[key])
    kwargs: dict[str, object] = dict(data)
    keymap = kwargs.get("keymap")
    if isinstance(keymap, dict):  # a table, checked above
        for k, v in keymap.items():
            _check_type(path, f"{name}.keymap.{k}", v, str)
    columns = data.get("columns")
    if isinstance(columns, list):  # a list, checked above
        kwargs["columns"] = _ui_columns(path, f"{name}.columns", columns)
    for key in ("timeout", "max_retry_wait", "max_response_mb"):
        number = data.get(key)
        if isinstance(number, (int, float)):  # a number, checked above
            kwargs[key] = _as_float(path, f"{name}.{key}", number)
    # Every key is a field of `cls` with a value of its type (the schema check above).
    return cls(**kwargs)


def _ui_columns(path: Path, where: str, value: list[TOMLValue]) -> tuple[str, ...]:
    names = _string_list(path, where, value)
    unknown = [n for n in names if n not in UI_COLUMNS]
    if unknown:
        raise ConfigError(f"{path}: {where}: {unknown[0]!r} is not a column the app can add",
                          hint=f"use any of {', '.join(UI_COLUMNS)}")
    return tuple(dict.fromkeys(names))


def _as_float(path: Path, name: str, value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:
        raise ConfigError(f"{path}: {name} = {value!r} is out of range", hint="use a smaller number") from None


def _string_list(path: Path, where: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {where} must be a list of strings", hint='write it like ["a", "b"]')
    return tuple(value)


def _token_like(text: str) -> bool:
    """A URL part that reads like a credential rather than a word: long, with a digit or mixed
    case. Plain words ("services", "webhook") are left alone, so masking them does not garble
    unrelated output; the whole URL is masked regardless."""
    if len(text) < 8:
        return False
    return any(c.isdigit() for c in text) or (any(c.isupper() for c in text) and any(c.islower() for c in text))


def register_url_secrets(url: str) -> None:
    """Teach `redact()` a notify URL and the parts of it that can be tokens (password, token-like
    host, user, path segments and query values), so no message, log line or error repeats them."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    register_secret(url)
    register_secret(url.split("://", 1)[-1])
    try:
        parts = urlsplit(url)
    except ValueError:
        return
    register_secret(parts.password)
    host = parts.hostname or ""
    # Apprise puts tokens where a host would be (slack://TokenA/TokenB/TokenC); real hosts have dots.
    pieces = [host] if "." not in host and host != "localhost" else []
    pieces.append(parts.username or "")
    pieces += [unquote(p) for p in parts.path.split("/")]
    pieces += [v for _, v in parse_qsl(parts.query, keep_blank_values=False)]
    for piece in pieces:
        if _token_like(piece):
            register_secret(piece)


def _build_notify(path: Path, section: TOMLValue | None) -> NotifySettings:
    if section is None:
        return NotifySettings()
    data = _table(path, "[notify]", section)
    valid = {f.name for f in fields(NotifySettings)}
    for key in data:
        if key not in valid:
            raise _unknown(path, "in [notify] ", key, valid)
    urls = _string_list(path, "notify.urls", data.get("urls", []))
    for url in urls:
        register_secret(url)  # a token in a URL is a secret everywhere: output, logs, errors
        if "://" in url:
            register_url_secrets(url)
        else:
            raise ConfigError(f"{path}: notify.urls has an entry that is not a URL (scheme://...)", hint="see https://github.com/caronc/apprise/wiki for the URL forms")
    events = _string_list(path, "notify.events", data.get("events", list(NOTIFY_EVENTS)))
    for event in events:
        if event not in NOTIFY_EVENTS:
            raise ConfigError(f"{path}: notify.events has {event!r}; valid events: {', '.join(NOTIFY_EVENTS)}")
    watch = _string_list(path, "notify.watch", data.get("watch", []))
    for entry in watch:
        provider, _, model = entry.partition("/")
        if not provider or not model:
            raise ConfigError(f"{path}: notify.watch entry {entry!r} is not provider/model-id", hint='e.g. "openai/gpt-4o"')

    def number(key: str, kind: type | tuple[type, ...], low: float, high: float) -> int | float | None:
        if key not in data:
            return None
        value = data[key]
        _check_type(path, f"notify.{key}", value, kind)
        if not isinstance(value, (int, float)) or not low <= value <= high:
            raise ConfigError(f"{path}: notify.{key} = {value!r} is out of range ({low} to {high})")
        return value

    default = NotifySettings()
    days = number("deprecation_days", int, 0, 3650)
    fail_after = number("fail_after", int, 1, 1000)
    timeout = number("timeout", (int, float), 0.1, 600)
    return NotifySettings(
        urls=urls, events=events, watch=watch,
        deprecation_days=default.deprecation_days if days is None else int(days),
        fail_after=default.fail_after if fail_after is None else int(fail_after),
        timeout=default.timeout if timeout is None else float(timeout),
    )


def _build_provider(path: Path, slug: str, section: TOMLValue) -> ProviderSettings:
    table = _table(path, f"[providers.{slug}]", section)
    spec = KNOWN_PROVIDERS.get(slug)
    kind = table.get("kind", spec.kind if spec else None)
    cloud_keys = set(CLOUD_OPTIONS.get(kind, ())) if isinstance(kind, str) else set()
    for key, value in table.items():
        if key not in _PROVIDER_KEYS | cloud_keys:
            raise _unknown(path, f"in [providers.{slug}] ", key, _PROVIDER_KEYS | cloud_keys)
        if key in cloud_keys:
            _check_type(path, f"providers.{slug}.{key}", value, str)
    if spec is None and kind is None:
        raise ConfigError(
            f"{path}: unknown provider [providers.{slug}]; known providers: {', '.join(KNOWN_PROVIDERS)}",
            hint="or set kind = \"openai-compatible\" and base_url for a custom endpoint",
        )
    valid_kinds = sorted({s.kind for s in KNOWN_PROVIDERS.values()} | set(CUSTOM_KINDS))
    if not isinstance(kind, str):
        raise _wrong_type(path, f"providers.{slug}.kind", kind, str)
    if kind not in valid_kinds:
        raise ConfigError(f"{path}: providers.{slug}.kind {kind!r} is unknown; valid kinds: {', '.join(valid_kinds)}")
    if spec is None and "base_url" not in table:
        raise ConfigError(f"{path}: [providers.{slug}] needs base_url for kind {kind!r}", hint="e.g. base_url = \"http://127.0.0.1:8000/v1\"")
    types: dict[str, type | tuple[type, ...]] = {"enabled": bool, "api_key": str, "base_url": str, "timeout": (int, float), "name": str, "allow_http": bool}
    for key, expected in types.items():
        if key in table:
            _check_type(path, f"providers.{slug}.{key}", table[key], expected)
    envs: tuple[str, ...]
    if "api_key_env" in table:
        value = table["api_key_env"]
        if isinstance(value, str):
            envs = (value,)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            envs = tuple(v for v in value if isinstance(v, str))
        else:
            raise ConfigError(f"{path}: providers.{slug}.api_key_env must be a variable name or a list of names")
    else:
        envs = spec.key_envs if spec else (f"{slug.upper().replace('-', '_')}_API_KEY",)
    base_url: TOMLValue | None = table.get("base_url")
    if base_url is None and spec is not None:
        base_url = spec.base_url
        if spec.host_env and os.environ.get(spec.host_env):
            base_url = host_url(os.environ[spec.host_env], spec.base_url)
    allow_http = bool(table.get("allow_http", False))
    base_url = check_base_url(str(base_url), allow_http=allow_http, where=f"{path}: providers.{slug}")
    api_key = _checked(table, "api_key", str)
    if api_key:
        register_secret(api_key)
    stated_timeout = table.get("timeout")
    timeout = None
    if isinstance(stated_timeout, (int, float)):  # a number, checked above
        timeout = _as_float(path, f"providers.{slug}.timeout", stated_timeout)
        check_range(path, f"providers.{slug}.timeout", timeout, "providers.timeout")
    name = _checked(table, "name", str)
    enabled = _checked(table, "enabled", bool)
    return ProviderSettings(
        slug=slug,
        name=name if name is not None else spec.name if spec else slug,
        kind=kind,
        enabled=True if enabled is None else enabled,
        api_key_env=envs,
        base_url=base_url,
        timeout=float(timeout) if timeout is not None else None,
        api_key=api_key,
        allow_http=allow_http,
        needs_key=spec.needs_key if spec else False,
        publishes_prices=spec.publishes_prices if spec else False,
        explicit=True,
        opt_in=spec.opt_in if spec else False,
        options={k: str(table[k]).strip() for k in sorted(cloud_keys) if str(table.get(k, "")).strip()},
    )


def host_url(host: str, default_url: str) -> str:
    """A base URL from a host variable written the way Ollama reads OLLAMA_HOST: `host`,
    `host:port` or a URL. The listen-everywhere addresses (0.0.0.0, ::) mean this machine for a
    client, and a missing port is the default URL's (11434), not 80."""
    text = host.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    default = urlsplit(default_url)
    hostname = parts.hostname or ""
    if hostname in ("", "0.0.0.0", "::"):
        hostname = "127.0.0.1"
    elif ":" in hostname:
        hostname = f"[{hostname}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None and parts.scheme == default.scheme:
        port = default.port
    netloc = hostname + (f":{port}" if port else "")
    return f"{parts.scheme}://{netloc}{parts.path}".rstrip("/")


def _default_provider(spec: ProviderSpec) -> ProviderSettings:
    base_url = spec.base_url
    if spec.host_env and os.environ.get(spec.host_env):
        base_url = host_url(os.environ[spec.host_env], spec.base_url)
    return ProviderSettings(
        slug=spec.slug,
        name=spec.name,
        kind=spec.kind,
        enabled=True,
        api_key_env=spec.key_envs,
        base_url=base_url,
        needs_key=spec.needs_key,
        publishes_prices=spec.publishes_prices,
        opt_in=spec.opt_in,
    )


def _env_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"environment variable {name}={value!r} is not true or false")


def load_settings(
    config_path: str | os.PathLike[str] | None = None,
    *,
    database: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Read the config file (if any) and the environment into `Settings`.

    An explicitly named file (option or AISYNC_CONFIG) must exist; the default one may not.
    """
    env = os.environ if environ is None else environ
    explicit = config_path or env.get("AISYNC_CONFIG")
    path = Path(explicit).expanduser() if explicit else default_config_path()
    exists = path.is_file()
    raw: TOMLTable = {}
    warnings: list[str] = []
    if explicit or exists:
        raw = _read_toml(path)
    for key in raw:
        if key not in _TOP_KEYS:
            raise _unknown(path, "", key, _TOP_KEYS)
    model_sync = _build_section(path, "model_sync", raw.get("model_sync"), ModelSyncSettings)
    pricing = _build_section(path, "pricing", raw.get("pricing"), PricingSettings)
    ui = _build_section(path, "ui", raw.get("ui"), UiSettings)
    log = _build_section(path, "log", raw.get("log"), LogSettings)
    if "AISYNC_MODEL_SYNC_ENABLED" in env:
        model_sync = replace(model_sync, enabled=_env_bool("AISYNC_MODEL_SYNC_ENABLED", env["AISYNC_MODEL_SYNC_ENABLED"]))
    _validate_numbers(path, model_sync, pricing, log)
    if pricing.per not in ("1m", "1k"):
        raise ConfigError(f"{path}: pricing.per must be \"1m\" or \"1k\", not {pricing.per!r}")

    providers: dict[str, ProviderSettings] = {slug: _default_provider(spec) for slug, spec in KNOWN_PROVIDERS.items()}
    table = _table(path, "[providers]", raw.get("providers", {}))
    has_file_key = False
    for slug, body in table.items():
        providers[slug] = _build_provider(path, slug, body)
        has_file_key = has_file_key or bool(providers[slug].api_key)
    if has_file_key and exists and os.name == "posix":
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            warnings.append(
                f"warning: {path} holds API keys and is readable by others (mode {mode:o}); run: chmod 600 {path}"
            )

    db = database or env.get("AISYNC_DATABASE_URL") or raw.get("database") or default_database()
    if "database" in raw:
        _check_type(path, "database", raw["database"], str)
    return Settings(
        config_path=path,
        config_exists=exists,
        database=str(db),
        model_sync=model_sync,
        pricing=pricing,
        ui=ui,
        log=log,
        providers=providers,
        raw=raw,
        warnings=tuple(warnings),
        notify=_build_notify(path, raw.get("notify")),
    )


#: Allowed ranges of the numeric settings, (section.key: (lowest, highest)). Beyond them a value is
#: a typo or a joke (`timeout = inf`, `cache_ttl = 2**70`), and would fail later in a worse way.
DAY = 86_400
NUMBER_RANGES: dict[str, tuple[float, float]] = {
    "model_sync.timeout": (0.1, 3600),
    "model_sync.retry_attempts": (1, 10),
    "model_sync.batch_size": (1, 100_000),
    "model_sync.cache_ttl": (0, 365 * DAY),
    "model_sync.max_retry_wait": (0, 3600),
    "model_sync.max_response_mb": (1, 4096),
    "model_sync.concurrency": (1, 64),
    "pricing.cache_ttl": (0, 365 * DAY),
    "log.max_bytes": (0, 10 * 1024**3),
    "log.backups": (0, 1000),
    "providers.timeout": (0.1, 3600),
}


def check_range(path: Path, name: str, value: float, key: str | None = None) -> None:
    """Raise ConfigError naming `name` when `value` is outside NUMBER_RANGES[key or name] (or NaN)."""
    low, high = NUMBER_RANGES[key or name]
    if not (low <= value <= high):  # also false for NaN
        raise ConfigError(
            f"{path}: {name} = {value!r} is out of range", hint=f"use a number from {low:g} to {high:g}"
        )


def _validate_numbers(path: Path, ms: ModelSyncSettings, pricing: PricingSettings | None = None, log: LogSettings | None = None) -> None:
    for key in ("timeout", "retry_attempts", "batch_size", "cache_ttl", "max_retry_wait", "max_response_mb", "concurrency"):
        check_range(path, f"model_sync.{key}", getattr(ms, key))
    if pricing is not None:
        check_range(path, "pricing.cache_ttl", pricing.cache_ttl)
    if log is not None:
        check_range(path, "log.max_bytes", log.max_bytes)
        check_range(path, "log.backups", log.backups)
