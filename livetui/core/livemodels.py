"""Which Live models the service offers (`client.models.list()`), and a model that cannot be used, in words.

Used by `livetui models` and the settings picker. The list is the service's; this module
only marks the default and the retired ones from what the console knows
(`core.models`), and turns every failure into one line a person can act on.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

from .models import DEFAULT_MODEL, KNOWN, Retired, retired
from .netcause import Endpoint, classify, endpoint_of
from .sanitize import safe_text

__all__ = [
    "LIVE_ACTION",
    "ListingError",
    "LiveModel",
    "UnusableModel",
    "known_live_models",
    "list_live_models",
    "not_found_line",
    "not_found_model",
    "retired_line",
]

LIVE_ACTION = "bidiGenerateContent"  # what a model must support to hold a Live session
CHOOSE = "choose another with F2 or --model (`livetui models` lists them)"
LIST_TIMEOUT_S = 20.0  # the SDK's REST calls have no timeout of their own: a silent server would hang the listing


@dataclass(frozen=True)
class LiveModel:
    name: str  # without "models/"
    display_name: str = ""
    default: bool = False
    retired: Retired | None = None

    @property
    def note(self) -> str:
        """"default", "retired: use X", or ""."""
        if self.retired is not None:
            return f"retired {self.retired.shut_down}: use {self.retired.replacement}"
        return "default" if self.default else ""


class ListingError(Exception):
    """The models could not be listed; str() is one line with what to do."""


class UnusableModel(Exception):
    """A model the console will not connect to (known to be shut down); str() is one line."""

    def __init__(self, model: str) -> None:
        super().__init__(retired_line(model))
        self.model = model


def _clean(text: object, limit: int = 200) -> str:
    # Service text is data: one line, control characters shown (core.sanitize), not a wall of text.
    line = " ".join(safe_text(str(text)).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _entry(name: str, display_name: str = "") -> LiveModel:
    bare = _clean(name.removeprefix("models/"), 120)  # the name too is the service's text
    return LiveModel(bare, _clean(display_name, 80), default=bare == DEFAULT_MODEL, retired=retired(bare))


async def list_live_models(client: Any) -> tuple[LiveModel, ...]:
    """The Live models `client` (a google-genai Client) is offered, in the service's order.

    Through the SDK's async client (`client.aio`), as the Live session itself is configured.
    Raises ListingError with one line when the service refuses or offers none.
    """
    try:
        async with asyncio.timeout(LIST_TIMEOUT_S):
            pager = await client.aio.models.list()
            models = [m async for m in pager if LIVE_ACTION in (getattr(m, "supported_actions", None) or [])]
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, one line
        raise ListingError(listing_problem(exc, endpoint_of(client))) from exc
    if not models:
        raise ListingError(f"the service offers no Live models (none supports {LIVE_ACTION}) · check the API key's project")
    return tuple(_entry(m.name or "", m.display_name or "") for m in models if m.name)


def known_live_models() -> tuple[LiveModel, ...]:
    """The console's own list, for when the service cannot be asked (conversation models first)."""
    return tuple(_entry(m.name) for m in KNOWN)


def listing_problem(exc: BaseException, endpoint: Endpoint | None = None) -> str:
    """Why the listing failed, in one line, with the fix where there is one (a failed
    connection in `core.netcause`'s words, the same as the Live session's)."""
    from google.genai import errors  # here: the SDK takes half a second to import

    if isinstance(exc, errors.APIError):
        code = exc.code if isinstance(exc.code, int) else None
        said = _clean(exc.message or exc.status or "")
        where = f"{code} {exc.status}: {said}" if exc.status and said != exc.status else f"{code}: {said}"
        if (code == 400 and "api key" in said.lower()) or "API_KEY_INVALID" in str(exc.details):
            return f"the API key was refused ({said}) · check GEMINI_API_KEY or GOOGLE_API_KEY"
        if code in (401, 403):
            return f"the service refused to list the models ({where}) · check the API key and that the Gemini API is enabled for it"
        if code == 404:
            return f"the service has no model list at this address ({where}) · check GOOGLE_GEMINI_BASE_URL"
        if code == 429:
            return f"too many requests or quota reached ({where}) · wait, or check your plan"
        return f"the service could not list the models ({where}) · try again later"
    if (cause := classify(exc, endpoint, "rest")) is not None:
        return f"cannot list the models: {cause.line}"
    text = _clean(exc) or type(exc).__name__
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in type(exc).__name__:
        return f"TLS failed: {text} · if you use livetui-sim, set SSL_CERT_FILE from its output"
    return f"cannot reach the service to list the models ({text}) · check the network"


# --- a model that cannot be used, in words ------------------------------------------------

_NOT_FOUND = re.compile(r"models/(\S+?) is not found for API version")


def not_found_model(reason: str) -> str | None:
    """The model named in the service's 1008 "models/X is not found for API version ..." close."""
    found = _NOT_FOUND.search(reason)
    return found.group(1) if found else None


def _instead(gone: Retired) -> str:
    if gone.replacement == DEFAULT_MODEL:
        return f"use {gone.replacement} (its replacement, the default)"
    return f"use {gone.replacement} (its replacement) or {DEFAULT_MODEL} (the default)"


def retired_line(model: str) -> str:
    """Why the console does not connect to `model` (known to be shut down), and what to do."""
    gone = retired(model)
    if gone is None:
        return f"{model} cannot be used · {CHOOSE}"
    return f"{gone.name} was retired (shut down {gone.shut_down}) · {_instead(gone)} · F2 to choose; what you type is kept"


def not_found_line(model: str) -> str:
    """The service's "not found" close, in words: the model, retired or unknown, the replacement if known."""
    gone = retired(model)
    known = f" · it was shut down {gone.shut_down}; {_instead(gone)}" if gone else ""
    return f"{model}: not found (retired or unknown){known} · {CHOOSE}"
