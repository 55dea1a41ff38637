"""Staying connected: what the session controller (core/session.py) does when a
connection ends or is about to. A failure is retried with the handle, backing off
(core.recovery); a refused handle starts afresh with the conversation restored; what
no retry can fix is said once. A goAway moves to a new connection with the handle,
between answers when there is time, before the deadline anyway (the hand-off)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .events import AudioOnlyRefused, SessionError
from .recovery import Backoff, Diagnosis, diagnose

if TYPE_CHECKING:
    from .conversation import Change, Conversation, SystemKind
    from .eventlog import EventLog
    from .live import LiveSession
    from .outbox import Outbox
    from .pending import Pending
    from .tools.desk import ToolDesk


class StayingConnected:
    """Mixed into SessionController: its recovery and hand-off."""

    host: Any
    settings: Any
    conversation: Conversation
    eventlog: EventLog
    outbox: Outbox
    pending: Pending
    tools: ToolDesk
    backoff: Backoff
    connected: asyncio.Event
    live: LiveSession | None
    generation: int
    handle: str | None
    state: str
    _client: Any
    _fresh_trust: bool
    _recovering: bool
    _handoff_pending: bool
    _goaway_deadline: float | None
    _goaway_timers: list[asyncio.TimerHandle]

    # the controller's own (core/session.py)
    def start(self, carry: list[dict], resume: str | None = None, state: str = "connecting") -> None: ...
    def carry(self) -> list[dict]:
        raise NotImplementedError
    def _set_state(self, state: str) -> None: ...
    def _emit_state(self) -> None: ...
    def _end_cut_answer(self) -> list[Change]:
        raise NotImplementedError
    def _after(self, delay: float, callback: Callable[..., Any], *args: Any) -> asyncio.TimerHandle:
        raise NotImplementedError
    async def show(self, changes: Sequence[Change], persist: bool = True) -> None: ...
    async def say(self, text: str, level: SystemKind = "info") -> None: ...

    async def _failed(self, error: SessionError) -> None:
        """Retry what a retry can fix (with the handle, backing off), restore the
        conversation when the handle is refused, and say the rest once."""
        self.connected.clear()
        self.live = None
        self._cancel_goaway()
        self.outbox.requeue(answer_begun=self.conversation.model_turn is not None)
        await self.show(self._end_cut_answer())
        self.pending.stopped()
        diagnosis = diagnose(error, self._fresh_trust)
        if diagnosis.reload_trust:  # the SDK reads SSL_CERT_FILE once per client: the next try makes a new one
            self._client, self._fresh_trust = None, True
        if diagnosis.action == "audio_only" and self.settings.answers().asked == "TEXT":
            self._set_state("failed")
            await self.say(f"session ended ({error.code}): {error.message}", "error")
            self.host.emit(AudioOnlyRefused(error.message))
            return
        if diagnosis.action == "restore":
            self._recovering = True
            await self.say(diagnosis.message)
            self.start(self.carry(), state="reconnecting")
            return
        if diagnosis.action == "retry":
            delay = self.backoff.next_delay()
            if delay is not None:
                self._recovering = True
                attempt = f"{self.backoff.tried}/{self.backoff.attempts}"
                self._set_state(f"reconnecting {attempt}…")
                self.eventlog.add("info", "reconnect", 0, f"{error.message}; try {attempt} in {delay:g} s")
                if self.backoff.tried == 1:
                    why = "" if error.code == 1006 else f" ({error.message})"  # 1006 says nothing more than "lost"
                    await self.say(f"connection lost{why} · reconnecting")
                self._after(delay, self._reconnect, self.generation)
                return
            diagnosis = Diagnosis("fatal", f"{error.message} · gave up after {self.backoff.attempts} tries; type to try again")
        self._recovering = False
        self._set_state("failed")
        code = f" ({error.code})" if error.code else ""
        await self.say(f"{diagnosis.heading}{code}: {diagnosis.message}", "error")

    def _reconnect(self, generation: int, state: str | None = None) -> None:
        if generation != self.generation:
            return  # something else (a toggle, a new session) happened meanwhile
        state = state or self.state
        if self.handle:
            self.start([], resume=self.handle, state=state)
        else:
            self.start(self.carry(), state=state)

    def _goaway(self, time_left: float | None) -> None:
        """The service will close this connection: move to a new one with the
        handle, between answers when there is time, before the deadline anyway."""
        left = 10.0 if time_left is None else time_left
        self._goaway_deadline = asyncio.get_running_loop().time() + left
        self._handoff_pending = True
        self.eventlog.add("info", "goAway", 0, f"closing in {left:g} s; moving to a new connection")
        self._goaway_tick()
        if self._between_answers() and self.handle:
            self._hand_off()
        else:
            self._goaway_timers.append(self._after(max(0.0, left - 1.0), self._hand_off))

    def _goaway_tick(self) -> None:
        """The countdown is part of the status note: once a second until the move."""
        if self._goaway_deadline is not None:
            self._emit_state()
            self._goaway_timers.append(self._after(1.0, self._goaway_tick))

    def _cancel_goaway(self) -> None:
        self._handoff_pending = False
        self._goaway_deadline = None
        for timer in self._goaway_timers:
            timer.cancel()
        self._goaway_timers = []

    def _hand_off(self) -> None:
        if not self._handoff_pending:
            return
        self.eventlog.add("info", "handoff", 0, f"resuming on a new connection ({'handle' if self.handle else 'context restore'})")
        self.outbox.requeue(answer_begun=self.conversation.model_turn is not None)
        cut = self._end_cut_answer()  # the deadline came first: the answer ends where it stopped
        if self.handle:
            self.start([], resume=self.handle, state="moving")
        else:
            self.start(self.carry(), state="moving")
        if cut:  # queued on the host's loop, so it is drawn before anything the new session says
            self.host.later(self.show, cut)

    def _between_answers(self) -> bool:
        """No answer streaming, none awaited for a typed turn, and none for speech the
        service has transcribed: moving now loses nothing."""
        if self.conversation.model_turn is not None or self.outbox.awaiting_answer:
            return False
        if self.tools.open_calls():  # its result could not go to the new connection
            return False
        last = next((t for t in reversed(self.conversation.turns) if t.role != "system"), None)
        return last is None or last.role != "user" or last.modality != "AUDIO"
