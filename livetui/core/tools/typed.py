"""A result the person types in the call's dialog, read as the model will get it.

JSON when it is JSON; plain text otherwise, sent as {"output": text}. Text that starts
the way JSON does ({, [ or ") but does not parse is a mistake worth saying, not text to
pass on: the person meant JSON and the model would get a broken string.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["TypedResult", "typed_result"]

_JSON_STARTS = ("{", "[", '"')


@dataclass(frozen=True)
class TypedResult:
    response: dict[str, Any] | None  # what goes to the model; None when `problem` says why not
    problem: str = ""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: Python reads them, JSON has none


def typed_result(text: str) -> TypedResult:
    body = text.strip()
    if not body:
        return TypedResult(None, "Type a result (JSON or plain text), or refuse the call.")
    try:
        value = json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        if body.startswith(_JSON_STARTS):
            where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "too deeply nested"
            return TypedResult(None, f"This looks like JSON but is not valid: {reason}{where}. Fix it, or type plain text.")
        return TypedResult({"output": body})
    return TypedResult({"output": value})
