"""The console end to end: the real SDK, the simulator, keys in, screen out."""

from __future__ import annotations

from livetui.core.settings import Settings
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.chat import ModelMessage, UserMessage
from livetui.ui.widgets.prompt import PromptArea
from livetui.ui.widgets.status import StatusBar
from livetui.ui.widgets.tokens import TokenCounter

from .conftest import frames
from .helpers import type_and_send, until


def connected(app: LiveTuiApp) -> bool:
    return app.query_one(StatusBar).status.state == "connected"


def answers(app: LiveTuiApp) -> list[ModelMessage]:
    return list(app.query(ModelMessage))


def finished(app: LiveTuiApp, n: int) -> bool:
    done = [m for m in answers(app) if not m.turn.open]
    return len(done) >= n


async def test_type_a_question_read_the_streamed_answer(backend):
    app = LiveTuiApp(Settings(modality="TEXT"), backend, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        assert app.focused is app.query_one(PromptArea)
        await type_and_send(pilot, "What is the capital of France?")
        await until(pilot, lambda: finished(app, 1), what="an answer")
        answer = answers(app)[0]
        assert "Paris" in answer.turn.text
        assert answer.turn.modality == "TEXT"  # gemini-3.8-live only speaks: the text is its answer's transcript
        assert [u.turn.text for u in app.query(UserMessage)] == ["What is the capital of France?"]
        totals = app.query_one(TokenCounter).totals
        assert totals.turns == 1 and totals.response > 0 and totals.total == totals.prompt + totals.response
        status = app.query_one(StatusBar).status
        assert status.service == "offline simulator" and status.modality == "TEXT · from transcript"
    [setup] = frames(backend, "in", "setup")
    assert setup["msg"]["setup"]["generationConfig"]["responseModalities"] == ["AUDIO"]  # never TEXT of it


async def test_toggle_modality_carries_the_conversation(backend, text_model):
    """A model that takes TEXT answers is asked for TEXT: ctrl+t is a new session, the conversation carried."""
    app = LiveTuiApp(Settings(model=text_model, modality="TEXT"), backend, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: connected(app))
        await type_and_send(pilot, "What is the capital of France?")
        await until(pilot, lambda: finished(app, 1))
        await pilot.press("ctrl+t")
        await until(pilot, lambda: connected(app) and app.settings.modality == "AUDIO", what="audio session")
        await type_and_send(pilot, "What did I ask you before?")
        await until(pilot, lambda: finished(app, 2), what="second answer")
        second = answers(app)[1]
        assert second.turn.modality == "AUDIO" and second.turn.audio_seconds > 0
        assert "capital of France" in second.turn.text  # the transcript of what it said
        assert app.query_one(StatusBar).status.modality == "AUDIO"
    setups = frames(backend, "in", "setup")
    assert [s["msg"]["setup"]["generationConfig"]["responseModalities"] for s in setups] == [["TEXT"], ["AUDIO"]]
    carried = [f["msg"]["client_content"] for f in frames(backend, "in", "client_content") if f["conn"] == setups[1]["conn"]]
    assert carried[0]["turnComplete"] is False
    assert "capital of France" in str(carried[0]["turns"]) and "Paris" in str(carried[0]["turns"])


async def test_text_typed_before_connecting_is_not_lost(backend):
    app = LiveTuiApp(Settings(), backend, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_and_send(pilot, "What is the capital of Spain?")  # possibly before setupComplete
        await until(pilot, lambda: finished(app, 1))
        assert "Madrid" in answers(app)[0].turn.text


async def test_an_unknown_model_that_refuses_text_offers_the_transcript(backend, unknown_speaking_model):
    """A model the console does not know is asked for TEXT; refused (1007), the offer
    makes it what a known audio-only model is: the transcript as the text answer."""
    from livetui.ui.screens.confirm import ConfirmScreen

    app = LiveTuiApp(Settings(model=unknown_speaking_model, modality="TEXT"), backend, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the fallback offer")
        assert app.query_one(StatusBar).status.state == "failed"
        await pilot.press("y")
        await until(pilot, lambda: connected(app))
        assert app.settings.modality == "TEXT" and app.settings.answers().from_transcript
        assert app.query_one(StatusBar).status.modality == "TEXT · from transcript"
        await type_and_send(pilot, "What is the capital of Italy?")
        await until(pilot, lambda: finished(app, 1))
        answer = answers(app)[0].turn
        assert "Rome" in answer.text and answer.modality == "TEXT" and answer.audio_seconds == 0
        await pilot.press("ctrl+t")  # the same mechanism as a known audio-only model: no new session
        assert app.query_one(StatusBar).status.modality == "AUDIO" and connected(app)
    setups = frames(backend, "in", "setup")
    assert [s["msg"]["setup"]["generationConfig"]["responseModalities"] for s in setups] == [["TEXT"], ["AUDIO"]]


async def test_keys_can_be_remapped(backend):
    app = LiveTuiApp(Settings(modality="TEXT", keys={"toggle_modality": "ctrl+o"}), backend, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: connected(app))
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.settings.modality == "TEXT", "ctrl+t no longer toggles"
        await pilot.press("ctrl+o")
        await until(pilot, lambda: connected(app) and app.settings.modality == "AUDIO")


async def test_up_and_down_walk_earlier_inputs(backend):
    app = LiveTuiApp(Settings(), backend, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: connected(app))
        await type_and_send(pilot, "first")
        await type_and_send(pilot, "second")
        prompt = app.query_one(PromptArea)
        await pilot.press("up")
        assert prompt.text == "second"
        await pilot.press("up")
        assert prompt.text == "first"
        await pilot.press("down")
        assert prompt.text == "second"
        await pilot.press("down")
        assert prompt.text == ""
        await pilot.press("ctrl+j")
        assert prompt.text == "\n"


async def test_a_tiny_terminal_does_not_crash(backend):
    app = LiveTuiApp(Settings(), backend, audio=False)
    async with app.run_test(size=(30, 8)) as pilot:
        await until(pilot, lambda: connected(app))
        await type_and_send(pilot, "What is the capital of Japan?")
        await until(pilot, lambda: finished(app, 1))
        assert not app.query_one("#side").display
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.query_one("#side").display


async def test_a_typed_answer_shows_its_latency_and_the_summary_counts_it(backend):
    """Enter → first text on the answer's header; the pane under the tokens counts it."""
    from livetui.ui.widgets.latency import LatencyPane

    app = LiveTuiApp(Settings(modality="TEXT"), backend, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        pane = app.query_one(LatencyPane)
        assert pane.summary.empty
        await type_and_send(pilot, "What is the capital of France?")
        await until(pilot, lambda: finished(app, 1) and pane.summary.text.count == 1, what="a timed answer")
        answer = answers(app)[0]
        latency = answer.turn.latency
        assert latency is not None and latency.origin == "typed"
        assert latency.to_text_s is not None and latency.to_text_s >= 0
        assert latency.to_audio_s is None  # no speaker in this test: nothing was heard, nothing invented
        assert f"· {latency.label} ·" in str(answer.border_title)
        assert "Enter → first text" in str(answer.tooltip)
        assert pane.summary.text.median_s == latency.to_text_s
        # A second question: the pane counts both.
        await type_and_send(pilot, "What is the capital of Spain?")
        await until(pilot, lambda: finished(app, 2) and pane.summary.text.count == 2, what="a second timed answer")
        assert all(m.turn.latency is not None for m in answers(app))


async def test_search_shows_numbered_sources_under_a_grounded_answer(backend, tmp_path):
    """--search: a question the simulator searches is answered with sources, numbered under
    the answer with their links, saved in the transcript and exported."""
    from dataclasses import replace

    from rich.style import Style

    from livetui.cli.args import load_settings
    from livetui.core.store import TranscriptStore, export_markdown, load
    from livetui.ui.widgets.sources import SourceList

    settings = replace(load_settings(["--search", "--modality", "text"], {}), config_path=None)
    store = TranscriptStore.create(tmp_path, environ={})
    app = LiveTuiApp(settings, backend, audio=False, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await type_and_send(pilot, "What is the latest news about livetui?")
        await until(pilot, lambda: finished(app, 1) and answers(app)[0].sources is not None, what="a grounded answer")
        answer = answers(app)[0]
        assert "searched the web" in answer.turn.text
        sources = answer.query_one(SourceList)
        await pilot.pause()
        lines = ["".join(segment.text for segment in sources.render_line(y)) for y in range(sources.size.height)]
        assert [line.split(" ", 1)[0] for line in lines] == ["[1]", "[2]", "[3]"]
        assert lines[0].startswith("[1] Livetui - Simulated Encyclopedia")  # cut to its width at 80x24 (widgets test the rule)
        assert all(len(line.rstrip()) <= sources.size.width for line in lines)
        links = {segment.style.link for y in range(3) for segment in sources.render_line(y) if isinstance(segment.style, Style) and segment.style.link}
        assert links == {s.uri for s in answer.turn.sources} and len(links) == 3
        assert all(link.startswith("https://") for link in links)
        assert "Google Search on" in app.conversation.turns[0].text
        # The event log has the metadata as it came, whole.
        from livetui.ui.screens.eventlog import EventLogScreen

        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, EventLogScreen), what="the event log")
        await pilot.press(*"serverContent.groundingMetadata")
        screen = app.screen
        await until(pilot, lambda: len(screen.table.entries) == 1 and '"groundingChunks"' in str(screen.query_one("#detail").render()),
                    what="the grounding entry")
        detail = str(screen.query_one("#detail").render())
        assert '"webSearchQueries":["what is the latest news about livetui"]' in detail
        assert screen.query_one("#detail").has_class("-raw")
    [setup] = frames(backend, "in", "setup")
    assert setup["msg"]["setup"]["tools"] == [{"googleSearch": {}}]
    md = export_markdown(load(store.path))
    assert "1. [Livetui - Simulated Encyclopedia](https://encyclopedia.example.org/wiki/Livetui) · encyclopedia.example.org\n" in md
