"""The app states that are pictured: defined once, used by the snapshot tests
(tests/ui/test_snapshots.py) and by scripts/screenshots.py.

Each state drives a `make_app(...)` app by keys, then waits (without fixed sleeps)
until the screen has stopped changing. Everything that would differ between two
runs is pinned down here:

- the chat's timestamps: `make_app` gives the app a ticking clock that starts at
  2026-01-01 09:30:00 and moves one second per reading;
- the event log's wall-clock times: the app gets an event log whose clock starts at
  the same moment and moves 40 ms per entry (`RepeatableEventLog`);
- the simulator's session resumption handles (random by design): the event log shows
  them as `handle-1`, `handle-2`, ...;
- one fresh `livetui-sim` process per app (`sim_backend()`), so nothing a test did
  before shows (the simulator, like the real service, names no session id: "-").
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from google import genai
from google.genai import types
from textual.pilot import Pilot

from livetui.core.connectconfig import live_config
from livetui.core.eventlog import EventLog, LogEntry
from livetui.core.settings import Settings
from livetui.testing.simproc import SimProcess
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.chat import ModelMessage
from livetui.ui.widgets.prompt import PromptArea
from livetui.ui.widgets.status import StatusBar

START = datetime(2026, 1, 1, 9, 30, 0)
TIMEOUT = 30.0  # seconds for any one wait; the simulator runs at --speed max


# -- repeatable time ------------------------------------------------------------


class TickingClock:
    """Returns `start`, then `start + step`, ... one step per reading."""

    def __init__(self, start: datetime = START, step: timedelta = timedelta(seconds=1)) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        now, self.now = self.now, self.now + self.step
        return now


class RepeatableEventLog(EventLog):
    """An EventLog whose entries carry a ticking wall clock instead of `datetime.now()`,
    with the server's random resumption handles replaced by `handle-N`.

    (A hook until EventLog takes a `clock=` itself; it rewrites the entry it just added.)
    """

    def __init__(self, clock: Callable[[], datetime] | None = None, limit: int = 5000) -> None:
        super().__init__(limit)
        self.clock = clock or TickingClock(step=timedelta(milliseconds=40))
        self._handles = 0

    def add(self, direction: Any, kind: str, size: int, summary: str) -> LogEntry:
        if kind == "sessionResumptionUpdate":
            self._handles += 1
            summary = re.sub(r"^[^,]*", f"handle-{self._handles}", summary, count=1)
        entry = dataclasses.replace(super().add(direction, kind, size, summary), wall=self.clock())
        self._entries[-1] = entry
        return entry


# -- the app and its backend ------------------------------------------------------


@dataclass
class SimProcessBackend:
    """What livetui's start-up hands the app, pointed at a `livetui-sim` subprocess
    through the three lines it prints (the app may run in an event loop of its own)."""

    exports: dict[str, str]
    label: str = "offline simulator"
    is_simulator: bool = True

    async def start(self) -> None:
        pass

    def client(self) -> genai.Client:
        context = ssl.create_default_context(cafile=self.exports["SSL_CERT_FILE"])
        return genai.Client(
            api_key=self.exports["GEMINI_API_KEY"],
            http_options=types.HttpOptions(
                base_url=self.exports["GOOGLE_GEMINI_BASE_URL"],
                client_args={"verify": context},  # REST calls (models.list), as livetui's SimulatorBackend
                async_client_args={"ssl": context},
            ),
        )

    async def stop(self) -> None:
        pass


@contextmanager
def sim_backend() -> Iterator[SimProcessBackend]:
    """A fresh simulator process (answers at full speed) for one app."""
    with SimProcess("--speed", "max") as sim:
        yield SimProcessBackend(dict(sim.exports))


def make_app(backend: Any) -> LiveTuiApp:
    """The app as pictured: default settings (audio answers), a fixed clock, a repeatable event log."""
    app = LiveTuiApp(Settings(), backend, clock=TickingClock(), audio=False)
    app.eventlog = RepeatableEventLog()
    freeze_latency(app)
    return app


def freeze_latency(app: LiveTuiApp, seconds: float = 0.64) -> None:
    """Every typed answer's latency is `seconds` in pictures (the monotonic clock stands
    still; Enter is said to have been pressed that long before)."""
    session = app.session
    session.monotonic = lambda: 1000.0  # type: ignore[method-assign]
    pressed = session.typed_pressed
    session.typed_pressed = lambda at=None: pressed(1000.0 - seconds)  # type: ignore[method-assign]


# -- waiting ----------------------------------------------------------------------


async def until(pilot: Pilot, condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    """Let the app run until `condition()` holds, then until it is idle."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await pilot.pause(0.01)
    await pilot.pause()  # every message posted so far is handled


def connected(app: LiveTuiApp, modality: str | None = None) -> bool:
    state = app.query_one(StatusBar).status.state
    return state == "connected" and (modality is None or app.settings.modality == modality)


