"""One HTTP client for every adapter: timeouts, retries with backoff and jitter, error mapping,
a response size cap, same-host redirects only, and keys that stay in headers.

Retried: connect errors and timeouts, bodies cut off mid-transfer, 408, 409, 429 and 5xx (529
included), honouring
`retry-after-ms`, `retry-after` (seconds or HTTP date) and Gemini's body `retryDelay`, up to
`max_retry_wait`. Never retried: 400/401/403/404, exhausted quota, and anything the server marks
`x-should-retry: false`.

A server that cannot be reached (refused, connect timeout), accepts and never answers, or stalls
part way ends as "API timeout" (the word users know for "the network let us down"); one that cuts the
body short ends as "Bad response". Each attempt is bounded by `timeout` from connect to last byte,
so a run takes at most about `timeout * retry_attempts` plus the capped waits, never a hang.
"""

from __future__ import annotations

import email.utils
import math
import random
import re
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping, TypeAlias

import httpx

from .. import __version__
from ..errors import (
    ApiTimeout,
    BadResponse,
    Cancelled,
    HostNotFound,
    InvalidApiKey,
    NotRunning,
    PermissionDenied,
    ProviderError,
    ProviderUnavailable,
    QuotaExceeded,
    RateLimited,
    body_holds_secret,
    redact,
    scrub_secrets,
)
from ..events import EmitFn, RequestFinished, RequestRetrying, ignore
from ..jsonvalue import JSON, as_object, decode, objects

if TYPE_CHECKING:
    from ..config import ModelSyncSettings

#: A query string's values, as httpx encodes them.
Query: TypeAlias = Mapping[str, str | int | float | bool | None]
#: Maps an error response (provider, HTTP status, decoded body or its first bytes as text) to
#: the error a user sees.
Classifier: TypeAlias = Callable[[str, int, JSON], "ProviderError"]

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 520, 521, 522, 524, 529})
MAX_REDIRECTS = 5

_QUOTA_WORDS = re.compile(
    r"insufficient_quota|exceeded your current quota|used all available credits|spending limit|"
    r"billing|PerDay|per day|credit balance is too low|out of credits",
    re.I,
)
_BAD_KEY_WORDS = re.compile(
    r"API_KEY_INVALID|API key not valid|Incorrect API key|invalid[_ ]api[_ ]key|invalid x-api-key|"
    r"No credentials presented|invalid authentication|unauthenticated|authentication_error",
    re.I,
)


@dataclass(frozen=True)
class HttpOptions:
    timeout: float = 30.0
    retry_attempts: int = 3
    max_retry_wait: float = 60.0
    max_response_bytes: int = 64 * 1024 * 1024
    backoff_base: float = 0.5


def options_from(model_sync: ModelSyncSettings, timeout: float | None = None) -> HttpOptions:
    """HttpOptions from the [model_sync] settings; `timeout` (e.g. --timeout) overrides theirs."""
    return HttpOptions(
        timeout=timeout or model_sync.timeout,
        retry_attempts=model_sync.retry_attempts,
        max_retry_wait=model_sync.max_retry_wait,
        max_response_bytes=int(model_sync.max_response_mb * 1024 * 1024),
    )


def error_text(body: JSON) -> str:
    """The human message inside any of the providers' error envelopes."""
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            msg = err.get("message") or err.get("type") or err.get("code")
            return str(msg) if msg is not None else ""
        if isinstance(err, str):
            return err
        for key in ("message", "detail", "msg"):
            text = body.get(key)
            if isinstance(text, str):
                return text
    if isinstance(body, str):
        return body[:200]
    return ""


def _error_code(body: JSON) -> str:
    if isinstance(body, dict):
        err = body.get("error")
        parts = [str(body.get("code", ""))]
        if isinstance(err, dict):
            parts += [str(err.get("code", "")), str(err.get("type", "")), str(err.get("status", ""))]
            for d in objects(err.get("details")):
                parts.append(str(d.get("reason", "")))
                for v in objects(d.get("violations")):
                    parts.append(str(v.get("quotaId", "")))
        return " ".join(parts)
    return ""


