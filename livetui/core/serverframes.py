"""The session's messages as the SDK reads them, and an audio chunk without the SDK's work.

For each frame the SDK's receive loop runs json.loads, a converter over the whole dict,
pydantic validation of a LiveServerMessage and a base64 decode: about 230 us, for each
of the 25 audio chunks a second of an answer (a hundred a second in the service's
bursts). Here frames are read off the SDK's own websocket. A frame that is one audio
chunk and nothing else,

    {"serverContent": {"modelTurn": {"parts": [{"inlineData": {"mimeType": "audio/pcm...", "data": "<base64>"}}]}}}

becomes its AudioChunk directly (and its event-log line, core.decode.describe_audio);
every other frame is read by the SDK itself (its `_receive`, on a copy of the session
that replays the frame), and a closed connection is the SDK's error as before. When
the session starts, a probe chunk is read both ways and must give the same events and
log line, else (a different SDK) the SDK reads every frame, through `receive()`.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .decode import audio_rate, describe_audio, describe_message, events_from_message, payload_size
from .events import AudioChunk, Event

if TYPE_CHECKING:
    from google.genai import types

PROBE = bytes(range(256)) * 4


@dataclass(frozen=True)
class Read:
    """One frame: its events and its event-log line."""

    events: list[Event]
    kind: str
    size: int
    summary: str

    @classmethod
    def of(cls, msg: types.LiveServerMessage) -> Read:
        kind, summary = describe_message(msg)
        return cls(events_from_message(msg), kind, payload_size(msg), summary)


def audio_only(frame: bytes | str) -> Read | None:
    """The Read of a frame that is exactly one audio chunk in strict base64; None for any other."""
    try:
        msg = json.loads(frame)
    except ValueError:
        return None
    if not isinstance(msg, dict) or len(msg) != 1:
        return None
    content = msg.get("serverContent")
    if not isinstance(content, dict) or len(content) != 1:
        return None
    turn = content.get("modelTurn")
    if not isinstance(turn, dict) or len(turn) != 1:
        return None
    parts = turn.get("parts")
    if not isinstance(parts, list) or len(parts) != 1 or not isinstance(parts[0], dict) or len(parts[0]) != 1:
        return None
    blob = parts[0].get("inlineData")
    if not isinstance(blob, dict) or len(blob) != 2:
        return None
    mime, data = blob.get("mimeType"), blob.get("data")
    if not isinstance(mime, str) or not mime.startswith("audio/pcm") or not isinstance(data, str) or not data:
        return None
    try:
        pcm = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None  # url-safe, unpadded, or not base64: the SDK decides
    if not pcm:
        return None
    kind, summary = describe_audio(mime, len(pcm))
    return Read([AudioChunk(pcm, rate=audio_rate(mime))], kind, len(pcm), summary)


class _Replay:
    """A websocket that gives one frame."""

    def __init__(self, frame: bytes | str) -> None:
        self.frame = frame

    async def recv(self, *args: Any, **kwargs: Any) -> bytes | str:
        return self.frame


class FrameReader:
    """Reads an SDK AsyncSession's frames. `lean` is False where the SDK is not the one
    this was checked against: the caller then reads through `session.receive()`."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.lean = False

    @classmethod
    async def open(cls, session: Any) -> FrameReader:
        reader = cls(session)
        try:
            probe = json.dumps({"serverContent": {"modelTurn": {"parts": [
                {"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": base64.b64encode(PROBE).decode("ascii")}}]}}}).encode()
            fast = audio_only(probe)
            reader.lean = callable(getattr(session._ws, "recv", None)) and fast == Read.of(await reader._sdk_read(probe))
        except Exception:  # not the SDK we know
            reader.lean = False
        return reader

    async def _sdk_read(self, frame: bytes | str) -> types.LiveServerMessage:
        replay = copy.copy(self.session)  # the session's own class and client; its websocket untouched
        replay._ws = _Replay(frame)
        return await replay._receive()

    async def next(self) -> Read:
        """The next frame. A closed connection raises as the SDK's receive() does."""
        try:
            frame = await self.session._ws.recv(decode=False)
        except Exception:
            # Closed, or failed: the SDK reads again and raises its own error (APIError...).
            return Read.of(await self.session._receive())
        fast = audio_only(frame)
        return fast if fast is not None else Read.of(await self._sdk_read(frame))
