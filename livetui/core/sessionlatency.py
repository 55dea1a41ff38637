"""The session controller's side of latency (core/latency.py): it stamps the moments
as events reach it and puts each answer's latency on its turn. Part of the session
controller (core/session.py).

Where each moment comes from:
- Enter: the app's submit handler (`typed_pressed`), before the turn is drawn;
- the end of speech: `Voice.speech_at`, set on the mic's thread (core/voice.py);
- first text: when a text or transcript piece reaches this loop (`receive`);
- first audio heard: `Voice.heard_at()`, stamped by the audio engine when it hands
  the answer's first sample to the device, plus the device's latency; this loop only
  looks for the stamp (a short timer while the answer's audio waits to be heard), so
  the moment does not depend on how often it looks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .conversation import Change, Turn, TurnAdded, TurnText
from .events import (
    AudioChunk,
    Event,
    LatencyMeasured,
    OutputTranscript,
    TextDelta,
    ToolCall,
    ToolCallCancellation,
)
from .latency import LatencyRecorder

if TYPE_CHECKING:
    import asyncio

    from .conversation import Conversation
    from .voice import Voice

HEARD_POLL_S = 0.02  # how often to look for the engine's stamp while an answer's sound is due
HEARD_GIVE_UP_S = 30.0  # audio not heard by then (dropped, cut, a device gone): left unmeasured


class SessionLatency:
    """Mixed into SessionController: what it does with `latency`."""

    voice: Voice | None
    conversation: Conversation
    host: Any
    latency: LatencyRecorder
    monotonic: Callable[[], float] = staticmethod(time.monotonic)  # pictures of the app freeze it

    async def show(self, changes: Sequence[Change], persist: bool = True) -> None:
        raise NotImplementedError  # the controller's

    def _after(self, delay: float, callback: Callable[..., Any], *args: Any) -> asyncio.TimerHandle:
        raise NotImplementedError  # the controller's

    # -- what the user and the tool desk say --------------------------------------------

    def typed_pressed(self, at: float | None = None) -> None:
        """Enter was pressed on a typed turn (`at`: time.monotonic(), now if not given)."""
        self.latency.typed(self.monotonic() if at is None else at)

    def tool_called(self, call_id: str, at: float | None = None) -> None:
        """A function call arrived (done by `time_event` for every ToolCall that reaches it)."""
        self.latency.tool_called(call_id, self.monotonic() if at is None else at)

    def tool_answered(self, call_id: str, at: float | None = None, *, silent: bool = False) -> None:
        """The tool desk sent a call's result (or error, or refusal) to the model: the
        clock of "result → speaking again" starts, and the next audio is timed (not after
        a SILENT result: the model says nothing for it)."""
        self.latency.tool_answered(call_id, self.monotonic() if at is None else at, silent=silent)
        if self.voice is not None and not silent:
            self.voice.mark_next_audio()

    # -- what the session said -----------------------------------------------------------

    async def time_event(self, event: Event, changes: Sequence[Change]) -> None:
        """After `event` was applied (its `changes` shown): stamp what it tells of latency."""
        now = self.monotonic()
        recorder = self.latency
        for change in changes:
            if isinstance(change, TurnAdded) and change.turn.role == "model":
                speech = self.voice.speech_at if self.voice is not None else None
                recorder.answer_began(change.turn.id, now, speech_at=speech)
                # The engine's stamp may predate this (the first sample can play before this
                # loop sees the answer): a stamp counts if its mark came after the last answer began.
                self._previous_began_at = getattr(self, "_answer_began_at", 0.0)
                self._answer_began_at = now
        turn = self.conversation.model_turn
        match event:
            case ToolCall(calls=calls):
                for call in calls:
                    recorder.tool_called(call.id, now)
            case ToolCallCancellation(ids=ids):
                for call_id in ids:
                    recorder.tool_cancelled(call_id)
            case TextDelta(text=text, thought=False) | OutputTranscript(text=text) if text and turn is not None:
                await self._latency_moved(turn, recorder.text(turn.id, now))
            case AudioChunk() if turn is not None and self.voice is not None and self.voice.available:
                if recorder.waits_for_audio(turn.id):
                    self._look_for_heard(turn, now)

    def _look_for_heard(self, turn: Turn, since: float) -> None:
        if getattr(self, "_heard_watch", None) == turn.id:
            return  # already looking
        self._heard_watch: int | None = turn.id
        self._after(0, self._check_heard, turn, since)

    def _check_heard(self, turn: Turn, since: float) -> None:
        if getattr(self, "_heard_watch", None) != turn.id:
            return  # a newer answer is watched now: the stamp is its own, not this one's
        voice = self.voice
        at = voice.heard_at() if voice is not None else None
        if at is not None and voice is not None and voice.marked_at > getattr(self, "_previous_began_at", 0.0):
            moved = self.latency.audio_heard(turn.id, at)
            if moved is not None:
                self.host.later(self._latency_moved, turn, moved)
        if not self.latency.waits_for_audio(turn.id) or self.monotonic() - since > HEARD_GIVE_UP_S:
            self._heard_watch = None
            return
        if voice is None or not voice.available or (turn is not self.conversation.model_turn and not voice.buffer.playing):
            self._heard_watch = None  # no speaker, or the answer is over and nothing more will play: never heard
            return
        self._after(HEARD_POLL_S, self._check_heard, turn, since)

    async def _latency_moved(self, turn: Turn, latency: Any) -> None:
        if latency is None:
            return
        turn.latency = latency
        await self.show([TurnText(turn, "")])  # saved with the turn, and its header redrawn
        self.host.emit(LatencyMeasured(turn.id, self.latency.summary()))


def restore_latency(changes: Sequence[Change], saved: Sequence[Any]) -> None:
    """A saved conversation shown again: each answer's header keeps the latency it had
    (`saved`: the stored turns, one a change; the session's summary counts only its own)."""
    for change, stored in zip(changes, saved, strict=False):
        if isinstance(change, TurnAdded) and change.turn.role == "model":
            change.turn.latency = getattr(stored, "latency", None)
