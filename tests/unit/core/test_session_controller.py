"""The session controller (core/session.py) without a terminal: the outbox, resending
once and in order, the goAway hand-off, backing off — against a fake SDK session where
one piece is the point, and against the real simulator for a whole conversation."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import pytest

from livetui.core.conversation import Change, TurnAdded
from livetui.core.events import (
    AnswerHeard,
    ConnectionState,
    Event,
    GoAway,
    ResumptionHandle,
    SessionError,
    SessionNews,
    SessionStarted,
    TextDelta,
    TurnComplete,
)
from livetui.core.recovery import Backoff
from livetui.core.session import SessionController
from livetui.core.settings import Settings

from ...ui.conftest import SimBackend, backend  # noqa: F401 - the simulator fixture


class FakeHost:
    """The controller's host, minus Textual: it records what the controller asks of it."""

    def __init__(self) -> None:
        self.delivered: list[tuple[Event, int]] = []
        self.connections: list[dict[str, Any]] = []  # the arguments of each connection started
        self.drawn: list[Change] = []
        self.news: list[SessionNews] = []

    def deliver(self, event: Event, generation: int) -> None:
        self.delivered.append((event, generation))

    def run_connection(self, work: Coroutine[Any, Any, None]) -> None:
        self.connections.append(dict(work.cr_frame.f_locals))  # type: ignore[union-attr]
        work.close()  # a fake session is put in place by the test instead

    async def draw(self, changes: Sequence[Change]) -> None:
        self.drawn.extend(changes)

    def emit(self, news: SessionNews) -> None:
        self.news.append(news)

    def later(self, callback: Callable[..., Any], *args: Any) -> None:
        asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(callback(*args)))

    def states(self) -> list[str]:
        return [n.state for n in self.news if isinstance(n, ConnectionState)]

    def lines(self) -> list[str]:
        return [c.turn.text for c in self.drawn if isinstance(c, TurnAdded) and c.turn.role == "system"]


