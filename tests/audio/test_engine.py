"""The audio engine process (core/audio/engine*.py) on the virtual devices: the speaker
keeps playing through stalls of the console's own threads, the engine's failures read
as words, and it never outlives the console.
"""

from __future__ import annotations

import os
import queue
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from livetui.core.audio.engine import ENGINES, EngineKind, make_engine
from livetui.core.audio.engineclient import ProcessEngine
from livetui.core.audio.portaudio import AudioUnavailable
from livetui.core.settings import AudioSettings, Settings
from livetui.sim import SimOptions, Simulator
from livetui.ui.app import LiveTuiApp
from livetui.ui.lagprobe import hold_gil

from ..ui.conftest import SimBackend
from ..ui.helpers import type_and_send, until
from .test_voice_app import SIZE, SPEAKER_RATE, recording_covers, sounding, start

if TYPE_CHECKING:
    from livetui.testing.pulse import Pulse, Recorder

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("pulse")]

STALL_MS = 150
TONE_MS = 3000
STALL_HOLE_S = 0.1  # a stall of STALL_MS that reaches the speaker leaves a hole at least this long
GAP_SAMPLES = 48  # 2 ms under the level inside a steady tone is a hole (a zero crossing is ~2 samples)


def stalled(ms: int) -> tuple[float, float]:
    began = time.monotonic()
    hold_gil(ms)  # keeps the GIL, as a long C call in a parser or a garbage collection does
    return began, time.monotonic()


def holes(recorder: Recorder, level: int = 1000) -> list[tuple[float, float]]:
    """The quiet runs inside the recorded sound: (when it began, seconds long)."""
    loud = np.flatnonzero(np.abs(recorder.samples().astype(np.int32)) > level)
    steps = np.diff(loud)
    at = np.flatnonzero(steps > GAP_SAMPLES)
    return [(recorder.time_of(int(loud[i])), int(steps[i]) / SPEAKER_RATE) for i in at]


async def test_stalls_of_the_ui_and_the_session_loop_leave_no_hole_in_the_answer(pulse: Pulse, tmp_path: Path) -> None:
    """A 150 ms stall of the UI's thread, then one of the session's loop, each holding
    the GIL, while a three-second answer plays (sent in bursts, as the service does):
    the speaker's recording has no hole. With PortAudio in the console's process
    (`engine = "thread"`) each stall is a hole of over 100 ms."""
    script = tmp_path / "script.toml"
    script.write_text(f'[[reply]]\nmatch = "tone"\ntext = "A steady tone."\ntone_ms = {TONE_MS}\n')
    async with Simulator(SimOptions(script=script), keep_frames=True) as sim:
        app = LiveTuiApp(Settings(modality="AUDIO", audio=AudioSettings(mic_on_start=False)), SimBackend(sim))
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot)
            voice = app.session.voice
            assert voice is not None
            with pulse.speaker_recorder() as recorder:
                stalls: list[tuple[float, float]] = []
                await type_and_send(pilot, "tone")
                await until(pilot, lambda: len(sounding(recorder.samples())) > 0, timeout=30, what="the answer playing")
                began = recorder.time_of(int(sounding(recorder.samples())[0]))
                await recording_covers(recorder, began + 0.5)
                stalls.append(stalled(STALL_MS))  # the UI's thread: this test runs on the app's loop
                await recording_covers(recorder, began + 1.2)
                loop = app.session.net.loop
                loop.call_soon_threadsafe(lambda: stalls.append(stalled(STALL_MS)))
                await until(pilot, lambda: not voice.buffer.playing, timeout=30, what="the answer to play out")
                await recording_covers(recorder, time.monotonic() + 0.2)
                first, last = (recorder.time_of(int(i)) for i in sounding(recorder.samples())[[0, -1]])
                found = holes(recorder)
    print(f"\n[stalls] {last - first:.2f} s of tone heard; holes (s after the start, ms long): "
          f"{[(round(t - first, 3), round(1000 * n, 1)) for t, n in found]}; stalls at "
          f"{[round(a - first, 3) for a, _ in stalls]}")
    assert len(stalls) == 2 and all(first < start and end < last for start, end in stalls), "a stall fell outside the answer"
    # What a stall does to in-process PortAudio: a hole of the stall less the device's
    # buffer (over 110 ms here), beginning during the stall. A busy machine makes short
    # holes of its own anywhere; what this test is about is the stalls' windows.
    in_stalls = [(t, n) for t, n in found for a, b in stalls if a - 0.05 < t < b + 0.2 and n >= STALL_HOLE_S]
    assert in_stalls == [], "the speaker went quiet during a stall"
    played = (last - first) - sum(n for _, n in found)
    assert abs(played - TONE_MS / 1000) < 0.05  # all of it, nothing repeated
    assert voice.buffer.underruns == 0  # the engine never ran out of answer to play


