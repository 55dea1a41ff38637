"""Real PortAudio on the virtual PulseAudio devices of conftest.py: capture what
is said into micfeed, play into spk and hear it on spk.monitor, fail in words
when there is no device, and keep fd 2 clean throughout."""

from __future__ import annotations

import json
import os
import queue
import select
import socket
import subprocess
import sys
import textwrap
import threading
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from livetui.core.audio.capture import Capture
from livetui.core.audio.discovery import audio_available, find_device, list_devices
from livetui.core.audio.playback import Playback
from livetui.core.audio.portaudio import AudioUnavailable
from livetui.core.audio.quiet import quiet_stderr

if TYPE_CHECKING:
    from livetui.testing.pulse import Pulse

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("pulse")]

CHUNK_BYTES = 640  # 20 ms at 16 kHz, PCM16 mono
LOUD = 500  # RMS above this is speech or tone; the sinks' silence is exactly 0
PHRASE = "what is the weather like today"


def rms(pcm: bytes | np.ndarray) -> float:
    x = np.frombuffer(pcm, dtype="<i2") if isinstance(pcm, bytes) else pcm
    return float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) if len(x) else 0.0


def dominant_hz(x: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(x.astype(np.float64) * np.hanning(len(x)), n=8 * len(x)))
    return float(np.fft.rfftfreq(8 * len(x), 1 / rate)[int(np.argmax(spectrum))])


def loud_seconds(path: Path, window_ms: int = 20) -> float:
    """How long a WAV file is loud, counted in windows as the capture test counts chunks."""
    with wave.open(str(path)) as w:
        rate, x = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    size = rate * window_ms // 1000
    windows = x[: len(x) // size * size].reshape(-1, size)
    return sum(rms(wnd) > LOUD for wnd in windows) * window_ms / 1000


class Tone:
    """A Playback source: a 440 Hz tone until clear(), then silence, like the
    jitter buffer's read() before and after an interruption flushes it."""

    def __init__(self, hz: float = 440.0, rate: int = 24_000, amplitude: int = 8000) -> None:
        self.hz, self.rate, self.amplitude = hz, rate, amplitude
        self.switched_at: float | None = None  # when the first silent block was handed out
        self._phase = 0
        self._cleared = False
        self._blocks = 0
        self._silent_blocks = 0
        self._cond = threading.Condition()

    def __call__(self, frames: int) -> bytes:  # PortAudio's thread
        with self._cond:
            if self._cleared:
                if self.switched_at is None:
                    self.switched_at = time.monotonic()
                self._silent_blocks += 1
                out = bytes(2 * frames)
            else:
                t = (self._phase + np.arange(frames)) / self.rate
                self._phase += frames
                self._blocks += 1
                out = (np.sin(2 * np.pi * self.hz * t) * self.amplitude).astype("<i2").tobytes()
            self._cond.notify_all()
            return out

    def clear(self) -> None:
        with self._cond:
            self._cleared = True

    def wait(self, blocks: int = 0, silent_blocks: int = 0, timeout: float = 10.0) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._blocks >= blocks and self._silent_blocks >= silent_blocks, timeout):
                raise TimeoutError(f"playback pulled {self._blocks} tone and {self._silent_blocks} silent blocks in {timeout} s")


def test_list_devices_sees_the_pulse_devices(capfd: pytest.CaptureFixture[str]) -> None:
    devices = list_devices()
    names = [d.name for d in devices]
    assert "pulse" in names and "default" in names
    default_in, default_out = find_device(None, "input"), find_device(None, "output")
    assert default_in.name == default_out.name == "default"
    assert default_in.is_default_input and default_out.is_default_output
    assert default_in.max_input_channels >= 1 and default_out.max_output_channels >= 1
    assert find_device("PULS", "output").name == "pulse"  # a part of the name, any case
    assert find_device(str(default_in.index), "input") == default_in
    assert find_device(default_out.index, "output") == default_out
    with pytest.raises(AudioUnavailable, match=r"no input device matches 'no such mic'.*'default'"):
        find_device("no such mic", "input")
    ok, why = audio_available()
    assert ok, why
    assert capfd.readouterr().err == ""  # PortAudio's probing printed nothing


@pytest.mark.parametrize(("device_rate", "block_ms"), [(None, None), (44_100, None), (None, 40)],
                         ids=["16k", "resampled-from-44.1k", "40ms-device-blocks"])
