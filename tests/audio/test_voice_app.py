"""The whole console with its voice: real PortAudio on the virtual PulseAudio
devices of conftest.py, the real SDK, an in-process simulator, keys in.

Speech is espeak-ng played into micfeed (the default mic's source); what the
console plays is recorded from spk.monitor. The simulator's frame log stamps each
frame with time.monotonic(), the clock Recorder.time_of uses, so what was sent
and what was heard can be lined up.
"""

from __future__ import annotations

import asyncio
import difflib
import math
import os
import subprocess
import time
import wave
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from livetui.core.audio.discovery import audio_available
from livetui.core.events import AnswerHeard
from livetui.core.settings import AudioSettings, Settings, VadSettings
from livetui.sim import SimOptions, Simulator
from livetui.ui.app import LiveTuiApp
from livetui.ui.widgets.chat import ModelMessage, SystemLine, UserMessage
from livetui.ui.widgets.meters import LevelMeter
from livetui.ui.widgets.status import Status, StatusBar
from livetui.ui.widgets.transcripts import TranscriptPane

from ..ui.conftest import SimBackend, frames
from ..ui.helpers import type_and_send, until

if TYPE_CHECKING:
    from livetui.testing.pulse import Pulse, Recorder

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("pulse")]

PHRASE = "what is the weather"  # pocketsphinx hears espeak-ng's rendering of it intact
BRIEF = "Be brief."  # the simulator's terse answers: short audio, short tests
SIZE = (100, 30)
SPEAKER_RATE = 24_000
NON_SILENT = 200  # |sample| above this is sound; the null sink's silence is exactly 0
SPEECH_DBFS = -35.0  # a mic level this high is speech (the virtual mic's silence is far below)


# -- the app and the simulator -----------------------------------------------------


@asynccontextmanager
async def simulator(speed: float = math.inf) -> AsyncIterator[SimBackend]:
    """A simulator of the test's own (speed 1.0: audio paced in real time)."""
    async with Simulator(SimOptions(speed=speed), keep_frames=True) as sim:
        yield SimBackend(sim)


def status(app: LiveTuiApp) -> Status:
    return app.query_one(StatusBar).status


def ready(app: LiveTuiApp) -> bool:
    """Connected, and the devices are open with the mic default applied."""
    voice = app.session.voice
    return voice is not None and voice.available and status(app).state == "connected" and status(app).mic != ""


async def start(pilot: Pilot) -> LiveTuiApp:
    app = pilot.app
    assert isinstance(app, LiveTuiApp)
    await until(pilot, lambda: ready(app), timeout=30, what="session connected and audio devices open")
    return app


def answers(app: LiveTuiApp) -> list[ModelMessage]:
    return list(app.query(ModelMessage))


def finished(app: LiveTuiApp, n: int) -> bool:
    return len([m for m in answers(app) if not m.turn.open]) >= n


def spoken_turns(app: LiveTuiApp) -> list[UserMessage]:
    return [u for u in app.query(UserMessage) if u.turn.modality == "AUDIO"]


def system_lines(app: LiveTuiApp) -> list[str]:
    return [line.turn.text for line in app.query(SystemLine)]


def pane_lines(app: LiveTuiApp, pane_id: str) -> list[Static]:
    pane = app.query_one(f"#{pane_id}", TranscriptPane)
    return [s for s in pane.query(Static) if not s.has_class("placeholder")]


def pane_texts(app: LiveTuiApp, pane_id: str) -> list[str]:
    return [str(line.content).removeprefix("› ") for line in pane_lines(app, pane_id)]


def meter_text(app: LiveTuiApp, meter_id: str) -> str:
    return app.query_one(f"#{meter_id}", LevelMeter).render().plain


# -- the simulator's frame log -----------------------------------------------------


def realtime(backend: SimBackend, key: str) -> list[dict[str, Any]]:
    """The client's realtime_input frames that carry `key` (audio, audioStreamEnd, ...)."""
    return [r for r in frames(backend, "in", "realtime_input") if key in r["msg"]["realtime_input"]]


def served(backend: SimBackend, key: str) -> list[dict[str, Any]]:
    """The simulator's serverContent frames that carry `key` (interrupted, modelTurn, ...)."""
    return [r for r in frames(backend, "out", "serverContent") if key in r["msg"]["serverContent"]]


def position(backend: SimBackend, record: dict[str, Any]) -> int:
    return next(i for i, r in enumerate(backend.sim.frames.records) if r is record)


