"""Text and audio answers from the default model (it only speaks), heard or not on
the virtual speaker: real PortAudio, the real SDK, an in-process simulator, keys in.

With text answers the service still sends the spoken answer; nothing of it may reach
the speaker. With audio answers it is heard. ctrl+t switches on the same connection,
and switching to text in the middle of a spoken answer silences the speaker at once.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from livetui.core.settings import Settings
from livetui.ui.app import LiveTuiApp

from ..ui.conftest import frames
from ..ui.helpers import type_and_send, until
from .test_voice_app import (
    BRIEF,
    PHRASE,
    SIZE,
    SPEAKER_RATE,
    answers,
    answers_to,
    finished,
    heard_by_sim,
    pane_texts,
    recording_covers,
    say_into_mic,
    served,
    simulator,
    sounding,
    sounds_like,
    spoken_turns,
    start,
    status,
)

if TYPE_CHECKING:
    from livetui.testing.pulse import Pulse

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("pulse")]


async def test_text_answers_are_silent_and_audio_answers_are_heard(pulse: Pulse) -> None:
    async with simulator() as backend:  # bursts: a whole answer arrives long before it could play
        app = LiveTuiApp(Settings(modality="TEXT"), backend)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            assert status(app).modality == "TEXT · from transcript"
            assert status(app).mic.startswith("mic muted")  # text answers: the mic waits for F4
            voice = app.session.voice
            assert voice is not None

            with pulse.speaker_recorder() as recorder:
                await type_and_send(pilot, "What is the capital of France?")
                await until(pilot, lambda: finished(app, 1), timeout=30, what="the text answer")
                sent = served(backend, "modelTurn")
                assert sent, "the service sent no audio: the test would prove nothing"
                # Long enough after the last chunk for the whole answer to have played, had it been.
                spoken = sum(p["inlineData"]["data"] for r in sent for p in r["msg"]["serverContent"]["modelTurn"]["parts"]) / 2 / SPEAKER_RATE
                await recording_covers(recorder, sent[-1]["t"] + spoken + 0.3)
                silent = recorder.samples()
            paris = answers(app)[0].turn
            assert paris.modality == "TEXT" and "Paris" in paris.text and paris.audio_seconds == 0
            assert not voice.buffer.playing and pane_texts(app, "said") == []
            assert len(sounding(silent)) == 0, "text answers were played on the speaker"

            await pilot.press("ctrl+t")
            assert status(app).modality == "AUDIO" and status(app).state == "connected"
            assert status(app).mic.startswith("mic live")  # audio answers: the mic follows the choice
            with pulse.speaker_recorder() as recorder:
                await type_and_send(pilot, "What is the capital of Italy?")
                await until(pilot, lambda: finished(app, 2), timeout=30, what="the audio answer")
                await until(pilot, lambda: not voice.buffer.playing, timeout=30, what="the answer to play out")
                await recording_covers(recorder, time.monotonic() + 0.3)
                heard = recorder.samples()
            rome = answers(app)[1].turn
            assert rome.modality == "AUDIO" and "Rome" in rome.text and rome.audio_seconds > 0.5
            assert pane_texts(app, "said") == [rome.text.strip()]
    loud = sounding(heard)
    assert len(loud), "audio answers were not heard"
    span = (int(loud[-1]) - int(loud[0])) / SPEAKER_RATE
    print(f"\n[answers] text answer: {spoken:.2f} s of audio sent, none heard; audio answer: {rome.audio_seconds:.2f} s sent, {span:.2f} s heard")
    assert 0.6 * rome.audio_seconds < span <= rome.audio_seconds + 0.1
    assert len(frames(backend, "in", "setup")) == 1  # all on one connection


async def test_switching_to_text_mid_answer_silences_the_speaker_at_once(pulse: Pulse) -> None:
    """A story is playing (seconds of it queued, as the service sends faster than real
    time) when ctrl+t asks for text answers: the speaker falls silent within 150 ms,
    and the story goes on in the chat as text."""
    async with simulator(speed=2.0) as backend:
        app = LiveTuiApp(Settings(modality="AUDIO"), backend)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            voice = app.session.voice
            assert voice is not None
            with pulse.speaker_recorder() as recorder:
                await type_and_send(pilot, "Tell me a story")
                await until(pilot, lambda: len(sounding(recorder.samples())) > 0, timeout=30, what="the story playing")
                story_start = int(sounding(recorder.samples())[0])
                await until(pilot, lambda: recorder.n_samples > story_start + SPEAKER_RATE, timeout=30, what="a second of the story")
                switched_at = time.monotonic()
                await pilot.press("ctrl+t")
                story = app.conversation.model_turn
                assert story is not None and status(app).modality == "TEXT · from transcript"
                text_at_switch = len(story.text)
                await until(pilot, lambda: len(story.text) > text_at_switch + 20, timeout=30, what="the story to go on as text")
                await recording_covers(recorder, switched_at + 1.0)
                x = recorder.samples()
            assert not story.interrupted  # not cut: the same answer, shown differently
            assert answers(app)[0].turn is story
    loud = sounding(x)
    last = int(loud[-1])
    stop_ms = 1000 * (recorder.time_of(last) - switched_at)
    played = (last - story_start) / SPEAKER_RATE
    print(f"\n[switch mid-answer] story heard for {played:.2f} s; last sample {stop_ms:.1f} ms after ctrl+t")
    assert story.audio_seconds > played + 0.5, "little was queued: the test would not notice a missing flush"
    assert stop_ms <= 150


async def test_a_spoken_question_gets_a_text_answer_and_silence(pulse: Pulse) -> None:
    """Text answers, the mic unmuted with F4: the spoken question is transcribed as
    the user's turn and answered in the chat as text, with nothing on the speaker."""
    async with simulator(speed=1.0) as backend:
        app = LiveTuiApp(Settings(modality="TEXT", system_instruction=BRIEF), backend)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            assert status(app).mic.startswith("mic muted")
            await pilot.press("f4")
            assert status(app).mic.startswith("mic live")
            with pulse.speaker_recorder() as recorder:
                speaker = say_into_mic(pulse)
                await until(pilot, lambda: finished(app, 1), timeout=60, what="the answer to the spoken question")
                sent = served(backend, "modelTurn")
                spoken = sum(p["inlineData"]["data"] for r in sent for p in r["msg"]["serverContent"]["modelTurn"]["parts"]) / 2 / SPEAKER_RATE
                await recording_covers(recorder, sent[-1]["t"] + 0.3)  # paced: the last chunk came as it would play
                x = recorder.samples()
            assert speaker.wait(timeout=10) == 0
            [heard] = heard_by_sim(backend)
            assert sounds_like(heard, PHRASE)
            [said] = spoken_turns(app)
            assert said.turn.text == heard
            answer = answers(app)[0].turn
            assert answer.modality == "TEXT" and answers_to(answer.text, heard) and answer.audio_seconds == 0
            assert pane_texts(app, "said") == []
    assert spoken > 0.5, "the service sent no spoken answer: the test would prove nothing"
    assert len(sounding(x)) == 0, "a text answer was played on the speaker"