def test_capture_hears_speech_in_20ms_chunks(pulse: Pulse, device_rate: int | None, block_ms: int | None) -> None:
    wav = pulse.say(PHRASE)
    chunks: queue.SimpleQueue[bytes] = queue.SimpleQueue()
    with Capture(chunks.put, device_rate=device_rate, block_ms=block_ms) as capture:  # put never blocks
        assert capture.device_rate == (device_rate or 16_000)
        capture.start()
        got = [chunks.get(timeout=5)]  # the mic is live (and silent) before anyone speaks
        speaker = pulse.play_into_mic(wav)
        # Read until the speech has been heard and has been over for 200 ms.
        quiet_run, deadline = 0, time.monotonic() + 30
        while speaker.poll() is None or not any(rms(c) > LOUD for c in got) or quiet_run < 10:
            assert time.monotonic() < deadline, "speech never came through, or never ended"
            chunk = chunks.get(timeout=5)
            got.append(chunk)
            quiet_run = 0 if rms(chunk) > LOUD else quiet_run + 1
        assert capture.active and capture.error is None
    assert speaker.wait(timeout=5) == 0
    assert {len(c) for c in got} == {CHUNK_BYTES}
    heard = sum(rms(c) > LOUD for c in got) * 0.02
    said = loud_seconds(wav)
    assert 0.75 * said < heard < 1.25 * said, f"heard {heard:.2f} s of speech, said {said:.2f} s"


@pytest.mark.parametrize("device_rate", [None, 48_000], ids=["24k", "resampled-to-48k"])
def test_playback_plays_a_tone_and_stops_when_the_source_goes_silent(pulse: Pulse, device_rate: int | None) -> None:
    tone = Tone()
    played = bytearray()
    with (
        pulse.speaker_recorder() as recorder,
        Playback(tone, on_played=played.extend, device_rate=device_rate) as playback,
    ):
        assert playback.block_frames == 240
        playback.start()
        tone.wait(blocks=50)  # half a second of tone handed to PortAudio
        cleared_at = time.monotonic()
        tone.clear()  # what an interruption does to the playback buffer
        tone.wait(silent_blocks=20)
        assert tone.switched_at is not None
        recorder.wait_until(tone.switched_at + 0.3)
        assert playback.active and playback.error is None
    x = recorder.samples()
    loud = np.flatnonzero(np.abs(x) > 1000)
    assert len(loud), "the tone never reached the speaker"
    first, last = int(loud[0]), int(loud[-1])
    assert (last - first) / 24_000 > 0.4
    assert abs(dominant_hz(x[first + 2400 : last - 2400], 24_000) - 440) < 5
    assert rms(x[last + 240 :]) < 50, "the speaker did not go silent"
    latency = recorder.time_of(last) - tone.switched_at
    print(f"\n[{device_rate or 24_000} Hz] stop latency: {latency * 1000:.1f} ms after the first silent block, "
          f"{(recorder.time_of(last) - cleared_at) * 1000:.1f} ms after clear()")
    assert latency <= 0.100
    # on_played saw what was handed out: whole blocks, the tone then silence.
    assert len(played) % 480 == 0 and rms(bytes(played[:4800])) > LOUD and rms(bytes(played[-480:])) == 0


def test_a_failing_callback_sets_error_and_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    def broken_source(frames: int) -> bytes:
        raise ValueError("buffer exploded")

    def broken_sink(chunk: bytes) -> None:
        raise ValueError("queue exploded")

    with Playback(broken_source) as playback, Capture(broken_sink) as capture:
        playback.start()
        capture.start()
        deadline = time.monotonic() + 10
        while playback.error is None or capture.error is None:
            assert time.monotonic() < deadline, "the failures were never reported"
            time.sleep(0.01)  # error is a property to poll, as the UI's timer does
        assert not playback.active and not capture.active
    assert playback.error == "output callback failed: ValueError: buffer exploded"
    assert capture.error == "input callback failed: ValueError: queue exploded"
    assert capfd.readouterr().err == ""  # PyAudio printed no traceback


def test_quiet_stderr_silences_fd_2(capfd: pytest.CaptureFixture[str]) -> None:
    os.write(2, b"before\n")
    with quiet_stderr():
        os.write(2, b"probe noise\n")
        with quiet_stderr():  # nested, as open() inside a session does
            os.write(2, b"more noise\n")
        os.write(2, b"still quiet\n")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "before\nafter\n"


NO_DEVICE_CHILD = textwrap.dedent("""
    import json, sys
    from livetui.core.audio.capture import Capture
    from livetui.core.audio.discovery import audio_available, list_devices
    from livetui.core.audio.playback import Playback
    from livetui.core.audio.portaudio import AudioUnavailable
    out = {"devices": len(list_devices()), "available": audio_available()}
    for name, make in (("capture", lambda: Capture(lambda b: None)), ("playback", lambda: Playback(lambda n: bytes(2 * n)))):
        try:
            make().close()
            out[name] = "opened"
        except AudioUnavailable as e:
            out[name] = str(e)
    sys.modules["pyaudio"] = None  # as if PyAudio were not installed
    out["no_pyaudio"] = audio_available()
    print(json.dumps(out))
""")


