"""The record behind the Event log screen: every message of the session, both ways.

Bounded (a long session must not grow memory forever), cheap to append to from
the receive loop, and versioned so a UI timer can skip refreshes when nothing changed.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import threading
import time
from collections import Counter, deque
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

if TYPE_CHECKING:  # the SDK takes half a second to import: not before the first frame
    from google.genai import types

from .decode import describe_message, payload_size
from .sanitize import safe_text

Direction = Literal["in", "out", "info"]  # "out" = client->server, "in" = server->client

SUMMARY_CHARS = 160
# Kinds kept longer: their summary is the message itself (the raw groundingMetadata).
RAW_KINDS = frozenset({"serverContent.groundingMetadata"})
RAW_CHARS = 4000


@dataclasses.dataclass(frozen=True)
class LogEntry:
    seq: int
    at: float  # time.monotonic(), for intervals
    wall: datetime  # local wall-clock time, for display
    direction: Direction
    kind: str
    size: int  # approximate payload bytes; audio counted raw, not base64
    summary: str


class EventLog:
    def __init__(self, limit: int = 5000) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        self.limit = limit
        self.version = 0
        self._entries: deque[LogEntry] = deque(maxlen=limit)
        self._kind_counts: Counter[str] = Counter()  # kinds of the entries still held
        self._next_seq = 1
        # Written from the session's loop (core/netloop.py), read by the UI's.
        self._lock = threading.Lock()

    def add(self, direction: Direction, kind: str, size: int, summary: str) -> LogEntry:
        at, wall = time.monotonic(), datetime.now().astimezone()
        with self._lock:
            # What the service and the user sent, as data: the Event log shows it, never obeys it.
            entry = LogEntry(seq=self._next_seq, at=at, wall=wall, direction=direction, kind=safe_text(kind), size=size, summary=safe_text(summary))
            self._next_seq += 1
            if len(self._entries) == self.limit:
                dropped = self._entries[0]  # the deque drops it on append
                self._kind_counts[dropped.kind] -= 1
                if not self._kind_counts[dropped.kind]:
                    del self._kind_counts[dropped.kind]
            self._entries.append(entry)
            self._kind_counts[kind] += 1
            self.version += 1
        return entry

    def server(self, msg: types.LiveServerMessage) -> LogEntry:
        kind, summary = describe_message(msg)
        return self.received(kind, payload_size(msg), summary)

    def received(self, kind: str, size: int, summary: str) -> LogEntry:
        """A server message already described (core.decode.describe_message)."""
        return self.add("in", kind, size, _short(summary, RAW_CHARS if kind in RAW_KINDS else SUMMARY_CHARS))

    def client(self, kind: str, payload: Any) -> LogEntry:
        """Log a client message; bytes (audio, images) appear as their size only."""
        plain = _plain(payload)
        elided = _elide(plain, "audio" if "audio" in kind else "data")
        if isinstance(plain, bytes):
            summary = elided  # already "audio 640 B"
        else:
            summary = json.dumps(elided, ensure_ascii=False, separators=(",", ":"), default=str)
        return self.add("out", kind, _size(plain), _short(summary))

    def entries(self, kinds: Collection[str] | None = None, text: str = "") -> list[LogEntry]:
        """Entries, oldest first; `kinds=None` keeps every kind, `text` matches kind
        or summary, case-insensitive."""
        needle = text.casefold()
        with self._lock:
            held = list(self._entries)
        return [
            e
            for e in held
            if (kinds is None or e.kind in kinds)
            and (not needle or needle in e.kind.casefold() or needle in e.summary.casefold())
        ]

    def kinds(self) -> list[str]:
        """Kinds of the entries the log still holds, sorted."""
        with self._lock:
            return sorted(self._kind_counts)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._kind_counts.clear()
            self.version += 1  # a cleared log looks different too

    def __len__(self) -> int:
        return len(self._entries)


def _plain(value: Any) -> Any:
    """SDK models, dataclasses and enums as plain dicts, lists and strings; bytes kept."""
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(exclude_none=True))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bytearray):
        return bytes(value)
    return value


def _elide(value: Any, hint: str) -> Any:
    if isinstance(value, bytes):
        return f"{hint} {len(value)} B"
    if isinstance(value, dict):
        mime = value.get("mime_type") or value.get("mimeType")
        inner = mime.split("/")[0] if isinstance(mime, str) and mime else hint
        return {k: _elide(v, inner) for k, v in value.items()}
    if isinstance(value, list):
        return [_elide(v, hint) for v in value]
    return value


def _size(value: Any) -> int:
    """JSON length of a plain payload, with each bytes value counted at its raw length
    (as server audio is), so both directions compare."""
    blobs: list[int] = []

    def placeholder(v: Any) -> Any:
        if isinstance(v, bytes):
            blobs.append(len(v))
            return ""
        return str(v)

    if isinstance(value, bytes):
        return len(value)
    encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=placeholder)
    return len(encoded.encode()) + sum(blobs)


def _short(text: str, limit: int = SUMMARY_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
