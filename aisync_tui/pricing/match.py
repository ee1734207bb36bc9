"""Matching store models to feed entries: provider + exact id, plus only the rules a feed states.

- LiteLLM: the entry of the same provider with the same id; an `alias_of` row is an entry of its
  own (already resolved by the parser, only within one provider).
- genai-prices: a model of a genai-prices provider mapped to the same slug whose id equals ours,
  or that one of its `equals` clauses names, else the first one (in feed order) whose other
  `match` rules accept our id: the feed's own semantics, with exact ids tried first.

Never across providers, never fuzzy: no match means the price stays unknown.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Mapping

from .feeds import GENAI_PROVIDERS, FeedEntry, GenaiFeed, GenaiModel


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def rule_matches(rule: Mapping[str, Any], text: str) -> bool:
    """genai-prices match clauses: equals, starts_with, ends_with, contains, regex, or, and."""
    if "equals" in rule:
        return text == rule["equals"]
    if "starts_with" in rule:
        return text.startswith(str(rule["starts_with"]))
    if "ends_with" in rule:
        return text.endswith(str(rule["ends_with"]))
    if "contains" in rule:
        return str(rule["contains"]) in text
    if "regex" in rule:
        rx = _regex(str(rule["regex"]))
        return bool(rx and rx.search(text))
    if "or" in rule:
        return any(isinstance(r, dict) and rule_matches(r, text) for r in rule["or"])
    if "and" in rule:
        parts = [r for r in rule["and"] if isinstance(r, dict)]
        return bool(parts) and all(rule_matches(r, text) for r in parts)
    return False  # an unknown clause never matches: no guessing


def _only_equals(rule: Mapping[str, Any]) -> bool:
    if "equals" in rule:
        return True
    if "or" in rule:
        return all(isinstance(r, dict) and _only_equals(r) for r in rule["or"])
    return False


def _equals_values(rule: Mapping[str, Any]) -> list[str]:
    """The exact ids a rule names: `equals` clauses, directly or inside `or` (not inside `and`)."""
    if "equals" in rule:
        return [str(rule["equals"])]
    if "or" in rule:
        return [v for r in rule["or"] if isinstance(r, dict) for v in _equals_values(r)]
    return []


class Matcher:
    def __init__(self, entries: Iterable[FeedEntry], genai: GenaiFeed | None = None) -> None:
        self.litellm: dict[tuple[str, str], FeedEntry] = {(e.provider, e.model_id): e for e in entries}
        self.genai: dict[str, list[GenaiModel]] = {}
        self._exact: dict[str, dict[str, GenaiModel]] = {}
        self._rules: dict[str, list[GenaiModel]] = {}
        if genai is not None:
            for pid, models in genai.models.items():
                for slug in GENAI_PROVIDERS.get(pid, (pid,)):
                    self.genai.setdefault(slug, []).extend(models)
            for slug, models in self.genai.items():
                exact = self._exact.setdefault(slug, {})
                for m in models:
                    exact.setdefault(m.model_id, m)
                for m in models:
                    for value in _equals_values(m.match):
                        exact.setdefault(value, m)
                self._rules[slug] = [m for m in models if not _only_equals(m.match)]

    def litellm_for(self, provider: str, model_id: str) -> FeedEntry | None:
        return self.litellm.get((provider, model_id))

    def genai_for(self, provider: str, model_id: str) -> GenaiModel | None:
        exact = self._exact.get(provider)
        if not exact:
            return None
        found = exact.get(model_id)
        if found is not None:
            return found
        for m in self._rules.get(provider, ()):
            if rule_matches(m.match, model_id):
                return m
        return None

    def entries_of(self, provider: str) -> list[FeedEntry]:
        return [e for (p, _), e in self.litellm.items() if p == provider]
