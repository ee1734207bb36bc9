"""Matching store models to feed entries: provider + exact id, plus only the rules a feed states.

- LiteLLM: the entry of the same provider with the same id; an `alias_of` row is an entry of its
  own (already resolved by the parser, only within one provider).
- models.dev: the entry of the same provider (mapped by the provider specs) with the same id.
- genai-prices: a model of a genai-prices provider mapped to the same slug whose id equals ours,
  or that one of its `equals` clauses names, else the first one (in feed order) whose other
  `match` rules accept our id: the feed's own semantics, with exact ids tried first.

Never across providers, never fuzzy: no match means the price stays unknown.

A model is also every alias its provider states (`store.model_alias`): when no entry has the
model's own id, an entry under one of its aliases is the model's entry (`for_model`), and a feed
entry under an alias is never a second, catalog-only model (`identity_pairs`).
"""

from __future__ import annotations

import operator
import re
from functools import lru_cache
from typing import Callable, Iterable, Mapping, TypeVar

from ..jsonvalue import JSON, as_list, objects
from .clouds import cloud_entry
from .feeds import GENAI_PROVIDERS, FeedEntry, GenaiFeed, GenaiModel
from .modelsdev import ModelsDevEntry

_Found = TypeVar("_Found")


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _clauses(value: JSON) -> list[dict[str, JSON]] | None:
    """The clauses of an `and`: None when it is not a list of clauses only. Dropping a part that
    cannot be read would make the rule accept more ids than the feed wrote."""
    if not isinstance(value, list) or not value or not all(isinstance(part, dict) for part in value):
        return None
    return objects(value)


def rule_matches(rule: Mapping[str, JSON], text: str) -> bool:
    """genai-prices match clauses: equals, starts_with, ends_with, contains, regex, or, and.
    A clause whose value is not text never matches, nor does an `or` / `and` that is not a list
    of clauses (an `or` alternative that is not a clause is no alternative)."""
    if "equals" in rule:
        return text == rule["equals"]
    for name in ("starts_with", "ends_with", "contains", "regex"):
        if name in rule:
            value = rule[name]
            return isinstance(value, str) and _TEXT_TESTS[name](text, value)
    if "or" in rule:
        return any(rule_matches(r, text) for r in objects(rule["or"]))
    if "and" in rule:
        parts = _clauses(rule["and"])
        return parts is not None and all(rule_matches(r, text) for r in parts)
    return False  # an unknown clause never matches: no guessing


def _found_by_regex(text: str, pattern: str) -> bool:
    rx = _regex(pattern)
    return rx is not None and rx.search(text) is not None


#: The text clauses: (id, the clause's text) -> whether the id passes.
_TEXT_TESTS: dict[str, Callable[[str, str], bool]] = {
    "starts_with": str.startswith,
    "ends_with": str.endswith,
    "contains": lambda text, part: part in text,
    "regex": _found_by_regex,
}


def _never(text: str) -> bool:
    return False


def compile_rule(rule: Mapping[str, JSON]) -> Callable[[str], bool]:
    """`rule_matches(rule, ·)` as one closure: same clauses, same order of precedence. The matcher
    tries every rule of a provider against each id that has no exact match (~90,000 tries for the
    bench catalog), and re-reading the rule dict each time was a fifth of a pricing re-run."""
    if "equals" in rule:
        value = rule["equals"]
        return lambda text: text == value
    for name in ("starts_with", "ends_with", "contains", "regex"):
        if name in rule:
            value = rule[name]
            return _compile_text(name, value) if isinstance(value, str) else _never
    if "or" in rule:
        alts = tuple(compile_rule(r) for r in objects(rule["or"]))
        return lambda text: any(f(text) for f in alts)
    if "and" in rule:
        clauses = _clauses(rule["and"])
        if clauses is None:
            return _never
        parts = tuple(compile_rule(r) for r in clauses)
        return lambda text: all(f(text) for f in parts)
    return _never


def _compile_text(name: str, value: str) -> Callable[[str], bool]:
    """One text clause (starts_with, ends_with, contains, regex) as a closure."""
    if name == "starts_with":
        return operator.methodcaller("startswith", value)
    if name == "ends_with":
        return operator.methodcaller("endswith", value)
    if name == "contains":
        return lambda text: value in text
    rx = _regex(value)
    return (lambda text: rx.search(text) is not None) if rx is not None else _never


