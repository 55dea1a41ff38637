"""Modes without a terminal: the flags, what each mode asks the service for, and how a
pipeline's turnless events become turns."""

from __future__ import annotations

from pathlib import Path

import pytest

from livetui.cli.args import load_settings
from livetui.core.configfile import ConfigError
from livetui.core.connectconfig import live_config
from livetui.core.conversation import Conversation
from livetui.core.events import AudioChunk, GenerationComplete, InputTranscript, OutputTranscript, TextDelta, TurnComplete, Usage
from livetui.core.modes import TRANSCRIBE_MODEL, TRANSLATE_MODEL, EventShaper, labels, resumed, target_language
from livetui.core.settings import Settings, VadSettings


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "xdg").mkdir()
    return {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}


def test_translate_flag_opens_the_interpreter_with_the_mic_live(home):
    settings = load_settings(["--translate", "FR"], environ=home)
    assert (settings.mode, settings.translate_to, settings.model, settings.modality) == ("translate", "fr", TRANSLATE_MODEL, "AUDIO")
    assert settings.audio.mic_on_start is True
    assert load_settings(["--translate", "fr", "--no-mic"], environ=home).audio.mic_on_start is False


def test_transcribe_flag_opens_dictation_whatever_model_the_file_names(home):
    config = Path(home["XDG_CONFIG_HOME"]) / "livetui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('model = "gemini-3.8-live"\nmodality = "audio"\n')
    settings = load_settings(["--transcribe"], environ=home)
    assert (settings.mode, settings.model, settings.modality) == ("transcribe", TRANSCRIBE_MODEL, "TEXT")
    assert settings.audio.mic_on_start is True


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--translate", "klingon"], "does not know the language 'klingon'"),
        (["--translate", "xx"], "does not know the language 'xx'"),
        (["--translate", "fr", "--model", "gemini-3.8-live"], "--translate needs a translate model"),
        (["--transcribe", "--model", TRANSLATE_MODEL], "--transcribe needs a transcribe model"),
    ],
)
def test_a_target_or_model_the_mode_cannot_use_is_a_config_error(home, argv, words):
    with pytest.raises(ConfigError) as info:
        load_settings(argv, environ=home)
    assert words in str(info.value)


def test_both_modes_at_once_is_refused_by_argparse(home, capsys):
    with pytest.raises(SystemExit) as info:
        load_settings(["--translate", "fr", "--transcribe"], environ=home)
    assert info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_target_tags_are_written_as_bcp47_writes_them():
    assert target_language(" pt_br ") == "pt-BR"
    assert target_language("zh-hant") == "zh-Hant"
    assert target_language("es-419") == "es-419"
    with pytest.raises(ValueError, match=r"'fr\?de'"):
        target_language("fr\x1bde")  # a control character is never echoed as is


def test_the_interpreter_asks_only_for_what_the_page_configures():
    settings = Settings(mode="translate", translate_to="de", model=TRANSLATE_MODEL, modality="AUDIO",
                        system_instruction="Be brief.", voice="Kore", thinking_level="high",
                        vad=VadSettings(silence_duration_ms=300))
    assert live_config(settings) == {
        "response_modalities": ["AUDIO"],
        "input_audio_transcription": {},
        "output_audio_transcription": {},
        "translation_config": {"target_language_code": "de", "echo_target_language": False},
        "realtime_input_config": {"automatic_activity_detection": {"silence_duration_ms": 300}},
    }


def test_dictation_asks_for_text_and_the_input_transcript():
    settings = Settings(mode="transcribe", model=TRANSCRIBE_MODEL, system_instruction="Be brief.")
    assert live_config(settings) == {"response_modalities": ["TEXT"], "input_audio_transcription": {}}


def test_a_mode_and_its_target_go_together():
    with pytest.raises(ValueError):
        Settings(mode="translate")
    with pytest.raises(ValueError):
        Settings(translate_to="fr")
    with pytest.raises(ValueError):
        Settings(mode="karaoke")  # type: ignore[arg-type]


def roles(conversation: Conversation) -> list[tuple[str, str, bool]]:
    return [(t.role, t.text.strip(), t.open) for t in conversation.turns]


