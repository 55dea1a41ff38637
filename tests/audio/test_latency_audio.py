"""Latency with a real speaker: the answer's "first audio heard" is the engine's stamp
of its first sample leaving the device (core/audio/ring.py), on the private PulseAudio
of conftest.py. No assert on how fast (the machine is shared): only that the moments
are there and in the order the world allows."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
import pytest

from livetui.core.settings import Settings
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.latency import LatencyPane

from ..ui.helpers import type_and_send, until
from .test_voice_app import (
    BRIEF,
    SIZE,
    answers,
    finished,
    realtime,
    recording_covers,
    say_into_mic,
    served,
    simulator,
    sounding,
    start,
)

if TYPE_CHECKING:
    from livetui.testing.pulse import Pulse

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("pulse")]


async def test_a_spoken_answer_is_timed_to_when_its_first_sample_was_heard(pulse: Pulse) -> None:
    async with simulator(speed=1.0) as backend:
        app = LiveTuiApp(Settings(modality="AUDIO", system_instruction=BRIEF), backend)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            session = app.session
            pressed: list[float] = []
            typed_pressed = session.typed_pressed

            def pressing(at: float | None = None) -> None:  # the Enter moment, to line the clocks up
                pressed.append(time.monotonic())
                typed_pressed(pressed[-1])

            session.typed_pressed = pressing  # type: ignore[method-assign]
            with pulse.speaker_recorder() as recorder:
                await type_and_send(pilot, "What is the capital of France?")
                await until(pilot, lambda: finished(app, 1), timeout=30, what="the spoken answer")
                turn = answers(app)[0].turn
                await until(pilot, lambda: turn.latency is not None and turn.latency.to_audio_s is not None,
                            timeout=10, what="the first audio heard")
                assert turn.latency is not None and turn.latency.to_audio_s is not None
                heard = pressed[0] + turn.latency.to_audio_s
                await recording_covers(recorder, heard + 0.3)
                loud = sounding(recorder.samples())
                monitor = recorder.time_of(int(loud[0])) if len(loud) else float("nan")
            first_sent = served(backend, "modelTurn")[0]["t"]
            lat = turn.latency
            assert lat.origin == "typed" and lat.to_text_s is not None
            assert pressed[0] <= first_sent <= heard  # nothing is heard before the service sent it
            assert f"· {lat.label} ·" in str(answers(app)[0].border_title)
            assert lat.label == lat.__class__(lat.origin, to_audio_s=lat.to_audio_s).label  # the header shows the heard one
            pane = app.query_one(LatencyPane).summary
            assert pane.audio.count == 1 and pane.text.count == 1
    assert not np.isnan(monitor), "nothing came out of the speaker"
    print(f"\n[latency] Enter → first text {1000 * lat.to_text_s:.0f} ms, → heard {1000 * lat.to_audio_s:.0f} ms; "
          f"the stamp is {1000 * (monitor - heard):+.0f} ms from the first sound on the speaker's monitor")


async def test_a_spoken_question_is_timed_from_the_end_of_speech(pulse: Pulse) -> None:
    async with simulator(speed=1.0) as backend:
        app = LiveTuiApp(Settings(modality="AUDIO", system_instruction=BRIEF), backend)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            voice = app.session.voice
            assert voice is not None
            speaker = say_into_mic(pulse)
            await until(pilot, lambda: finished(app, 1), timeout=60, what="the spoken answer")
            turn = answers(app)[0].turn
            await until(pilot, lambda: turn.latency is not None and turn.latency.to_audio_s is not None,
                        timeout=10, what="the first audio heard")
            assert speaker.wait(timeout=10) == 0
            lat = turn.latency
            assert lat is not None and lat.origin == "spoken"
            assert lat.to_text_s is not None and lat.to_audio_s is not None
            speech_end = voice.speech_at
            assert speech_end is not None
            last_sent = max(r["t"] for r in realtime(backend, "audio"))
            first_answer = served(backend, "modelTurn")[0]["t"]
            # The last speech the mic carried was sent, and the answer came after it.
            assert speech_end <= last_sent and speech_end <= first_answer <= speech_end + lat.to_audio_s
            assert app.query_one(LatencyPane).summary.audio.count == 1
            ends = [r["t"] for r in realtime(backend, "audioStreamEnd")]
    where = f"; the gate's audioStreamEnd {1000 * (ends[0] - speech_end):.0f} ms after it" if ends else ""
    print(f"\n[latency] end of speech → first text {1000 * lat.to_text_s:.0f} ms, → heard {1000 * lat.to_audio_s:.0f} ms, "
          f"→ the first answer frame sent {1000 * (first_answer - speech_end):.0f} ms{where}")
