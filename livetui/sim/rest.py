"""The REST side of the simulator: `GET /v1beta/models` and `GET /v1beta/models/NAME`.

Answered from the catalogue (`models.py`) in the shape Google's Generative Language API
uses, so `client.models.list()` and `client.models.get()` work against the simulator as
against Google. Plain HTTP requests reach the server through websockets'
`process_request`; every answer closes its connection (the server speaks no keep-alive).
"""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from .models import Model, live_models

__all__ = ["MODELS_PATH", "answer", "model_resource", "wants_rest"]

# Any leading slashes (a base URL ending in "/" gives "//v1beta/..."), the three API versions.
MODELS_PATH = re.compile(r"^/+(v1|v1beta|v1alpha)/models(?:/([^/]+))?/*$")

DEFAULT_PAGE_SIZE = 50  # Google's default for models.list
MAX_PAGE_SIZE = 1000

LIVE_METHODS = ("bidiGenerateContent", "countTokens")

# Google's list mixes Live models with all the others: a few of them, so a client's
# filter on supported actions has something to filter out.
OTHERS: tuple[dict[str, Any], ...] = (
    {
        "name": "models/gemini-3.5-flash",
        "version": "001",
        "displayName": "Gemini 3.5 Flash",
        "description": "Not a Live model: generateContent only.",
        "inputTokenLimit": 1_048_576,
        "outputTokenLimit": 65_536,
        "supportedGenerationMethods": ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"],
        "thinking": True,
    },
    {
        "name": "models/gemini-embedding-001",
        "version": "001",
        "displayName": "Gemini Embedding 001",
        "description": "Not a Live model: embeddings.",
        "inputTokenLimit": 2_048,
        "outputTokenLimit": 1,
        "supportedGenerationMethods": ["embedContent", "countTextTokens", "countTokens"],
    },
)


def _split(target: str) -> tuple[str, str]:
    # Not urlsplit: it reads "//v1beta/models" as a host name.
    path, _, query = target.partition("?")
    return path, query


def wants_rest(target: str) -> bool:
    return MODELS_PATH.match(_split(target)[0]) is not None


def model_resource(model: Model) -> dict[str, Any]:
    """One Live model as Google's `Model` resource (camelCase JSON)."""
    resource: dict[str, Any] = {
        "name": model.resource,
        "version": "001",
        "displayName": model.display_name,
        "description": model.description,
        "inputTokenLimit": model.input_token_limit,
        "outputTokenLimit": model.output_token_limit,
        "supportedGenerationMethods": list(LIVE_METHODS),
    }
    if model.thinking != "none":
        resource["thinking"] = True
    return resource


def _error(status: HTTPStatus, message: str, google_status: str, details: list[dict[str, Any]] | None = None) -> Response:
    body: dict[str, Any] = {"code": int(status), "message": message, "status": google_status}
    if details:
        body["details"] = details
    return _json(status, {"error": body})


def _json(status: HTTPStatus, data: dict[str, Any]) -> Response:
    body = json.dumps(data, indent=2).encode()
    headers = Headers(
        [
            ("Content-Type", "application/json; charset=UTF-8"),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
        ]
    )
    return Response(int(status), status.phrase, headers, body)


def _key_problem(key: str | None, reject_keys: frozenset[str]) -> Response | None:
    """The key checked as the Live endpoint checks it, answered in the REST API's words."""
    if key is None:
        return _error(
            HTTPStatus.FORBIDDEN,
            "Method doesn't allow unregistered callers (callers without established identity). "
            "Please use API Key or other form of API consumer identity to call this API.",
            "PERMISSION_DENIED",
        )
    if key in reject_keys:
        message = "API key not valid. Please pass a valid API key."
        return _error(
            HTTPStatus.BAD_REQUEST,
            message,
            "INVALID_ARGUMENT",
            [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"},
                },
                {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": message},
            ],
        )
    return None


def _catalogue(retired: bool) -> list[dict[str, Any]]:
    return [model_resource(m) for m in live_models(retired=retired)] + [dict(o) for o in OTHERS]


def answer(request: Request, key: str | None, *, retired: bool, reject_keys: frozenset[str] = frozenset()) -> Response:
    """The HTTP response to a models.list or models.get request."""
    path, query_text = _split(request.path)
    match = MODELS_PATH.match(path)
    assert match is not None, "wants_rest() first"
    version, name = match.group(1), match.group(2)
    if problem := _key_problem(key, reject_keys):
        return problem
    resources = _catalogue(retired)
    if name is not None:
        found = next((r for r in resources if r["name"] == f"models/{name}"), None)
        if found is None:
            return _error(
                HTTPStatus.NOT_FOUND,
                f"models/{name} is not found for API version {version}, or is not supported for GetModel. "
                "Call ListModels to see the list of available models and their supported methods.",
                "NOT_FOUND",
            )
        return _json(HTTPStatus.OK, found)
    query = parse_qs(query_text)
    size_text = (query.get("pageSize") or [""])[0]
    token = (query.get("pageToken") or [""])[0]
    try:
        size = int(size_text) if size_text else DEFAULT_PAGE_SIZE
        start = int(token) if token else 0
    except ValueError:
        return _error(HTTPStatus.BAD_REQUEST, "Invalid value for pageSize or pageToken.", "INVALID_ARGUMENT")
    if size < 0 or not 0 <= start <= len(resources):
        return _error(HTTPStatus.BAD_REQUEST, "Invalid value for pageSize or pageToken.", "INVALID_ARGUMENT")
    size = min(size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    page: dict[str, Any] = {"models": resources[start : start + size]}
    if start + size < len(resources):
        page["nextPageToken"] = str(start + size)
    return _json(HTTPStatus.OK, page)
