"""The session controller's side of latency (core/sessionlatency.py), without a
terminal: the moments it stamps as events reach it, the answer's turn carrying its
latency, the news of the summary, and what the tool desk calls."""

from __future__ import annotations

import pytest

from livetui.core.events import FunctionCall, LatencyMeasured, TextDelta, ToolCall, TurnComplete
from livetui.core.latency import AnswerLatency, ToolTiming
from livetui.core.session import SessionController

from .test_session_controller import connect, controller, host_of, typed  # noqa: F401 - the fixture


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_a_typed_answer_carries_its_latency_and_the_summary_is_news(controller: SessionController) -> None:  # noqa: F811
    clock = Clock()
    controller.monotonic = clock  # type: ignore[method-assign]
    controller.start([])
    await connect(controller)
    controller.typed_pressed()  # Enter at 100.0
    await typed(controller, "Where is Paris?")
    clock.now = 100.4
    await controller.receive(TextDelta("In France."), controller.generation)
    turn = controller.conversation.model_turn
    assert turn is not None and turn.latency == AnswerLatency("typed", pytest.approx(0.4))
    news = [n for n in host_of(controller).news if isinstance(n, LatencyMeasured)]
    assert [n.turn_id for n in news] == [turn.id] and news[0].summary.text.count == 1

    # The model calls a tool mid-answer; the desk answers it; the model speaks again.
    clock.now = 101.0
    await controller.receive(ToolCall((FunctionCall("c1", "lookup"),)), controller.generation)
    controller.tool_answered("c1", at=101.5)
    clock.now = 102.0
    await controller.receive(TextDelta(" More."), controller.generation)
    assert turn.latency == AnswerLatency("typed", pytest.approx(0.4), tools=(ToolTiming("c1", 0.5, 0.5),))
    await controller.receive(TurnComplete(), controller.generation)
    summary = controller.latency.summary()
    assert summary.tool.count == 1 and summary.resume.count == 1 and summary.text.count == 1


async def test_an_answer_nobody_asked_for_is_not_timed(controller: SessionController) -> None:  # noqa: F811
    controller.start([])
    await connect(controller)
    await controller.receive(TextDelta("Hello, I speak first."), controller.generation)
    turn = controller.conversation.model_turn
    assert turn is not None and turn.latency is None
    assert not [n for n in host_of(controller).news if isinstance(n, LatencyMeasured)]


async def test_a_continued_conversation_keeps_each_answers_latency_on_its_header(controller: SessionController) -> None:  # noqa: F811
    from types import SimpleNamespace

    from livetui.core.store.records import StoredTurn

    controller.backend = SimpleNamespace(label="offline simulator")
    lat = AnswerLatency("spoken", 0.3, 0.7)
    saved = SimpleNamespace(turns=(
        StoredTurn("system", "connected"),  # connection chatter is not brought back
        StoredTurn("user", "Hi", "AUDIO"),
        StoredTurn("model", "Hello.", "AUDIO", audio_seconds=1.0, latency=lat),
        StoredTurn("model", "More.", "TEXT"),
    ))
    changes = controller.begin(saved)
    shown = [(c.turn.role, c.turn.latency) for c in changes]  # type: ignore[union-attr]
    assert shown == [("user", None), ("model", lat), ("model", None)]
    assert controller.latency.summary().empty  # the summary is this session's
