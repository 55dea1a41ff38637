"""goAway hand-offs with the voice on: real PortAudio on the virtual PulseAudio
devices of conftest.py, the real SDK, an in-process simulator.

- Speech that straddles a hand-off reaches the new connection whole: the mic keeps
  capturing, and what earlier connections took but never answered is sent again.
- Answer audio already queued for the speaker keeps playing while the app moves.

The simulator's frame log and Recorder.time_of share time.monotonic(), so the
moves, the mic's speech and the speaker's sound can be lined up.
"""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from textual.pilot import Pilot

from livetui.core.audio.wavio import read_wav_16k_mono
from livetui.core.settings import Settings
from livetui.sim import SimOptions, Simulator, recognize
from livetui.ui.app import LiveTuiApp

from ..ui.conftest import SimBackend, frames
from ..ui.helpers import type_and_send, until
from .test_voice_app import (
    BRIEF,
    PHRASE,
    SIZE,
    SPEAKER_RATE,
    SPEECH_DBFS,
    answers,
    finished,
    recording_covers,
    say_into_mic,
    sounding,
    spoken_turns,
    start,
    system_lines,
    wav_samples,
)

if TYPE_CHECKING:
    from livetui.testing.pulse import Pulse

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("pulse")]


def setups(backend: SimBackend) -> list[dict[str, Any]]:
    return frames(backend, "in", "setup")


def setup_complete(backend: SimBackend, conn: int) -> float:
    return next(r["t"] for r in frames(backend, "out", "setupComplete") if r["conn"] == conn)


def transcripts(backend: SimBackend) -> list[tuple[int, str]]:
    """(connection, text) of every input transcription the simulator sent."""
    return [
        (r["conn"], r["msg"]["serverContent"]["inputTranscription"]["text"])
        for r in frames(backend, "out", "serverContent") if "inputTranscription" in r["msg"]["serverContent"]
    ]


def answered_on(backend: SimBackend) -> list[int]:
    """The connections that completed an answer (one the app left is stopped instead)."""
    return [r["conn"] for r in frames(backend, "out", "serverContent") if "generationComplete" in r["msg"]["serverContent"]]


def gaps(backend: SimBackend) -> list[float]:
    """For each move: the old connection's last frame before the new one's setup →
    setupComplete on the new one. (Frames the simulator logs on a connection after
    the app left it are not part of the move; nor is a connection still being set up
    when the app quit.)"""
    records = backend.sim.frames.records
    out = []
    set_up = {r["conn"] for r in frames(backend, "out", "setupComplete")}
    for new in sorted(set_up - {1}):
        setup = next(r["t"] for r in records if r["conn"] == new)
        last_old = max(r["t"] for r in records if r["conn"] == new - 1 and r["t"] <= setup)
        out.append(setup_complete(backend, new) - last_old)
    return out


class MicSpeech:
    """Polled from `until`: when the app's mic meter heard speech (monotonic times)."""

    def __init__(self, app: LiveTuiApp) -> None:
        self.app = app
        self.loud: list[float] = []

    def poll(self) -> None:
        assert self.app.session.voice is not None
        level = self.app.session.voice.mic_meter.level()
        if level is not None and level > SPEECH_DBFS:
            self.loud.append(time.monotonic())


async def ready_with_handle(pilot: Pilot, app: LiveTuiApp, backend: SimBackend) -> None:
    """A first typed question, answered, so the app holds a resumption handle."""
    await type_and_send(pilot, "What is the capital of France?")
    await until(pilot, lambda: finished(app, 1) and app.session.handle is not None, timeout=30, what="the first answer")


