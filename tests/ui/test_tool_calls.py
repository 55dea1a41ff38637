"""Function calls end to end: the real SDK, the simulator making scripted calls, the app
answering them (a local command, the dialog), each seen as a card, in the transcript
and in an export."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from livetui.core.settings import Settings
from livetui.core.store import TranscriptStore, export_conversation, load
from livetui.core.tools.card import ToolCard
from livetui.core.tools.spec import CommandAnswer, ToolBox, ToolSpec, UserAnswer
from livetui.sim import SimOptions, Simulator
from livetui.ui.app import LiveTuiApp
from livetui.ui.screens.toolanswer import ToolAnswerScreen
from livetui.ui.widgets.chat import ModelMessage
from livetui.ui.widgets.status import StatusBar
from livetui.ui.widgets.toolcard import ToolCardView

from .conftest import SimBackend
from .helpers import type_and_send, until

CITY = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
WEATHER_PY = """
import json, sys
args = json.load(sys.stdin)
print("looking it up", file=sys.stderr)
print(json.dumps({"city": args["city"], "temp": 21}))
"""


def script(folder: Path, entries: str) -> Path:
    path = folder / "script.toml"
    path.write_text(entries)
    return path


@pytest.fixture
async def make_backend() -> AsyncIterator[Callable[..., Any]]:
    sims: list[Simulator] = []

    async def make(script_path: Path, speed: float = float("inf")) -> SimBackend:
        sim = await Simulator(SimOptions(speed=speed, script=script_path), keep_frames=True).start()
        sims.append(sim)
        return SimBackend(sim)

    yield make
    for sim in sims:
        await sim.stop()


def connected(app: LiveTuiApp) -> bool:
    return app.query_one(StatusBar).status.state == "connected"


def cards(app: LiveTuiApp) -> list[ToolCard]:
    return [view.card for view in app.query(ToolCardView)]


def card_state(app: LiveTuiApp, name: str) -> str | None:
    return next((c.state for c in cards(app) if c.name == name), None)


def answers(app: LiveTuiApp) -> list[ModelMessage]:
    return list(app.query(ModelMessage))


def sent_responses(backend: SimBackend) -> list[dict[str, Any]]:
    """The function responses the simulator received, as sent on the wire."""
    out = []
    for record in backend.sim.frames.records:
        msg = record["msg"]
        if record["dir"] == "in" and isinstance(msg, dict):
            body = msg.get("toolResponse") or msg.get("tool_response")
            if body:
                out += body.get("functionResponses") or body.get("function_responses") or []
    return out


def result_went_while_talking(backend: SimBackend) -> bool:
    """The simulator had the toolResponse before it closed the turn that made the call."""
    records = backend.sim.frames.records
    called = next(i for i, r in enumerate(records) if r["dir"] == "out" and "toolCall" in str(r["msg"])[:40])
    answered = next(i for i, r in enumerate(records) if r["dir"] == "in" and "tool" in str(r["msg"])[:20].lower())
    closed = next((i for i, r in enumerate(records[called:], called) if r["dir"] == "out" and "turnComplete" in str(r["msg"])), len(records))
    return answered < closed


def exported(store: TranscriptStore) -> tuple[str, list[dict[str, Any]]]:
    md = export_conversation(store.path, fmt="md").text
    jsonl = [json.loads(line) for line in export_conversation(store.path, fmt="jsonl").text.splitlines()]
    return md, [r for r in jsonl if r["kind"] == "tool"]


async def answer_in_dialog(pilot: Any, app: LiveTuiApp, text: str, scheduling: str | None = None) -> None:
    await until(pilot, lambda: isinstance(app.screen, ToolAnswerScreen), what="the call's dialog")
    screen = app.screen
    assert isinstance(screen, ToolAnswerScreen)
    if scheduling is not None:
        from textual.widgets import RadioButton

        button = next(b for b in screen.query(RadioButton) if b.name == scheduling)
        button.value = True
    screen.query_one("#result").load_text(text)  # type: ignore[attr-defined]
    await pilot.press("ctrl+s")
    await until(pilot, lambda: not isinstance(app.screen, ToolAnswerScreen), what="the dialog to close")


async def test_a_blocking_call_answered_by_a_local_command(tmp_path: Path, make_backend) -> None:
    program = tmp_path / "weather.py"
    program.write_text(WEATHER_PY)
    spec = ToolSpec("get_weather", "The weather in a city", CITY, CommandAnswer((sys.executable, str(program))), behavior="BLOCKING")
    backend = await make_backend(script(tmp_path, """
