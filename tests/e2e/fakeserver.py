"""A small HTTP server on 127.0.0.1 that speaks the providers' model-list APIs, for end-to-end tests
and benchmarks. It runs in a thread of the test process; the real `aisync` runs in a subprocess
against `base_url(provider)`.

Each provider lives under its own prefix: `http://127.0.0.1:PORT/<provider>/...`, so a config sets
`base_url = server.base_url("openai")`. Tests script faults per provider and per request with
`server.fault(provider, Fault(...), ...)`: each request to that provider consumes the next fault.

Add a provider: write a `_route_<kind>(self, provider, rest, query)` method on `Handler` and an
entry in `DEFAULT_BASE_PATH`.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

#: provider kind -> path after the prefix that the SDK base_url includes
DEFAULT_BASE_PATH = {
    "openai": "/v1",
    "gemini": "/v1beta",
    "xai": "/v1",
    "anthropic": "/v1",
    "openrouter": "/api/v1",
    "mistral": "/v1",
    "groq": "/openai/v1",
    "deepseek": "",
    "together": "/v1",
    "ollama": "",
    "openai-compatible": "/v1",
    "cerebras": "/v1",
    "deepinfra": "/v1/openai",
    "fireworks": "/inference/v1",
    "cohere": "/v1",
    "huggingface": "/v1",
    "bedrock": "",
    "azure": "",
    "vertex": "",
    "openai-admin": "/v1",
    "anthropic-admin": "/v1",
}

#: The key each provider accepts unless a test sets another.
DEFAULT_KEYS = {
    "openai": "sk-test-openai-0123456789",
    "openai-admin": "sk-admin-test-0123456789abcdef",
    "anthropic-admin": "sk-ant-admin01-test-0123456789",
    "gemini": "gm-test-gemini-0123456789",
    "xai": "xai-test-0123456789abcdef",
    "anthropic": "sk-ant-test-0123456789abcdef",
    "openrouter": "sk-or-test-0123456789abcdef",
    "mistral": "ms-test-0123456789abcdef",
    "groq": "gsk_test_0123456789abcdef",
    "deepseek": "sk-test-deepseek-0123456789",
    "together": "tg-test-0123456789abcdef",
    "cerebras": "csk-test-0123456789abcdef",
    "deepinfra": "di-test-0123456789abcdef",
    "fireworks": "fw-test-0123456789abcdef",
    "cohere": "co-test-0123456789abcdef",
    "huggingface": "hf_test0123456789abcdef",
    "bedrock": "AKIATESTBEDROCK0123",
    "azure": "az-test-0123456789abcdef0123456789ab",
    "vertex": "ya29.test-vertex-token-0123456789",
}


@dataclass
class Fault:
    """What the server does instead of (or before) answering one request.

    status: answer with this status and `body` (dict -> JSON, str -> as is) and `headers`.
    delay: sleep this long first (then answer normally unless status is set).
    hang: accept and never answer (until the server stops).
    stall: send headers and half of the real body, then stop sending.
    body_override: answer 200 with this body (str or bytes) instead of the real one.
    redirect: answer 302 to this URL (`redirect_status` to use 301/307/308).
    huge: answer 200 with a valid-looking JSON body of this many bytes (a size-cap test).
    chunked: send the answer without content-length (Transfer-Encoding: chunked).
    truncate: declare the full length, send half of the body, then close the connection.
    drip: send the body in small pieces, this many seconds apart (a slow but live server).
    """

    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hang: bool = False
    stall: bool = False
    body_override: str | bytes | None = None
    redirect: str | None = None
    repeat: int = 1
    """How many requests this fault applies to."""
    redirect_status: int = 302
    huge: int = 0
    chunked: bool = False
    truncate: bool = False
    drip: float = 0.0
    path: str | None = None
    """Only requests whose path ends with this get the fault (None: any request). Providers that
    request several lists at once (xAI) need it to aim a fault at one of them."""


@dataclass
class ProviderState:
    kind: str
    key: str | None
    models: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    """Kind-specific bodies, e.g. xAI's language/image lists."""
    faults: list[Fault] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    latency: float = 0.0
    """Every answer waits this long (a slow provider)."""