def classify_error(provider: str, status: int, body: JSON) -> ProviderError:
    """Map an HTTP error response to the user-facing error. Works for every envelope we know."""
    text = error_text(body)
    code = _error_code(body)
    both = f"{text} {code}"
    short = redact(text)[:160]
    if status == 401 or (status in (400, 403) and _BAD_KEY_WORDS.search(both)):
        return InvalidApiKey(provider, short or f"HTTP {status}")
    if status in (402,) or _QUOTA_WORDS.search(both) and status in (403, 429):
        return QuotaExceeded(provider, short or f"HTTP {status}")
    if status == 403:
        return PermissionDenied(provider, short or "HTTP 403")
    if status == 429:
        return RateLimited(provider, short or "HTTP 429")
    if status in (408,):
        return ApiTimeout(provider, f"the server timed out (HTTP {status})")
    if status >= 500:
        return ProviderUnavailable(provider, f"HTTP {status}" + (f": {short}" if short else ""))
    if status == 404:
        return BadResponse(provider, "the models endpoint was not found (HTTP 404); check base_url")
    return BadResponse(provider, f"HTTP {status}" + (f": {short}" if short else ""))


def _parse_retry_after(headers: httpx.Headers, body: object) -> float | None:
    """Seconds the server asks us to wait, from any of the places servers put it. Garbage
    ("soon", ".s", NaN, a date in year 1) says nothing: None, and the usual backoff applies."""
    try:
        seconds = _retry_after(headers, body)
    except (ValueError, TypeError, OverflowError):
        return None
    return seconds if seconds is None or math.isfinite(seconds) else None


def _retry_after(headers: httpx.Headers, body: object) -> float | None:
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    ra = headers.get("retry-after")
    if ra:
        try:
            return max(0.0, float(ra))
        except ValueError:
            try:
                parsed = email.utils.parsedate_to_datetime(ra[:64])
            except (ValueError, TypeError, IndexError, OverflowError):
                parsed = None  # garbage ("soon"): the default backoff applies
            if parsed is not None:
                if parsed.tzinfo is None:
                    import datetime as _dt

                    parsed = parsed.replace(tzinfo=_dt.timezone.utc)
                return max(0.0, parsed.timestamp() - time.time())
    for d in objects(as_object(as_object(body).get("error")).get("details")):
        delay = d.get("retryDelay")
        if isinstance(delay, str):
            m = re.fullmatch(r"\s*([0-9]{1,9}(?:\.[0-9]{1,9})?)s\s*", delay[:64])
            if m:
                return float(m.group(1))
    return None


@dataclass(frozen=True)
class RawResponse:
    """A response body left undecoded (see `HttpClient.get_raw`)."""

    status: int
    headers: httpx.Headers
    body: bytes


def _public_url(url: httpx.URL | str) -> str:
    u = httpx.URL(str(url))
    return str(u.copy_with(query=None, fragment=None))


def _same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


