"""The console: one Live session, shown as it happens.

Workers talk to the session; the reducer in core turns events into changes; this
module only routes changes to widgets. It never knows whether it talks to the
simulator or to Gemini.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Callable, Iterable

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer

from ..core.carryover import carry_over_turns
from ..core.config import Settings
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
from ..core.events import Event, GoAway, SessionError, SessionStarted, TurnComplete
from ..core.live import LiveSession, describe_error
from .messages import LiveEvent
from .widgets.chat import ChatView, ModelMessage, UserMessage
from .widgets.meters import LevelMeter
from .widgets.prompt import PromptArea
from .widgets.status import StatusBar
from .widgets.tokens import TokenCounter
from .widgets.transcripts import TranscriptPane


def is_audio_only_refusal(error: SessionError) -> bool:
    """Native-audio models refuse TEXT answers with 1007 'Cannot extract voices…'."""
    return error.code == 1007 and "non-audio request" in error.message


class LiveTuiApp(App[int]):
    CSS_PATH = "livetui.tcss"
    TITLE = "livetui"

    BINDINGS = [
        Binding("ctrl+t", "toggle_modality", "Text/Audio", id="toggle_modality", priority=True),
        Binding("f1", "help", "Keys", id="help", priority=True),
        Binding("ctrl+e", "event_log", "Events", id="event_log", priority=True),
        Binding("ctrl+n", "new_session", "New session", id="new_session", show=False, priority=True),
        Binding("f2", "settings", "Settings", id="settings", show=False, priority=True),
        Binding("ctrl+l", "clear", "Clear", id="clear", show=False, priority=True),
        Binding("pageup", "scroll_chat(-1)", "Scroll up", id="scroll_up", show=False),
        Binding("pagedown", "scroll_chat(1)", "Scroll down", id="scroll_down", show=False),
        Binding("ctrl+home", "scroll_chat_to(0)", "Oldest", id="scroll_top", show=False),
        Binding("ctrl+end", "scroll_chat_to(1)", "Newest", id="scroll_bottom", show=False),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(self, settings: Settings, backend: Any, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.backend = backend
        # A fixed clock makes pictures of the app repeatable.
        self.conversation = Conversation(clock=clock) if clock else Conversation()
        self.eventlog = EventLog()
        self.live: LiveSession | None = None
        self.generation = 0  # bumps with each session; events of older ones are dropped
        # Typed turns wait here until a session takes them: in order, never lost.
        self.outbox: asyncio.Queue[str] = asyncio.Queue()
        self._connected = asyncio.Event()
        self._unsent = 0  # typed turns not yet accepted by a session
        self.speaker_muted = False
        self.text_from_transcript = False  # the 1007 fallback: audio answers shown as text
        self._client: Any = None
        self._backend_started = False
        self.animation_level = "none"  # nothing moves by itself: no bytes over SSH

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
                yield TokenCounter(id="tokens")
        yield PromptArea(id="prompt", placeholder="Type a message · Enter sends · ctrl+j new line")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._apply_keymap()
        self._fit(self.size.width, self.size.height)
        self.query_one("#meters").border_title = "Levels"
        self.query_one(PromptArea).focus()
        self._status(state="connecting", service=self.backend.label)
        self.set_interval(1 / 20, self._pull_levels)
        self.start_session([])
        self.run_sender()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        """Below about 70x14 the chat gets the whole screen; the sidebar comes back when there is room."""
        self.query_one("#side").display = width >= 70 and height >= 14

    def _apply_keymap(self) -> None:
        keys = dict(self.settings.keys)
        if not keys:
            return
        from .screens.help import key_rows

        known = {row.binding_id for row in key_rows(self) if row.binding_id}
        unknown = sorted(set(keys) - known)
        for name in unknown:
            keys.pop(name)
        if unknown:
            where = self.settings.config_path or "the config file"
            self.notify(f"Unknown key binding id(s) in {where}: {', '.join(unknown)}", severity="warning", timeout=8)
        self.set_keymap(keys)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # On a pushed screen the app's keys step aside, so the screen's own keys work.
        if len(self.screen_stack) > 1 and action not in ("quit", "command_palette"):
            return False
        return True

    def _status(self, **changes: str) -> None:
        s = self.settings
        vad = "auto" if s.vad.automatic else "push-to-talk"
        modality = s.modality + (" → text" if self.text_from_transcript else "")
        note = "speaker muted" if self.speaker_muted else ""
        self.query_one(StatusBar).set(model=s.model, modality=modality, vad=vad, note=note, **changes)

    # -- the session -----------------------------------------------------------

    def start_session(self, carry: list[dict]) -> None:
        """Leave the current session (if any) and open a new one. Synchronous on
        purpose: from here on, typed text waits for the new session, and events
        still arriving from the old one are dropped."""
        self.live = None
        self._connected.clear()
        self.generation += 1
        self._status(state="connecting")
        self.run_session(carry, self.generation)

    @work(exclusive=True, group="session", exit_on_error=False)
    async def run_session(self, carry: list[dict], generation: int) -> None:
        try:
            if not self._backend_started:
                await self.backend.start()
                self._backend_started = True
            if self._client is None:
                self._client = self.backend.client()
            live = LiveSession(self._client, self.settings, self.eventlog)
            await live.__aenter__()
        except Exception as exc:  # in words on screen, never a traceback
            self.post_message(LiveEvent(describe_error(exc), generation))
            return
        if generation != self.generation:  # superseded while connecting
            await live.close()
            return
        self.live = live
        try:
            await live.send_context(carry)
            self.post_message(LiveEvent(live.started(), generation))
            async for event in live.events():
                self.post_message(LiveEvent(event, generation))
        except Exception as exc:
            self.post_message(LiveEvent(describe_error(exc), generation))
        finally:
            if self.live is live:
                self.live = None
            await live.close()

    @work(group="sender", exit_on_error=False)
    async def run_sender(self) -> None:
        """The one task that sends typed turns, so they keep their order."""
        while True:
            text = await self.outbox.get()
            while True:
                await self._connected.wait()
                live, generation = self.live, self.generation
                if live is None:
                    self._connected.clear()
                    continue
                try:
                    await live.send_text(text)
                    self._unsent -= 1
                    break
                except Exception as exc:  # kept: it goes with the next session
                    self._connected.clear()
                    self.post_message(LiveEvent(describe_error(exc), generation))

    async def on_live_event(self, message: LiveEvent) -> None:
        if message.generation != self.generation:
            return  # a late word from a session we already left
        event = message.event
        match event:
            case SessionStarted():
                self._status(state="connected")
                await self._render(self.conversation.add_system(f"connected · {event.modality} answers", "info"))
                self._connected.set()
            case SessionError():
                self._connected.clear()
                self.live = None
                self._status(state="failed")
                await self._render(self.conversation.apply(TurnComplete()))
                code = f" ({event.code})" if event.code else ""
                await self._render(self.conversation.add_system(f"session ended{code}: {event.message}", "error"))
                if is_audio_only_refusal(event) and self.settings.modality == "TEXT":
                    self._offer_audio_fallback(event)
            case GoAway():
                left = f" in {event.time_left_s:g} s" if event.time_left_s is not None else " soon"
                await self._render(self.conversation.add_system(f"the service will close this session{left}", "info"))
            case _:
                await self._render(self.conversation.apply(event))

    async def _render(self, changes: list[Change]) -> None:
        chat = self.query_one(ChatView)
        for change in changes:
            match change:
                case TurnAdded(turn=turn):
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
        from .screens.confirm import ConfirmScreen

        def chosen(yes: bool | None) -> None:
            if yes:
                self.text_from_transcript = True
                self.speaker_muted = True
                self.settings = self.settings.with_modality("AUDIO")
                self.call_later(self._switch, "audio answers shown as text, speaker muted")

        self.push_screen(
            ConfirmScreen(
                "This model answers only with audio",
                f"The service refused text answers: “{error.message}”\n\n"
                "Use audio answers instead, with their transcript shown as the text and the speaker muted?",
                yes="Use audio as text",
                no="Stay",
            ),
            chosen,
        )

    async def _switch(self, label: str) -> None:
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
        await self._render(self.conversation.add_user_text(message.text))
        self._unsent += 1
        self.outbox.put_nowait(message.text)
        if self.query_one(StatusBar).status.state == "failed":
            self.start_session(self._carry())  # typing after a failure reconnects

    # -- actions ---------------------------------------------------------------

    async def action_toggle_modality(self) -> None:
        new = "AUDIO" if self.settings.modality == "TEXT" else "TEXT"
        self.settings = self.settings.with_modality(new)
        self.text_from_transcript = False
        self.speaker_muted = False
        await self._switch(f"{new} answers · context carried")

    async def action_new_session(self) -> None:
        await self._render(self.conversation.apply(TurnComplete()))
        await self._render(self.conversation.add_system("new session (nothing carried over)", "divider"))
        self.start_session([])

    async def action_clear(self) -> None:
        self.conversation.clear()
        await self.query_one(ChatView).remove_children()

    def action_scroll_chat(self, direction: int) -> None:
        chat = self.query_one(ChatView)
        if direction < 0:
            chat.scroll_page_up()
        else:
            chat.scroll_page_down()

    def action_scroll_chat_to(self, end: int) -> None:
        chat = self.query_one(ChatView)
        if end:
            chat.scroll_end(animate=False)
            chat.anchor()
        else:
            chat.scroll_home(animate=False)

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
                self.settings = settings
                self.call_later(self._switch, "new settings · context carried")

        self.push_screen(SettingsScreen(self.settings), chosen)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Toggle modality", "Switch answers between text and audio (new session, context carried)", self.action_toggle_modality)
        yield SystemCommand("New session", "Close this session and start a fresh one", self.action_new_session)
        yield SystemCommand("Settings", "Model, voice, language, system instruction, VAD", self.action_settings)
        yield SystemCommand("Event log", "Every message of the session", self.action_event_log)
        yield SystemCommand("Clear", "Clear the chat history from the screen", self.action_clear)
        yield SystemCommand("Keys", "Show every key", self.action_help)
        yield SystemCommand("Quit", "Quit livetui", self.action_quit)

    # -- levels ----------------------------------------------------------------

    def _pull_levels(self) -> None:
        """High-rate values are pulled here at 20 Hz; the audio layer provides them."""
        try:
            mic, spk = self.query_one("#mic", LevelMeter), self.query_one("#spk", LevelMeter)
        except NoMatches:  # quitting: the screens are gone before the app's timers stop
            return
        mic.set_level(self.mic_level(), idle_text="no audio yet")
        spk.set_level(self.speaker_level(), idle_text="muted" if self.speaker_muted else "no audio yet")

    def mic_level(self) -> float | None:
        return None

    def speaker_level(self) -> float | None:
        return None

    async def on_unmount(self) -> None:
        if self.live is not None:
            await self.live.close()
        if self._backend_started:
            await self.backend.stop()

    def post_event(self, event: Event) -> None:
        """For tests and tools: feed an event as if the session sent it."""
        self.post_message(LiveEvent(event, self.generation))
