"""The speaker: PCM16 mono at Live's output rate, played on demand so barge-in is quick."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .discovery import Device, Kind
from .pcm import SAMPLE_WIDTH, Resampler
from .portaudio import AudioUnavailable
from .rates import OUTPUT_RATE
from .stream import PA_CONTINUE, PA_OUTPUT_UNDERFLOW, Stream

# 10 ms blocks: after the source turns silent, old audio is heard for about two
# blocks more (PortAudio keeps two queued). That no longer sets barge-in speed
# (on demand, Playback.flush drops what the device holds), so the block is sized
# for slack: 5 ms blocks left holes in answers whenever the CPU was busy.
PLAYBACK_BLOCK = 240
# On-demand playback: the stream stops after this long with nothing to play (far
# longer than the device's own latency, so the tail has been heard by then).
IDLE_STOP_SECONDS = 0.15
# ...and starts once it has enough not to run dry (`ready`; the engine's is
# core/audio/ring.py's START_QUEUED_MS): a stream that starts pulls several blocks at
# once to fill the device (about 30 ms here), and what the source lacks then is padded
# with silence, a hole heard a chunk into the answer. On a slow link the stream waits
# for more, but never longer than START_WAIT_SECONDS. (It used to start at once behind
# 10 ms of silence: 10 ms more onset, and no help when the second chunk was late.)
START_WAIT_SECONDS = 0.08
START_POLL_SECONDS = 0.002


class Playback(Stream):
    """The speaker: each PortAudio callback pulls exactly n*2 bytes (n frames of
    PCM16 mono at 24 kHz) from source(n), plays them, and hands them to
    on_played(bytes) if given. Both run on PortAudio's thread and must not block.
    A short answer from the source is padded with silence.

    `block_frames` sets latency: what the source stops giving is still heard for
    about two blocks. `device_rate`: as for Capture.

    On demand (`has_audio` given): a running output stream keeps the device's
    buffers full of silence, so new audio queues behind them (two blocks and the
    sound server's share: 20-30 ms with 10 ms blocks), and audio already handed
    to the device plays on after the source goes quiet. So the stream runs only
    while there is something to play: `wake()` (new audio) starts it as soon as
    `ready()` says enough is queued (at once without `ready`; at most
    START_WAIT_SECONDS later), and the first block goes straight out; after
    IDLE_STOP_SECONDS of has_audio() being false it stops; `flush()` (barge-in)
    stops it at once, dropping what the device holds, so the speaker is silent
    within a few milliseconds, whatever the block or chunk size. A control thread
    does the starting and stopping: the sound server may be far away (over SSH)
    and those calls wait for it, which no caller of wake() or flush() must.
    """

    kind: Kind = "output"

    def __init__(
        self,
        source: Callable[[int], bytes],
        device: Device | str | int | None = None,
        *,
        on_played: Callable[[bytes], None] | None = None,
        block_frames: int = PLAYBACK_BLOCK,
        rate: int = OUTPUT_RATE,
        device_rate: int | None = None,
        has_audio: Callable[[], bool] | None = None,
        ready: Callable[[], bool] | None = None,
    ) -> None:
        if block_frames <= 0:
            raise ValueError(f"block_frames must be positive, not {block_frames}")
        self._source = source
        self._on_played = on_played
        self._fifo = bytearray()  # resampled audio not yet handed to the device
        self._has_audio = has_audio
        self._ready = ready  # enough queued to start (see START_WAIT_SECONDS)
        self._control = threading.Condition()
        self._control_thread: threading.Thread | None = None
        self._enabled = False  # start() was called (on demand: the stream may still be stopped)
        self._poked = False
        self._flush = False
        self._closing = False
        self.flushes = 0  # times the device's buffer was dropped (barge-in)
        self.resumes = 0  # times the stream was started on demand
        # Seconds from now until the first frame the source gives now leaves the device:
        # set before each pull, read by the source to say when an answer was heard.
        self.pull_delay_s = 0.0
        super().__init__(device, rate, block_frames, device_rate)
        self._reported_latency = self._output_latency()

    # -- on demand -------------------------------------------------------------

    @property
    def on_demand(self) -> bool:
        return self._has_audio is not None

    def start(self) -> None:
        if not self.on_demand:
            super().start()
            return
        if self._stream is None:
            raise RuntimeError("output stream is closed")
        with self._control:
            self._enabled = True
            self._poked = True
            if self._control_thread is None:
                self._control_thread = threading.Thread(target=self._run_control, name="playback control", daemon=True)
                self._control_thread.start()
            self._control.notify()

    def wake(self) -> None:
        """New audio to play: start the stream now if it is stopped. Never blocks."""
        if self.on_demand:
            with self._control:
                self._poked = True
                self._control.notify()

    def flush(self) -> None:
        """Drop what the device holds, now (the source was just emptied). Never blocks."""
        if self.on_demand:
            with self._control:
                self._flush = self._poked = True
                self._control.notify()

    def _run_control(self) -> None:
        assert self._has_audio is not None
        busy_at = time.monotonic()
        waiting_since: float | None = None  # audio came while stopped; not enough to start yet
        while True:
            with self._control:
                # Stopped: sleep until poked (an idle console wakes for nothing). Playing: look
                # in a few times per IDLE_STOP_SECONDS to stop once the answer has played out.
                # Waiting to start: look in every START_POLL_SECONDS for the rest of the burst.
                if waiting_since is not None:
                    timeout: float | None = START_POLL_SECONDS
                else:
                    timeout = IDLE_STOP_SECONDS / 3 if self._started else None
                self._control.wait_for(lambda: self._poked or self._closing, timeout=timeout)
                flush, closing, enabled = self._flush, self._closing, self._enabled
                self._flush = self._poked = False
            if closing:
                return
            try:
                if flush and self._started:
                    self.flushes += 1
                    self._pause(drop=True)
                if not enabled or self._error is not None:
                    waiting_since = None
                    continue
                now = time.monotonic()
                if self._has_audio():
                    busy_at = now
                    if not self._started:
                        waiting_since = now if waiting_since is None else waiting_since
                        if self._ready is None or self._ready() or now - waiting_since >= START_WAIT_SECONDS:
                            waiting_since = None
                            self.resumes += 1
                            super().start()
                else:
                    waiting_since = None
                    if self._started and now - busy_at > IDLE_STOP_SECONDS:
                        self._pause()
            except AudioUnavailable as e:  # the device went away while stopped
                self._error = str(e)
            except Exception as e:  # noqa: BLE001 - reported through .error, like a callback failure
                self._error = f"output control failed: {type(e).__name__}: {e}"

    def _pause(self, drop: bool = False) -> None:
        if drop:
            self.abort()
        else:
            self.stop()
        self._fifo.clear()
        if self._on_played is not None:
            self._on_played(bytes(self.block_frames * SAMPLE_WIDTH))  # the meter falls silent too

    def close(self) -> None:
        with self._control:
            self._closing = True
            self._control.notify()
            thread, self._control_thread = self._control_thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        super().close()

    def _make_resampler(self) -> Resampler:
        return Resampler(self.rate, self.device_rate)

    def _pull(self, frames: int) -> bytes:
        want = frames * SAMPLE_WIDTH
        pcm = self._source(frames)
        if len(pcm) != want:
            pcm = bytes(pcm[:want]).ljust(want, b"\0")
        if self._on_played is not None:
            self._on_played(pcm)
        return pcm

    def _output_latency(self) -> float:
        """The device's output latency as PortAudio reports it (0 if it cannot say)."""
        try:
            latency = float(self._stream.get_output_latency()) if self._stream is not None else 0.0
        except (OSError, AttributeError, ValueError):
            return 0.0
        return latency if 0.0 <= latency < 2.0 else 0.0

    def _dac_delay(self, time_info: Any) -> float:
        """How long until this callback's buffer leaves the device: PortAudio's own
        timing when it gives a sane one, else the latency the stream reported."""
        try:
            delay = float(time_info["output_buffer_dac_time"]) - float(time_info["current_time"])
        except (KeyError, TypeError, ValueError):
            delay = -1.0
        return delay if 0.0 < delay < 2.0 else self._reported_latency

    def _callback(self, in_data: bytes | None, frame_count: int, time_info: Any, status: int) -> tuple[bytes | None, int]:
        try:
            self._last_callback = time.monotonic()
            if status & PA_OUTPUT_UNDERFLOW:
                self.xruns += 1
            self.pull_delay_s = self._dac_delay(time_info)
            if self._resampler is None:
                out = self._pull(frame_count)
            else:
                dac = self.pull_delay_s
                need = frame_count * SAMPLE_WIDTH
                # The filter holds back a few ms at first; a bounded number of
                # pulls fills the gap, and silence covers the rest.
                for _ in range(8):
                    if len(self._fifo) >= need:
                        break
                    # What is pulled now plays after what the resampler already holds.
                    self.pull_delay_s = dac + len(self._fifo) / SAMPLE_WIDTH / self.device_rate
                    self._fifo += self._resampler.process(self._pull(self.block_frames))
                out = bytes(self._fifo[:need]).ljust(need, b"\0")
                del self._fifo[:need]
            if self.channels > 1:
                out = np.repeat(np.frombuffer(out, dtype="<i2"), self.channels).tobytes()
            return out, PA_CONTINUE
        except Exception as e:  # noqa: BLE001 - whatever it is, PyAudio must not print it
            return self._failed(e, bytes(frame_count * SAMPLE_WIDTH * self.channels))
