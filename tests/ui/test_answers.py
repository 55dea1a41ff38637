"""Text and audio answers from a model that only speaks (core.answers), end to end:
the real SDK against the simulator, keys in. The simulator's frame log and the app's
event log witness that ctrl+t opens nothing new and asks nothing of the service."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from livetui.core.settings import Settings
from livetui.core.store import TranscriptStore, export_markdown, load
from livetui.sim import SimOptions, Simulator
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.chat import ModelMessage, SystemLine
from livetui.ui.widgets.status import StatusBar
from livetui.ui.widgets.transcripts import TranscriptPane

from .conftest import SimBackend, frames
from .helpers import type_and_send, until

SIZE = (100, 30)


def status(app: LiveTuiApp) -> str:
    """The status bar as the user reads it."""
    return app.query_one(StatusBar)._render_status().plain


def connected(app: LiveTuiApp) -> bool:
    return app.query_one(StatusBar).status.state == "connected"


def answers(app: LiveTuiApp) -> list[ModelMessage]:
    return list(app.query(ModelMessage))


def finished(app: LiveTuiApp, n: int) -> bool:
    return len([m for m in answers(app) if not m.turn.open]) >= n and app.conversation.model_turn is None


def dividers(app: LiveTuiApp) -> list[str]:
    return [line.turn.text for line in app.query(SystemLine) if line.turn.kind == "divider"]


def spoken_lines(app: LiveTuiApp) -> int:
    """Lines in the "Gemini said" pane: answers that were spoken."""
    pane = app.query_one("#said", TranscriptPane)
    return len([s for s in pane.children if not s.has_class("placeholder")])


def setups(backend: SimBackend) -> list[dict]:
    return [f["msg"]["setup"] for f in frames(backend, "in", "setup")]


async def ask(pilot, text: str) -> ModelMessage:
    app = pilot.app
    n = len(answers(app)) + 1
    await type_and_send(pilot, text)
    await until(pilot, lambda: finished(app, n), what=f"the answer to {text!r}")
    return answers(app)[-1]


async def test_ctrl_t_switches_answers_at_once_on_the_same_connection(backend, tmp_path: Path) -> None:
    """The default model only speaks: text answers are its transcript, nothing played;
    ctrl+t gives audio answers and back, with no new setup, no context replayed; the
    transcript on disk records each switch and keeps text answers as text."""
    store = TranscriptStore.create(tmp_path / "conversations", environ={})
    app = LiveTuiApp(Settings(modality="TEXT"), backend, audio=False, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        assert "TEXT · from transcript" in status(app)

        paris = (await ask(pilot, "What is the capital of France?")).turn
        assert paris.modality == "TEXT" and "Paris" in paris.text
        assert paris.audio_seconds == 0 and spoken_lines(app) == 0  # nothing was played: nothing "said"

        await pilot.press("ctrl+t")
        assert app.settings.modality == "AUDIO" and connected(app)  # at once: no "connecting" in between
        assert "AUDIO" in status(app) and "from transcript" not in status(app)
        rome = (await ask(pilot, "What is the capital of Italy?")).turn
        assert rome.modality == "AUDIO" and rome.audio_seconds > 0 and "Rome" in rome.text
        assert spoken_lines(app) == 1

        await pilot.press("ctrl+t")
        assert "TEXT · from transcript" in status(app) and connected(app)
        madrid = (await ask(pilot, "What is the capital of Spain?")).turn
        assert madrid.modality == "TEXT" and madrid.audio_seconds == 0 and "Madrid" in madrid.text
        assert spoken_lines(app) == 1

        assert len(dividers(app)) == 2
        assert "audio answers" in dividers(app)[0] and "transcript" in dividers(app)[1]
        assert len(app.eventlog.entries(kinds={"setup"})) == 1  # one connection, never set up again
        assert [e.summary for e in app.eventlog.entries(kinds={"answers"})] == [
            "AUDIO answers on the same connection",
            "TEXT · from transcript answers on the same connection",
        ]

    [setup] = setups(backend)  # the simulator saw one session
    assert setup["generationConfig"]["responseModalities"] == ["AUDIO"]
    assert "outputAudioTranscription" in setup or "output_audio_transcription" in setup
    contents = [f["msg"]["client_content"] for f in frames(backend, "in", "client_content")]
    assert all(c["turnComplete"] for c in contents), "context was replayed"
    assert len(contents) == 3

    records = [json.loads(line) for line in store.path.read_text().splitlines()]
    assert [r["modality"] for r in records if r["kind"] == "switch"] == ["AUDIO", "TEXT"]
    loaded = load(store.path)
    assert [(t.modality, bool(t.audio_seconds)) for t in loaded.turns if t.role == "model"] == [
        ("TEXT", False), ("AUDIO", True), ("TEXT", False)
    ]
    exported = export_markdown(loaded)  # a text answer is exported as text, a spoken one with its audio's length
    latency = r"(?:, text [0-9]+ ms after Enter)?"  # the answer's latency (README: Latency)
    assert re.search(r"\*\*Gemini\*\* \([0-9:]+" + latency + r"\):\n\nThe capital of France is Paris", exported)
    assert re.search(r"\*\*Gemini\*\* \([0-9:]+, audio [0-9.]+ s" + latency + r"\):\n\nThe capital of Italy is Rome", exported)


async def test_an_answer_in_progress_switches_from_the_next_chunk() -> None:
    """ctrl+t while an answer is spoken: from then on its audio goes nowhere (the
    service still sends it) and its transcript goes on as the answer's text."""
    async with Simulator(SimOptions(speed=1.0), keep_frames=True) as sim:
        backend = SimBackend(sim)
        app = LiveTuiApp(Settings(modality="AUDIO"), backend, audio=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: connected(app), what="connected")
            await type_and_send(pilot, "What is the capital of France?")  # about two seconds of speech, paced

            def speaking() -> bool:
                turn = app.conversation.model_turn
                return turn is not None and turn.audio_seconds > 0

            await until(pilot, speaking, what="the answer to start")
            await pilot.press("ctrl+t")
            turn = app.conversation.model_turn
            assert turn is not None, "the answer ended before the switch: the test proves nothing"
            heard = turn.audio_seconds
            parts_at_switch = len(app.eventlog.entries(kinds={"serverContent.modelTurn"}))
            await until(pilot, lambda: finished(app, 1), what="the answer's end")

            assert turn.audio_seconds == heard  # no chunk after the switch reached the answer (or the speaker)
            assert len(app.eventlog.entries(kinds={"serverContent.modelTurn"})) > parts_at_switch  # though more came
            sent = "".join(
                r["msg"]["serverContent"]["outputTranscription"]["text"]
                for r in frames(backend, "out", "serverContent")
                if "outputTranscription" in r["msg"]["serverContent"]
            )
            assert turn.text == sent and "Paris" in turn.text  # the whole answer, in one turn
            assert answers(app)[0].turn is turn
    audio_sent = sum(
        part["inlineData"]["data"] / 2 / 24000  # the frame log keeps each payload's byte length
        for r in frames(backend, "out", "serverContent")
        for part in r["msg"]["serverContent"].get("modelTurn", {}).get("parts", [])
        if "inlineData" in part
    )
    assert heard < audio_sent - 0.2 and not math.isclose(heard, audio_sent)