def heard_by_sim(backend: SimBackend) -> list[str]:
    return [r["msg"]["serverContent"]["inputTranscription"]["text"] for r in served(backend, "inputTranscription")]


def sounds_like(heard: str, phrase: str) -> bool:
    """The simulator's recogniser (pocketsphinx on espeak-ng) hears live mic audio a
    little differently from run to run ("what is that where the"): most of it must
    survive. Silence, a cut start or someone else's audio would not."""
    return heard.startswith("what is") and difflib.SequenceMatcher(None, heard, phrase).ratio() >= 0.7


def answers_to(answer: str, heard: str) -> bool:
    """The weather answer, or (misheard) the simulator's echo of what it heard."""
    return ("weather" in answer.lower() and "sunny" in answer.lower()) or heard in answer


# -- sound -------------------------------------------------------------------------


def sounding(x: np.ndarray) -> np.ndarray:
    """Indices of the samples that are not silence."""
    return np.flatnonzero(np.abs(x.astype(np.int32)) > NON_SILENT)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def wav_samples(path: Path) -> tuple[int, np.ndarray]:
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2), path
        return w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def say_into_mic(pulse: Pulse, text: str = PHRASE) -> subprocess.Popen[bytes]:
    return pulse.play_into_mic(pulse.say(text))


class MicWatch:
    """Polled from `until`: the loudest the app's mic meter read, and whether
    paplay has finished saying its file."""

    def __init__(self, app: LiveTuiApp, speaker: subprocess.Popen[bytes]) -> None:
        self.app, self.speaker, self.loudest = app, speaker, -math.inf

    def __call__(self) -> bool:
        assert self.app.session.voice is not None
        level = self.app.session.voice.mic_meter.level()  # fed by every captured block, muted or not
        if level is not None:
            self.loudest = max(self.loudest, level)
        return self.speaker.poll() is not None and self.loudest > SPEECH_DBFS


async def recording_covers(recorder: Recorder, t: float) -> None:
    """Wait (off the app's loop) until the speaker recording reaches monotonic time t."""
    await asyncio.to_thread(recorder.wait_until, t, 30.0)


# -- the tests ---------------------------------------------------------------------


async def test_a_spoken_question_is_transcribed_answered_and_heard(pulse: Pulse) -> None:
    """Speak into the mic of an AUDIO session: the transcript and a spoken turn
    show the words, the model answers with audio, and the answer comes out of the
    speaker for about as long as the audio the model sent."""
    async with simulator(speed=1.0) as backend:
        app = LiveTuiApp(Settings(modality="AUDIO", system_instruction=BRIEF), backend)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            assert status(app).mic.startswith("mic live")  # AUDIO sessions start with the mic on
            with pulse.speaker_recorder() as recorder:
                speaker = say_into_mic(pulse)
                await until(pilot, lambda: finished(app, 1), timeout=60, what="the spoken answer")
                assert app.session.voice is not None
                await until(pilot, lambda: not app.session.voice.buffer.playing, timeout=30, what="the answer to play out")
                await recording_covers(recorder, time.monotonic() + 0.3)
                x = recorder.samples()
                first_audio_sent = served(backend, "modelTurn")[0]["t"]
                first_heard = recorder.time_of(int(sounding(x)[0])) if len(sounding(x)) else math.nan
            assert speaker.wait(timeout=10) == 0

            [heard] = heard_by_sim(backend)
            assert sounds_like(heard, PHRASE)
            assert pane_texts(app, "heard") == [heard]  # the console shows what the service heard, exactly
            [said] = spoken_turns(app)
            assert said.turn.text == heard and not said.turn.open
            assert said.border_title.startswith("You said")
            [answer] = answers(app)
            turn = answer.turn
            assert turn.modality == "AUDIO" and not turn.interrupted
            assert answers_to(turn.text, heard)
            assert pane_texts(app, "said") == [turn.text.strip()]
            assert 1.0 < turn.audio_seconds < 10.0

    loud = sounding(x)
    assert len(loud), "nothing came out of the speaker"
    span = (int(loud[-1]) - int(loud[0])) / SPEAKER_RATE
    print(f"\n[spoken answer] {turn.audio_seconds:.2f} s of audio sent, {span:.2f} s heard on the speaker, "
          f"first sound {1000 * (first_heard - first_audio_sent):.0f} ms after the first chunk was sent")
    # espeak-ng pads its sentences with a little silence, which the span leaves out;
    # playback that stuttered or ran slow would make it longer than the audio.
    assert 0.6 * turn.audio_seconds < span <= turn.audio_seconds + 0.1
    assert first_heard >= first_audio_sent  # the clocks line up: nothing is heard before it was sent


