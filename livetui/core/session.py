"""The session controller: one conversation with the Live API, whatever shows it.

It owns what outlives a single connection: the generation (events of a session we
left are dropped), the typed turns waiting to go (the outbox) and those a session took
but never answered (sent once more, first and in order, to the next connection), the
resumption handle, backing off between tries, the goAway hand-off, new sessions with
the context carried over, and audio between the session and the voice pipeline
(core/voice.py). Every change of the conversation goes to the transcript
(core/persist.py) and to the host, which draws it.

Threads: the connection runs on the session's own loop (core/netloop.py) and only
hands events to the host (`Host.deliver`), which gives them back to `receive` on its
own loop, where everything else here runs. It knows nothing of Textual: the host
(ui/app.py) runs `connect` and `send_typed` as its workers and shows the news
(core.events.SessionNews).
"""

from __future__ import annotations

import asyncio
import importlib
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, Protocol

from .answers import Answers, mic_live
from .audio.wavio import WavError
from .carryover import carry_over_turns
from .config import Settings
from .conversation import Change, Conversation, TurnAdded
from .eventlog import EventLog
from .events import (
    AnswerHeard,
    AudioChunk,
    AudioOnlyRefused,
    ConnectionState,
    Event,
    GoAway,
    Interrupted,
    Modality,
    ResumptionHandle,
    SessionError,
    SessionNews,
    SessionStarted,
    TurnComplete,
)
from .live import LiveSession, describe_error
from .netloop import NetLoop
from .pending import Pending
from .persist import Transcript
from .recovery import Backoff, Diagnosis, diagnose
from .voice import Voice


class Host(Protocol):
    """What the controller needs of whoever shows the session (the Textual app)."""

    def deliver(self, event: Event, generation: int) -> None:
        """From any thread: hand `event` back to `receive` on the host's loop, in order."""

    def run_connection(self, work: Coroutine[Any, Any, None]) -> None:
        """Run one connection's coroutine, cancelling the one before."""

    async def draw(self, changes: Sequence[Change]) -> None:
        """Show conversation changes."""

    def emit(self, news: SessionNews) -> None:
        """Show the controller's news: the connection's state, what was heard of a cut answer, an offer."""

    def later(self, callback: Callable[..., Any], *args: Any) -> None:
        """Call back on the host's loop after what is already queued there."""