def test_no_device_means_audio_unavailable_and_nothing_on_stderr(pulse: Pulse) -> None:
    with refusing_port() as port:
        env = pulse.child_env(PULSE_SERVER=f"tcp:127.0.0.1:{port}")
        if _machine_has_sound_cards():
            # Real cards would make ALSA's default usable: hide them behind a config whose
            # only device is a card that does not exist (an empty config makes PortAudio 19.6
            # abort on an internal assertion).
            no_cards = pulse.workdir / "no-cards-alsa.conf"
            no_cards.write_text("pcm.!default {\n  type hw\n  card 99\n}\n")
            env["ALSA_CONFIG_PATH"] = str(no_cards)
        done = pulse.run_python(NO_DEVICE_CHILD, env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no ALSA, JACK or PortAudio chatter, no traceback
    out = json.loads(done.stdout)
    assert out["devices"] == 0
    assert out["available"][0] is False
    for key in ("capture", "playback"):
        assert out[key].startswith("no audio devices found"), out[key]
        assert "Audio over SSH" in out[key] and "\n" not in out[key]
    assert out["no_pyaudio"] == [False, "PyAudio is not installed; pip install pyaudio (it builds against portaudio19-dev)"]


ROUND_TRIP_CHILD = textwrap.dedent("""
    import json, queue, time
    import numpy as np
    from livetui.core.audio.capture import Capture
    from livetui.core.audio.discovery import audio_available, list_devices
    from livetui.core.audio.playback import Playback
    phase = [0]
    def tone(n):
        t = (phase[0] + np.arange(n)) / 24000
        phase[0] += n
        return (np.sin(2 * np.pi * 440 * t) * 8000).astype("<i2").tobytes()
    chunks = queue.SimpleQueue()
    loud = []
    sizes = set()
    with Capture(chunks.put) as capture, Playback(tone) as playback:
        capture.start()
        playback.start()
        deadline = time.monotonic() + 10
        while len(loud) < 25 and time.monotonic() < deadline:  # half a second of tone heard
            chunk = chunks.get(timeout=5)
            sizes.add(len(chunk))
            x = np.frombuffer(chunk, dtype="<i2").astype(np.float64)
            if np.sqrt(np.mean(x ** 2)) > 1000:
                loud.append(chunk)
        errors = [capture.error, playback.error]
        listed = len(list_devices())  # a fresh PortAudio session meanwhile leaves the streams alone
        chunks.get(timeout=5)
        errors += [capture.error, playback.error]
    x = np.frombuffer(b"".join(loud), dtype="<i2").astype(np.float64)
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)), n=8 * len(x))) if len(x) else np.zeros(1)
    hz = float(np.fft.rfftfreq(8 * len(x), 1 / 16000)[int(np.argmax(spectrum))]) if len(x) else 0.0
    print(json.dumps({"loud": len(loud), "sizes": sorted(sizes), "hz": hz, "errors": errors, "listed": listed,
                      "available": audio_available()}))
""")


def test_round_trip_through_a_sound_server_over_tcp(pulse: Pulse) -> None:
    """The SSH set-up: the remote console reaches the laptop's sound server over
    TCP (`ssh -R` forwards it). Here the child plays into micfeed (PULSE_SINK) and
    captures its monitor, so what it hears is what it played, both ways over TCP."""
    with pulse.tcp_server() as server:
        env = pulse.child_env(PULSE_SERVER=server, PULSE_SINK="micfeed")
        del env["PULSE_COOKIE"], env["PULSE_CLIENTCONFIG"]  # a remote host has neither
        done = pulse.run_python(ROUND_TRIP_CHILD, env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = json.loads(done.stdout)
    assert out["available"][0] is True
    assert out["errors"] == [None] * 4
    assert out["listed"] >= 2
    assert out["sizes"] == [CHUNK_BYTES]
    assert out["loud"] == 25
    assert abs(out["hz"] - 440) < 5


VANISH_CHILD = textwrap.dedent("""
    import json, sys, time
    from livetui.core.audio.capture import Capture
    from livetui.core.audio.playback import Playback
    streams = {"capture": Capture(lambda b: None), "playback": Playback(lambda n: bytes(2 * n))}
    for s in streams.values():
        s.start()
    print("started", flush=True)
    sys.stdin.readline()  # the parent kills the sound server, then says so
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(s.error for s in streams.values()):
        time.sleep(0.02)
    out = {name: [s.error, s.active] for name, s in streams.items()}
    for s in streams.values():
        s.close()
    print(json.dumps(out), flush=True)
""")


def test_a_vanished_sound_server_sets_error(pulse: Pulse) -> None:
    with pulse.another_daemon() as daemon:
        env = pulse.child_env(**daemon.client_env)
        child = subprocess.Popen([sys.executable, "-c", VANISH_CHILD], env=env, cwd=pulse.repo, text=True,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert child.stdout is not None and child.stdin is not None
            ready, _, _ = select.select([child.stdout], [], [], 30)
            assert ready and child.stdout.readline() == "started\n", child.stderr.read() if child.stderr else ""
            daemon.kill()
            child.stdin.write("killed\n")
            child.stdin.flush()
            stdout, stderr = child.communicate(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    assert child.returncode == 0, stderr
    out = json.loads(stdout)
    for name in ("capture", "playback"):
        error, active = out[name]
        assert error and "device gone" in error, out
        assert active is False
    # PortAudio's ALSA thread reports the failure on fd 2 itself, from its own
    # thread; only divert_stderr() keeps that off a screen (tested below).


DIVERT_CHILD = textwrap.dedent("""
    import os, sys
    from livetui.core.audio.quiet import divert_stderr, quiet_stderr
    terminal = divert_stderr(sys.argv[1])
    os.write(2, b"late noise from a PortAudio thread\\n")
    with quiet_stderr():  # a no-op now: fd 2 already goes to the log
        os.write(2, b"probe noise\\n")
    terminal.write("the screen\\n")
    terminal.flush()
""")


def test_divert_stderr_sends_fd_2_to_a_log_and_keeps_the_terminal(pulse: Pulse) -> None:
    log = pulse.workdir / "divert.log"
    done = pulse.run_python(DIVERT_CHILD, pulse.child_env(), str(log))
    assert done.returncode == 0, done.stderr
    assert done.stderr == "the screen\n"
    assert log.read_text() == "late noise from a PortAudio thread\nprobe noise\n"


@contextmanager
def refusing_port() -> Iterator[int]:
    """A TCP port bound but never listening: connections are refused, and nothing
    else can take it while the test runs."""
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


def _machine_has_sound_cards() -> bool:
    cards = Path("/proc/asound/cards")
    has_alsa_cards = cards.exists() and "no soundcards" not in cards.read_text()
    return has_alsa_cards or Path("/dev/dsp").exists()


@pytest.mark.parametrize("device_rate", [None, 48_000], ids=["24k", "resampled-to-48k"])
def test_a_flushed_speaker_plays_the_next_answer_whole(pulse: Pulse, device_rate: int | None) -> None:
    """On demand, as the app plays answers: a barge-in flushes the device mid-answer
    (the stream is aborted and opened afresh), and the next answer is heard, whole.
    (An aborted stream on ALSA's PulseAudio plugin used to start again silent.)"""
    from livetui.core.audio.jitter import PlaybackBuffer

    rate = 24_000
    buffer = PlaybackBuffer()

    def tone(hz: float, seconds: float) -> bytes:
        t = np.arange(int(rate * seconds)) / rate
        return (np.sin(2 * np.pi * hz * t) * 8000).astype("<i2").tobytes()

    with (
        pulse.speaker_recorder() as recorder,
        Playback(lambda n: buffer.read(2 * n), device_rate=device_rate, has_audio=lambda: buffer.playing) as playback,
    ):
        playback.start()
        for answer in range(3):
            buffer.new_turn()
            buffer.write(tone(440, 3.0))  # a long answer, cut
            playback.wake()
            began = time.monotonic()
            recorder.wait_until(began + 0.4)
            buffer.clear()
            playback.flush()
            cut = time.monotonic()
            recorder.wait_until(cut + 0.3)
            buffer.new_turn()
            buffer.write(tone(660, 0.5))  # the next answer, whole
            buffer.end_of_turn()
            playback.wake()
            second = time.monotonic()
            recorder.wait_until(second + 0.8)
            x = recorder.samples()
            first_part = x[recorder.index_at(began) : recorder.index_at(cut)]
            # Up to 20 ms before the next answer: it starts at once, and the recorder's clock may be a ms or two early.
            after_cut = x[recorder.index_at(cut + 0.1) : recorder.index_at(second - 0.02)]
            next_answer = x[recorder.index_at(second) : recorder.index_at(second + 0.8)]
            assert rms(first_part) > LOUD, f"answer {answer}: the first tone was not heard"
            assert rms(after_cut) < 50, f"answer {answer}: the speaker played on after the flush"
            heard = np.count_nonzero(np.abs(next_answer) > 1000) / rate
            assert heard > 0.4, f"answer {answer}: the next answer after a flush was heard for {heard:.2f} s of 0.5"
            assert abs(dominant_hz(next_answer[np.abs(next_answer) > 0][:4800], rate) - 660) < 10
        assert playback.flushes == 3 and playback.error is None
