"""The audio engine process: PortAudio's mic and speaker streams, away from the UI's GIL.

Started by core/audio/engineclient.py as `python -m livetui.core.audio.enginemain
CTL MIC SHM CAPACITY` (inherited descriptors). Its callbacks read the playback
ring and write the meters in shared memory and send the mic's chunks over MIC;
CTL carries the settings, "wake"/"flush"/"close", and device errors back. It ends
when CTL closes: the console closed it, or the console is gone.

Nothing here prints: stderr is the console's log, and PortAudio's chatter is kept
off it as everywhere else (core/audio/quiet.py).
"""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import sys
import threading
from typing import Any, BinaryIO

from ..sanitize import safe_text
from .capture import Capture
from .levels import LevelMeter
from .pcm import SAMPLE_WIDTH
from .playback import Playback
from .portaudio import AudioUnavailable
from .rates import OUTPUT_RATE
from .ring import MIC_METER, MIC_WANTED, SPEAKER_METER, XRUNS, SharedAudio

ERROR_CHECK_S = 0.5
REALTIME_PRIORITY = 10  # low among realtime threads: under the sound server's own (rtkit gives it 20+)
NICER = 10
# The mic's device block: 40 ms wakes PortAudio and the sound server's plugin half as
# often as 20 ms (engine idle with the mic open: 2.2% of a core, not 3.2%). Chunks are
# still chunk_ms, sent in pairs; the service's end-of-speech wait (500 ms and more)
# dwarfs the 20 ms the second chunk may wait.
CAPTURE_BLOCK_MS = 40
# The speaker's device block (PortAudio keeps about two queued). Measured on a quiet
# machine, twelve bursty answers each: 10 ms, no hole, onset 1.0 ms median; 20 ms, a
# 10 ms hole in every other answer (its larger first pull drains the first chunk).
PLAYBACK_BLOCK_MS = 10


