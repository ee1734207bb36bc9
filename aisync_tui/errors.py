"""The error hierarchy: each error carries the one-line message a user sees and the hint to fix it.

Every message passes through `redact()` so a key that a provider echoes back (or that ends up
in an exception text by accident) never reaches output, logs or the store.
"""

from __future__ import annotations

import re
import threading

EXIT_OK = 0
EXIT_PROVIDER_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75
EXIT_INTERRUPTED = 130

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_KEYLIKE = re.compile(r"\b(sk|xai|gsk|sk-ant|sk-or)-[A-Za-z0-9_\-]{12,}")


def register_secret(value: str | None) -> None:
    """Remember a secret so `redact` can scrub it from any text. Short values are ignored."""
    if value and len(value) >= 6:
        with _secrets_lock:
            _secrets.add(value)


#: `scheme://user:password@`: the password runs to the last `@` before the host (a password may
#: itself hold an `@`).
_URL_USERINFO = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.\-]*://[^:/?#@\s]*):[^/?#\s]*@")
#: A password given as a URL parameter (`?password=...`, libpq's `sslpassword`, ODBC's `pwd`).
_URL_PASSWORD_PARAM = re.compile(r"(?i)([?&;](?:password|passwd|pwd|sslpassword)=)[^&#\s'\"`]*?(?=[&#\s'\"`]|:\s|:$|$)")


def hide_url_secrets(text: str) -> str:
    """`text` with every URL password hidden: `postgresql://me:***@host/db`, `?password=***`."""
    if "://" not in text and "=" not in text:
        return text
    text = _URL_USERINFO.sub(r"\1:***@", text)
    return _URL_PASSWORD_PARAM.sub(r"\1***", text)


def url_password(url: str) -> str | None:
    """The password a URL carries (userinfo or a password parameter), or None."""
    from urllib.parse import parse_qsl, urlsplit

    try:
        parts = urlsplit(url)
        if parts.password:
            return parts.password
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key.lower() in ("password", "passwd", "pwd", "sslpassword") and value:
                return value
    except ValueError:
        return None
    return None


#: What an echoed secret is replaced with inside data from outside.
REDACTED = "***"


def registered_secrets() -> tuple[str, ...]:
    with _secrets_lock:
        return tuple(sorted(_secrets, key=len, reverse=True))


def body_holds_secret(body: bytes) -> bool:
    """Whether a response body contains a registered secret (one byte search per secret)."""
    return any(secret.encode() in body for secret in registered_secrets())


def scrub_secrets(value: object, secrets: tuple[str, ...] | None = None) -> object:
    """A copy of decoded JSON with every registered secret replaced by `REDACTED`, in keys and
    values at any depth: a provider that echoes the key back inside a 200 body must not get it
    into the store, the output or the log."""
    secrets = registered_secrets() if secrets is None else secrets

    def clean(text: str) -> str:
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def walk(node: object) -> object:
        if isinstance(node, str):
            return clean(node)
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, dict):
            return {clean(k) if isinstance(k, str) else k: walk(v) for k, v in node.items()}
        return node

    return walk(value)


def redact(text: str) -> str:
    """Replace every registered secret, URL password (and anything shaped like a provider key)
    with `***`."""
    if not text:
        return text
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, "***")
    text = hide_url_secrets(text)
    return _KEYLIKE.sub(lambda m: m.group(1) + "-***", text)


class AisyncError(Exception):
    """Base of every error the program reports itself. `str()` is the user-facing line."""

    exit_code = EXIT_USAGE
    hint = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = redact(message)
        if hint is not None:
            self.hint = redact(hint)
        super().__init__(self.message)

    def line(self) -> str:
        """One line: the message and, when there is one, what to do about it."""
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(AisyncError):
    """A bad config file, option or environment variable."""

    hint = "fix the config file or run `aisync config check`"


class UsageError(AisyncError):
    """Wrong command-line use."""

    hint = "see `aisync --help`"


class StoreError(AisyncError):
    """The database cannot be opened or written (corrupt, foreign, read-only, full)."""

    hint = "check the database path, its permissions and free disk space"


class LockHeld(AisyncError):
    """Another run holds the store's lock."""

    exit_code = EXIT_LOCKED
    hint = "wait for it to finish, or check `aisync sync status`"


class Cancelled(AisyncError):
    """The user cancelled a run (Ctrl+C, Esc): the current transaction was rolled back."""

    exit_code = EXIT_INTERRUPTED
    hint = "nothing was half-written; run it again when ready"


class ProviderError(AisyncError):
    """One provider failed. Other providers carry on."""

    exit_code = EXIT_PROVIDER_FAILED
    title = "Provider error"
    retryable = False

    def __init__(self, provider: str, detail: str = "", hint: str | None = None) -> None:
        self.provider = provider
        self.detail = redact(detail)
        message = self.title if not self.detail else f"{self.title}: {self.detail}"
        super().__init__(message, hint)


class NotConfigured(ProviderError):
    title = "Provider not configured"
    hint = "set the API key environment variable or add it under [providers.NAME] in the config"


class InvalidApiKey(ProviderError):
    title = "Invalid API key"
    hint = "verify the API key in your environment or config file"


class RateLimited(ProviderError):
    title = "Rate limit exceeded"
    hint = "wait and retry, or sync providers individually with --provider"
    retryable = True


class QuotaExceeded(ProviderError):
    title = "Quota exceeded"
    hint = "check the billing and quota of this account; retrying will not help"


class PermissionDenied(ProviderError):
    title = "Permission denied"
    hint = "the key lacks access to this API; check its scopes, project or region"


class ApiTimeout(ProviderError):
    title = "API timeout"
    hint = "increase the timeout with --timeout=60, or check the network"
    retryable = True


class ProviderUnavailable(ProviderError):
    title = "Provider unavailable"
    hint = "the provider's API is failing; try again later"
    retryable = True


class NotRunning(ProviderError):
    title = "Not running"
    hint = "start the local server (e.g. `ollama serve`) or disable this provider"


class BadResponse(ProviderError):
    title = "Bad response"
    hint = "the provider sent something unexpected; nothing was written for it, retry later"


class InternalError(ProviderError):
    """An exception nobody planned for while syncing one provider: a bug, reported as that
    provider's failure so the others carry on. The traceback goes to the log file only."""

    title = "Internal error"
    hint = "nothing was written for this provider; the details are in the log file (`aisync config path`)"


#: error kind as stored in sync_run.error_kind -> class
ERROR_KINDS: dict[str, type[ProviderError]] = {
    "not_configured": NotConfigured,
    "invalid_api_key": InvalidApiKey,
    "rate_limited": RateLimited,
    "quota_exceeded": QuotaExceeded,
    "permission_denied": PermissionDenied,
    "api_timeout": ApiTimeout,
    "unavailable": ProviderUnavailable,
    "not_running": NotRunning,
    "bad_response": BadResponse,
    "internal_error": InternalError,
}


def error_kind(error: BaseException) -> str:
    for kind, cls in ERROR_KINDS.items():
        if type(error) is cls:
            return kind
    return "error"


class StalePlan(AisyncError):
    """The store changed between planning and applying: the plan's base is no longer current."""

    hint = "plan again: another run changed these models after the preview was made"
