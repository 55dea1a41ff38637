"""The interpreter and the transcriber, through the real SDK: espeak-ng speech in as
realtime audio, transcripts, translated speech or streamed text out; refusals."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from google.genai import errors, types

from livetui.sim.translate import translate

from .helpers import TurnResult, chunks, client_for, rms_dbfs, speech_pcm

TRANSLATE = "gemini-3.5-live-translate-preview"
TRANSCRIBE = "gemini-3.5-transcribe-live"
PCM16K = "audio/pcm;rate=16000"
PHRASE = "what is the weather"  # pocketsphinx hears espeak-ng's rendering of these intact
SECOND = "how are you"


def interpreter(target: Any = "fr", echo: bool | None = None, transcripts: bool = True) -> dict[str, Any]:
    config: dict[str, Any] = {"response_modalities": ["AUDIO"]}
    if transcripts:
        config["input_audio_transcription"] = {}
        config["output_audio_transcription"] = {}
    translation: dict[str, Any] = {"target_language_code": target}
    if echo is not None:
        translation["echo_target_language"] = echo
    config["translation_config"] = translation
    return config


async def say(session: Any, text: str) -> None:
    for chunk in chunks(speech_pcm(text, tail_ms=800), 20):
        await session.send_realtime_input(audio=types.Blob(data=chunk, mime_type=PCM16K))


async def read_utterance(session: Any) -> TurnResult:
    """One utterance's output. There are no turns (no turnComplete): it ends with its usage."""
    out = TurnResult()
    async for msg in session.receive():
        out.messages.append(msg)
        sc = msg.server_content
        if sc is not None:
            assert not sc.turn_complete, "a pipeline has no turns"
            for part in (sc.model_turn.parts or []) if sc.model_turn else []:
                if part.text:
                    out.text += part.text
                    out.order.append("text")
                if part.inline_data and part.inline_data.data:
                    assert part.inline_data.mime_type == "audio/pcm;rate=24000"
                    out.audio += part.inline_data.data
                    out.order.append("audio")
            if sc.input_transcription and sc.input_transcription.text:
                out.input_transcript += sc.input_transcription.text
                out.order.append("inputTranscription")
            if sc.output_transcription and sc.output_transcription.text:
                out.output_transcript += sc.output_transcription.text
                out.order.append("outputTranscription")
            if sc.generation_complete:
                out.order.append("generationComplete")
        if msg.usage_metadata:
            out.usage = msg.usage_metadata
            return out
    return out


async def test_speech_is_translated_into_french_speech_with_both_transcripts(sim):
    async with client_for(sim).aio.live.connect(model=TRANSLATE, config=interpreter("fr")) as session:
        await say(session, PHRASE)
        result = await asyncio.wait_for(read_utterance(session), 30)
    assert result.input_transcript == PHRASE
    assert result.output_transcript == "quel temps fait-il"
    assert not result.text, "translated speech, not text parts"
    assert result.audio_seconds > 0.8 and rms_dbfs(result.audio) > -35, "the translation is audible speech"
    assert result.order[0] == "inputTranscription" and result.order[-1] == "generationComplete"
    usage = result.usage
    assert usage.prompt_tokens_details[0].modality == types.MediaModality.AUDIO
    assert usage.response_tokens_details[0].modality == types.MediaModality.AUDIO
    assert usage.response_token_count > 0


async def test_the_target_language_decides_the_words_and_the_voice(make_sim):
    sim = await make_sim()
    results = {}
    for target in ("de", "es"):
        async with client_for(sim).aio.live.connect(model=TRANSLATE, config=interpreter(target)) as session:
            await say(session, PHRASE)
            results[target] = await asyncio.wait_for(read_utterance(session), 30)
    assert results["de"].output_transcript == "wie ist das Wetter"
    assert results["es"].output_transcript == "qué tiempo hace"
    assert results["de"].audio != results["es"].audio
    assert translate(PHRASE, "de-DE") == "wie ist das Wetter"