def answers_done(app: LiveTuiApp, n: int) -> bool:
    """`n` answers have ended, and the session has said all it says after a turn.

    The simulator sends a sessionResumptionUpdate right after each turnComplete; until
    it has arrived the screen may still change. The receive worker logs a message and
    posts its events in one step, so once the log shows it, `pilot.pause()` sees the
    app handle everything before it (the Markdown stream's finish included).
    """
    done = [t for t in app.conversation.turns if t.role == "model" and t.ended is not None]
    if len(done) < n or app.conversation.model_turn is not None:
        return False
    kinds = [e.kind for e in app.eventlog.entries()]
    if "serverContent.turnComplete" not in kinds:
        return False
    last_complete = len(kinds) - 1 - kinds[::-1].index("serverContent.turnComplete")
    after = kinds[last_complete + 1 :]
    if "session_resumption" in live_config(app.settings):
        return after == ["sessionResumptionUpdate"]
    return after == []


async def ask(pilot: Pilot, text: str) -> None:
    """Type `text` into the prompt and press Enter."""
    prompt = pilot.app.query_one(PromptArea)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")


async def played_out(pilot: Pilot) -> None:
    """Until the last answer's audio would have played at real time, from its first chunk.

    The service sends audio faster than real time and assumes it is all played: a
    question asked before then cuts that answer short in its context, and the token
    counts with it, whether the console played it or not (text answers do not). The
    pictures' counts must not depend on how fast the test typed."""
    entries = pilot.app.eventlog.entries()
    asked = [i for i, e in enumerate(entries) if e.kind == "client_content"]
    audio = [e for e in entries[asked[-1] if asked else 0 :] if e.kind == "serverContent.modelTurn" and e.summary.startswith("audio")]
    if audio:
        left = audio[0].at + sum(e.size for e in audio) / 48_000 + 0.2 - time.monotonic()  # 24 kHz, 16-bit
        if left > 0:
            await pilot.pause(left)


async def ask_and_wait(pilot: Pilot, text: str) -> None:
    app = pilot.app
    n = len([t for t in app.conversation.turns if t.role == "model"]) + 1
    await played_out(pilot)
    await ask(pilot, text)
    await until(pilot, lambda: answers_done(app, n), f"the answer to {text!r}")


# -- the states ---------------------------------------------------------------------


async def idle(pilot: Pilot) -> None:
    """Connected, nothing typed."""
    await until(pilot, lambda: connected(pilot.app), "connected")


async def text_answers(pilot: Pilot) -> None:
    """ctrl+t: from the default audio answers to text answers (the transcript), at once."""
    await pilot.press("ctrl+t")
    await until(pilot, lambda: connected(pilot.app, "TEXT"), "text answers")


async def text_answer(pilot: Pilot) -> None:
    """ctrl+t to text answers, a short question, then a long answer, read to its end: text
    answers from the default model, which only speaks, are its spoken answer's transcript."""
    await idle(pilot)
    await text_answers(pilot)
    await ask_and_wait(pilot, "What is the capital of France?")
    await ask_and_wait(pilot, "Tell me a story in markdown")


async def light_theme(pilot: Pilot) -> None:
    """F12, "textual-light", Enter: the theme as a user picks it, then a short text answer,
    so the status bar, the chat's boxes and the tokens' gauge show the theme's colours."""
    from textual.command import CommandPalette

    app = pilot.app
    await idle(pilot)
    await pilot.press("f12")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the theme list")
    await pilot.press(*("minus" if key == "-" else key for key in "textual-light"))
    await until(pilot, lambda: app.screen.query_one("CommandList").option_count == 1, "the one theme")
    await pilot.press("enter")
    await until(pilot, lambda: app.theme == "textual-light" and not isinstance(app.screen, CommandPalette), "the light theme")
    await text_answers(pilot)
    await ask_and_wait(pilot, "What is the capital of France?")


async def audio_session(pilot: Pilot) -> None:
    """A text answer, ctrl+t back to audio answers (at once, on the same connection), then an
    audio answer: the transcript panes and the token counter have content."""
    app = pilot.app
    await idle(pilot)
    await text_answers(pilot)
    await ask_and_wait(pilot, "What is the capital of France?")
    await pilot.press("ctrl+t")
    await until(pilot, lambda: connected(app, "AUDIO"), "the audio session")
    await ask_and_wait(pilot, "What did I ask you before?")
    last = list(app.query(ModelMessage))[-1]
    assert last.turn.modality == "AUDIO" and last.turn.audio_seconds > 0, "the last answer was not spoken"


async def event_log(pilot: Pilot) -> None:
    """After a text answer, ctrl+e: every message of the session."""
    from livetui.ui.screens.eventlog import EventLogScreen

    app = pilot.app
    await idle(pilot)
    await ask_and_wait(pilot, "What is the capital of France?")
    await pilot.press("ctrl+e")
    await until(
        pilot,
        lambda: isinstance(app.screen, EventLogScreen) and len(app.screen.table.entries) == len(app.eventlog),
        "the event log screen",
    )