async def test_a_model_that_takes_text_is_asked_for_text_and_the_bar_says_so(backend, text_model: str) -> None:
    app = LiveTuiApp(Settings(model=text_model, modality="TEXT"), backend, audio=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        bar = app.query_one(StatusBar).status
        assert bar.modality == "TEXT" and "from transcript" not in status(app)
        answer = (await ask(pilot, "What is the capital of France?")).turn
        assert answer.modality == "TEXT" and "Paris" in answer.text
    assert [s["generationConfig"]["responseModalities"] for s in setups(backend)] == [["TEXT"]]


async def test_answers_changed_in_settings_switch_at_once_too(backend) -> None:
    """F2, Answers: Text -> Audio, save: only the answers changed, so it switches as
    ctrl+t does, on the same connection."""
    from livetui.ui.screens.settings import SettingsScreen

    app = LiveTuiApp(Settings(modality="TEXT"), backend, audio=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen), what="the settings")
        await pilot.press("tab", "enter", "down", "enter")  # Answers: Text -> Audio (tab works on a pushed screen)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.settings.modality == "AUDIO", what="audio answers")
        assert connected(app) and "AUDIO" in status(app)
        assert dividers(app) == ["audio answers · on the speaker"]
        rome = (await ask(pilot, "What is the capital of Italy?")).turn
        assert rome.modality == "AUDIO" and rome.audio_seconds > 0
        assert len(setups(backend)) == 1
