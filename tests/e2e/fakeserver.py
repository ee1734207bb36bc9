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
}

#: The key each provider accepts unless a test sets another.
DEFAULT_KEYS = {
    "openai": "sk-test-openai-0123456789",
    "gemini": "gm-test-gemini-0123456789",
    "xai": "xai-test-0123456789abcdef",
}


@dataclass
class Fault:
    """What the server does instead of (or before) answering one request.

    status: answer with this status and `body` (dict -> JSON, str -> as is) and `headers`.
    delay: sleep this long first (then answer normally unless status is set).
    hang: accept and never answer (until the server stops).
    stall: send headers and half of the real body, then stop sending.
    body_override: answer 200 with this body (str or bytes) instead of the real one.
    redirect: answer 302 to this URL.
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

    def next_fault(self, provider: str) -> Fault | None:
        with self.lock:
            queue = self.providers[provider].faults
            if not queue:
                return None
            fault = queue[0]
            fault.repeat -= 1
            if fault.repeat <= 0:
                queue.pop(0)
            return fault

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
        fault = self.fake.next_fault(provider)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.hang:
                while not self.fake.stopping:
                    time.sleep(0.05)
                return
            if fault.redirect:
                return self._send(302, "", headers={"location": fault.redirect})
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
        start = int(query.get("pageToken", "0") or 0)
        page = state.models[start : start + size]
        out: dict[str, Any] = {"models": page}
        if start + size < len(state.models):
            out["nextPageToken"] = str(start + size)
        if state.extra.get("repeat_token"):
            out["nextPageToken"] = "0"
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
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
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
