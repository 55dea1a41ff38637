"""One Live session through the real google-genai SDK, spoken in core events.

Text and audio go through the same session object: the voice layer adds its
sends here rather than growing a second code path.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from websockets.exceptions import ConnectionClosed

from .audio.rates import INPUT_RATE
from .audioframes import AudioFrame
from .connectconfig import live_config
from .decode import events_from_message
from .eventlog import EventLog
from .events import Event, SessionError, SessionStarted
from .livemodels import UnusableModel
from .models import retired
from .modes import EventShaper, connected_line
from .netcause import Endpoint, classify, endpoint_of
from .pending import Pending
from .serverframes import FrameReader
from .settings import Settings

if TYPE_CHECKING:  # imported where used: the SDK takes half a second, not before the first frame
    from google.genai import types


class ConnectFailed(Exception):
    """Opening the session failed; `error` says why, named while the endpoint was known."""

    def __init__(self, error: SessionError) -> None:
        super().__init__(error.message)
        self.error = error


def describe_error(exc: BaseException, endpoint: Endpoint | None = None) -> SessionError:
    """A failure in words a person can act on, with the close code when there is one.
    `endpoint`: where the session connects, so a failed connection names its real cause."""
    from google.genai import errors

    if isinstance(exc, ConnectFailed):
        return exc.error
    if isinstance(exc, UnusableModel):
        return SessionError(message=str(exc), retired_model=exc.model)
    if isinstance(exc, errors.APIError):
        reason = (exc.details if isinstance(exc.details, str) else None) or exc.message or ""
        if not reason:
            text = str(exc)
            reason = text.split(". ", 1)[1] if ". " in text else text
        code = exc.code if isinstance(exc.code, int) else None
        if code == 1006 and not reason.strip(". "):
            reason = "the connection was lost"
        return SessionError(message=reason.strip() or f"closed with code {code}", code=code)
    if isinstance(exc, ConnectionClosed):  # outside the SDK's own wrapping, e.g. during setup
        close = exc.rcvd
        if close is None:
            return SessionError(message="the connection was lost", code=1006)
        return SessionError(message=close.reason or f"closed with code {close.code}", code=close.code)
    if (cause := classify(exc, endpoint)) is not None:
        return SessionError(message=cause.line, cause=cause.kind)
    name = type(exc).__name__
    if "SSL" in name or "Certificate" in name:
        return SessionError(message=f"TLS failed: {exc}")
    if isinstance(exc, OSError):
        return SessionError(message=f"cannot connect: {exc.strerror or exc}")
    if isinstance(exc, TimeoutError):
        return SessionError(message="timed out while connecting")
    return SessionError(message=f"{name}: {exc}")


class LiveSession:
    """Open with `async with LiveSession(client, settings) as live:`, then read
    `live.events()` in one task while other tasks send."""

    def __init__(
        self, client: Any, settings: Settings, log: EventLog | None = None, resume_handle: str | None = None, pending: Pending | None = None
    ) -> None:
        self.client = client
        self.pending = pending if pending is not None else Pending()  # what the status bar shows as waiting
        self.settings = settings
        self.resume_handle = resume_handle  # continue a session the service still holds
        self.log = log if log is not None else EventLog()
        self._stack = contextlib.AsyncExitStack()
        self._session: Any = None
        self.session_id: str | None = None
        self._audio_chunks = 0
        self._audio_bytes = 0
        self._audio_logged_at = 0.0
        self._audio_frames: dict[str, AudioFrame] = {}  # by mime type: how this session's SDK writes a chunk

    async def __aenter__(self) -> LiveSession:
        if retired(self.settings.model):  # shut down: said before connecting, not found out from a close
            raise UnusableModel(self.settings.model)
        config = live_config(self.settings)
        if self.resume_handle:
            config["session_resumption"] = {"handle": self.resume_handle}
        self.log.client("setup", {"model": self.settings.model, "config": config})
        try:
            self._session = await self._stack.enter_async_context(
                self.client.aio.live.connect(model=self.settings.model, config=config)
            )
        except Exception as exc:  # named here, where the endpoint and its proxy are known
            raise ConnectFailed(describe_error(exc, endpoint_of(self.client))) from exc
        self.pending.connected()
        self.session_id = getattr(self._session, "session_id", None)
        self.log.add("in", "setupComplete", 0, f"session {self.session_id or '-'}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            with contextlib.suppress(Exception):  # already closed by the server is fine
                await self._stack.aclose()

    @property
    def open(self) -> bool:
        return self._session is not None

    def started(self) -> SessionStarted:
        return SessionStarted(
            session_id=self.session_id, modality=self.settings.modality, model=self.settings.model, line=connected_line(self.settings)
        )

    # -- sending ---------------------------------------------------------------

    async def send_text(self, text: str) -> None:
        """A complete user turn."""
        turns = {"role": "user", "parts": [{"text": text}]}
        self.log.client("client_content", {"turns": turns, "turn_complete": True})
        await self._session.send_client_content(turns=turns, turn_complete=True)
        self.pending.sent()

    async def send_context(self, turns: Sequence[dict[str, Any]]) -> None:
        """Earlier conversation, as context only: the model does not answer it.
        Not to the interpreter or the transcriber: they take audio only, and no context."""
        if not turns or self.settings.mode != "chat":
            return
        self.log.client("client_content", {"turns": list(turns), "turn_complete": False})
        await self._session.send_client_content(turns=list(turns), turn_complete=False)

    async def send_audio(self, pcm: bytes, rate: int = INPUT_RATE) -> None:
        """One mic chunk. Logged as one line a second, not one per chunk, so the
        event log keeps the rest of the session.

        Fifty a second: the SDK's own path (validate a Blob, convert, dump, walk the dict
        for bytes, json.dumps) took ~250 us a chunk. The same message is written here from
        the text the SDK itself made for this session (core/audioframes.py) and sent on the
        SDK's own websocket; where that cannot be had, through the SDK as before."""
        mime = f"audio/pcm;rate={rate}"
        frame = self._audio_frames.get(mime)
        if frame is None:
            frame = self._audio_frames[mime] = await AudioFrame.learn(self._session, mime)
        if frame.ready:
            await self._session._ws.send(frame.text(pcm))
        else:
            from google.genai import types

            await self._session.send_realtime_input(audio=types.Blob(data=pcm, mime_type=mime))
        self._audio_chunks += 1
        self._audio_bytes += len(pcm)
        now = time.monotonic()
        if now - self._audio_logged_at >= 1.0:
            self.log.add("out", "realtime_input.audio", self._audio_bytes,
                         f"audio {self._audio_chunks} chunks, {self._audio_bytes} B at {rate} Hz")
            self._audio_chunks = self._audio_bytes = 0
            self._audio_logged_at = now

    async def send_audio_stream_end(self) -> None:
        """The mic paused: the service closes the user's turn."""
        self.log.client("realtime_input.audio_stream_end", {"audio_stream_end": True})
        await self._session.send_realtime_input(audio_stream_end=True)

    async def send_activity_start(self) -> None:
        self.log.client("realtime_input.activity_start", {"activity_start": {}})
        from google.genai import types

        await self._session.send_realtime_input(activity_start=types.ActivityStart())

    async def send_activity_end(self) -> None:
        self.log.client("realtime_input.activity_end", {"activity_end": {}})
        from google.genai import types

        await self._session.send_realtime_input(activity_end=types.ActivityEnd())

    async def send_tool_response(self, responses: Sequence[types.FunctionResponse]) -> None:
        self.log.client("tool_response", {"function_responses": [r.model_dump(exclude_none=True) for r in responses]})
        await self._session.send_tool_response(function_responses=list(responses))

    # -- receiving -------------------------------------------------------------

    async def events(self) -> AsyncIterator[Event]:
        """Every event until the session ends; a failure ends it with a SessionError."""
        shaper = EventShaper(self.settings.mode)  # a pipeline's turnless stream, as turns
        try:
            reader = await FrameReader.open(self._session)
            while self._session is not None and reader.lean:
                # Audio chunks without the SDK's ~230 us a frame; anything else read by the SDK.
                read = await reader.next()
                self.log.received(read.kind, read.size, read.summary)
                for event in shaper.shape(read.events):
                    self.pending.heard(event)
                    yield event
            while self._session is not None:
                async for msg in self._session.receive():
                    self.log.server(msg)
                    for event in shaper.shape(events_from_message(msg)):
                        self.pending.heard(event)
                        yield event
        except Exception as exc:  # an APIError, or the socket died some other way: words, not a traceback
            yield describe_error(exc, endpoint_of(self.client))
