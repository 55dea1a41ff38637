"""The tool desk without a session: a fake send and a fake runner, the real conversation."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from livetui.core.conversation import Change, Conversation, ToolCardChanged, TurnAdded
from livetui.core.eventlog import EventLog
from livetui.core.events import FunctionCall, TextDelta, ToolAsk, ToolCall, ToolCallCancellation
from livetui.core.tools.desk import ENDED, ToolDesk, call_behavior
from livetui.core.tools.spec import CommandAnswer, ToolBox, ToolSpec, UserAnswer
from livetui.core.tools.typed import typed_result

WEATHER = ToolSpec("get_weather", "The weather in a city", {"type": "object", "properties": {"city": {"type": "string"}}},
                   answered_by=CommandAnswer(("weather",)))
ASK = ToolSpec("ask_me", "Ask the person", answered_by=UserAnswer())
QUIET = ToolSpec("note", "Take a note", answered_by=UserAnswer(), behavior="NON_BLOCKING", scheduling="SILENT")


@dataclass
class Settings:
    model: str = "gemini-3.1-flash-live-preview"
    modality: str = "TEXT"
    tools: ToolBox = field(default_factory=lambda: ToolBox((WEATHER, ASK, QUIET)))


@dataclass
class Result:  # core.tools.runner.CommandResult's shape
    state: str
    response: dict[str, Any]
    note: str = ""
    took_s: float = 0.0


class Host:
    def __init__(self, model: str = "gemini-3.1-flash-live-preview") -> None:
        self.settings = Settings(model=model)
        self.conversation = Conversation()
        self.eventlog = EventLog()
        self.generation = 1
        self.changes: list[Change] = []
        self.news: list[ToolAsk] = []
        self.sent: list[tuple[int, dict[str, Any]]] = []
        self.refuse_send: str | None = None
        self.later: list[Sequence[Change]] = []
        self.shown: list[tuple[str, str]] = []  # (call id, its state when shown): cards change in place

    async def show(self, changes: Sequence[Change], persist: bool = True) -> None:
        self.changes.extend(changes)
        self.shown += [(c.card.call_id, c.card.state) for c in changes if isinstance(c, ToolCardChanged)]

    def emit_news(self, news: ToolAsk) -> None:
        self.news.append(news)

    def show_later(self, changes: Sequence[Change]) -> None:
        self.later.append(changes)

    async def send(self, generation: int, fields: dict[str, Any]) -> str | None:
        if self.refuse_send:
            return self.refuse_send
        self.sent.append((generation, fields))
        return None

    def states(self, call_id: str) -> list[str]:
        return [state for shown, state in self.shown if shown == call_id]


class Runner:
    """Holds each command until the test lets it finish; records cancellations."""

    def __init__(self) -> None:
        self.started: asyncio.Queue[Mapping[str, Any]] = asyncio.Queue()
        self.results: asyncio.Queue[Result] = asyncio.Queue()
        self.cancelled = asyncio.Event()

    async def __call__(self, answer: CommandAnswer, args: Mapping[str, Any], *, log: Any) -> Result:
        log("warming up")
        await self.started.put(args)
        try:
            return await self.results.get()
        except asyncio.CancelledError:
            self.cancelled.set()
            raise


def fits(spec: ToolSpec, args: Mapping[str, Any]) -> str | None:
    return None if all(isinstance(v, str) for v in args.values()) else "city: must be a string"


def make(model: str = "gemini-3.1-flash-live-preview") -> tuple[Host, ToolDesk, Runner]:
    host = Host(model)
    runner = Runner()
    ticks = iter(range(1000))
    desk = ToolDesk(host, host.send, run=runner, check=fits, clock=lambda: float(next(ticks)))  # type: ignore[arg-type]
    return host, desk, runner


def call(name: str, call_id: str = "c1", **args: Any) -> ToolCall:
    return ToolCall((FunctionCall(call_id, name, args),))


async def test_a_command_answers_a_blocking_call_under_the_answer_it_begins():
    host, desk, runner = make()
    await desk.called(call("get_weather", city="Paris"))
    assert await runner.started.get() == {"city": "Paris"}
    [added] = [c for c in host.changes if isinstance(c, TurnAdded)]
    assert added.turn.role == "model" and [c.name for c in added.turn.tools] == ["get_weather"]
    assert host.states("c1") == ["running"] and not host.sent
    await runner.results.put(Result("answered", {"output": {"temp": 21}}))
    await asyncio.wait_for(next(iter(desk._tasks.values())), 5)
    [(generation, sent)] = host.sent
    assert generation == 1
    assert sent == {"id": "c1", "name": "get_weather", "response": {"output": {"temp": 21}}}  # BLOCKING: no scheduling
    card = added.turn.tools[0]
    assert card.state == "answered" and card.response == {"output": {"temp": 21}} and card.took_s and card.took_s > 0
    assert host.states("c1") == ["running", "answered"]
    assert any(e.kind == "tool stderr" and "warming up" in e.summary for e in host.eventlog.entries())


async def test_a_call_joins_the_answer_already_streaming():
    host, desk, runner = make()
    host.changes += host.conversation.apply(TextDelta("Let me look."))
    await desk.called(call("ask_me"))
    [turn] = [t for t in host.conversation.turns if t.role == "model"]
    assert turn.text == "Let me look." and [c.call_id for c in turn.tools] == ["c1"]


async def test_an_undeclared_function_fails_and_the_model_gets_an_error_at_once():
    host, desk, _ = make()
    await desk.called(call("rm_rf", path="/"))
    [(_, sent)] = host.sent
    assert sent["name"] == "rm_rf" and "no function named 'rm_rf' is declared" in sent["response"]["error"]
    assert host.states("c1") == ["failed"]
    card = desk.cards["c1"]
    assert card.note == "not a declared function" and card.response == sent["response"]


async def test_arguments_that_do_not_fit_fail_with_an_error_result():
    host, desk, runner = make()
    await desk.called(call("get_weather", city=3))
    [(_, sent)] = host.sent
    assert "city: must be a string" in sent["response"]["error"]
    assert desk.cards["c1"].state == "failed" and runner.started.empty()


async def test_the_person_answers_a_waiting_call():
    host, desk, _ = make()
    await desk.called(call("ask_me", question="why"))
    [ask] = host.news
    assert ask.card.state == "waiting" and ask.description == "Ask the person" and ask.schedulings == ()  # BLOCKING on 3.1
    assert desk.waiting() == [ask.card] and not host.sent
    assert await desk.answer("c1", {"output": "because"})
    assert host.sent[0][1]["response"] == {"output": "because"}
    assert ask.card.state == "answered" and desk.waiting() == []
    assert not await desk.answer("c1", {"output": "twice"})  # answered once only
    assert len(host.sent) == 1


async def test_a_refusal_is_an_error_result():
    host, desk, _ = make()
    await desk.called(call("ask_me"))
    await desk.answer("c1", None)
    assert host.sent[0][1]["response"] == {"error": "the user refused to answer this call"}
    assert desk.cards["c1"].state == "refused"


async def test_non_blocking_results_carry_a_scheduling():
    """3.8: NON_BLOCKING by default; the declared scheduling first, the dialog's choice wins."""
    host, desk, _ = make("gemini-3.8-live")
    await desk.called(call("ask_me", "a"))
    await desk.called(call("note", "b"))
    await desk.called(call("ask_me", "c"))
    first, second, third = host.news
    assert first.schedulings == ("WHEN_IDLE", "INTERRUPT", "SILENT")
    assert second.schedulings[0] == "SILENT"
    await desk.answer("a", {"output": 1})
    await desk.answer("b", {"output": 2})
    await desk.answer("c", {"output": 3}, "INTERRUPT")
    assert [fields["scheduling"] for _, fields in host.sent] == ["WHEN_IDLE", "SILENT", "INTERRUPT"]
    assert desk.cards["c"].scheduling == "INTERRUPT"