async def test_barge_in_stops_the_story_at_once(pulse: Pulse) -> None:
    """Speak over a long answer: the simulator sends interrupted, the answer is
    marked interrupted, and the speaker goes quiet within 150 ms of that frame.

    Speed 2: like the real service, audio arrives faster than it plays, so a
    second or so is queued when the user cuts in. Only flushing the queue on
    `interrupted` stops the speaker in time."""
    async with simulator(speed=2.0) as backend:
        app = LiveTuiApp(Settings(modality="AUDIO"), backend)
        heard: list[AnswerHeard] = []  # the session's news of what the speaker played of a cut answer
        emit = app.emit
        app.emit = lambda news: (heard.append(news) if isinstance(news, AnswerHeard) else None, emit(news))[-1]  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            assert app.session.voice is not None
            with pulse.speaker_recorder() as recorder:
                await type_and_send(pilot, "Tell me a story")
                await until(pilot, lambda: len(sounding(recorder.samples())) > 0, timeout=30, what="the story playing")
                story_start = int(sounding(recorder.samples())[0])
                await until(pilot, lambda: recorder.n_samples > story_start + SPEAKER_RATE, timeout=30,
                            what="a second of the story")
                speaker = say_into_mic(pulse)
                await until(pilot, lambda: len(served(backend, "interrupted")) > 0, timeout=30, what="interrupted")
                t_interrupted = served(backend, "interrupted")[0]["t"]
                await until(pilot, lambda: answers(app) and answers(app)[0].turn.interrupted, timeout=10,
                            what="the answer marked interrupted")
                await recording_covers(recorder, t_interrupted + 0.5)
                x = recorder.samples()
            speaker.wait(timeout=10)

            story = answers(app)[0]
            assert story.turn.interrupted and story.has_class("interrupted")
            assert "interrupted" in str(story.border_title)
            # The transcript strikes out what the speaker never played.
            [said_line] = pane_lines(app, "said")[:1]
            assert any("strike" in str(span.style) for span in said_line.content.spans)
            heard_fraction = heard[-1].fraction
            received = story.turn.audio_seconds
            # Anything the next answer plays comes after its first chunk was sent.
            later = [r["t"] for r in served(backend, "modelTurn") if r["t"] > t_interrupted]
            window_end = min([t_interrupted + 0.5, *later])

    loud = sounding(x[: recorder.index_at(window_end)])
    assert len(loud), "the story was never heard"
    last = int(loud[-1])
    played = (last - story_start) / SPEAKER_RATE
    stop_ms = 1000 * (recorder.time_of(last) - t_interrupted)
    before = x[recorder.index_at(t_interrupted - 0.5) : recorder.index_at(t_interrupted)]
    print(f"\n[barge-in] story heard for {played:.2f} s of {received:.2f} s received "
          f"(heard fraction {heard_fraction:.2f}); last story sample {stop_ms:.1f} ms after `interrupted` was sent")
    assert len(sounding(before)), "the story was not playing when it was interrupted"
    assert received > played + 0.5, "little was queued: the test would not notice a missing flush"
    assert 0.0 < heard_fraction < 0.9
    assert stop_ms <= 150


async def test_mute_ends_the_stream_and_stops_sending_the_mic(pulse: Pulse) -> None:
    """F4 in an AUDIO session (automatic VAD): audioStreamEnd goes out, the status
    says the mic is muted, and nothing said is sent until F4 again (the engine stops
    the mic's stream while muted: it costs CPU and nobody hears it). Without the
    silence gate, so the silent mic streams and the mute alone stops it."""
    async with simulator() as backend:
        app = LiveTuiApp(Settings(modality="AUDIO", audio=AudioSettings(silence_gate=False)), backend)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            assert status(app).mic.startswith("mic live")
            await until(pilot, lambda: len(realtime(backend, "audio")) >= 10, timeout=10, what="the live mic streaming")
            assert realtime(backend, "audioStreamEnd") == []

            await pilot.press("f4")
            await until(pilot, lambda: len(realtime(backend, "audioStreamEnd")) == 1, timeout=10, what="audioStreamEnd")
            assert status(app).mic.startswith("mic muted")
            end = position(backend, realtime(backend, "audioStreamEnd")[0])
            sent_before = len(realtime(backend, "audio"))

            # Say something while muted: the session gets none of it.
            speaker = say_into_mic(pulse)
            await until(pilot, lambda: speaker.poll() is not None, timeout=30, what="the sentence said")
            assert app.session.voice is not None and app.session.voice.mic_level() is None
            await until(pilot, lambda: "muted" in meter_text(app, "mic"), timeout=5, what="the mic meter saying muted")
            assert len(realtime(backend, "audio")) == sent_before
            assert all(position(backend, r) < end for r in realtime(backend, "audio"))
            assert heard_by_sim(backend) == [] and answers(app) == []

            await pilot.press("f4")
            await until(pilot, lambda: len(realtime(backend, "audio")) >= sent_before + 10, timeout=10,
                        what="the mic streaming again")
            assert status(app).mic.startswith("mic live")
            assert len(realtime(backend, "audioStreamEnd")) == 1
    print(f"\n[mute] {sent_before} chunks before mute, none while muted")