async def test_speech_across_a_hand_off_reaches_the_new_connection_whole(pulse: Pulse, monkeypatch: pytest.MonkeyPatch) -> None:
    """A goAway every second (8 s to move): a sentence begun on one connection and
    finished on the next reaches the connection that answers it whole (the app sends
    what the mic sent since the last answer began again), is shown once, answered once."""
    async with Simulator(SimOptions(speed=1.0, goaway_after=1.0, goaway_time_left=8.0), keep_frames=True) as sim:
        backend = SimBackend(sim)
        app = LiveTuiApp(Settings(modality="AUDIO", system_instruction=BRIEF), backend)
        # Now, not while the app moves: espeak-ng renders the speech in the loop's thread,
        # and the simulator's recognition worker takes a second or two to start.
        wav = pulse.say(PHRASE)
        await recognize.transcribe_beside(read_wav_16k_mono(wav))
        utterances: list[tuple[float, str]] = []  # (seconds, words) of what the simulator recognised
        real_transcribe = recognize.transcribe_beside

        async def transcribe(pcm: bytes) -> str:
            words = await real_transcribe(pcm)
            utterances.append((len(pcm) / 2 / 16_000, words))
            return words

        monkeypatch.setattr(recognize, "transcribe_beside", transcribe)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            await ready_with_handle(pilot, app, backend)
            # Say it 0.4 s before the next connection's goAway: the sentence (about
            # 1.3 s) is in the air while the app moves.
            # (setupComplete, not setup: the newest connection may not be set up yet.)
            await until(pilot, lambda: len(frames(backend, "out", "setupComplete")) >= 2, timeout=20, what="the first move")
            newest = max(r["conn"] for r in frames(backend, "out", "setupComplete"))
            due = setup_complete(backend, newest) + 1.0 - 0.4
            await until(pilot, lambda: time.monotonic() >= due, timeout=5, what="the moment to speak")
            mic = MicSpeech(app)
            speaker = say_into_mic(pulse)

            def spoken_and_answered() -> bool:
                mic.poll()
                return speaker.poll() is not None and finished(app, 2)

            await until(pilot, spoken_and_answered, timeout=60, what="the spoken question answered")
            assert speaker.returncode == 0
            said = [u.turn.text for u in spoken_turns(app)]
            answer = answers(app)[1].turn
            assert system_lines(app) and not [line for line in system_lines(app) if "ended" in line]

    assert mic.loud, "the mic never heard the speech"
    speech = (mic.loud[0], mic.loud[-1])
    moves = [(r["conn"], r["t"]) for r in setups(backend)[1:]]
    during = [conn for conn, t in moves if speech[0] < t < speech[1]]
    heard = transcripts(backend)
    first, answering = answered_on(backend)  # the typed question's, then the spoken one's
    moved = gaps(backend)
    print(f"\n[speech across a hand-off] speech {speech[1] - speech[0]:.2f} s; moves during it to connection(s) "
          f"{during}; recognised {heard}; answered on connection {answering}; {len(moved)} hand-offs, gap "
          f"(old connection's last frame → setupComplete on the new) median {1000 * statistics.median(moved):.0f} ms, "
          f"max {1000 * max(moved):.0f} ms")
    assert during, "no hand-off happened while the sentence was said"
    before_move = next(t for conn, t in moves if conn == during[0]) - speech[0]
    assert before_move > 0.15, "too little of the sentence went to the old connection to tell"
    speech_began_on = max(conn for conn, t in [(1, 0.0), *moves] if t <= speech[0])
    assert first == 1 and answering > speech_began_on
    # Whole: every utterance the simulator recognised is as long as the sentence said
    # (a connection that heard only its end would have a short one, missing "what ...").
    rate, samples = wav_samples(wav)
    loud = sounding(samples)
    said_seconds = (int(loud[-1]) - int(loud[0])) / rate
    print(f"  {1000 * before_move:.0f} ms of the sentence said before the move; utterances recognised "
          f"{[(round(s, 2), w) for s, w in utterances]} for {said_seconds:.2f} s of speech")
    assert utterances and all(seconds >= said_seconds for seconds, _ in utterances)
    # pocketsphinx hears espeak's sentence intact nearly always; whatever it heard, the
    # connection that answered heard it all, and the app shows it once and answers it once.
    assert heard and all(text == heard[0][1] for _, text in heard) and (answering, heard[0][1]) in heard
    assert heard[0][1].split()[:2] == PHRASE.split()[:2]
    assert said == [heard[0][1]]
    assert answer.text and not answer.interrupted
    assert max(moved) < 1.0


async def test_queued_answer_audio_keeps_playing_across_the_move(pulse: Pulse) -> None:
    """Speed 2: like the real service, answer audio arrives faster than it plays, so
    when the answer is complete and the app moves (goAway came mid-answer), about a
    second of it is still queued. It plays on, through the move, to its end."""
    async with Simulator(SimOptions(speed=2.0, goaway_after=0.5, goaway_time_left=10.0), keep_frames=True) as sim:
        backend = SimBackend(sim)
        app = LiveTuiApp(Settings(modality="AUDIO", system_instruction=BRIEF), backend)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            assert app.session.voice is not None
            with pulse.speaker_recorder() as recorder:
                await ready_with_handle(pilot, app, backend)
                await until(pilot, lambda: len(frames(backend, "out", "setupComplete")) >= 2, timeout=20, what="the move")
                await until(pilot, lambda: not app.session.voice.buffer.playing, timeout=30, what="the answer to play out")
                await recording_covers(recorder, time.monotonic() + 0.3)
                x = recorder.samples()
                move = setup_complete(backend, 2)
                [goaway] = [r for r in frames(backend, "out", "goAway") if r["conn"] == 1]
                chunks = [r for r in frames(backend, "out", "serverContent")
                          if r["conn"] == 1 and "modelTurn" in r["msg"]["serverContent"]]
            answer = answers(app)[0].turn
            assert not answer.interrupted and "Paris" in answer.text

    assert goaway["t"] < chunks[-1]["t"] < move, "the move did not wait for the answer's end"
    loud = sounding(x)
    assert len(loud), "nothing came out of the speaker"
    times = np.array([recorder.time_of(int(i)) for i in loud])
    first, last = times[0], times[-1]
    after = times[times > move]
    span = last - first
    silences = np.diff(times)
    print(f"\n[playback across the move] {answer.audio_seconds:.2f} s of answer; moved "
          f"{move - chunks[-1]['t']:.3f} s after its last chunk, {move - first:.2f} s into playback; "
          f"{last - move:.2f} s of it played after the move; heard {span:.2f} s in all; longest silence "
          f"{1000 * silences.max():.0f} ms")
    assert first < move < last and last - move > 0.3, "the queued audio did not play on after the move"
    # Non-silent across the move: sound within 150 ms either side of it.
    assert ((times > move - 0.15) & (times < move)).any() and ((times > move) & (times < move + 0.15)).any()
    # All of it, at its pace: nothing dropped by the move, no stall.
    assert 0.6 * answer.audio_seconds < span <= answer.audio_seconds + 0.1
    assert silences.max() < 0.3
    assert len(after) / SPEAKER_RATE > 0.2
