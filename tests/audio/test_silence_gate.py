"""The silence gate with the whole console: real PortAudio on the virtual PulseAudio
devices of conftest.py, the real SDK, an in-process simulator.

What the mic hears is recorded beside the console from micfeed's monitor (the same
source the console captures), and what the simulator received is read back from its
frame log (each audio chunk's size and loudest sample), so the two can be compared:
silence before speech, the speech whole from before its onset, a second of silence
after it, audioStreamEnd, then nothing.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import numpy as np
import pytest

from livetui.core.settings import Settings
from livetui.ui.app import LiveTuiApp

from ..ui.conftest import SimBackend
from ..ui.helpers import until
from .test_voice_app import (
    BRIEF,
    NON_SILENT,
    PHRASE,
    SIZE,
    finished,
    heard_by_sim,
    position,
    realtime,
    say_into_mic,
    simulator,
    sounding,
    sounds_like,
    start,
    status,
)

if TYPE_CHECKING:
    from livetui.testing.pulse import Pulse, Recorder

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("pulse")]

MIC_RATE = 16_000
CHUNK_S = 0.02


def sent_peaks(backend: SimBackend) -> np.ndarray:
    """The loudest sample of each audio chunk the simulator received, in order (its
    frame log keeps that and the size, not the audio)."""
    audio = [r["msg"]["realtime_input"]["audio"] for r in realtime(backend, "audio")]
    assert {a["data"] for a in audio} == {round(CHUNK_S * MIC_RATE) * 2}
    return np.array([a["peak"] for a in audio])


async def more_mic(recorder: Recorder, seconds: float) -> None:
    """Wait (off the app's loop) until the mic has heard `seconds` more: the time passes
    as audio, which is what the console's capture is fed with too."""
    await asyncio.to_thread(recorder.wait_samples, recorder.n_samples + round(seconds * MIC_RATE), seconds + 20)


async def test_speech_is_sent_whole_with_its_onset_and_silence_is_not_sent(pulse: Pulse) -> None:
    async with simulator() as backend:
        app = LiveTuiApp(Settings(modality="AUDIO", system_instruction=BRIEF), backend)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            voice = app.session.voice
            assert voice is not None and voice.gate is not None
            assert status(app).mic.startswith("mic live")
            with pulse.speaker_recorder("micfeed.monitor", MIC_RATE) as mic:
                # Two seconds of the live mic hearing silence: none of it is sent.
                await more_mic(mic, 2.0)
                assert voice.mic_meter.level() is not None  # the console's capture was fed all along
                assert realtime(backend, "audio") == []

                speaker = say_into_mic(pulse)
                await until(pilot, lambda: len(realtime(backend, "audioStreamEnd")) == 1, timeout=30,
                            what="audioStreamEnd after the speech")
                assert speaker.wait(timeout=10) == 0
                await until(pilot, lambda: finished(app, 1), timeout=30, what="the answer")
                sent_at_end = len(realtime(backend, "audio"))
                # Two more seconds of silence: still nothing sent.
                await more_mic(mic, 2.0)
                heard_by_mic = mic.samples()
            assert len(realtime(backend, "audio")) == sent_at_end
            assert len(realtime(backend, "audioStreamEnd")) == 1
            [end] = realtime(backend, "audioStreamEnd")
            assert all(position(backend, r) < position(backend, end) for r in realtime(backend, "audio"))
            [heard] = heard_by_sim(backend)
            assert sounds_like(heard, PHRASE)

    peaks = sent_peaks(backend)
    loud = np.flatnonzero(peaks > NON_SILENT)
    assert len(loud), "no speech was sent"
    before_s, after_s = loud[0] * CHUNK_S, (len(peaks) - 1 - loud[-1]) * CHUNK_S
    speech_s = (loud[-1] - loud[0] + 1) * CHUNK_S
    mic_loud = sounding(heard_by_mic)
    mic_speech_s = (mic_loud[-1] - mic_loud[0]) / MIC_RATE
    print(f"\n[silence gate] sent {len(peaks) * CHUNK_S:.2f} s: {before_s * 1000:.0f} ms before the speech, "
          f"{speech_s:.2f} s of speech (the mic heard {mic_speech_s:.2f} s), {after_s:.2f} s after it, then audioStreamEnd")
    # The stream began in the silence before the first word, not on its sound: no onset
    # was cut, and the pre-roll had room to spare for onsets softer than espeak-ng's.
    assert before_s >= 0.1
    # The whole utterance as the mic heard it (no chunk of it missing), then a second of silence.
    assert abs(speech_s - mic_speech_s) <= 2 * CHUNK_S
    assert after_s >= 1.0 - CHUNK_S
    # Nothing more: the pre-roll, the speech and the hang.
    assert len(peaks) * CHUNK_S <= 0.3 + mic_speech_s + 1.0 + 3 * CHUNK_S