class HttpClient:
    """Thread-safe: one per run, shared by all adapters."""

    def __init__(
        self,
        options: HttpOptions | None = None,
        *,
        emit: EmitFn = ignore,
        cancel: threading.Event | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.options = options or HttpOptions()
        self.emit = emit
        self.cancel = cancel or threading.Event()
        self._sleep = sleep
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.options.timeout),
            follow_redirects=False,
            transport=transport,
            headers={"user-agent": f"aisync-tui/{__version__}", "accept": "application/json"},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ public

    def get_json(
        self,
        provider: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Query | None = None,
        timeout: float | None = None,
        classify: Classifier = classify_error,
        connect_error: type[ProviderError] = ApiTimeout,
    ) -> JSON:
        return self.request_json(
            provider, "GET", url, headers=headers, params=params, timeout=timeout, classify=classify, connect_error=connect_error
        )

    def get_raw(
        self,
        provider: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        classify: Classifier = classify_error,
    ) -> RawResponse:
        """GET with retries; return the body undecoded, treating 304 Not Modified as success:
        conditional requests (ETag) for price feeds."""
        return self._exchange(provider, "GET", url, headers, None, None, None, classify, ApiTimeout, not_modified_ok=True)

    def request_json(
        self,
        provider: str,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Query | None = None,
        json_body: object = None,
        timeout: float | None = None,
        classify: Classifier = classify_error,
        connect_error: type[ProviderError] = ApiTimeout,
    ) -> JSON:
        """Send the request with retries; return the decoded JSON body or raise a ProviderError."""
        r = self._exchange(provider, method, url, headers, params, json_body, timeout, classify, connect_error, not_modified_ok=False)
        return self._decode(provider, r.body, r.headers)

    # ------------------------------------------------------------------ internals

    def _exchange(
        self,
        provider: str,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        params: Query | None,
        json_body: object,
        timeout: float | None,
        classify: Classifier,
        connect_error: type[ProviderError],
        *,
        not_modified_ok: bool,
    ) -> RawResponse:
        """The request loop both public calls share: retries, waits and error mapping; a
        success (2xx, or 304 when `not_modified_ok`) comes back undecoded."""
        attempts = max(1, self.options.retry_attempts)
        timeout = timeout or self.options.timeout
        last: ProviderError | None = None
        for attempt in range(1, attempts + 1):
            if self.cancel.is_set():
                raise Cancelled("cancelled")
            wait: float | None = None
            try:
                status, resp_headers, body, elapsed, final_url = self._send(provider, method, url, headers, params, json_body, timeout)
            except httpx.ConnectError as exc:
                if _is_name_lookup_failure(exc):
                    last = HostNotFound(provider, f"cannot resolve {httpx.URL(url).host}: {_reason(exc)}")
                else:
                    last = connect_error(provider, f"cannot connect to {httpx.URL(url).host}: {_reason(exc)}")
            except httpx.TimeoutException:
                last = ApiTimeout(provider, f"no answer within {timeout:g}s")
            except _Deadline:
                last = ApiTimeout(provider, f"the response did not complete within {timeout:g}s")
            except httpx.RemoteProtocolError as exc:
                if "complete message body" in str(exc).lower() or "incomplete" in str(exc).lower():
                    # The status and headers arrived, the body did not: garbage, but worth a retry.
                    last = BadResponse(provider, f"the response was cut off mid-transfer ({_reason(exc)})")
                else:
                    last = ProviderUnavailable(provider, f"connection broken: {_reason(exc)}")
            except (httpx.ReadError, httpx.WriteError) as exc:
                last = ProviderUnavailable(provider, f"connection broken: {_reason(exc)}")
            except ProviderError:
                raise
            else:
                self.emit(RequestFinished(provider, method, _public_url(final_url), status, elapsed, attempt))
                if 200 <= status < 300 or (not_modified_ok and status == 304):
                    return RawResponse(status, resp_headers, body)
                decoded = _try_json(body)
                last = classify(provider, status, decoded)
                should = resp_headers.get("x-should-retry")
                retryable = (status in RETRY_STATUSES) and not isinstance(last, (QuotaExceeded, InvalidApiKey, PermissionDenied))
                if should == "false":
                    retryable = False
                elif should == "true":
                    retryable = True
                if not retryable:
                    raise last
                wait = _parse_retry_after(resp_headers, decoded)
                if wait is not None and wait > self.options.max_retry_wait:
                    raise type(last)(
                        provider,
                        f"{last.detail or 'HTTP ' + str(status)} (server asked to wait {wait:.0f}s, over the {self.options.max_retry_wait:g}s cap)",
                    )
            if isinstance(last, NotRunning):
                raise last
            if attempt == attempts:
                break
            if wait is None:
                wait = min(self.options.max_retry_wait, self.options.backoff_base * (2 ** (attempt - 1)))
                wait = wait * (0.75 + random.random() * 0.5)
            self.emit(RequestRetrying(provider, _public_url(url), last.line() if last else "", wait, attempt))
            self._wait(wait)
        assert last is not None
        raise last

    def _wait(self, seconds: float) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
            return
        if self.cancel.wait(seconds):
            raise Cancelled("cancelled")

    def _send(
        self,
        provider: str,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        params: Query | None,
        json_body: object,
        timeout: float,
    ) -> tuple[int, httpx.Headers, bytes, float, httpx.URL]:
        start = time.monotonic()
        deadline = start + timeout
        target = httpx.URL(url, params=params) if params else httpx.URL(url)
        origin = target
        for _ in range(MAX_REDIRECTS + 1):
            request = self._client.build_request(method, target, headers=headers, json=json_body)
            response = self._client.send(request, stream=True)
            try:
                if response.is_redirect and response.headers.get("location"):
                    nxt = target.join(response.headers["location"])
                    if not _same_origin(origin, nxt):
                        raise BadResponse(
                            provider,
                            f"redirected to another host ({nxt.host}); not followed, so the key stays with {origin.host}",
                        )
                    target = nxt
                    continue
                body = self._read_capped(provider, response, deadline)
                return response.status_code, response.headers, body, time.monotonic() - start, target
            finally:
                response.close()
        raise BadResponse(provider, f"more than {MAX_REDIRECTS} redirects")

    def _read_capped(self, provider: str, response: httpx.Response, deadline: float) -> bytes:
        cap = self.options.max_response_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise BadResponse(provider, f"response of {int(declared):,} bytes is over the {cap:,}-byte cap")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise BadResponse(provider, f"response is over the {cap:,}-byte cap")
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise _Deadline()
            if self.cancel.is_set():
                raise Cancelled("cancelled")
        return b"".join(chunks)

    @staticmethod
    def _decode(provider: str, body: bytes, headers: httpx.Headers) -> JSON:
        if not body.strip():
            raise BadResponse(provider, "empty response body")
        try:
            decoded = decode(body)
        except RecursionError:
            raise BadResponse(provider, f"the JSON is nested too deeply to read ({len(body):,} bytes)") from None
        except (ValueError, UnicodeDecodeError):  # a 5,000-digit number is a ValueError too
            kind = "an HTML page" if body.lstrip()[:1] == b"<" else "not valid JSON"
            ctype = headers.get("content-type", "?").split(";")[0]
            raise BadResponse(provider, f"the response is {kind} ({ctype}, {len(body):,} bytes)") from None
        if body_holds_secret(body):
            # The provider echoed a key back inside a success body: scrub it before any adapter
            # sees the data, so it can reach neither the store nor any output.
            try:
                scrubbed = scrub_secrets(decoded)
            except RecursionError:
                raise BadResponse(provider, "the response is nested too deeply") from None
            # A copy of the same kinds with text replaced: only objects, arrays and text change.
            if isinstance(scrubbed, (dict, list, str)):
                return scrubbed
        return decoded


class _Deadline(Exception):
    pass


def _try_json(body: bytes) -> JSON:
    """An error body decoded, or its first bytes as text when it is not JSON."""
    try:
        return decode(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return body[:300].decode("utf-8", "replace")


def _is_name_lookup_failure(exc: BaseException) -> bool:
    """A DNS failure (socket.gaierror somewhere in the chain), not a refused or timed-out connection."""
    import socket

    seen = 0
    cur: BaseException | None = exc
    while cur is not None and seen < 10:
        if isinstance(cur, socket.gaierror):
            return True
        cur = cur.__cause__ or cur.__context__
        seen += 1
    text = str(exc).lower()
    return any(w in text for w in ("name or service not known", "nodename nor servname", "name resolution", "getaddrinfo failed"))


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    text = text.split("] ")[-1]
    return redact(text)[:120]