class FakeProviderServer:
    def __init__(self) -> None:
        self.providers: dict[str, ProviderState] = {}
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.fake = self  # type: ignore[attr-defined]
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="fakeserver", daemon=True)

    # lifecycle -------------------------------------------------------------

    def start(self) -> FakeProviderServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakeProviderServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # configuration ---------------------------------------------------------

    def add(self, provider: str, kind: str | None = None, *, models: list[dict[str, Any]] | None = None, key: str | None | bool = True, **extra: Any) -> ProviderState:
        kind = kind or provider
        if key is True:
            key = DEFAULT_KEYS.get(kind, f"test-key-{provider}-0123456789")
        state = ProviderState(kind=kind, key=key or None, models=list(models or []), extra=dict(extra))
        with self.lock:
            self.providers[provider] = state
        return state

    def base_url(self, provider: str) -> str:
        kind = self.providers[provider].kind if provider in self.providers else provider
        return f"http://127.0.0.1:{self.port}/{provider}{DEFAULT_BASE_PATH.get(kind, '')}"

    def fault(self, provider: str, *faults: Fault) -> None:
        with self.lock:
            self.providers[provider].faults.extend(faults)

    def next_fault(self, provider: str, path: str = "") -> Fault | None:
        with self.lock:
            queue = self.providers[provider].faults
            for i, fault in enumerate(queue):
                if fault.path is not None and not path.endswith(fault.path):
                    continue
                fault.repeat -= 1
                if fault.repeat <= 0:
                    queue.pop(i)
                return fault
            return None

    def requests(self, provider: str) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.providers[provider].requests)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()