async def test_continuous_speech_is_translated_utterance_by_utterance(sim):
    async with client_for(sim).aio.live.connect(model=TRANSLATE, config=interpreter("it")) as session:
        await say(session, PHRASE)
        first = await asyncio.wait_for(read_utterance(session), 30)
        await say(session, SECOND)
        second = await asyncio.wait_for(read_utterance(session), 30)
    assert first.output_transcript == "che tempo fa"
    assert second.input_transcript == SECOND
    assert second.output_transcript == "come sta"


async def test_without_transcription_config_only_translated_audio_comes(sim):
    async with client_for(sim).aio.live.connect(model=TRANSLATE, config=interpreter("fr", transcripts=False)) as session:
        await say(session, PHRASE)
        result = await asyncio.wait_for(read_utterance(session), 30)
    assert result.audio and not result.input_transcript and not result.output_transcript


async def test_speech_already_in_the_target_language_is_echoed_only_when_asked(make_sim):
    sim = await make_sim()
    async with client_for(sim).aio.live.connect(model=TRANSLATE, config=interpreter("en-US", echo=True)) as session:
        await say(session, PHRASE)
        echoed = await asyncio.wait_for(read_utterance(session), 30)
    async with client_for(sim).aio.live.connect(model=TRANSLATE, config=interpreter("en", echo=False)) as session:
        await say(session, PHRASE)
        silent = await asyncio.wait_for(read_utterance(session), 30)
    assert echoed.output_transcript == PHRASE and echoed.audio_seconds > 0.8
    assert silent.input_transcript == PHRASE
    assert not silent.audio and not silent.output_transcript, "no audio for the target language when echo is off"


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ({"response_modalities": ["AUDIO"]}, "translation_config with a target_language_code is required"),
        (interpreter(""), "target_language_code is required"),
        (interpreter("xx"), 'Unsupported target_language_code "xx"'),
        (interpreter("klingon"), 'Unsupported target_language_code "klingon"'),
    ],
)
async def test_a_missing_or_unknown_target_is_refused(sim, config, reason):
    with pytest.raises(errors.APIError) as caught:
        async with client_for(sim).aio.live.connect(model=TRANSLATE, config=config):
            pass
    assert caught.value.code == 1007
    assert reason in str(caught.value)


async def test_text_input_to_the_interpreter_is_refused(sim):
    async with client_for(sim).aio.live.connect(model=TRANSLATE, config=interpreter("fr")) as session:
        await session.send_client_content(turns={"role": "user", "parts": [{"text": "hello"}]}, turn_complete=True)
        with pytest.raises(errors.APIError) as caught:
            async for _ in session.receive():
                pass
    assert caught.value.code == 1007
    assert "audio input only" in str(caught.value)


async def test_the_transcriber_streams_the_text_of_each_utterance(sim):
    config = {"response_modalities": ["TEXT"], "input_audio_transcription": {}}
    async with client_for(sim).aio.live.connect(model=TRANSCRIBE, config=config) as session:
        await say(session, PHRASE)
        first = await asyncio.wait_for(read_utterance(session), 30)
        await say(session, SECOND)
        second = await asyncio.wait_for(read_utterance(session), 30)
    assert first.text == PHRASE and first.input_transcript == PHRASE
    assert first.order.count("text") >= 2, "streamed in pieces, not one block"
    assert not first.audio and not first.output_transcript, "nothing spoken back"
    finished = [m.server_content.input_transcription.finished for m in first.messages
                if m.server_content and m.server_content.input_transcription]
    assert finished[-1] is True and not any(finished[:-1])
    assert first.usage.response_tokens_details[0].modality == types.MediaModality.TEXT
    assert second.text == SECOND


async def test_the_transcriber_without_input_transcription_still_answers_in_text(sim):
    async with client_for(sim).aio.live.connect(model=TRANSCRIBE, config={"response_modalities": ["TEXT"]}) as session:
        await say(session, PHRASE)
        result = await asyncio.wait_for(read_utterance(session), 30)
    assert result.text == PHRASE and not result.input_transcript