class SessionController:
    def __init__(
        self,
        settings: Settings,
        backend: Any,
        host: Host,
        *,
        conversation: Conversation | None = None,
        eventlog: EventLog | None = None,
        transcript: Transcript | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.host = host
        self.conversation = conversation if conversation is not None else Conversation()
        self.eventlog = eventlog if eventlog is not None else EventLog()
        self.transcript = transcript if transcript is not None else Transcript()
        self.live: LiveSession | None = None
        self.generation = 0  # bumps with each session; events of older ones are dropped
        # Typed turns wait here until a session takes them: in order, never lost.
        self.outbox: asyncio.Queue[str | None] = asyncio.Queue()  # None: only a wake-up
        self.connected = asyncio.Event()
        self.unsent = 0  # typed turns not yet accepted by a session
        self._resend: deque[str] = deque()  # typed turns to send before the outbox's, in order
        self._in_flight: list[str] = []  # typed turns this session took and has not answered yet
        self.handle: str | None = None  # the latest resumable handle from the service
        self.backoff = Backoff()
        self.pending = Pending()  # how long the service keeps us waiting, for the status bar
        self.state = "connecting"
        self.voice: Voice | None = None  # made by the host once it shows levels
        self._fresh_trust = True  # the client read SSL_CERT_FILE after the last good connection
        self._recovering = False
        self._announce_start = True  # the next SessionStarted gets a "connected" line in the chat
        self._handoff_pending = False
        self._goaway_deadline: float | None = None
        self._goaway_timers: list[asyncio.TimerHandle] = []
        self._timers: list[asyncio.TimerHandle] = []
        self._client: Any = None
        self._backend_started = False
        self._net: NetLoop | None = None

    @property
    def net(self) -> NetLoop:
        """The session's own loop and thread (started on first use): audio keeps
        time however busy the screen is."""
        if self._net is None:
            self._net = NetLoop()
        return self._net

    @property
    def client(self) -> Any:
        """The SDK client, once the first connection made it (the settings screen lists models with it)."""
        return self._client

    # -- showing and saving ------------------------------------------------------

    async def show(self, changes: Sequence[Change], persist: bool = True) -> None:
        """Changes of the conversation: into the transcript, then on screen."""
        if persist:
            self.transcript.write(changes)
        await self.host.draw(changes)

    async def say(self, text: str, level: str = "info") -> None:
        """A line of the console's own in the chat (and the transcript)."""
        await self.show(self.conversation.add_system(text, level))

    def _set_state(self, state: str) -> None:
        self.state = state
        self._emit_state()

    def _emit_state(self) -> None:
        note = ""
        if self._goaway_deadline is not None:
            left = max(0, round(self._goaway_deadline - asyncio.get_running_loop().time()))
            note = f"moving connection in {left} s"
        self.host.emit(ConnectionState(self.state, note))

    def _after(self, delay: float, callback: Callable[..., Any], *args: Any) -> asyncio.TimerHandle:
        loop = asyncio.get_running_loop()
        self._timers = [t for t in self._timers if not t.cancelled() and t.when() > loop.time()]
        timer = loop.call_later(delay, callback, *args)
        self._timers.append(timer)
        return timer

    # -- the session -------------------------------------------------------------

    def start(self, carry: list[dict], resume: str | None = None, state: str = "connecting") -> None:
        """Leave the current session (if any) and open a new one — resuming the
        service's session by handle when given. Synchronous on purpose: from here
        on, typed text waits for the new session, and events still arriving from
        the old one are dropped."""
        self.live = None
        self.connected.clear()
        self.generation += 1
        self._in_flight = []
        self._cancel_goaway()
        if resume is None:
            self.handle = None  # a fresh session: the old handle belongs to the old conversation state
        # A move or a reconnect is not news in the chat (the status bar shows it); a start is.
        self._announce_start = state == "connecting"
        self._set_state(state)
        self.pending.connecting(state)
        self.host.run_connection(self.connect(carry, self.generation, resume))

    async def connect(self, carry: list[dict], generation: int, resume: str | None = None) -> None:
        """One connection, run by the host as its worker: cancelling it cancels the session."""
        try:
            if not self._backend_started:
                await self.backend.start()
                self._backend_started = True
            if self._client is None:
                # The SDK's half-second import runs beside the first frames, not on the UI's loop.
                await asyncio.to_thread(importlib.import_module, "google.genai")
                self._client = self.backend.client()
        except Exception as exc:  # in words on screen, never a traceback
            self.host.deliver(describe_error(exc), generation)
            return
        # The session itself runs on its own loop: cancelling this cancels it there.
        await self.net.run(self._session(carry, generation, resume))

    async def _session(self, carry: list[dict], generation: int, resume: str | None) -> None:
        """One connection, on the session's loop (core/netloop.py): it only hands
        events to the host, and audio goes straight between it and the devices."""
        try:
            live = LiveSession(self._client, self.settings, self.eventlog, resume_handle=resume, pending=self.pending)
            await live.__aenter__()
        except Exception as exc:
            self.host.deliver(describe_error(exc), generation)
            return
        if generation != self.generation:  # superseded while connecting
            await live.close()
            return
        self.live = live
        voice = self.voice
        pump: asyncio.Task[None] | None = None
        try:
            await live.send_context(carry)
            self.host.deliver(live.started(), generation)
            if voice is not None:
                pump = asyncio.create_task(self._pump(voice, live, generation))
            async for event in live.events():
                if (event := self.settings.answers().present(event)) is None:  # per event: a switch applies at once
                    continue  # text answers from the transcript: their audio is not played
                if voice is not None:
                    # Audio goes straight to the speaker, never through the UI.
                    match event:
                        case AudioChunk():
                            voice.play(event.data)
                        case Interrupted():
                            event = Interrupted(heard=voice.interrupted())
                        case TurnComplete():
                            voice.turn_complete()
                self.host.deliver(event, generation)
        except Exception as exc:
            self.host.deliver(describe_error(exc), generation)
        finally:
            if pump is not None:
                pump.cancel()
            if self.live is live:
                self.live = None
            await live.close()

    async def _pump(self, voice: Voice, live: LiveSession, generation: int) -> None:
        """Mic audio to the session; ends with the session."""
        try:
            await voice.pump(live)
        except Exception as exc:
            self.host.deliver(describe_error(exc), generation)

    async def send_typed(self) -> None:
        """The one task that sends typed turns, so they keep their order (the host's worker)."""
        while True:
            if not self._resend:
                typed = await self.outbox.get()
                if typed is None:
                    continue  # woken up for turns to send again
                self._resend.append(typed)
            text = self._resend[0]
            await self.connected.wait()
            live, generation = self.live, self.generation
            if live is None:
                self.connected.clear()
                continue
            try:
                await self.net.run(live.send_text(text))
            except Exception as exc:  # kept: it goes with the next session
                self.connected.clear()
                self.host.deliver(describe_error(exc), generation)
                continue
            if self.live is not live:
                continue  # the session was left while it went out: the next one takes it
            self._resend.popleft()
            self.unsent -= 1
            self._in_flight.append(text)

    def queue_typed(self, text: str) -> None:
        """A typed turn (already shown): it goes out when a session takes it."""
        self.unsent += 1
        self.outbox.put_nowait(text)
        if self.state == "failed":
            # Typing after a failure is a fresh start: a full set of tries, by handle when there is one.
            self.backoff.reset()
            self._reconnect(self.generation, state="connecting")

    async def receive(self, event: Event, generation: int) -> None:
        """An event the connection delivered, back on the host's loop."""
        if generation != self.generation:
            return  # a late word from a session we already left
        if isinstance(event, TurnComplete) and self._in_flight:
            self._in_flight.pop(0)  # answered (or cut by a barge-in): no longer ours to resend
        match event:
            case SessionStarted():
                self.apply_mic_default()
                self._set_state("connected")
                if self._recovering:
                    self._recovering = False
                    await self.say("reconnected · nothing lost")
                elif self._announce_start:
                    await self.say(event.line)
                else:
                    self.eventlog.add("info", "handoff", 0, "moved to the new connection")
                self.backoff.reset()
                self._fresh_trust = False
                self.connected.set()
            case SessionError():
                await self._failed(event)
            case GoAway():
                self._goaway(event.time_left_s)
            case ResumptionHandle(handle=handle, resumable=True) if handle:
                self.handle = handle
                self.transcript.handle(handle)
                if self._handoff_pending and self._between_answers():
                    self._hand_off()
            case Interrupted():
                turn = self.conversation.model_turn
                await self.show(self.conversation.apply(event))
                if turn is not None and turn.modality == "AUDIO":
                    self.host.emit(AnswerHeard(turn.id, event.heard))
            case _:
                changes = self.conversation.apply(event)
                if self.voice is not None and any(isinstance(c, TurnAdded) and c.turn.role == "model" for c in changes):
                    self.voice.unanswered.clear()  # an answer begins: the model heard what the mic sent
                await self.show(changes)

    # -- staying connected -------------------------------------------------------

    async def _failed(self, error: SessionError) -> None:
        """Retry what a retry can fix (with the handle, backing off), restore the
        conversation when the handle is refused, and say the rest once."""
        self.connected.clear()
        self.live = None
        self._cancel_goaway()
        self._requeue_unanswered()
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
        self._requeue_unanswered()
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
        if self.conversation.model_turn is not None or self._in_flight:
            return False
        last = next((t for t in reversed(self.conversation.turns) if t.role != "system"), None)
        return last is None or last.role != "user" or last.modality != "AUDIO"

    def _requeue_unanswered(self) -> None:
        """Typed turns the session took but never began to answer are sent again, first,
        to the next session (its handle is from before them). One whose answer had begun
        stays as it is, cut, and is not asked twice."""
        waiting, self._in_flight = self._in_flight, []
        if waiting and self.conversation.model_turn is not None:
            waiting = waiting[1:]
        self._resend.extendleft(reversed(waiting))
        self.unsent += len(waiting)
        if waiting:
            self.outbox.put_nowait(None)  # the sender may be waiting on the outbox

    def _end_cut_answer(self) -> list[Change]:
        """The session is left: an answer still streaming ends here, marked interrupted,
        and the speaker plays out what it already has."""
        changes: list[Change] = []
        if self.conversation.model_turn is not None:
            changes += self.conversation.apply(Interrupted())
            if self.voice is not None:
                self.voice.turn_complete()
        return changes + self.conversation.apply(TurnComplete())

    def carry(self) -> list[dict]:
        """The conversation so far for a new session, minus typed turns still
        waiting in the outbox (they will be sent as turns of their own)."""
        past = self.conversation.past_turns()
        unsent = self.unsent
        while unsent and past and past[-1].role == "user":
            past.pop()
            unsent -= 1
        return carry_over_turns(past, self.settings.carry_over_budget)

    # -- new sessions on purpose -------------------------------------------------

    async def switch(self, label: str) -> None:
        """A new session with new settings, the conversation carried over."""
        self.transcript.switch(self.settings.modality, self.settings.model)
        await self.show(self.conversation.apply(TurnComplete()))
        await self.say(label, "divider")
        self.start(self.carry())

    async def new_session(self) -> None:
        await self.show(self.conversation.apply(TurnComplete()))
        await self.say("new session (nothing carried over)", "divider")
        self.start([])

    def answers_in_place(self, modality: Modality) -> Answers | None:
        """Text or audio answers: on the same connection from a model that only speaks
        (core.answers), returning the new answers; else None, and a new session must
        be started (`switch`)."""
        before = self.settings.answers()
        self.settings = self.settings.with_modality(modality)
        after = self.settings.answers()
        if not before.keeps_connection(after):
            return None
        if self.voice is not None:
            self.voice.answers_changed(after, self.settings.audio.mic_on_start)
        self.transcript.switch(self.settings.modality, self.settings.model)
        self.eventlog.add("info", "answers", 0, f"{after.label} answers on the same connection")
        return after

    def begin(self, saved: Any = None) -> list[Change]:
        """Mark where this session's turns begin in the transcript; with a saved
        conversation (core.store.LoadedConversation), its turns back in the
        conversation (returned, to show, not to write again)."""
        self.transcript.begin(self.settings.model, self.settings.modality, self.backend.label)
        if saved is None:
            return []
        # Connection chatter ("connected", "reconnecting") is not brought back; dividers and errors are.
        kept = [t for t in saved.turns if t.role != "system" or t.level != "info"]
        past = [(t.role, t.text, t.modality if t.modality in ("TEXT", "AUDIO") else "TEXT", t.interrupted, t.at) for t in kept]
        return self.conversation.restore(past)

    def continue_saved(self, saved: Any) -> None:
        """The session that carries a saved conversation on: by its handle while the
        service still holds it (a refused one falls back to replaying), else replayed."""
        if saved.handle:
            self._recovering = True
            self.start([], resume=saved.handle)
        else:
            self.start(self.carry())

    # -- voice -------------------------------------------------------------------

    def make_voice(self) -> Voice:
        self.voice = Voice(self.settings.audio, automatic_vad=self.settings.vad.automatic, loop=self.net.loop)
        return self.voice

    def open_devices(self) -> str | None:
        """Open the audio devices: why not, in words. Slow (PortAudio probes): call it in a thread."""
        return self.voice.open() if self.voice is not None else None

    def apply_mic_default(self) -> None:
        """The mic as the settings want it at the start of a session."""
        voice = self.voice
        if voice is None or not voice.available:
            return
        voice.automatic_vad = self.settings.vad.automatic
        voice.talking = False
        voice.muted = not mic_live(self.settings.modality, self.settings.audio.mic_on_start)

    def cut_in(self) -> bool:
        """Stop the WAV file being sent, if any (it says where it stopped); else the
        answer now (a barge-in by key): True when an answer was stopped."""
        voice, turn = self.voice, self.conversation.model_turn
        if voice is not None and (sending := voice.file) is not None:
            sending.stop()
            return False
        if voice is None or not voice.buffer.playing:
            return False
        heard = voice.cut_in()
        if turn is not None:
            self.host.emit(AnswerHeard(turn.id, heard))
        return True

    async def send_wav(self, path: Path) -> None:
        """A WAV file as the user's turn, streamed from disk in real time like speech."""
        voice = self.voice
        if voice is None:
            return
        try:
            sent = await self.net.run(voice.send_file(path))
        except (WavError, OSError) as exc:
            await self.say(f"cannot send {path}: {exc}", "error")
            return
        await self.say(sent.summary())

    async def aclose(self) -> None:
        """Quitting: the session, the simulator or service, the devices, the transcript."""
        for timer in self._timers:
            timer.cancel()
        self._cancel_goaway()
        if self._net is not None:
            await self._net.aclose()  # cancels the session, whose clean-up closes the connection
        if self._backend_started:
            await self.backend.stop()
        if self.voice is not None:
            self.voice.close()
        # An answer cut short by quitting keeps its last words.
        self.transcript.close(unfinished=(self.conversation.model_turn, self.conversation.spoken_turn))