async def test_meters_rest_while_nothing_can_move_them(pulse: Pulse) -> None:
    """Muted with nothing playing, the meters' timer rests (an idle console does no
    work 15 times a second). An answer's audio wakes it, so the speaker's meter shows
    the answer, it rests again once the answer has played out, and unmuting wakes it
    at once."""
    async with simulator(speed=1.0) as backend:
        app = LiveTuiApp(Settings(modality="AUDIO", system_instruction=BRIEF), backend)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            assert not app.levels_resting  # the live mic's meter moves
            await pilot.press("f4")
            await until(pilot, lambda: app.levels_resting, timeout=10, what="the meters resting")
            assert "muted" in meter_text(app, "mic")

            await type_and_send(pilot, "Tell me a story")
            await until(pilot, lambda: "▮" in meter_text(app, "spk"), timeout=30, what="the speaker's meter moving")
            assert not app.levels_resting
            await until(pilot, lambda: finished(app, 1), timeout=60, what="the answer")
            await until(pilot, lambda: app.levels_resting, timeout=30, what="the meters resting after the answer")

            await pilot.press("f4")
            assert not app.levels_resting
            watch = MicWatch(app, say_into_mic(pulse))
            await until(pilot, lambda: "▮" in meter_text(app, "mic"), timeout=30, what="the mic's meter moving")
            await until(pilot, watch, timeout=30, what="the speech said")


async def test_push_to_talk_marks_the_turn_with_f5(pulse: Pulse) -> None:
    """Manual VAD: automatic detection is off in the setup, the mic sends nothing
    until F5 (activityStart), shows TALKING while it sends, and the next F5 ends
    the turn (activityEnd), which the model answers."""
    async with simulator() as backend:
        settings = Settings(modality="AUDIO", system_instruction=BRIEF, vad=VadSettings(automatic=False))
        app = LiveTuiApp(settings, backend)
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            [setup] = frames(backend, "in", "setup")
            realtime_config = setup["msg"]["setup"]["realtimeInputConfig"]
            # The SDK passes this dict on as given (snake_case); protobuf JSON takes either spelling.
            detection = realtime_config.get("automaticActivityDetection",
                                            realtime_config.get("automatic_activity_detection"))
            assert detection == {"disabled": True}, setup
            assert status(app).vad == "push-to-talk" and status(app).mic.startswith("F5 to talk")

            await pilot.press("f5")
            await until(pilot, lambda: len(realtime(backend, "activityStart")) == 1, timeout=10, what="activityStart")
            assert status(app).mic.startswith("TALKING")
            speaker = say_into_mic(pulse)
            watch = MicWatch(app, speaker)
            await until(pilot, watch, timeout=30, what="the speech said into the mic")
            # The tail of the speech reaches the session: 300 ms more of audio after paplay ended.
            after_speech = len(realtime(backend, "audio")) + 15
            await until(pilot, lambda: len(realtime(backend, "audio")) >= after_speech, timeout=10, what="the tail")
            assert status(app).mic.startswith("TALKING")
            assert answers(app) == []  # nothing happens until the turn is closed

            await pilot.press("f5")
            await until(pilot, lambda: len(realtime(backend, "activityEnd")) == 1, timeout=10, what="activityEnd")
            assert status(app).mic.startswith("F5 to talk")
            await until(pilot, lambda: finished(app, 1), timeout=30, what="the answer")

            [heard] = heard_by_sim(backend)
            assert sounds_like(heard, PHRASE)
            assert pane_texts(app, "heard") == [heard]
            assert [u.turn.text for u in spoken_turns(app)] == [heard]
            assert answers_to(answers(app)[0].turn.text, heard)
            start_at = position(backend, realtime(backend, "activityStart")[0])
            end_at = position(backend, realtime(backend, "activityEnd")[0])
            audio_at = [position(backend, r) for r in realtime(backend, "audio")]
            assert audio_at and all(start_at < i < end_at for i in audio_at), "audio outside the marked turn"
            assert realtime(backend, "audioStreamEnd") == []