class FakeLive:
    """An SDK session that takes typed turns (core.live.LiveSession's send_text)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send_text(self, text: str) -> None:
        self.sent.append(text)


async def until(condition: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)
    assert condition(), what


@pytest.fixture
async def controller():
    host = FakeHost()
    session = SessionController(Settings(modality="TEXT"), backend=None, host=host)
    session.backoff = Backoff(first=0.001, attempts=3)
    sender = asyncio.create_task(session.send_typed())
    yield session
    sender.cancel()
    await session.net.aclose()


async def connect(session: SessionController, live: FakeLive | None = None) -> FakeLive:
    """The connection the controller asked for is open: a fake session, and its start."""
    live = live or FakeLive()
    session.live = live  # type: ignore[assignment]
    await session.receive(SessionStarted(session_id="s", modality="TEXT", model="m", line="connected"), session.generation)
    return live


async def typed(session: SessionController, text: str) -> None:
    await session.show(session.conversation.add_user_text(text))
    session.queue_typed(text)


async def settle() -> None:
    """Let every task that is ready run (the fakes do no I/O): what has not happened by
    then is not about to — an absence has no event to await."""
    for _ in range(20):
        await asyncio.sleep(0)


def host_of(session: SessionController) -> FakeHost:
    return session.host  # type: ignore[return-value]


async def test_typed_turns_wait_for_a_session_then_go_in_order(controller: SessionController) -> None:
    controller.start([])
    for text in ("one", "two", "three"):
        await typed(controller, text)
    await settle()
    assert controller.outbox.unsent == 3, "nothing goes out before a session is connected"
    live = await connect(controller)
    await until(lambda: live.sent == ["one", "two", "three"], "the three turns, in order")
    assert controller.outbox.unsent == 0
    assert host_of(controller).states() == ["connecting", "connected"]


async def test_unanswered_turns_are_sent_once_more_first_and_in_order(controller: SessionController) -> None:
    controller.start([])
    first = await connect(controller)
    for text in ("one", "two"):
        await typed(controller, text)
    await until(lambda: first.sent == ["one", "two"], "both turns out")
    await controller.receive(SessionError("the connection was lost", code=1006), controller.generation)
    await typed(controller, "three")  # typed while reconnecting: after the two it waits behind
    await until(lambda: len(host_of(controller).connections) == 2, "a reconnect")
    second = await connect(controller)
    await until(lambda: second.sent == ["one", "two", "three"], "the unanswered turns again, first, then the new one")
    await controller.receive(TurnComplete(), controller.generation)
    await controller.receive(SessionError("the connection was lost", code=1006), controller.generation)
    await until(lambda: len(host_of(controller).connections) == 3, "another reconnect")
    third = await connect(controller)
    await until(lambda: third.sent == ["two", "three"], "only the turns still unanswered")
    await settle()
    assert third.sent == ["two", "three"], "no turn is sent twice to one session"


async def test_a_turn_whose_answer_began_is_not_asked_again(controller: SessionController) -> None:
    controller.start([])
    first = await connect(controller)
    for text in ("one", "two"):
        await typed(controller, text)
    await until(lambda: first.sent == ["one", "two"], "both turns out")
    await controller.receive(TextDelta("The answer to one"), controller.generation)
    await controller.receive(SessionError("the connection was lost", code=1006), controller.generation)
    model = [t for t in controller.conversation.turns if t.role == "model"]
    assert len(model) == 1 and model[0].interrupted and not model[0].open, "the cut answer ends, marked interrupted"
    await until(lambda: len(host_of(controller).connections) == 2, "a reconnect")
    second = await connect(controller)
    await until(lambda: second.sent == ["two"], "only the turn not yet answered")


async def test_goaway_between_answers_moves_to_a_new_connection_with_the_handle(controller: SessionController) -> None:
    controller.start([])
    await connect(controller)
    await controller.receive(ResumptionHandle("h-1", resumable=True), controller.generation)
    generation = controller.generation
    await controller.receive(GoAway(time_left_s=30), generation)
    host = host_of(controller)
    assert controller.generation == generation + 1, "moved at once: nothing was in progress"
    assert host.connections[-1]["resume"] == "h-1" and host.connections[-1]["carry"] == []
    assert host.states()[-2:] == ["connected", "moving"]
    assert host.news[-1] == ConnectionState("moving", ""), "no countdown once moved"
    await controller.receive(TextDelta("late"), generation)
    assert not any(t.role == "model" for t in controller.conversation.turns), "the old connection's words are dropped"
    await connect(controller)
    assert "moved to the new connection" in [e.summary for e in controller.eventlog.entries()]
    assert host.lines() == ["connected"], "a move is not news in the chat"


async def test_goaway_during_an_answer_waits_for_its_end_and_counts_down(controller: SessionController) -> None:
    controller.start([])
    await connect(controller)
    await controller.receive(ResumptionHandle("h-1", resumable=True), controller.generation)
    await controller.receive(TextDelta("Once upon"), controller.generation)
    generation = controller.generation
    await controller.receive(GoAway(time_left_s=30), generation)
    host = host_of(controller)
    assert controller.generation == generation, "not while the answer streams"
    assert host.news[-1] == ConnectionState("connected", "moving connection in 30 s")
    await controller.receive(TurnComplete(), generation)
    assert controller.generation == generation, "the handle from after the answer is awaited"
    await controller.receive(ResumptionHandle("h-2", resumable=True), generation)
    assert controller.generation == generation + 1
    assert host.connections[-1]["resume"] == "h-2"
    answer = [t for t in controller.conversation.turns if t.role == "model"][0]
    assert answer.text == "Once upon" and not answer.interrupted


async def test_goaway_deadline_cuts_the_answer_and_moves_anyway(controller: SessionController) -> None:
    controller.start([])
    await connect(controller)
    await controller.receive(ResumptionHandle("h-1", resumable=True), controller.generation)
    await controller.receive(TextDelta("a very long"), controller.generation)
    generation = controller.generation
    await controller.receive(GoAway(time_left_s=1.0), generation)  # the move is due 1 s before the close: now
    await until(lambda: controller.generation == generation + 1, "the forced hand-off")
    await until(lambda: any(t.role == "model" and t.interrupted for t in controller.conversation.turns), "the answer cut")
    assert host_of(controller).connections[-1]["resume"] == "h-1"


async def test_backoff_tries_then_gives_up_and_typing_tries_again(controller: SessionController) -> None:
    controller.start([])
    host = host_of(controller)
    for attempt in (1, 2, 3):
        await controller.receive(SessionError("the connection was lost", code=1006), controller.generation)
        assert host.states()[-1] == f"reconnecting {attempt}/3…"
        await until(lambda: len(host.connections) == attempt + 1, f"try {attempt}")
        assert host.states()[-1] == f"reconnecting {attempt}/3…", "a retry keeps the state it had"
    await controller.receive(SessionError("the connection was lost", code=1006), controller.generation)
    assert host.states()[-1] == "failed"
    assert host.lines() == ["connection lost · reconnecting", "session ended (1006): the connection was lost · gave up after 3 tries; type to try again"]
    assert len(host.connections) == 4, "no fifth try by itself"
    await typed(controller, "hello?")
    assert len(host.connections) == 5 and host.states()[-1] == "connecting"
    assert controller.backoff.tried == 0, "a full set of tries again"


async def test_a_good_connection_resets_the_backoff(controller: SessionController) -> None:
    controller.start([])
    await controller.receive(SessionError("the connection was lost", code=1006), controller.generation)
    await until(lambda: len(host_of(controller).connections) == 2, "a retry")
    assert controller.backoff.tried == 1
    await connect(controller)
    assert controller.backoff.tried == 0
    assert host_of(controller).lines()[-1] == "reconnected · nothing lost"


async def test_a_refused_key_is_said_once_and_not_retried(controller: SessionController) -> None:
    controller.start([])
    await controller.receive(SessionError("API key not valid", code=1007), controller.generation)
    await settle()
    assert len(host_of(controller).connections) == 1
    assert host_of(controller).states()[-1] == "failed"


async def test_a_whole_conversation_with_the_simulator(backend: SimBackend) -> None:  # noqa: F811 - the fixture
    """The real connection: the host hands each event straight back, as the app's message queue does."""
    host = FakeHost()
    session = SessionController(Settings(modality="TEXT"), backend, host)
    connections: list[asyncio.Task[None]] = []
    host.run_connection = lambda work: connections.append(asyncio.ensure_future(work))  # type: ignore[method-assign]
    queue: asyncio.Queue[tuple[Event, int]] = asyncio.Queue()
    host.deliver = lambda event, generation: main.call_soon_threadsafe(queue.put_nowait, (event, generation))  # type: ignore[method-assign]
    main = asyncio.get_running_loop()

    async def receive() -> None:
        while True:
            await session.receive(*await queue.get())

    workers = [asyncio.create_task(receive()), asyncio.create_task(session.send_typed())]
    try:
        session.start([])
        await until(lambda: session.connected.is_set(), "connected", timeout=20)
        await typed(session, "What is the capital of France?")
        await until(lambda: any(t.role == "model" and not t.open for t in session.conversation.turns), "an answer", timeout=20)
        assert "Paris" in [t for t in session.conversation.turns if t.role == "model"][0].text
        # The handle comes in its own message, which may follow the answer's end.
        await until(lambda: session.handle is not None, "the simulator's resumable handle", timeout=20)
        assert not any(isinstance(n, AnswerHeard) for n in host.news)
    finally:
        for task in workers + connections:
            task.cancel()
        await session.aclose()


async def test_goaway_waits_while_a_function_call_is_open() -> None:
    """A call the person has not answered yet belongs to this connection: moving now would
    lose it, so the move waits (until the deadline at worst)."""
    from livetui.core.events import FunctionCall, ToolCall
    from livetui.core.tools.spec import ToolBox, ToolSpec, UserAnswer

    host = FakeHost()
    controller = SessionController(Settings(modality="TEXT", tools=ToolBox((ToolSpec("ask_me", "", answered_by=UserAnswer()),))),
                                   backend=None, host=host)
    controller.start([])
    await connect(controller)
    generation = controller.generation
    await controller.receive(ToolCall((FunctionCall("c1", "ask_me", {}),)), generation)
    await controller.receive(TurnComplete(), generation)
    await controller.receive(ResumptionHandle("h-1", resumable=True), generation)
    await controller.receive(GoAway(time_left_s=30), generation)
    assert controller.generation == generation, "not while the call waits"
    assert controller.tools.waiting()[0].call_id == "c1"
    await controller.net.aclose()
