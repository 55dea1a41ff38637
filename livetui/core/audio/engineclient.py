"""The console's end of the audio engine process (core/audio/enginemain.py).

Set-up: one shared block (core/audio/ring.py) and two socket pairs are made here;
the engine gets their descriptors. Over `ctl` go JSON lines: the settings out and
"opened"/"failed" back, then "wake"/"flush"/"close" out and device errors back.
Over `mic` come the mic's chunks, raw, all the same size, a device block's in one
message. The engine ends when `ctl` closes, so it never outlives the console, even
a killed one.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from .engine import MicSink
from .levels import LevelMeter, held_peak
from .pcm import SAMPLE_WIDTH
from .portaudio import AudioUnavailable
from .rates import INPUT_RATE, OUTPUT_RATE
from .ring import (
    HEADER,
    MIC_METER,
    MIC_WANTED,
    READ,
    SPEAKER_METER,
    START_QUEUED_BYTES,
    TURN_ENDED,
    UNDERRUNS,
    WRITE,
    XRUNS,
    SharedAudio,
    shared_file,
)

# The largest mic message the engine sends: a device block's chunks (enginemain.py).
MAX_MIC_MESSAGE = 65536
OPEN_TIMEOUT_S = 20.0  # PortAudio probing devices over a slow sound server
CLOSE_TIMEOUT_S = 2.0


def mic_socketpair() -> tuple[socket.socket, socket.socket]:
    """Message boundaries kept, so a chunk the console was too slow to take is dropped
    whole, never half (half a sample would turn the rest into noise)."""
    kind = getattr(socket, "SOCK_SEQPACKET", socket.SOCK_DGRAM)
    try:
        return socket.socketpair(socket.AF_UNIX, kind)
    except OSError:  # no SEQPACKET here (macOS): datagrams keep boundaries too
        return socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)


class MeterView:
    """A LevelMeter kept by the engine, read here: the same reading, from shared memory."""

    def __init__(self, shared: SharedAudio, slot: int) -> None:
        self._floats = shared.floats
        self._slot = slot
        meter = LevelMeter()  # the engine's meters have the defaults too
        self._hold, self._decay = meter.hold_s, meter.decay_db_per_s
        self.live = False  # nothing to read until the engine runs

    def level(self) -> float | None:
        if not self.live:
            return None
        current, peak, peak_at = (float(x) for x in self._floats[self._slot : self._slot + 3])
        if current != current:  # NaN: nothing fed yet
            return None
        return max(current, held_peak(peak, peak_at, time.monotonic(), self._hold, self._decay))


class RingPlayback:
    """A PlaybackBuffer's interface over the shared ring: this process writes, the
    engine plays. Turn accounting is by position: the turn starts where the ring's
    writing stood at new_turn(); what the engine has read past that was heard."""

    def __init__(self, shared: SharedAudio, rate: int = OUTPUT_RATE) -> None:
        self._shared = shared
        self._ints = shared.ints
        self._bytes_per_s = rate * SAMPLE_WIDTH
        self._turn_start = 0
        self.overflow_bytes = 0
        # The ring held less than a start's worth before the last write: the engine's speaker
        # may be asleep, or waiting for enough to start (core/audio/playback.py).
        self.needs_wake = False

    def write(self, pcm: bytes) -> None:
        if len(pcm) % SAMPLE_WIDTH:
            raise ValueError(f"PCM16 data of {len(pcm)} bytes is not a whole number of samples")
        self.needs_wake = self._shared.queued() < START_QUEUED_BYTES
        self.overflow_bytes += self._shared.write(pcm)

    def new_turn(self) -> None:
        self._turn_start = int(self._ints[WRITE])
        self._ints[TURN_ENDED] = 0
        self._shared.mark_heard(self._turn_start)

    def mark(self) -> None:
        """Time the sound of the next byte written (new_turn() marks the turn's first)."""
        self._shared.mark_heard(int(self._ints[WRITE]))

    def heard_at(self) -> float | None:
        """When the marked byte leaves the device (the engine stamps it: core/audio/ring.py)."""
        return self._shared.heard_at()

    def end_of_turn(self) -> None:
        self._ints[TURN_ENDED] = 1

    def clear(self) -> int:
        dropped = self._shared.queued()
        self._shared.skip_all()
        return dropped

    @property
    def written_bytes(self) -> int:
        return int(self._ints[WRITE]) - self._turn_start

    @property
    def played_bytes(self) -> int:
        return max(0, min(int(self._ints[READ]) - self._turn_start, self.written_bytes))

    def heard_fraction(self) -> float:
        written = self.written_bytes
        return self.played_bytes / written if written else 0.0

    @property
    def playing(self) -> bool:
        return self._shared.has_audio()

    @property
    def depth_ms(self) -> float:
        return self._shared.queued() * 1000 / self._bytes_per_s

    @property
    def underruns(self) -> int:
        return int(self._ints[UNDERRUNS])


class ProcessEngine:
    """The audio devices in a helper process (see core/audio/engine.py)."""

    def __init__(self, input_device: str | None, output_device: str | None, chunk_ms: int) -> None:
        self._settings = {"input_device": input_device, "output_device": output_device, "chunk_ms": chunk_ms}
        self.chunk_bytes = INPUT_RATE * chunk_ms // 1000 * SAMPLE_WIDTH
        self._capacity = SharedAudio.size_for()
        self._fd = shared_file(HEADER + self._capacity)
        self._shared = SharedAudio(self._fd, self._capacity)
        self._shared.floats[:] = float("nan")
        self._shared.ints[MIC_WANTED] = 1
        self.buffer = RingPlayback(self._shared)
        self.mic_meter = MeterView(self._shared, MIC_METER)
        self.speaker_meter = MeterView(self._shared, SPEAKER_METER)
        self._proc: subprocess.Popen[bytes] | None = None
        self._ctl: socket.socket | None = None
        self._mic: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._error: str | None = None
        self._threads: list[threading.Thread] = []
        self.info: dict[str, Any] = {}  # what the engine opened: device names and rates

    # -- start and stop ------------------------------------------------------------

    def open(self, on_mic: MicSink) -> None:
        self._error = None  # a retry after a lost device starts with a clean slate
        ctl, ctl_child = socket.socketpair()
        mic, mic_child = mic_socketpair()
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "livetui.core.audio.enginemain",
                 str(ctl_child.fileno()), str(mic_child.fileno()), str(self._fd), str(self._capacity)],
                pass_fds=(ctl_child.fileno(), mic_child.fileno(), self._fd),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,  # stderr: the console's, i.e. its log
                start_new_session=True,  # the terminal's Ctrl-C and Ctrl-Z are the console's to handle
            )
        except OSError as e:
            ctl.close()
            mic.close()
            raise AudioUnavailable(f"could not start the audio engine: {e}", 'set [audio] engine = "thread"') from e
        finally:
            ctl_child.close()
            mic_child.close()
        self._ctl, self._mic = ctl, mic
        reader = ctl.makefile("rb")
        try:
            self._send({"op": "open", **self._settings})
            ctl.settimeout(OPEN_TIMEOUT_S)
            reply = _read_json(reader)
            ctl.settimeout(None)
        except (OSError, ValueError) as e:
            self.close()
            raise AudioUnavailable(f"the audio engine did not start: {e}", 'set [audio] engine = "thread"') from e
        if reply is None or reply.get("ev") != "opened":
            self.close()
            reply = reply or {}
            raise AudioUnavailable(reply.get("message", "the audio engine ended while opening the devices"), reply.get("hint", ""))
        self.info = reply
        self.mic_meter.live = self.speaker_meter.live = True
        self._spawn(self._read_events, reader, name="audio engine events")
        self._spawn(self._read_mic, on_mic, name="audio engine mic")

    def _spawn(self, target: Any, *args: Any, name: str) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    @property
    def opened(self) -> bool:
        return self._proc is not None and self.mic_meter.live

    def close(self) -> None:
        proc, self._proc = self._proc, None
        self.mic_meter.live = self.speaker_meter.live = False
        if proc is not None:
            try:
                self._send({"op": "close"})
            except OSError:
                pass
        for sock in (self._ctl, self._mic):
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
        self._ctl = self._mic = None
        if proc is not None:
            try:
                proc.wait(CLOSE_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=1)
        self._threads.clear()

    def __del__(self) -> None:
        try:
            os.close(self._fd)
        except (OSError, AttributeError):
            pass

    # -- while running ---------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        ctl = self._ctl
        if ctl is None:
            return
        data = (json.dumps(message) + "\n").encode()
        with self._send_lock:
            ctl.sendall(data)

    def _tell(self, op: str) -> None:
        try:
            self._send({"op": op})
        except OSError:  # the engine is gone: _read_events says so
            pass

    def wake(self) -> None:
        # Only when it may sleep or wait to start: an answer arriving in a burst is a few
        # messages, not 40.
        if self.buffer.needs_wake:
            self.buffer.needs_wake = False
            self._tell("wake")

    def flush(self) -> None:
        self._tell("flush")

    def set_mic_wanted(self, wanted: bool) -> None:
        """Muted (False), the engine stops the mic's stream: no CPU for a mic that
        nobody hears. Never blocks: the engine starts and stops it."""
        if bool(self._shared.ints[MIC_WANTED]) != wanted:
            self._shared.ints[MIC_WANTED] = int(wanted)
            self._tell("mic_on" if wanted else "mic_off")

    def device_error(self) -> str | None:
        return self._error

    def glitches(self) -> tuple[int, int]:
        return int(self._shared.ints[UNDERRUNS]), int(self._shared.ints[XRUNS])

    def _read_events(self, reader: Any) -> None:
        while True:
            try:
                event = _read_json(reader)
            except (OSError, ValueError):
                event = None
            if event is None:
                if self._proc is not None and self._error is None:
                    self._error = "audio engine: it stopped (see the log)"
                return
            if event.get("ev") == "error" and self._error is None:
                self._error = str(event.get("text", "the audio device failed"))

    def _read_mic(self, on_mic: MicSink) -> None:
        mic, size = self._mic, self.chunk_bytes
        assert mic is not None
        while True:
            try:
                # One message, the chunks of one device block (two, usually): this thread
                # wakes once a block, not once a chunk.
                data = mic.recv(MAX_MIC_MESSAGE)
            except OSError:
                return
            if not data:
                return
            for at in range(0, len(data) - len(data) % size, size):
                on_mic(data[at : at + size])


def _read_json(reader: Any) -> dict[str, Any] | None:
    line = reader.readline()
    if not line:
        return None
    value = json.loads(line)
    if not isinstance(value, dict):
        raise ValueError(f"not an engine message: {line[:80]!r}")
    return value