@pytest.fixture
def wav_files(pulse: Pulse, tmp_path: Path) -> tuple[Path, Path, Path]:
    """The question as espeak-ng's 22.05 kHz mono WAV and as 44.1 kHz stereo (sox),
    and a text file named x.wav."""
    mono = pulse.say(PHRASE)
    stereo = tmp_path / "stereo-44k.wav"
    subprocess.run(["sox", str(mono), "-r", "44100", "-c", "2", str(stereo)],
                   check=True, capture_output=True, timeout=30)
    with wave.open(str(mono)) as w:
        assert (w.getframerate(), w.getnchannels()) == (22_050, 1)
    with wave.open(str(stereo)) as w:
        assert (w.getframerate(), w.getnchannels()) == (44_100, 2)
    bad = tmp_path / "x.wav"
    bad.write_text("this is not a WAV file\n")
    return mono, stereo, bad


async def test_a_wav_file_is_sent_as_a_spoken_turn(wav_files: tuple[Path, Path, Path]) -> None:
    """`/wav PATH` streams a WAV (espeak's 22.05 kHz mono, and 44.1 kHz stereo) as
    16 kHz audio, ends the stream, and the model answers it. A file that is not a
    WAV gives one line saying so, and nothing else changes."""
    mono, stereo, bad = wav_files
    async with simulator() as backend:
        app = LiveTuiApp(Settings(modality="TEXT", system_instruction=BRIEF), backend)  # TEXT answers; the mic stays muted
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            assert status(app).mic.startswith("mic muted")
            for n, wav in enumerate((mono, stereo), start=1):
                sent_before = len(realtime(backend, "audio"))
                await type_and_send(pilot, f"/wav {wav}")
                sent_line = f"sent {wav.name} ({wav_seconds(wav):.1f} s of audio)"
                await until(pilot, lambda n=n: finished(app, n), timeout=30, what=f"the answer to {wav.name}")
                await until(pilot, lambda line=sent_line: line in system_lines(app), timeout=10, what=sent_line)
                chunks = realtime(backend, "audio")[sent_before:]
                ends = realtime(backend, "audioStreamEnd")
                assert len(ends) == n
                seconds = wav_seconds(wav)
                assert {c["msg"]["realtime_input"]["audio"]["mime_type"] for c in chunks} == {"audio/pcm;rate=16000"}
                assert abs(len(chunks) * 0.02 - seconds) <= 0.04, f"{len(chunks)} chunks for {seconds:.2f} s"
                assert all(position(backend, c) < position(backend, ends[-1]) for c in chunks)
            assert heard_by_sim(backend) == [PHRASE, PHRASE]
            assert [u.turn.text for u in spoken_turns(app)] == [PHRASE, PHRASE]
            assert all("weather" in a.turn.text.lower() for a in answers(app))

            records, turns = len(backend.sim.frames.records), len(app.conversation.turns)
            await type_and_send(pilot, f"/wav {bad}")
            await until(pilot, lambda: any(line.startswith("cannot send") for line in system_lines(app)), timeout=10,
                        what="the bad file refused")
            [refusal] = [line for line in system_lines(app) if line.startswith("cannot send")]
            assert refusal.startswith(f"cannot send {bad}:") and "not a WAV file" in refusal, refusal
            assert len(app.conversation.turns) == turns + 1  # that line, nothing more
            assert len(backend.sim.frames.records) == records  # nothing was sent
            assert status(app).state == "connected" and app.session.voice is not None and not app.session.voice.streaming_file

            fifo = bad.with_name("pipe.wav")
            os.mkfifo(fifo)  # a FIFO would wait for a writer, /dev/zero never ends: both refused unread
            for special, kind in ((fifo, "a FIFO (named pipe)"), (Path("/dev/zero"), "a character device")):
                await type_and_send(pilot, f"/wav {special}")
                line = f"cannot send {special}: {special}: is {kind}, not a WAV file"
                await until(pilot, lambda line=line: line in system_lines(app), timeout=10, what=line)
            assert len(backend.sim.frames.records) == records  # still nothing sent
            assert status(app).state == "connected" and not app.session.voice.streaming_file

            await type_and_send(pilot, "What is the capital of France?")
            await until(pilot, lambda: finished(app, 3), timeout=30, what="the typed question's answer")
            assert "Paris" in answers(app)[2].turn.text