def test_behavior_of_a_call():
    spec_blocking = ToolSpec("f", "", behavior="BLOCKING")
    spec_async = ToolSpec("f", "", behavior="NON_BLOCKING")
    assert call_behavior(None, "gemini-3.8-live") == "NON_BLOCKING"
    assert call_behavior(None, "models/gemini-3.8-live-extended-thinking") == "NON_BLOCKING"
    assert call_behavior(spec_blocking, "gemini-3.8-live") == "BLOCKING"
    assert call_behavior(spec_async, "gemini-3.1-flash-live-preview") == "BLOCKING"  # 3.1 is synchronous only
    assert call_behavior(None, "gemini-2.5-flash-native-audio-preview-12-2025") == "BLOCKING"
    assert call_behavior(spec_async, "gemini-2.5-flash-native-audio-preview-12-2025") == "NON_BLOCKING"


async def test_a_cancellation_kills_the_command_and_sends_nothing():
    host, desk, runner = make()
    await desk.called(call("get_weather", city="Oslo"))
    await runner.started.get()
    await desk.cancelled(ToolCallCancellation(("c1", "unknown")))
    await asyncio.wait_for(runner.cancelled.wait(), 5)
    assert desk.cards["c1"].state == "cancelled" and host.sent == []
    assert host.states("c1") == ["running", "cancelled"]


