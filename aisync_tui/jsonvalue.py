"""The shapes of JSON that crosses the program's edge.

A decoded body, feed or file is `JSON`: exactly what `json.loads` can return, and nothing about its
shape is known until it is checked. Code that reads outside data narrows a value with `isinstance` (or
with `as_object` / `as_list` below, which say "missing or of the wrong kind" by returning an empty one)
before it uses it, so the type checker holds every reader to the rule that outside data is hostile.

A document we build for output (`--json`, the MCP server's answers) is `JSONOut`: any mapping of
strings to values `json.dumps` accepts; its values are ours, so they are typed loosely on purpose.
"""

from __future__ import annotations

import json
from typing import Mapping, TypeAlias

#: A decoded JSON value of unknown shape.
JSON: TypeAlias = None | bool | int | float | str | list["JSON"] | dict[str, "JSON"]

#: A decoded JSON object, read-only.
JSONObject: TypeAlias = Mapping[str, JSON]

#: A document of ours on its way to `json.dumps`.
JSONOut: TypeAlias = dict[str, object]


def decode(text: str | bytes) -> JSON:
    """`json.loads`, typed: the caller narrows the result before using it."""
    value: JSON = json.loads(text)
    return value


def stored_json(text: str | bytes) -> JSON:
    """A JSON column read back from the store, which may be damaged (a hand edit, another tool):
    text that does not decode reads as that text, a JSON string, which no reader takes for the
    list or object it expects, so each reader's own "wrong kind" rule applies."""
    try:
        return decode(text)
    except (ValueError, RecursionError):
        return text.decode("utf-8", "replace") if isinstance(text, bytes) else text


def as_object(value: object) -> dict[str, JSON]:
    """`value` when it is a JSON object, else an empty one (missing and wrong-kind read the same)."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[JSON]:
    """`value` when it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def json_kind(value: object) -> str:
    """What kind of JSON value `value` is, in words for a message ("a list", "text", ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


def objects(value: object) -> list[dict[str, JSON]]:
    """The objects of a JSON array, skipping items of any other kind."""
    return [item for item in as_list(value) if isinstance(item, dict)]