[[reply]]
match = "weather"
tool = "get_weather"
args = { city = "Paris" }
after_tool = "The weather: {result}"
"""))
    store = TranscriptStore.create(tmp_path / "conversations", environ={})
    app = LiveTuiApp(Settings(modality="TEXT", tools=ToolBox((spec,))), backend, audio=False, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await type_and_send(pilot, "What is the weather in Paris?")
        await until(pilot, lambda: card_state(app, "get_weather") == "answered", what="the command's answer")
        await until(pilot, lambda: any(not m.turn.open and "21" in m.turn.text for m in answers(app)), what="the answer after the call")
        [answer] = answers(app)
        [card] = answer.turn.tools
        assert card.args == {"city": "Paris"} and card.response == {"output": {"city": "Paris", "temp": 21}}
        assert card.behavior == "BLOCKING" and card.scheduling == "" and card.took_s is not None
        view = answer.query_one(ToolCardView)
        assert "get_weather · answered" in str(view.render()) and '"city": "Paris"' in str(view.render())
        view.focus()
        await pilot.press("enter")  # all of it
        assert view.expanded and "BLOCKING" in str(view.render()) and "id: " in str(view.render())
        log = app.eventlog.entries()
        assert any(e.kind == "tool_response" and e.direction == "out" and "get_weather" in e.summary for e in log)
        assert any(e.kind == "tool stderr" and "looking it up" in e.summary for e in log)
    [response] = sent_responses(backend)
    assert response["name"] == "get_weather" and response["response"] == {"output": {"city": "Paris", "temp": 21}}
    assert "scheduling" not in response  # BLOCKING: none
    md, records = exported(store)
    assert "- Call **get\\_weather** (answered" in md and '"temp": 21' in md
    assert [r["state"] for r in records] == ["running", "answered"]
    assert load(store.path).turns[-1].tools[0].state == "answered"


@pytest.mark.parametrize("scheduling", ["INTERRUPT", "WHEN_IDLE", "SILENT"])
async def test_a_non_blocking_call_answered_later_while_the_model_talks(tmp_path: Path, make_backend, scheduling: str) -> None:
    """gemini-3.8-live keeps talking while its call runs (a 4 s tone here, in real time); the
    result goes while it talks, with the scheduling chosen in the dialog."""
    spec = ToolSpec("look_up", "Look something up", {"type": "object", "properties": {"what": {"type": "string"}}}, UserAnswer())
    backend = await make_backend(script(tmp_path, """
[[reply]]
match = "look"
tool = "look_up"
args = { what = "the tides" }
after_tool = "Found it: {result}"
tone_ms = 4000

