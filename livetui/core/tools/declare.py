"""A declared function as the connect config sends it, and whether the SDK takes it.

One builder for both: `core.connectconfig` sends what `declaration` makes, and the
declarations file is checked by building the SDK's own `FunctionDeclaration` from the
same dict, so a file that passes `livetui tools check` is one the SDK will send.
"""

from __future__ import annotations

import warnings
from typing import Any

from .spec import ToolSpec

__all__ = ["declaration", "sdk_refusal"]


def declaration(spec: ToolSpec, *, behavior: bool = True) -> dict[str, Any]:
    """`spec` as one `function_declarations` item. The parameters go as
    `parameters_json_schema` (a JSON schema as written: lowercase types, any keyword),
    the SDK's own choice for Python callables, rather than its OpenAPI `Schema` subset.
    `behavior=False` leaves the behavior out (a model that calls synchronously only)."""
    decl: dict[str, Any] = {"name": spec.name}
    if spec.description:
        decl["description"] = spec.description
    if spec.parameters:
        decl["parameters_json_schema"] = _plain(spec.parameters)
    if behavior and spec.behavior:
        decl["behavior"] = spec.behavior
    return decl


def sdk_refusal(decl: dict[str, Any]) -> str | None:
    """None when the google-genai SDK builds a `Tool` from this declaration, else its words.
    A value it only warns about (an unknown enum, which it would send as is) counts too."""
    import pydantic
    from google.genai import types

    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        try:
            types.Tool(function_declarations=[types.FunctionDeclaration(**decl)])
        except pydantic.ValidationError as exc:
            return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False))
    if warned:
        return "; ".join(str(w.message) for w in warned)
    return None


def _plain(value: Any) -> Any:
    """Read-only mappings and tuples as plain dicts and lists (what JSON and pydantic take)."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
