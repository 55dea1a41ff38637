"""The interpreter and dictation modes in the whole app against the simulator: spoken
input (a WAV of espeak-ng speech sent with /wav), turns in the chat and the panes, the
transcript on disk and its export; the palette's "Interpreter: translate into…"."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from livetui import cli
from livetui.core.modes import TRANSCRIBE_MODEL, TRANSLATE_MODEL
from livetui.core.settings import Settings
from livetui.core.store import TranscriptStore, export_markdown, load
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.chat import ModelMessage, UserMessage
from livetui.ui.widgets.prompt import PromptArea
from livetui.ui.widgets.transcripts import TranscriptPane

from ..protocol.helpers import speech_pcm, write_wav
from .conftest import frames
from .helpers import type_and_send, until

PHRASE = "what is the weather"  # pocketsphinx hears espeak-ng's rendering of it intact
INTERPRETER = Settings(mode="translate", translate_to="fr", model=TRANSLATE_MODEL, modality="AUDIO")
DICTATION = Settings(mode="transcribe", model=TRANSCRIBE_MODEL, modality="TEXT")


@pytest.fixture
def spoken(tmp_path: Path) -> Path:
    path = tmp_path / "spoken.wav"
    write_wav(path, speech_pcm(PHRASE, tail_ms=1000), 16000)
    return path


def connected(app: LiveTuiApp) -> bool:
    return app.session.live is not None and app.session.connected.is_set()


def finished(app: LiveTuiApp, widget: type) -> list:
    return [w for w in app.query(widget) if not w.turn.open]


def pane_text(app: LiveTuiApp, pane: str) -> str:
    return " ".join(app.query_one(f"#{pane}", TranscriptPane)._texts.values())


async def test_the_interpreter_shows_your_speech_and_its_translation_and_keeps_both(backend, spoken, tmp_path):
    store = TranscriptStore.create(tmp_path / "conversations", environ={})
    app = LiveTuiApp(INTERPRETER, backend, audio=False, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="the interpreter session")
        [setup] = frames(backend, "in", "setup")
        config = setup["msg"]["setup"]
        assert config["generationConfig"]["translationConfig"] == {"targetLanguageCode": "fr", "echoTargetLanguage": False}
        assert "systemInstruction" not in config and "tools" not in config
        assert app.query_one("#said", TranscriptPane).border_title == "Translation · French"
        await type_and_send(pilot, f"/wav {spoken}")
        await until(pilot, lambda: finished(app, ModelMessage), timeout=30, what="the translation")
        [said] = finished(app, UserMessage)
        [translation] = finished(app, ModelMessage)
        assert said.turn.modality == "AUDIO" and said.turn.text == PHRASE
        assert translation.turn.modality == "AUDIO" and translation.turn.text.strip() == "quel temps fait-il"
        assert translation.turn.audio_seconds > 0.5, "the translated voice came (to the speaker's buffer)"
        assert pane_text(app, "heard") == PHRASE and pane_text(app, "said") == "quel temps fait-il"
        assert frames(backend, "in", "client_content") == [], "an interpreter is sent audio only"
    exported = export_markdown(load(store.path))
    assert TRANSLATE_MODEL in exported
    assert exported.index(PHRASE) < exported.index("quel temps fait-il")
    assert "**You** (" in exported and "spoken" in exported and "**Gemini** (" in exported


async def test_typing_in_the_interpreter_is_refused_and_the_text_kept(backend):
    app = LiveTuiApp(INTERPRETER, backend, audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="the interpreter session")
        await type_and_send(pilot, "bonjour")
        await pilot.pause()
        prompt = app.query_one(PromptArea)
        assert prompt.text == "bonjour", "nothing typed is lost"
        assert any("speech only" in str(n.message) for n in app._notifications)
        assert frames(backend, "in", "client_content") == []
        assert list(app.query(UserMessage)) == []


async def test_ctrl_t_in_the_interpreter_says_why_and_keeps_the_voice(backend):
    """The interpreter's answer is its voice: ctrl+t must not silence it (text answers from
    the transcript would drop the translated audio), and it says so instead of doing nothing."""
    app = LiveTuiApp(INTERPRETER, backend, audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="the interpreter session")
        before = app.settings
        await pilot.press("ctrl+t")
        await until(pilot, lambda: any("always speaks" in str(n.message) for n in app._notifications), what="the reason")
        assert app.settings == before and app.settings.answers().wanted == "AUDIO"
        assert len(frames(backend, "in", "setup")) == 1, "no new session"


async def test_dictation_shows_captions_and_speaks_nothing(backend, spoken, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where `livetui export ID` looks
    store = TranscriptStore.create()
    app = LiveTuiApp(DICTATION, backend, audio=False, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="the dictation session")
        [setup] = frames(backend, "in", "setup")
        assert setup["msg"]["setup"]["generationConfig"]["responseModalities"] == ["TEXT"]
        assert app.query_one("#heard", TranscriptPane).border_title == "Captions"
        await type_and_send(pilot, f"/wav {spoken}")
        await until(pilot, lambda: finished(app, UserMessage), timeout=30, what="the caption")
        await until(pilot, lambda: app.conversation.usage.turns >= 1, timeout=10, what="the usage")
        [caption] = finished(app, UserMessage)
        assert caption.turn.text == PHRASE, "one caption, the words once (not once per stream)"
        caption_id = caption.turn.id
        assert list(app.query(ModelMessage)) == [], "nothing answered, nothing spoken"
        assert pane_text(app, "heard") == PHRASE
    out, err = io.StringIO(), io.StringIO()
    assert cli.export_main([store.id], out=out, err=err) == 0, err.getvalue()
    exported = out.getvalue()
    assert TRANSCRIBE_MODEL in exported and exported.count(PHRASE) == 1
    assert cli.export_main([store.id, "--format", "jsonl"], out=(out := io.StringIO()), err=err) == 0
    users = [json.loads(line) for line in out.getvalue().splitlines() if '"user"' in line]
    assert {(u["turn"], u["text"], u["modality"]) for u in users if not u["partial"]} == {(caption_id, PHRASE, "AUDIO")}


async def test_the_palette_switches_to_the_interpreter_and_back(backend):
    app = LiveTuiApp(Settings(), backend, audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="the chat session")
        await pilot.press("ctrl+p")
        await pilot.press(*"Interpreter")
        await until(pilot, lambda: "Interpreter" in str(app.screen.query_one("CommandList").get_option_at_index(0).prompt),
                    what="the command listed")
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "LanguageScreen", what="the language question")
        await pilot.press(*"klingon", "enter")
        await until(pilot, lambda: any("does not know" in str(n.message) for n in app._notifications), what="the refusal")
        assert app.settings.mode == "chat" and app.settings.model == Settings().model, "a bad target changes nothing"

        await pilot.press("ctrl+p")
        await pilot.press(*"Interpreter", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "LanguageScreen", what="the language question")
        await pilot.press(*"DE", "enter")
        await until(pilot, lambda: len(frames(backend, "in", "setup")) == 2 and connected(app), what="the interpreter")
        setup = frames(backend, "in", "setup")[-1]["msg"]["setup"]
        assert setup["model"] == f"models/{TRANSLATE_MODEL}"
        assert setup["generationConfig"]["translationConfig"]["targetLanguageCode"] == "de"
        assert app.query_one("#said", TranscriptPane).border_title == "Translation · German"

        await pilot.press("ctrl+p")
        await pilot.press(*"Back to chat", "enter")
        await until(pilot, lambda: len(frames(backend, "in", "setup")) == 3 and connected(app), what="chat again")
        assert frames(backend, "in", "setup")[-1]["msg"]["setup"]["model"] == f"models/{Settings().model}"
        assert app.query_one("#said", TranscriptPane).border_title == "Gemini said"


async def test_a_target_the_service_refuses_is_one_clear_line(backend, monkeypatch):
    """The console's language list and the service's can disagree: the 1007 is said once, in words."""
    from livetui.core import modes
    from livetui.ui.widgets.chat import SystemLine

    monkeypatch.setitem(modes.LANGUAGE_NAMES, "tlh", "Klingon")
    settings = Settings(mode="translate", translate_to=modes.target_language("tlh"), model=TRANSLATE_MODEL, modality="AUDIO")
    app = LiveTuiApp(settings, backend, audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.query_one("StatusBar").status.state == "failed", timeout=10, what="the refusal")
        await pilot.pause()
        errors = [line.turn.text for line in app.query(SystemLine) if line.turn.kind == "error"]
        assert len(errors) == 1
        assert "1007" in errors[0] and 'Unsupported target_language_code "tlh"' in errors[0]
        assert len(frames(backend, "in", "setup")) == 1, "not retried: a retry cannot fix it"


async def test_a_chat_model_picked_in_the_settings_leaves_the_interpreter(backend):
    """F2 in the interpreter, the model above (a conversation model), save: a chat
    session on that model, and the panes say chat again (not the translation's)."""
    from livetui.ui.screens.settings import SettingsScreen

    app = LiveTuiApp(INTERPRETER, backend, audio=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="the interpreter session")
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen.models_loaded, what="the settings")
        await pilot.press("enter", "up", "enter")  # the model listed above the interpreter's
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.settings.mode == "chat" and connected(app), what="a chat session")
        assert app.settings.model == "gemini-2.5-flash-native-audio-preview-12-2025" and app.settings.translate_to is None
        setup = frames(backend, "in", "setup")[-1]["msg"]["setup"]
        assert "translationConfig" not in setup.get("generationConfig", {}) and "translation_config" not in setup.get("generationConfig", {})
        await until(pilot, lambda: app.query_one("#said", TranscriptPane).border_title == "Gemini said", what="the chat's panes")