[[reply]]
match = "thanks"
text = "You are welcome."
"""), speed=1.0)
    store = TranscriptStore.create(tmp_path / "conversations", environ={})
    app = LiveTuiApp(Settings(modality="TEXT", tools=ToolBox((spec,))), backend, audio=False, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await type_and_send(pilot, "Please look up the tides")
        await until(pilot, lambda: card_state(app, "look_up") == "waiting", what="the call")
        await answer_in_dialog(pilot, app, '{"high": "06:12"}', scheduling)
        filler = answers(app)[0]
        await until(pilot, lambda: card_state(app, "look_up") == "answered", what="the result sent")
        assert result_went_while_talking(backend), "the result went while the model talked"
        [card] = filler.turn.tools
        assert card.behavior == "NON_BLOCKING" and card.scheduling == scheduling
        if scheduling == "SILENT":
            await until(pilot, lambda: not filler.turn.open, what="the filler's end")
            await type_and_send(pilot, "thanks")  # what comes next is the next answer, nothing about the result
            await until(pilot, lambda: len(answers(app)) == 2 and not answers(app)[1].turn.open, what="the next answer")
            assert "welcome" in answers(app)[1].turn.text and not filler.turn.interrupted
        else:
            await until(pilot, lambda: any("Found it" in m.turn.text and not m.turn.open for m in answers(app)), what="the result said")
            assert filler.turn.interrupted == (scheduling == "INTERRUPT")
            assert "06:12" in answers(app)[-1].turn.text
    [response] = sent_responses(backend)
    assert response["scheduling"] == scheduling and response["response"] == {"output": {"high": "06:12"}}
    md, records = exported(store)
    assert "- Call **look\\_up** (answered · " in md and f"NON\\_BLOCKING · {scheduling.replace('_', chr(92) + '_')}" in md
    assert [r["state"] for r in records] == ["waiting", "answered"] and records[-1]["scheduling"] == scheduling


async def test_a_call_answered_by_hand_in_the_dialog(tmp_path: Path, make_backend) -> None:
    """On 3.1 (synchronous calls): plain text is sent as {"output": text}; JSON that is not
    valid is said, not sent; Escape leaves the call waiting and F3 opens it again."""
    spec = ToolSpec("ask_me", "Ask the person", {"type": "object", "properties": {"question": {"type": "string"}}}, UserAnswer())
    backend = await make_backend(script(tmp_path, """
[[reply]]
match = "favourite"
tool = "ask_me"
args = { question = "favourite colour?" }
after_tool = "You said {result}"
"""))
    store = TranscriptStore.create(tmp_path / "conversations", environ={})
    settings = Settings(model="gemini-3.1-flash-live-preview", modality="TEXT", tools=ToolBox((spec,)))
    app = LiveTuiApp(settings, backend, audio=False, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await type_and_send(pilot, "Guess my favourite colour")
        await until(pilot, lambda: isinstance(app.screen, ToolAnswerScreen), what="the dialog")
        assert "favourite colour?" in str(app.screen.query_one("#args Static").render())
        assert not app.screen.query("#scheduling")  # BLOCKING: nothing to choose
        await pilot.press("escape")
        assert card_state(app, "ask_me") == "waiting" and not isinstance(app.screen, ToolAnswerScreen)
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, ToolAnswerScreen), what="the dialog again")
        app.screen.query_one("#result").load_text('{"colour": "blue"')  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        problem = str(app.screen.query_one("#problem").render())
        assert "looks like JSON but is not valid" in problem and isinstance(app.screen, ToolAnswerScreen)
        assert sent_responses(backend) == []
        await answer_in_dialog(pilot, app, "blue, of course")
        await until(pilot, lambda: any("blue, of course" in m.turn.text and not m.turn.open for m in answers(app)), what="the answer")
        assert card_state(app, "ask_me") == "answered"
    [response] = sent_responses(backend)
    assert response["response"] == {"output": "blue, of course"} and "scheduling" not in response
    md, records = exported(store)
    assert '  - result: `{"output": "blue, of course"}`' in md
    assert [r["state"] for r in records] == ["waiting", "answered"]


async def test_a_call_cancelled_by_a_barge_in(tmp_path: Path, make_backend) -> None:
    """The person speaks (types) over a call the model waits on: the service cancels it
    (toolCallCancellation); the card says so, its dialog goes, nothing is sent."""
    spec = ToolSpec("ask_me", "Ask the person", {}, UserAnswer(), behavior="BLOCKING")
    backend = await make_backend(script(tmp_path, """
[[reply]]
match = "favourite"
tool = "ask_me"
after_tool = "You said {result}"