class Engine:
    def __init__(self, shared: SharedAudio, ctl: socket.socket, mic: socket.socket) -> None:
        self.shared = shared
        self.ctl = ctl
        self.mic = mic
        mic.setblocking(False)  # a callback never waits for the console
        self.mic_meter = LevelMeter()
        self.speaker_meter = LevelMeter()
        self.capture: Capture | None = None
        self.playback: Playback | None = None
        self._send_lock = threading.Lock()
        self._outgoing = bytearray()  # mic chunks of the device block so far
        self._block_bytes = 0
        self._closing = threading.Event()

    def send(self, message: dict[str, Any]) -> None:
        with self._send_lock:
            self.ctl.sendall((json.dumps(message) + "\n").encode())

    def _publish(self, meter: LevelMeter, slot: int) -> None:
        current, peak, peak_at = meter.state()
        self.shared.floats[slot : slot + 3] = (math.nan if current is None else current, peak, peak_at)

    def _played(self, pcm: bytes) -> None:
        self.speaker_meter.feed(pcm)
        self._publish(self.speaker_meter, SPEAKER_METER)
        if self.playback is not None:
            self.shared.ints[XRUNS] = self.playback.xruns

    def _pull_delay(self) -> float:
        return self.playback.pull_delay_s if self.playback is not None else 0.0

    def _heard(self, pcm: bytes) -> None:
        self.mic_meter.feed(pcm)
        self._publish(self.mic_meter, MIC_METER)
        if not self.shared.ints[MIC_WANTED]:
            self._outgoing.clear()
            return
        # A device block's chunks go as one message: the console's reader wakes once a
        # block (25 times a second), not once a chunk.
        self._outgoing += pcm
        if len(self._outgoing) >= self._block_bytes:
            try:
                self.mic.send(self._outgoing)
            except OSError:  # the console is stalled (these chunks go) or gone (CTL's end closes us)
                pass
            self._outgoing.clear()

    def open(self, settings: dict[str, Any]) -> dict[str, Any]:
        chunk_ms = int(settings.get("chunk_ms", 20))
        read = self.shared.read
        # The playback's delay goes with each read: the ring stamps when an answer's first sample is heard.
        self.playback = Playback(lambda frames: read(frames * SAMPLE_WIDTH, self._pull_delay()), settings.get("output_device"),
                                 on_played=self._played, has_audio=self.shared.has_audio,
                                 ready=self.shared.ready_to_start,
                                 block_frames=OUTPUT_RATE * PLAYBACK_BLOCK_MS // 1000)
        self.capture = Capture(self._heard, settings.get("input_device"), chunk_ms=chunk_ms,
                               block_ms=max(chunk_ms, CAPTURE_BLOCK_MS))
        self._block_bytes = self.capture.block_frames * SAMPLE_WIDTH
        self.playback.start()
        # Started even when muted, and stopped at once: ALSA's PulseAudio plugin keeps a
        # capture that was opened and never started streaming into its own buffer (0.6-1.3%
        # of a core for nothing); a stopped one is corked.
        self.capture.start()
        if not self.shared.ints[MIC_WANTED]:
            self.capture.stop()
        return {
            "ev": "opened",
            "input": self.capture.device.name, "input_rate": self.capture.device_rate,
            "output": self.playback.device.name, "output_rate": self.playback.device_rate,
        }

    def watch(self) -> None:
        """Say once, in words, when a device fails."""
        while not self._closing.wait(ERROR_CHECK_S):
            for name, stream in (("microphone", self.capture), ("speaker", self.playback)):
                error = stream.error if stream is not None else None
                if error:
                    try:
                        self.send({"ev": "error", "text": f"{name}: {error}"})
                    except OSError:
                        pass
                    return

    def serve(self, reader: BinaryIO) -> None:
        for line in reader:
            op = json.loads(line).get("op")
            if op == "wake" and self.playback is not None:
                self.playback.wake()
            elif op == "flush" and self.playback is not None:
                self.playback.flush()
            elif op in ("mic_on", "mic_off") and self.capture is not None:
                self._mic(op == "mic_on")
            elif op == "close":
                return

    def _mic(self, on: bool) -> None:
        """Muted, the mic's stream stops: capturing costs CPU (the sound server's plugin
        most), and a muted mic has nothing to show or send."""
        assert self.capture is not None
        try:
            if on:
                self.capture.start()
            else:
                self.capture.stop()
                self.mic_meter.reset()
                self._publish(self.mic_meter, MIC_METER)
        except AudioUnavailable as e:
            self.send({"ev": "error", "text": f"microphone: {e}"})

    def close(self) -> None:
        self._closing.set()
        for stream in (self.capture, self.playback):
            if stream is not None:
                try:
                    stream.close()
                except Exception:  # noqa: BLE001 - a vanished device may fail to close; it is gone either way
                    pass


def raise_priority() -> str:
    """Ask for the CPU before other programs, as sound servers do, where the system
    lets us (an `audio` group's rtprio or nice limit, or root): a busy machine then
    starves the speaker last. Threads started afterwards (PortAudio's) inherit it.
    Returns what was granted, for the log."""
    try:
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(REALTIME_PRIORITY))
        return f"realtime (round robin, {REALTIME_PRIORITY})"
    except (AttributeError, OSError):
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, 0, -NICER)
        return f"nice -{NICER}"
    except (AttributeError, OSError):
        return "normal"


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the console decides when we stop
    priority = raise_priority()
    ctl_fd, mic_fd, shm_fd, capacity = (int(a) for a in argv)
    ctl = socket.socket(fileno=ctl_fd)
    mic = socket.socket(fileno=mic_fd)
    shared = SharedAudio(shm_fd, capacity)
    os.close(shm_fd)  # the mapping keeps it
    engine = Engine(shared, ctl, mic)
    reader = ctl.makefile("rb")
    try:
        line = reader.readline()
        if not line:
            return 0
        try:
            engine.send({**engine.open(json.loads(line)), "priority": priority})
        except AudioUnavailable as e:
            engine.send({"ev": "failed", "message": e.message, "hint": e.hint})
            return 0
        except Exception as e:  # noqa: BLE001 - whatever it is, the console says it in words
            engine.send({"ev": "failed", "message": f"the audio devices did not open: {type(e).__name__}: {safe_text(str(e))}"})
            return 0
        threading.Thread(target=engine.watch, name="device watch", daemon=True).start()
        engine.serve(reader)
    except (OSError, ValueError):  # the console went away mid-message
        pass
    finally:
        engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
