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


def redact(text: str) -> str:
    """Replace every registered secret (and anything shaped like a provider key) with `***`."""
    if not text:
        return text
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, "***")
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


class HostNotFound(ProviderError):
    title = "Host not found"
    hint = "the host name did not resolve: check it in the URL (base_url, pricing.feed_url) and the network's DNS"
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


#: error kind as stored in sync_run.error_kind -> class
ERROR_KINDS: dict[str, type[ProviderError]] = {
    "not_configured": NotConfigured,
    "invalid_api_key": InvalidApiKey,
    "rate_limited": RateLimited,
    "quota_exceeded": QuotaExceeded,
    "permission_denied": PermissionDenied,
    "api_timeout": ApiTimeout,
    "host_not_found": HostNotFound,
    "unavailable": ProviderUnavailable,
    "not_running": NotRunning,
    "bad_response": BadResponse,
}


def error_kind(error: BaseException) -> str:
    for kind, cls in ERROR_KINDS.items():
        if type(error) is cls:
            return kind
    return "error"


class StalePlan(AisyncError):
    """The store changed between planning and applying: the plan's base is no longer current."""

    hint = "plan again: another run changed these models after the preview was made"
