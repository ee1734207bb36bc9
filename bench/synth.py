"""Synthetic large model lists in the exact shape of the real captured bodies in tests/fixtures/.

A real OpenAI organisation with thousands of models is mostly fine-tunes (`ft:BASE:ORG:NAME:ID`);
a large Gemini-style list is many `models/...` objects with limits and generation methods; xAI's
language-model list carries prices in 1e-10 USD units. Each generator is deterministic, so two
runs of a benchmark sync the same data, and `price_shift` changes prices for a re-sync with changes.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from .common import fixture


def _tag(i: int) -> str:
    return hashlib.blake2s(str(i).encode(), digest_size=4).hexdigest()


def openai_models(n: int) -> list[dict[str, Any]]:
    """`n` objects of GET /v1/models: the 74 captured ones, then fine-tunes of the chat models."""
    base = fixture("openai__chatgpt-export-curl-2025-06-09.json")["data"]
    out = [dict(m) for m in base[:n]]
    bases = [m for m in base if m["id"].startswith(("gpt-4o", "gpt-4.1", "gpt-3.5-turbo", "o4-mini", "gpt-4o-mini"))] or base
    i = 0
    while len(out) < n:
        b = bases[i % len(bases)]
        out.append(
            {
                "id": f"ft:{b['id']}:acme-{i % 53}:run-{i:06d}:{_tag(i)}",
                "object": "model",
                "created": int(b.get("created") or 1700000000) + i * 17,
                "owned_by": f"user-{_tag(i % 211)}",
            }
        )
        i += 1
    return out


def gemini_models(n: int) -> list[dict[str, Any]]:
    """`n` objects of GET /v1beta/models, cloned from the captured 2026 list with distinct names."""
    base = fixture("gemini__llm-gemini__2026-08-05.json")["models"]
    out = [copy.deepcopy(m) for m in base[:n]]
    i = 0
    while len(out) < n:
        m = copy.deepcopy(base[i % len(base)])
        stem = m["name"].split("/", 1)[1]
        m["name"] = f"models/{stem}-tuned-{i:06d}"
        m["displayName"] = f"{m.get('displayName', stem)} tuned {i}"
        m["version"] = f"{i % 7}.{i % 3}"
        out.append(m)
        i += 1
    return out


def xai_language_models(n: int, price_shift: int = 0) -> list[dict[str, Any]]:
    """`n` objects of xAI's /v1/language-models (prices in 1e-10 USD per token)."""
    base = fixture("examples/xai.json")["models"]
    out = []
    i = 0
    while len(out) < n:
        m = copy.deepcopy(base[i % len(base)])
        if i >= len(base):
            m["id"] = f"{m['id']}-bench-{i:06d}"
            m["aliases"] = [f"{m['id']}-latest"]
        for key in ("prompt_text_token_price", "completion_text_token_price", "cached_prompt_text_token_price"):
            if isinstance(m.get(key), int) and m[key]:
                m[key] = m[key] + 1000 * ((i % 5) + price_shift)
        out.append(m)
        i += 1
    return out


def xai_models_list(language: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """xAI's plain /v1/models list for the same ids."""
    return [
        {"id": m["id"], "created": m.get("created", 1743724800), "object": "model", "owned_by": "xai"}
        for m in language
    ]
