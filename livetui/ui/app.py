"""The console: one Live session, shown as it happens.

Workers talk to the session; the reducer in core turns events into changes; this
module only routes changes to widgets. It never knows whether it talks to the
simulator or to Gemini.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.driver import Driver
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from ..core.answers import mic_live, switch_refusal
from ..core.audio.wavio import WavError, WavRecorder
from ..core.carryover import carry_over_turns
from ..core.conversation import (
    Change,
    Conversation,
    TranscriptChanged,
    TurnAdded,
    TurnEnded,
    TurnText,
    UsageChanged,
)
from ..core.eventlog import EventLog
from ..core.events import (
    AudioChunk,
    Event,
    GoAway,
    Interrupted,
    Modality,
    ResumptionHandle,
    SessionError,
    SessionStarted,
    TurnComplete,
)
from ..core.live import LiveSession, describe_error
from ..core.netloop import NetLoop
from ..core.pending import Pending
from ..core.recovery import Backoff, Diagnosis, diagnose
from ..core.settings import Settings
from ..core.store import Record
from ..core.voice import Voice, default_record_dir
from .actions import APP, system_commands
from .messages import AudioReady, LiveEvent
from .safeinput import safe_input
from .safescreen import safe_update
from .saving import SavingWatch
from .screens.main import MainScreen
from .terminal import DiffUpdate, ShadowScreen
from .textual_internals import CompositorUpdate, FrameHook
from .toasts import PlainToasts
from .widgets.chat import ChatView, ModelMessage, UserMessage
from .widgets.meters import LevelMeter
from .widgets.prompt import PromptArea
from .widgets.status import StatusBar
from .widgets.tokens import TokenCounter
from .widgets.transcripts import TranscriptPane


class LiveTuiApp(FrameHook, PlainToasts, App[int]):  # frames: ui/textual_internals.py; toasts: plain (ui/toasts.py)
    CSS_PATH = "livetui.tcss"
    TITLE = "livetui"

    BINDINGS = APP.bindings()  # every key and palette entry: ui/actions.py

    def __init__(
        self,
        settings: Settings,
        backend: Any,
        clock: Callable[[], datetime] | None = None,
        audio: bool = True,
        store: Any = None,
        restore: Any = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.backend = backend
        # A fixed clock makes pictures of the app repeatable.
        self.conversation = Conversation(clock=clock) if clock else Conversation()
        self.eventlog = EventLog()
        self.live: LiveSession | None = None
        self.generation = 0  # bumps with each session; events of older ones are dropped
        # Typed turns wait here until a session takes them: in order, never lost.
        self.outbox: asyncio.Queue[str | None] = asyncio.Queue()  # None: only a wake-up
        self._connected = asyncio.Event()
        self._unsent = 0  # typed turns not yet accepted by a session
        self._resend: deque[str] = deque()  # typed turns to send before the outbox's, in order
        self._in_flight: list[str] = []  # typed turns this session took and has not answered yet
        self.heard_fraction = 1.0  # of the last interrupted answer
        self._device_failed = False
        self._drops_logged = 0
        self.handle: str | None = None  # the latest resumable handle from the service
        self.backoff = Backoff()
        self.pending = Pending()  # how long the service keeps us waiting, for the status bar
        self._fresh_trust = True  # the client read SSL_CERT_FILE after the last good connection
        self._recovering = False
        self._announce_start = True  # the next SessionStarted gets a "connected" line in the chat
        self._handoff_pending = False
        self._goaway_deadline: float | None = None
        self._goaway_timer: Any = None
        self._goaway_force: Any = None
        self._audio_enabled = audio  # tests of text-only behaviour leave the devices alone
        self.store = store  # the transcript on disk (core.store.TranscriptStore), if any
        self.saving = SavingWatch(self, lambda text, level: self._render(self.conversation.add_system(text, level)))
        self._restore = restore  # a saved conversation to continue (core.store.LoadedConversation)
        self.voice: Voice | None = None  # created on mount; opens devices in a thread
        self._client: Any = None
        self._backend_started = False
        self._net: NetLoop | None = None
        self.animation_level = "none"  # nothing moves by itself: no bytes over SSH
        # Only changed cells reach the terminal (see ui/terminal.py); LIVETUI_FULL_REPAINT=1
        # writes every update whole, as Textual does, should a terminal ever show it wrong.
        self._shadow = None if os.environ.get("LIVETUI_FULL_REPAINT") else ShadowScreen()

    @property
    def net(self) -> NetLoop:
        """The session's own loop and thread (started on first use): audio keeps
        time however busy the screen is."""
        if self._net is None:
            self._net = NetLoop()
        return self._net

    def get_driver_class(self) -> type[Driver]:
        return safe_input(super().get_driver_class())  # pastes whole and in order: ui/safeinput.py

    def get_default_screen(self) -> Screen:
        return MainScreen(id="_default")

    def frame(self, update: CompositorUpdate) -> CompositorUpdate:
        update = safe_update(update)  # no control code in any text: ui/safescreen.py
        return update if self._shadow is None else DiffUpdate(update, self._shadow)

    # -- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Horizontal(id="main"):
            yield ChatView(id="chat")
            with Vertical(id="side"):
                yield TranscriptPane("You said", "(your speech appears here)", id="heard")
                yield TranscriptPane("Gemini said", "(spoken answers appear here)", id="said")
                with Vertical(id="meters"):
                    yield LevelMeter("mic", id="mic")
                    yield LevelMeter("spk", id="spk")
                yield TokenCounter(self.settings.context_trigger_tokens, id="tokens")
        yield PromptArea(id="prompt", placeholder="Type a message · Enter sends · ctrl+j new line")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_keymap(dict(self.settings.keys))  # [keys] ids were checked at start-up (cli)
        self._fit(self.size.width, self.size.height)
        self.query_one("#meters").border_title = "Levels"
        self.query_one(PromptArea).focus()
        self._status(state="connecting", service=self.backend.label)
        self.voice = Voice(self.settings.audio, automatic_vad=self.settings.vad.automatic, loop=self.net.loop)
        self.set_interval(1 / max(1, self.settings.audio.meter_hz), self._pull_levels)
        self.run_sender()
        self.query_one(StatusBar).follow(self.pending.line)
        self.call_after_refresh(self._begin)
        if self._audio_enabled:
            self.open_audio()
        if lag_file := os.environ.get("LIVETUI_LOOP_LAG_FILE"):
            self.run_worker(self._probe_loop_lag(lag_file), group="lag-probe", exit_on_error=False)

    async def _probe_loop_lag(self, path: str) -> None:
        """Opt-in, for bench/terminal.py (off unless LIVETUI_LOOP_LAG_FILE names a file):
        every 10 ms, how late the event loop woke up, as lines "monotonic-seconds lag-ms",
        appended once a second."""
        lines: list[str] = []
        with open(path, "a", encoding="utf-8") as out:
            while True:
                t0 = time.monotonic()
                await asyncio.sleep(0.01)
                now = time.monotonic()
                lines.append(f"{now:.4f} {(now - t0 - 0.01) * 1000:.2f}\n")
                if len(lines) >= 100:
                    out.writelines(lines)
                    out.flush()
                    lines.clear()

    async def _begin(self) -> None:
        """The first session: fresh, or continuing a saved conversation — by its
        handle while the service still holds it, else by replaying it as context."""
        await self._open_transcript()
        saved = self._restore
        if saved is None:
            self.start_session([])
            return
        await self._show_saved(saved)

    async def _open_transcript(self) -> None:
        """Say if the transcript cannot be written; mark where this session's turns begin."""
        if self.store is not None:
            if self.store.failed:
                await self._render(self.conversation.add_system(self.store.problem, "error"))
            self.saving.attach(self.store)  # says at once when saving stops, retries, says when it resumes
            self.store.write(Record.start(self.settings.model, self.settings.modality, self.backend.label))

    async def _show_saved(self, saved: Any) -> None:
        """A saved conversation (core.store.LoadedConversation) on screen again, not
        written again, then a session that continues it: by its handle, else replayed."""
        # Connection chatter ("connected", "reconnecting") is not brought back; dividers and errors are.
        kept = [t for t in saved.turns if t.role != "system" or t.level != "info"]
        past = [(t.role, t.text, t.modality if t.modality in ("TEXT", "AUDIO") else "TEXT", t.interrupted, t.at) for t in kept]
        changes = self.conversation.restore(past)
        # Only the latest turns become widgets; the rest wait for PageUp (see ChatView).
        chat = self.query_one(ChatView)
        added = [c.turn for c in changes if isinstance(c, TurnAdded)]
        head = {t.id for t in added[: max(0, len(added) - chat.keep)]}
        chat.hide([t for t in added if t.id in head])
        await self._render([c for c in changes if getattr(c, "turn", None) is None or c.turn.id not in head], persist=False)
        await self._render(self.conversation.add_system(f"continuing conversation {saved.id}", "divider"))
        if saved.handle:
            self._recovering = True  # a refused handle falls back to replaying the conversation
            self.start_session([], resume=saved.handle)
        else:
            self.start_session(self._carry())

    def on_resize(self, event: events.Resize) -> None:
        if self._shadow is not None:
            self._shadow.invalidate()  # the terminal may have redrawn or reflowed itself
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        """Below about 70x14 the chat gets the whole screen; the sidebar comes back when there is room."""
        self.query_one("#side").display = width >= 70 and height >= 14

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # On a pushed screen the app's keys step aside, so the screen's own keys work.
        if len(self.screen_stack) > 1 and action not in ("quit", "command_palette", "focus_next", "focus_previous"):
            return False
        return True

    def _status(self, **changes: str) -> None:
        s = self.settings
        vad = "auto" if s.vad.automatic else "push-to-talk"
        notes = []
        if self._goaway_deadline is not None:
            left = max(0, round(self._goaway_deadline - asyncio.get_running_loop().time()))
            notes.append(f"moving connection in {left} s")
        changes.pop("note", None)
        self.query_one(StatusBar).set(model=s.model, modality=s.answers().label, vad=vad, note=" · ".join(notes), mic=self._mic_state(), **changes)

    def _mic_state(self) -> str:
        voice = self.voice
        if voice is None or not voice.available:
            return "no audio" if voice is not None and voice.unavailable else ""
        echo = "speaker" if voice.settings.echo_mode == "speaker" else "headset"
        if voice.muted:
            mic = "mic muted"
        elif not voice.automatic_vad:
            mic = "TALKING" if voice.talking else "F5 to talk"
        else:
            mic = "mic live"
        rec = " · rec" if voice.recorder is not None else ""
        return f"{mic} · {echo}{rec}"

    # -- the session -----------------------------------------------------------

    def start_session(self, carry: list[dict], resume: str | None = None, state: str = "connecting") -> None:
        """Leave the current session (if any) and open a new one — resuming the
        service's session by handle when given. Synchronous on purpose: from here
        on, typed text waits for the new session, and events still arriving from
        the old one are dropped."""
        self.live = None
        self._connected.clear()
        self.generation += 1
        self._in_flight = []
        self._cancel_goaway()
        if resume is None:
            self.handle = None  # a fresh session: the old handle belongs to the old conversation state
        # A move or a reconnect is not news in the chat (the status bar shows it); a start is.
        self._announce_start = state == "connecting"
        self._status(state=state)
        self.pending.connecting(state)
        self.run_session(carry, self.generation, resume)

    @work(exclusive=True, group="session", exit_on_error=False)
    async def run_session(self, carry: list[dict], generation: int, resume: str | None = None) -> None:
        try:
            if not self._backend_started:
                await self.backend.start()
                self._backend_started = True
            if self._client is None:
                # The SDK's half-second import runs beside the first frames, not on the UI's loop.
                await asyncio.to_thread(importlib.import_module, "google.genai")
                self._client = self.backend.client()
        except Exception as exc:  # in words on screen, never a traceback
            self.post_message(LiveEvent(describe_error(exc), generation))
            return
        # The session itself runs on its own loop: cancelling this worker cancels it there.
        await self.net.run(self._session(carry, generation, resume))

    async def _session(self, carry: list[dict], generation: int, resume: str | None) -> None:
        """One connection, on the session's loop (core/netloop.py): it only posts
        messages to the UI, and audio goes straight between it and the devices."""
        try:
            live = LiveSession(self._client, self.settings, self.eventlog, resume_handle=resume, pending=self.pending)
            await live.__aenter__()
        except Exception as exc:
            self.post_message(LiveEvent(describe_error(exc), generation))
            return
        if generation != self.generation:  # superseded while connecting
            await live.close()
            return
        self.live = live
        voice = self.voice
        pump: asyncio.Task[None] | None = None
        try:
            await live.send_context(carry)
            self.post_message(LiveEvent(live.started(), generation))
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
                            self.heard_fraction = voice.interrupted()
                        case TurnComplete():
                            voice.turn_complete()
                self.post_message(LiveEvent(event, generation))
        except Exception as exc:
            self.post_message(LiveEvent(describe_error(exc), generation))
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
            self.post_message(LiveEvent(describe_error(exc), generation))

    @work(thread=True, group="audio", exit_on_error=False)
    def open_audio(self) -> None:
        """PortAudio probing can take a moment: off the UI's loop."""
        voice = self.voice
        if voice is None:
            return
        problem = voice.open()
        self.post_message(AudioReady(problem))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly: in words on screen, details in the log."""
        worker = event.worker
        if event.state != WorkerState.ERROR:
            return
        if worker.group == "audio":
            self.post_message(AudioReady(f"could not open the audio devices: {worker.error}"))
        else:
            self.notify(f"{worker.name} failed: {worker.error}", severity="error")

    async def on_audio_ready(self, message: AudioReady) -> None:
        if not self.is_running:
            return  # quitting: the widgets are gone
        if message.problem:
            await self._render(self.conversation.add_system(f"no audio: {message.problem} · text still works", "error"))
        self._apply_mic_default()

    def _apply_mic_default(self) -> None:
        voice = self.voice
        if voice is None or not voice.available:
            self._status()
            return
        live_mic = mic_live(self.settings.modality, self.settings.audio.mic_on_start)
        voice.automatic_vad = self.settings.vad.automatic
        voice.talking = False
        voice.muted = not live_mic
        self._status()

    @work(group="sender", exit_on_error=False)
    async def run_sender(self) -> None:
        """The one task that sends typed turns, so they keep their order."""
        while True:
            if not self._resend:
                typed = await self.outbox.get()
                if typed is None:
                    continue  # woken up for turns to send again
                self._resend.append(typed)
            text = self._resend[0]
            await self._connected.wait()
            live, generation = self.live, self.generation
            if live is None:
                self._connected.clear()
                continue
            try:
                await self.net.run(live.send_text(text))
            except Exception as exc:  # kept: it goes with the next session
                self._connected.clear()
                self.post_message(LiveEvent(describe_error(exc), generation))
                continue
            if self.live is not live:
                continue  # the session was left while it went out: the next one takes it
            self._resend.popleft()
            self._unsent -= 1
            self._in_flight.append(text)

    async def on_live_event(self, message: LiveEvent) -> None:
        if message.generation != self.generation:
            return  # a late word from a session we already left
        if not self.is_running:
            return  # quitting: the widgets are gone before the session's last events stop
        event = message.event
        if isinstance(event, TurnComplete) and self._in_flight:
            self._in_flight.pop(0)  # answered (or cut by a barge-in): no longer ours to resend
        match event:
            case SessionStarted():
                self._apply_mic_default()
                self._status(state="connected")
                if self._recovering:
                    self._recovering = False
                    await self._render(self.conversation.add_system("reconnected · nothing lost", "info"))
                elif self._announce_start:
                    await self._render(self.conversation.add_system(event.line, "info"))
                else:
                    self.eventlog.add("info", "handoff", 0, "moved to the new connection")
                self.backoff.reset()
                self._fresh_trust = False
                self._connected.set()
            case SessionError():
                await self._session_failed(event)
            case GoAway():
                self._goaway(event.time_left_s)
            case ResumptionHandle(handle=handle, resumable=True) if handle:
                self.handle = handle
                if self.store is not None:
                    self.store.write(Record.handle(handle, True))
                if self._handoff_pending and self._between_answers():
                    self._hand_off()
            case Interrupted():
                turn = self.conversation.model_turn
                await self._render(self.conversation.apply(event))
                if turn is not None and turn.modality == "AUDIO":
                    self.query_one("#said", TranscriptPane).mark_unheard(turn.id, self.heard_fraction)
            case _:
                changes = self.conversation.apply(event)
                if self.voice is not None and any(isinstance(c, TurnAdded) and c.turn.role == "model" for c in changes):
                    self.voice.unanswered.clear()  # an answer begins: the model heard what the mic sent
                await self._render(changes)

    def _persist(self, change: Change) -> None:
        """Into the transcript as it happens: partial turns while they stream, the
        final record and an fsync when they end."""
        store = self.store
        if store is None:
            return
        match change:
            case TurnAdded(turn=turn) | TurnText(turn=turn):
                store.write_turn(turn, partial=turn.open)
            case TurnEnded(turn=turn):
                store.write_turn(turn)
                store.checkpoint()
            case UsageChanged(totals=totals) if totals.last is not None:
                store.write(Record.usage(totals.last))

    # -- staying connected ------------------------------------------------------

    async def _session_failed(self, error: SessionError) -> None:
        """Retry what a retry can fix (with the handle, backing off), restore the
        conversation when the handle is refused, and say the rest once."""
        self._connected.clear()
        self.live = None
        self._cancel_goaway()
        self._requeue_unanswered()
        await self._render(self._end_cut_answer())
        self.pending.stopped()
        diagnosis = diagnose(error, self._fresh_trust)
        if diagnosis.reload_trust:  # the SDK reads SSL_CERT_FILE once per client: the next try makes a new one
            self._client, self._fresh_trust = None, True
        if diagnosis.action == "audio_only" and self.settings.answers().asked == "TEXT":
            self._status(state="failed")
            await self._render(self.conversation.add_system(f"session ended ({error.code}): {error.message}", "error"))
            self._offer_audio_fallback(error)
            return
        if diagnosis.action == "restore":
            self._recovering = True
            await self._render(self.conversation.add_system(diagnosis.message, "info"))
            self.start_session(self._carry(), state="reconnecting")
            return
        if diagnosis.action == "retry":
            delay = self.backoff.next_delay()
            if delay is not None:
                self._recovering = True
                attempt = f"{self.backoff.tried}/{self.backoff.attempts}"
                self._status(state=f"reconnecting {attempt}…")
                self.eventlog.add("info", "reconnect", 0, f"{error.message}; try {attempt} in {delay:g} s")
                if self.backoff.tried == 1:
                    why = "" if error.code == 1006 else f" ({error.message})"  # 1006 says nothing more than "lost"
                    await self._render(self.conversation.add_system(f"connection lost{why} · reconnecting", "info"))
                generation = self.generation
                self.set_timer(delay, lambda: self._reconnect(generation))
                return
            diagnosis = Diagnosis("fatal", f"{error.message} · gave up after {self.backoff.attempts} tries; type to try again")
        self._recovering = False
        self._status(state="failed")
        code = f" ({error.code})" if error.code else ""
        await self._render(self.conversation.add_system(f"{diagnosis.heading}{code}: {diagnosis.message}", "error"))

    def _reconnect(self, generation: int, state: str | None = None) -> None:
        if generation != self.generation:
            return  # something else (a toggle, a new session) happened meanwhile
        state = state or self.query_one(StatusBar).status.state
        if self.handle:
            self.start_session([], resume=self.handle, state=state)
        else:
            self.start_session(self._carry(), state=state)

    def _goaway(self, time_left: float | None) -> None:
        """The service will close this connection: move to a new one with the
        handle, between answers when there is time, before the deadline anyway."""
        left = 10.0 if time_left is None else time_left
        self._goaway_deadline = asyncio.get_running_loop().time() + left
        self._handoff_pending = True
        self.eventlog.add("info", "goAway", 0, f"closing in {left:g} s; moving to a new connection")
        self._goaway_tick()
        self._goaway_timer = self.set_interval(1.0, self._goaway_tick)
        if self._between_answers() and self.handle:
            self._hand_off()
        else:
            self._goaway_force = self.set_timer(max(0.0, left - 1.0), self._hand_off)

    def _goaway_tick(self) -> None:
        if self._goaway_deadline is not None:
            self._status()  # the countdown is part of the status note

    def _cancel_goaway(self) -> None:
        self._handoff_pending = False
        self._goaway_deadline = None
        for timer in (self._goaway_timer, self._goaway_force):
            if timer is not None:
                timer.stop()
        self._goaway_timer = self._goaway_force = None

    def _hand_off(self) -> None:
        if not self._handoff_pending:
            return
        self.eventlog.add("info", "handoff", 0, f"resuming on a new connection ({'handle' if self.handle else 'context restore'})")
        self._requeue_unanswered()
        cut = self._end_cut_answer()  # the deadline came first: the answer ends where it stopped
        if self.handle:
            self.start_session([], resume=self.handle, state="moving")
        else:
            self.start_session(self._carry(), state="moving")
        if cut:  # in the message queue, so it is drawn before anything the new session says
            self.call_later(self._render, cut)

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
        self._unsent += len(waiting)
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

    async def _render(self, changes: list[Change], persist: bool = True) -> None:
        chat = self.query_one(ChatView)
        for change in changes:
            if persist:
                self._persist(change)
            match change:
                case TurnAdded(turn=turn):
                    # A finished turn is drawn whole; a live one gets its text from the
                    # TurnText changes that follow (turn.text already holds their deltas).
                    await chat.add_turn(turn)
                case TurnText(turn=turn, delta=delta):
                    widget = chat.widget_for(turn)
                    if isinstance(widget, ModelMessage):
                        await widget.append(delta)
                    elif isinstance(widget, UserMessage):
                        widget.refresh_text()
                case TurnEnded(turn=turn):
                    widget = chat.widget_for(turn)
                    if isinstance(widget, ModelMessage):
                        await widget.finish()
                case TranscriptChanged(which=which, turn_id=turn_id, text=text):
                    pane = self.query_one("#heard" if which == "input" else "#said", TranscriptPane)
                    pane.show(turn_id, text)
                case UsageChanged(totals=totals):
                    self.query_one(TokenCounter).show(totals)

    def _offer_audio_fallback(self, error: SessionError) -> None:
        from .screens.confirm import transcript_offer

        def chosen(yes: bool | None) -> None:
            if yes:  # from now on this model is asked for AUDIO, as a known audio-only one is
                self.settings = replace(self.settings, refused_text_model=self.settings.model)
                self.call_later(self._switch, self.settings.answers().divider)

        self.push_screen(transcript_offer(error.message), chosen)

    async def _switch(self, label: str) -> None:
        if self.store is not None:
            self.store.write(Record.switch(modality=self.settings.modality, model=self.settings.model))
        await self._render(self.conversation.apply(TurnComplete()))
        await self._render(self.conversation.add_system(label, "divider"))
        self.start_session(self._carry())

    def _carry(self) -> list[dict]:
        """The conversation so far for a new session, minus typed turns still
        waiting in the outbox (they will be sent as turns of their own)."""
        past = self.conversation.past_turns()
        unsent = self._unsent
        while unsent and past and past[-1].role == "user":
            past.pop()
            unsent -= 1
        return carry_over_turns(past, self.settings.carry_over_budget)

    # -- input -----------------------------------------------------------------

    @on(PromptArea.Submitted)
    async def submit(self, message: PromptArea.Submitted) -> None:
        if message.text.startswith("/wav"):
            message.shown()
            path = message.text[4:].strip()
            if not path:
                self.notify("Usage: /wav PATH", severity="warning")
            else:
                self.send_wav(Path(path).expanduser())
            return
        try:
            await self._render(self.conversation.add_user_text(message.text))
        finally:
            message.shown()  # the prompt clears now: the same frame as the new turn
        self._unsent += 1
        self.outbox.put_nowait(message.text)
        if self.query_one(StatusBar).status.state == "failed":
            # Typing after a failure is a fresh start: a full set of tries, by handle when there is one.
            self.backoff.reset()
            self._reconnect(self.generation, state="connecting")

    # -- actions ---------------------------------------------------------------

    async def action_toggle_modality(self) -> None:
        await self._set_answers("AUDIO" if self.settings.modality == "TEXT" else "TEXT")

    async def _set_answers(self, modality: Modality) -> None:
        """Text or audio answers: at once from a model that only speaks (core.answers), else a new session."""
        if why := switch_refusal(self.settings.mode):
            return self.notify(why, severity="warning")
        before = self.settings.answers()
        self.settings = self.settings.with_modality(modality)
        after = self.settings.answers()
        if not before.keeps_connection(after):
            await self._switch(f"{after.wanted} answers · context carried")
            return
        if self.voice is not None:
            self.voice.answers_changed(after, self.settings.audio.mic_on_start)
        if self.store is not None:
            self.store.write(Record.switch(modality=self.settings.modality, model=self.settings.model))
        self.eventlog.add("info", "answers", 0, f"{after.label} answers on the same connection")
        self._status()
        await self._render(self.conversation.add_system(after.divider, "divider"))

    async def action_new_session(self) -> None:
        await self._render(self.conversation.apply(TurnComplete()))
        await self._render(self.conversation.add_system("new session (nothing carried over)", "divider"))
        self.start_session([])

    async def action_clear(self) -> None:
        self.conversation.clear()
        await self.query_one(ChatView).clear()

    async def action_scroll_chat(self, direction: int) -> None:
        chat = self.query_one(ChatView)
        if direction < 0:
            if chat.scroll_y <= 0 and await chat.show_earlier():
                return  # the page above is there now; the next PageUp goes into it
            chat.scroll_page_up()
        else:
            chat.scroll_page_down()

    async def action_scroll_chat_to(self, end: int) -> None:
        chat = self.query_one(ChatView)
        if end:
            chat.scroll_end(animate=False)
            chat.anchor()
        else:
            await chat.show_earlier()
            chat.call_after_refresh(chat.scroll_home, animate=False)

    # -- voice -----------------------------------------------------------------

    def _no_audio(self) -> bool:
        if self.voice is not None and self.voice.available:
            return False
        why = self.voice.unavailable if self.voice is not None else None
        self.notify(f"No audio: {why}" if why else "Audio is still starting", severity="warning")
        return True

    def action_mute(self) -> None:
        if self._no_audio():
            return
        assert self.voice is not None
        self.voice.set_muted(not self.voice.muted)
        self._status()

    async def action_talk(self) -> None:
        """Push-to-talk (VAD off): one press opens the mic, the next closes the turn.
        With automatic VAD it simply unmutes."""
        if self._no_audio():
            return
        voice = self.voice
        assert voice is not None
        if voice.automatic_vad:
            voice.set_muted(False)
        else:
            voice.muted = False
            voice.toggle_talk()
        self._status()

    async def action_cut_in(self) -> None:
        """Stop the WAV file being sent, if any; else stop the answer now (a barge-in by key)."""
        voice, turn = self.voice, self.conversation.model_turn
        if voice is not None and (sending := voice.file) is not None:
            return sending.stop()  # send_wav says where it stopped
        if voice is None or not voice.buffer.playing:
            return
        heard = voice.cut_in()
        if turn is not None:
            self.query_one("#said", TranscriptPane).mark_unheard(turn.id, heard)
        await self._render(self.conversation.add_system("answer stopped", "info"))

    async def action_vad_mode(self) -> None:
        """Automatic VAD ⇄ push-to-talk: part of the session's setup, so a new session."""
        vad = replace(self.settings.vad, automatic=not self.settings.vad.automatic)
        self.settings = replace(self.settings, vad=vad)
        label = "automatic voice detection" if vad.automatic else "push to talk (F5)"
        await self._switch(f"{label} · context carried")

    def action_echo_mode(self) -> None:
        if self.voice is None:
            return
        mode = "headset" if self.voice.settings.echo_mode == "speaker" else "speaker"
        self.voice.settings = replace(self.voice.settings, echo_mode=mode)
        self.settings = replace(self.settings, audio=self.voice.settings)
        self.notify("Speaker mode: the mic pauses while the answer plays" if mode == "speaker" else "Headset mode: full duplex")
        self._status()

    def action_record(self) -> None:
        voice = self.voice
        if voice is None:
            return
        if voice.recorder is not None:
            voice.recorder.close()
            voice.recorder = None
            self.notify("Recording stopped")
        else:
            folder = self.settings.audio.record_dir or default_record_dir()
            voice.recorder = WavRecorder(folder)
            self.notify(f"Recording both sides to {folder}")
        self._status()

    @work(group="wav", exit_on_error=False)  # not exclusive: a new file stops the old one, which says where
    async def send_wav(self, path: Path) -> None:
        """A WAV file as the user's turn, streamed from disk in real time like speech."""
        voice = self.voice
        if voice is None:
            return
        try:
            sent = await self.net.run(voice.send_file(path))
        except (WavError, OSError) as exc:
            await self._render(self.conversation.add_system(f"cannot send {path}: {exc}", "error"))
            return
        await self._render(self.conversation.add_system(sent.summary(), "info"))

    def action_send_wav_prompt(self) -> None:
        prompt = self.query_one(PromptArea)
        prompt.load_text("/wav ")
        prompt.move_cursor(prompt.document.end)
        prompt.focus()

    def action_devices(self) -> None:
        from .screens.devices import DevicePickerScreen

        def chosen(choice: tuple[str | None, str | None] | None) -> None:
            if choice is None or self.voice is None:
                return
            audio = replace(self.settings.audio, input_device=choice[0], output_device=choice[1])
            self.settings = replace(self.settings, audio=audio)
            self.voice.close()
            self.voice.settings = audio
            self.notify(f"Audio devices: in {choice[0] or 'default'}, out {choice[1] or 'default'}")
            self.open_audio()

        self.push_screen(DevicePickerScreen(self.settings.audio.input_device, self.settings.audio.output_device), chosen)

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_event_log(self) -> None:
        from .screens.eventlog import EventLogScreen

        if not isinstance(self.screen, EventLogScreen):
            self.push_screen(EventLogScreen(self.eventlog))

    def action_settings(self) -> None:
        from .screens.settings import SettingsScreen

        def chosen(settings: Settings | None) -> None:
            if settings is not None and settings != self.settings:
                if settings == self.settings.with_modality(settings.modality):  # only the answers: as ctrl+t does
                    self.call_later(self._set_answers, settings.modality)
                    return
                self.settings = settings
                self.call_later(self._switch, "new settings · context carried")

        self.push_screen(SettingsScreen(self.settings, lambda: self._client), chosen)

    # -- history and export (past conversations: read, continue, export) ---------

    def action_history(self) -> None:
        from .screens.history import ConversationView, HistoryChoice, HistoryScreen

        if any(isinstance(screen, (HistoryScreen, ConversationView)) for screen in self.screen_stack):
            return
        store = self.store
        folder = store.path.parent if store is not None else None  # where this conversation is saved

        def chosen(choice: HistoryChoice | None) -> None:
            if choice is not None and choice.kind == "continue":
                self.call_later(self._continue_saved, choice)

        self.push_screen(HistoryScreen(folder, current_id=store.id if store is not None else None), chosen)

    async def _continue_saved(self, choice: Any) -> None:
        """Leave this conversation (saved as it stands) for a saved one: its turns
        on screen, its file appended to, and a session that carries it on."""
        from ..core.store import StoreError, TranscriptStore, load, unsaved_note

        try:
            saved = await asyncio.to_thread(load, choice.path if choice.path is not None else choice.id)
        except StoreError as exc:
            self.notify(f"Cannot continue: {exc}", severity="error", timeout=8)
            return
        if self.store is not None and self.store.path == saved.path:
            self.notify("That is the conversation you are in", severity="warning")
            return
        await self._render(self.conversation.apply(TurnComplete()))  # an answer in progress ends here
        if self.store is not None:
            self.store.close()
            if note := unsaved_note(self.store):  # the disk still refused it: a copy went elsewhere
                self.notify(note, severity="error", timeout=20)
        self.store = TranscriptStore.resume(saved.path)
        await self.action_clear()
        await self._open_transcript()
        await self._show_saved(saved)

    def action_export(self, fmt: str = "md") -> None:
        """This conversation to ~/livetui-<id>.md (or .jsonl), the part not yet saved included."""
        from ..core.store import default_export_path

        self.saving.export(default_export_path(self.store.id, fmt) if self.store is not None else None)

    def action_export_to(self) -> None:
        self.saving.export_to()

    # -- (end of history and export) ---------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return system_commands(self)

    # -- levels ----------------------------------------------------------------

    def _pull_levels(self) -> None:
        """High-rate values are pulled here at 20 Hz; the audio layer provides them."""
        try:
            mic, spk, bar = self.query_one("#mic", LevelMeter), self.query_one("#spk", LevelMeter), self.query_one(StatusBar)
        except NoMatches:  # quitting: the screens are gone before the app's timers stop
            return
        voice = self.voice
        if not self._audio_enabled:
            idle = "off"
        elif voice is not None and voice.unavailable:
            idle = "no device"
        else:
            idle = "starting…" if voice is None or not voice.available else "idle"
        mic_muted = voice is not None and voice.available and voice.muted
        sending = voice.file if voice is not None else None  # read once: the session's loop clears it
        bar.set(sending=sending.progress() if sending is not None else "")
        mic.set_level(self.mic_level(), idle_text="muted" if mic_muted else idle)
        spk.set_level(self.speaker_level(), idle_text=idle)
        if voice is not None and voice.mic_queue.dropped != self._drops_logged:
            # The network fell behind the mic: the oldest chunks went. Say so in the log.
            new = voice.mic_queue.dropped - self._drops_logged
            self._drops_logged = voice.mic_queue.dropped
            self.eventlog.add("info", "mic.dropped", 0, f"{new} mic chunks dropped ({self._drops_logged} in all): the network fell behind")
        if voice is not None and voice.available and not self._device_failed:
            problem = voice.device_error()
            if problem:
                self._device_failed = True
                self.call_later(self._device_lost, problem)

    async def _device_lost(self, problem: str) -> None:
        """A device failed or vanished: say so, keep the session, try again."""
        await self._render(self.conversation.add_system(f"audio device lost ({problem}) · typed turns still work; retrying in 2 s", "error"))
        if self.voice is not None:
            self.voice.close_devices()  # the recording goes on when the device comes back
        self.set_timer(2.0, self._retry_audio)

    def _retry_audio(self) -> None:
        self._device_failed = False
        self.open_audio()

    def mic_level(self) -> float | None:
        voice = self.voice
        if voice is None or (voice.muted and not voice.streaming_file):
            return None
        return voice.mic_level()

    def speaker_level(self) -> float | None:
        return self.voice.speaker_level() if self.voice is not None else None

    async def on_unmount(self) -> None:
        if self._net is not None:
            await self._net.aclose()  # cancels the session, whose clean-up closes the connection
        if self._backend_started:
            await self.backend.stop()
        if self.voice is not None:
            self.voice.close()
        if self.store is not None:  # an answer cut short by quitting keeps its last words
            self.store.close(unfinished=(self.conversation.model_turn, self.conversation.spoken_turn))

    def post_event(self, event: Event) -> None:
        """For tests and tools: feed an event as if the session sent it."""
        self.post_message(LiveEvent(event, self.generation))
