"""The API key: the variables that hold it, and hiding its value wherever text leaves us.

livetui never writes the key anywhere, and still scrubs it (defence in depth) from the
two kinds of text that leave the process:
- records and exports (core.store): the exact value and its JSON-escaped spelling,
  keys of MIN_SECRET_CHARS or more only (a shorter value would scrub ordinary words);
- stderr, the log and the lines printed after the screen is gone (livetui.cli):
  the value even where Rich wrapped it across lines or boxed it in borders.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping

KEY_VARS = ("GEMINI_API_KEY", "GOOGLE_API_KEY")  # the SDK's names, in the order it reads them
MASK = "***"
MIN_SECRET_CHARS = 9  # shorter values would scrub ordinary words (records and exports)


def key_values(environ: Mapping[str, str] | None = None) -> set[str]:
    """The non-empty values of the key variables, stripped."""
    env = os.environ if environ is None else environ
    return {env.get(name, "").strip() for name in KEY_VARS} - {""}


def api_key(environ: Mapping[str, str] | None = None) -> str | None:
    """The key the SDK would use: the first variable that is set and not empty."""
    env = os.environ if environ is None else environ
    return next((env[name] for name in KEY_VARS if env.get(name)), None)


def record_secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """The spellings `scrub_secrets` replaces: each long enough key value, also JSON-escaped
    (records are scrubbed once serialised), the longest first."""
    found = {v for v in key_values(environ) if len(v) >= MIN_SECRET_CHARS}
    found |= {json.dumps(v, ensure_ascii=False)[1:-1] for v in found}
    return sorted(found, key=len, reverse=True)  # a longer key containing a shorter one goes first


def scrub_secrets(text: str, environ: Mapping[str, str] | None = None, *, secrets: list[str] | None = None) -> str:
    """`text` with the values of GEMINI_API_KEY / GOOGLE_API_KEY replaced by '***'
    (`secrets`: `record_secrets(environ)` worked out beforehand, for a store's every line)."""
    for secret in record_secrets(environ) if secrets is None else secrets:
        text = text.replace(secret, MASK)
    return text


class Scrubber:
    """Replaces the API keys found in the environment by '***', even across wrapped lines."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        # Rich wraps long values; allow line breaks and box-drawing borders between characters.
        self._patterns = [re.compile(r"[\s│|]*".join(map(re.escape, s))) for s in sorted(key_values(environ), key=len, reverse=True)]

    def __call__(self, text: str) -> str:
        for pattern in self._patterns:
            text = pattern.sub(MASK, text)
        return text