async def help_screen(pilot: Pilot) -> None:
    """F1 over the idle console: every key."""
    from textual.widgets import DataTable

    from livetui.ui.screens.help import HelpScreen

    app = pilot.app
    await idle(pilot)
    await pilot.press("f1")
    await until(pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen.query_one(DataTable).row_count > 0, "the help screen")


async def settings_screen(pilot: Pilot) -> None:
    """F2 over the idle console: the model picker filled from the service, thinking settings
    disabled with the reason (the default model takes none)."""
    from livetui.ui.screens.settings import SettingsScreen

    app = pilot.app
    await idle(pilot)
    await pilot.press("f2")
    await until(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen.models_loaded, "the settings screen")


async def interpreter(pilot: Pilot) -> None:
    """The palette's "Interpreter: translate into…" French, then a spoken question (a WAV
    of espeak-ng speech, sent with /wav): your words and the French side by side."""
    import tempfile
    from pathlib import Path

    from tests.protocol.helpers import speech_pcm, write_wav

    app = pilot.app
    await idle(pilot)
    await pilot.press("ctrl+p", *"Interpreter")
    await pilot.pause(0.3)  # the palette's search runs in a worker
    await pilot.press("enter")
    await until(pilot, lambda: type(app.screen).__name__ == "LanguageScreen", "the language question")
    await pilot.press(*"fr", "enter")
    await until(pilot, lambda: connected(app) and app.settings.mode == "translate", "the interpreter")
    folder = Path(tempfile.mkdtemp())
    write_wav(folder / "question.wav", speech_pcm("what is the weather"), 16000)
    # No silence after the words: the file ends with the speech, so "sent question.wav" is
    # always drawn before the translation, which needs the end of the stream (a tail of
    # silence let the two race, and the picture changed with the machine's load).
    await ask(pilot, f"/wav {folder / 'question.wav'}")
    await until(
        pilot,
        lambda: any(t.role == "model" and t.ended for t in app.conversation.turns)
        and app.conversation.usage.turns >= 1
        and any(t.role == "system" and t.text.startswith("sent question.wav") for t in app.conversation.turns),
        "the translation",
    )


async def tool_call(pilot: Pilot) -> None:
    """A function the person answers, declared for a new session (ctrl+n): the model's call
    as a card under its answer, waiting, and the dialog that answers it."""
    from livetui.core.tools.spec import ToolBox, ToolSpec, UserAnswer
    from livetui.ui.screens.toolanswer import ToolAnswerScreen

    app = pilot.app
    await idle(pilot)
    city = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    spec = ToolSpec("get_weather", "The weather in a city, as you tell it", city, UserAnswer())
    app.settings = dataclasses.replace(app.settings, tools=ToolBox((spec,)))
    await pilot.press("ctrl+n")
    await until(pilot, lambda: connected(app), "the session with the function declared")
    await ask_and_wait(pilot, "What is the weather in Paris?")
    await until(pilot, lambda: isinstance(app.screen, ToolAnswerScreen), "the call's dialog")


async def search_answer(pilot: Pilot) -> None:
    """Text answers, F2's Google Search switch on (a new session), then a question the
    simulator searches: the answer with its numbered sources under it."""
    from textual.widgets import Switch

    from livetui.ui.screens.settings import SettingsScreen

    app = pilot.app
    await idle(pilot)
    await text_answers(pilot)
    await pilot.press("f2")
    await until(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen.models_loaded, "the settings screen")
    app.screen.query_one("#search", Switch).focus()
    await pilot.press("space", "ctrl+s")
    await until(pilot, lambda: app.settings.tools.search and connected(app, "TEXT") and not isinstance(app.screen, SettingsScreen), "search on")
    await ask_and_wait(pilot, "What is the latest news about livetui?")
    assert app.conversation.turns[-1].sources, "the answer was not grounded"


@dataclass(frozen=True)
class State:
    name: str  # file and test id
    caption: str  # what the picture shows, in words
    run_before: Callable[[Pilot], Awaitable[None]]


STATES: tuple[State, ...] = (
    State("idle", "idle: connected, nothing typed", idle),
    State("text_answer", "text answer streamed (the transcript of a model that only speaks)", text_answer),
    State("audio_session", "audio session: transcripts, levels and tokens", audio_session),
    State("event_log", "event log (ctrl+e)", event_log),
    State("help", "help: every key (F1)", help_screen),
    State("settings", "settings (F2): the service's models, settings that follow the model", settings_screen),
    State("search", "Google Search (F2): a grounded answer, its sources numbered under it", search_answer),
    State("interpreter", "interpreter: your speech and its French translation (palette, then /wav)", interpreter),
    State("tool_call", "a function call answered by hand: its card under the answer, and its dialog", tool_call),
    State("light_theme", "the textual-light theme (F12, saved in config.toml): a text answer in its colours", light_theme),
)

BY_NAME = {state.name: state for state in STATES}
