"""Text or audio answers: what is asked of the service, how answers are shown, when a switch keeps the connection."""

from __future__ import annotations

import pytest

from livetui.core.answers import Answers, answers_for, mic_live
from livetui.core.connectconfig import live_config
from livetui.core.events import AudioChunk, InputTranscript, Interrupted, OutputTranscript, TextDelta, TurnComplete, Usage
from livetui.core.models import DEFAULT_MODEL, KNOWN
from livetui.core.settings import Settings

AUDIO_ONLY = [m.name for m in KNOWN if m.audio_only]
TEXT_MODEL = next(m.name for m in KNOWN if m.text_answers)


@pytest.mark.parametrize("model", AUDIO_ONLY)
@pytest.mark.parametrize("wanted", ["TEXT", "AUDIO"])
def test_a_model_that_only_speaks_is_always_asked_for_audio(model: str, wanted: str) -> None:
    answers = answers_for(model, wanted)
    assert answers.asked == "AUDIO" and answers.wanted == wanted
    config = live_config(Settings(model=model, modality=wanted))  # type: ignore[arg-type]
    assert config["response_modalities"] == ["AUDIO"]
    assert config["output_audio_transcription"] == {}  # the text of the answer, either way
    assert config["input_audio_transcription"] == {}


def test_the_default_model_gives_audio_answers_and_text_from_its_transcript() -> None:
    assert (Settings().model, Settings().modality) == (DEFAULT_MODEL, "AUDIO")  # a voice console: it speaks
    assert Settings().answers() == Answers(wanted="AUDIO", asked="AUDIO")
    answers = Settings(modality="TEXT").answers()
    assert answers == Answers(wanted="TEXT", asked="AUDIO")
    assert answers.from_transcript and answers.label == "TEXT · from transcript"
    assert Settings(modality="AUDIO").answers().label == "AUDIO"
    assert not Settings(modality="AUDIO").answers().from_transcript


@pytest.mark.parametrize("model", [TEXT_MODEL, "gemini-not-in-the-catalogue", "models/gemini-future-live"])
def test_a_model_that_may_take_text_is_asked_for_what_the_user_chose(model: str) -> None:
    assert answers_for(model, "TEXT") == Answers("TEXT", "TEXT")
    assert answers_for(model, "AUDIO") == Answers("AUDIO", "AUDIO")
    assert answers_for(model, "TEXT").label == "TEXT"
    config = live_config(Settings(model=model, modality="TEXT"))
    assert config["response_modalities"] == ["TEXT"] and "output_audio_transcription" not in config


def test_a_model_that_refused_text_is_then_treated_as_speaking_only() -> None:
    unknown = Settings(model="gemini-not-in-the-catalogue", modality="TEXT")
    assert unknown.answers().asked == "TEXT"
    refused = Settings(model="gemini-not-in-the-catalogue", modality="TEXT", refused_text_model="gemini-not-in-the-catalogue")
    assert refused.answers() == Answers("TEXT", "AUDIO")
    assert live_config(refused)["response_modalities"] == ["AUDIO"]
    # Another model is not tarred with it: the refusal names one model.
    assert Settings(model="gemini-other", modality="TEXT", refused_text_model="gemini-not-in-the-catalogue").answers().asked == "TEXT"


def test_ctrl_t_keeps_the_connection_only_where_the_service_is_asked_the_same() -> None:
    speaking = Settings()
    assert speaking.answers().keeps_connection(speaking.with_modality("TEXT").answers())
    texting = Settings(model=TEXT_MODEL, modality="TEXT")
    assert not texting.answers().keeps_connection(texting.with_modality("AUDIO").answers())


def test_text_answers_from_the_transcript_show_its_text_and_play_nothing() -> None:
    answers = Answers("TEXT", "AUDIO")
    assert answers.present(AudioChunk(b"\x01\x00" * 240)) is None  # never reaches the speaker
    assert answers.present(OutputTranscript("Paris is the capital.")) == TextDelta("Paris is the capital.")
    assert answers.present(OutputTranscript("")) is None
    # What the user said, and the rest of the session, pass unchanged.
    for event in (InputTranscript("what is the capital", finished=True), Interrupted(), TurnComplete(), Usage(prompt=3)):
        assert answers.present(event) == event


@pytest.mark.parametrize("answers", [Answers("AUDIO", "AUDIO"), Answers("TEXT", "TEXT")])
def test_other_answers_pass_every_event_unchanged(answers: Answers) -> None:
    chunk = AudioChunk(b"\x01\x00" * 240)
    for event in (chunk, OutputTranscript("Paris"), TextDelta("Paris"), TurnComplete()):
        assert answers.present(event) is event


def test_the_chat_divider_says_what_changed_and_fits_a_narrow_chat() -> None:
    assert Answers("TEXT", "AUDIO").divider.startswith("text answers") and "transcript" in Answers("TEXT", "AUDIO").divider
    assert Answers("AUDIO", "AUDIO").divider.startswith("audio answers") and "speaker" in Answers("AUDIO", "AUDIO").divider
    dividers = [Answers("TEXT", "AUDIO").divider, Answers("AUDIO", "AUDIO").divider, Answers("TEXT", "TEXT").divider]
    assert all(len(f"── {d} ──") <= 44 for d in dividers)  # one line in the chat at 80x24


def test_the_mic_follows_the_answers_unless_the_user_said_otherwise() -> None:
    assert mic_live("AUDIO", None) and not mic_live("TEXT", None)
    assert mic_live("TEXT", True) and not mic_live("AUDIO", False)


def test_only_chat_switches_text_and_audio_answers() -> None:
    from livetui.core.answers import switch_refusal

    assert switch_refusal("chat") == ""
    assert "interpreter" in switch_refusal("translate").lower()
    assert "dictation" in switch_refusal("transcribe").lower()
