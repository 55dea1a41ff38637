"""Reading and writing Live protocol frames, as the real service tolerates them.

The SDK camel-cases only the keys its converter names; nested objects keep their
snake_case keys (see the protocol notes). So every protocol field is looked up under
both spellings, and user data (tool args, schemas) is never re-cased.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

_CAMEL_BOUNDARY = re.compile(r"_([a-z0-9])")


def camel(name: str) -> str:
    """`turn_complete` -> `turnComplete`."""
    return _CAMEL_BOUNDARY.sub(lambda m: m.group(1).upper(), name)


def snake(name: str) -> str:
    """`turnComplete` -> `turn_complete`."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def field(obj: Any, name: str, default: Any = None) -> Any:
    """`obj[name]` under its camelCase or snake_case spelling, or `default`."""
    if not isinstance(obj, Mapping):
        return default
    for key in (name, camel(name), snake(name)):
        if key in obj:
            return obj[key]
    return default


def decode_bytes(data: Any) -> bytes:
    """Decode base64 as the SDK sends it (URL-safe, padded) or as others do (standard)."""
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    if not isinstance(data, str):
        raise ValueError("bytes field is not a base64 string")
    text = data.replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"invalid base64: {exc}") from None


def encode_bytes(data: bytes) -> str:
    """Standard base64, as the real service sends it."""
    return base64.b64encode(data).decode("ascii")


def pcm_rate(mime_type: Any, default: int = 16000) -> int:
    """The sample rate named in `audio/pcm;rate=24000`, or `default`."""
    if isinstance(mime_type, str):
        match = re.search(r"rate\s*=\s*(\d+)", mime_type)
        if match:
            return int(match.group(1))
    return default


_PAYLOAD_KEYS = {"data"}


def redact_payloads(msg: Any) -> Any:
    """A copy of a frame with every base64 `data` payload replaced by its byte length.
    A PCM audio blob also gets `peak`: its loudest sample's magnitude (0..32768).

    Keeps the frame log small and readable; benchmarks still see how much audio
    passed, and which chunks carried sound (speech) rather than silence.
    """
    if isinstance(msg, Mapping):
        out = {}
        for key, value in msg.items():
            if key in _PAYLOAD_KEYS and isinstance(value, str):
                try:
                    raw = decode_bytes(value)
                except ValueError:
                    out[key] = value
                    continue
                out[key] = len(raw)
                mime = msg.get("mimeType", msg.get("mime_type"))
                if isinstance(mime, str) and mime.startswith("audio/pcm") and len(raw) >= 2:
                    samples = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2")
                    out["peak"] = int(np.abs(samples.astype(np.int32)).max())
            else:
                out[key] = redact_payloads(value)
        return out
    if isinstance(msg, list):
        return [redact_payloads(item) for item in msg]
    return msg