def test_interpreter_events_become_a_turn_pair_per_utterance_without_turn_complete():
    shaper, conversation = EventShaper("translate"), Conversation()
    stream = [
        InputTranscript("what is the weather", finished=True),
        AudioChunk(b"\0" * 4800), OutputTranscript("quel temps"), OutputTranscript(" fait-il"),
        GenerationComplete(), Usage(prompt=30, response=40, total=70),
        InputTranscript("how are you", finished=True),
        AudioChunk(b"\0" * 4800), OutputTranscript("comment allez-vous"),
        # no generationComplete: the next speech still closes the translation before it
        InputTranscript("thank you", finished=True),
    ]
    for event in shaper.shape(stream):
        conversation.apply(event)
    assert roles(conversation) == [
        ("user", "what is the weather", False),
        ("model", "quel temps fait-il", False),
        ("user", "how are you", False),
        ("model", "comment allez-vous", False),
        ("user", "thank you", False),
    ]
    assert conversation.usage.total == 70


def test_dictation_shows_the_words_once_as_captions():
    shaper, conversation = EventShaper("transcribe"), Conversation()
    stream = [
        InputTranscript("what is "), TextDelta("what is "),
        InputTranscript("the weather", finished=True), TextDelta("the weather"),
        GenerationComplete(),
        InputTranscript("how are you", finished=True), TextDelta("how are you"), GenerationComplete(),
    ]
    for event in shaper.shape(stream):
        conversation.apply(event)
    assert roles(conversation) == [("user", "what is the weather", False), ("user", "how are you", False)]


def test_dictation_from_text_parts_alone_still_gives_captions():
    shaper, conversation = EventShaper("transcribe"), Conversation()
    for event in shaper.shape([TextDelta("what is "), TextDelta("the weather"), GenerationComplete(), TextDelta("yes")]):
        conversation.apply(event)
    assert roles(conversation) == [("user", "what is the weather", False), ("user", "yes", True)]
    assert all(t.modality == "AUDIO" for t in conversation.turns), "captions are of speech"


def test_chat_events_pass_unchanged():
    events = [TextDelta("hi"), GenerationComplete(), TurnComplete()]
    assert list(EventShaper("chat").shape(events)) == events


def test_labels_name_the_target_language():
    interpreter = labels(Settings(mode="translate", translate_to="pt-BR", model=TRANSLATE_MODEL))
    assert interpreter.said == "Translation · Portuguese"
    assert "speech only" in interpreter.typed
    assert labels(Settings()).typed == ""


def test_a_saved_dictation_resumes_as_dictation_and_an_interpreter_needs_its_language():
    assert resumed(Settings(), "gemini-3.8-live") == Settings()
    dictation = resumed(Settings(), TRANSCRIBE_MODEL)
    assert (dictation.mode, dictation.model, dictation.audio.mic_on_start) == ("transcribe", TRANSCRIBE_MODEL, True)
    with pytest.raises(ValueError, match="add --translate LANG"):
        resumed(Settings(), TRANSLATE_MODEL)


def test_resuming_an_interpreter_conversation_without_its_language_is_one_line(tmp_path, monkeypatch, capsys):
    from livetui import cli
    from livetui.core.store import Record, TranscriptStore

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    with TranscriptStore.create(environ={"XDG_DATA_HOME": str(tmp_path / "data")}) as store:
        store.write(Record.start(TRANSLATE_MODEL, "AUDIO"))
        store.write(Record.user(1, "what is the weather", "AUDIO"))
    assert cli.main(["--resume", store.id]) == 2
    assert capsys.readouterr().err == (
        f"livetui: that conversation was with the interpreter ({TRANSLATE_MODEL}): add --translate LANG to continue it\n"
    )


def test_the_chat_says_which_answers_a_session_gives_and_a_mode_how_it_works() -> None:
    from livetui.core.modes import connected_line

    assert connected_line(Settings()) == "connected · AUDIO answers"
    assert connected_line(Settings(modality="TEXT")) == "connected · TEXT answers from the transcript"
    assert connected_line(Settings(mode="translate", translate_to="fr", model="gemini-3.5-live-translate-preview")).startswith("interpreter")


def test_a_model_picked_in_the_settings_brings_its_mode() -> None:
    from livetui.core.modes import fields_for_model

    chat = Settings()
    interpreter = Settings(mode="translate", translate_to="fr", model="gemini-3.5-live-translate-preview")
    assert fields_for_model(chat, "gemini-3.1-flash-live-preview") == {}
    assert fields_for_model(interpreter, "gemini-3.8-live") == {"mode": "chat", "translate_to": None}
    assert fields_for_model(interpreter, "gemini-3.5-live-translate-preview") == {}
    assert fields_for_model(chat, "gemini-3.5-transcribe-live")["mode"] == "transcribe"
    with pytest.raises(ValueError, match="language"):
        fields_for_model(chat, "gemini-3.5-live-translate-preview")