def _only_equals(rule: Mapping[str, JSON]) -> bool:
    if "equals" in rule:
        return True
    if "or" in rule:
        alts = as_list(rule["or"])
        return all(isinstance(r, dict) and _only_equals(r) for r in alts)
    return False


def _equals_values(rule: Mapping[str, JSON]) -> list[str]:
    """The exact ids a rule names: `equals` clauses, directly or inside `or` (not inside `and`)."""
    if "equals" in rule:
        value = rule["equals"]
        return [value] if isinstance(value, str) else []  # an id is text: another kind names none
    if "or" in rule:
        return [v for r in objects(rule["or"]) for v in _equals_values(r)]
    return []


def _compiled(m: GenaiModel, cache: dict[int, Callable[[str], bool]]) -> Callable[[str], bool]:
    """One closure per genai model (a model can serve several slugs)."""
    found = cache.get(id(m))
    if found is None:
        found = compile_rule(m.match)
        cache[id(m)] = found
    return found


class Matcher:
    def __init__(
        self, entries: Iterable[FeedEntry], genai: GenaiFeed | None = None, modelsdev: Iterable[ModelsDevEntry] = ()
    ) -> None:
        self.litellm: dict[tuple[str, str], FeedEntry] = {(e.provider, e.model_id): e for e in entries}
        self.modelsdev: dict[tuple[str, str], ModelsDevEntry] = {}
        """(our slug, id) -> models.dev's entry; exact ids only (models.dev states no aliases)."""
        for md in modelsdev:
            self.modelsdev.setdefault((md.provider, md.model_id), md)
        self.regions: dict[str, str] = {}
        """Provider slug -> the cloud region its prices are for (see pricing/clouds.py)."""
        self.targets: dict[tuple[str, str], str] = {}
        """(provider, deployment) -> the model it serves (Azure; see pricing/clouds.py)."""
        self.genai: dict[str, list[GenaiModel]] = {}
        self._exact: dict[str, dict[str, GenaiModel]] = {}
        self._rules: dict[str, list[tuple[Callable[[str], bool], GenaiModel]]] = {}
        if genai is not None:
            for pid, models in genai.models.items():
                for slug in GENAI_PROVIDERS.get(pid, (pid,)):
                    self.genai.setdefault(slug, []).extend(models)
            compiled: dict[int, Callable[[str], bool]] = {}
            for slug, models in self.genai.items():
                exact = self._exact.setdefault(slug, {})
                for m in models:
                    exact.setdefault(m.model_id, m)
                for m in models:
                    for value in _equals_values(m.match):
                        exact.setdefault(value, m)
                self._rules[slug] = [(_compiled(m, compiled), m) for m in models if not _only_equals(m.match)]

    def litellm_for(self, provider: str, model_id: str) -> FeedEntry | None:
        return cloud_entry(self.litellm, provider, model_id, self.regions, self.targets) or self.litellm.get((provider, model_id))

    def genai_for(self, provider: str, model_id: str) -> GenaiModel | None:
        exact = self._exact.get(provider)
        if not exact:
            return None
        found = exact.get(model_id)
        if found is not None:
            return found
        for matches, m in self._rules.get(provider, ()):
            if matches(model_id):
                return m
        return None

    def litellm_for_model(self, provider: str, model_id: str, aliases: Iterable[str] = ()) -> FeedEntry | None:
        """The entry of the model's own id, else of the first alias (sorted) that has one."""
        return for_model(self.litellm_for, provider, model_id, aliases)

    def genai_for_model(self, provider: str, model_id: str, aliases: Iterable[str] = ()) -> GenaiModel | None:
        return for_model(self.genai_for, provider, model_id, aliases)

    def modelsdev_for(self, provider: str, model_id: str) -> ModelsDevEntry | None:
        return self.modelsdev.get((provider, model_id))

    def modelsdev_for_model(self, provider: str, model_id: str, aliases: Iterable[str] = ()) -> ModelsDevEntry | None:
        return for_model(self.modelsdev_for, provider, model_id, aliases)



def for_model(lookup: Callable[[str, str], _Found | None], provider: str, model_id: str, aliases: Iterable[str] = ()) -> _Found | None:
    """`lookup(provider, id)` for the model's own id first, then for each alias its provider
    states (in sorted order, so the choice is stable). None when none matches."""
    found = lookup(provider, model_id)
    if found is not None:
        return found
    for alias in sorted(aliases):
        found = lookup(provider, alias)
        if found is not None:
            return found
    return None