@pytest.mark.parametrize("kind", ENGINES)
def test_an_answer_arriving_at_real_time_pace_plays_without_a_hole(pulse: Pulse, kind: EngineKind) -> None:
    """The speaker starts on an answer's first chunk only once it has enough not to run
    dry (a started stream pulls about 30 ms at once): chunks that come no faster than
    they play, 40 ms apart, as a slow link delivers them, are heard whole, with no
    hole a chunk in (there was one of 30 ms when the stream started at once)."""
    rate, chunk_s, n_chunks = SPEAKER_RATE, 0.04, 25
    t = np.arange(int(rate * chunk_s * n_chunks)) / rate
    tone = (np.sin(2 * np.pi * 440 * t) * 8000).astype("<i2").tobytes()
    step = len(tone) // n_chunks
    engine = make_engine(kind, None, None, 20)
    engine.open(lambda pcm: None)
    try:
        with pulse.speaker_recorder() as recorder:
            engine.buffer.new_turn()
            first = time.monotonic()
            for i in range(n_chunks):
                # The pace is the scenario: a chunk every 40 ms, on the clock.
                time.sleep(max(0.0, first + i * chunk_s - time.monotonic()))
                engine.buffer.write(tone[i * step : (i + 1) * step])
                engine.wake()
            engine.buffer.end_of_turn()
            recorder.wait_until(first + chunk_s * n_chunks + 0.5, timeout=30)
            x = recorder.samples()[recorder.index_at(first - 0.05) :]
            found = holes(recorder)
        heard = sounding(x)
        assert len(heard), "the answer was not heard"
        assert found == [], f"holes (monotonic time, seconds long): {found}"
        assert abs((heard[-1] - heard[0]) / rate - chunk_s * n_chunks) < 0.01  # all of it, once
        assert engine.buffer.underruns == 0
    finally:
        engine.close()


def test_a_device_that_will_not_open_is_said_in_words_and_leaves_no_process(pulse: Pulse) -> None:
    engine = ProcessEngine(None, "no such speaker", 20)
    with pytest.raises(AudioUnavailable) as caught:
        engine.open(lambda pcm: None)
    assert "no such speaker" in str(caught.value) and "Traceback" not in str(caught.value)
    assert not engine.opened and engine._proc is None


def test_an_engine_that_dies_is_reported_and_the_mic_stops(pulse: Pulse) -> None:
    chunks: queue.SimpleQueue[bytes] = queue.SimpleQueue()
    engine = ProcessEngine(None, None, 20)
    engine.open(chunks.put)
    try:
        assert len(chunks.get(timeout=10)) == 640  # the mic's chunks arrive, 640 bytes each
        assert engine._proc is not None
        os.kill(engine._proc.pid, signal.SIGKILL)
        events = engine._threads[0]  # reads the engine's control socket; ends at its end
        events.join(timeout=10)
        assert not events.is_alive()
        assert engine.device_error() == "audio engine: it stopped (see the log)"
        # The console's retry: the same engine object opens again, and its mic flows again.
        engine.close()
        engine.open(chunks.put)
        assert engine.device_error() is None
        while not chunks.empty():  # left from the first engine
            chunks.get_nowait()
        assert len(chunks.get(timeout=10)) == 640
    finally:
        engine.close()


def test_the_engine_ends_with_a_killed_console(pulse: Pulse, tmp_path: Path) -> None:
    """A console killed with SIGKILL closes nothing; its engine sees the control
    socket close and ends, releasing the devices."""
    pid_file = tmp_path / "engine.pid"
    code = textwrap.dedent(f"""
        import os, signal, time
        from livetui.core.audio.engineclient import ProcessEngine
        engine = ProcessEngine(None, None, 20)
        engine.open(lambda pcm: None)
        open({str(pid_file)!r}, "w").write(str(engine._proc.pid))
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    console = subprocess.run([sys.executable, "-c", code], env=pulse.child_env(PYTHONPATH=str(pulse.repo)),
                             capture_output=True, timeout=60, check=False)
    assert console.returncode == -signal.SIGKILL, console.stderr
    pid = int(pid_file.read_text())
    assert _ends_within(pid, 10), "the engine outlived its console"


def _ends_within(pid: int, seconds: float) -> bool:
    """Wait for a process that is not our child to end: its pidfd turns readable then."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        ready, _, _ = select.select([fd], [], [], seconds)
    finally:
        os.close(fd)
    return bool(ready) or not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing
