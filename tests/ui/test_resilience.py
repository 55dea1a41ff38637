"""Sessions that survive, against livetui.sim's faults: goAway hand-offs in the
middle of an answer and with a deadline shorter than it, drops at each phase,
backoff that gives up, every error said once, and (marked slow) a long soak.

The simulator's frame log stamps every frame with time.monotonic(), so hand-off
gaps are measured from it. The app declares no tools, so there is no "drop while
a tool call is pending" case here: a tool call is a protocol test (tests/protocol).
"""

from __future__ import annotations

import asyncio
import gc
import math
import random
import socket
import ssl
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from google import genai
from google.genai import types

import livetui.sim.session as sim_session
from livetui.core.conversation import Turn
from livetui.core.recovery import Backoff
from livetui.core.settings import Settings
from livetui.sim import SimOptions, Simulator
from livetui.sim.texts import LONG_ANSWER
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.chat import ChatView, ModelMessage, SystemLine
from livetui.ui.widgets.status import StatusBar

from .conftest import SimBackend, frames
from .helpers import type_and_send, until

SIZE = (100, 30)
QUICK = dict(first=0.01, cap=0.05, attempts=3)  # a backoff that gives up in well under a second


# -- the app -------------------------------------------------------------------------


def state(app: LiveTuiApp) -> str:
    return app.query_one(StatusBar).status.state


def answers(app: LiveTuiApp) -> list[ModelMessage]:
    return [m for m in app.query(ModelMessage) if not m.turn.open]


def system_lines(app: LiveTuiApp, kind: str | None = None) -> list[str]:
    return [str(line.turn.text) for line in app.query(SystemLine) if kind is None or line.turn.kind == kind]


def connected(app: LiveTuiApp) -> bool:
    return state(app) == "connected"


class States:
    """Every state the status bar showed, in order (transient ones included)."""

    def __init__(self, app: LiveTuiApp) -> None:
        self.seen: list[str] = []
        bar = app.query_one(StatusBar)
        original = bar.set

        def recording(**changes: str) -> None:
            original(**changes)
            if not self.seen or self.seen[-1] != bar.status.state:
                self.seen.append(bar.status.state)

        bar.set = recording  # type: ignore[method-assign]


# -- the simulator and its frame log ---------------------------------------------------


async def sim_backend(**options: Any) -> tuple[Simulator, SimBackend]:
    options.setdefault("speed", math.inf)
    sim = await Simulator(SimOptions(**options), keep_frames=True).start()
    return sim, SimBackend(sim)


async def stop(sim: Simulator) -> None:
    # A connection handler that never ends would make this hang: bounded, so it fails instead.
    await asyncio.wait_for(sim.stop(), 10)


def on(backend: SimBackend, conn: int, direction: str | None = None, key: str | None = None) -> list[dict[str, Any]]:
    return [
        r for r in backend.sim.frames.records
        if r["conn"] == conn and (direction is None or r["dir"] == direction) and (key is None or key in r["msg"])
    ]


def served(backend: SimBackend, conn: int, key: str) -> list[dict[str, Any]]:
    """The simulator's serverContent frames on `conn` that carry `key`."""
    return [r for r in on(backend, conn, "out", "serverContent") if key in r["msg"]["serverContent"]]


def model_text(backend: SimBackend, conn: int) -> str:
    return "".join(
        part.get("text", "")
        for r in served(backend, conn, "modelTurn")
        for part in r["msg"]["serverContent"]["modelTurn"]["parts"]
    )


def asked(backend: SimBackend, text: str, exact: bool = False) -> list[dict[str, Any]]:
    """The client_content frames that ask `text` (or, exact, only it) as a turn."""
    found = []
    for f in frames(backend, "in", "client_content"):
        content = f["msg"]["client_content"]
        turns = content.get("turns")
        said = [part.get("text", "") for turn in (turns if isinstance(turns, list) else [turns]) for part in turn["parts"]]
        if content.get("turnComplete") and any(text == t if exact else text in t for t in said):
            found.append(f)
    return found


def setups(backend: SimBackend) -> list[dict[str, Any]]:
    return frames(backend, "in", "setup")


def gap(backend: SimBackend, old: int, new: int, since: float | None = None) -> float:
    """Seconds from the old connection's last frame (or `since`) to setupComplete on the new one."""
    last_old = since if since is not None else max(r["t"] for r in on(backend, old))
    [complete] = on(backend, new, "out", "setupComplete")
    return complete["t"] - last_old


# -- goAway ----------------------------------------------------------------------------


async def test_goaway_mid_text_answer_finishes_it_then_moves_with_the_handle(text_model: str) -> None:
    """goAway arrives while a long Markdown answer streams: the answer completes on
    the old connection, whole; then the app moves by handle, and the conversation
    goes on from the service's memory."""
    # The story is ~700 tokens: 2.8 s at 250 tokens/s. goAway comes 1 s in; 8 s left.
    sim, backend = await sim_backend(speed=1.0, text_rate=250, goaway_after=1.0, goaway_time_left=8.0)
    try:
        app = LiveTuiApp(Settings(model=text_model, modality="TEXT"), backend, audio=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: connected(app))
            await type_and_send(pilot, "Tell me a story in markdown")
            await until(pilot, lambda: len(answers(app)) == 1, timeout=30, what="the story")
            await until(pilot, lambda: len(setups(backend)) >= 2 and connected(app), what="the hand-off")
            await type_and_send(pilot, "What did I ask you before?")
            await until(pilot, lambda: len(answers(app)) == 2, what="the answer from memory")

            story, recall = answers(app)
            assert story.turn.text == model_text(backend, 1) == LONG_ANSWER, "the story was cut"
            assert not story.turn.interrupted
            assert "Tell me a story in markdown" in recall.turn.text
            assert system_lines(app, "error") == [], "a hand-off is not an error"
            assert system_lines(app) == ["connected · TEXT answers"], "a hand-off is not news in the chat"

        [goaway] = on(backend, 1, "out", "goAway")
        chunks = served(backend, 1, "modelTurn")
        [done] = served(backend, 1, "turnComplete")
        assert chunks[0]["t"] < goaway["t"] < chunks[-1]["t"], "goAway did not come mid-answer"
        second = setups(backend)[1]
        assert second["conn"] == 2 and second["t"] >= done["t"], "moved before the answer was complete"
        [update] = on(backend, 1, "out", "sessionResumptionUpdate")
        assert second["msg"]["setup"]["sessionResumption"]["handle"] == update["msg"]["sessionResumptionUpdate"]["newHandle"]
        assert len(asked(backend, "Tell me a story in markdown")) == 1
        # Nothing was replayed: the service kept the conversation.
        assert all(f["msg"]["client_content"]["turnComplete"] for f in frames(backend, "in", "client_content"))
        moved = gap(backend, 1, 2)
        print(f"\n[goAway mid-answer] answer finished {done['t'] - goaway['t']:.2f} s after goAway; "
              f"hand-off gap (old connection's last frame → setupComplete) {1000 * moved:.0f} ms")
        assert 0 <= moved < 2.0
    finally:
        await stop(sim)


async def test_goaway_deadline_shorter_than_the_answer_moves_in_time(text_model: str) -> None:
    """goAway with 2 s left while a ~7 s answer streams: the app moves a second before
    the deadline (the service never has to close it: no "Deadline expired"), the cut
    answer stays as far as it got, marked interrupted, and is not continued by the
    next answer; the story is not asked twice; what is typed next is answered."""
    sim, backend = await sim_backend(speed=1.0, text_rate=100, goaway_after=1.0, goaway_time_left=2.0)
    try:
        app = LiveTuiApp(Settings(model=text_model, modality="TEXT"), backend, audio=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: connected(app))
            await type_and_send(pilot, "What is the capital of Norway?")
            await until(pilot, lambda: len(answers(app)) == 1 and app.session.handle is not None, what="a handle")
            await type_and_send(pilot, "Tell me a story")
            await until(pilot, lambda: len(setups(backend)) >= 2 and connected(app), timeout=15, what="the forced move")
            await type_and_send(pilot, "What is the capital of Spain?")
            await until(pilot, lambda: len(answers(app)) == 3, what="the question after the move")

            norway, story, spain = answers(app)
            assert story.turn.interrupted and "interrupted" in str(story.border_title)
            assert 0 < len(story.turn.text) < len(LONG_ANSWER) and LONG_ANSWER.startswith(story.turn.text)
            assert "Madrid" in spain.turn.text and "Madrid" not in story.turn.text
            assert system_lines(app, "error") == []
            assert not app.eventlog.entries(text="deadline expired")

        [goaway] = on(backend, 1, "out", "goAway")
        deadline = goaway["t"] + 2.0
        second = setups(backend)[1]
        assert second["t"] < deadline, f"moved {second['t'] - deadline:.2f} s after the deadline"
        assert second["msg"]["setup"]["sessionResumption"]["handle"]
        assert story.turn.text == model_text(backend, 1)[len(norway.turn.text):][: len(story.turn.text)]
        assert len(asked(backend, "Tell me a story")) == 1, "the cut answer's question is not asked again"
        [spain_asked] = asked(backend, "capital of Spain")
        assert spain_asked["conn"] == 2
        last_chunk = served(backend, 1, "modelTurn")[-1]["t"]
        moved = gap(backend, 1, 2, since=last_chunk)
        print(f"\n[goAway deadline] moved {deadline - second['t']:.2f} s before the deadline; "
              f"gap (last answer chunk → setupComplete) {1000 * moved:.0f} ms")
        assert moved < 2.0
    finally:
        await stop(sim)


async def test_goaway_while_a_typed_question_awaits_its_answer_waits_for_it() -> None:
    """A question is sent and its answer has not begun (the service's first-token
    latency) when goAway comes: moving then would leave it on the old connection,
    unanswered. The app waits for the answer, then moves with the newer handle."""
    sim, backend = await sim_backend(latency_ms=1000, goaway_after=1.5, goaway_time_left=5.0)
    try:
        app = LiveTuiApp(Settings(), backend, audio=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: connected(app))
            await type_and_send(pilot, "What is the capital of France?")
            await until(pilot, lambda: len(answers(app)) == 1 and app.session.handle is not None, what="the first answer")
            await type_and_send(pilot, "What is the capital of Spain?")
            await until(pilot, lambda: len(answers(app)) == 2, what="the answer that was awaited")
            await until(pilot, lambda: len(setups(backend)) >= 2 and connected(app), what="the hand-off")
            await type_and_send(pilot, "What did I ask you before?")
            await until(pilot, lambda: len(answers(app)) == 3, what="the answer from memory")
            assert "Madrid" in answers(app)[1].turn.text
            assert "capital of Spain" in answers(app)[2].turn.text

        [goaway] = on(backend, 1, "out", "goAway")
        [spain] = asked(backend, "capital of Spain")
        assert spain["conn"] == 1 and spain["t"] < goaway["t"], "the question was not in flight at goAway"
        updates = on(backend, 1, "out", "sessionResumptionUpdate")
        second = setups(backend)[1]
        assert second["msg"]["setup"]["sessionResumption"]["handle"] == updates[-1]["msg"]["sessionResumptionUpdate"]["newHandle"]
    finally:
        await stop(sim)


# -- drops -----------------------------------------------------------------------------


async def test_a_drop_during_setup_reconnects(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first connection is cut after the setup was read, before setupComplete."""
    sim, backend = await sim_backend()
    gate = asyncio.Event()
    original = sim_session.LiveSession._setup
    held: list[Any] = []

    async def setup_then_hold(self: Any) -> Any:
        config = await original(self)
        if not held:  # only the first connection
            held.append(self)
            await gate.wait()
        return config

    monkeypatch.setattr(sim_session.LiveSession, "_setup", setup_then_hold)
    try:
        app = LiveTuiApp(Settings(), backend, audio=False)
        app.session.backoff = Backoff(**QUICK)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: bool(held), what="the first setup read")
            assert state(app) == "connecting"
            assert sim.drop_connections() == 1
            gate.set()
            await until(pilot, lambda: connected(app), what="reconnected")
            await type_and_send(pilot, "What is the capital of Peru?")
            await until(pilot, lambda: len(answers(app)) == 1)
            assert "Lima" in answers(app)[0].turn.text
            assert len([line for line in system_lines(app) if "reconnecting" in line]) == 1
            assert system_lines(app, "error") == []
        # The held connection's setupComplete went out (if at all) only after it was cut.
        first = on(backend, 1, "out")
        assert "dropped" in first[0]["msg"] and all("setupComplete" in r["msg"] for r in first[1:])
        assert on(backend, 1, "in", "setup")
        assert len(setups(backend)) == 2
    finally:
        gate.set()
        await stop(sim)


async def test_a_drop_while_an_answer_streams_keeps_the_partial_answer(text_model: str) -> None:
    """Cut mid-answer: the partial answer stays, ended and marked interrupted; the
    app reconnects by handle; its question is not asked again; a new one works."""
    sim, backend = await sim_backend(speed=1.0, text_rate=100)
    try:
        app = LiveTuiApp(Settings(model=text_model, modality="TEXT"), backend, audio=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: connected(app))
            await type_and_send(pilot, "What is the capital of Peru?")
            await until(pilot, lambda: len(answers(app)) == 1 and app.session.handle is not None)
            await type_and_send(pilot, "Tell me a story")
            streamed = lambda: len(app.conversation.model_turn.text) if app.conversation.model_turn else 0  # noqa: E731
            await until(pilot, lambda: streamed() > 200, what="the story streaming")
            assert sim.drop_connections() == 1
            await until(pilot, lambda: len(setups(backend)) == 2 and connected(app), what="reconnected")
            await type_and_send(pilot, "What is the capital of Chile?")
            await until(pilot, lambda: len(answers(app)) == 3)

            story = answers(app)[1]
            assert not story.turn.open and story.turn.interrupted and "interrupted" in str(story.border_title)
            assert 200 < len(story.turn.text) < len(LONG_ANSWER) and LONG_ANSWER.startswith(story.turn.text)
            assert "Santiago" in answers(app)[2].turn.text and "Santiago" not in story.turn.text
            # Two short lines say it all: no exception names, no repeated "connected".
            assert system_lines(app) == ["connected · TEXT answers", "connection lost · reconnecting", "reconnected · nothing lost"]
        assert setups(backend)[1]["msg"]["setup"]["sessionResumption"]["handle"]
        assert len(asked(backend, "Tell me a story")) == 1
    finally:
        await stop(sim)  # also: the simulator's answer task ends when its connection is cut


async def test_a_drop_while_a_question_awaits_its_answer_sends_it_again_once() -> None:
    """The question reached the service but no word of the answer came back when the
    connection died: the session resumes from a handle older than the question, so
    the app asks it again, once, and it is answered once."""
    sim, backend = await sim_backend(latency_ms=800)
    try:
        app = LiveTuiApp(Settings(), backend, audio=False)
        app.session.backoff = Backoff(**QUICK)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: connected(app))
            await type_and_send(pilot, "What is the capital of Peru?")
            await until(pilot, lambda: len(answers(app)) == 1 and app.session.handle is not None)
            await type_and_send(pilot, "What is the capital of Chile?")
            await until(pilot, lambda: len(asked(backend, "Chile")) == 1, what="the question sent")
            assert sim.drop_connections() == 1
            await until(pilot, lambda: len(answers(app)) == 2, what="the question answered after the drop")
            await until(pilot, lambda: app.session.handle == last_handle(backend), what="the new handle")
            await type_and_send(pilot, "What did I ask you before?")
            await until(pilot, lambda: len(answers(app)) == 3)
            assert "Santiago" in answers(app)[1].turn.text and not answers(app)[1].turn.interrupted
            assert "capital of Chile" in answers(app)[2].turn.text
            assert [m.turn.text for m in app.query(ModelMessage)].count(answers(app)[1].turn.text) == 1
        first, again = asked(backend, "Chile")
        assert (first["conn"], again["conn"]) == (1, 2)
        assert served(backend, 1, "modelTurn")[-1]["t"] < first["t"], "conn 1 answered nothing after it"
    finally:
        await stop(sim)


def last_handle(backend: SimBackend) -> str | None:
    updates = frames(backend, "out", "sessionResumptionUpdate")
    return updates[-1]["msg"]["sessionResumptionUpdate"]["newHandle"] if updates else None


# -- backoff ---------------------------------------------------------------------------


async def test_backoff_gives_up_and_typing_tries_again(text_model: str) -> None:
    """The service goes away entirely: reconnecting 1/3…, 2/3…, 3/3…, then failed
    with one "gave up" line. When it is back, typing reconnects and is answered."""
    sim, backend = await sim_backend()
    revived: Simulator | None = None
    try:
        app = LiveTuiApp(Settings(model=text_model, modality="TEXT"), backend, audio=False)
        app.session.backoff = Backoff(**QUICK)
        async with app.run_test(size=SIZE) as pilot:
            states = States(app)
            await until(pilot, lambda: connected(app))
            await type_and_send(pilot, "What is the capital of Peru?")
            await until(pilot, lambda: len(answers(app)) == 1)
            port = sim.port
            await stop(sim)
            await until(pilot, lambda: state(app) == "failed", what="giving up")
            assert [s for s in states.seen if s.startswith("reconnecting")] == ["reconnecting 1/3…", "reconnecting 2/3…", "reconnecting 3/3…"]
            assert states.seen[-1] == "failed"
            [gave_up] = system_lines(app, "error")
            assert "gave up after 3 tries" in gave_up and "type to try again" in gave_up and "\n" not in gave_up
            assert len([line for line in system_lines(app) if "reconnecting" in line]) == 1

            # Typing while it is still away starts a full set of tries again.
            states.seen.clear()
            await type_and_send(pilot, "Are you there?")
            await until(pilot, lambda: state(app) == "failed" and len(system_lines(app, "error")) == 2, what="giving up again")
            assert [s for s in states.seen if s.startswith("reconnecting")] == ["reconnecting 1/3…", "reconnecting 2/3…", "reconnecting 3/3…"]

            # The same address and certificate again, as a service coming back.
            revived = Simulator(SimOptions(speed=math.inf, port=port), keep_frames=True)
            revived._tls = sim._tls
            await revived.start()
            backend.sim = revived
            await type_and_send(pilot, "What is the capital of Chile?")
            await until(pilot, lambda: len(answers(app)) == 3, what="both answers after trying again")
            assert "Santiago" in answers(app)[2].turn.text  # in the order they were typed
            assert connected(app) and len(system_lines(app, "error")) == 2
        assert len(asked(backend, "Chile")) == 1 and len(asked(backend, "Are you there?")) == 1
        # It tried the handle first; the revived service did not know it, so the
        # conversation was restored instead.
        first, second = setups(backend)[:2]
        assert first["msg"]["setup"]["sessionResumption"]["handle"]
        assert not second["msg"]["setup"].get("sessionResumption", {}).get("handle")
    finally:
        await stop(sim)
        if revived is not None:
            await stop(revived)


# -- errors: one line each, the app stays up ------------------------------------------


@dataclass
class TlsBackend(SimBackend):
    """A client that does not trust the simulator's CA (no SSL_CERT_FILE)."""

    def client(self) -> genai.Client:
        context = ssl.create_default_context()
        return genai.Client(api_key="test-key", http_options=types.HttpOptions(
            base_url=self.sim.base_url, async_client_args={"ssl": context}))


@dataclass
class ClosedPortBackend(SimBackend):
    """Nothing listens at the address: every connection is refused."""

    port: int = 0

    def client(self) -> genai.Client:
        return genai.Client(api_key="test-key", http_options=types.HttpOptions(
            base_url=f"https://127.0.0.1:{self.port}", async_client_args={"ssl": self.sim.client_ssl_context()}))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ErrorCase:
    options: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    backend: type[SimBackend] = SimBackend
    says: tuple[str, ...] = ()  # in the one error line
    retried: bool = False  # reconnect attempts before giving up


ERRORS = {
    "refused key": ErrorCase(options={"reject_keys": frozenset({"test-key"})}, says=("(1007)", "API key", "GEMINI_API_KEY")),
    "unknown model": ErrorCase(options={"reject_models": frozenset({"gemini-nope"})}, settings={"model": "gemini-nope"},
                               says=("not connected (1008)", "gemini-nope: not found (retired or unknown)", "F2", "livetui models")),
    "quota": ErrorCase(options={"quota_after": 0}, says=("(1011)", "quota", "check your plan")),
    "TLS": ErrorCase(backend=TlsBackend, says=("not connected", "is from a CA this machine does not trust", "SSL_CERT_FILE")),
    "connection refused": ErrorCase(backend=ClosedPortBackend, says=("nothing is listening at", "gave up after 3 tries"), retried=True),
}


@pytest.mark.parametrize("case", ERRORS.values(), ids=ERRORS.keys())
async def test_every_error_is_one_line_and_the_app_stays_up(case: ErrorCase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    sim, _ = await sim_backend(**case.options)
    backend = case.backend(sim)
    if isinstance(backend, ClosedPortBackend):
        backend.port = closed_port()
    try:
        app = LiveTuiApp(Settings(**case.settings), backend, audio=False)
        app.session.backoff = Backoff(**QUICK)
        async with app.run_test(size=SIZE) as pilot:
            states = States(app)
            await until(pilot, lambda: state(app) == "failed", what="the error")
            [line] = system_lines(app, "error")
            for words in case.says:
                assert words in line, line
            assert "\n" not in line and "Traceback" not in line
            attempts = [s for s in states.seen if s.startswith("reconnecting")]
            assert attempts == (["reconnecting 1/3…", "reconnecting 2/3…", "reconnecting 3/3…"] if case.retried else [])
            tries = len(setups(backend))
            # No retry loop: with this backoff another try would come within 50 ms.
            await pilot.pause(0.3)
            assert state(app) == "failed" and len(setups(backend)) == tries and len(system_lines(app, "error")) == 1

            # Still up: typing tries once more and says so once more; the question waits, kept.
            await type_and_send(pilot, "What is the capital of Peru?")
            await until(pilot, lambda: len(system_lines(app, "error")) == 2, what="the second try's line")
            assert app.is_running and state(app) == "failed"
            assert app.session.outbox.unsent == 1
        print(f"\n[{line}]")
    finally:
        await stop(sim)


# -- the soak --------------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith("VmRSS:"):
                return int(row.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def pairs(turns: list[Turn]) -> list[tuple[Turn, list[Turn]]]:
    """Each user turn with the model turns that followed it (system lines skipped)."""
    out: list[tuple[Turn, list[Turn]]] = []
    for turn in turns:
        if turn.role == "user":
            out.append((turn, []))
        elif turn.role == "model" and out:
            out[-1][1].append(turn)
    return out


def answered(app: LiveTuiApp) -> int:
    return sum(1 for turn in app.conversation.turns if turn.role == "model" and not turn.open)


class Rendered:
    """Set each time the app has drawn conversation changes: a soak waits on it, not
    on `until`'s pilot.pause (whose every call walks the whole screen) or a timer."""

    def __init__(self, app: LiveTuiApp) -> None:
        self.event = asyncio.Event()
        draw = app.draw

        async def render(changes: list) -> None:
            await draw(changes)
            self.event.set()

        app.draw = render  # type: ignore[method-assign]

    async def until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        try:
            async with asyncio.timeout(timeout):
                while not condition():
                    self.event.clear()
                    await self.event.wait()
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None


SOAK_TURNS = 300
SOAK_SCREEN = 50  # turns on screen before ctrl+l clears it
SOAK_QUESTION = "Question {} of the soak"


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_soak_goaways_and_drops_lose_and_duplicate_nothing(text_model: str) -> None:
    """300 turns with a goAway every 3 s (2 s to move) and connections cut at random
    moments (seeded): every question is answered exactly once, none is sent twice
    to one connection or resent without a lost connection, the service's memory
    holds none twice, and memory stays flat.

    Every 50 turns the screen is cleared (ctrl+l), after checking what it shows:
    every answer must be drawn or held above the chat's window for PageUp, and
    clearing bounds what the app keeps, so memory growth can only be a leak in
    hand-offs and reconnects."""
    rng = random.Random(20240611)
    # Real pacing with a first-token latency, so drops land in every phase:
    # before the answer, during it, between turns.
    sim, backend = await sim_backend(speed=1.0, text_rate=60, latency_ms=150, goaway_after=3.0, goaway_time_left=2.0)
    drops: list[float] = []
    conversation: list[tuple[Turn, list[Turn]]] = []
    shown: list[int] = []  # answers on screen (or just above it), per screenful
    rss: list[float] = []  # after each clear
    began = time.monotonic()
    try:
        app = LiveTuiApp(Settings(model=text_model, modality="TEXT"), backend, audio=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: connected(app))
            rendered = Rendered(app)
            done = asyncio.Event()

            async def chaos() -> None:
                while not done.is_set():
                    try:
                        await asyncio.wait_for(done.wait(), rng.uniform(0.5, 6.0))
                    except TimeoutError:
                        if sim.drop_connections():
                            drops.append(time.monotonic())

            chaos_task = asyncio.create_task(chaos())
            try:
                for i in range(SOAK_TURNS):
                    await type_and_send(pilot, SOAK_QUESTION.format(i))
                    await rendered.until(lambda: answered(app) == i % SOAK_SCREEN + 1, 60, f"the answer to question {i}")
                    if i % SOAK_SCREEN == SOAK_SCREEN - 1:
                        conversation += pairs(app.conversation.turns)
                        # Drawn, or held above the chat's window for PageUp (ChatView.keep).
                        held = sum(t.role == "model" for t in app.query_one(ChatView).hidden)
                        shown.append(len(app.query(ModelMessage)) + held)
                        await pilot.press("ctrl+l")
                        await until(pilot, lambda: not app.query(ModelMessage), what="the screen cleared")
                        gc.collect()
                        rss.append(rss_mb())
            finally:
                done.set()
                await chaos_task
            handle = app.session.handle
        elapsed = time.monotonic() - began
    finally:
        await stop(sim)

    questions = [SOAK_QUESTION.format(i) for i in range(SOAK_TURNS)]
    # The app: one answer per question, to that question, in order.
    assert [user.text for user, _ in conversation] == questions
    assert all(len(replies) == 1 for _, replies in conversation), [(u.text, len(r)) for u, r in conversation if len(r) != 1]
    assert shown == [SOAK_SCREEN] * (SOAK_TURNS // SOAK_SCREEN)
    cut = [u.text for u, (reply,) in conversation if reply.interrupted]
    for user, (reply,) in conversation:
        if not reply.interrupted:
            assert reply.text == f"You said: «{user.text}».", (user.text, reply.text)

    # The wire: each question went out once, or again to a later connection after the
    # one that took it was lost before any of its answer came back.
    sends = {q: [f["conn"] for f in asked(backend, q, exact=True)] for q in questions}
    counts = Counter(len(conns) for conns in sends.values())
    goaways = len(frames(backend, "out", "goAway"))
    assert all(conns for conns in sends.values()), "a question never went out"
    assert all(conns == sorted(set(conns)) for conns in sends.values()), "sent twice to one connection"
    assert sum(len(conns) - 1 for conns in sends.values()) <= len(drops) + goaways

    # The service's memory (the context behind the last handle): no question twice.
    assert handle is not None
    memory = [item.text for item in sim.resumable[handle].items if item.role == "user"]
    assert [q for q, n in Counter(memory).items() if n > 1] == []
    missing = [q for q in questions if q not in memory]

    growth = rss[-1] - rss[0]
    print(f"\n[soak] {SOAK_TURNS} turns in {elapsed:.0f} s over {len(setups(backend))} connections: "
          f"{goaways} goAways, {len(drops)} drops; sends per question {dict(sorted(counts.items()))}; "
          f"{len(cut)} answers cut by a drop; {len(missing)} questions not in the service's memory "
          f"(cut by a drop, or the handle that followed their answer was lost with the connection); RSS after each "
          f"screenful {[round(r) for r in rss]} MB: {growth:+.1f} MB after the first")
    assert growth < 50