async def test_record_dir_keeps_both_sides_as_wav(pulse: Pulse, tmp_path: Path) -> None:
    """With record_dir set, a spoken turn and its answer end up as two WAV files:
    the mic at 16 kHz, the model at 24 kHz."""
    record_dir = tmp_path / "recordings"
    async with simulator() as backend:
        settings = Settings(modality="AUDIO", system_instruction=BRIEF, audio=AudioSettings(record_dir=record_dir))
        app = LiveTuiApp(settings, backend)
        async with app.run_test(size=SIZE) as pilot:
            began = time.monotonic()
            await start(pilot)
            assert "rec" in status(app).mic
            speaker = say_into_mic(pulse)
            await until(pilot, lambda: finished(app, 1), timeout=30, what="the answer")
            assert speaker.wait(timeout=10) == 0
            model_seconds = answers(app)[0].turn.audio_seconds
            heard = heard_by_sim(backend)
            await pilot.press("ctrl+q")
        session_seconds = time.monotonic() - began

    you = sorted(record_dir.glob("*-you-16k.wav"))
    model = sorted(record_dir.glob("*-model-24k.wav"))
    assert len(you) == len(model) == 1 and len(list(record_dir.iterdir())) == 2, list(record_dir.iterdir())
    you_rate, you_x = wav_samples(you[0])
    model_rate, model_x = wav_samples(model[0])
    assert (you_rate, model_rate) == (16_000, 24_000)
    said = wav_seconds(pulse.say(PHRASE))
    you_seconds, you_loud = len(you_x) / you_rate, len(sounding(you_x)) / you_rate
    print(f"\n[recording] heard {heard!r}; you: {you_seconds:.2f} s ({you_loud:.2f} s of sound, said {said:.2f} s); "
          f"model: {len(model_x) / model_rate:.2f} s (sent {model_seconds:.2f} s)")
    # What was sent is what was recorded: with the silence gate, the speech with the 300 ms
    # before it and what followed until the quit (the gate closes a second after the speech).
    assert said < you_seconds < session_seconds
    assert 0.3 * said < you_loud < said
    assert abs(len(model_x) / model_rate - model_seconds) < 0.01
    assert len(sounding(model_x)) > 0.3 * len(model_x)


async def test_no_audio_device_leaves_text_working(pulse: Pulse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capfd: pytest.CaptureFixture[str]) -> None:
    """PortAudio finds no device: one line says so, the meters say "no device",
    typed questions still get answers, and fd 2 stays clean."""
    monkeypatch.setenv("PULSE_SERVER", f"unix:{pulse.workdir / 'no-such-server'}")
    # Real sound cards, if any, are hidden too: ALSA reads only this config, whose one
    # PCM is a card that does not exist. Not an empty file: PortAudio 19.6 aborts the
    # process (assert devIdx < numDeviceNames) when ALSA's config names no PCM at all.
    no_cards = tmp_path / "no-cards-alsa.conf"
    no_cards.write_text("pcm.!default {\n  type hw\n  card 99\n}\n")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(no_cards))
    async with simulator() as backend:
        app = LiveTuiApp(Settings(modality="AUDIO"), backend)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: status(app).state == "connected" and status(app).mic == "no audio",
                        timeout=30, what="connected, without audio")
            await until(pilot, lambda: "no device" in meter_text(app, "mic") and "no device" in meter_text(app, "spk"),
                        timeout=10, what="the meters saying no device")
            problems = [line for line in system_lines(app) if line.startswith("no audio:")]
            assert len(problems) == 1 and "no audio devices found" in problems[0], system_lines(app)
            assert "\n" not in problems[0]
            await pilot.press("f4")  # a voice key says why it cannot work, and nothing breaks
            await type_and_send(pilot, "What is the capital of France?")
            await until(pilot, lambda: finished(app, 1), timeout=30, what="the typed question's answer")
            assert "Paris" in answers(app)[0].turn.text and answers(app)[0].turn.audio_seconds > 0
            assert len([line for line in system_lines(app) if line.startswith("no audio:")]) == 1
    assert capfd.readouterr().err == ""
    monkeypatch.undo()
    ok, why = audio_available()
    assert ok, f"the devices did not come back after the environment was restored: {why}"