[[reply]]
match = "never mind"
text = "All right."
"""))
    store = TranscriptStore.create(tmp_path / "conversations", environ={})
    app = LiveTuiApp(Settings(modality="TEXT", tools=ToolBox((spec,))), backend, audio=False, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await type_and_send(pilot, "Guess my favourite colour")
        await until(pilot, lambda: isinstance(app.screen, ToolAnswerScreen), what="the dialog")
        await pilot.press("escape")  # later
        await type_and_send(pilot, "never mind")
        await until(pilot, lambda: card_state(app, "ask_me") == "cancelled", what="the cancellation")
        await until(pilot, lambda: any("All right" in m.turn.text and not m.turn.open for m in answers(app)), what="the next answer")
        first = answers(app)[0]
        assert first.turn.interrupted and [c.state for c in first.turn.tools] == ["cancelled"]
        await pilot.press("f3")
        assert not isinstance(app.screen, ToolAnswerScreen)  # nothing waits any more
    assert sent_responses(backend) == []
    md, records = exported(store)
    assert "- Call **ask\\_me** (cancelled · " in md and "toolCallCancellation" in md
    assert [r["state"] for r in records] == ["waiting", "cancelled"]


async def test_a_cancellation_closes_the_open_dialog(tmp_path: Path, make_backend) -> None:
    """A scripted barge-in cuts the answer while its NON_BLOCKING call's dialog is open."""
    spec = ToolSpec("look_up", "Look something up", {}, UserAnswer())
    backend = await make_backend(script(tmp_path, """
[[reply]]
match = "look"
tool = "look_up"
tone_ms = 4000
interrupt_after_ms = 1500
"""), speed=1.0)
    app = LiveTuiApp(Settings(modality="TEXT", tools=ToolBox((spec,))), backend, audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await type_and_send(pilot, "Please look it up")
        await until(pilot, lambda: card_state(app, "look_up") == "cancelled", what="the cancellation")
        await until(pilot, lambda: not isinstance(app.screen, ToolAnswerScreen), what="the dialog to go")
        # The dialog was open for it, and closing it said why.
        await until(pilot, lambda: any("cancelled its call of look_up" in str(n.message) for n in app._notifications), what="why")
    assert sent_responses(backend) == []


async def test_a_call_to_an_undeclared_function_gets_an_error_result(tmp_path: Path, make_backend) -> None:
    """A model that makes a name up (the simulator's `undeclared = true`): nothing runs, the
    card fails, and the model gets an error result at once, never silence."""
    spec = ToolSpec("ask_me", "Ask the person", {}, UserAnswer())
    backend = await make_backend(script(tmp_path, """
[[reply]]
match = "delete"
tool = "delete_everything"
undeclared = true
args = { path = "/" }
after_tool = "It did not work: {result}"
"""))
    store = TranscriptStore.create(tmp_path / "conversations", environ={})
    settings = Settings(model="gemini-3.1-flash-live-preview", modality="TEXT", tools=ToolBox((spec,)))
    app = LiveTuiApp(settings, backend, audio=False, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await type_and_send(pilot, "Please delete everything")
        await until(pilot, lambda: any("did not work" in m.turn.text and not m.turn.open for m in answers(app)), what="the answer")
        [card] = answers(app)[0].turn.tools
        assert card.state == "failed" and card.note == "not a declared function"
        assert not isinstance(app.screen, ToolAnswerScreen)
    [response] = sent_responses(backend)
    assert response["name"] == "delete_everything"
    assert "no function named 'delete_everything' is declared (declared: ask_me)" in response["response"]["error"]
    md, records = exported(store)
    assert "- Call **delete\\_everything** (failed" in md and [r["state"] for r in records] == ["failed"]


async def test_a_command_that_hangs_times_out_and_the_model_hears_so(tmp_path: Path, make_backend) -> None:
    program = tmp_path / "hang.py"
    program.write_text("import time\ntime.sleep(60)\n")
    spec = ToolSpec("get_weather", "The weather", CITY, CommandAnswer((sys.executable, str(program)), timeout_s=0.5), behavior="BLOCKING")
    backend = await make_backend(script(tmp_path, """
[[reply]]
match = "weather"
tool = "get_weather"
args = { city = "Oslo" }
after_tool = "No luck: {result}"
"""))
    app = LiveTuiApp(Settings(modality="TEXT", tools=ToolBox((spec,))), backend, audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await type_and_send(pilot, "What is the weather in Oslo?")
        await until(pilot, lambda: card_state(app, "get_weather") == "timed out", what="the timeout")
        await until(pilot, lambda: any("No luck" in m.turn.text and not m.turn.open for m in answers(app)), what="the answer")
        assert "timed out" in str(answers(app)[0].query_one(ToolCardView).render())
    [response] = sent_responses(backend)
    assert set(response["response"]) == {"error"}
