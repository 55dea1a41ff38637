"""The console: one Live session, shown as it happens.

Workers talk to the session; the reducer in core turns events into changes; this
module only routes changes to widgets. It never knows whether it talks to the
simulator or to Gemini.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.driver import Driver
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from ..core.answers import switch_refusal
from ..core.configfile import ConfigError
from ..core.configwrite import save_top_setting
from ..core.conversation import (
    Change,
    Conversation,
    SourcesChanged,
    ToolCardChanged,
    TranscriptChanged,
    TurnAdded,
    TurnEnded,
    TurnText,
    UsageChanged,
)
from ..core.eventlog import EventLog
from ..core.events import (
    AnswerHeard,
    AudioChunk,
    AudioOnlyRefused,
    ConnectionState,
    Event,
    LatencyMeasured,
    Modality,
    SessionNews,
    ToolAsk,
)
from ..core.heap import freeze_once_connected
from ..core.inbox import Inbox
from ..core.persist import Transcript
from ..core.session import SessionController
from ..core.settings import Settings
from .actions import APP, system_commands
from .conversations import Conversations
from .copying import Copying
from .editor import Editing
from .functioncalls import FunctionCalls
from .lagprobe import start_bench_hooks
from .messages import AudioReady, LiveEvents
from .safeinput import safe_input
from .safescreen import safe_update
from .saving import SavingWatch
from .screens.main import MainScreen
from .terminal import DiffUpdate, ShadowScreen
from .textual_internals import CompositorUpdate, FrameHook
from .toasts import PlainToasts
from .voicecontrols import VoiceControls
from .widgets.chat import ChatView, ModelMessage, UserMessage
from .widgets.latency import LatencyPane
from .widgets.meters import LevelMeter
from .widgets.prompt import PromptArea
from .widgets.status import StatusBar
from .widgets.tokens import TokenCounter
from .widgets.transcripts import TranscriptPane


class LiveTuiApp(FrameHook, PlainToasts, VoiceControls, Conversations, Copying, Editing, FunctionCalls, App[int]):  # frames: ui/textual_internals.py; toasts: plain (ui/toasts.py)
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
        config_file: Path | None = None,
        freeze_heap: bool = False,
    ) -> None:
        super().__init__()
        if settings.theme:  # checked at start-up against ui.tones.theme_names (cli)
            self.theme = settings.theme
        self._config_file = config_file  # where a theme chosen on screen is saved (None: not saved)
        self.backend = backend
        # A fixed clock makes pictures of the app repeatable.
        conversation = Conversation(clock=clock) if clock else Conversation()
        # The conversation with the service, its connections and its transcript: core/session.py.
        self.session = SessionController(settings, backend, self, conversation=conversation, transcript=Transcript(store))
        # The session's events, from its thread: one message per batch, not per event.
        self._inbox: Inbox[tuple[Event, int]] = Inbox(lambda: self.post_message(LiveEvents()))
        self._audio_enabled = audio  # tests of text-only behaviour leave the devices alone
        self.saving = SavingWatch(self, lambda text, level: self.session.say(text, level))
        self._restore = restore  # a saved conversation to continue (core.store.LoadedConversation)
        self._freeze_heap = freeze_heap  # the real command's: shorter full collections (core/heap.py)
        self.animation_level = "none"  # nothing moves by itself: no bytes over SSH
        # Only changed cells reach the terminal (see ui/terminal.py); LIVETUI_FULL_REPAINT=1
        # writes every update whole, as Textual does, should a terminal ever show it wrong.
        self._shadow = None if os.environ.get("LIVETUI_FULL_REPAINT") else ShadowScreen()

    @property
    def settings(self) -> Settings:
        return self.session.settings  # one copy: what the next session is opened with

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self.session.settings = settings

    @property
    def conversation(self) -> Conversation:
        return self.session.conversation

    @property
    def eventlog(self) -> EventLog:
        return self.session.eventlog

    @eventlog.setter
    def eventlog(self, log: EventLog) -> None:
        self.session.eventlog = log  # tests swap in one with repeatable times

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
                yield LatencyPane(id="latency")
        yield PromptArea(id="prompt", placeholder="Type a message · Enter sends · ctrl+j new line")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_keymap(dict(self.settings.keys))  # [keys] ids were checked at start-up (cli)
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        self._fit(self.size.width, self.size.height)
        self.query_one("#meters").border_title = "Levels"
        self.query_one(PromptArea).focus()
        self._status(state="connecting", service=self.backend.label)
        self.session.make_voice()
        self.start_levels()
        self.run_worker(self.session.send_typed(), name="run_sender", group="sender", exit_on_error=False)
        self.query_one(StatusBar).follow(self.session.pending.line)
        self.call_after_refresh(self._begin)
        if self._audio_enabled:
            self.open_audio()
        if self._freeze_heap:
            self.run_worker(freeze_once_connected(self.session.connected), group="heap", exit_on_error=False)
        start_bench_hooks(self, self.session.net.submit)  # off unless bench/ asks (ui/lagprobe.py)

    def redraw_all(self) -> None:
        if self._shadow is not None:
            self._shadow.invalidate()  # another program had the terminal: it shows nothing of ours
        super().redraw_all()

    def on_resize(self, event: events.Resize) -> None:
        if self._shadow is not None:
            self._shadow.invalidate()  # the terminal may have redrawn or reflowed itself
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        """Below about 70x14 the chat gets the whole screen; the sidebar comes back when there is room."""
        self.query_one("#side").display = width >= 70 and height >= 14
        self.query_one(LatencyPane).compact = height < 30  # 80x24 has no row to spare: one line

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # On a pushed screen the app's keys step aside, so the screen's own keys work.
        if len(self.screen_stack) > 1 and action not in ("quit", "command_palette", "focus_next", "focus_previous"):
            return False
        return True

    def _status(self, **changes: str) -> None:
        s = self.settings
        vad = "auto" if s.vad.automatic else "push-to-talk"
        self.query_one(StatusBar).set(model=s.model, modality=s.answers().label, vad=vad, mic=self._mic_state(), **changes)
        self.wake_levels()  # the mic's state may have changed: the meters follow at once

    # -- the session's host (core.session.Host) ----------------------------------

    def deliver(self, event: Event, generation: int) -> None:
        self._inbox.put((event, generation))  # from the session's thread: in order, on this loop

    def run_connection(self, work: Coroutine[Any, Any, None]) -> None:
        self.run_worker(work, name="run_session", group="session", exclusive=True, exit_on_error=False)

    def emit(self, news: SessionNews) -> None:
        match news:
            case ConnectionState(state=state, note=note):
                self._status(state=state, note=note)
            case AnswerHeard(turn_id=turn_id, fraction=fraction):
                self.query_one("#said", TranscriptPane).mark_unheard(turn_id, fraction)
            case AudioOnlyRefused(message=message):
                self._offer_audio_fallback(message)
            case ToolAsk():
                self._ask_tool(news)
            case LatencyMeasured(summary=summary):
                self.query_one(LatencyPane).show(summary)

    def later(self, callback: Callable[..., Any], *args: Any) -> None:
        self.call_later(callback, *args)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly: in words on screen, details in the log."""
        worker = event.worker
        if event.state != WorkerState.ERROR:
            return
        if worker.group == "audio":
            self.post_message(AudioReady(f"could not open the audio devices: {worker.error}"))
        else:
            self.notify(f"{worker.name} failed: {worker.error}", severity="error")

    async def on_live_events(self, _message: LiveEvents) -> None:
        for event, generation in self._inbox.take():
            if not self.is_running:
                return  # quitting: the widgets are gone before the session's last events stop
            if isinstance(event, AudioChunk):
                self.wake_levels()  # the speaker's meter moves
            await self.session.receive(event, generation)

    async def draw(self, changes: Sequence[Change]) -> None:
        """Conversation changes to the widgets (the controller has saved them)."""
        chat = self.query_one(ChatView)
        for change in changes:
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
                case SourcesChanged(turn=turn):
                    widget = chat.widget_for(turn)
                    if isinstance(widget, ModelMessage):
                        await widget.show_sources()
                case ToolCardChanged(turn=turn, card=card):
                    await self._show_tool_card(chat, turn, card)

    def _offer_audio_fallback(self, message: str) -> None:
        from .screens.confirm import transcript_offer

        def chosen(yes: bool | None) -> None:
            if yes:  # from now on this model is asked for AUDIO, as a known audio-only one is
                self.settings = replace(self.settings, refused_text_model=self.settings.model)
                self.call_later(self.session.switch, self.settings.answers().divider)

        self.push_screen(transcript_offer(message), chosen)

    # -- input -----------------------------------------------------------------

    @on(PromptArea.Submitted)
    async def submit(self, message: PromptArea.Submitted) -> None:
        if not message.text.startswith("/wav"):
            self.session.typed_pressed()  # the answer's latency counts from Enter (core/latency.py)
        if message.text.startswith("/wav"):
            message.shown()
            path = message.text[4:].strip()
            if not path:
                self.notify("Usage: /wav PATH", severity="warning")
            else:
                self.send_wav(Path(path).expanduser())
            return
        try:
            await self.session.show(self.conversation.add_user_text(message.text))
        finally:
            message.shown()  # the prompt clears now: the same frame as the new turn
        self.session.queue_typed(message.text)

    # -- actions ---------------------------------------------------------------

    async def action_toggle_modality(self) -> None:
        await self._set_answers("AUDIO" if self.settings.modality == "TEXT" else "TEXT")

    async def _set_answers(self, modality: Modality) -> None:
        """Text or audio answers: at once from a model that only speaks (core.answers), else a new session."""
        if why := switch_refusal(self.settings.mode):
            return self.notify(why, severity="warning")
        after = self.session.answers_in_place(modality)
        if after is None:
            return await self.session.switch(f"{self.settings.answers().wanted} answers · context carried")
        self._status()
        await self.session.say(after.divider, "divider")

    async def action_new_session(self) -> None:
        await self.session.new_session()

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

    @work(group="wav", exit_on_error=False)  # not exclusive: a new file stops the old one, which says where
    async def send_wav(self, path: Path) -> None:
        """A WAV file as the user's turn, streamed from disk in real time like speech."""
        await self.session.send_wav(path)

    def action_send_wav_prompt(self) -> None:
        prompt = self.query_one(PromptArea)
        prompt.load_text("/wav ")
        prompt.move_cursor(prompt.document.end)
        prompt.focus()

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
                self.call_later(self.session.switch, "new settings · context carried")

        self.push_screen(SettingsScreen(self.settings, lambda: self.session.client), chosen)

    def _theme_chosen(self, theme: Theme) -> None:
        """A theme picked on screen (F12, the palette) is kept: `theme = "…"` in config.toml."""
        if theme.name == (self.settings.theme or "textual-dark"):
            return
        self.settings = replace(self.settings, theme=theme.name)
        if self._config_file is None:
            return
        try:  # a small file: written here, at once, in the user's order and with their comments
            save_top_setting(self._config_file, "theme", theme.name)
        except ConfigError as exc:
            self.notify(f"Theme {theme.name} is not saved: {exc}", severity="warning")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return system_commands(self)

    async def on_unmount(self) -> None:
        await self.session.aclose()

    def post_event(self, event: Event) -> None:
        """For tests and tools: feed an event as if the session sent it."""
        self.deliver(event, self.session.generation)