class Handler(BaseHTTPRequestHandler):
    server_version = "fakeprovider/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    @property
    def fake(self) -> FakeProviderServer:
        return self.server.fake  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        segments = parts.path.lstrip("/").split("/", 1)
        provider = segments[0]
        rest = "/" + (segments[1] if len(segments) > 1 else "")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        state = self.fake.providers.get(provider)
        length = int(self.headers.get("content-length") or 0)
        body_in = self.rfile.read(length) if length else b""
        if state is None:
            return self._send(404, {"error": f"no provider {provider!r} on this server"})
        with self.fake.lock:
            state.requests.append({"method": method, "path": rest, "query": query, "headers": dict(self.headers.items()), "body": body_in.decode("utf-8", "replace")})
        if state.latency:
            time.sleep(state.latency)
        fault = self.fake.next_fault(provider, rest)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.hang:
                while not self.fake.stopping:
                    time.sleep(0.05)
                return
            if fault.redirect:
                return self._send(fault.redirect_status, "", headers={"location": fault.redirect})
            if fault.huge:
                return self._send_huge(fault.huge, chunked=fault.chunked)
            if fault.status is not None:
                return self._send(fault.status, fault.body if fault.body is not None else "", headers=fault.headers)
            if fault.body_override is not None:
                return self._send(200, fault.body_override, headers=fault.headers)
        route = getattr(self, f"_route_{state.kind.replace('-', '_')}", None)
        if route is None:
            return self._send(404, {"error": f"kind {state.kind} not served"})
        status, payload, headers = route(provider, state, method, rest, query, body_in)
        if fault is not None and fault.stall:
            return self._send_stalled(status, payload)
        if fault is not None and (fault.truncate or fault.drip or fault.chunked):
            return self._send_faulty(status, payload, fault)
        self._send(status, payload, headers=headers)

    # auth helpers ----------------------------------------------------------

    def _bearer_ok(self, state: ProviderState) -> bool:
        if state.key is None:
            return True
        return self.headers.get("authorization") == f"Bearer {state.key}"

    # routes ----------------------------------------------------------------

    def _route_openai(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        if not self._bearer_ok(state):
            return 401, {"error": {"message": "Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.", "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}, {}
        if rest == "/v1/models":
            return 200, {"object": "list", "data": state.models}, {}
        return 404, {"error": {"message": f"Unknown path {rest}"}}, {}

    def _route_gemini(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        if "key" in query:
            return 400, {"error": {"code": 400, "message": "test server: key must not be in the query string", "status": "INVALID_ARGUMENT"}}, {}
        if state.key is not None and self.headers.get("x-goog-api-key") != state.key:
            return 400, {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}}, {}
        if rest != "/v1beta/models":
            return 404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}}, {}
        size = int(query.get("pageSize", 50))
        size = max(1, min(size, int(state.extra.get("max_page_size", 1000))))
        start = int((query.get("pageToken", "0") or "0").split("-")[0])
        page = state.models[start : start + size]
        out: dict[str, Any] = {"models": page}
        if start + size < len(state.models):
            out["nextPageToken"] = str(start + size)
        if state.extra.get("repeat_token"):
            out["nextPageToken"] = "0"
        if state.extra.get("endless_tokens"):  # a fresh token every page, forever
            out["nextPageToken"] = f"{start + size}-{len(state.requests)}"
        return 200, out, {}

    def _route_xai(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        if not self._bearer_ok(state):
            return 400, {"code": "Client specified an invalid argument", "error": "Incorrect API key provided: xa***yz. You can obtain an API key from https://console.x.ai."}, {}
        if rest == "/v1/models":
            return 200, {"object": "list", "data": state.models}, {}
        if rest == "/v1/language-models":
            return 200, {"models": state.extra.get("language", [])}, {}
        if rest == "/v1/image-generation-models":
            return 200, {"models": state.extra.get("image", [])}, {}
        return 404, {"error": "Model not found"}, {}

    # the other providers' routes -----------------------------

    def _route_anthropic(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        if not self.headers.get("anthropic-version"):
            return 400, {"type": "error", "error": {"type": "invalid_request_error", "message": "anthropic-version: header is required"}}, {}
        if state.key is not None and self.headers.get("x-api-key") != state.key:
            return 401, {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}, "request_id": "req_test"}, {}
        if rest != "/v1/models":
            return 404, {"type": "error", "error": {"type": "not_found_error", "message": f"Not found: {rest}"}}, {}
        limit = max(1, min(int(query.get("limit", 20)), 1000, int(state.extra.get("max_page_size", 1000))))
        ids = [m.get("id") for m in state.models]
        start = ids.index(query["after_id"]) + 1 if query.get("after_id") in ids else 0
        page = state.models[start : start + limit]
        more = start + limit < len(state.models)
        last = page[-1]["id"] if page else None
        if state.extra.get("repeat_cursor") and page:
            last, more = state.models[0]["id"], True
        return 200, {"data": page, "has_more": more, "first_id": page[0]["id"] if page else None, "last_id": last}, {}

    def _route_openrouter(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        # The catalogue is public: no key is fine, a wrong key is not.
        if self.headers.get("authorization") and not self._bearer_ok(state):
            return 401, {"error": {"code": 401, "message": "No auth credentials found"}}, {}
        if rest != "/api/v1/models":
            return 404, {"error": {"code": 404, "message": "Not Found"}}, {}
        wanted = query.get("output_modalities", "text")
        models = state.models
        if wanted != "all":
            kinds = set(wanted.split(","))
            models = [m for m in models if kinds & set((m.get("architecture") or {}).get("output_modalities") or ["text"])]
        paged = "offset" in query or "limit" in query or state.extra.get("page_size")
        if not paged:
            return 200, {"data": models}, {}  # the old full-list answer
        limit = max(1, min(int(query.get("limit", state.extra.get("page_size", 500))), 1000, int(state.extra.get("page_size", 1000))))
        offset = int(query.get("offset", 0))
        page = models[offset : offset + limit]
        nxt = f"/api/v1/models?offset={offset + limit}&limit={limit}" if offset + limit < len(models) else None
        return 200, {"data": page, "total_count": len(models), "links": {"next": nxt}}, {}

    def _openai_style(self, state: ProviderState, rest: str, path: str, unauthorized: tuple[int, Any], *, bare: bool = False) -> tuple[int, Any, dict[str, str]]:
        if not self._bearer_ok(state):
            return unauthorized[0], unauthorized[1], {}
        if rest != path:
            return 404, {"error": {"message": f"Unknown path {rest}"}}, {}
        return 200, (state.models if bare else {"object": "list", "data": state.models}), {}

    def _route_mistral(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        return self._openai_style(state, rest, "/v1/models", (401, {"message": "Unauthorized", "request_id": "test"}))

    def _route_groq(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        return self._openai_style(
            state, rest, "/openai/v1/models", (401, {"error": {"message": "Invalid API Key", "type": "invalid_request_error", "code": "invalid_api_key"}})
        )

    def _route_deepseek(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        return self._openai_style(
            state, rest, "/models",
            (401, {"error": {"message": "Authentication Fails, Your api key: ****6789 is invalid", "type": "authentication_error", "param": None, "code": "invalid_request_error"}}),
        )

    def _route_together(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        return self._openai_style(
            state, rest, "/v1/models",
            (401, {"id": "test", "error": {"message": "Invalid API key provided.", "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}),
            bare=True,
        )

    def _route_webhook(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        """A notification receiver (Apprise's json:// posts here): `server.add("hook", "webhook", key=None)`;
        the bodies are in `server.requests("hook")`."""
        return 200, {}, {}

    # open-model hosts and clouds -------------------------------------------

    def _route_cerebras(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        return self._openai_style(
            state, rest, "/v1/models",
            (401, {"message": "Wrong API Key", "type": "invalid_request_error", "param": "api_key", "code": "wrong_api_key"}),
        )

    def _route_deepinfra(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        return self._openai_style(state, rest, "/v1/openai/models", (401, {"detail": {"error": "Invalid or missing api key"}}))

    def _route_fireworks(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        return self._openai_style(state, rest, "/inference/v1/models", (401, {"error": {"object": "error", "type": "invalid_request_error", "message": "The API key you provided is invalid."}}))

    def _route_cohere(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        """Paged by `page_size` (capped by `extra["max_page_size"]`) and an opaque `page_token`."""
        if not self._bearer_ok(state):
            return 401, {"id": "test", "message": "invalid api token"}, {}
        if rest != "/v1/models":
            return 404, {"message": f"Not found: {rest}"}, {}
        size = max(1, min(int(query.get("page_size", 20)), 1000, int(state.extra.get("max_page_size", 1000))))
        start = int(query.get("page_token", "0") or "0")
        page = state.models[start : start + size]
        out: dict[str, Any] = {"models": page}
        if start + size < len(state.models):
            out["next_page_token"] = str(start + size)
        return 200, out, {}

    def _route_huggingface(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        # The catalogue is public: no token is fine, a wrong one is not.
        if self.headers.get("authorization") and not self._bearer_ok(state):
            return 401, {"error": "Invalid credentials in Authorization header"}, {}
        return self._openai_style(state, rest, "/v1/models", (401, {}))

    def _route_bedrock(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        """Bedrock's control plane as botocore calls it: SigV4-signed GETs. The key is the access
        key id in the signature's Credential; `extra["profiles"]` holds the inference profiles,
        paged by `maxResults` (capped by `extra["max_page_size"]`) and `nextToken`;
        `extra["deny_profiles"]` answers that list with AccessDenied."""
        auth = self.headers.get("authorization") or ""
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            return 403, {"message": "Missing Authentication Token"}, {"x-amzn-errortype": "MissingAuthenticationTokenException"}
        if state.key is not None and f"Credential={state.key}/" not in auth:
            return 403, {"message": "The security token included in the request is invalid."}, {"x-amzn-errortype": "UnrecognizedClientException"}
        if rest == "/foundation-models":
            return 200, {"modelSummaries": state.models}, {}
        if rest == "/inference-profiles":
            if state.extra.get("deny_profiles"):
                return 403, {"message": "User is not authorized to perform: bedrock:ListInferenceProfiles"}, {"x-amzn-errortype": "AccessDeniedException"}
            profiles = state.extra.get("profiles") or []
            size = max(1, min(int(query.get("maxResults", 100)), 1000, int(state.extra.get("max_page_size", 1000))))
            start = int(query.get("nextToken", "0") or "0")
            out: dict[str, Any] = {"inferenceProfileSummaries": profiles[start : start + size]}
            if start + size < len(profiles):
                out["nextToken"] = str(start + size)
            return 200, out, {}
        return 404, {"message": f"Unknown path {rest}"}, {"x-amzn-errortype": "ResourceNotFoundException"}

    def _route_azure(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        """An Azure OpenAI resource: `api-key` header (or `extra["token"]` as an Entra bearer);
        `/openai/models` (any api-version) and `/openai/deployments` (api-version=2022-12-01 only,
        as the service has it) from `extra["deployments"]`."""
        token = state.extra.get("token")
        ok = state.key is None or self.headers.get("api-key") == state.key or (token and self.headers.get("authorization") == f"Bearer {token}")
        if not ok:
            return 401, {"error": {"code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}, {}
        if "api-version" not in query:
            return 404, {"error": {"code": "404", "message": "Resource not found"}}, {}
        if rest == "/openai/models":
            return 200, {"data": state.models, "object": "list"}, {}
        if rest == "/openai/deployments" and query["api-version"] == "2022-12-01":
            return 200, {"data": state.extra.get("deployments", []), "object": "list"}, {}
        return 404, {"error": {"code": "404", "message": "Resource not found"}}, {}

    def _route_vertex(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        """Vertex AI's publisher-model lists plus a Google OAuth token endpoint (`POST /token`,
        where google-auth's service-account credentials trade their signed JWT for the access
        token, which is `state.key`). `extra["publishers"]` maps a publisher to its models, paged
        by `pageSize` (capped by `extra["max_page_size"]`) and `pageToken`."""
        if rest == "/token" and method == "POST":
            if b"assertion=" not in body:
                return 400, {"error": "invalid_request", "error_description": "no assertion"}, {}
            return 200, {"access_token": state.key, "expires_in": 3600, "token_type": "Bearer"}, {}
        if state.key is not None and self.headers.get("authorization") != f"Bearer {state.key}":
            return 401, {"error": {"code": 401, "message": "Request had invalid authentication credentials. Expected OAuth 2 access token.", "status": "UNAUTHENTICATED"}}, {}
        parts = rest.strip("/").split("/")
        if len(parts) != 4 or parts[:2] != ["v1beta1", "publishers"] or parts[3] != "models":
            return 404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}}, {}
        models = (state.extra.get("publishers") or {}).get(parts[2], [])
        size = max(1, min(int(query.get("pageSize", 100)), 1000, int(state.extra.get("max_page_size", 1000))))
        start = int(query.get("pageToken", "0") or "0")
        out: dict[str, Any] = {"publisherModels": models[start : start + size]}
        if start + size < len(models):
            out["nextPageToken"] = str(start + size)
        return 200, out, {}

    def _route_feed(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        """Static price-feed files: `server.add("feeds", "feed", key=None, files={"/litellm.json": bytes})`.
        Each answer carries an ETag (a hash of the bytes); a matching If-None-Match gets 304."""
        import hashlib

        files = state.extra.get("files") or {}
        if rest not in files:
            return 404, {"error": f"no file {rest}"}, {}
        data = files[rest]
        data = data if isinstance(data, bytes) else str(data).encode()
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        if self.headers.get("if-none-match") == etag:
            return 304, b"", {"etag": etag}
        return 200, data, {"etag": etag, "content-type": "text/plain; charset=utf-8"}

    def _route_openai_compatible(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        return self._openai_style(state, rest, "/v1/models", (401, {"error": {"message": "Unauthorized", "type": "invalid_request_error"}}))

    def _route_ollama(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        """Local Ollama: no auth. `extra["shows"]` maps a model name to its /api/show body;
        `extra["show_errors"]` maps a model name to the HTTP status its show fails with;
        `extra["show_delay"]` slows each show so tests can observe the concurrency bound
        (`extra["max_inflight"]` records the most shows in flight at once)."""
        if rest == "/api/tags" and method == "GET":
            return 200, {"models": state.models}, {}
        if rest == "/api/show" and method == "POST":
            try:
                name = json.loads(body or b"{}").get("model")
            except ValueError:
                return 400, {"error": "invalid JSON body"}, {}
            failing = (state.extra.get("show_errors") or {}).get(name)
            if failing is not None:
                return failing, {"error": f"failed to show model '{name}'"}, {}
            show = (state.extra.get("shows") or {}).get(name)
            if show is None:
                return 404, {"error": f"model '{name}' not found"}, {}
            with self.fake.lock:
                state.extra["_inflight"] = state.extra.get("_inflight", 0) + 1
                state.extra["max_inflight"] = max(state.extra.get("max_inflight", 0), state.extra["_inflight"])
            try:
                if state.extra.get("show_delay"):
                    time.sleep(state.extra["show_delay"])
            finally:
                with self.fake.lock:
                    state.extra["_inflight"] -= 1
            return 200, show, {}
        return 404, {"error": "404 page not found"}, {}

    # usage admin APIs: pages in state.extra["usage_pages"] / ["cost_pages"], chained by next_page

    @staticmethod
    def _admin_page(pages: list[dict[str, Any]], token: str | None) -> dict[str, Any] | None:
        if not token:
            return pages[0] if pages else {"data": [], "has_more": False, "next_page": None}
        for i, page in enumerate(pages[:-1]):
            if page.get("next_page") == token:
                return pages[i + 1]
        return None

    def _route_openai_admin(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        if not self._bearer_ok(state):
            return 401, {"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error", "code": "invalid_api_key"}}, {}
        if "start_time" not in query or query.get("bucket_width", "1d") != "1d":
            return 400, {"error": {"message": "start_time is required; this server serves bucket_width=1d only"}}, {}
        if rest == "/v1/organization/usage/completions" and query.get("group_by") == "model":
            page = self._admin_page(state.extra.get("usage_pages", []), query.get("page"))
        elif rest == "/v1/organization/costs" and query.get("group_by") == "line_item":
            page = self._admin_page(state.extra.get("cost_pages", []), query.get("page"))
        else:
            return 404, {"error": {"message": f"Unknown path {rest} (or group_by)"}}, {}
        if page is None:
            return 400, {"error": {"message": f"invalid page cursor {query.get('page')!r}"}}, {}
        return 200, page, {}

    def _route_anthropic_admin(self, provider: str, state: ProviderState, method: str, rest: str, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        if state.key is not None and self.headers.get("x-api-key") != state.key:
            return 401, {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}, {}
        if not self.headers.get("anthropic-version"):
            return 400, {"type": "error", "error": {"type": "invalid_request_error", "message": "anthropic-version header is required"}}, {}
        if "starting_at" not in query:
            return 400, {"type": "error", "error": {"type": "invalid_request_error", "message": "starting_at is required"}}, {}
        if rest == "/v1/organizations/usage_report/messages" and query.get("group_by[]") == "model":
            page = self._admin_page(state.extra.get("usage_pages", []), query.get("page"))
        elif rest == "/v1/organizations/cost_report" and query.get("group_by[]") == "description":
            page = self._admin_page(state.extra.get("cost_pages", []), query.get("page"))
        else:
            return 404, {"type": "error", "error": {"type": "not_found_error", "message": f"Unknown path {rest}"}}, {}
        if page is None:
            return 400, {"type": "error", "error": {"type": "invalid_request_error", "message": "invalid page"}}, {}
        return 200, page, {}

    # sending ---------------------------------------------------------------

    def _encode(self, payload: Any) -> tuple[bytes, str]:
        if isinstance(payload, bytes):
            return payload, "application/octet-stream"
        if isinstance(payload, str):
            ctype = "text/html" if payload.lstrip().startswith("<") else "text/plain"
            return payload.encode(), ctype
        return json.dumps(payload).encode(), "application/json"

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data, ctype = self._encode(payload)
        try:
            self.send_response(status)
            self.send_header("content-type", (headers or {}).get("content-type", ctype))
            self.send_header("content-length", str(len(data)))
            for k, v in (headers or {}).items():
                if k.lower() != "content-type":
                    self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            pass

    def _send_stalled(self, status: int, payload: Any) -> None:
        data, ctype = self._encode(payload)
        try:
            self.send_response(status)
            self.send_header("content-type", ctype)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            while not self.fake.stopping:
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass


    def _send_huge(self, size: int, *, chunked: bool) -> None:
        """`{"data": [{"id": "xxxx..."}]}` padded to `size` bytes, streamed in 64 KiB pieces."""
        head, tail = b'{"object": "list", "data": [{"id": "', b'"}]}'
        pad = max(0, size - len(head) - len(tail))
        try:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            if chunked:
                self.send_header("transfer-encoding", "chunked")
            else:
                self.send_header("content-length", str(len(head) + pad + len(tail)))
            self.end_headers()
            pieces = [head] + [b"x" * min(65536, pad - i) for i in range(0, pad, 65536)] + [tail]
            for piece in pieces:
                if self.fake.stopping:
                    return
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            pass

    def _send_faulty(self, status: int, payload: Any, fault: Fault) -> None:
        data, ctype = self._encode(payload)
        try:
            self.send_response(status)
            self.send_header("content-type", ctype)
            if fault.chunked:
                self.send_header("transfer-encoding", "chunked")
            else:
                self.send_header("content-length", str(len(data)))
            if fault.truncate:
                self.send_header("connection", "close")
            self.end_headers()
            if fault.truncate:
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            step = 16 if fault.drip else max(1, len(data))
            for i in range(0, len(data), step):
                piece = data[i : i + step]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if fault.chunked else piece)
                self.wfile.flush()
                if fault.drip:
                    if self.fake.stopping:
                        return
                    time.sleep(fault.drip)
            if fault.chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass


def closed_port() -> int:
    """A loopback port nothing listens on (connect refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Blackhole:
    """A loopback port whose accept queue is full: connects hang until they time out."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        self.port = self.sock.getsockname()[1]
        self._fillers: list[socket.socket] = []
        for _ in range(3):
            c = socket.socket()
            c.setblocking(False)
            try:
                c.connect(("127.0.0.1", self.port))
            except BlockingIOError:
                pass
            self._fillers.append(c)

    def close(self) -> None:
        for c in self._fillers:
            c.close()
        self.sock.close()

    def __enter__(self) -> Blackhole:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main() -> None:  # pragma: no cover - manual use: python -m tests.e2e.fakeserver
    import sys
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "fixtures"
    server = FakeProviderServer()
    server.add("openai", models=json.loads((data / "openai_models.json").read_text())["data"])
    server.start()
    print(f"fake providers on http://127.0.0.1:{server.port}/ (Ctrl+C to stop)", file=sys.stderr)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