async def test_a_cancelled_dialog_call_cannot_be_answered_later():
    host, desk, _ = make()
    await desk.called(call("ask_me"))
    await desk.cancelled(ToolCallCancellation(("c1",)))
    assert not await desk.answer("c1", {"output": "late"})
    assert host.sent == [] and desk.cards["c1"].state == "cancelled"


async def test_a_result_the_session_could_not_take_says_so():
    host, desk, _ = make()
    await desk.called(call("ask_me"))
    host.refuse_send = "not sent: the session ended before the result could go"
    await desk.answer("c1", {"output": 1})
    card = desk.cards["c1"]
    assert card.state == "failed" and "session ended" in card.note


async def test_leaving_the_session_closes_its_open_calls():
    host, desk, runner = make()
    await desk.called(call("get_weather", "run", city="Rome"))
    await desk.called(call("ask_me", "ask"))
    await runner.started.get()
    run, ask = desk.cards["run"], desk.cards["ask"]
    desk.session_left()
    await asyncio.wait_for(runner.cancelled.wait(), 5)
    assert run.state == ask.state == "failed" and run.note == ask.note == ENDED
    [later] = host.later
    assert {c.card.call_id for c in later if isinstance(c, ToolCardChanged)} == {"run", "ask"}
    assert not await desk.answer("ask", {"output": 1}) and host.sent == []


@pytest.mark.parametrize(
    ("typed", "response"),
    [
        ('{"temp": 21}', {"output": {"temp": 21}}),
        ("[1, 2]", {"output": [1, 2]}),
        ("42", {"output": 42}),
        ("sunny and warm", {"output": "sunny and warm"}),
        ("  true ", {"output": True}),
        ("NaN", {"output": "NaN"}),  # not JSON: plain text
    ],
)
def test_a_typed_result(typed: str, response: dict[str, Any]):
    assert typed_result(typed).response == response


@pytest.mark.parametrize("typed", ['{"temp": 21', "[1, 2,]", '"unterminated', "   "])
def test_a_typed_result_that_is_not_usable_says_why(typed: str):
    result = typed_result(typed)
    assert result.response is None and result.problem
    if typed.strip():
        assert "looks like JSON but is not valid" in result.problem and "line 1" in result.problem


async def test_quitting_kills_running_commands():
    host, desk, runner = make()
    await desk.called(call("get_weather", city="Lima"))
    await runner.started.get()
    await desk.aclose()
    assert runner.cancelled.is_set() and host.sent == []
