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
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Protocol, cast

from .answers import Answers
from .carryover import carry_over_turns
from .conversation import Change, Conversation, SystemKind, TurnAdded
from .eventlog import EventLog
from .events import (
    AnswerHeard,
    AudioChunk,
    ConnectionState,
    Event,
    GoAway,
    Interrupted,
    Modality,
    ResumptionHandle,
    SessionError,
    SessionNews,
    SessionStarted,
    ToolAsk,
    ToolCall,
    ToolCallCancellation,
    TurnComplete,
)
from .latency import LatencyRecorder
from .live import LiveSession, describe_error
from .modelsettings import tool_notes
from .netloop import NetLoop
from .outbox import Outbox
from .pending import Pending
from .persist import Transcript
from .recovery import Backoff
from .sessionlatency import SessionLatency, restore_latency
from .sessionvoice import SessionVoice
from .settings import Settings
from .staying import StayingConnected
from .tools.desk import ToolDesk
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


class SessionController(StayingConnected, SessionVoice, SessionLatency):
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
        self.outbox = Outbox()  # typed turns: in order, never lost, never asked twice
        self.connected = asyncio.Event()
        self.handle: str | None = None  # the latest resumable handle from the service
        self.backoff = Backoff()
        self.pending = Pending()  # how long the service keeps us waiting, for the status bar
        self.state = "connecting"
        self.voice: Voice | None = None  # made by the host once it shows levels
        self.latency = LatencyRecorder()  # each answer's latency, and the session's (core/sessionlatency.py)
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
        self.tools = ToolDesk(self, self._send_tool_response)  # the model's function calls, answered

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
        if not changes:
            return  # most audio chunks change nothing that is saved or shown
        if persist:
            self.transcript.write(changes)
        await self.host.draw(changes)

    async def say(self, text: str, level: SystemKind = "info") -> None:
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
        self.tools.session_left()  # its calls can no longer be answered
        self.generation += 1
        self.outbox.forget_in_flight()
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
                    if isinstance(event, AudioChunk | TurnComplete) and (stutter := voice.playback_glitches()):
                        self.eventlog.add("info", "audio", 0, stutter)
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
            text = await self.outbox.next()
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
            self.outbox.took()

    def queue_typed(self, text: str) -> None:
        """A typed turn (already shown): it goes out when a session takes it."""
        self.outbox.put(text)
        if self.state == "failed":
            # Typing after a failure is a fresh start: a full set of tries, by handle when there is one.
            self.backoff.reset()
            self._reconnect(self.generation, state="connecting")

    async def receive(self, event: Event, generation: int) -> None:
        """An event the connection delivered, back on the host's loop."""
        if generation != self.generation:
            return  # a late word from a session we already left
        if isinstance(event, TurnComplete):
            self.outbox.answered()  # no longer ours to resend
        match event:
            case SessionStarted():
                self.apply_mic_default()
                self._set_state("connected")
                if self._recovering:
                    self._recovering = False
                    await self.say("reconnected · nothing lost")
                elif self._announce_start:
                    await self.say(event.line)
                    for note in tool_notes(self.settings.model, self.settings.mode, self.settings.tools):
                        await self.say(note)  # what of the declared functions this model does not take
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
            case ToolCall():
                await self.time_event(event, [])  # latency: each call's clock starts as it arrives
                # (the desk may answer at once); then the answer the calls began, if they did
                await self.time_event(event, await self.tools.called(event))
            case ToolCallCancellation():
                await self.tools.cancelled(event)
                await self.time_event(event, [])
            case _:
                changes = self.conversation.apply(event)
                if self.voice is not None and any(isinstance(c, TurnAdded) and c.turn.role == "model" for c in changes):
                    self.voice.unanswered.clear()  # an answer begins: the model heard what the mic sent
                await self.show(changes)
                await self.time_event(event, changes)

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
        unsent = self.outbox.unsent
        while unsent and past and past[-1].role == "user":
            past.pop()
            unsent -= 1
        return carry_over_turns(past, self.settings.carry_over_budget)

    # -- function calls (core/tools/desk.py) --------------------------------------

    async def answer_call(self, call_id: str, response: dict[str, Any] | None, scheduling: str | None = None) -> bool:
        """The person's answer to a call (the dialog): a result ({"output": ...}), or None to
        refuse; for a NON_BLOCKING call, when the model takes it. False when the call no
        longer waits (answered, cancelled, or its session left)."""
        return await self.tools.answer(call_id, response, scheduling)

    def emit_news(self, news: ToolAsk) -> None:
        self.host.emit(news)

    def show_later(self, changes: Sequence[Change]) -> None:
        self.host.later(self.show, changes)

    async def _send_tool_response(self, generation: int, fields: dict[str, Any]) -> str | None:
        """One function's result to the session that called it, on the session's loop
        (the session logs it in the event log); why it could not go, in words, else None."""
        live = self.live
        if live is None or generation != self.generation:
            self.eventlog.add("info", "tool_response", 0, f"not sent (the session ended): {fields.get('name')} {fields.get('id')}")
            return "not sent: the session ended before the result could go"
        from google.genai import types

        try:
            await self.net.run(live.send_tool_response([types.FunctionResponse(**fields)]))
        except Exception as exc:
            return f"not sent: {describe_error(exc).message}"
        silent = str(fields.get("scheduling") or "").upper().endswith("SILENT")
        self.tool_answered(str(fields.get("id") or ""), silent=silent)  # latency: result → speaking again
        return None

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
        past = [(t.role, t.text, cast(Modality, t.modality if t.modality in ("TEXT", "AUDIO") else "TEXT"), t.interrupted, t.at) for t in kept]
        changes = self.conversation.restore(past)
        restore_latency(changes, kept)
        for stored, change in zip(kept, changes):  # one TurnAdded a turn, in order
            if isinstance(change, TurnAdded):
                change.turn.sources = stored.sources  # a grounded answer shows its sources again
        return self._restore_calls(changes, kept)

    def _restore_calls(self, changes: list[Change], kept: Sequence[Any]) -> list[Change]:
        """A saved answer's function calls, as cards under it again."""
        for change, stored in zip(changes, kept, strict=False):
            if isinstance(change, TurnAdded) and getattr(stored, "tools", ()):
                change.turn.tools = [call.card() for call in stored.tools]
                for card in change.turn.tools:
                    card.turn_id = change.turn.id
        return changes

    def continue_saved(self, saved: Any) -> None:
        """The session that carries a saved conversation on: by its handle while the
        service still holds it (a refused one falls back to replaying), else replayed."""
        if saved.handle:
            self._recovering = True
            self.start([], resume=saved.handle)
        else:
            self.start(self.carry())

    async def aclose(self) -> None:
        """Quitting: the session, the simulator or service, the devices, the transcript."""
        for timer in self._timers:
            timer.cancel()
        self._cancel_goaway()
        await self.tools.aclose()
        if self._net is not None:
            await self._net.aclose()  # cancels the session, whose clean-up closes the connection
        if self._backend_started:
            await self.backend.stop()
        if self.voice is not None:
            self.voice.close()
        # An answer cut short by quitting keeps its last words.
        self.transcript.close(unfinished=(self.conversation.model_turn, self.conversation.spoken_turn))
